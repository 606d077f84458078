package conclude

import (
	"math"

	"github.com/infersim/infersim/result"
)

// Cell metrics per replication. A cell metric (a per-world count, a rate
// per hour, the energy per hour) is computed in each replication from that
// replication's values alone: its world metrics (result.Metric.Reps), its
// groups' requests, energy and throughput (result.RepMeans). The value a
// conclusion prints is the mean of the replications' values and its
// interval is theirs (Student t), paired across cells by replication like
// the group means.

// nReps is the number of replications a cell's summaries carry (0 when
// they carry none).
func (c *cellView) nReps() int {
	n := 0
	for _, g := range c.groups {
		n = max(n, len(g.Reps))
		for _, m := range g.Metrics {
			n = max(n, len(m.Reps))
		}
	}
	return n
}

// repsBy returns f of each replication, by replication index, or nil when
// the cell has no replication values.
func (c *cellView) repsBy(f func(r int) float64) []float64 {
	n := c.nReps()
	if n == 0 {
		return nil
	}
	out := make([]float64, n)
	for r := range out {
		out[r] = f(r)
	}
	return out
}

// worldRep is a per-world metric's value in replication r (NaN without
// one).
func (c *cellView) worldRep(name string, r int) float64 {
	for _, g := range c.groups {
		for _, m := range g.Metrics {
			if m.Name == name && r < len(m.Reps) {
				return m.Reps[r]
			}
		}
	}
	return math.NaN()
}

// rep returns a group's means in replication r (ok false without them).
func rep(g *result.Summary, r int) (result.RepMeans, bool) {
	if g == nil || r >= len(g.Reps) {
		return result.RepMeans{}, false
	}
	return g.Reps[r], true
}

// requestsRep counts the cell's requests in replication r.
func (c *cellView) requestsRep(r int) int {
	n := 0
	for _, g := range c.groups {
		if rm, ok := rep(g, r); ok {
			n += rm.Requests
		}
	}
	return n
}

