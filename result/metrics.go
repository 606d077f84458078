package result

import (
	"math"
	"slices"
	"sort"
)

// The one table of the metrics a run reports: their names, units, how they
// are worded in prose (conclusions) and on charts (titles, axes, captions),
// and for the per-world ones how a world's phones or servers combine. The
// runner (package scenarios) fills Summary.Metrics by this table, the
// conclusions (package conclude) word their sentences by it and the sweep
// charts (package plots) label their axes by it; a new metric is one row
// here plus the code that measures it.

// Unit says what a metric's values measure, and so how they are printed.
type Unit uint8

// The units.
const (
	UnitSeconds        Unit = iota // 1.23 s, 456 ms
	UnitJoules                     // 1.2 J, 450 mJ
	UnitFraction                   // 0.58 → 58 %
	UnitPercent                    // a percentage already: 1.3 → 1.3 %
	UnitCount                      // 3.2
	UnitRate                       // per second: 12/s
	UnitPerHour                    // 4.1/h
	UnitJoulesPerHour              // 120 J/h
	UnitBytes                      // 12 MB
	UnitSecondsPerHour             // 41 s/h
)

// Scope says where a metric's values come from.
type Scope uint8

// The scopes.
const (
	// ScopeGroup: a statistic of a group's requests, a field of Summary
	// (latency, energy).
	ScopeGroup Scope = iota
	// ScopeRequest: a per-request metric in Summary.Metrics, over every
	// request of the group (energy.tail).
	ScopeRequest
	// ScopeWorld: one value per world (replication), in Summary.Metrics;
	// every group of a cell carries the same worlds' values.
	ScopeWorld
)

// Agg says how a per-world metric combines the values of a world's phones
// (or servers).
type Agg uint8

// The aggregations.
const (
	AggNone Agg = iota // not per component (a group statistic, the kernel's event count)
	AggSum             // summed over the components
	AggMax             // the largest component's
	AggMin             // the smallest component's
	// AggPooled: measured over every phone's requests of the world
	// together (the llm.* chat metrics), not per component.
	AggPooled
)

// MetricInfo is one row of the metrics table.
type MetricInfo struct {
	// Name is how scenarios, conclusions and summary.json name the metric:
	// "latency.p95", "gc.pauses".
	Name string
	// Chart is the metric's name as a sweep chart's metric (plots.Metric,
	// `infersim plot --metric`) when it differs from Name: "p95" for
	// latency.p95, "energy" for the phone energy. Empty: Name.
	Chart string
	// Unit is what the values measure.
	Unit Unit
	// Phrase words the metric in prose: "p95 latency", "GC pause time".
	Phrase string
	// Label words the metric on charts: "95th percentile end-to-end
	// latency", "GC pause seconds".
	Label string
	// Scope says where the values come from.
	Scope Scope
	// Agg is how a per-world metric combines a world's phones or servers.
	Agg Agg
	// PerHour: a per-world count that conclusions also offer per hour of a
	// timed workload (NAME/h).
	PerHour bool
	// CI: the metric's value has a 95 % confidence interval (a mean, or
	// a latency percentile: the mean of the replications' percentiles).
	CI bool
	// Of reads the metric's value from a group statistic; nil for the
	// metrics read from Summary.Metrics by Name.
	Of func(s *Summary) Stat
	// Pick chooses the number of the Stat (a percentile); nil: the mean.
	Pick func(st Stat) float64
	// PickCI chooses the half-width of the Pick's interval (a
	// percentile's); nil: CI95, the mean's.
	PickCI func(st Stat) float64
	// Field is the value's name in summary.json, for error messages:
	// "latency.p95", "metrics.gc.pauses".
	Field string
}

func latency(s *Summary) Stat     { return s.Latency }
func latencyAll(s *Summary) Stat  { return s.LatencyAll }
func success(s *Summary) Stat     { return s.Success }
func energyTotal(s *Summary) Stat { return s.EnergyTotal }
func handling(s *Summary) Stat    { return s.Phases[Handling] }
func p50(st Stat) float64         { return st.P50 }
func p95(st Stat) float64         { return st.P95 }
func p99(st Stat) float64         { return st.P99 }
func maxOf(st Stat) float64       { return st.Max }
func p50CI(st Stat) float64       { return st.P50CI95 }
func p95CI(st Stat) float64       { return st.P95CI95 }
func p99CI(st Stat) float64       { return st.P99CI95 }

