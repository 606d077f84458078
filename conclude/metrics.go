package conclude

import (
	"fmt"
	"math"
	"sort"

	"github.com/infersim/infersim/result"
)

// The metrics a conclusion can compute from a run's summaries, by name.
// A metric is read from one group (a cell's cold or warm requests) or from
// the whole cell (every request of a model × mode × image at a point, cold
// and warm together): outcome fractions, per-hour rates and the per-world
// metrics are cell metrics.

// metricDef is one metric a conclusion may name.
type metricDef struct {
	name   string
	phrase string // "mean latency", for sentences
	unit   result.Unit
	// cell: computed from the whole cell (cold and warm groups together).
	cell bool
	// get returns the value, NaN when undefined. g is the group the start
	// chose (nil for cell metrics that do not need one).
	get func(ev *evalCtx, c *cellView, g *result.Summary) float64
	// rep reads one replication's value from a group's Reps (paired
	// comparisons); nil when the summaries carry none.
	rep func(r result.RepMeans) float64
	// ci returns the half-width of the value's 95 % CI in a group (NaN:
	// none); nil when the metric has none.
	ci func(g *result.Summary) float64
	// cellReps returns a cell metric's value in each replication, by
	// replication index (NaN where one has none), nil when the
	// summaries carry no replication values; nil for a metric without
	// them (see repcell.go).
	cellReps func(ev *evalCtx, c *cellView) []float64
}

// repReaders are the metrics whose per-replication values the summaries
// carry.
var repReaders = map[string]func(r result.RepMeans) float64{
	"latency.mean":          func(r result.RepMeans) float64 { return r.Latency },
	"latency.with_failures": func(r result.RepMeans) float64 { return r.LatencyAll },
	"energy":                func(r result.RepMeans) float64 { return r.Energy },
	"success_rate":          result.RepMeans.SuccessRate,
	// The percentiles: each replication's own (result.Stat).
	"latency.p50":               func(r result.RepMeans) float64 { return r.LatencyP50 },
	"latency.p95":               func(r result.RepMeans) float64 { return r.LatencyP95 },
	"latency.p99":               func(r result.RepMeans) float64 { return r.LatencyP99 },
	"latency.with_failures.p95": func(r result.RepMeans) float64 { return r.LatencyAllP95 },
	"latency.with_failures.p99": func(r result.RepMeans) float64 { return r.LatencyAllP99 },
}

// evalCtx is what metrics need to know about the run besides the
// summaries.
type evalCtx struct {
	reps     int
	phones   float64 // phones per world, unless phone.count is swept
	duration float64 // workload.duration in seconds, 0 when requests-based
	fraction func(path string) bool
	// commonSeeds: every point's replication r has the same seed
	// (Context.CommonSeeds).
	commonSeeds bool
}

// phonesAt returns the number of phones in a cell's worlds.
func (ev *evalCtx) phonesAt(c *cellView) float64 {
	if p, ok := c.param("phone.count"); ok && p.IsNumeric() {
		return p.Number
	}
	return ev.phones
}

// hoursPerWorld returns the workload's length in hours for a cell: its
// workload.duration (swept or not), or, for a workload of a number of
// requests (a quick run made with --requests), the time they take
// estimated from the warmest group's throughput.
func (ev *evalCtx) hoursPerWorld(c *cellView) float64 {
	if p, ok := c.param("workload.duration"); ok && p.IsNumeric() {
		return p.Number / 3600
	}
	if ev.duration > 0 {
		return ev.duration / 3600
	}
	g := c.pick("warm")
	if g == nil || g.OK() == 0 || !(g.Throughput > 0) {
		return math.NaN()
	}
	// Throughput counts the world's successful requests per second (all
	// its phones); every request of the world arrives at that rate over
	// the OK share.
	perWorld := float64(c.requests()) / float64(ev.reps)
	okShare := float64(g.OK()) / float64(g.Requests)
	return perWorld / (3600 * g.Throughput / okShare)
}

// durationHours is the cell's workload.duration in hours, 0 without one.
func (ev *evalCtx) durationHours(c *cellView) float64 {
	if p, ok := c.param("workload.duration"); ok && p.IsNumeric() {
		return p.Number / 3600
	}
	return ev.duration / 3600
}

// requestsPerHour returns a cell's requests per phone per hour: exact for
// a workload with a duration, else estimated from the warmest group's
// throughput (successful requests per second of its span), scaled to every
// request.
func (ev *evalCtx) requestsPerHour(c *cellView) float64 {
	if h := ev.durationHours(c); h > 0 {
		return float64(c.requests()) / (float64(ev.reps) * ev.phonesAt(c) * h)
	}
	g := c.pick("warm")
	if g == nil || g.OK() == 0 || !(g.Throughput > 0) {
		return math.NaN()
	}
	return 3600 * g.Throughput * float64(g.Requests) / float64(g.OK()) / ev.phonesAt(c)
}