// okShareRep is the share of the cell's requests that succeeded in
// replication r.
func (c *cellView) okShareRep(r int) float64 {
	n, k := 0, 0
	for _, g := range c.groups {
		if rm, ok := rep(g, r); ok {
			n, k = n+rm.Requests, k+rm.OK
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return float64(k) / float64(n)
}

// energyPerRequestRep is the cell's mean phone energy per request in
// replication r, cold and warm.
func (c *cellView) energyPerRequestRep(r int) float64 {
	sum, n := 0.0, 0
	for _, g := range c.groups {
		rm, ok := rep(g, r)
		if !ok || rm.Requests == 0 || math.IsNaN(rm.Energy) {
			continue
		}
		sum += rm.Energy * float64(rm.Requests)
		n += rm.Requests
	}
	if n == 0 {
		return math.NaN()
	}
	return sum / float64(n)
}

// hoursRep is the length of replication r's world in hours, as
// hoursPerWorld: the workload's duration, else estimated from the warmest
// group's throughput in that replication.
func (ev *evalCtx) hoursRep(c *cellView, r int) float64 {
	if h := ev.durationHours(c); h > 0 {
		return h
	}
	rm, ok := rep(c.pick("warm"), r)
	if !ok || rm.OK == 0 || !(rm.Throughput > 0) {
		return math.NaN()
	}
	okShare := float64(rm.OK) / float64(rm.Requests)
	return float64(c.requestsRep(r)) / (3600 * rm.Throughput / okShare)
}

// requestsPerHourRep is requestsPerHour in replication r.
func (ev *evalCtx) requestsPerHourRep(c *cellView, r int) float64 {
	if h := ev.durationHours(c); h > 0 {
		return float64(c.requestsRep(r)) / (ev.phonesAt(c) * h)
	}
	rm, ok := rep(c.pick("warm"), r)
	if !ok || rm.OK == 0 || !(rm.Throughput > 0) {
		return math.NaN()
	}
	return 3600 * rm.Throughput * float64(rm.Requests) / float64(rm.OK) / ev.phonesAt(c)
}

// coldExtraRep is coldExtra in replication r: each cold request's extra
// f over the warm mean of the replication, per phone-hour.
func (ev *evalCtx) coldExtraRep(c *cellView, r int, f func(rm result.RepMeans) float64, n func(rm result.RepMeans) int) float64 {
	cold, warm, _ := c.byStart()
	h := ev.hoursRep(c, r)
	if !(h > 0) {
		return math.NaN()
	}
	rc, ok := rep(cold, r)
	if !ok || n(rc) == 0 {
		return 0
	}
	rw, ok := rep(warm, r)
	if !ok || rw.OK == 0 {
		return math.NaN()
	}
	return float64(n(rc)) * (f(rc) - f(rw)) / (ev.phonesAt(c) * h)
}

// cellReps are the per-replication forms of the cell metrics of
// cellMetrics and groupMetrics, by name.
var cellReps = map[string]func(ev *evalCtx, c *cellView) []float64{
	"requests.per_hour": func(ev *evalCtx, c *cellView) []float64 {
		return c.repsBy(func(r int) float64 { return ev.requestsPerHourRep(c, r) })
	},
	"energy.per_hour": func(ev *evalCtx, c *cellView) []float64 {
		return c.repsBy(func(r int) float64 { return ev.requestsPerHourRep(c, r) * c.energyPerRequestRep(r) })
	},
	"battery.per_hour": func(ev *evalCtx, c *cellView) []float64 {
		return c.repsBy(func(r int) float64 {
			return ev.requestsPerHourRep(c, r) * c.energyPerRequestRep(r) * batteryPerJoule(c)
		})
	},
	"model.reloads": func(_ *evalCtx, c *cellView) []float64 {
		return c.repsBy(func(r int) float64 { return reloadsRep(c, r) })
	},
	"model.reloads/h": func(ev *evalCtx, c *cellView) []float64 {
		return c.repsBy(func(r int) float64 { return reloadsRep(c, r) / ev.hoursRep(c, r) })
	},
	"reload.time/h": func(ev *evalCtx, c *cellView) []float64 {
		return c.repsBy(func(r int) float64 {
			return ev.coldExtraRep(c, r, func(rm result.RepMeans) float64 { return rm.Latency }, func(rm result.RepMeans) int { return rm.OK })
		})
	},
	"reload.battery/h": func(ev *evalCtx, c *cellView) []float64 {
		return c.repsBy(func(r int) float64 {
			return batteryPerJoule(c) * ev.coldExtraRep(c, r, func(rm result.RepMeans) float64 { return rm.Energy }, func(rm result.RepMeans) int { return rm.Requests })
		})
	},
	"app.kill_rate": func(_ *evalCtx, c *cellView) []float64 {
		return c.repsBy(func(r int) float64 {
			trips := math.Ceil(c.worldRep("app.switches", r) / 2)
			if !(trips > 0) {
				return math.NaN()
			}
			return c.worldRep("app.kills", r) / trips
		})
	},
	"ok": func(_ *evalCtx, c *cellView) []float64 {
		return c.repsBy(c.okShareRep)
	},
}

// reloadsRep is a cell's model loads after the first in replication r.
func reloadsRep(c *cellView, r int) float64 {
	return math.Max(0, c.worldRep("model.loads", r)-1)
}

// worldReps returns the per-replication form of a per-world metric and,
// with perHour, of its rate per hour.
func worldReps(name string, perHour bool) func(ev *evalCtx, c *cellView) []float64 {
	return func(ev *evalCtx, c *cellView) []float64 {
		return c.repsBy(func(r int) float64 {
			v := c.worldRep(name, r)
			if perHour {
				v /= ev.hoursRep(c, r)
			}
			return v
		})
	}
}

// cellValue is a cell metric's value: the mean of its replications'
// values where it has them, else its value from the cell's means.
func (e *evaluator) cellValue(md *metricDef, c *cellView, g *result.Summary) float64 {
	if md.cellReps != nil {
		sum, n := 0.0, 0
		for _, x := range md.cellReps(e.ev, c) {
			if !math.IsNaN(x) && !math.IsInf(x, 0) {
				sum, n = sum+x, n+1
			}
		}
		if n > 0 {
			return sum / float64(n)
		}
	}
	return md.get(e.ev, c, g)
}
