package result

import (
	"math"
	"strconv"
	"strings"

	"github.com/infersim/infersim/internal/buildinfo"
)

// Stat summarises one metric over a group of requests. Mean is the mean of
// the replication means (each replication weighs the same, however many
// requests it kept), and CI95 is the half-width of the 95 % Student-t
// confidence interval of that mean across replications (NaN with fewer than
// two replications): the mean printed is the mean the interval is about. SD,
// Min and Max pool every request.
//
// The percentiles of the latencies (Summary.Latency, Summary.LatencyAll)
// are computed as their means are: each replication's own percentile
// (exact, type 7 of Hyndman and Fan, up to 1,000 requests per replication,
// scenarios.ExactQuantiles; a DDSketch estimate within 0.5 % beyond),
// P50/P95/P99 the mean of those
// over the replications and P50CI95/P95CI95/P99CI95 the half-width of its
// 95 % Student-t interval across replications (NaN with fewer than two).
// This is the replication method of simulation output analysis (Law,
// "Simulation Modeling and Analysis", 5th ed., 2015, §9.4): the
// replications are independent, identically distributed estimates of the
// percentile whatever the correlation between one world's requests (a
// queue, a shared radio), which the order-statistic interval of a pooled
// percentile would have to assume away; its cost is the estimator's small
// bias in a replication of few requests, the same in every cell. The
// percentiles of the other statistics (phases, energy) pool every request
// and have no interval (NaN).
type Stat struct {
	N       int     `json:"n"`
	Mean    float64 `json:"mean"`
	SD      float64 `json:"sd"`
	CI95    float64 `json:"ci95"`
	Min     float64 `json:"min"`
	P50     float64 `json:"p50"`
	P95     float64 `json:"p95"`
	P99     float64 `json:"p99"`
	Max     float64 `json:"max"`
	P50CI95 float64 `json:"p50_ci95"`
	P95CI95 float64 `json:"p95_ci95"`
	P99CI95 float64 `json:"p99_ci95"`
}

// NaNStat is a Stat of no value: every number NaN, N zero.
func NaNStat() Stat {
	nan := math.NaN()
	return Stat{Mean: nan, SD: nan, CI95: nan, Min: nan, P50: nan, P95: nan, P99: nan, Max: nan,
		P50CI95: nan, P95CI95: nan, P99CI95: nan}
}

// Param is one swept parameter's value at a point, e.g.
// {network.uplink.bandwidth, "2Mbps", 2e6}. Number is the value in base units
// when it is numeric and NaN otherwise (a mode, a model name).
type Param struct {
	Name   string  `json:"name"`
	Value  string  `json:"value"`
	Number float64 `json:"number"`
}

// IsNumeric reports whether the parameter has a numeric value to plot on an
// axis.
func (p Param) IsNumeric() bool { return !math.IsNaN(p.Number) }

// Start says whether a group holds first-launch requests (the model had to
// load), warm ones, or both.
type Start string

// Group starts.
const (
	Cold Start = "cold"
	Warm Start = "warm"
	All  Start = "all"
)

// Key identifies the group a Summary aggregates.
type Key struct {
	Point int    `json:"point"`
	Model string `json:"model"`
	Mode  string `json:"mode"`
	Image string `json:"image"`
	Start Start  `json:"start"`
}

