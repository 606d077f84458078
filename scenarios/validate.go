package scenarios

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/infersim/infersim/devices"
	"github.com/infersim/infersim/devices/engine"
	"github.com/infersim/infersim/models"
	"github.com/infersim/infersim/network"
	"github.com/infersim/infersim/units"
)

// Validate fills the defaults (constants from the registry, then the phone
// and network presets for fields not written), checks every field's range
// and the rules between fields, and, for a sweep, checks every point as if
// its values were written in the file. It returns every problem at once as
// an ErrorList. A valid scenario is ready for Points and Run.
func (s *Scenario) Validate() error {
	s.init()
	c := &collector{File: s.file}
	for _, e := range s.decodeErrs {
		c.Add(e.Line, e.Field, "%s", e.Msg)
	}
	if s.written("sweep") {
		s.state().FillDefaults(registry.Child("sweep"), reflect.ValueOf(&s.Sweep).Elem(), "sweep")
		n := len(c.Errs)
		plan := s.compileSweep(c)
		if len(c.Errs) > n {
			// The sweep cannot be expanded: report the rest of the
			// scenario's problems without it.
			s.cloneDecoded(&collector{}).validate(c)
			return c.Err()
		}
		s.plan = plan
		s.checkPoints(c)
		base := s.cloneDecoded(&collector{}) // its decoding errors are in c already
		if base != nil {
			// The base scenario (no sweep values) gets its defaults for
			// summary.json; problems that only the sweep fixes are not
			// errors, but a bad value the sweep replaces is.
			bc := &collector{File: s.file}
			base.validate(bc)
			s.checkSweptBase(c, bc)
			s.copyResolved(base)
		}
		s.checkConclusions(c)
		s.checkQuickAndCharts(c)
		return c.Err()
	}
	s.plan = &sweepPlan{n: 1}
	s.validate(c)
	s.checkConclusions(c)
	s.checkQuickAndCharts(c)
	return c.Err()
}

// init prepares the bookkeeping of a scenario built in Go: its written
// fields are the non-zero ones, and its document is their encoding, which
// sweeps patch.
func (s *Scenario) init() {
	if s.set == nil {
		s.set, s.lines = map[string]bool{}, map[string]int{}
	}
	if s.filled == nil {
		s.filled = map[string]bool{}
	}
	if s.shared == nil {
		s.shared = newLoaded()
	}
	if s.doc == nil {
		s.doc = encode(s, false)
	}
}

// copyResolved takes the values, defaults and presets of b, a clone of
// s validated without its sweep values, keeping s's own sweep and
// bookkeeping.
func (s *Scenario) copyResolved(b *Scenario) {
	keep := *s
	*s = *b
	s.Sweep, s.plan, s.doc, s.set, s.lines = keep.Sweep, keep.plan, keep.doc, keep.set, keep.lines
	s.file, s.dir, s.shared, s.bad, s.decodeErrs = keep.file, keep.dir, keep.shared, keep.bad, keep.decodeErrs
	for k := range keep.filled {
		s.filled[k] = true
	}
	s.res = nil // the points have the resolved configurations
}

// validate checks one point (a scenario without a sweep, or a point's
// scenario): defaults, presets, field checks, cross-field checks, and the
// resolved configuration.
func (s *Scenario) validate(c *collector) {
	s.init()
	v := reflect.ValueOf(s).Elem()
	s.state().FillDefaults(registry, v, "")
	s.applyPresets()
	s.state().CheckFields(c, registry, v, "")
	s.crossCheck(c)
	if len(c.Errs) == 0 {
		s.resolve(c)
	}
}

// written reports whether path was written in the file (or set with Set).
func (s *Scenario) written(path string) bool { return s.set[path] }

// isSet reports whether a field has a value: written, filled by a default,
// or non-zero.
func (s *Scenario) isSet(path string, v reflect.Value) bool { return s.state().IsSet(path, v) }

// line returns the line of path's value, or of its nearest written
// ancestor.
func (s *Scenario) line(path string) int { return s.state().Line(path) }

// errAt reports a problem with the field at path, unless its value (or an
// enclosing one) could not be decoded: that was reported already.
func (s *Scenario) errAt(c *collector, path, format string, args ...any) {
	s.state().ErrAt(c, path, format, args...)
}

