// Package scenarios reads infersim's scenario files, validates them,
// expands their sweeps and runs them: every sweep point × replication ×
// cell on a pool of workers, with results streamed to CSV and JSON.
//
// # Overview
//
// A scenario is one YAML document: the phone (a hardware preset and the
// processor profiles of its frameworks), the network (a link preset), the
// cloud server, the models, the workload (modes, photos, arrivals,
// requests) and an optional sweep. Load reads a file, Builtin a scenario
// shipped in builtin/, Parse bytes; each returns a validated *Scenario or
// every problem at once. Run simulates it and writes the results;
// ResultSet makes a results folder of them that is written whole or not
// at all (staged beside it, locked, swapped in with manifest.json).
//
// Bigger runs: Options.Worlds journals every world as it is merged (a
// WorldsFile, bit-exact), and Options.Resume goes on from such a journal.
// RunShard simulates one Shard (a contiguous block of the worlds) into a
// shard folder; OpenShards checks shard folders and Shards.Merge writes
// the outputs Run writes, byte for byte, by running Run's merge over the
// stored worlds instead of simulating them (docs/design/shards.md).
//
// The work is divided into cells: within a point, every model × mode ×
// image group is its own world in every replication — a fresh app launch,
// so each cell reports its first (cold) request and its warm ones, as the
// study does. Summaries are grouped by (point, model, mode, image,
// cold/warm).
//
// # Usage
//
//	s, err := scenarios.Load("bandwidth.yaml")
//	if err != nil {
//		return err // e.g. "scenarios: bandwidth.yaml:7: network.uplink.bandwith: unknown field (did you mean "bandwidth"?)"
//	}
//	res, err := scenarios.Run(ctx, s, scenarios.Options{Out: "results/bw", Workers: 2})
//	if err != nil {
//		return err
//	}
//	scenarios.WriteTable(os.Stdout, res.Run)
//
// The command line is a thin layer over this: `infersim run [FILE|NAME]`,
// `infersim scenarios [show NAME]`, `infersim schema`.
//
// # The schema
//
// Every field is registered once (fields.go) with its YAML name, its Go
// field, its kind, a description, a default and its checks. The decoder,
// Validate, the sweep paths, the JSON Schema (JSONSchema, `infersim
// schema`) and the field reference (FieldReference, README) all read that
// registry, so the format documents itself. The engine that reads it is
// generic (scenarios/internal/schema); the names a field takes (radios,
// transfer models, phone presets, processor profiles, zoo models) come
// from the packages that own them (catalog.go). An annotated example:
//
//	name: guo2018                     # [a-z0-9-]+, names results/NAME/
//	seed: 20180714
//	replications: 10
//	phone:
//	  device: nexus5                  # preset: RAM, cores, storage, battery, power, GC
//	  cpu: nexus5-caffe-cpu           # processor profile of on-device-cpu
//	  gpu: nexus5-cnndroid-gpu        # omitted: no GPU framework
//	  memory: {background_pressure: 30%}   # single-field override of the preset
//	network:
//	  preset: campus-wifi             # fills model, radio, both channels
//	  uplink: {bandwidth: 5Mbps}      # then single fields override
//	models: [alexnet, nin, squeezenet-v1.0]
//	workload:
//	  modes: [on-device-cpu, on-device-gpu, cloud-cpu, cloud-gpu]   # also split:K, auto
//	  images: study                   # 15 photos at each of 3 sizes
//	  arrivals: {type: closed, think: 1s}   # or {type: poisson, rate: 30/min}, {type: times, at: [0s, 5s]}
//	sweep:
//	  combine: grid                   # or zip
//	  params:
//	    - {path: network.uplink.bandwidth, range: {from: 0.25Mbps, to: 100Mbps, steps: 13, scale: log}}
//	    - {path: workload.modes, values: [[on-device-cpu], [cloud-gpu]]}
//
// Quantities carry their unit and go through package units' one parser:
// "20ms", "1.5s", "25Mbps", "4.8MB", "2GiB", "2300mAh", "500MB/s"; a bare
// number where a unit is needed is an error naming the field ("missing
// unit"). Fractions are plain numbers or percentages ("0.3", "30%"); an
// arrival rate carries its time unit ("0.5/s", "30/min", "2/h").
//
// Presets first, then fields: phone.device and network.preset fill every
// field of theirs that the file does not write. Sweeps address any field by
// its dot path with list indices ("models[0]", "workload.images[1].size");
// each value is decoded and validated exactly as if it were written in the
// file, and an error names the sweep entry and the field it set. Ranges
// are linear or logarithmic, rounded to 4 significant digits, printed in the
// field's unit. A grid's first parameter varies slowest.
//
// # Conclusions, quick runs and charts
//
// Three optional sections say what a run shows rather than what it
// simulates; none may be swept.
//
// conclusions: lists conclusions computed from the run's summaries after
// it ends: each one short sentence (conclude.MaxSentence) that summarises
// its groups, with a table of one row per group, printed after the table
// (WriteConclusions), stored in summary.json (result.Conclusion) and shown
// on top of index.html (ConcludeDetails; package conclude computes them and
// documents the kinds, groups and starts; conclusions.go checks them
// against the scenario). A scenario without the section gets the default
// conclusions (conclude.Input.Defaults); a section replaces them unless
// it lists an entry of kind defaults, which stands for them in its place;
// conclusions: [] asks for none. Each entry has a kind — crossover
// (where metric(a) − metric(b) changes sign along param, found by
// result.Crossings, as the sweep chart's crossover marker is), trend (how
// metric moves along param), compare (metric(a) / metric(b)), threshold
// (the first param value where metric reaches level) or best (the mode
// with the best metric along param) — a metric (latency.mean, p50/p95/p99,
// phase.NAME, energy, energy.COMPONENT, energy.tail, battery.per_1000,
// throughput, ok, per-world metrics such as app.kills or gc.pauses, and
// per-hour rates: NAME/h), the swept param it moves along, and selectors:
// where keeps cells, a and b are the two sides of crossover and compare
// (models, modes or a family — on-device, cloud, split, remote, auto, any
// — images, start: warm, cold or all, params: path=value). better: higher
// makes a higher metric win.
//
// quick: is the reduced version `infersim run --quick` runs and CI tests
// (ApplyQuick): replications, requests (replacing workload.requests and
// dropping workload.duration) or duration (the reverse), and sweep entries
// that give a swept path fewer values or its range fewer steps. The quick
// version is decoded and validated as if its values were written in their
// places, and an error names the quick field's line.
//
// outputs.charts: lists the charts that tell the scenario's story, drawn
// instead of the automatic sweep chart (Run carries them in summary.json as
// result.ChartHint, where package plots reads them): kind sweep (a metric — mean, p50, p95, p99, energy or a
// per-world metric, ChartMetrics — against param, one line per mode),
// energy or breakdown (bars of every point matching params), each narrowed
// by start, models, modes and params, with log for a log metric axis.
//
//	conclusions:
//	  - kind: crossover             # "on-device beats cloud below 6.7 Mbps uplink"
//	    metric: latency.mean
//	    param: network.uplink.bandwidth
//	    where: {params: [workload.upload=original], start: warm}
//	    a: {modes: [on-device]}
//	    b: {modes: [cloud]}
//	  - kind: trend
//	    param: network.uplink.bandwidth
//	    where: {models: [alexnet], modes: [cloud]}
//	outputs:
//	  charts:
//	    - {kind: sweep, param: network.uplink.bandwidth, metric: mean, start: warm}
//	quick:
//	  replications: 2
//	  requests: 4
//	  sweep:
//	    - {path: network.uplink.bandwidth, steps: 5}
//
// # Sustained load (thermal.go)
//
// The thermal: section (enabled, ambient, enclosure, preset) gives every
// phone devices' thermal model. It is off by default, and then nothing in
// a run changes. Enabled, a run also writes thermal.csv (per phone per
// second) and thermal-summary.csv (per world), appends "sustained load:"
// lines to the conclusions (first throttle, minute 1 against the last
// minute, ranking flips), and trace.json gets counter tracks. A
// thermal.held_out check (a fact, a group: device, mode, ambient, and a
// band written before the run) adds a verdict line: the group's minute-1 /
// last-minute latency, mean over replications, against the band widened
// by se standard errors across them.
//
// # Chat with a language model (llm.go, llmworld.go, llmconclude.go)
//
// The llm: section turns the scenario's cells into llm.model × llm.modes
// (on-device, cloud, hybrid) and each phone's requests into conversations
// (workload.requests of them, llm.turns turns each, the context growing by
// every prompt and answer). A world then has one devices/llmserve server
// shared by its phones; each phone chats through devices.Phone.Chat. The
// records carry TTFT and Tokens (requests.csv's ttft_s and tokens
// columns), the summaries the llm.* metrics of result's table, and a run
// with hybrid ends with the rule's regret against the best fixed choice.
// Without the section nothing in a run changes.
//
// # Validation
//
// Load decodes into a yaml.Node tree and walks it against the registry, so
// every problem comes out in one pass as "scenarios: file:line: field.path:
// message": an unknown field with a "did you mean" suggestion (edit
// distance), a wrong type, a bad or missing unit, every registered range,
// and the rules between fields (a split point that is not a cut of a model,
// naming the valid ones; a GPU mode without a GPU profile; unknown
// profiles, presets, models and traces with suggestions; arrivals fields
// that do not apply; an empty sweep; zip lengths). Validate then fills the
// defaults. Hostile input is refused early: files over MaxFileSize, flow
// nesting deeper than MaxDepth (scanned before parsing), documents that
// expand past MaxNodes through aliases ("billion laughs"). Nothing is
// written when validation fails.
//
// # Running
//
// Run expands points × replications × cells into tasks, in that order,
// and simulates each on its own sim.Env on a pool of Options.Workers
// goroutines. A task's world holds the servers (server-cpu, server-gpu),
// phone.count phones (phone[i]) each with its access link (link[i]), and
// one arrival driver per phone: closed loop (the next request think after
// the previous one ends), Poisson (exponential gaps from the stream
// "phone[i]/arrivals") or a list of times. A warm start preloads the model
// on every phone first; the workload's times count from then. Records come
// from devices.Phone.OnRecord; the world ends when every request issued
// has closed (sim.Env.Run; events counted by sim.Env.Processed), and a
// cancellation is seen at the next arrival.
//
// Summaries (result.Summary) pool every request of a group for the
// percentiles (exact up to ExactQuantiles requests, then result.Tally's
// streaming sketch) and take the 95 % confidence interval of the mean from
// the replication means (result.ConfidenceInterval's half-width). Latency and phases count
// successful requests; energy counts every request. Throughput is
// successful requests per simulated second of a group's span, averaged
// over replications; battery drain per 1000 requests is the mean energy
// over the battery's nominal energy. Each group's Metrics hold
// energy.tail, the joules per request spent after its end (the radio tail
// it caused, result.Record.TailEnergy), and per-world counts, one value
// per replication: app kills and switches, GC pauses and their time, model
// loads, OOMs, peak heap, least free memory, server batches and longest
// queue, kernel events. A request its framework cannot run (outcome
// unsupported) loads nothing and is grouped under the start the workload
// asked for.
//
// A closed loop times its next arrival from a request's end, told by
// devices.Phone.OnEnd, not from its record, which over LTE comes a 10 s
// radio tail later.
//
// # Invariants
//
//   - A scenario that Load accepts runs: every point's configuration was
//     built and checked (up to MaxValidatedPoints points one by one).
//   - Each output file is written through a temporary file in the output
//     directory and renamed into place: a reader never sees half a file,
//     and a failed run leaves none. An interrupted run (ctx cancelled)
//     keeps the points finished before it: requests.csv is cut back to
//     them, summary.json says complete: false.
//   - Memory does not grow with the number of requests, the duration or
//     the points: a world keeps none of its records; each goes, as it
//     finishes, into the world's running statistics (exact quantiles up to
//     ExactQuantiles values, then result.Tally's sketch), merged into the
//     one point being merged, and with requests.csv into the world's rows
//     (up to 1 MiB in memory, then straight into the file or a spool);
//     each point's summaries go to summary.csv and to
//     summary.json's spool as it completes; at most twice the workers'
//     worlds are in flight. Result.Run keeps every summary only when charts
//     or conclusions need them (Result.SummariesPartial).
//   - Errors are *Error or ErrorList, prefixed "scenarios: "; no input makes
//     the package panic (FuzzLoad).
//
// # Determinism
//
// Same scenario and seed, same outputs, byte for byte, whatever the number
// of workers: replication r of every point draws from
// sim.NewStreams(sim.DeriveSeed(seed, 0, r)) (sweep.seeds: independent:
// sim.DeriveSeed(seed, p, r) at point p); the worlds run in parallel
// but their results are merged in task order (point, replication, cell)
// through a reorder buffer; summary.json holds no wall-clock time.
//
// Common random numbers: the cells of one (point, replication) use the same
// seed, and every component draws from its own named stream
// ("phone[0]/gc", "link[0]/up/jitter", "server-gpu/noise",
// "phone[0]/arrivals"), so two modes compared in the same replication meet
// the same arrival times, jitter draws and memory fluctuations. Their
// difference then has less noise than independent runs would give (the
// variance of a difference shrinks by twice the covariance), and a
// comparison across modes needs fewer replications.
//
// The same holds along a sweep (sweep.seeds: common, the default):
// replication r of every point has the same seed, so the points differ
// only where the swept parameters make them differ, and a difference
// between points is paired by replication. A parameter that cannot reach
// a request (downlink bandwidth for on-device requests) leaves its records
// unchanged. Streams are named per component, never shared, so a swept
// parameter of one component does not shift another's draws. Within one
// stream the draws go in the order the component uses them, and this
// cannot be kept aligned when the swept parameter changes that order or
// count: a link draws one jitter per transfer in the order transfers
// start (overlapping requests on a faster link may start in another
// order), a phone's processor one time per layer (split points change the
// count), the GC one duration per collection (heap and memory sweeps
// change how many), the server one time per layer per batch (batching
// changes the grouping). The records then drift apart after the first
// request whose draws moved; the pairing still helps, less.
package scenarios