// metrics is the table. Group statistics first (in the order chart help
// lists them), then the per-request and per-world metrics by name: the
// runner reports the per-world ones in this order.
var metrics = []MetricInfo{
	{Name: "latency.mean", Chart: "mean", Unit: UnitSeconds, Phrase: "mean latency", Label: "mean end-to-end latency", CI: true, Of: latency, Field: "latency.mean"},
	{Name: "latency.p50", Chart: "p50", Unit: UnitSeconds, Phrase: "median latency", Label: "median (p50) end-to-end latency", CI: true, Of: latency, Pick: p50, PickCI: p50CI, Field: "latency.p50"},
	{Name: "latency.p95", Chart: "p95", Unit: UnitSeconds, Phrase: "p95 latency", Label: "95th percentile end-to-end latency", CI: true, Of: latency, Pick: p95, PickCI: p95CI, Field: "latency.p95"},
	{Name: "latency.p99", Chart: "p99", Unit: UnitSeconds, Phrase: "p99 latency", Label: "99th percentile end-to-end latency", CI: true, Of: latency, Pick: p99, PickCI: p99CI, Field: "latency.p99"},
	{Name: "latency.max", Unit: UnitSeconds, Phrase: "worst latency", Label: "worst end-to-end latency", Of: latency, Pick: maxOf, Field: "latency.max"},
	{Name: "latency.with_failures", Unit: UnitSeconds, Phrase: "mean latency counting failures", Label: "mean end-to-end latency, a failed request counted until it failed", CI: true, Of: latencyAll, Field: "latency_with_failures.mean"},
	{Name: "latency.with_failures.p95", Unit: UnitSeconds, Phrase: "p95 latency counting failures", Label: "95th percentile latency, failed requests counted until they failed", CI: true, Of: latencyAll, Pick: p95, PickCI: p95CI, Field: "latency_with_failures.p95"},
	{Name: "latency.with_failures.p99", Unit: UnitSeconds, Phrase: "p99 latency counting failures", Label: "99th percentile latency, failed requests counted until they failed", CI: true, Of: latencyAll, Pick: p99, PickCI: p99CI, Field: "latency_with_failures.p99"},
	{Name: "success_rate", Unit: UnitFraction, Phrase: "success rate", Label: "share of requests that succeed", CI: true, Of: success, Field: "success_rate.mean"},
	{Name: "energy", Chart: "energy", Unit: UnitJoules, Phrase: "energy per request", Label: "mean phone energy per request", CI: true, Of: energyTotal, Field: "energy_total.mean"},
	{Name: "server.handling", Unit: UnitSeconds, Phrase: "server request handling time", Label: "server-side request handling per request (accept, decode, set-up, copies, response)", CI: true, Of: handling, Field: "phases.handling.mean"},
	{Name: "energy.tail", Unit: UnitJoules, Phrase: "radio tail energy per request", Label: "radio tail joules", Scope: ScopeRequest, CI: true},

	{Name: "app.kills", Unit: UnitCount, Phrase: "app kills", Label: "app kills", Scope: ScopeWorld, Agg: AggSum, PerHour: true, CI: true},                                                                                                                       // low-memory kills of the app
	{Name: "app.switches", Unit: UnitCount, Phrase: "foreground/background switches", Label: "foreground/background switches", Scope: ScopeWorld, Agg: AggSum, PerHour: true, CI: true},                                                                          // foreground ↔ background transitions
	{Name: "auto.regret", Unit: UnitFraction, Phrase: "auto's regret against the best cut", Label: "auto regret (cost of its cut over the best cut's, minus 1)", Scope: ScopeWorld, Agg: AggMax, CI: true},                                                       // mean relative regret of auto's decisions (0 without auto)
	{Name: "gc.blocking", Unit: UnitCount, Phrase: "blocking GCs", Label: "blocking GCs", Scope: ScopeWorld, Agg: AggSum, PerHour: true, CI: true},                                                                                                               // blocking collections
	{Name: "gc.concurrent", Unit: UnitCount, Phrase: "concurrent GCs", Label: "concurrent GCs", Scope: ScopeWorld, Agg: AggSum, PerHour: true, CI: true},                                                                                                         // concurrent collections
	{Name: "gc.pause_s", Unit: UnitSeconds, Phrase: "GC pause time", Label: "GC pause seconds", Scope: ScopeWorld, Agg: AggSum, CI: true},                                                                                                                        // summed GC pause time
	{Name: "gc.pauses", Unit: UnitCount, Phrase: "GC pauses", Label: "GC pauses", Scope: ScopeWorld, Agg: AggSum, PerHour: true, CI: true},                                                                                                                       // GC pauses, concurrent and blocking
	{Name: "llm.battery_per_100", Unit: UnitPercent, Phrase: "battery per 100 conversations", Label: "battery per 100 conversations (%)", Scope: ScopeWorld, Agg: AggPooled, CI: true},                                                                           // 100 × energy per conversation over the battery's energy, in %
	{Name: "llm.energy_per_conversation", Unit: UnitJoules, Phrase: "energy per conversation", Label: "phone joules per conversation", Scope: ScopeWorld, Agg: AggPooled, CI: true},                                                                              // every turn's energy (failed ones too) per conversation
	{Name: "llm.energy_per_token", Unit: UnitJoules, Phrase: "energy per output token", Label: "phone joules per output token", Scope: ScopeWorld, Agg: AggPooled, CI: true},                                                                                     // every turn's energy over the output tokens received
	{Name: "llm.on_phone", Unit: UnitFraction, Phrase: "share of turns run on the phone", Label: "share of chat turns run on the phone", Scope: ScopeWorld, Agg: AggPooled, CI: true},                                                                            // 1 on-device, 0 cloud, the rule's choice for hybrid
	{Name: "llm.server.cancelled", Unit: UnitCount, Phrase: "chat turns withdrawn from the LLM server", Label: "LLM server cancellations (turns timed out or killed)", Scope: ScopeWorld, Agg: AggPooled, PerHour: true, CI: true},                               // requests withdrawn by Cancel: their queue place or batch slot and KV blocks freed
	{Name: "llm.server.max_running", Unit: UnitCount, Phrase: "most sequences the LLM server ran at once", Label: "LLM server's largest batch (sequences)", Scope: ScopeWorld, Agg: AggPooled, CI: true},                                                         // continuous batching's largest step
	{Name: "llm.server.preemptions", Unit: UnitCount, Phrase: "LLM server preemptions", Label: "LLM server preemptions (KV cache full)", Scope: ScopeWorld, Agg: AggPooled, PerHour: true, CI: true},                                                             // sequences preempted for recompute
	{Name: "llm.server.prefix_hit", Unit: UnitFraction, Phrase: "share of prompt positions the LLM server's prefix cache spared", Label: "LLM server prefix-cache hit share (positions spared ÷ positions needed)", Scope: ScopeWorld, Agg: AggPooled, CI: true}, // cached positions over cached + prefilled (recomputation included)
	{Name: "llm.tokens_per_s", Unit: UnitRate, Phrase: "output tokens per second", Label: "output tokens per second of a turn (tokens over turn time)", Scope: ScopeWorld, Agg: AggPooled, CI: true},                                                             // Σ tokens / Σ latency of the successful turns
	{Name: "llm.tpot", Unit: UnitSeconds, Phrase: "time per output token", Label: "time per output token after the first (TPOT)", Scope: ScopeWorld, Agg: AggPooled, CI: true},                                                                                   // mean of (latency − TTFT)/(tokens − 1)
	{Name: "llm.ttft", Unit: UnitSeconds, Phrase: "time to first token", Label: "mean time to first token (TTFT)", Scope: ScopeWorld, Agg: AggPooled, CI: true},                                                                                                  // mean TTFT of the successful turns
	{Name: "llm.ttft.p95", Unit: UnitSeconds, Phrase: "p95 time to first token", Label: "95th percentile time to first token", Scope: ScopeWorld, Agg: AggPooled, CI: true},                                                                                      // each world's p95 TTFT
	{Name: "memory.heap_peak_b", Unit: UnitBytes, Phrase: "peak Java heap", Label: "peak Java heap bytes", Scope: ScopeWorld, Agg: AggMax, CI: true},                                                                                                             // largest Java heap
	{Name: "memory.min_free_b", Unit: UnitBytes, Phrase: "least free memory", Label: "least free memory bytes", Scope: ScopeWorld, Agg: AggMin, CI: true},                                                                                                        // least free memory
	{Name: "model.load_aborts.killed", Unit: UnitCount, Phrase: "model load attempts ended by a kill", Label: "load attempts killed", Scope: ScopeWorld, Agg: AggSum, PerHour: true, CI: true},                                                                   // load attempts the low-memory killer ended
	{Name: "model.load_aborts.oom", Unit: UnitCount, Phrase: "model load attempts ended by a failed allocation", Label: "load attempts out of memory", Scope: ScopeWorld, Agg: AggSum, PerHour: true, CI: true},                                                  // load attempts an allocation failure ended
	{Name: "model.load_aborts.other", Unit: UnitCount, Phrase: "model load attempts ended otherwise", Label: "load attempts ended otherwise", Scope: ScopeWorld, Agg: AggSum, PerHour: true, CI: true},                                                           // load attempts ended by a stop or a drop
	{Name: "model.load_aborts.timeout", Unit: UnitCount, Phrase: "model load attempts timed out", Label: "load attempts timed out", Scope: ScopeWorld, Agg: AggSum, PerHour: true, CI: true},                                                                     // load attempts the request's timeout ended
	{Name: "model.load_s", Unit: UnitSeconds, Phrase: "time spent loading models", Label: "seconds spent loading models", Scope: ScopeWorld, Agg: AggSum, PerHour: true, CI: true},                                                                               // seconds in load attempts, completed and aborted
	{Name: "model.loads", Unit: UnitCount, Phrase: "completed model loads", Label: "completed model loads", Scope: ScopeWorld, Agg: AggSum, PerHour: true, CI: true},                                                                                             // model loads that completed on the phones
	{Name: "oom", Unit: UnitCount, Phrase: "failed allocations", Label: "failed allocations", Scope: ScopeWorld, Agg: AggSum, PerHour: true, CI: true},                                                                                                           // allocations that failed
	{Name: "server.batches", Unit: UnitCount, Phrase: "server batches", Label: "server batches", Scope: ScopeWorld, Agg: AggSum, PerHour: true, CI: true},                                                                                                        // batches computed
	{Name: "server.max_queue", Unit: UnitCount, Phrase: "longest server queue", Label: "longest server queue", Scope: ScopeWorld, Agg: AggMax, PerHour: true, CI: true},                                                                                          // longest server queue
	{Name: "sim.events", Unit: UnitCount, Phrase: "kernel events", Label: "kernel events", Scope: ScopeWorld, PerHour: true, CI: true},                                                                                                                           // kernel events processed
}