// energyPerRequest is a cell's mean phone energy per request over every
// request, cold and warm.
func (c *cellView) energyPerRequest(comp int) float64 {
	sum, n := 0.0, 0
	for _, g := range c.groups {
		e := g.EnergyTotal.Mean
		if comp >= 0 {
			e = g.Energy[comp].Mean
		}
		if g.Requests == 0 || math.IsNaN(e) {
			continue
		}
		sum += e * float64(g.Requests)
		n += g.Requests
	}
	if n == 0 {
		return math.NaN()
	}
	return sum / float64(n)
}

// metricDefs are the metrics a conclusion may name, by name: built once
// from result's metrics table and the cell metrics below; read-only.
var metricDefs = buildMetrics()

func buildMetrics() map[string]*metricDef {
	m := map[string]*metricDef{}
	add := func(d *metricDef) { m[d.name] = d }
	for _, mi := range result.Metrics() {
		tableMetrics(add, mi)
	}
	groupMetrics(add)
	for _, d := range cellMetrics {
		add(d)
	}
	for name, f := range cellReps {
		m[name].cellReps = f
	}
	return m
}

// ofGroup is a metric of the group a start chose: NaN without a group
// or without successful requests.
func ofGroup(f func(g *result.Summary) float64) func(*evalCtx, *cellView, *result.Summary) float64 {
	return func(_ *evalCtx, _ *cellView, g *result.Summary) float64 {
		if g == nil || g.OK() == 0 {
			return math.NaN()
		}
		return f(g)
	}
}

// tableMetrics adds a metric of result's table: a group statistic or a
// per-request metric of the start's group, or a per-world metric of the
// cell (its mean over replications) with, for a count, its rate per hour
// of a timed workload (NAME/h).
func tableMetrics(add func(*metricDef), mi result.MetricInfo) {
	ci := func(g *result.Summary) float64 {
		_, h, _ := mi.Value(g)
		return h
	}
	if mi.Scope != result.ScopeWorld {
		get := ofGroup(func(g *result.Summary) float64 {
			v, _, _ := mi.Value(g)
			return v
		})
		if mi.Of != nil && (mi.Name == "success_rate" || mi.Field == "latency_with_failures.mean" || mi.Name == "latency.with_failures.p95" || mi.Name == "latency.with_failures.p99") {
			// Defined whenever the group has requests, failed or not.
			get = func(_ *evalCtx, _ *cellView, g *result.Summary) float64 {
				if g == nil || g.Requests == 0 {
					return math.NaN()
				}
				v, _, _ := mi.Value(g)
				return v
			}
		}
		add(&metricDef{name: mi.Name, phrase: mi.Phrase, unit: mi.Unit, get: get, rep: repReaders[mi.Name], ci: ci})
		return
	}
	name := mi.Name
	add(&metricDef{name: name, phrase: mi.Phrase, unit: mi.Unit, cell: true, get: func(_ *evalCtx, c *cellView, _ *result.Summary) float64 {
		return c.world(name)
	}, ci: ci, cellReps: worldReps(name, false)})
	if mi.PerHour {
		unit := result.UnitPerHour
		if mi.Unit == result.UnitSeconds {
			unit = result.UnitSecondsPerHour // model.load_s/h: seconds spent per hour
		}
		add(&metricDef{name: name + "/h", phrase: mi.Phrase + " per hour", unit: unit, cell: true, get: func(ev *evalCtx, c *cellView, _ *result.Summary) float64 {
			return c.world(name) / ev.hoursPerWorld(c)
		}, cellReps: worldReps(name, true)})
	}
}

// groupMetrics adds the metrics of the start's group that result's table
// does not name: each phase, each energy component, the battery per 1,000
// requests and the throughput.
func groupMetrics(add func(*metricDef)) {
	for _, p := range result.Phases() {
		phrase := p.String() + " time per request"
		switch p {
		case result.Queue:
			phrase = "queueing delay"
		case result.GC:
			phrase = "GC pause time per request"
		}
		add(&metricDef{name: "phase." + p.String(), phrase: phrase, unit: result.UnitSeconds, get: ofGroup(func(g *result.Summary) float64 {
			if st := g.Phases[p]; st.N > 0 {
				return st.Mean
			}
			return 0
		})})
	}
	for _, comp := range result.Components() {
		add(&metricDef{name: "energy." + comp.String(), phrase: comp.String() + " energy per request", unit: result.UnitJoules,
			get: ofGroup(func(g *result.Summary) float64 { return g.Energy[comp].Mean })})
	}
	add(&metricDef{name: "battery.per_1000", phrase: "battery per 1,000 requests", unit: result.UnitPercent,
		get: ofGroup(func(g *result.Summary) float64 { return g.BatteryPer1000 })})
	add(&metricDef{name: "throughput", phrase: "throughput", unit: result.UnitRate,
		get: ofGroup(func(g *result.Summary) float64 { return g.Throughput })})
	add(&metricDef{name: "ok", phrase: "share of requests that succeed", unit: result.UnitFraction, cell: true, get: func(_ *evalCtx, c *cellView, _ *result.Summary) float64 {
		return c.outcomeShare(result.OK)
	}})
	for o := result.Outcome(1); int(o) < result.NumOutcomes; o++ {
		add(&metricDef{name: "outcome." + o.String(), phrase: "share of requests ending " + o.String(), unit: result.UnitFraction, cell: true, get: func(_ *evalCtx, c *cellView, _ *result.Summary) float64 {
			return c.outcomeShare(o)
		}})
	}
}

