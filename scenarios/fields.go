package scenarios

import (
	"reflect"
	"strings"

	"github.com/infersim/infersim/devices"
	"github.com/infersim/infersim/devices/engine"
	"github.com/infersim/infersim/scenarios/internal/schema"
)

// The scenario's fields: every field of a scenario file with its YAML
// name, Go field, kind, description, default and checks, for the schema
// engine (scenarios/internal/schema). The names a field takes come from
// the packages that own them (catalog.go): a radio or transfer model
// registered in network, a phone preset or processor profile shipped in
// devices, a model of the zoo is valid here, suggested, and listed in the
// JSON Schema without a change to this file.

// jitterField is the jitter mapping of a channel.
func jitterField() *field {
	j := obj("jitter", "Jitter", "Extra one-way delay drawn per transfer from the channel's own random stream (network.Jitter). `jitter: none` (or `{dist: none}` alone) switches the preset's jitter off: its mean and sd are not taken.",
		fld("dist", "Dist", kEnum, "Distribution: none, normal (N(mean, sd²) clamped at 0), exponential (mean), lognormal (with that mean and sd).",
			enum("none", "normal", "exponential", "lognormal"), fromPreset("network.preset")),
		fld("mean", "Mean", kDuration, "Mean delay (not taken from the preset when dist none is written).", checks(nonNegative), fromPreset("network.preset")),
		fld("sd", "SD", kDuration, "Standard deviation (normal, lognormal; exponential: 0 or equal to mean; not taken from the preset when dist none is written).", checks(nonNegative), fromPreset("network.preset")),
	)
	shorthand(map[string]string{"none": "{dist: none}"})(j)
	return j
}

func channelField(name, goName, dir string) *field {
	return obj(name, goName, "The "+dir+" channel; every field defaults to the preset's.",
		fld("bandwidth", "Bandwidth", kBitRate, "Capacity when no trace is given.", checks(positive), fromPreset("network.preset"), example("25Mbps")),
		fld("latency", "Latency", kDuration, "One-way propagation delay.", checks(nonNegative), fromPreset("network.preset"), example("20ms")),
		jitterField(),
		fld("loss", "Loss", kFraction, "Packet loss rate; only the tcp model uses it (Mathis bound).", checks(atLeast(0), below(1)), fromPreset("network.preset")),
		fld("trace", "Trace", kName, "Bandwidth trace replacing the constant bandwidth: a builtin trace name (with or without its extension) or a file path, relative to the scenario file.",
			names("builtin trace", builtinTraceNames), schema.OpenNames(), example("lte-drive")),
		fld("trace_format", "TraceFormat", kEnum, "Format of a trace file: plain (`seconds Mbps` per line) or mahimahi (packet-delivery ms). Default: mahimahi for .mahi, .up and .down files, plain otherwise.",
			enum("plain", "mahimahi")),
	)
}

func buildRegistry() *field {
	return obj("", "", "A scenario: one YAML document.",
		fld("name", "Name", kText, "Names the scenario and its output directory results/NAME/.", checks(namePattern), noSweep(), example("guo2018")),
		fld("description", "Description", kText, "What the scenario shows; copied into summary.json.", noSweep()),
		fld("stress", "Stress", kText, "Set when inputs are scaled past any measured anchor: what is scaled and how far. The first conclusion then starts with \"stress test: \" and this note, so its lines read as a stress test, not a prediction.", noSweep(), example("GC pauses 1–16× the single measured anchor")),
		fld("seed", "Seed", kUint, "Seed of every random stream; replication r uses sim.DeriveSeed(seed, 0, r) at every point (sweep.seeds: common), or sim.DeriveSeed(seed, p, r) at point p (independent).", def("1"), noSweep()),
		fld("replications", "Replications", kInt, "Independent runs of every cell; confidence intervals are across them.", def("1"), checks(atLeast(1), atMost(100000)), noSweep()),
		phoneField(),
		thermalField(),
		networkField(),
		cloudField(),
		list("models", "Models", fld("", "", kName, "A zoo model name.", names("zoo model", zooNames)),
			"Models to run; each is its own cell. Zoo names: alexnet, nin, squeezenet-v1.0, squeezenet-v1.1, mobilenet-v1.", scalarList(), example("[alexnet, nin, squeezenet-v1.0]")),
		workloadField(),
		llmField(),
		sweepField(),
		outputsField(),
		conclusionsField(),
		quickField(),
	)
}