// Summary aggregates the requests of one group.
type Summary struct {
	Key
	Params   []Param          `json:"params"`
	Requests int              `json:"requests"`
	Outcomes [NumOutcomes]int `json:"outcomes"`
	Latency  Stat             `json:"latency"` // end-to-end seconds, successful requests
	// LatencyAll is the end-to-end latency of every request, a failed one
	// counted at the moment it failed (its timeout, the kill, the failed
	// allocation, the dropped send): what the user waited before giving up.
	LatencyAll Stat `json:"latency_with_failures"`
	// Success is the share of requests that succeeded: its mean over
	// replications and CI95 (its min and max are the replications').
	Success Stat                `json:"success_rate"`
	Phases  [NumPhases]Stat     `json:"phases"` // seconds per request, successful requests
	Energy  [NumComponents]Stat `json:"energy"` // joules per request by component
	// EnergyTotal is the phone's joules per request, all components.
	EnergyTotal Stat `json:"energy_total"`
	// Throughput is successful requests per simulated second, averaged over
	// replications.
	Throughput float64 `json:"throughput"`
	// BatteryPer1000 is the battery percentage 1,000 such requests drain.
	BatteryPer1000 float64 `json:"battery_per_1000"`
	// Metrics holds further per-group metrics, e.g. "gc.pauses" or
	// "app.kills", sorted by name.
	Metrics []Metric `json:"metrics,omitempty"`
	// Reps holds each replication's means, by replication index: the
	// replications of a point share their seeds across its cells, so two
	// cells' Reps pair up for common-random-number differences.
	Reps []RepMeans `json:"replications,omitempty"`
	// SplitLayers is, for a split:K mode, the model's layer count, so that
	// a reader of the results knows split:K with K = SplitLayers runs every
	// layer on the phone (see ModeLabel); 0 for other modes or when unknown.
	SplitLayers int `json:"split_layers,omitempty"`
}

// ModeLabel is the summary's mode as tables, charts and reports show it
// (see the function ModeLabel).
func (s *Summary) ModeLabel() string { return ModeLabel(s.Mode, s.SplitLayers) }

// ModeLabel is a mode as people read it: the mode, and for the two ends
// of split:K what they mean, "split:0 (all in the cloud)" (the photo
// sent) and "split:24 (all on the phone)" when layers, the model's layer
// count, is 24 (every layer on the phone, the result sent). With layers
// 0 (not known) only split:0 is spelt out.
func ModeLabel(mode string, layers int) string {
	k, ok := strings.CutPrefix(mode, "split:")
	if !ok {
		return mode
	}
	n, err := strconv.Atoi(k)
	switch {
	case err != nil:
		return mode
	case n == 0:
		return mode + " (all in the cloud)"
	case layers > 0 && n == layers:
		return mode + " (all on the phone)"
	}
	return mode
}

// RepMeans is one replication's means within a group; a mean over no
// request is NaN.
type RepMeans struct {
	Requests   int     `json:"requests"`
	OK         int     `json:"ok"`
	Latency    float64 `json:"latency"`               // mean over successful requests
	LatencyAll float64 `json:"latency_with_failures"` // mean over every request
	Energy     float64 `json:"energy"`                // phone joules per request
	// LatencyP50, LatencyP95 and LatencyP99 are the replication's
	// percentiles of the successful requests' latency; LatencyAllP95 and
	// LatencyAllP99 those of every request's (see Stat).
	LatencyP50    float64 `json:"latency_p50"`
	LatencyP95    float64 `json:"latency_p95"`
	LatencyP99    float64 `json:"latency_p99"`
	LatencyAllP95 float64 `json:"latency_with_failures_p95"`
	LatencyAllP99 float64 `json:"latency_with_failures_p99"`
	// Throughput is the replication's successful requests per second of
	// the group's span (its first arrival to its last end); NaN without
	// one.
	Throughput float64 `json:"throughput"`
}

// SuccessRate is the replication's share of successful requests.
func (r RepMeans) SuccessRate() float64 {
	if r.Requests == 0 {
		return math.NaN()
	}
	return float64(r.OK) / float64(r.Requests)
}

// Metric is a named extra statistic of a group. Reps holds its value in
// each replication, by replication index (NaN where a replication has
// none): a per-world metric's world values, a per-request metric's
// replication means; the replications pair up across cells as
// Summary.Reps do.
type Metric struct {
	Name string    `json:"name"`
	Stat Stat      `json:"stat"`
	Reps []float64 `json:"replications,omitempty"`
}

// Metric returns the named extra metric of s.
func (s *Summary) Metric(name string) (Stat, bool) {
	for _, m := range s.Metrics {
		if m.Name == name {
			return m.Stat, true
		}
	}
	return Stat{}, false
}

