package devices

import (
	"math"

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
//	           + [K < N] EstimateUpload(bytes(K)) + server.ExpectedWait + Σ_{i≥K} mean_server(i) + EstimateDownload(1 kB)
//	energy(K)  = base × latency(K)
//	           + per-core CPU power × (preprocess + load + cores busy × phone compute) + GPU active power × phone compute (GPU framework)
//	           + [K < N] radio: promotion (if idle now) + active power × transfer times + the whole tail
//
// where bytes(0) is the JPEG and bytes(K) the float32 activation at the
// cut; the link's estimates include its radio promotion and handshake.
// Ties go to the smaller K.
func (r *request) choose() int {
	ph := r.ph
	n := r.ni.layers
	canPhone := r.pe != nil && r.pm != nil && r.pm.err == nil
	canServer := r.srv != nil && r.sm != nil && r.sm.err == nil && ph.link != nil
	best, bestV := -1, math.Inf(1)
	try := func(k int) {
		if (k > 0 && !canPhone) || (k < n && !canServer) {
			return
		}
		v := r.estimate(k)
		if v < bestV {
			best, bestV = k, v
		}
	}
	try(0)
	for _, k := range r.ni.cutList {
		try(k)
	}
	try(n)
	return best
}

// estimate returns the expected latency or energy of cut k.
func (r *request) estimate(k int) float64 {
	ph := r.ph
	n := r.ni.layers
	spec := &ph.spec
	prep := 0.0
	if e := r.prepEngine(k); e != nil {
		prep = float64(e.e.Preprocess(r.rq.Width, r.rq.Height))
	}
	lat, load, comp := prep, 0.0, 0.0
	if k > 0 {
		pm := r.pm
		if !ph.Resident(r.rq.Model, r.pe.target) {
			lc := pm.load
			load = float64(lc.FileBytes)/float64(spec.Storage.ReadRate) + float64(lc.Parse) + float64(lc.Convert)
		}
		comp = pm.mean(0, k)
		for i := 0; i < k; i++ {
			if rr := pm.reread[i]; rr > 0 {
				comp += float64(rr)/float64(spec.Storage.ReadRate) + float64(r.pe.e.ConvertTime(units.Bytes(rr)))
			}
		}
		lat += load + comp
	}
	var tu, td float64
	if k < n {
		up := units.Bytes(r.uploadBytes(k))
		tu = float64(ph.link.EstimateUpload(up))
		td = float64(ph.link.EstimateDownload(DownloadBytes))
		lat += tu + r.srv.ExpectedWait(r.rq.Model) + r.sm.mean(k, n) + td
	}
	if r.rq.Objective == MinLatency {
		return lat
	}
	e := float64(spec.Power.Base) * lat
	e += float64(spec.Power.CPUPerCore) * (prep + load)
	if k > 0 {
		fw := r.pe.fw
		e += float64(spec.Power.CPUPerCore) * fw.CoresBusy * comp
		if fw.UsesGPU {
			e += float64(spec.Power.GPUActive-spec.Power.GPUIdle) * comp
		}
	}
	if k < n && ph.link.Radio() != nil {
		rad := ph.link.Radio()
		rs := rad.Spec()
		if rad.State() == rs.Idle {
			e += float64(rs.Promotion.Power) * float64(rs.Promotion.Delay)
		}
		upRate := units.BitRate(0)
		if tu > 0 {
			upRate = units.BitRate(8 * r.uploadBytes(k) / tu)
		}
		downRate := units.BitRate(0)
		if td > 0 {
			downRate = units.BitRate(8 * float64(DownloadBytes) / td)
		}
		e += float64(rs.ActivePower(upRate, 0))*tu + float64(rs.ActivePower(0, downRate))*td
		e += float64(rs.TailEnergy())
	}
	return e
}
