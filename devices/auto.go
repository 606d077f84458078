package devices

import (
	"math"

	"github.com/infersim/infersim/network"
	"github.com/infersim/infersim/units"
)

// The auto mode picks, before each request, the cut K (0 = the cloud with
// the JPEG, the number of layers = on-device, or a split point between)
// with the lowest expected latency or phone energy under the conditions of
// the moment. This is Neurosurgeon's idea (Y. Kang et al., "Neurosurgeon:
// Collaborative Intelligence Between the Cloud and Mobile Edge", ASPLOS
// 2017): predict each layer's time on both sides and the transfer of each
// cut's data, and choose the best cut per request. The estimates:
//
//	latency(K) = preprocess
//	           + [K > 0] (load, if the model is not resident on the phone) + Σ_{i<K} mean_phone(i) + re-reads
//	           + [K < N] EstimateUpload(bytes(K)) + server handling(K) + server.expectedWait + Σ_{i≥K} mean_server(i) + EstimateDownload(1 kB)
//	energy(K)  = base × latency(K)
//	           + per-core CPU power × (preprocess + load + cores busy × phone compute) + GPU active power × phone compute (GPU framework)
//	           + [K < N] radio: promotion (if idle now) + active power × transfer times + the whole tail
//
// where bytes(0) is the JPEG and bytes(K) the float32 activation at the
// cut; the link's estimates include its radio promotion and handshake.
// Ties go to the smaller K. What does not depend on K (the link's
// conditions, the download, the server's wait, the load, the radio) is
// computed once per decision (autoEstimate).
func (r *request) choose() int {
	ph := r.ph
	n := r.ni.layers
	canPhone := r.pe != nil && r.pm != nil && r.pm.err == nil
	canServer := r.srv != nil && r.sm != nil && r.sm.err == nil && ph.link != nil
	var a autoEstimate
	a.init(r, canPhone, canServer)
	// The decision uses the predictor (the profile's means perturbed by
	// their error, predictor.go); the regret uses the profile's own means,
	// the simulator's expected costs.
	a.phoneF, a.serverF = 1, 1
	if !ph.opt.OracleAuto {
		a.phoneF, a.serverF = ph.autoPredictor().factors(r.rq.Model)
	}
	best, bestV := -1, math.Inf(1)
	truth := map[int]float64{}
	bestTrue := math.Inf(1)
	try := func(k int) {
		if (k > 0 && !canPhone) || (k < n && !canServer) {
			return
		}
		v := a.estimate(r, k)
		if v < bestV {
			best, bestV = k, v
		}
		pf, sf := a.phoneF, a.serverF
		a.phoneF, a.serverF = 1, 1
		t := a.estimate(r, k)
		a.phoneF, a.serverF = pf, sf
		truth[k] = t
		bestTrue = min(bestTrue, t)
	}
	try(0)
	for _, k := range r.ni.cutList {
		try(k)
	}
	try(n)
	if best >= 0 && bestTrue > 0 {
		ph.stats.AutoDecisions++
		ph.stats.AutoRegret += truth[best]/bestTrue - 1
	}
	return best
}

// autoEstimate holds what the estimates of one decision share.
type autoEstimate struct {
	prep0, prepK float64 // preprocess time for K = 0 and K > 0
	load         float64 // the model's load on the phone, 0 if resident
	up           network.Estimator
	td           float64 // the reply's download
	wait         float64 // the server's expected wait
	promo        float64 // the radio's promotion energy, 0 if not idle
	tail         float64 // the radio's whole tail energy
	hasRadio     bool
	radio        network.RadioSpec
	// phoneF and serverF scale the phone's and the server's compute
	// means: the predictor's error (1: the profile's own means).
	phoneF, serverF float64
}

func (a *autoEstimate) init(r *request, canPhone, canServer bool) {
	ph := r.ph
	spec := ph.spec
	if e := r.prepEngine(0); e != nil {
		a.prep0 = float64(e.e.Preprocess(r.rq.Width, r.rq.Height))
	}
	a.prepK = a.prep0
	if e := r.prepEngine(1); e != nil && e != r.prepEngine(0) {
		a.prepK = float64(e.e.Preprocess(r.rq.Width, r.rq.Height))
	}
	if canPhone && !ph.isResident(r.rq.Model, r.pe.target) {
		lc := r.pm.load
		a.load = float64(lc.FileBytes)/float64(spec.Storage.ReadRate) + float64(lc.Parse) + float64(lc.Convert)
	}
	if !canServer {
		return
	}
	a.up = ph.link.UploadEstimator()
	down := ph.link.DownloadEstimator()
	a.td = float64(down.Time(downloadBytes))
	a.wait = r.srv.expectedWait(r.rq.Model)
	if rad := ph.link.Radio(); rad != nil {
		a.hasRadio, a.radio = true, rad.Spec()
		rs := &a.radio
		if rad.State() == rs.Idle {
			a.promo = float64(rs.Promotion.Power) * float64(rs.Promotion.Delay)
		}
		a.tail = float64(rs.TailEnergy())
	}
}

// estimate returns the expected latency or energy of cut k.
func (a *autoEstimate) estimate(r *request, k int) float64 {
	ph := r.ph
	n := r.ni.layers
	spec := ph.spec
	prep := a.prep0
	if k > 0 {
		prep = a.prepK
	}
	lat, load, comp := prep, 0.0, 0.0
	if k > 0 {
		pm := r.pm
		load = a.load
		comp = pm.mean(0, k)
		for _, i := range pm.rereads {
			if i >= k {
				break
			}
			rr := pm.reread[i]
			comp += float64(rr)/float64(spec.Storage.ReadRate) + float64(r.pe.e.ConvertTime(units.Bytes(rr)))
		}
		comp *= a.phoneF
		lat += load + comp
	}
	var tu, td float64
	var up float64
	if k < n {
		up = r.uploadBytes(k)
		tu = float64(a.up.Time(units.Bytes(up)))
		td = a.td
		lat += tu + r.srv.handlingTime(r.handlingBytes(k, up)) + a.wait + a.serverF*r.sm.mean(k, n) + td
	}
	if r.rq.Objective == MinLatency {
		return lat
	}
	e := float64(spec.Power.Base) * lat
	e += float64(spec.Power.CPUBusyPower(1, spec.CPU.Cores)) * (prep + load)
	if k > 0 {
		fw := r.pe.fw
		e += float64(spec.Power.CPUBusyPower(fw.CoresBusy, spec.CPU.Cores)) * comp
		if fw.UsesGPU {
			e += float64(spec.Power.GPUActive-spec.Power.GPUIdle) * comp
		}
	}
	if k < n && a.hasRadio {
		rs := &a.radio
		e += a.promo
		upRate := units.BitRate(0)
		if tu > 0 {
			upRate = units.BitRate(8 * up / tu)
		}
		downRate := units.BitRate(0)
		if td > 0 {
			downRate = units.BitRate(8 * float64(downloadBytes) / td)
		}
		e += float64(rs.ActivePower(upRate, 0))*tu + float64(rs.ActivePower(0, downRate))*td
		e += a.tail
	}
	return e
}
