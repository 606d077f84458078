package validation

import (
	"fmt"
	"math"
	"strings"

	"github.com/infersim/infersim/devices/engine"
	"github.com/infersim/infersim/models"
	"github.com/infersim/infersim/network"
	"github.com/infersim/infersim/reference"
	"github.com/infersim/infersim/result"
	"github.com/infersim/infersim/sim"
	"github.com/infersim/infersim/units"
)

// cloudRows compares MDInference's server times (facts C-*) with the
// server phase of the cloud run: the mean (fitted, with the fact's
// tolerance) and the spread (noise.scale is fitted to both spreads at
// once; no tolerance).
func (c *collector) cloudRows(d *runData) {
	for _, x := range []struct{ id, model, mode, proc string }{
		{"C-squeezenet-gpu", "squeezenet-v1.0", modeCloudGPU, "cloud-gpu-k80"},
		{"C-mobilenet-gpu", "mobilenet-v1", modeCloudGPU, "cloud-gpu-k80"},
		{"C-squeezenet-cpu", "squeezenet-v1.0", modeCloudCPU, "cloud-cpu"},
		{"C-mobilenet-cpu", "mobilenet-v1", modeCloudCPU, "cloud-cpu"},
	} {
		k := cellKey{x.model, x.mode, "960x540", false}
		srv := d.perRep([]cellKey{k}, phaseOf(result.Server))
		if !present(srv) {
			c.skip(x.id, "the cloud run has no "+x.model+" requests")
			continue
		}
		r := c.newRow(x.id)
		r.setSim(srv)
		r.Role, r.From = c.role(x.id, x.model, HeldOut), "cloud run"
		r.Note = fmt.Sprintf("server phase of %s requests on %s", x.mode, x.proc)
		if x.model == "squeezenet-v1.0" {
			r.Note += "; MDInference's squeezenet read as v1.0 (fact Z-tflite-squeezenet-size)"
		}
		c.add(r)
		c.done[doneKey(x.id, x.model, engine.QCompute, "")] = true

		f := reference.MustLookup(x.id)
		s := c.newRow(x.id)
		s.What = "spread (sd) of " + f.What
		s.Reference, s.Low, s.High, s.Tolerance = f.SD, math.NaN(), math.NaN(), 0
		s.setSim(d.serverSD(k))
		s.Role, s.From = c.role(x.id, x.model, HeldOut), "cloud run"
		s.Note = "per-replication sd of the server phase; " + x.proc + "'s noise.scale is fitted to both of its SDs at once, so no tolerance (one scale cannot give both CVs)"
		c.add(s)
		c.done[doneKey(x.id, x.model, engine.QComputeSD, "")] = true
	}
}

// networkRows simulates each fitted preset's reference request (upload
// 25 kB, then download 1 kB; warm connection, radio in its tail, one
// request a second, the first dropped) n times per replication and
// compares the mean and sd with facts N-*.
func (c *collector) networkRows(reps, n int) error {
	byPreset := map[string][]float64{}
	defer func() { c.modiRows(byPreset) }()
	for _, p := range network.Presets() {
		if p.Fit == nil {
			continue
		}
		var means, sds []float64
		for rep := 0; rep < reps; rep++ {
			xs, err := network.ReferenceRequests(p, uint64(2018+rep), n)
			if err != nil {
				return fmt.Errorf("validation: preset %s: %w", p.Name, err)
			}
			m, sd := meanSD(xs)
			means = append(means, m)
			sds = append(sds, sd)
		}
		byPreset[p.Name] = means
		r := c.newRow(p.Fit.Fact)
		r.What = "mean " + r.What
		r.setSim(means)
		r.Role, r.From = Fit, "network run"
		r.Note = fmt.Sprintf("preset %s: latency and jitter fitted to the mean and sd (%d reference requests × %d replications; upload 25 kB, reply 1 kB: an assumption)", p.Name, n, reps)
		c.add(r)
		f := reference.MustLookup(p.Fit.Fact)
		s := c.newRow(p.Fit.Fact)
		s.What = "sd of " + f.What
		s.Reference = float64(p.Fit.TargetSD)
		s.Low, s.High = math.NaN(), math.NaN() // a fact's range is of its mean
		s.setSim(sds)
		s.Role, s.From = Fit, "network run"
		s.Note = r.Note
		if f.SD == 0 {
			s.Note += fmt.Sprintf("; the fact gives an error bar (%s–%s), not an sd: read as ±1 sd, an assumption",
				units.Duration(f.Low), units.Duration(f.High))
		}
		c.add(s)
	}
	return nil
}