// Metrics returns the metrics table (a copy), in its order: the group
// statistics, then the per-request and per-world metrics by name.
func Metrics() []MetricInfo { return slices.Clone(metrics) }

// WorldMetrics returns the per-world metrics in the order the runner
// reports them (by name).
func WorldMetrics() []MetricInfo {
	var out []MetricInfo
	for _, m := range metrics {
		if m.Scope == ScopeWorld {
			out = append(out, m)
		}
	}
	return out
}

// LookupMetric returns the metric named name.
func LookupMetric(name string) (MetricInfo, bool) {
	for _, m := range metrics {
		if m.Name == name {
			return m, true
		}
	}
	return MetricInfo{}, false
}

// LookupChartMetric returns the metric a sweep chart's metric names: a
// group statistic by its Chart name ("p95"), a per-request or per-world
// metric by its Name.
func LookupChartMetric(name string) (MetricInfo, bool) {
	for _, m := range metrics {
		if m.Chart == name && name != "" || m.Scope != ScopeGroup && m.Name == name {
			return m, true
		}
	}
	return MetricInfo{}, false
}

// FieldName is the value's name in summary.json: Field, or
// "metrics.NAME" for the metrics of Summary.Metrics.
func (m MetricInfo) FieldName() string {
	if m.Field != "" {
		return m.Field
	}
	return "metrics." + m.Name
}

// ChartName is the metric's name as a sweep chart's metric.
func (m MetricInfo) ChartName() string {
	if m.Chart != "" {
		return m.Chart
	}
	return m.Name
}

// Value returns the metric of a summary and the half-width of its 95 % CI
// (NaN when the metric has none: the worst latency, or one replication),
// or NaN and false when the summary does not carry it.
func (m MetricInfo) Value(s *Summary) (v, ci float64, ok bool) {
	var st Stat
	if m.Of != nil {
		st = m.Of(s)
	} else if st, ok = s.Metric(m.Name); !ok {
		return math.NaN(), math.NaN(), false
	}
	v, ci = st.Mean, math.NaN()
	if m.Pick != nil {
		v = m.Pick(st)
	}
	if m.CI {
		ci = st.CI95
		if m.PickCI != nil {
			ci = m.PickCI(st)
		}
	}
	return v, ci, true
}

// MetricNames returns the names of the metrics of a scope, sorted.
func MetricNames(scopes ...Scope) []string {
	var n []string
	for _, m := range metrics {
		if slices.Contains(scopes, m.Scope) {
			n = append(n, m.Name)
		}
	}
	sort.Strings(n)
	return n
}
