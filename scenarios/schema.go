package scenarios

import (
	"fmt"
	"math"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"github.com/infersim/infersim/units"
)

// The schema registry: every field of a scenario file with its YAML name,
// Go field, kind, description, default and checks. The decoder (decode.go),
// Validate (validate.go), the sweep paths (sweep.go), the JSON Schema
// (jsonschema.go) and the field reference (FieldReference) all read it, so
// a field documented here is a field the loader accepts, and no other.
// TestRegistryMatchesTypes keeps it and the Go types in step.

// kind is how a field's value is written.
type kind uint8

const (
	kStruct   kind = iota // a mapping of fields
	kList                 // a sequence of Elem
	kText                 // free text
	kName                 // a name: [a-z0-9-]+, or from a dynamic list
	kEnum                 // one of Enum
	kInt                  // an integer
	kUint                 // a non-negative 64-bit integer
	kFloat                // a plain number
	kFraction             // a number in [0, 1] or a percentage
	kBool                 // true or false
	kDuration             // units.Duration: "20ms"
	kBitRate              // units.BitRate: "25Mbps"
	kBytes                // units.Bytes: "2GiB"
	kCharge               // units.Charge: "2300mAh"
	kByteRate             // units.ByteRate: "500MB/s"
	kRate                 // Rate: "30/min"
	kSize                 // ImageSize: "1920x1080"
	kMode                 // an inference mode: on-device-cpu, ..., split:K, auto
	kAny                  // any YAML value (sweep values)
)

var kindNames = [...]string{
	kStruct: "mapping", kList: "list", kText: "text", kName: "name", kEnum: "one of",
	kInt: "integer", kUint: "integer", kFloat: "number", kFraction: "fraction", kBool: "boolean",
	kDuration: "duration", kBitRate: "bit rate", kBytes: "data size", kCharge: "charge", kByteRate: "byte rate",
	kRate: "rate", kSize: "image size", kMode: "mode", kAny: "value",
}

// aKind names a kind with its article for messages: "an integer", "a
// mapping"; an enum is "a value" (its message lists the choices).
func aKind(k kind) string {
	name := kindNames[k]
	switch {
	case k == kEnum:
		return "a value"
	case strings.ContainsRune("aeiou", rune(name[0])):
		return "an " + name
	}
	return "a " + name
}

// isUnit reports whether the kind is a quantity written with its unit.
func (k kind) isUnit() bool {
	switch k {
	case kDuration, kBitRate, kBytes, kCharge, kByteRate, kRate:
		return true
	}
	return false
}

// isNumeric reports whether a value of the kind is a number (for ranges and
// numeric checks).
func (k kind) isNumeric() bool {
	return k.isUnit() || k == kInt || k == kUint || k == kFloat || k == kFraction
}

// field is one entry of the registry.
type field struct {
	name   string // YAML key
	goName string // Go struct field
	kind   kind
	desc   string
	def    string          // default, as YAML text ("" none)
	preset string          // the default comes from this preset field ("phone.device")
	enum   []string        // kEnum
	names  func() []string // kName: the known names, for checks, suggestions and the JSON Schema enum
	noun   string          // kName: what a name names, for errors ("phone preset")
	// optional: a mapping whose fields get no defaults unless it is
	// written (lifecycle, sweep, range).
	optional bool
	fields   []*field // kStruct
	elem     *field   // kList
	checks   []check
	// scalarList: a single scalar where this list is expected is a
	// one-element list ("models: alexnet").
	scalarList bool
	// shorthand: a scalar that stands for a whole value ("images: study").
	shorthand map[string]string
	noSweep   bool   // may not be swept (name, sweep, outputs, ...)
	example   string // shown in the field reference
}

// check is a range check on a numeric value or a rule on a text value,
// registered with the field so that the reference and the JSON Schema
// state it.
type check struct {
	doc  string                // e.g. "≥ 1", for the reference
	json map[string]any        // JSON Schema keywords (numbers only)
	num  func(x float64) bool  // numeric check
	text func(s string) string // text check: "" or a message
}