func meanSD(xs []float64) (float64, float64) {
	m := mean(xs)
	s := 0.0
	for _, x := range xs {
		s += (x - m) * (x - m)
	}
	return m, math.Sqrt(s / float64(len(xs)-1))
}

// powerLog records a radio's state changes.
type powerLog struct {
	t      []float64
	p      []float64
	states []string
}

// PowerChanged implements network.PowerObserver.
func (l *powerLog) PowerChanged(now float64, p units.Power, state string) {
	l.t = append(l.t, now)
	l.p = append(l.p, float64(p))
	l.states = append(l.states, state)
}

// tail returns the last tail of the log: from the last change into state
// from before the first change into state to, to that change, with the
// energy in between.
func (l *powerLog) span(from, to string) (d, e float64, ok bool) {
	end := -1
	for i, s := range l.states {
		if s == to && i > 0 {
			end = i
			break
		}
	}
	start := -1
	for i := 0; i < end; i++ {
		if l.states[i] == from {
			start = i
		}
	}
	if start < 0 {
		return 0, 0, false
	}
	for j := start; j < end; j++ {
		e += l.p[j] * (l.t[j+1] - l.t[j])
	}
	return l.t[end] - l.t[start], e, true
}

// isolatedTransfer runs one reference request on a preset link from an idle
// radio, at t = 1 s, and returns the radio's state log.
func isolatedTransfer(preset string) (*powerLog, network.RadioSpec, error) {
	p, err := network.LookupPreset(preset)
	if err != nil {
		return nil, network.RadioSpec{}, err
	}
	env := sim.NewEnv()
	defer env.Close()
	l, err := network.NewLink(env, sim.NewStreams(1), "link[0]", p.Link)
	if err != nil {
		return nil, network.RadioSpec{}, err
	}
	if l.Radio() == nil {
		return nil, network.RadioSpec{}, fmt.Errorf("preset %s has no radio", preset)
	}
	log := &powerLog{}
	l.Radio().OnPower(log)
	env.Process("request", func(pr *sim.Proc) error {
		if err := pr.Sleep(1); err != nil {
			return err
		}
		if _, err := l.Upload(pr, network.ReferenceUpload); err != nil {
			return err
		}
		_, err := l.Download(pr, network.ReferenceReply)
		return err
	})
	if err := env.Run(); err != nil {
		return nil, network.RadioSpec{}, err
	}
	return log, l.Radio().Spec(), nil
}