// phoneField is the phone: preset, processors, memory, GC, life cycle.
func phoneField() *field {
	return obj("phone", "Phone", "The phone: a hardware preset, the processor profiles its frameworks run on, and single-field overrides of the preset.",
		fld("device", "Device", kName, "Hardware preset (RAM, cores, storage, battery, power table, GC and memory settings).", def("nexus5"), names("phone preset", phoneNames)),
		fld("cpu", "CPU", kName, "Processor profile of the phone's CPU framework (on-device-cpu, preprocessing, the phone part of split and auto).", def("nexus5-caffe-cpu"), names("phone-cpu profile", profilesFor(engine.PhoneCPU)), schema.OrNone()),
		fld("gpu", "GPU", kName, "Processor profile of the phone's GPU framework (on-device-gpu); omitted: the phone has no GPU framework and on-device-gpu is an error.", names("phone-gpu profile", profilesFor(engine.PhoneGPU)), schema.OrNone()),
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
		fld("power", "Power", kEnum, "Where in the preset's published CPU power range to run: nominal, or its low or high end (Nexus 5, four cores: 3.50, 4.86, 5.87 W; a preset without a range keeps its values); sweep it to see how far the energy conclusions move.", enum(devices.PowerLevels()...), def("nominal")),
	)
}

// networkField is the access link: preset, transfer model, radio and the
// two channels. The models and radios are network's registries.
func networkField() *field {
	return obj("network", "Network", "The phone's access link: a preset, then single-field overrides.",
		fld("preset", "Preset", kName, "Link preset (see `infersim presets`), or none to give every field.", def("campus-wifi"), names("network preset", networkPresetNames)),
		fld("model", "Model", kEnum, "Transfer model: "+transferModelsText()+".", enumFunc(transferModelNames), fromPreset("network.preset")),
		fld("radio", "Radio", kEnum, "Radio power state machine (promotion, tails): "+radiosText()+".", enumFunc(radioNames), fromPreset("network.preset")),
		channelField("uplink", "Uplink", "phone-to-server"),
		channelField("downlink", "Downlink", "server-to-phone"),
	)
}

// cloudField is the shared inference server.
func cloudField() *field {
	return obj("cloud", "Cloud", "The inference server all phones share.",
		fld("cpu", "CPU", kName, "Processor profile of the CPU server (cloud-cpu mode).", def("cloud-cpu"), names("server-cpu profile", profilesFor(engine.ServerCPU)), schema.OrNone()),
		fld("gpu", "GPU", kName, "Processor profile of the GPU server (cloud-gpu mode; split and auto use it when present).", def("cloud-gpu-k80"), names("server-gpu profile", profilesFor(engine.ServerGPU)), schema.OrNone()),
		fld("workers", "Workers", kInt, "Requests the server computes at once (per processor).", def("1"), checks(atLeast(1), atMost(100000))),
		fld("queue_limit", "QueueLimit", kInt, "Requests that may wait; a request finding the queue full is dropped. 0 = unbounded.", def("0"), checks(atLeast(0))),
		obj("batching", "Batching", "Dynamic batching: a worker takes up to max_batch waiting requests, waiting at most max_wait for the batch to fill.",
			fld("max_batch", "MaxBatch", kInt, "Largest batch.", def("1"), checks(atLeast(1), atMost(4096))),
			fld("max_wait", "MaxWait", kDuration, "Longest wait for a batch to fill.", def("0s"), checks(nonNegative)),
		),
		fld("cold", "Cold", kBool, "Each worker loads a model at its first batch instead of holding every model resident.", def("false")),
		fld("read_rate", "ReadRate", kByteRate, "The server's storage read rate, for cold loads (assumption: a SATA SSD).", def("500MB/s"), checks(positive)),
	)
}