// num prints a bound without an exponent: 100000, 0.5.
func num(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

func atLeast(n float64) check {
	return check{doc: "≥ " + num(n), json: map[string]any{"minimum": n}, num: func(x float64) bool { return x >= n }}
}

func atMost(n float64) check {
	return check{doc: "≤ " + num(n), json: map[string]any{"maximum": n}, num: func(x float64) bool { return x <= n }}
}

func above(n float64) check {
	return check{doc: "> " + num(n), json: map[string]any{"exclusiveMinimum": n}, num: func(x float64) bool { return x > n }}
}

func below(n float64) check {
	return check{doc: "< " + num(n), json: map[string]any{"exclusiveMaximum": n}, num: func(x float64) bool { return x < n }}
}

var positive = check{doc: "> 0", num: func(x float64) bool { return x > 0 }}
var nonNegative = check{doc: "≥ 0", num: func(x float64) bool { return x >= 0 }}

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

var namePattern = check{doc: "[a-z0-9-]+", text: func(s string) string {
	if len(s) > 64 {
		return fmt.Sprintf("%q is longer than 64 characters", s)
	}
	if !nameRE.MatchString(s) {
		return fmt.Sprintf("%q must be lower-case letters, digits and '-' (it names the output directory)", s)
	}
	return ""
}}

func (c check) jsonKeywords(k kind) map[string]any {
	if k.isUnit() {
		return nil // a unit string has no numeric bounds in JSON Schema
	}
	return c.json
}

// option configures a field.
type option func(*field)

func def(s string) option        { return func(f *field) { f.def = s } }
func fromPreset(p string) option { return func(f *field) { f.preset = p } }
func enum(v ...string) option    { return func(f *field) { f.enum = v } }
func names(noun string, fn func() []string) option {
	return func(f *field) { f.noun, f.names = noun, fn }
}

func checks(c ...check) option { return func(f *field) { f.checks = append(f.checks, c...) } }
func scalarList() option       { return func(f *field) { f.scalarList = true } }
func noSweep() option          { return func(f *field) { f.noSweep = true } }
func example(s string) option  { return func(f *field) { f.example = s } }
func shorthand(m map[string]string) option {
	return func(f *field) { f.shorthand = m }
}

func fld(name, goName string, k kind, desc string, opts ...option) *field {
	f := &field{name: name, goName: goName, kind: k, desc: desc}
	for _, o := range opts {
		o(f)
	}
	return f
}

func obj(name, goName, desc string, fields ...*field) *field {
	return &field{name: name, goName: goName, kind: kStruct, desc: desc, fields: fields}
}

// optionalObj is obj for a mapping whose fields take their defaults only
// when it is written.
func optionalObj(name, goName, desc string, fields ...*field) *field {
	f := obj(name, goName, desc, fields...)
	f.optional = true
	return f
}

func list(name, goName string, elem *field, desc string, opts ...option) *field {
	f := fld(name, goName, kList, desc, opts...)
	f.elem = elem
	return f
}

// child returns the field named name, or nil.
func (f *field) child(name string) *field {
	for _, c := range f.fields {
		if c.name == name {
			return c
		}
	}
	return nil
}

func (f *field) childNames() []string {
	n := make([]string, len(f.fields))
	for i, c := range f.fields {
		n[i] = c.name
	}
	return n
}

// jitterFields is the jitter mapping of a channel.
func jitterField() *field {
	return obj("jitter", "Jitter", "Extra one-way delay drawn per transfer from the channel's own random stream (network.Jitter).",
		fld("dist", "Dist", kEnum, "Distribution: none, normal (N(mean, sd²) clamped at 0), exponential (mean), lognormal (with that mean and sd).",
			enum("none", "normal", "exponential", "lognormal"), fromPreset("network.preset")),
		fld("mean", "Mean", kDuration, "Mean delay.", checks(nonNegative), fromPreset("network.preset")),
		fld("sd", "SD", kDuration, "Standard deviation (normal, lognormal; exponential: 0 or equal to mean).", checks(nonNegative), fromPreset("network.preset")),
	)
}

func channelField(name, goName, dir string) *field {
	return obj(name, goName, "The "+dir+" channel; every field defaults to the preset's.",
		fld("bandwidth", "Bandwidth", kBitRate, "Capacity when no trace is given.", checks(positive), fromPreset("network.preset"), example("25Mbps")),
		fld("latency", "Latency", kDuration, "One-way propagation delay.", checks(nonNegative), fromPreset("network.preset"), example("20ms")),
		jitterField(),
		fld("loss", "Loss", kFraction, "Packet loss rate; only the tcp model uses it (Mathis bound).", checks(atLeast(0), below(1)), fromPreset("network.preset")),
		fld("trace", "Trace", kName, "Bandwidth trace replacing the constant bandwidth: a builtin trace name (with or without its extension) or a file path, relative to the scenario file.",
			names("builtin trace", builtinTraceNames), example("lte-drive")),
		fld("trace_format", "TraceFormat", kEnum, "Format of a trace file: plain (`seconds Mbps` per line) or mahimahi (packet-delivery ms). Default: mahimahi for .mahi, .up and .down files, plain otherwise.",
			enum("plain", "mahimahi")),
	)
}

var registry = buildRegistry()

func buildRegistry() *field {
	return obj("", "", "A scenario: one YAML document.",
		fld("name", "Name", kText, "Names the scenario and its output directory results/NAME/.", checks(namePattern), noSweep(), example("guo2018")),
		fld("description", "Description", kText, "What the scenario shows; copied into summary.json.", noSweep()),
		fld("seed", "Seed", kUint, "Seed of every random stream; replication r of point p uses sim.DeriveSeed(seed, p, r).", def("1"), noSweep()),
		fld("replications", "Replications", kInt, "Independent runs of every cell; confidence intervals are across them.", def("1"), checks(atLeast(1), atMost(100000)), noSweep()),
		obj("phone", "Phone", "The phone: a hardware preset, the processor profiles its frameworks run on, and single-field overrides of the preset.",
			fld("device", "Device", kName, "Hardware preset (RAM, cores, storage, battery, power table, GC and memory settings).", def("nexus5"), names("phone preset", phoneNames)),
			fld("cpu", "CPU", kName, "Processor profile of the phone's CPU framework (on-device-cpu, preprocessing, the phone part of split and auto).", def("nexus5-caffe-cpu"), names("processor profile", processorNames)),
			fld("gpu", "GPU", kName, "Processor profile of the phone's GPU framework (on-device-gpu); omitted: the phone has no GPU framework and on-device-gpu is an error.", names("processor profile", processorNames)),
			fld("count", "Count", kInt, "Phones in the world, each with its own link, all sharing one cloud server.", def("1"), checks(atLeast(1), atMost(100000))),
			obj("memory", "Memory", "Memory and heap; every field defaults to the device preset's.",
				fld("ram", "RAM", kBytes, "Physical memory.", checks(positive), fromPreset("phone.device"), example("2GiB")),
				fld("heap_limit", "HeapLimit", kBytes, "The app's Java heap limit (dalvik.vm.heapgrowthlimit).", checks(positive), fromPreset("phone.device"), example("192MiB")),
				fld("large_heap_limit", "LargeHeapLimit", kBytes, "The heap limit with android:largeHeap (dalvik.vm.heapsize).", checks(positive), fromPreset("phone.device")),
				fld("large_heap", "LargeHeap", kBool, "The app asks for the large heap.", fromPreset("phone.device")),
				fld("background_pressure", "BackgroundPressure", kFraction, "Memory other apps hold, as a fraction of RAM.", checks(atLeast(0), below(1)), fromPreset("phone.device"), example("0.3")),
				fld("pressure_fluctuation", "PressureFluctuation", kFraction, "Standard deviation of the other apps' memory (fraction of RAM), an Ornstein–Uhlenbeck process around background_pressure; 0 = constant.", checks(atLeast(0), atMost(1)), fromPreset("phone.device")),
				fld("fluctuation_timescale", "FluctuationTimescale", kDuration, "Mean-reversion time of the fluctuation.", checks(positive), fromPreset("phone.device")),
			),
			obj("gc", "GC", "Scales of the ART garbage-collector model.",
				fld("pause_scale", "PauseScale", kFloat, "Multiplies every GC pause and GC time (1 = the published anchors).", checks(atLeast(0)), fromPreset("phone.device")),
				fld("alloc_scale", "AllocScale", kFloat, "Multiplies every transient allocation.", checks(atLeast(0)), fromPreset("phone.device")),
			),
			optionalObj("lifecycle", "Lifecycle", "The user sends the app to the background and back; omitted: always in the foreground. A background app can be killed by the low-memory killer and must reload its model.",
				fld("background_every", "BackgroundEvery", kDuration, "Time in the foreground between two trips to the background (the mean, with random).", checks(positive), example("10min")),
				fld("background_for", "BackgroundFor", kDuration, "Time spent in the background (the mean, with random).", checks(positive), example("1min")),
				fld("random", "Random", kBool, "Exponential periods with those means instead of a fixed schedule.", def("false")),
				fld("background_requests", "BackgroundRequests", kEnum, "What a request arriving in the background does: wait for the foreground (counted in its latency) or drop.", enum("wait", "drop"), def("wait")),
			),
			fld("battery", "Battery", kCharge, "Battery capacity (for battery drain per 1000 requests).", checks(positive), fromPreset("phone.device"), example("2300mAh")),
		),
		obj("network", "Network", "The phone's access link: a preset, then single-field overrides.",
			fld("preset", "Preset", kName, "Link preset (campus-wifi, home-wifi, lte, 3g), or none to give every field.", def("campus-wifi"), names("network preset", networkPresetNames)),
			fld("model", "Model", kEnum, "Transfer model: constant (size/bandwidth + latency) or tcp (handshake, slow start, Mathis loss bound).", enum("constant", "tcp"), fromPreset("network.preset")),
			fld("radio", "Radio", kEnum, "Radio power state machine (promotion, tails): wifi, lte, 3g, or none.", enum("wifi", "lte", "3g", "none"), fromPreset("network.preset")),
			channelField("uplink", "Uplink", "phone-to-server"),
			channelField("downlink", "Downlink", "server-to-phone"),
		),
		obj("cloud", "Cloud", "The inference server all phones share.",
			fld("cpu", "CPU", kName, "Processor profile of the CPU server (cloud-cpu mode).", def("cloud-cpu"), names("processor profile", processorNames)),
			fld("gpu", "GPU", kName, "Processor profile of the GPU server (cloud-gpu mode; split and auto use it when present).", def("cloud-gpu-k80"), names("processor profile", processorNames)),
			fld("workers", "Workers", kInt, "Requests the server computes at once (per processor).", def("1"), checks(atLeast(1), atMost(100000))),
			fld("queue_limit", "QueueLimit", kInt, "Requests that may wait; a request finding the queue full is dropped. 0 = unbounded.", def("0"), checks(atLeast(0))),
			obj("batching", "Batching", "Dynamic batching: a worker takes up to max_batch waiting requests, waiting at most max_wait for the batch to fill.",
				fld("max_batch", "MaxBatch", kInt, "Largest batch.", def("1"), checks(atLeast(1), atMost(4096))),
				fld("max_wait", "MaxWait", kDuration, "Longest wait for a batch to fill.", def("0s"), checks(nonNegative)),
			),
			fld("cold", "Cold", kBool, "Each worker loads a model at its first batch instead of holding every model resident.", def("false")),
			fld("read_rate", "ReadRate", kByteRate, "The server's storage read rate, for cold loads (assumption: a SATA SSD).", def("500MB/s"), checks(positive)),
		),
		list("models", "Models", fld("", "", kName, "A zoo model name.", names("zoo model", zooNames)),
			"Models to run; each is its own cell. Zoo names: alexnet, nin, squeezenet-v1.0, squeezenet-v1.1, mobilenet-v1.", scalarList(), example("[alexnet, nin, squeezenet-v1.0]")),
		obj("workload", "Workload", "What the user does.",
			list("modes", "Modes", fld("", "", kMode, "An inference mode."),
				"Inference modes, each its own cell: on-device-cpu, on-device-gpu, cloud-cpu, cloud-gpu, split:K (K layers on the phone, the rest on the server; K must be a valid cut of every model), auto (the cut chosen per request).",
				scalarList(), example("[on-device-cpu, cloud-gpu]")),
			list("images", "Images", obj("", "", "A group of photos of one size.",
				fld("size", "Size", kSize, "Photo size WIDTHxHEIGHT in pixels.", example("1920x1080")),
				fld("count", "Count", kInt, "Photos in the group; the default number of requests per cell.", def("1"), checks(atLeast(1), atMost(1000000))),
			), "Image groups, each its own cell. The shorthand `study` is the study's 15 photos at each of 3840x2160, 1920x1080 and 960x540.",
				def("study"), shorthand(map[string]string{"study": "[{size: 3840x2160, count: 15}, {size: 1920x1080, count: 15}, {size: 960x540, count: 15}]"})),
			fld("start", "Start", kEnum, "cold: the app launches with no model loaded (the first request loads it); warm: the model is resident before the first request.", enum("cold", "warm"), def("cold")),
			fld("upload", "Upload", kEnum, "What a cloud request uploads: resized (a JPEG of the model's input size) or original (the photo).", enum("resized", "original"), def("resized")),
			obj("arrivals", "Arrivals", "When each phone's requests arrive.",
				fld("type", "Type", kEnum, "closed: the next request think after the previous ends; poisson: at rate, independently of completions; times: at the listed times.", enum("closed", "poisson", "times"), def("closed")),
				fld("think", "Think", kDuration, "closed: pause between a request's end and the next one's arrival.", def("0s"), checks(nonNegative), example("1s")),
				fld("rate", "Rate", kRate, "poisson: mean arrivals per unit time, e.g. 0.5/s or 30/min.", checks(positive), example("30/min")),
				list("at", "At", fld("", "", kDuration, "Arrival time from the start.", checks(nonNegative)), "times: arrival times of each phone's requests, from the workload's start (after the model load with start: warm), non-decreasing.", example("[0s, 5s, 10s]")),
			),
			fld("requests", "Requests", kInt, "Requests per phone per cell. Default: the image group's count (or the number of times). Give requests or duration, not both.", checks(atLeast(1), atMost(100000000))),
			fld("duration", "Duration", kDuration, "Instead of requests: issue requests until this much simulated time has passed since the workload's start.", checks(positive), example("1h")),
			fld("timeout", "Timeout", kDuration, "A request not done this long after its arrival ends with outcome timeout.", def("5min"), checks(positive)),
			fld("objective", "Objective", kEnum, "What auto minimises: expected latency or expected phone energy.", enum("latency", "energy"), def("latency")),
		),
		optionalObj("sweep", "Sweep", "Parameters that vary between points; omitted: one point.",
			fld("combine", "Combine", kEnum, "grid: every combination; zip: the i-th values together (equal lengths).", enum("grid", "zip"), def("grid")),
			list("params", "Params", obj("", "", "One swept parameter: a path and values or a range.",
				fld("path", "Path", kText, "Dot path of the field to vary, list indices allowed: network.uplink.bandwidth, workload.modes, models[0], workload.images[1].size.", example("network.uplink.bandwidth")),
				list("values", "Values", fld("", "", kAny, "A value, written as in the file."), "The values, each validated like the same value written in the file."),
				optionalObj("range", "Range", "Evenly spaced values (numeric fields only).",
					fld("from", "From", kText, "First value, with the field's unit.", example("0.25Mbps")),
					fld("to", "To", kText, "Last value, with the field's unit.", example("100Mbps")),
					fld("steps", "Steps", kInt, "Number of values, ends included.", checks(atLeast(1), atMost(100000))),
					fld("scale", "Scale", kEnum, "linear or log (geometric) spacing.", enum("linear", "log"), def("linear")),
				),
			), "The swept parameters."),
			noSweepAll(),
		),
		obj("outputs", "Outputs", "Files to write besides summary.csv and summary.json.",
			fld("requests", "Requests", kBool, "requests.csv: one row per request.", def("true")),
			fld("plots", "Plots", kBool, "Charts under plots/ and index.html.", def("true")),
			fld("trace", "Trace", kBool, "trace.json: the first replication's spans in Chrome/Perfetto format.", def("false")),
			chartsField(),
			noSweepAll(),
		),
		conclusionsField(),
		quickField(),
	)
}

// noSweepAll is a pseudo-field marking its parent as not sweepable; obj
// drops it.
func noSweepAll() *field { return &field{name: "\x00nosweep"} }

func init() {
	var fix func(f *field)
	fix = func(f *field) {
		kept := f.fields[:0]
		for _, c := range f.fields {
			if c.name == "\x00nosweep" {
				f.noSweep = true
				continue
			}
			kept = append(kept, c)
		}
		f.fields = kept
		for _, c := range f.fields {
			fix(c)
		}
		if f.elem != nil {
			fix(f.elem)
		}
	}
	fix(registry)
}

// lookupPath returns the registry field at a dot path with list indices
// ("workload.images[0].size"), or an error message with a suggestion.
func lookupPath(path string) (*field, string) {
	segs, msg := splitPath(path)
	if msg != "" {
		return nil, msg
	}
	f := registry
	for i, s := range segs {
		if s.index >= 0 {
			if f.kind != kList {
				return nil, fmt.Sprintf("%s is not a list", joinPath(segs[:i]))
			}
			f = f.elem
			continue
		}
		if f.kind != kStruct {
			return nil, fmt.Sprintf("%s has no field %q (it is a %s)", joinPath(segs[:i]), s.name, kindNames[f.kind])
		}
		c := f.child(s.name)
		if c == nil {
			where := joinPath(segs[:i])
			if where == "" {
				where = "the scenario"
			}
			return nil, fmt.Sprintf("%s has no field %q%s", where, s.name, didYouMean(s.name, f.childNames()))
		}
		f = c
	}
	return f, ""
}

// pathSeg is one segment of a dot path: a field name or a list index.
type pathSeg struct {
	name  string
	index int // -1 for a name
}

// splitPath parses "a.b[2].c" into segments.
func splitPath(path string) ([]pathSeg, string) {
	if strings.TrimSpace(path) == "" {
		return nil, "empty path"
	}
	var segs []pathSeg
	for _, part := range strings.Split(path, ".") {
		name, rest, _ := strings.Cut(part, "[")
		if name == "" && rest == "" {
			return nil, fmt.Sprintf("path %q has an empty segment", path)
		}
		if name != "" {
			segs = append(segs, pathSeg{name: name, index: -1})
		}
		for rest != "" {
			num, after, ok := strings.Cut(rest, "]")
			n := 0
			if !ok || num == "" || len(num) > 6 {
				return nil, fmt.Sprintf("path %q: bad list index", path)
			}
			for _, c := range num {
				if c < '0' || c > '9' {
					return nil, fmt.Sprintf("path %q: bad list index %q", path, num)
				}
				n = n*10 + int(c-'0')
			}
			segs = append(segs, pathSeg{index: n})
			if after == "" {
				break
			}
			if !strings.HasPrefix(after, "[") {
				return nil, fmt.Sprintf("path %q: unexpected %q after an index", path, after)
			}
			rest = after[1:]
		}
	}
	return segs, ""
}

func joinPath(segs []pathSeg) string {
	var b strings.Builder
	for _, s := range segs {
		if s.index >= 0 {
			fmt.Fprintf(&b, "[%d]", s.index)
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.name)
	}
	return b.String()
}

// numberOf returns a numeric field's value as a float64 in base units.
func numberOf(v reflect.Value) float64 {
	switch v.Kind() {
	case reflect.Int, reflect.Int64:
		return float64(v.Int())
	case reflect.Uint64:
		return float64(v.Uint())
	case reflect.Float64:
		return v.Float()
	}
	return math.NaN()
}

// formatValue prints a scalar field's value as it would be written in a
// scenario file.
func formatValue(k kind, v reflect.Value) string {
	switch x := v.Interface().(type) {
	case units.Duration:
		return durationText(x)
	case units.BitRate:
		return string(must(x.MarshalText()))
	case units.Bytes:
		return bytesText(x)
	case units.Charge:
		return string(must(x.MarshalText()))
	case units.ByteRate:
		return string(must(x.MarshalText()))
	case Rate:
		return x.String()
	case Fraction:
		return x.String()
	case ImageSize:
		return x.String()
	case float64:
		return fmt.Sprint(x)
	case int:
		return fmt.Sprint(x)
	case uint64:
		return fmt.Sprint(x)
	case bool:
		return fmt.Sprint(x)
	case string:
		return x
	}
	return fmt.Sprint(v.Interface())
}

func must(b []byte, _ error) []byte { return b }

// durationText prints a duration in the largest unit that divides it
// exactly (h, min, s), else as units prints it: "5min", "1.5s", "20ms".
func durationText(d units.Duration) string {
	x := float64(d)
	if x == 0 {
		return "0s"
	}
	for _, u := range []struct {
		name string
		secs float64
	}{{"h", 3600}, {"min", 60}} {
		if q := x / u.secs; q == math.Trunc(q) && math.Abs(q) < 1e6 {
			return strconv.FormatFloat(q, 'f', -1, 64) + u.name
		}
	}
	return string(must(d.MarshalText()))
}

// bytesText prints a size in binary units when it is a whole number of
// them (2GiB, 192MiB), else as units prints it (4.8MB).
func bytesText(b units.Bytes) string {
	x := float64(b)
	for _, u := range []struct {
		name string
		size float64
	}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if q := x / u.size; q >= 1 && q == math.Trunc(q) && x != math.Trunc(x/1000)*1000 {
			return strconv.FormatFloat(q, 'f', -1, 64) + u.name
		}
	}
	return string(must(b.MarshalText()))
}