// radioRows checks the radio state machines' outputs against the facts
// they are built from: an isolated LTE request's promotion, its tail's
// length and mean power, WiFi's tail, and 5G's promotion and tail. These are inputs of the model;
// an error here is a bug.
func (c *collector) radioRows() error {
	lte, spec, err := isolatedTransfer("lte")
	if err != nil {
		return fmt.Errorf("validation: lte radio: %w", err)
	}
	first := spec.Tail[0].Name
	add := func(id string, v float64, note string) {
		r := c.newRow(id)
		r.Simulated = v
		r.Role, r.From, r.Note = Input, "radio run", note
		c.add(r)
	}
	if d, _, ok := lte.span(spec.Promotion.State, spec.Active); ok {
		add("R-lte-promotion-time", d, "an isolated LTE request from idle: promotion until connected")
	} else {
		c.skip("R-lte-promotion-time", "the LTE radio did not promote")
	}
	if d, e, ok := lte.span(first, spec.Idle); ok {
		add("R-lte-tail", d, fmt.Sprintf("an isolated LTE request: from the last packet (state %s) to idle", first))
		add("R-lte-tail-power", e/d, fmt.Sprintf("tail energy %s over %s after an isolated LTE request", fmtEnergy(e), fmtTime(d)))
	} else {
		c.skip("R-lte-tail", "the LTE radio did not return to idle")
	}
	wifi, wspec, err := isolatedTransfer("campus-wifi")
	if err != nil {
		return fmt.Errorf("validation: wifi radio: %w", err)
	}
	if d, _, ok := wifi.span(wspec.Tail[0].Name, wspec.Idle); ok {
		add("R-wifi-tail", d, "an isolated campus-WiFi request: from the last packet to standby")
	}
	nr, nspec, err := isolatedTransfer("5g")
	if err != nil {
		return fmt.Errorf("validation: 5g radio: %w", err)
	}
	if d, _, ok := nr.span(nspec.Promotion.State, nspec.Active); ok {
		add("R-5g-promotion-time", d, "an isolated 5g request from idle: promotion until connected")
	} else {
		c.skip("R-5g-promotion-time", "the 5g radio did not promote")
	}
	if d, e, ok := nr.span(nspec.Tail[0].Name, nspec.Idle); ok {
		add("R-5g-tail", d, fmt.Sprintf("an isolated 5g request: from the last packet to idle, %s of tail energy", fmtEnergy(e)))
	} else {
		c.skip("R-5g-tail", "the 5g radio did not return to idle")
	}
	return nil
}

// zooRows compares the zoo's weight files with the publishers' sizes.
func (c *collector) zooRows() {
	for _, x := range []struct {
		id, model string
		role      Role
		note      string
	}{
		{"Z-alexnet-weights", "alexnet", HeldOut, ""},
		{"Z-nin-weights", "nin", HeldOut, ""},
		{"Z-squeezenet-weights", "squeezenet-v1.0", HeldOut, ""},
		{"Z-mobilenet-weights", "mobilenet-v1", HeldOut, ""},
		{"Z-tflite-squeezenet-size", "squeezenet-v1.0", ReportOnly, "TFLite's file against our .caffemodel of SqueezeNet v1.0: another format"},
	} {
		n, err := models.Zoo(x.model)
		if err != nil {
			c.skip(x.id, fmt.Sprintf("zoo model %s: %v", x.model, err))
			continue
		}
		r := c.newRow(x.id)
		r.Simulated = float64(n.WeightFileBytes()) / 1e6
		r.Role, r.From = x.role, "model zoo"
		r.Note = strings.TrimPrefix(x.note+"; ", "; ") + fmt.Sprintf("models.Zoo(%q).WeightFileBytes() = %d bytes", x.model, n.WeightFileBytes())
		c.add(r)
	}
}

// profileRows adds the rows of every shipped processor's fit report that no
// simulation row compared: the profile's own prediction (the sum of its
// layer means, its load cost), without simulation noise, so without a CI.
func (c *collector) profileRows() {
	for _, name := range c.names {
		rep := c.reports[name]
		pp, err := engine.ShippedProcessorProfile(name)
		if err != nil {
			continue
		}
		for i, fr := range rep.Rows {
			versus := ""
			if i < len(pp.Rows) {
				versus = pp.Rows[i].Versus
			}
			if c.done[doneKey(fr.Fact, fr.Model, fr.Quantity, versus)] {
				continue
			}
			if fr.Status == "skipped" || math.IsNaN(fr.Simulated) {
				c.skip(fr.Fact, fmt.Sprintf("%s: %s", name, fr.Note))
				continue
			}
			r := c.newRow(fr.Fact)
			r.What = fr.Model + " (" + fr.Quantity
			if versus != "" {
				r.What += " vs " + versus
			}
			r.What += "): " + fr.What
			r.Reference, r.Simulated, r.Tolerance = fr.Reference, fr.Simulated, fr.Tolerance
			r.Low, r.High = math.NaN(), math.NaN()
			if fr.High > 0 {
				r.Low, r.High = fr.Low, fr.High
			}
			switch fr.Quantity {
			case engine.QComputeRatio:
				r.Unit = "×"
			case engine.QLoadOrder:
				r.Order, r.Reference, r.High, r.Unit = true, math.NaN(), 1, "×"
			case engine.QComputeSD:
				r.What = "spread (sd) of " + r.What
			}
			switch fr.Role {
			case engine.RoleFit:
				r.Role = Fit
			case engine.RoleHeldOut:
				r.Role = HeldOut
			default:
				r.Role = ReportOnly
			}
			r.From, r.Note = "processor "+name, fr.Note
			c.add(r)
		}
	}
}

