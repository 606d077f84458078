package devices

import (
	"bytes"
	"embed"
	"encoding"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/infersim/infersim/internal/suggest"
	"github.com/infersim/infersim/reference"
	"github.com/infersim/infersim/units"
	"go.yaml.in/yaml/v3"
)

//go:embed phones/*.yaml
var phonesFS embed.FS

// PhoneSpec is a phone preset: its hardware, its power table, the Android
// memory and GC settings, and the scenario knobs that default with it
// (memory pressure, GC scales, app life cycle). Presets are YAML files in
// devices/phones (embedded); phones/nexus5.yaml is the annotated example
// of the schema. A YAML value "fact:ID" takes the reference fact ID
// (reference/facts.yaml) in its unit, so a number and its citation stay in
// one place. Every other number cites its source under Sources, keyed by
// the field's path ("power.base").
type PhoneSpec struct {
	Name        string        `yaml:"name"`
	Description string        `yaml:"description"`
	CPU         CPUSpec       `yaml:"cpu"`
	GPU         GPUSpec       `yaml:"gpu"`
	Memory      MemorySpec    `yaml:"memory"`
	Storage     StorageSpec   `yaml:"storage"`
	Battery     BatterySpec   `yaml:"battery"`
	Power       PowerSpec     `yaml:"power"`
	Heap        HeapSpec      `yaml:"heap"`
	App         AppSpec       `yaml:"app"`
	GC          GCSpec        `yaml:"gc"`
	LMK         LMKSpec       `yaml:"lmk"`
	Lifecycle   LifecycleSpec `yaml:"lifecycle"`
	// Sources maps a field's path ("storage.read_rate") to the citation
	// of its value, or to "assumption: why it is plausible".
	Sources map[string]string `yaml:"sources"`
}

// CPUSpec is the application processor.
type CPUSpec struct {
	Name  string `yaml:"name"`
	Cores int    `yaml:"cores"` // cores the energy meter can see busy
}

// GPUSpec is the mobile GPU.
type GPUSpec struct {
	Name string `yaml:"name"`
}

// MemorySpec is the phone's RAM and what else uses it. Free memory is
// RAM − SystemReserve − other apps (BackgroundPressure × RAM, fluctuating
// per Fluctuation) − the app's own memory.
type MemorySpec struct {
	RAM                units.Bytes     `yaml:"ram"`
	SystemReserve      units.Bytes     `yaml:"system_reserve"`      // kernel, carve-outs, system processes
	BackgroundPressure float64         `yaml:"background_pressure"` // other apps' memory as a fraction of RAM, in [0, 1)
	Fluctuation        FluctuationSpec `yaml:"fluctuation"`
}

// FluctuationSpec is the random variation of the other apps' memory.
//
//	none    constant at the mean
//	ou      Ornstein–Uhlenbeck, updated every Step: x' = μ + (x − μ)·e^(−Δ/τ) + SD·sqrt(1 − e^(−2Δ/τ))·N(0,1)
//	redraw  x ~ N(μ, SD²) redrawn every Timescale
//
// with μ = BackgroundPressure, τ = Timescale, all in fractions of RAM and
// clamped to [0, 0.99].
type FluctuationSpec struct {
	Model     string         `yaml:"model"`
	SD        float64        `yaml:"sd"`
	Timescale units.Duration `yaml:"timescale"`
	Step      units.Duration `yaml:"step"`
}

// StorageSpec is the flash storage model files are read from.
type StorageSpec struct {
	ReadRate units.ByteRate `yaml:"read_rate"` // sequential read
}

// BatterySpec gives the battery's capacity and nominal voltage; drain is
// energy / (capacity × voltage).
type BatterySpec struct {
	Capacity units.Charge `yaml:"capacity"`
	Voltage  float64      `yaml:"voltage"` // volts
}

// Energy returns the battery's nominal energy, capacity × voltage.
func (b BatterySpec) Energy() units.Energy { return b.Capacity.Energy(b.Voltage) }