// required reports that parent lacks the field child, unless child was
// written with a value that could not be decoded.
func (s *Scenario) required(c *collector, parent, child, format string, args ...any) {
	if s.bad[child] {
		return
	}
	s.errAt(c, parent, format, args...)
}

// fill sets a preset-backed field that is not written.
func (s *Scenario) fill(path string, dst any, val any) { s.state().Fill(path, dst, val) }

// applyPresets fills the fields the phone and network presets give.
func (s *Scenario) applyPresets() {
	if spec, err := s.shared.phone(s.Phone.Device); err == nil {
		s.applyPhonePreset(spec)
	}
	n := &s.Network
	if n.Preset == "none" {
		s.fill("network.model", &n.Model, "constant")
		s.fill("network.radio", &n.Radio, "none")
		for _, dir := range []string{"uplink", "downlink"} {
			ch := &n.Uplink
			if dir == "downlink" {
				ch = &n.Downlink
			}
			s.fill("network."+dir+".jitter.dist", &ch.Jitter.Dist, "none")
			s.fill("network."+dir+".latency", &ch.Latency, units.Duration(0))
			s.fill("network."+dir+".loss", &ch.Loss, 0.0)
		}
		return
	}
	if p, err := network.LookupPreset(n.Preset); err == nil {
		s.applyNetworkPreset(p)
	}
}

// applyPhonePreset fills the phone fields the device preset gives.
func (s *Scenario) applyPhonePreset(spec devices.PhoneSpec) {
	m := &s.Phone.Memory
	s.fill("phone.memory.ram", &m.RAM, spec.Memory.RAM)
	s.fill("phone.memory.heap_limit", &m.HeapLimit, spec.Heap.Limit)
	s.fill("phone.memory.large_heap_limit", &m.LargeHeapLimit, spec.Heap.LargeLimit)
	s.fill("phone.memory.large_heap", &m.LargeHeap, spec.Heap.LargeHeap)
	s.fill("phone.memory.background_pressure", &m.BackgroundPressure, spec.Memory.BackgroundPressure)
	sd := 0.0
	if spec.Memory.Fluctuation.Model != "none" && spec.Memory.Fluctuation.Model != "" {
		sd = spec.Memory.Fluctuation.SD
	}
	s.fill("phone.memory.pressure_fluctuation", &m.PressureFluctuation, sd)
	s.fill("phone.memory.fluctuation_timescale", &m.FluctuationTimescale, spec.Memory.Fluctuation.Timescale)
	s.fill("phone.gc.pause_scale", &s.Phone.GC.PauseScale, spec.GC.PauseScale)
	s.fill("phone.gc.alloc_scale", &s.Phone.GC.AllocScale, spec.GC.AllocScale)
	s.fill("phone.battery", &s.Phone.Battery, spec.Battery.Capacity)
}

// applyNetworkPreset fills the network fields a link preset gives.
func (s *Scenario) applyNetworkPreset(p network.Preset) {
	n := &s.Network
	model := "constant"
	if p.Link.Model != nil {
		model = p.Link.Model.Name()
	}
	s.fill("network.model", &n.Model, model)
	radio := "none"
	if p.Link.Radio != nil {
		radio = radioName(*p.Link.Radio)
	}
	s.fill("network.radio", &n.Radio, radio)
	for _, dir := range []string{"uplink", "downlink"} {
		ch, cc := &n.Uplink, p.Link.Up
		if dir == "downlink" {
			ch, cc = &n.Downlink, p.Link.Down
		}
		pre := "network." + dir + "."
		if cc.Trace == nil {
			s.fill(pre+"bandwidth", &ch.Bandwidth, cc.Bandwidth)
		}
		s.fill(pre+"latency", &ch.Latency, cc.Latency)
		dist := cc.Jitter.Dist
		if dist == "" {
			dist = "none"
		}
		s.fill(pre+"jitter.dist", &ch.Jitter.Dist, dist)
		mean, sd := cc.Jitter.Mean, cc.Jitter.SD
		if s.written(pre+"jitter.dist") && ch.Jitter.Dist == "none" {
			// jitter: none (or {dist: none}) switches the preset's
			// jitter off; a mean or sd written beside it is still an error.
			mean, sd = 0, 0
		}
		s.fill(pre+"jitter.mean", &ch.Jitter.Mean, mean)
		s.fill(pre+"jitter.sd", &ch.Jitter.SD, sd)
		s.fill(pre+"loss", &ch.Loss, cc.Loss)
	}
}

