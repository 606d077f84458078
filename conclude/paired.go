package conclude

import (
	"fmt"
	"math"
	"strings"

	"github.com/infersim/infersim/result"
)

// Differences with intervals. Every comparison of two cells (compare,
// best, crossover, trend) is computed on the cells' paired replication
// values: the replications of a point share their seeds across its cells
// (common random numbers), so replication r of mode a and replication r
// of mode b saw the same arrivals, link and phone; with sweep.seeds:
// common (the default) replication r of every point has the same seed
// too, and two points' cells pair up the same way. With independent
// seeds two points' cells are independent, and their difference's
// interval combines the two means' intervals. The replication values are
// the group means, the latency percentiles (each replication's own) and
// the cell metrics (per-world counts, rates per hour, energy per hour:
// repcell.go); a metric without them (a phase, an outcome share) falls
// back to the unpaired combination of its CI95s, or says it has no
// interval.

// repsOf returns a cell's per-replication values of the metric under a
// start, by replication index (NaN where a replication has none), or nil
// when the metric has none.
func (e *evaluator) repsOf(md *metricDef, c *cellView, start string) []float64 {
	if c == nil {
		return nil
	}
	if md.cellReps != nil {
		return md.cellReps(e.ev, c)
	}
	if md.rep == nil {
		return nil
	}
	g := c.pick(start)
	if g == nil || len(g.Reps) == 0 {
		return nil
	}
	out := make([]float64, len(g.Reps))
	for i, r := range g.Reps {
		out[i] = md.rep(r)
	}
	return out
}

// ciOf returns the half-width of the 95 % CI of a cell's metric (NaN when
// it has none).
func (e *evaluator) ciOf(md *metricDef, c *cellView, start string) float64 {
	if rs := e.repsOf(md, c, start); rs != nil {
		var xs []float64
		for _, x := range rs {
			if !math.IsNaN(x) {
				xs = append(xs, x)
			}
		}
		if len(xs) > 0 { // else (a summary.json without them) the group's CI
			return tHalf(xs)
		}
	}
	if md.ci == nil || c == nil {
		return math.NaN()
	}
	g := c.pick(start)
	if g == nil {
		return math.NaN()
	}
	return md.ci(g)
}

// interval is an estimate with its 95 % confidence interval [lo, hi]; lo
// and hi are NaN when there is none.
type interval struct {
	est, lo, hi float64
	paired      bool
}

func (iv interval) has() bool { return !math.IsNaN(iv.lo) && !math.IsNaN(iv.hi) }

// spans reports whether the interval holds v (no interval: false, the
// estimate stands alone).
func (iv interval) spans(v float64) bool { return iv.has() && iv.lo <= v && v <= iv.hi }

// pairs returns the replications where both a and b have a value.
func pairs(a, b []float64) (xa, xb []float64) {
	for i := 0; i < len(a) && i < len(b); i++ {
		if !math.IsNaN(a[i]) && !math.IsNaN(b[i]) && !math.IsInf(a[i], 0) && !math.IsInf(b[i], 0) {
			xa, xb = append(xa, a[i]), append(xb, b[i])
		}
	}
	return xa, xb
}

// tQuantile is Student's t quantile for a two-sided 95 % interval.
func tHalf(xs []float64) float64 {
	_, h := result.ConfidenceInterval(xs, 0.95)
	return h
}

// pairedDiff is the mean of a − b over paired replications with its 95 %
// CI (Student t on the differences).
func pairedDiff(a, b []float64) interval {
	xa, xb := pairs(a, b)
	if len(xa) < 2 {
		return interval{est: math.NaN(), lo: math.NaN(), hi: math.NaN()}
	}
	d := make([]float64, len(xa))
	for i := range xa {
		d[i] = xa[i] - xb[i]
	}
	m, h := result.ConfidenceInterval(d, 0.95)
	return interval{est: m, lo: m - h, hi: m + h, paired: true}
}