// Drain returns e as a percentage of the battery's nominal energy.
func (b BatterySpec) Drain(e units.Energy) float64 { return 100 * float64(e) / float64(b.Energy()) }

// PowerSpec is the phone's power table (the energy meter's parameters):
//
//	cpu   = CPUIdle + min(n, 1) × CPUShared + n × CPUPerCore
//	        (n busy cores, capped at CPU.Cores; power.go)
//	gpu   = GPUActive while a kernel runs, else GPUIdle
//	base  = Base always (screen on, platform floor)
//	radio = the network radio's state power (network.RadioSpec)
//
// Low and High, when given, are the CPU terms at the two ends of their
// published range (WithPower); the fields above are the nominal values.
type PowerSpec struct {
	CPUIdle    units.Power `yaml:"cpu_idle"`
	CPUShared  units.Power `yaml:"cpu_shared"`
	CPUPerCore units.Power `yaml:"cpu_per_core"`
	GPUIdle    units.Power `yaml:"gpu_idle"`
	GPUActive  units.Power `yaml:"gpu_active"`
	Base       units.Power `yaml:"base"`
	Low        *PowerLevel `yaml:"low,omitempty"`
	High       *PowerLevel `yaml:"high,omitempty"`
}

// HeapSpec is the ART heap configuration (dalvik.vm.* properties).
type HeapSpec struct {
	Limit             units.Bytes `yaml:"limit"`       // heapgrowthlimit
	LargeLimit        units.Bytes `yaml:"large_limit"` // heapsize, with android:largeHeap
	LargeHeap         bool        `yaml:"large_heap"`  // the app asks for the large heap
	TargetUtilization float64     `yaml:"target_utilization"`
	MinFree           units.Bytes `yaml:"min_free"`
	MaxFree           units.Bytes `yaml:"max_free"`
}

// Max returns the heap limit that applies: LargeLimit with LargeHeap,
// Limit otherwise.
func (h HeapSpec) Max() units.Bytes {
	if h.LargeHeap {
		return h.LargeLimit
	}
	return h.Limit
}

// AppSpec is the app's own memory besides the model.
type AppSpec struct {
	BaseHeap   units.Bytes `yaml:"base_heap"`   // live Java objects
	BaseNative units.Bytes `yaml:"base_native"` // native memory
}

// GCSpec parameterises the ART concurrent mark-sweep collector model (see
// the package doc, "Garbage collection").
type GCSpec struct {
	ConcurrentPause  units.Duration `yaml:"concurrent_pause"`  // each of the two pauses of a concurrent GC
	ConcurrentTotal  units.Duration `yaml:"concurrent_total"`  // a concurrent GC's total time at ReferenceLive
	BlockingPause    units.Duration `yaml:"blocking_pause"`    // a blocking GC's pause at ReferenceLive
	ReferenceLive    units.Bytes    `yaml:"reference_live"`    // the live heap the anchors were measured at
	ConcurrentMargin units.Bytes    `yaml:"concurrent_margin"` // concurrent start = footprint − margin
	PauseSigma       float64        `yaml:"pause_sigma"`       // log-normal σ of pauses; 0 = deterministic
	PauseScale       float64        `yaml:"pause_scale"`       // multiplies every pause and GC time
	AllocScale       float64        `yaml:"alloc_scale"`       // multiplies every transient allocation
}

// LMKSpec is the low-memory killer.
type LMKSpec struct {
	// Minfree gives, per process state (LMKStates: foreground, visible,
	// perceptible, backup, cached, empty), the free memory below which
	// the killer kills a process in that state.
	Minfree []units.Bytes `yaml:"minfree"`
	// BackgroundState is the app's state while in the background.
	BackgroundState string `yaml:"background_state"`
}

// lmkStates lists the process states of LMKSpec.Minfree, in order.
var lmkStates = []string{"foreground", "visible", "perceptible", "backup", "cached", "empty"}