// workloadField is what the user does: modes, images, arrivals, requests.
func workloadField() *field {
	return obj("workload", "Workload", "What the user does.",
		list("modes", "Modes", fld("", "", kWord, "An inference mode.", schema.Word("mode", modePattern, checkMode)),
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
		fld("warmup", "Warmup", kWord, "Warm-up, a number of requests or a time: a number N leaves each phone's first N requests of a world out of the warm statistics; a time (2s) leaves out the requests that arrive within it of the world's start. Cold requests are never left out, and every request stays in requests.csv; summary.json reports the warm-up (warmup, warmup_s). The default 1 keeps the first request's radio wake-up out of warm; a world with no more requests than N keeps all but its last, and so does a world of a number of requests whose requests all arrive within the time.", schema.Word("number of requests or duration", warmupPattern, checkWarmup), schema.OrInteger(), def("1"), example("2s")),
		fld("objective", "Objective", kEnum, "What auto minimises: expected latency or expected phone energy.", enum("latency", "energy"), def("latency")),
	)
}

// sweepField is the sweep: parameters with values or ranges.
func sweepField() *field {
	return optionalObj("sweep", "Sweep", "Parameters that vary between points; omitted: one point.",
		fld("combine", "Combine", kEnum, "grid: every combination; zip: the i-th values together (equal lengths).", enum("grid", "zip"), def("grid")),
		list("params", "Params", obj("", "", "One swept parameter: a path and values or a range.",
			fld("path", "Path", kText, "Dot path of the field to vary, list indices allowed: network.uplink.bandwidth, workload.modes, models[0], workload.images[1].size.", example("network.uplink.bandwidth")),
			list("values", "Values", fld("", "", kAny, "A value, written as in the file."), "The values, each validated like the same value written in the file."),
			optionalObj("range", "Range", "Evenly spaced values (numeric fields only).",
				fld("from", "From", kText, "First value, with the field's unit.", example("0.25Mbps")),
				fld("to", "To", kText, "Last value, in the same unit as from (5MB/s to 50Mbps is an error, not a 40–50 Mbps sweep).", example("100Mbps")),
				fld("steps", "Steps", kInt, "Number of values, ends included.", checks(atLeast(1), atMost(100000))),
				fld("scale", "Scale", kEnum, "linear or log (geometric) spacing.", enum("linear", "log"), def("linear")),
			),
		), "The swept parameters."),
		fld("seeds", "Seeds", kEnum, "common: replication r of every point uses the same seed, so arrivals, jitter, GC and noise draws line up across points and only the swept parameters differ (common random numbers; differences along the sweep are paired by replication); independent: each point draws fresh numbers.", enum("common", "independent"), def("common")),
		noSweepAll(),
	)
}

// outputsField is the files a run writes besides the summaries.
func outputsField() *field {
	return obj("outputs", "Outputs", "Files to write besides summary.csv and summary.json.",
		fld("requests", "Requests", kBool, "requests.csv (requests.parquet with format parquet): one row per request.", def("true")),
		fld("format", "Format", kEnum, "Format of the requests file: csv (requests.csv, text) or parquet (requests.parquet: the same columns typed, integers INT64, times, energies and bytes DOUBLE with null for a phase that did not occur, zstd-compressed, written in row groups as requests finish; pandas, polars and DuckDB read it as is).", enum(outputFormats()...), def("csv")),
		fld("plots", "Plots", kBool, "Charts under plots/ and index.html.", def("true")),
		fld("trace", "Trace", kBool, "trace.json: the first replication's spans in Chrome/Perfetto format.", def("false")),
		chartsField(),
		noSweepAll(),
	)
}

// profilesFor returns the function that lists the shipped processor
// profiles of a target, read when needed: the names a processor field's
// reference row and JSON Schema enum give (a profile of another target is
// refused by checkPresetNames with the reason).
func profilesFor(t engine.Target) func() []string {
	return func() []string { return processorsFor(t) }
}

// presetDefaults returns, for the field reference, the value each preset
// gives the field at path, as a file would write it (a fitted value to 4
// significant digits): "nexus5 2GiB, pixel4 6GiB", or "every preset: 0"
// when they agree. A preset that leaves the
// field unset (network.preset none for a bandwidth) is left out. The
// values are read by applying each preset to an empty scenario, the code
// Validate runs, so the table cannot drift from the presets.
func presetDefaults(path string) string {
	f, msg := lookupPath(path)
	if msg != "" {
		return ""
	}
	var names []string
	switch f.Preset() {
	case "phone.device":
		names = phoneNames()
	case "network.preset":
		names = networkPresetNames()
	default:
		return ""
	}
	var parts, vals []string
	for _, name := range names {
		s := &Scenario{}
		s.init()
		if f.Preset() == "phone.device" {
			s.Phone.Device = name
			s.Network.Preset = "none"
		} else {
			s.Phone.Device = "none"
			s.Network.Preset = name
		}
		s.applyPresets()
		if !s.filled[path] {
			continue
		}
		v, ok := schema.ValueAt(registry, reflect.ValueOf(s).Elem(), path)
		if !ok {
			return ""
		}
		text := schema.FormatValue(v)
		if k := f.Kind(); k.IsUnit() && schema.NumberLen(text) > 6 {
			// A fitted value (latency 2.9575769106356806ms): 4
			// significant digits, as a sweep range writes them.
			text, _ = schema.RangeText(k, schema.NumberOf(v), "")
		}
		parts = append(parts, name+" "+text)
		vals = append(vals, text)
	}
	if len(vals) == 0 {
		return ""
	}
	same := true
	for _, v := range vals {
		same = same && v == vals[0]
	}
	if same && len(vals) > 1 {
		return "every preset: " + vals[0]
	}
	return strings.Join(parts, ", ")
}
