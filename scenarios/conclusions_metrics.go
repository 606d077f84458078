package scenarios

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/infersim/infersim/result"
)

// The metrics a conclusion can compute from a run's summaries, by name.
// A metric is read from one group (a cell's cold or warm requests) or from
// the whole cell (every request of a model × mode × image at a point, cold
// and warm together): outcome fractions, per-hour rates and the per-world
// metrics are cell metrics.

// metricUnit says how a metric's values are printed.
type metricUnit uint8

const (
	uSeconds        metricUnit = iota // 1.23 s, 456 ms
	uJoules                           // 1.2 J, 450 mJ
	uFraction                         // 0.58 → 58 %
	uPercent                          // a percentage already: 1.3 → 1.3 %
	uCount                            // 3.2
	uRate                             // per second: 12/s
	uPerHour                          // 4.1/h
	uJPerHour                         // 120 J/h
	uBytes                            // 12 MB
	uSecondsPerHour                   // 41 s/h
)

// metricDef is one metric a conclusion may name.
type metricDef struct {
	name   string
	phrase string // "mean latency", for sentences
	unit   metricUnit
	// cell: computed from the whole cell (cold and warm groups together).
	cell bool
	// hours: the metric is per hour of the workload.
	hours bool
	// get returns the value, NaN when undefined. g is the group the start
	// chose (nil for cell metrics that do not need one).
	get func(ev *evalCtx, c *cellView, g *result.Summary) float64
}