// radioName returns the registered radio a spec is ("wifi", "lte", "3g").
func radioName(r network.RadioSpec) string {
	for _, info := range network.RadioInfos() {
		if info.Spec().Name == r.Name {
			return info.Name
		}
	}
	return r.Name
}

// crossCheck checks names against what ships and the rules between
// fields, one section of the scenario after the other (the order of the
// messages on one line).
func (s *Scenario) crossCheck(c *collector) {
	if s.Name == "" {
		s.errAt(c, "name", "required: the scenario's name (it names the output directory)")
	}
	s.checkPresetNames(c)
	if s.isLLM() {
		s.checkLLM(c) // llm.go: its cells are llm.model × llm.modes
	} else {
		s.checkModels(c)
		s.checkModes(c)
		s.checkImages(c)
	}
	s.checkArrivals(c)
	if s.written("workload.requests") && s.written("workload.duration") {
		s.errAt(c, "workload.duration", "give requests or duration, not both")
	}
	s.checkLifecycle(c)
	s.checkChannels(c)
	s.checkHeldOut(c) // thermal.go
}

// checkPresetNames checks the phone and network presets and the processor
// profiles against what ships, each profile against its slot's target.
func (s *Scenario) checkPresetNames(c *collector) {
	s.checkName(c, "phone.device", s.Phone.Device, "phone preset", phoneNames())
	s.checkName(c, "network.preset", s.Network.Preset, "network preset", networkPresetNames())
	procs := []struct {
		path, name string
		want       engine.Target
	}{
		{"phone.cpu", s.Phone.CPU, engine.PhoneCPU},
		{"phone.gpu", s.Phone.GPU, engine.PhoneGPU},
		{"cloud.cpu", s.Cloud.CPU, engine.ServerCPU},
		{"cloud.gpu", s.Cloud.GPU, engine.ServerGPU},
	}
	for _, p := range procs {
		if p.name == "" || p.name == "none" {
			continue
		}
		t := processorTarget(p.name)
		if t == "" {
			s.errAt(c, p.path, "unknown processor profile %q%s", p.name, didYouMean(p.name, processorsFor(p.want)))
			continue
		}
		if t != p.want {
			s.errAt(c, p.path, "processor profile %q is a %s profile; %s needs a %s one (%s)", p.name, t, p.path, p.want, strings.Join(processorsFor(p.want), ", "))
		}
	}
}

// checkModels checks the models: at least one, from the zoo, none twice.
func (s *Scenario) checkModels(c *collector) {
	if len(s.Models) == 0 {
		s.errAt(c, "models", "required: at least one model (%s)", strings.Join(zooNames(), ", "))
	}
	seen := map[string]int{}
	for i, m := range s.Models {
		p := fmt.Sprintf("models[%d]", i)
		if j, dup := seen[m]; dup {
			s.errAt(c, p, "%q is listed twice (also models[%d])", m, j)
		}
		seen[m] = i
		s.checkName(c, p, m, "zoo model", zooNames())
	}
}

// checkModes checks the modes: at least one, none twice, each with the
// processors it runs on.
func (s *Scenario) checkModes(c *collector) {
	w := &s.Workload
	if len(w.Modes) == 0 {
		s.errAt(c, "workload.modes", "required: at least one mode (%s)", strings.Join(modeList, ", "))
	}
	seen := map[string]int{}
	for i, ms := range w.Modes {
		p := fmt.Sprintf("workload.modes[%d]", i)
		if j, dup := seen[ms]; dup {
			s.errAt(c, p, "%q is listed twice (also workload.modes[%d])", ms, j)
		}
		seen[ms] = i
		m, err := parseMode(ms)
		if err != nil {
			s.errAt(c, p, "%v", err)
			continue
		}
		s.checkModeNeeds(c, p, ms, m)
	}
}