// LifecycleSpec is how the user moves the app between foreground and
// background.
//
//	none         always in the foreground
//	every        Every after the start, then every Every, the app goes to the background for BackgroundFor
//	exponential  foreground and background periods exponential with means MeanForeground, MeanBackground
//
// BackgroundRequests says what a request arriving in the background does:
// "wait" (for the app to return to the foreground; the wait counts in its
// latency) or "drop" (it ends at once with outcome dropped).
type LifecycleSpec struct {
	Switch             string         `yaml:"switch"`
	Every              units.Duration `yaml:"every"`
	BackgroundFor      units.Duration `yaml:"background_for"`
	MeanForeground     units.Duration `yaml:"mean_foreground"`
	MeanBackground     units.Duration `yaml:"mean_background"`
	BackgroundRequests string         `yaml:"background_requests"`
}

// Phones returns the names of the built-in phone presets, sorted.
func Phones() []string {
	ents, _ := phonesFS.ReadDir("phones")
	var names []string
	for _, e := range ents {
		if n, ok := strings.CutSuffix(e.Name(), ".yaml"); ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// LookupPhone returns the built-in preset name, validated.
func LookupPhone(name string) (PhoneSpec, error) {
	b, err := phonesFS.ReadFile("phones/" + name + ".yaml")
	if err != nil {
		return PhoneSpec{}, fmt.Errorf("devices: no phone preset %q%s", name, suggest.DidYouMean(name, Phones()))
	}
	return ReadPhoneSpec(bytes.NewReader(b), "phones/"+name+".yaml", nil)
}

// ReadPhoneSpec reads a phone spec in YAML from r. With base nil it reads
// a whole preset; otherwise the YAML overrides base's fields (fields it
// does not mention keep base's values), which is how a scenario adjusts a
// preset. Unknown fields are errors. The result is validated. filename is
// used in error messages only.
func ReadPhoneSpec(r io.Reader, filename string, base *PhoneSpec) (PhoneSpec, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxPhoneSpecBytes+1))
	if err != nil {
		return PhoneSpec{}, fmt.Errorf("devices: %s: %w", filename, err)
	}
	if len(data) > MaxPhoneSpecBytes {
		return PhoneSpec{}, fmt.Errorf("devices: %s: larger than %d bytes (the limit)", filename, MaxPhoneSpecBytes)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return PhoneSpec{}, fmt.Errorf("devices: %s: %w", filename, err)
	}
	if err := substituteFacts(&root, filename, ""); err != nil {
		return PhoneSpec{}, err
	}
	if err := checkNode(&root, reflect.TypeFor[PhoneSpec](), filename, ""); err != nil {
		return PhoneSpec{}, err
	}
	data, err = yaml.Marshal(&root)
	if err != nil {
		return PhoneSpec{}, fmt.Errorf("devices: %s: %w", filename, err)
	}
	var s PhoneSpec
	if base != nil {
		s = base.clone()
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil && !errors.Is(err, io.EOF) {
		return PhoneSpec{}, fmt.Errorf("devices: %s: %w", filename, err)
	}
	if err := s.Validate(); err != nil {
		return PhoneSpec{}, fmt.Errorf("%w (in %s)", err, filename)
	}
	return s, nil
}

// shared returns s for a phone to keep: a copy of the struct that shares
// its slices and maps (Minfree, power levels, Sources), which a phone only
// reads; a phone costs the struct, not a deep copy per phone (Phone.Spec
// hands out deep copies).
func (s PhoneSpec) shared() PhoneSpec { return s }

func (s PhoneSpec) clone() PhoneSpec {
	c := s
	c.LMK.Minfree = append([]units.Bytes(nil), s.LMK.Minfree...)
	c.Power.Low, c.Power.High = s.Power.Low.clone(), s.Power.High.clone()
	c.Sources = make(map[string]string, len(s.Sources))
	for k, v := range s.Sources {
		c.Sources[k] = v
	}
	return c
}

// substituteFacts replaces every scalar "fact:ID" under n by the fact's
// value in its unit, so that the typed decoder reads it like a literal.
func substituteFacts(n *yaml.Node, file, path string) error {
	switch n.Kind {
	case yaml.DocumentNode, yaml.SequenceNode:
		for i, c := range n.Content {
			p := path
			if n.Kind == yaml.SequenceNode {
				p = fmt.Sprintf("%s[%d]", path, i)
			}
			if err := substituteFacts(c, file, p); err != nil {
				return err
			}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			p := n.Content[i].Value
			if path != "" {
				p = path + "." + p
			}
			if err := substituteFacts(n.Content[i+1], file, p); err != nil {
				return err
			}
		}
	case yaml.ScalarNode:
		id, ok := strings.CutPrefix(n.Value, "fact:")
		if !ok {
			return nil
		}
		f, ok := reference.Lookup(id)
		if !ok {
			return fmt.Errorf("devices: %s:%d: %s: no reference fact %q", file, n.Line, path, id)
		}
		text := func(v float64) string {
			var b []byte
			switch f.Kind {
			case reference.Time:
				b, _ = units.Duration(v).MarshalText()
			case reference.Power:
				b, _ = units.Power(v).MarshalText()
			case reference.Bytes, reference.BytesList:
				b, _ = units.Bytes(v).MarshalText()
			case reference.Charge:
				b, _ = units.Charge(v).MarshalText()
			case reference.Rate:
				// In bytes per second, which both bit-rate and byte-rate
				// fields read ("76.29MB/s").
				b, _ = units.ByteRate(v / 8).MarshalText()
			default:
				return strconv.FormatFloat(v, 'g', -1, 64)
			}
			return string(b)
		}
		if f.Kind == reference.BytesList {
			n.Kind, n.Tag, n.Value, n.Style = yaml.SequenceNode, "!!seq", "", yaml.FlowStyle
			n.Content = nil
			for _, v := range f.Values {
				n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: text(v)})
			}
			return nil
		}
		if f.Kind == reference.Order {
			return fmt.Errorf("devices: %s:%d: %s: fact %q states an order and has no value", file, n.Line, path, id)
		}
		n.Value, n.Tag, n.Style = text(f.Value), "", 0
	}
	return nil
}

