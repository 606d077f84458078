package scenarios

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/infersim/infersim/devices"
	"github.com/infersim/infersim/devices/engine"
	"github.com/infersim/infersim/models"
	"github.com/infersim/infersim/network"
	"github.com/infersim/infersim/units"
	"go.yaml.in/yaml/v3"
)

// resolved is what Validate derives from a valid scenario for the runner:
// the devices and network configurations, the parsed modes and the cells.
type resolved struct {
	phone     devices.PhoneSpec
	link      network.LinkConfig
	modes     []devices.Mode
	upload    devices.UploadKind
	objective devices.Objective
	cells     []Cell
}

// Cell is one world of a point: one model, one mode and one image group,
// simulated afresh (a new app launch) in every replication.
type Cell struct {
	Index    int
	Model    string
	Mode     string
	Image    ImageSize
	Requests int // per phone; 0 when the workload runs for a duration
}

// Validate fills the defaults (constants from the registry, then the phone
// and network presets for fields not written), checks every field's range
// and the rules between fields, and, for a sweep, checks every point as if
// its values were written in the file. It returns every problem at once as
// an ErrorList. A valid scenario is ready for Points and Run.
func (s *Scenario) Validate() error {
	s.init()
	c := &collector{file: s.file}
	for _, e := range s.decodeErrs {
		c.add(e.Line, e.Field, "%s", e.Msg)
	}
	if s.written("sweep") {
		s.fillDefaults(registry.child("sweep"), reflect.ValueOf(&s.Sweep).Elem(), "sweep")
		n := len(c.errs)
		plan := s.compileSweep(c)
		if len(c.errs) > n {
			// The sweep cannot be expanded: report the rest of the
			// scenario's problems without it.
			s.cloneDecoded(&collector{}).validate(c)
			return c.err()
		}
		s.plan = plan
		s.checkPoints(c)
		base := s.cloneDecoded(c)
		if base != nil {
			// The base scenario (no sweep values) gets its defaults for
			// summary.json; problems that only the sweep fixes are not
			// errors.
			base.validate(&collector{file: s.file})
			s.copyResolved(base)
		}
		s.checkConclusions(c)
		s.checkQuickAndCharts(c)
		return c.err()
	}
	s.plan = &sweepPlan{n: 1}
	s.validate(c)
	s.checkConclusions(c)
	s.checkQuickAndCharts(c)
	return c.err()
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
	if s.traces == nil {
		s.traces = &traceCache{m: map[string]*network.Trace{}}
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
	s.file, s.dir, s.traces, s.bad, s.decodeErrs = keep.file, keep.dir, keep.traces, keep.bad, keep.decodeErrs
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
	s.fillDefaults(registry, v, "")
	s.applyPresets()
	s.checkFields(c, registry, v, "")
	s.crossCheck(c)
	if len(c.errs) == 0 {
		s.resolve(c)
	}
}

// written reports whether path was written in the file (or set with Set).
func (s *Scenario) written(path string) bool { return s.set[path] }

// isSet reports whether a field has a value: written, filled by a default,
// or non-zero.
func (s *Scenario) isSet(path string, v reflect.Value) bool {
	return s.set[path] || s.filled[path] || !v.IsZero()
}

// line returns the line of path's value, or of its nearest written
// ancestor.
func (s *Scenario) line(path string) int {
	for p := path; p != ""; {
		if l, ok := s.lines[p]; ok {
			return l
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return 0
}

// errAt reports a problem with the field at path, unless its value (or an
// enclosing one) could not be decoded: that was reported already.
func (s *Scenario) errAt(c *collector, path, format string, args ...any) {
	for p := path; p != ""; {
		if s.bad[p] {
			return
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			break
		}
		p = p[:i]
	}
	c.add(s.line(path), path, format, args...)
}

// required reports that parent lacks the field child, unless child was
// written with a value that could not be decoded.
func (s *Scenario) required(c *collector, parent, child, format string, args ...any) {
	if s.bad[child] {
		return
	}
	s.errAt(c, parent, format, args...)
}

// fillDefaults gives every unset field with a registry default its
// default.
func (s *Scenario) fillDefaults(f *field, v reflect.Value, path string) {
	switch f.kind {
	case kStruct:
		if f.optional && !s.isSet(path, v) {
			return
		}
		for _, c := range f.fields {
			s.fillDefaults(c, v.FieldByName(c.goName), join(path, c.name))
		}
		return
	case kList:
		if !s.isSet(path, v) && f.def != "" {
			s.setText(f, v, path, f.def)
		}
		if f.elem.kind == kStruct {
			for i := 0; i < v.Len(); i++ {
				s.fillDefaults(f.elem, v.Index(i), fmt.Sprintf("%s[%d]", path, i))
			}
		}
		return
	}
	if f.def != "" && !s.isSet(path, v) {
		s.setText(f, v, path, f.def)
	}
}

// setText decodes YAML text into a field and marks it filled. The text is
// program text (a default), so an error is a programmer error.
func (s *Scenario) setText(f *field, v reflect.Value, path, text string) {
	c := &collector{}
	d := newDecoder(c)
	d.decode(f, parsedText(text), v, path, 0)
	if c.errs != nil {
		panic(fmt.Sprintf("scenarios: bad default %q for %s: %v", text, path, c.err()))
	}
	s.filled[path] = true
}

// fill sets a preset-backed field that is not written.
func (s *Scenario) fill(path string, dst any, val any) {
	if s.set[path] {
		return
	}
	reflect.ValueOf(dst).Elem().Set(reflect.ValueOf(val).Convert(reflect.TypeOf(dst).Elem()))
	s.filled[path] = true
}

// applyPresets fills the fields the phone and network presets give.
func (s *Scenario) applyPresets() {
	if spec, err := lookupPhone(s.Phone.Device); err == nil {
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
	p, err := network.LookupPreset(n.Preset)
	if err != nil {
		return
	}
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
		s.fill(pre+"jitter.mean", &ch.Jitter.Mean, cc.Jitter.Mean)
		s.fill(pre+"jitter.sd", &ch.Jitter.SD, cc.Jitter.SD)
		s.fill(pre+"loss", &ch.Loss, cc.Loss)
	}
}

// radioName returns the builtin radio a spec is ("wifi", "lte", "3g").
func radioName(r network.RadioSpec) string {
	for _, n := range network.Radios() {
		if spec, err := network.LookupRadio(n); err == nil && spec.Name == r.Name {
			return n
		}
	}
	return r.Name
}

var textCache sync.Map // YAML text of a default or shorthand → its parsed node

// parsedText returns the node of a default or shorthand, parsed once. The
// node is shared: the decoder does not modify nodes. The text is program
// text, so an error is a programmer error.
func parsedText(text string) *yaml.Node {
	if n, ok := textCache.Load(text); ok {
		return n.(*yaml.Node)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil || len(doc.Content) != 1 {
		panic(fmt.Sprintf("scenarios: bad default or shorthand %q: %v", text, err))
	}
	textCache.Store(text, doc.Content[0])
	return doc.Content[0]
}

var phoneCache sync.Map // device name → devices.PhoneSpec (read-only copies are made by NewPhone)

// lookupPhone returns the phone preset; presets are parsed once.
func lookupPhone(name string) (devices.PhoneSpec, error) {
	if v, ok := phoneCache.Load(name); ok {
		return v.(devices.PhoneSpec), nil
	}
	spec, err := devices.LookupPhone(name)
	if err != nil {
		return spec, err
	}
	phoneCache.Store(name, spec)
	return spec, nil
}

// checkFields runs every registered check on every set field.
func (s *Scenario) checkFields(c *collector, f *field, v reflect.Value, path string) {
	switch f.kind {
	case kStruct:
		for _, ch := range f.fields {
			s.checkFields(c, ch, v.FieldByName(ch.goName), join(path, ch.name))
		}
		return
	case kList:
		for i := 0; i < v.Len(); i++ {
			s.checkFields(c, f.elem, v.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
		return
	}
	if !s.isSet(path, v) {
		return
	}
	for _, ck := range f.checks {
		if ck.num != nil {
			x := numberOf(v)
			if !ck.num(x) {
				s.errAt(c, path, "%s must be %s", formatValue(f.kind, v), ck.doc)
				break
			}
		}
		if ck.text != nil {
			if msg := ck.text(v.String()); msg != "" {
				s.errAt(c, path, "%s", msg)
				break
			}
		}
	}
}

// crossCheck checks names against what ships and the rules between
// fields.
func (s *Scenario) crossCheck(c *collector) {
	if s.Name == "" {
		s.errAt(c, "name", "required: the scenario's name (it names the output directory)")
	}
	// Names of presets and profiles.
	s.checkName(c, "phone.device", s.Phone.Device, "phone preset", phoneNames())
	s.checkName(c, "network.preset", s.Network.Preset, "network preset", networkPresetNames())
	gpuModes, cpuModes := false, false
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
	// Models.
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
	// Modes.
	w := &s.Workload
	if len(w.Modes) == 0 {
		s.errAt(c, "workload.modes", "required: at least one mode (%s)", strings.Join(modeList, ", "))
	}
	seenMode := map[string]int{}
	for i, ms := range w.Modes {
		p := fmt.Sprintf("workload.modes[%d]", i)
		if j, dup := seenMode[ms]; dup {
			s.errAt(c, p, "%q is listed twice (also workload.modes[%d])", ms, j)
		}
		seenMode[ms] = i
		m, err := parseMode(ms)
		if err != nil {
			s.errAt(c, p, "%v", err)
			continue
		}
		none := func(x string) bool { return x == "" || x == "none" }
		switch m.Kind {
		case devices.OnDeviceGPU:
			gpuModes = true
			if none(s.Phone.GPU) {
				s.errAt(c, p, "on-device-gpu needs a GPU framework: set phone.gpu (%s)", strings.Join(processorsFor(engine.PhoneGPU), ", "))
			}
		case devices.OnDeviceCPU:
			cpuModes = true
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
			if m.Kind == devices.Split {
				for _, model := range s.Models {
					if msg := checkCut(model, m.K); msg != "" {
						s.errAt(c, p, "%s", msg)
					}
				}
			}
		}
	}
	_, _ = gpuModes, cpuModes
	// Images.
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
	// Arrivals and the number of requests.
	a := &w.Arrivals
	notFor := func(field, typ string) {
		if s.written("workload.arrivals." + field) {
			s.errAt(c, "workload.arrivals."+field, "does not apply to %s arrivals", typ)
		}
	}
	switch a.Type {
	case "closed":
		notFor("rate", "closed")
		notFor("at", "closed")
	case "poisson":
		notFor("think", "poisson")
		notFor("at", "poisson")
		if !(a.Rate > 0) && !s.written("workload.arrivals.rate") {
			s.required(c, "workload.arrivals", "workload.arrivals.rate", "poisson arrivals need a rate, e.g. rate: 30/min")
		}
	case "times":
		notFor("think", "times")
		notFor("rate", "times")
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
	if s.written("workload.requests") && s.written("workload.duration") {
		s.errAt(c, "workload.duration", "give requests or duration, not both")
	}
	// Life cycle.
	if s.written("phone.lifecycle") {
		for _, f := range []string{"background_every", "background_for"} {
			if !s.written("phone.lifecycle." + f) {
				s.required(c, "phone.lifecycle", "phone.lifecycle."+f, "%s: required when lifecycle is given", f)
			}
		}
	}
	// Network: presets, traces, jitter.
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

// traceCache holds the traces a scenario's points share, by resolved name.
type traceCache struct {
	mu sync.Mutex
	m  map[string]*network.Trace
}

// MaxTraceSize is the largest trace file a scenario may name.
const MaxTraceSize = 64 << 20

// trace loads a channel's trace: a builtin (with or without its
// extension) or a file relative to the scenario's directory.
func (s *Scenario) trace(ch *Channel) (*network.Trace, error) {
	name := ch.Trace
	key := name + "\x00" + ch.TraceFormat + "\x00" + s.dir
	s.traces.mu.Lock()
	defer s.traces.mu.Unlock()
	if t, ok := s.traces.m[key]; ok {
		return t, nil
	}
	var t *network.Trace
	var err error
	builtins := network.BuiltinTraces()
	for _, b := range builtins {
		if b == name || strings.TrimSuffix(b, filepath.Ext(b)) == name {
			t, err = network.BuiltinTrace(b)
			if err != nil {
				return nil, err
			}
			s.traces.m[key] = t
			return t, nil
		}
	}
	path := name
	if !filepath.IsAbs(path) && s.dir != "" {
		path = filepath.Join(s.dir, path)
	}
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("no builtin trace %q%s and no file %s", name, didYouMean(name, builtinTraceNames()), path)
		}
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > MaxTraceSize {
		return nil, fmt.Errorf("%s is %d bytes, more than the %d a trace may have", path, st.Size(), MaxTraceSize)
	}
	format := ch.TraceFormat
	if format == "" {
		switch filepath.Ext(path) {
		case ".mahi", ".up", ".down":
			format = "mahimahi"
		default:
			format = "plain"
		}
	}
	if format == "mahimahi" {
		t, err = network.ParseMahimahi(f, path, 0)
	} else {
		t, err = network.ParsePlain(f, path)
	}
	if err != nil {
		return nil, errors.New(strings.TrimPrefix(err.Error(), "network: "))
	}
	s.traces.m[key] = t
	return t, nil
}

// resolve builds the devices and network configurations and the cells.
func (s *Scenario) resolve(c *collector) {
	r := &resolved{}
	spec, err := lookupPhone(s.Phone.Device)
	if err != nil {
		s.errAt(c, "phone.device", "%s", trimPrefix(err, ""))
		return
	}
	m := s.Phone.Memory
	spec.Memory.RAM = m.RAM
	spec.Heap.Limit = m.HeapLimit
	spec.Heap.LargeLimit = m.LargeHeapLimit
	spec.Heap.LargeHeap = m.LargeHeap
	spec.Memory.BackgroundPressure = float64(m.BackgroundPressure)
	spec.Memory.Fluctuation.SD = float64(m.PressureFluctuation)
	spec.Memory.Fluctuation.Timescale = m.FluctuationTimescale
	if m.PressureFluctuation > 0 {
		if spec.Memory.Fluctuation.Model == "none" || spec.Memory.Fluctuation.Model == "" {
			spec.Memory.Fluctuation.Model = "ou"
		}
	} else {
		spec.Memory.Fluctuation.Model = "none"
	}
	spec.GC.PauseScale = s.Phone.GC.PauseScale
	spec.GC.AllocScale = s.Phone.GC.AllocScale
	spec.Battery.Capacity = s.Phone.Battery
	spec.Lifecycle.Switch = "none"
	if l := s.Phone.Lifecycle; s.written("phone.lifecycle") {
		if l.Random {
			spec.Lifecycle.Switch = "exponential"
			spec.Lifecycle.MeanForeground, spec.Lifecycle.MeanBackground = l.BackgroundEvery, l.BackgroundFor
		} else {
			spec.Lifecycle.Switch = "every"
			spec.Lifecycle.Every, spec.Lifecycle.BackgroundFor = l.BackgroundEvery, l.BackgroundFor
		}
		spec.Lifecycle.BackgroundRequests = l.BackgroundRequests
	}
	if err := spec.Validate(); err != nil {
		s.errAt(c, "phone", "the phone preset with these overrides is not valid: %s", trimPrefix(err, ""))
		return
	}
	r.phone = spec

	n := s.Network
	mi, err := network.LookupModel(n.Model)
	if err != nil {
		s.errAt(c, "network.model", "%s", trimPrefix(err, ""))
		return
	}
	r.link.Model = mi.Default
	if n.Radio != "none" && n.Radio != "" {
		rs, err := network.LookupRadio(n.Radio)
		if err != nil {
			s.errAt(c, "network.radio", "%s", trimPrefix(err, ""))
			return
		}
		r.link.Radio = &rs
	}
	for _, dir := range []string{"uplink", "downlink"} {
		ch, dst := &n.Uplink, &r.link.Up
		if dir == "downlink" {
			ch, dst = &n.Downlink, &r.link.Down
		}
		*dst = network.ChannelConfig{Bandwidth: ch.Bandwidth, Latency: ch.Latency, Loss: float64(ch.Loss),
			Jitter: network.Jitter{Dist: ch.Jitter.Dist, Mean: ch.Jitter.Mean, SD: ch.Jitter.SD}}
		if dst.Jitter.Dist == "none" {
			dst.Jitter.Dist = ""
		}
		if ch.Trace != "" {
			t, err := s.trace(ch)
			if err != nil {
				return // reported by crossCheck
			}
			dst.Trace = t
		}
	}
	if err := r.link.Validate("network"); err != nil {
		msg := strings.NewReplacer("network.up.", "network.uplink.", "network.down.", "network.downlink.").Replace(trimPrefix(err, ""))
		s.errAt(c, "network", "%s", msg)
		return
	}

	w := s.Workload
	for _, ms := range w.Modes {
		m, _ := parseMode(ms)
		r.modes = append(r.modes, m)
	}
	r.upload, _ = devices.ParseUploadKind(w.Upload)
	r.objective, _ = devices.ParseObjective(w.Objective)
	for _, model := range s.Models {
		for _, mode := range w.Modes {
			for _, g := range w.Images {
				n := w.Requests
				switch {
				case w.Arrivals.Type == "times":
					n = len(w.Arrivals.At)
				case s.written("workload.duration"):
					n = 0
				case n == 0:
					n = g.Count
				}
				r.cells = append(r.cells, Cell{Index: len(r.cells), Model: model, Mode: mode, Image: g.Size, Requests: n})
			}
		}
	}
	s.res = r
}

// Cells returns the cells of a validated scenario without a sweep, or of
// a point's scenario, in order: models, then modes, then image groups.
func (s *Scenario) Cells() []Cell {
	if s.res == nil {
		return nil
	}
	return append([]Cell(nil), s.res.cells...)
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

var _ = math.Inf