// evalCtx is what metrics need to know about the run besides the
// summaries.
type evalCtx struct {
	reps     int
	phones   float64 // phones per world, unless phone.count is swept
	duration float64 // workload.duration in seconds, 0 when requests-based
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

var metricDefs = buildMetrics()

func buildMetrics() map[string]*metricDef {
	m := map[string]*metricDef{}
	add := func(d *metricDef) { m[d.name] = d }
	lat := func(name, phrase string, f func(st result.Stat) float64) {
		add(&metricDef{name: name, phrase: phrase, unit: uSeconds, get: func(_ *evalCtx, c *cellView, g *result.Summary) float64 {
			if g == nil || g.OK() == 0 {
				return math.NaN()
			}
			return f(g.Latency)
		}})
	}
	lat("latency.mean", "mean latency", func(st result.Stat) float64 { return st.Mean })
	lat("latency.p50", "median latency", func(st result.Stat) float64 { return st.P50 })
	lat("latency.p95", "p95 latency", func(st result.Stat) float64 { return st.P95 })
	lat("latency.p99", "p99 latency", func(st result.Stat) float64 { return st.P99 })
	lat("latency.max", "worst latency", func(st result.Stat) float64 { return st.Max })
	for _, p := range result.Phases() {
		p := p
		phrase := p.String() + " time per request"
		switch p {
		case result.Queue:
			phrase = "queueing delay"
		case result.GC:
			phrase = "GC pause time per request"
		}
		add(&metricDef{name: "phase." + p.String(), phrase: phrase, unit: uSeconds, get: func(_ *evalCtx, c *cellView, g *result.Summary) float64 {
			if g == nil || g.OK() == 0 {
				return math.NaN()
			}
			if st := g.Phases[p]; st.N > 0 {
				return st.Mean
			}
			return 0
		}})
	}
	add(&metricDef{name: "energy", phrase: "energy per request", unit: uJoules, get: func(_ *evalCtx, c *cellView, g *result.Summary) float64 {
		if g == nil || g.OK() == 0 {
			return math.NaN()
		}
		return g.EnergyTotal.Mean
	}})
	for _, comp := range result.Components() {
		comp := comp
		add(&metricDef{name: "energy." + comp.String(), phrase: comp.String() + " energy per request", unit: uJoules, get: func(_ *evalCtx, c *cellView, g *result.Summary) float64 {
			if g == nil || g.OK() == 0 {
				return math.NaN()
			}
			return g.Energy[comp].Mean
		}})
	}
	add(&metricDef{name: "energy.tail", phrase: "radio tail energy per request", unit: uJoules, get: func(_ *evalCtx, c *cellView, g *result.Summary) float64 {
		if g == nil || g.OK() == 0 {
			return math.NaN()
		}
		if st, ok := g.Metric("energy.tail"); ok {
			return st.Mean
		}
		return math.NaN()
	}})
	add(&metricDef{name: "battery.per_1000", phrase: "battery per 1,000 requests", unit: uPercent, get: func(_ *evalCtx, c *cellView, g *result.Summary) float64 {
		if g == nil || g.OK() == 0 {
			return math.NaN()
		}
		return g.BatteryPer1000
	}})
	add(&metricDef{name: "throughput", phrase: "throughput", unit: uRate, get: func(_ *evalCtx, c *cellView, g *result.Summary) float64 {
		if g == nil || g.OK() == 0 {
			return math.NaN()
		}
		return g.Throughput
	}})
	add(&metricDef{name: "ok", phrase: "share of requests that succeed", unit: uFraction, cell: true, get: func(_ *evalCtx, c *cellView, _ *result.Summary) float64 {
		return c.outcomeShare(result.OK)
	}})
	for o := result.Outcome(1); int(o) < result.NumOutcomes; o++ {
		o := o
		add(&metricDef{name: "outcome." + o.String(), phrase: "share of requests ending " + o.String(), unit: uFraction, cell: true, get: func(_ *evalCtx, c *cellView, _ *result.Summary) float64 {
			return c.outcomeShare(o)
		}})
	}
	add(&metricDef{name: "requests.per_hour", phrase: "requests per hour", unit: uPerHour, cell: true, get: func(ev *evalCtx, c *cellView, _ *result.Summary) float64 {
		return ev.requestsPerHour(c)
	}})
	add(&metricDef{name: "energy.per_hour", phrase: "energy per hour", unit: uJPerHour, cell: true, get: func(ev *evalCtx, c *cellView, _ *result.Summary) float64 {
		return ev.requestsPerHour(c) * c.energyPerRequest(-1)
	}})
	add(&metricDef{name: "battery.per_hour", phrase: "battery per hour", unit: uPercent, cell: true, get: func(ev *evalCtx, c *cellView, _ *result.Summary) float64 {
		g := c.pick("warm")
		if g == nil || !(g.EnergyTotal.Mean > 0) || math.IsNaN(g.BatteryPer1000) {
			return math.NaN()
		}
		perJoule := g.BatteryPer1000 / 1000 / g.EnergyTotal.Mean // % of the battery per joule
		return ev.requestsPerHour(c) * c.energyPerRequest(-1) * perJoule
	}})
	// Per-world metrics (world.go's metricNames), means over replications,
	// and their rates per hour of a timed workload.
	for _, wm := range worldMetrics {
		name := wm.Name
		unit, phrase := uCount, worldPhrase(name)
		switch {
		case strings.HasSuffix(name, "_s"):
			unit = uSeconds
		case strings.HasSuffix(name, "_b"):
			unit = uBytes
		}
		add(&metricDef{name: name, phrase: phrase, unit: unit, cell: true, get: func(_ *evalCtx, c *cellView, _ *result.Summary) float64 {
			return c.world(name)
		}})
		if unit == uCount {
			add(&metricDef{name: name + "/h", phrase: phrase + " per hour", unit: uPerHour, cell: true, hours: true, get: func(ev *evalCtx, c *cellView, _ *result.Summary) float64 {
				return c.world(name) / ev.hoursPerWorld(c)
			}})
		}
	}
	reloads := func(c *cellView) float64 { return math.Max(0, c.world("model.loads")-1) }
	add(&metricDef{name: "model.reloads", phrase: "model reloads", unit: uCount, cell: true, get: func(_ *evalCtx, c *cellView, _ *result.Summary) float64 {
		return reloads(c)
	}})
	add(&metricDef{name: "model.reloads/h", phrase: "model reloads per hour", unit: uPerHour, cell: true, hours: true, get: func(ev *evalCtx, c *cellView, _ *result.Summary) float64 {
		return reloads(c) / ev.hoursPerWorld(c)
	}})
	// What reloads cost: each cold request's extra latency and energy over
	// the cell's warm mean, per phone-hour of a timed workload.
	coldExtra := func(ev *evalCtx, c *cellView, f func(g *result.Summary) float64, n func(g *result.Summary) int) float64 {
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
	add(&metricDef{name: "reload.time/h", phrase: "latency added by model reloads per hour", unit: uSecondsPerHour, cell: true, hours: true, get: func(ev *evalCtx, c *cellView, _ *result.Summary) float64 {
		return coldExtra(ev, c, func(g *result.Summary) float64 { return g.Latency.Mean }, (*result.Summary).OK)
	}})
	add(&metricDef{name: "reload.battery/h", phrase: "battery spent on model reloads per hour", unit: uPercent, cell: true, hours: true, get: func(ev *evalCtx, c *cellView, _ *result.Summary) float64 {
		g := c.pick("warm")
		if g == nil || !(g.EnergyTotal.Mean > 0) || math.IsNaN(g.BatteryPer1000) {
			return math.NaN()
		}
		perJoule := g.BatteryPer1000 / 1000 / g.EnergyTotal.Mean
		return perJoule * coldExtra(ev, c, func(g *result.Summary) float64 { return g.EnergyTotal.Mean }, func(g *result.Summary) int { return g.Requests })
	}})
	add(&metricDef{name: "app.kill_rate", phrase: "share of background periods that end in a kill", unit: uFraction, cell: true, get: func(_ *evalCtx, c *cellView, _ *result.Summary) float64 {
		// The app starts in the foreground: its k-th trip to the
		// background is switch 2k−1.
		trips := math.Ceil(c.world("app.switches") / 2)
		if !(trips > 0) {
			return math.NaN()
		}
		return c.world("app.kills") / trips
	}})
	return m
}

// worldPhrase words a per-world metric for sentences.
func worldPhrase(name string) string {
	switch name {
	case "app.kills":
		return "app kills"
	case "app.switches":
		return "foreground/background switches"
	case "gc.blocking":
		return "blocking GCs"
	case "gc.concurrent":
		return "concurrent GCs"
	case "gc.pause_s":
		return "GC pause time"
	case "gc.pauses":
		return "GC pauses"
	case "memory.heap_peak_b":
		return "peak Java heap"
	case "memory.min_free_b":
		return "least free memory"
	case "model.loads":
		return "model loads"
	case "oom":
		return "failed allocations"
	case "server.batches":
		return "server batches"
	case "server.max_queue":
		return "longest server queue"
	case "sim.events":
		return "kernel events"
	}
	return name
}

// metricNamesSorted lists the known metric names, for errors.
func metricNamesSorted() []string {
	n := make([]string, 0, len(metricDefs))
	for k := range metricDefs {
		n = append(n, k)
	}
	sort.Strings(n)
	return n
}

// lookupMetric returns the metric named name or a message with a
// suggestion.
func lookupMetric(name string) (*metricDef, string) {
	if d, ok := metricDefs[name]; ok {
		return d, ""
	}
	return nil, fmt.Sprintf("unknown metric %q%s", name, didYouMean(name, metricNamesSorted()))
}

// cellView is one cell at one point: a model × mode × image with its
// groups (cold, warm; whichever have requests).
type cellView struct {
	point              int
	model, mode, image string
	params             []result.Param
	groups             []*result.Summary
	order              int // first appearance in the summaries
}

func (c *cellView) param(name string) (result.Param, bool) {
	for _, p := range c.params {
		if p.Name == name {
			return p, true
		}
	}
	return result.Param{}, false
}

// byStart returns the cell's cold group, warm group and the group of any
// other start (merged); nil for those it lacks.
func (c *cellView) byStart() (cold, warm, other *result.Summary) {
	for _, g := range c.groups {
		switch g.Start {
		case result.Cold:
			cold = g
		case result.Warm:
			warm = g
		default:
			other = g
		}
	}
	return cold, warm, other
}

// pick returns the group a start asks for: "warm" prefers the warm group
// (a cell with only cold requests gives its cold group), "cold" the cold
// group (a cell that never loads a model, such as a cloud mode, has only
// warm requests: they stand for its cold start), "all" a group merged
// from both (see merged).
func (c *cellView) pick(start string) *result.Summary {
	cold, warm, all := c.byStart()
	first := func(gs ...*result.Summary) *result.Summary {
		for _, g := range gs {
			if g != nil {
				return g
			}
		}
		return nil
	}
	switch start {
	case "cold":
		return first(cold, all, warm)
	case "all":
		if cold != nil && warm != nil {
			return c.merged(cold, warm)
		}
		return first(all, warm, cold)
	}
	return first(warm, all, cold)
}

// merged returns a group holding both a cell's cold and warm requests:
// counts add, means are weighted by the requests they average (latency and
// phases by successful requests, energy by every request); percentiles
// cannot be merged from two summaries and are NaN.
func (c *cellView) merged(a, b *result.Summary) *result.Summary {
	m := *b
	m.Start = result.All
	m.Requests = a.Requests + b.Requests
	for i := range m.Outcomes {
		m.Outcomes[i] = a.Outcomes[i] + b.Outcomes[i]
	}
	wmean := func(x, y result.Stat, nx, ny int) result.Stat {
		st := result.Stat{N: x.N + y.N, SD: math.NaN(), CI95: math.NaN(), Min: math.NaN(), P50: math.NaN(), P95: math.NaN(), P99: math.NaN(), Max: math.NaN()}
		sx, sy := x.Mean, y.Mean
		if nx == 0 || math.IsNaN(sx) {
			sx, nx = 0, 0
		}
		if ny == 0 || math.IsNaN(sy) {
			sy, ny = 0, 0
		}
		if nx+ny == 0 {
			st.Mean = math.NaN()
			return st
		}
		st.Mean = (sx*float64(nx) + sy*float64(ny)) / float64(nx+ny)
		st.Min, st.Max = math.Min(x.Min, y.Min), math.Max(x.Max, y.Max)
		return st
	}
	m.Latency = wmean(a.Latency, b.Latency, a.OK(), b.OK())
	for p := range m.Phases {
		m.Phases[p] = wmean(a.Phases[p], b.Phases[p], a.OK(), b.OK())
	}
	for k := range m.Energy {
		m.Energy[k] = wmean(a.Energy[k], b.Energy[k], a.Requests, b.Requests)
	}
	m.EnergyTotal = wmean(a.EnergyTotal, b.EnergyTotal, a.Requests, b.Requests)
	if !math.IsNaN(b.BatteryPer1000) && b.EnergyTotal.Mean > 0 {
		m.BatteryPer1000 = b.BatteryPer1000 * m.EnergyTotal.Mean / b.EnergyTotal.Mean
	}
	return &m
}

// requests counts the cell's requests.
func (c *cellView) requests() int {
	n := 0
	for _, g := range c.groups {
		n += g.Requests
	}
	return n
}

// outcomeShare is the fraction of the cell's requests that ended with o.
func (c *cellView) outcomeShare(o result.Outcome) float64 {
	n, k := 0, 0
	for _, g := range c.groups {
		n += g.Requests
		k += g.Outcomes[o]
	}
	if n == 0 {
		return math.NaN()
	}
	return float64(k) / float64(n)
}

// world returns a per-world metric's mean over replications (every group
// of a cell carries the same worlds' metrics).
func (c *cellView) world(name string) float64 {
	for _, g := range c.groups {
		if st, ok := g.Metric(name); ok {
			return st.Mean
		}
	}
	return math.NaN()
}

// format prints a metric value with its unit and two or three
// significant digits.
func (u metricUnit) format(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "n/a"
	}
	switch u {
	case uSeconds:
		if math.Abs(x) < 1 && x != 0 {
			return sigFig(x*1000, 3) + " ms"
		}
		return sigFig(x, 3) + " s"
	case uJoules:
		if math.Abs(x) < 1 && x != 0 {
			return sigFig(x*1000, 3) + " mJ"
		}
		return sigFig(x, 3) + " J"
	case uFraction:
		return sigFig(x*100, 2) + " %"
	case uPercent:
		return sigFig(x, 2) + " %"
	case uRate:
		return sigFig(x, 3) + "/s"
	case uPerHour:
		return sigFig(x, 2) + "/h"
	case uJPerHour:
		if math.Abs(x) >= 1000 {
			return sigFig(x/1000, 3) + " kJ/h"
		}
		return sigFig(x, 3) + " J/h"
	case uBytes:
		return sigFig(x/1e6, 3) + " MB"
	case uSecondsPerHour:
		return sigFig(x, 2) + " s/h"
	}
	return sigFig(x, 2)
}

// sigFig prints x with n significant digits, without an exponent and
// without trailing zeros in the decimals; integers keep all their digits.
func sigFig(x float64, n int) string {
	if x == 0 {
		return "0"
	}
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "n/a"
	}
	d := n - 1 - int(math.Floor(math.Log10(math.Abs(x))))
	if d < 0 {
		d = 0
	}
	s := strconv.FormatFloat(x, 'f', d, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}