// checkModeNeeds checks that the processors a mode runs on are set, and
// that a split's cut is valid for every model.
func (s *Scenario) checkModeNeeds(c *collector, p, ms string, m devices.Mode) {
	none := func(x string) bool { return x == "" || x == "none" }
	switch m.Kind {
	case devices.OnDeviceGPU:
		if none(s.Phone.GPU) {
			s.errAt(c, p, "on-device-gpu needs a GPU framework: set phone.gpu (%s)", strings.Join(processorsFor(engine.PhoneGPU), ", "))
		}
	case devices.OnDeviceCPU:
		if none(s.Phone.CPU) {
			s.errAt(c, p, "on-device-cpu needs phone.cpu")
		}
	case devices.CloudCPU:
		if none(s.Cloud.CPU) {
			s.errAt(c, p, "cloud-cpu needs cloud.cpu (%s)", strings.Join(processorsFor(engine.ServerCPU), ", "))
		}
	case devices.CloudGPU:
		if none(s.Cloud.GPU) {
			s.errAt(c, p, "cloud-gpu needs cloud.gpu (%s)", strings.Join(processorsFor(engine.ServerGPU), ", "))
		}
	case devices.Split, devices.Auto:
		if none(s.Cloud.CPU) && none(s.Cloud.GPU) {
			s.errAt(c, p, "%s needs a server: set cloud.gpu or cloud.cpu", ms)
		}
		if none(s.Phone.CPU) && none(s.Phone.GPU) {
			s.errAt(c, p, "%s needs a phone framework: set phone.cpu or phone.gpu", ms)
		}
		if m.Kind != devices.Split {
			return
		}
		for _, model := range s.Models {
			if msg := checkCut(model, m.K); msg != "" {
				s.errAt(c, p, "%s", msg)
			}
		}
	}
}

// checkImages checks the image groups: at least one, each with a size.
func (s *Scenario) checkImages(c *collector) {
	w := &s.Workload
	if len(w.Images) == 0 {
		s.errAt(c, "workload.images", "required: at least one image group (or the shorthand study)")
	}
	for i, g := range w.Images {
		p := fmt.Sprintf("workload.images[%d]", i)
		if !s.isSet(p+".size", reflect.ValueOf(g.Size)) {
			s.required(c, p, p+".size", "size: required, e.g. 1920x1080")
		} else if g.Size.W < 1 || g.Size.H < 1 || g.Size.W > 100000 || g.Size.H > 100000 {
			s.errAt(c, p+".size", "%v: width and height must be between 1 and 100000 pixels", g.Size)
		}
	}
}

// arrivalFields are the arrivals fields each type does not take.
var arrivalFields = map[string][]string{
	"closed":  {"rate", "at"},
	"poisson": {"think", "at"},
	"times":   {"think", "rate"},
}

// checkArrivals checks the arrivals against their type, and the number of
// requests against times arrivals.
func (s *Scenario) checkArrivals(c *collector) {
	w := &s.Workload
	a := &w.Arrivals
	for _, field := range arrivalFields[a.Type] {
		if s.written("workload.arrivals." + field) {
			s.errAt(c, "workload.arrivals."+field, "does not apply to %s arrivals", a.Type)
		}
	}
	switch a.Type {
	case "poisson":
		if !(a.Rate > 0) && !s.written("workload.arrivals.rate") {
			s.required(c, "workload.arrivals", "workload.arrivals.rate", "poisson arrivals need a rate, e.g. rate: 30/min")
		}
	case "times":
		s.checkTimes(c)
	}
}