// OK is the number of successful requests.
func (s *Summary) OK() int { return s.Outcomes[OK] }

// PointInfo describes one sweep point of a run.
type PointInfo struct {
	Index  int      `json:"index"`
	Params []Param  `json:"params"`
	Seeds  []uint64 `json:"seeds"` // one per replication
}

// Run is everything summary.json holds: enough to explain where a result came
// from and to redraw every chart without re-running.
type Run struct {
	Scenario     string `json:"scenario"`
	Description  string `json:"description,omitempty"`
	Seed         uint64 `json:"seed"`
	Replications int    `json:"replications"`
	// Warmup is workload.warmup as a count: each phone's first requests
	// of a world left out of the warm statistics (a world keeps at least
	// its last); 0 when the warm-up is a time.
	Warmup int `json:"warmup"`
	// WarmupSeconds is workload.warmup as a time: the requests that
	// arrive within it of the world's start are left out of the warm
	// statistics; 0 when the warm-up is a count.
	WarmupSeconds float64        `json:"warmup_s,omitempty"`
	Infersim      buildinfo.Info `json:"infersim"`
	KernelProfile string         `json:"kernel_profile"` // e.g. "embedded default (AMD EPYC, 2026-11-25)"
	// ScenarioYAML is the scenario as resolved: defaults filled, presets
	// expanded, before sweep expansion.
	ScenarioYAML string `json:"scenario_yaml"`
	// Charts are the scenario's chart hints (outputs.charts).
	Charts      []ChartHint `json:"charts,omitempty"`
	Points      []PointInfo `json:"points"`
	Summaries   []Summary   `json:"summaries"`
	Conclusions []string    `json:"conclusions,omitempty"`
	// ConclusionDetails holds each conclusion's table and notes, in the
	// order of Conclusions (its sentences are the same).
	ConclusionDetails []Conclusion `json:"conclusion_details,omitempty"`
	Complete          bool         `json:"complete"` // false when the run was interrupted
}

// Span is one interval on a timeline lane, e.g. {Lane: "phone[0]/gpu",
// Label: "conv3", 1.20, 1.34}. Traces and timeline charts are made of spans.
// Lane is a Lane as its String method writes it (ParseLane reads it back):
// the trace file names its threads so.
type Span struct {
	Lane  string            `json:"lane"`
	Label string            `json:"label"`
	Start float64           `json:"start"`
	End   float64           `json:"end"`
	Attrs map[string]string `json:"attrs,omitempty"`
}

// ValidationRow compares one reference fact with the simulation.
type ValidationRow struct {
	ID        string  `json:"id"`        // reference fact ID, e.g. "G7-load"
	What      string  `json:"what"`      // what is compared
	Source    string  `json:"source"`    // citation
	Reference float64 `json:"reference"` // the published value (base units)
	Low       float64 `json:"low"`       // published range, 0 if none
	High      float64 `json:"high"`
	Simulated float64 `json:"simulated"`
	CI95      float64 `json:"ci95"`
	Error     float64 `json:"error"` // (simulated − reference) / reference
	Unit      string  `json:"unit"`  // how to print Reference and Simulated
	Fitted    bool    `json:"fitted"`
	Tolerance float64 `json:"tolerance"`
	Pass      bool    `json:"pass"`
	Note      string  `json:"note,omitempty"`
}

// LayerTiming is one layer's measured time on the host, as the calibration
// chart shows it (package models' kernel profile holds the full record).
type LayerTiming struct {
	Model   string  `json:"model"`
	Layer   string  `json:"layer"`
	Kind    string  `json:"kind"`    // Caffe layer type, e.g. "Convolution"
	Median  float64 `json:"median"`  // seconds
	P10     float64 `json:"p10"`     // seconds
	P90     float64 `json:"p90"`     // seconds
	GFLOPs  float64 `json:"gflops"`  // achieved GFLOP/s, 0 for layers without FLOPs
	Seconds float64 `json:"seconds"` // simulated time on a target, 0 when not simulated
}