// pairedRatio is the ratio of the paired means, mean(a)/mean(b), with its
// 95 % CI by the delta method for a ratio estimator: the residuals
// a_i − R·b_i have mean zero and the CI is R ± t·sd(resid)/(√n·mean(b)).
func pairedRatio(a, b []float64) interval {
	xa, xb := pairs(a, b)
	if len(xa) < 2 {
		return interval{est: math.NaN(), lo: math.NaN(), hi: math.NaN()}
	}
	ma, mb := mean(xa), mean(xb)
	if mb == 0 {
		return interval{est: math.NaN(), lo: math.NaN(), hi: math.NaN()}
	}
	r := ma / mb
	res := make([]float64, len(xa))
	for i := range xa {
		res[i] = xa[i] - r*xb[i]
	}
	h := tHalf(res) / math.Abs(mb)
	return interval{est: r, lo: r - h, hi: r + h, paired: true}
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// unpairedDiff is a − b from two independent means and their CI
// half-widths (NaN: no interval).
func unpairedDiff(a, ha, b, hb float64) interval {
	h := math.Hypot(ha, hb)
	return interval{est: a - b, lo: a - b - h, hi: a - b + h}
}

// unpairedRatio is a/b from two means and their CI half-widths, the
// relative half-widths combined in quadrature.
func unpairedRatio(a, ha, b, hb float64) interval {
	r := a / b
	h := math.Abs(r) * math.Hypot(ha/a, hb/b)
	return interval{est: r, lo: r - h, hi: r + h}
}

// pairable reports whether two cells' replications pair up: the same
// point, or any two points when the sweep's seeds are common.
func (e *evaluator) pairable(ca, cb *cellView) bool {
	return ca.point == cb.point || e.ev.commonSeeds
}

// diff is the difference of the metric between two cells: paired when
// both carry replication values and pair up (pairable), else from their
// CIs.
func (e *evaluator) diff(ca, cb *cellView, sa, sb string) interval {
	ra, rb := e.repsOf(e.md, ca, sa), e.repsOf(e.md, cb, sb)
	if e.pairable(ca, cb) && ra != nil && rb != nil {
		if iv := pairedDiff(ra, rb); iv.has() {
			return iv
		}
	}
	return unpairedDiff(e.value(e.md, ca, sa), e.ciOf(e.md, ca, sa), e.value(e.md, cb, sb), e.ciOf(e.md, cb, sb))
}

// ratio is the ratio of the metric between two cells, paired when it can
// be (see diff).
func (e *evaluator) ratio(ca, cb *cellView, sa, sb string) interval {
	ra, rb := e.repsOf(e.md, ca, sa), e.repsOf(e.md, cb, sb)
	if e.pairable(ca, cb) && ra != nil && rb != nil {
		if iv := pairedRatio(ra, rb); iv.has() {
			return iv
		}
	}
	return unpairedRatio(e.value(e.md, ca, sa), e.ciOf(e.md, ca, sa), e.value(e.md, cb, sb), e.ciOf(e.md, cb, sb))
}

// NotDistinguishable is how a conclusion says a difference's 95 % CI
// holds no difference.
const NotDistinguishable = "not distinguishable at these replications"

// ciDecimals is the number of decimals that print a value whose 95 % CI
// has half-width h: the last digit printed is the first significant
// digit of h (at least one, at most four decimals).
func ciDecimals(h float64) int {
	if !(h > 0) || math.IsInf(h, 0) {
		return 2
	}
	d := -int(math.Floor(math.Log10(h)))
	return min(max(d, 0), 4)
}

// crossingCIs returns, for each of the n crossings of the mean curves,
// the 95 % CI of where the replications cross: replication r's curves
// (its means at every parameter value) are crossed as the mean curves
// are, and the k-th crossings of the replications give a Student-t
// interval (on a log axis, of the logarithm). When the replications do
// not all cross n times, or there are fewer than two, the text says so.
func (e *evaluator) crossingCIs(xs []float64, whoA, whoB map[float64]*cellView, n int, ax *xAxis) []string {
	out := make([]string, n)
	sa, sb := e.start(&e.cn.A), e.start(&e.cn.B)
	var ra, rb [][]float64 // by x, by replication
	reps := -1
	for _, x := range xs {
		a, b := e.repsOf(e.md, whoA[x], sa), e.repsOf(e.md, whoB[x], sb)
		if a == nil || b == nil {
			return out // no replication values: the mean curves' crossing alone
		}
		if reps < 0 || len(a) < reps {
			reps = len(a)
		}
		if len(b) < reps {
			reps = len(b)
		}
		ra, rb = append(ra, a), append(rb, b)
	}
	if reps < 2 {
		return out
	}
	at := make([][]float64, n)
	minN, maxN := math.MaxInt, 0
	for r := 0; r < reps; r++ {
		ya, yb := make([]float64, len(xs)), make([]float64, len(xs))
		for i := range xs {
			ya[i], yb[i] = ra[i][r], rb[i][r]
			if !e.lower {
				ya[i], yb[i] = -ya[i], -yb[i]
			}
		}
		cs := result.Crossings(xs, ya, yb, ax.log)
		minN, maxN = min(minN, len(cs)), max(maxN, len(cs))
		for k := 0; k < n && k < len(cs); k++ {
			x := cs[k].X
			if ax.log {
				x = math.Log(x)
			}
			at[k] = append(at[k], x)
		}
	}
	if minN != n || maxN != n {
		for k := range out {
			out[k] = fmt.Sprintf(" (the %d replications cross %d–%d times: no interval)", reps, minN, maxN)
		}
		return out
	}
	for k := range out {
		m, h := result.ConfidenceInterval(at[k], 0.95)
		lo, hi := m-h, m+h
		if ax.log {
			lo, hi = math.Exp(lo), math.Exp(hi)
		}
		a := ax.value(lo)
		if ax.unit != "" {
			a = strings.TrimSuffix(a, " "+ax.unit)
		}
		out[k] = fmt.Sprintf(" (95 %% CI %s–%s)", a, ax.value(hi))
	}
	return out
}

// successMoves words how the success rate moves between two cells of a
// trend of a latency metric, when it moves: "; success rate 100 % → 21 %"
// (a latency of successful requests is not flat for a user who loses
// them). It moves when the CI of its change excludes zero, or, without
// a CI, by a percentage point or more.
func (e *evaluator) successMoves(c0, c1 *cellView, start string) string {
	if e.md.unit != result.UnitSeconds || c0 == nil || c1 == nil || e.md.name == "success_rate" {
		return ""
	}
	sr, _ := lookupMetric("success_rate")
	if sr == nil {
		return ""
	}
	se := *e
	se.md = sr
	a, b := se.value(sr, c0, start), se.value(sr, c1, start)
	if math.IsNaN(a) || math.IsNaN(b) {
		return ""
	}
	iv := se.diff(c1, c0, start, start)
	if iv.has() && iv.spans(0) || !iv.has() && math.Abs(b-a) < 0.01 {
		return ""
	}
	if a == b {
		return ""
	}
	return "success rate " + format(result.UnitFraction, a) + " → " + format(result.UnitFraction, b)
}

// tiedWithRunnerUp counts the parameter values where the best mode's
// paired difference from the second best holds zero in its 95 % CI, and
// names the runner-up of the first such value.
func (e *evaluator) tiedWithRunnerUp(cells []*cellView, xs []float64, winner []string) (int, string) {
	st := e.start(&e.cn.Where)
	tied, with := 0, ""
	for i, x := range xs {
		var best, second *cellView
		bv, sv := math.NaN(), math.NaN()
		for _, c := range cells {
			if e.x(c) != x {
				continue
			}
			y := e.value(e.md, c, st)
			if math.IsNaN(y) {
				continue
			}
			switch {
			case c.mode == winner[i] && best == nil:
				best, bv = c, y
			case c.mode != winner[i] && (second == nil || e.better(y, sv)):
				second, sv = c, y
			}
		}
		if best == nil || second == nil || math.IsNaN(bv) {
			continue
		}
		if e.diff(best, second, st, st).spans(0) {
			tied++
			if with == "" {
				with = second.mode
			}
		}
	}
	return tied, with
}