// checkNode checks that every field under n exists in type t and that
// every scalar decodes into its field's type, so that an error names the
// file, the line and the field ("devices: my.yaml:12: heap.limit: units:
// "192": missing unit ...").
func checkNode(n *yaml.Node, t reflect.Type, file, path string) error {
	fail := func(n *yaml.Node, format string, args ...any) error {
		return fmt.Errorf("devices: %s:%d: %s: %s", file, n.Line, path, fmt.Sprintf(format, args...))
	}
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return nil
		}
		return checkNode(n.Content[0], t, file, path)
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	if reflect.PointerTo(t).Implements(reflect.TypeFor[encoding.TextUnmarshaler]()) {
		if n.Kind != yaml.ScalarNode {
			return fail(n, "want a single value")
		}
		v := reflect.New(t).Interface().(encoding.TextUnmarshaler)
		if err := v.UnmarshalText([]byte(n.Value)); err != nil {
			return fail(n, "%v", err)
		}
		return nil
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return fail(n, "want a mapping of fields")
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := n.Content[i].Value
			p := key
			if path != "" {
				p = path + "." + key
			}
			f, ok := fieldByTag(t, key)
			if !ok {
				return fmt.Errorf("devices: %s:%d: %s: unknown field", file, n.Content[i].Line, p)
			}
			if err := checkNode(n.Content[i+1], f.Type, file, p); err != nil {
				return err
			}
		}
		return nil
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return fail(n, "want a list")
		}
		for i, c := range n.Content {
			if err := checkNode(c, t.Elem(), file, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		return nil
	}
	v := reflect.New(t)
	if err := n.Decode(v.Interface()); err != nil {
		return fail(n, "%s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	return nil
}

func fieldByTag(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if name, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); name == key {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// Validate checks every field's range and names the first bad one, e.g.
// "devices: phone nexus5: heap.target_utilization: 1.5 must be in (0, 1)".
func (s PhoneSpec) Validate() error {
	if s.Name == "" {
		return errors.New("devices: phone: name: a preset needs a name")
	}
	c := specCheck{s.Name}
	if s.CPU.Cores < 1 {
		return c.bad("cpu.cores", "%d must be at least 1", s.CPU.Cores)
	}
	for _, section := range []func(specCheck) error{
		s.validateRanges, s.validateRelations, s.validateFluctuation, s.validateLMK, s.validateLifecycle, s.validatePowerLevels,
	} {
		if err := section(c); err != nil {
			return err
		}
	}
	return nil
}

// specCheck words a phone spec's errors.
type specCheck struct{ phone string }

func (c specCheck) bad(field, format string, args ...any) error {
	return fmt.Errorf("devices: phone %s: %s: %s", c.phone, field, fmt.Sprintf(format, args...))
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func (c specCheck) pos(field string, x float64) error {
	if !(x > 0) || !finite(x) {
		return c.bad(field, "%v must be positive and finite", x)
	}
	return nil
}

func (c specCheck) nonneg(field string, x float64) error {
	if !(x >= 0) || !finite(x) {
		return c.bad(field, "%v must be non-negative and finite", x)
	}
	return nil
}

// validateRanges checks the fields that must be positive or non-negative
// (and finite), one row each.
func (s PhoneSpec) validateRanges(c specCheck) error {
	pos, nonneg := c.pos, c.nonneg
	checks := []struct {
		field string
		v     float64
		must  func(string, float64) error
	}{
		{"memory.ram", float64(s.Memory.RAM), pos},
		{"memory.system_reserve", float64(s.Memory.SystemReserve), nonneg},
		{"storage.read_rate", float64(s.Storage.ReadRate), pos},
		{"battery.capacity", float64(s.Battery.Capacity), pos},
		{"battery.voltage", s.Battery.Voltage, pos},
		{"power.cpu_idle", float64(s.Power.CPUIdle), nonneg},
		{"power.cpu_shared", float64(s.Power.CPUShared), nonneg},
		{"power.cpu_per_core", float64(s.Power.CPUPerCore), nonneg},
		{"power.gpu_idle", float64(s.Power.GPUIdle), nonneg},
		{"power.gpu_active", float64(s.Power.GPUActive), nonneg},
		{"power.base", float64(s.Power.Base), nonneg},
		{"heap.limit", float64(s.Heap.Limit), pos},
		{"heap.large_limit", float64(s.Heap.LargeLimit), pos},
		{"heap.min_free", float64(s.Heap.MinFree), nonneg},
		{"heap.max_free", float64(s.Heap.MaxFree), nonneg},
		{"app.base_heap", float64(s.App.BaseHeap), nonneg},
		{"app.base_native", float64(s.App.BaseNative), nonneg},
		{"gc.concurrent_pause", float64(s.GC.ConcurrentPause), nonneg},
		{"gc.concurrent_total", float64(s.GC.ConcurrentTotal), nonneg},
		{"gc.blocking_pause", float64(s.GC.BlockingPause), nonneg},
		{"gc.reference_live", float64(s.GC.ReferenceLive), pos},
		{"gc.concurrent_margin", float64(s.GC.ConcurrentMargin), nonneg},
		{"gc.pause_sigma", s.GC.PauseSigma, nonneg},
		{"gc.pause_scale", s.GC.PauseScale, nonneg},
		{"gc.alloc_scale", s.GC.AllocScale, nonneg},
		{"memory.fluctuation.sd", s.Memory.Fluctuation.SD, nonneg},
	}
	for _, ch := range checks {
		if err := ch.must(ch.field, ch.v); err != nil {
			return err
		}
	}
	return nil
}

// validateRelations checks the fields that bound each other.
func (s PhoneSpec) validateRelations(c specCheck) error {
	switch {
	case s.Memory.SystemReserve >= s.Memory.RAM:
		return c.bad("memory.system_reserve", "%v must be below memory.ram %v", s.Memory.SystemReserve, s.Memory.RAM)
	case !(s.Memory.BackgroundPressure >= 0 && s.Memory.BackgroundPressure < 1):
		return c.bad("memory.background_pressure", "%v must be in [0, 1)", s.Memory.BackgroundPressure)
	case !(s.Heap.TargetUtilization > 0 && s.Heap.TargetUtilization < 1):
		return c.bad("heap.target_utilization", "%v must be in (0, 1)", s.Heap.TargetUtilization)
	case s.Heap.MinFree > s.Heap.MaxFree:
		return c.bad("heap.min_free", "%v must not exceed heap.max_free %v", s.Heap.MinFree, s.Heap.MaxFree)
	case s.Heap.LargeLimit < s.Heap.Limit:
		return c.bad("heap.large_limit", "%v must not be below heap.limit %v", s.Heap.LargeLimit, s.Heap.Limit)
	case s.App.BaseHeap >= s.Heap.Max():
		return c.bad("app.base_heap", "%v must be below the heap limit %v", s.App.BaseHeap, s.Heap.Max())
	}
	return nil
}

// validateFluctuation checks the background-memory fluctuation model.
func (s PhoneSpec) validateFluctuation(c specCheck) error {
	switch f := s.Memory.Fluctuation; f.Model {
	case "", "none":
	case "ou":
		if err := c.pos("memory.fluctuation.timescale", float64(f.Timescale)); err != nil {
			return err
		}
		return c.pos("memory.fluctuation.step", float64(f.Step))
	case "redraw":
		return c.pos("memory.fluctuation.timescale", float64(f.Timescale))
	default:
		return c.bad("memory.fluctuation.model", "unknown model %q (want none, ou or redraw)", f.Model)
	}
	return nil
}

// validateLMK checks the low-memory killer's thresholds (one per state,
// non-decreasing) and the state the app has in the background.
func (s PhoneSpec) validateLMK(c specCheck) error {
	if len(s.LMK.Minfree) != len(lmkStates) {
		return c.bad("lmk.minfree", "has %d thresholds, want %d (%s)", len(s.LMK.Minfree), len(lmkStates), strings.Join(lmkStates, ", "))
	}
	for i, m := range s.LMK.Minfree {
		if err := c.nonneg(fmt.Sprintf("lmk.minfree[%d]", i), float64(m)); err != nil {
			return err
		}
		if i > 0 && m < s.LMK.Minfree[i-1] {
			return c.bad(fmt.Sprintf("lmk.minfree[%d]", i), "%v must not be below the previous state's %v", m, s.LMK.Minfree[i-1])
		}
	}
	if lmkState(s.LMK.BackgroundState) < 0 {
		return c.bad("lmk.background_state", "unknown state %q (want one of %s)", s.LMK.BackgroundState, strings.Join(lmkStates, ", "))
	}
	return nil
}

// validateLifecycle checks the foreground/background switching and what
// happens to requests in the background.
func (s PhoneSpec) validateLifecycle(c specCheck) error {
	l := s.Lifecycle
	switch l.Switch {
	case "", "none":
	case "every":
		if err := c.pos("lifecycle.every", float64(l.Every)); err != nil {
			return err
		}
		if err := c.pos("lifecycle.background_for", float64(l.BackgroundFor)); err != nil {
			return err
		}
	case "exponential":
		if err := c.pos("lifecycle.mean_foreground", float64(l.MeanForeground)); err != nil {
			return err
		}
		if err := c.pos("lifecycle.mean_background", float64(l.MeanBackground)); err != nil {
			return err
		}
	default:
		return c.bad("lifecycle.switch", "unknown switch %q (want none, every or exponential)", l.Switch)
	}
	switch l.BackgroundRequests {
	case "", "wait", "drop":
	default:
		return c.bad("lifecycle.background_requests", "unknown policy %q (want wait or drop)", l.BackgroundRequests)
	}
	return nil
}

func lmkState(s string) int {
	for i, n := range lmkStates {
		if n == s {
			return i
		}
	}
	return -1
}