// notCompared lists the facts no row compares, with the reason.
func (c *collector) notCompared() {
	unchecked := map[string]string{}
	for _, name := range c.names {
		for _, u := range c.reports[name].Unchecked {
			unchecked[u.Fact] = name + ": " + u.Reason
		}
	}
	for _, f := range reference.All() {
		if c.seen[f.ID] {
			continue
		}
		reason, ok := unchecked[f.ID]
		if !ok {
			reason = notComparedReason(f.ID)
		}
		c.skip(f.ID, reason)
	}
	// A fact skipped by one source may have a row from another.
	kept := c.skipped[:0]
	for _, s := range c.skipped {
		if !c.seen[s.ID] {
			kept = append(kept, s)
		}
	}
	c.skipped = kept
}

// notComparedReason says why a fact has no row.
func notComparedReason(id string) string {
	if r := independentReason(id); r != "" {
		return r
	}
	switch {
	case strings.HasPrefix(id, "R-5g-"):
		return "an input of the 5g and 5g-mmwave presets and radios (network.NRRadio, from Narayanan et al.'s SIGCOMM 2021 data); the R-5g-promotion-time and R-5g-tail rows check the radio's output"
	case strings.HasPrefix(id, "R-lte-median"):
		return "an input: the lte preset's bandwidths, fixed before its latency and jitter are fitted to N-lte"
	case strings.HasPrefix(id, "R-"):
		return "an input of the radio power model (network.LTERadio, WiFiRadio); the R-lte-tail, R-lte-tail-power, R-lte-promotion-time and R-wifi-tail rows check its output"
	case strings.HasPrefix(id, "M-gc"):
		return "an anchor of the ART GC pause model (devices/phones/nexus5.yaml); no published pause distribution to compare with"
	case strings.HasPrefix(id, "M-"):
		return "an input of a phone preset (devices/phones/*.yaml, as fact:ID); nothing simulated to compare"
	case strings.HasPrefix(id, "H-"):
		return "an input of a processor profile (a peak or a bandwidth); the profile's fitted rows check the result"
	case strings.HasPrefix(id, "P4-"):
		return "an input of nexus5-cnndroid-gpu (CNNdroid's parameter budget)"
	}
	return "not simulated"
}

// layerTimings returns the kernel profile's per-layer timings of models
// with each layer's simulated mean time on the target processor. Layers
// without a time of their own (the input, layers fused into another) are
// left out.
func layerTimings(kp *models.Profile, target string, names []string) ([]result.LayerTiming, string, error) {
	p, err := engine.LoadProcessor(target, kp)
	if err != nil {
		return nil, "", fmt.Errorf("validation: layers: %w", err)
	}
	var out []result.LayerTiming
	for _, name := range names {
		pm := kp.Model(name)
		if pm == nil {
			continue
		}
		costs, err := p.Layers(name)
		if err != nil {
			return nil, "", fmt.Errorf("validation: layers: %s: %w", name, err)
		}
		simT := map[string]float64{}
		for _, lc := range costs {
			simT[lc.Name] = lc.Mean
		}
		for _, l := range pm.Layers {
			if !(l.MedianS > 0) || l.FusedInto != "" || l.Kind == "Input" {
				continue
			}
			out = append(out, result.LayerTiming{Model: name, Layer: l.Name, Kind: l.Kind, Median: l.MedianS,
				P10: l.P10S, P90: l.P90S, GFLOPs: l.GFLOPs, Seconds: simT[l.Name]})
		}
	}
	return out, target, nil
}