// cellMetrics are computed from a whole cell: rates per hour, model
// reloads and what they cost, the app's kill rate.
var cellMetrics = []*metricDef{
	{name: "requests.per_hour", phrase: "requests per hour", unit: result.UnitPerHour, cell: true, get: func(ev *evalCtx, c *cellView, _ *result.Summary) float64 {
		return ev.requestsPerHour(c)
	}},
	{name: "energy.per_hour", phrase: "energy per hour", unit: result.UnitJoulesPerHour, cell: true, get: func(ev *evalCtx, c *cellView, _ *result.Summary) float64 {
		return ev.requestsPerHour(c) * c.energyPerRequest(-1)
	}},
	{name: "battery.per_hour", phrase: "battery per hour", unit: result.UnitPercent, cell: true, get: func(ev *evalCtx, c *cellView, _ *result.Summary) float64 {
		return ev.requestsPerHour(c) * c.energyPerRequest(-1) * batteryPerJoule(c)
	}},
	{name: "model.reloads", phrase: "model reloads", unit: result.UnitCount, cell: true, get: func(_ *evalCtx, c *cellView, _ *result.Summary) float64 {
		return reloads(c)
	}},
	{name: "model.reloads/h", phrase: "model reloads per hour", unit: result.UnitPerHour, cell: true, get: func(ev *evalCtx, c *cellView, _ *result.Summary) float64 {
		return reloads(c) / ev.hoursPerWorld(c)
	}},
	{name: "reload.time/h", phrase: "latency added by model reloads per hour", unit: result.UnitSecondsPerHour, cell: true, get: func(ev *evalCtx, c *cellView, _ *result.Summary) float64 {
		return ev.coldExtra(c, func(g *result.Summary) float64 { return g.Latency.Mean }, (*result.Summary).OK)
	}},
	{name: "reload.battery/h", phrase: "battery spent on model reloads per hour", unit: result.UnitPercent, cell: true, get: func(ev *evalCtx, c *cellView, _ *result.Summary) float64 {
		return batteryPerJoule(c) * ev.coldExtra(c, func(g *result.Summary) float64 { return g.EnergyTotal.Mean }, func(g *result.Summary) int { return g.Requests })
	}},
	{name: "app.kill_rate", phrase: "share of background periods that end in a kill", unit: result.UnitFraction, cell: true, get: func(_ *evalCtx, c *cellView, _ *result.Summary) float64 {
		// The app starts in the foreground: its k-th trip to the
		// background is switch 2k−1.
		trips := math.Ceil(c.world("app.switches") / 2)
		if !(trips > 0) {
			return math.NaN()
		}
		return c.world("app.kills") / trips
	}},
}

// reloads is a cell's model loads after the first, per world.
func reloads(c *cellView) float64 { return math.Max(0, c.world("model.loads")-1) }

// batteryPerJoule is the share of the battery (in %) a joule of the
// cell's warmest group costs, NaN when unknown.
func batteryPerJoule(c *cellView) float64 {
	g := c.pick("warm")
	if g == nil || !(g.EnergyTotal.Mean > 0) || math.IsNaN(g.BatteryPer1000) {
		return math.NaN()
	}
	return g.BatteryPer1000 / 1000 / g.EnergyTotal.Mean
}

// coldExtra is what reloads cost: each cold request's extra f over the
// cell's warm mean, counted by n, per phone-hour of a timed workload.
func (ev *evalCtx) coldExtra(c *cellView, f func(g *result.Summary) float64, n func(g *result.Summary) int) float64 {
	cold, warm, _ := c.byStart()
	h := ev.hoursPerWorld(c)
	if !(h > 0) {
		return math.NaN()
	}
	if cold == nil || n(cold) == 0 {
		return 0
	}
	if warm == nil || warm.OK() == 0 {
		return math.NaN()
	}
	return float64(n(cold)) * (f(cold) - f(warm)) / (float64(ev.reps) * ev.phonesAt(c) * h)
}

// MetricNames lists the metrics a conclusion may name, sorted.
func MetricNames() []string {
	n := make([]string, 0, len(metricDefs))
	for k := range metricDefs {
		n = append(n, k)
	}
	sort.Strings(n)
	return n
}

// lookupMetric returns the metric named name or a message.
func lookupMetric(name string) (*metricDef, string) {
	if d, ok := metricDefs[name]; ok {
		return d, ""
	}
	return nil, fmt.Sprintf("unknown metric %q", name)
}

// HasMetric reports whether a conclusion may name the metric.
func HasMetric(name string) bool {
	_, ok := metricDefs[name]
	return ok
}