// checkTimes checks times arrivals: a list, not decreasing, and neither
// requests nor duration beside it.
func (s *Scenario) checkTimes(c *collector) {
	w := &s.Workload
	a := &w.Arrivals
	if len(a.At) == 0 {
		s.required(c, "workload.arrivals", "workload.arrivals.at", "times arrivals need at: a list of times, e.g. [0s, 5s]")
	}
	for i := 1; i < len(a.At); i++ {
		if a.At[i] < a.At[i-1] {
			s.errAt(c, fmt.Sprintf("workload.arrivals.at[%d]", i), "%s comes before the previous time %s: times must not decrease", durationText(a.At[i]), durationText(a.At[i-1]))
		}
	}
	if s.written("workload.requests") && w.Requests != len(a.At) {
		s.errAt(c, "workload.requests", "%d, but arrivals.at lists %d times: leave requests out with times arrivals", w.Requests, len(a.At))
	}
	if s.written("workload.duration") {
		s.errAt(c, "workload.duration", "does not apply to times arrivals (the list sets the requests)")
	}
}

// checkLifecycle checks that a life cycle gives both of its periods.
func (s *Scenario) checkLifecycle(c *collector) {
	if !s.written("phone.lifecycle") {
		return
	}
	for _, f := range []string{"background_every", "background_for"} {
		if !s.written("phone.lifecycle." + f) {
			s.required(c, "phone.lifecycle", "phone.lifecycle."+f, "%s: required when lifecycle is given", f)
		}
	}
}

// checkChannels checks each channel's trace, bandwidth and jitter.
func (s *Scenario) checkChannels(c *collector) {
	for _, dir := range []string{"uplink", "downlink"} {
		ch := &s.Network.Uplink
		if dir == "downlink" {
			ch = &s.Network.Downlink
		}
		pre := "network." + dir
		if ch.Trace != "" {
			if _, err := s.trace(ch); err != nil {
				s.errAt(c, pre+".trace", "%v", err)
			}
		} else if !(ch.Bandwidth > 0) && !s.written(pre+".bandwidth") && slices.Contains(networkPresetNames(), s.Network.Preset) {
			// (An unknown preset is reported once, by its name; the
			// bandwidth it would have given is not a second error.)
			s.required(c, pre, pre+".bandwidth", "bandwidth: required with network.preset none (or give a trace)")
		}
		j := network.Jitter{Dist: ch.Jitter.Dist, Mean: ch.Jitter.Mean, SD: ch.Jitter.SD}
		if err := j.Validate(pre + ".jitter"); err != nil {
			s.errAt(c, pre+".jitter", "%s", trimPrefix(err, pre+".jitter"))
		}
	}
}

// trimPrefix removes a package prefix ("network: ") and the field name
// another package's error repeats.
func trimPrefix(err error, field string) string {
	msg := err.Error()
	for _, p := range []string{"network: ", "devices: ", "models: ", "units: "} {
		msg = strings.TrimPrefix(msg, p)
	}
	msg = strings.TrimPrefix(msg, field+": ")
	return msg
}

func (s *Scenario) checkName(c *collector, path, name, noun string, known []string) {
	if name == "" {
		return
	}
	for _, k := range known {
		if k == name {
			return
		}
	}
	s.errAt(c, path, "unknown %s %q%s", noun, name, didYouMean(name, known))
}

// checkCut returns "" if split:k is a valid cut of model (as
// devices.Phone.ValidateSplit decides: 0, every layer, or k layers ending
// at a split point), or a message listing every valid cut (`infersim
// models show --split MODEL` names the blob each one carries).
func checkCut(model string, k int) string {
	net, err := models.Zoo(model)
	if err != nil {
		return "" // reported as an unknown model
	}
	n := len(net.Layers())
	valid := []string{"0 (cloud)"}
	for _, sp := range net.SplitPoints() {
		cut := sp.AfterLayer + 1
		if cut == k {
			return ""
		}
		if cut != n {
			valid = append(valid, strconv.Itoa(cut))
		}
	}
	if k == 0 || k == n {
		return ""
	}
	what := "not a valid cut of " + model
	if k > n {
		what = fmt.Sprintf("beyond the last layer of %s (it has %d layers)", model, n)
	}
	valid = append(valid, fmt.Sprintf("%d (all layers, on-device)", n))
	return fmt.Sprintf("split:%d is %s; valid cuts: %s", k, what, strings.Join(valid, ", "))
}

// sortedKeys returns m's keys sorted.
func sortedKeys[V any](m map[string]V) []string {
	k := make([]string, 0, len(m))
	for x := range m {
		k = append(k, x)
	}
	sort.Strings(k)
	return k
}
