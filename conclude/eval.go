package conclude

import (
	"math"
	"sort"
	"strconv"

	"github.com/infersim/infersim/result"
)

// evaluator computes one conclusion.
type evaluator struct {
	ev    *evalCtx
	cn    *Conclusion
	md    *metricDef
	lower bool
}

// value is the metric of a cell under a selector's start.
func (e *evaluator) value(md *metricDef, c *cellView, start string) float64 {
	g := c.pick(start)
	if !md.cell && g == nil {
		return math.NaN()
	}
	if md.cell {
		return e.cellValue(md, c, g)
	}
	return md.get(e.ev, c, g)
}

// better reports whether a beats b.
func (e *evaluator) better(a, b float64) bool {
	if e.lower {
		return a < b
	}
	return a > b
}

// envelope returns, for each value of the swept parameter, the best value
// among the cells (NaN values skipped), and the cell that gave it.
func (e *evaluator) envelope(cells []*cellView, start string) (map[float64]float64, map[float64]*cellView) {
	v := map[float64]float64{}
	who := map[float64]*cellView{}
	for _, c := range cells {
		x := e.x(c)
		y := e.value(e.md, c, start)
		if math.IsNaN(y) || math.IsInf(y, 0) || math.IsNaN(x) {
			continue
		}
		if old, ok := v[x]; !ok || e.better(y, old) {
			v[x], who[x] = y, c
		}
	}
	return v, who
}

// x is a cell's value of the conclusion's parameter (NaN without one).
func (e *evaluator) x(c *cellView) float64 {
	if e.cn.Param == "" {
		return 0
	}
	p, ok := c.param(e.cn.Param)
	if !ok || !p.IsNumeric() {
		return math.NaN()
	}
	return p.Number
}

// start returns the start of a side (its own, else where's).
func (e *evaluator) start(sel *Selector) string {
	if sel.Start != "" {
		return sel.Start
	}
	return e.cn.Where.Start
}

// sorted returns a map's keys ascending.
func sortedXs(m map[float64]float64) []float64 {
	xs := make([]float64, 0, len(m))
	for x := range m {
		xs = append(xs, x)
	}
	sort.Float64s(xs)
	return xs
}

// sides splits a group's cells into the conclusion's a and b sides and
// returns each side's envelope (e.envelope), the cell behind each of a's
// values, and the parameter values where both sides have one, ascending.
func (e *evaluator) sides(cells []*cellView) (va, vb map[float64]float64, whoA, whoB map[float64]*cellView, xs []float64) {
	cn := e.cn
	var ca, cb []*cellView
	for _, c := range cells {
		if cn.A.matches(c) {
			ca = append(ca, c)
		}
		if cn.B.matches(c) {
			cb = append(cb, c)
		}
	}
	va, whoA = e.envelope(ca, e.start(&cn.A))
	vb, whoB = e.envelope(cb, e.start(&cn.B))
	for _, x := range sortedXs(va) {
		if _, ok := vb[x]; ok {
			xs = append(xs, x)
		}
	}
	return va, vb, whoA, whoB, xs
}

// seriesOf returns a group's metric along the parameter (one cell per
// parameter value; the best when a group holds several).
func (e *evaluator) seriesOf(cells []*cellView, start string) series {
	v, _ := e.envelope(cells, start)
	var s series
	for _, x := range sortedXs(v) {
		s.xs, s.ys = append(s.xs, x), append(s.ys, v[x])
	}
	return s
}

// trendTolerance is the relative change below which a trend is "flat".
const trendTolerance = 0.05

// ratioText prints a ratio: "1.03×" below 10, "18×" from 10.
func ratioText(r float64) string {
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return "n/a×"
	}
	if math.Abs(r) < 10 {
		return strconv.FormatFloat(r, 'f', 2, 64) + "×"
	}
	return sigFig(r, 2) + "×"
}

// monotone reports whether ys never move against dir by more than the
// tolerance of the series' scale.
func monotone(ys []float64, dir int) bool {
	scale := 0.0
	for _, y := range ys {
		scale = math.Max(scale, math.Abs(y))
	}
	for i := 1; i < len(ys); i++ {
		if float64(dir)*(ys[i]-ys[i-1]) < -trendTolerance*scale {
			return false
		}
	}
	return true
}

func maxOf(ys []float64) float64 {
	m := math.Inf(-1)
	for _, y := range ys {
		m = math.Max(m, y)
	}
	return m
}

// modeSeries returns each mode's metric along the parameter among a
// group's cells, and the modes in order of first appearance.
func (e *evaluator) modeSeries(cells []*cellView) (map[string]map[float64]float64, []string) {
	modes := map[string]map[float64]float64{}
	var order []string
	for _, c := range cells {
		y := e.value(e.md, c, e.start(&e.cn.Where))
		x := e.x(c)
		if math.IsNaN(y) || math.IsNaN(x) {
			continue
		}
		if modes[c.mode] == nil {
			modes[c.mode] = map[float64]float64{}
			order = append(order, c.mode)
		}
		modes[c.mode][x] = y
	}
	return modes, order
}

// winners returns the parameter values where any mode has a value,
// ascending, and the best mode at each (the first in order on a tie).
func (e *evaluator) winners(modes map[string]map[float64]float64, order []string) (xs []float64, winner []string) {
	xsSet := map[float64]float64{}
	for _, m := range order {
		for x := range modes[m] {
			xsSet[x] = 0
		}
	}
	xs = sortedXs(xsSet)
	winner = make([]string, len(xs))
	for i, x := range xs {
		bestV := math.NaN()
		for _, m := range order {
			if y, ok := modes[m][x]; ok && (math.IsNaN(bestV) || e.better(y, bestV)) {
				bestV, winner[i] = y, m
			}
		}
	}
	return xs, winner
}

// bestOf returns the mode with the best value among cells (one value per
// cell, no param) and that value; ok is false when no cell has one.
func (e *evaluator) bestOf(cells []*cellView) (mode string, v float64, ok bool) {
	v = math.NaN()
	for _, c := range cells {
		y := e.value(e.md, c, e.start(&e.cn.Where))
		if math.IsNaN(y) {
			continue
		}
		if math.IsNaN(v) || e.better(y, v) {
			mode, v = c.mode, y
		}
	}
	return mode, v, !math.IsNaN(v)
}

// soleWinner reports whether one mode is best in every group, with the
// range of its best values.
func (e *evaluator) soleWinner(groups []*group) (mode string, lo, hi float64, ok bool) {
	for i, g := range groups {
		m, v, found := e.bestOf(g.cells)
		if !found || (i > 0 && m != mode) {
			return "", 0, 0, false
		}
		if i == 0 {
			mode, lo, hi = m, v, v
		}
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	return mode, lo, hi, true
}

// boundary is where series a and b cross between x0 and x1 (both have
// values there), else the midpoint.
func (e *evaluator) boundary(a, b map[float64]float64, x0, x1 float64, ax *xAxis) float64 {
	a0, ok1 := a[x0]
	a1, ok2 := a[x1]
	b0, ok3 := b[x0]
	b1, ok4 := b[x1]
	if ok1 && ok2 && ok3 && ok4 {
		if cs := result.Crossings([]float64{x0, x1}, []float64{a0, a1}, []float64{b0, b1}, ax.log); len(cs) == 1 {
			return cs[0].X
		}
	}
	if ax.log && x0 > 0 {
		return math.Sqrt(x0 * x1)
	}
	return (x0 + x1) / 2
}
