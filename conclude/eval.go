package conclude

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

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

func (e *evaluator) crossover(ctx string, cells []*cellView) (string, error) {
	cn := e.cn
	ax := newXAxis(cn.Param, cells, e.ev.fraction)
	dims := without(allDims(cells), cn.Param)
	dims = without(dims, append(cn.A.restricts(), cn.B.restricts()...)...)
	la, lb := cn.A.label(), cn.B.label()
	var clauses []clause
	for _, g := range groupCells(cells, dims) {
		va, vb, whoA, whoB, xs := e.sides(g.cells)
		ya, yb := make([]float64, len(xs)), make([]float64, len(xs))
		for i, x := range xs {
			ya[i], yb[i] = va[x], vb[x]
		}
		if len(xs) == 0 {
			clauses = append(clauses, clause{"no data to compare (no successful requests)", "", g.label})
			continue
		}
		if !e.lower { // a "beats" b where a > b: compare −a with −b
			for i := range ya {
				ya[i], yb[i] = -ya[i], -yb[i]
			}
		}
		cs := result.Crossings(xs, ya, yb, ax.log)
		lo, hi := xs[0], xs[len(xs)-1]
		if len(cs) == 0 {
			wins := la
			aWins, bWins := 0, 0
			for i := range xs {
				if ya[i] < yb[i] {
					aWins++
				} else if yb[i] < ya[i] {
					bWins++
				}
			}
			switch {
			case aWins == 0 && bWins == 0:
				clauses = append(clauses, clause{fmt.Sprintf("%s and %s tie everywhere in %s", la, lb, ax.rangeText(lo, hi)), "", g.label})
				continue
			case bWins > aWins:
				wins = lb
			}
			clauses = append(clauses, clause{fmt.Sprintf("%s wins everywhere in %s", wins, ax.rangeText(lo, hi)), "", g.label})
			continue
		}
		// Intervals where a wins, from the crossings, each with the
		// interval of the replications' own crossings.
		cis := e.crossingCIs(xs, whoA, whoB, len(cs), ax)
		var parts []string
		from := lo
		aWinsNow := cs[0].Below
		for i, c := range cs {
			if aWinsNow {
				if i == 0 {
					parts = append(parts, "below "+ax.with(c.X)+cis[i])
				} else {
					parts = append(parts, "between "+ax.value(from)+" and "+ax.with(c.X)+cis[i])
				}
			}
			from = c.X
			aWinsNow = !c.Below
		}
		if aWinsNow {
			parts = append(parts, "above "+ax.with(from)+cis[len(cs)-1])
		}
		clauses = append(clauses, clause{fmt.Sprintf("%s beats %s", la, lb), strings.Join(parts, " and "), g.label})
	}
	return ctx + ": " + joinClauses(clauses), nil
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

// describeChange words the move from a to b: "grows 4.2× (2.0 s → 8.4 s)".
//
// iv is the 95 % CI of b − a: when there is one, the change is flat
// exactly when it holds zero ("no change distinguishable at these
// replications"); without one, within ±trendTolerance of the larger value.
func describeChange(u result.Unit, a, b float64, iv interval) (string, int) {
	vals := " (" + format(u, a) + " → " + format(u, b) + ")"
	scale := math.Max(math.Abs(a), math.Abs(b))
	switch {
	case iv.has() && iv.spans(0):
		return "shows no change " + strings.TrimPrefix(NotDistinguishable, "not ") + vals, 0
	case !iv.has() && (scale == 0 || math.Abs(b-a) <= trendTolerance*scale):
		return fmt.Sprintf("stays within ±%.0f %%%s (no CI)", trendTolerance*100, vals), 0
	case a > 0 && b > 0 && b > a:
		return "grows " + ratioText(b/a) + vals, 1
	case a > 0 && b > 0:
		return "falls " + ratioText(a/b) + vals, -1
	case b > a:
		return "rises from " + format(u, a) + " to " + format(u, b), 1
	}
	return "falls from " + format(u, a) + " to " + format(u, b), -1
}

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

func (e *evaluator) trend(ctx string, cells []*cellView) (string, error) {
	ax := newXAxis(e.cn.Param, cells, e.ev.fraction)
	dims := without(allDims(cells), e.cn.Param)
	var clauses []clause
	var header string
	for _, g := range groupCells(cells, dims) {
		s := e.seriesOf(g.cells, e.start(&e.cn.Where))
		if len(s.xs) < 2 {
			clauses = append(clauses, clause{"no data (fewer than two points with successful requests)", "", g.label})
			continue
		}
		n := len(s.xs)
		st := e.start(&e.cn.Where)
		_, who := e.envelope(g.cells, st)
		c0, c1 := who[s.xs[0]], who[s.xs[n-1]]
		text, dir := describeChange(e.md.unit, s.ys[0], s.ys[n-1], e.diff(c1, c0, st, st))
		if dir != 0 && !monotone(s.ys, dir) {
			text += ", not monotonically"
		}
		if sm := e.successMoves(c0, c1, st); sm != "" {
			if dir == 0 {
				text = "is not flat: " + sm + "; the successful requests alone: " + text
			} else {
				text += "; " + sm
			}
		}
		rng := "as " + ax.subject + " goes " + ax.value(s.xs[0]) + " → " + ax.value(s.xs[n-1])
		if header == "" {
			header = rng
		}
		if rng != header {
			text += " " + rng
		}
		clauses = append(clauses, clause{"", text, g.label})
	}
	if header == "" {
		return ctx + ": " + joinClauses(clauses), nil
	}
	return ctx + " " + header + ": " + joinClauses(clauses), nil
}

func (e *evaluator) threshold(ctx string, cells []*cellView) (string, error) {
	ax := newXAxis(e.cn.Param, cells, e.ev.fraction)
	dims := without(allDims(cells), e.cn.Param)
	level := e.cn.Level
	lv := format(e.md.unit, level)
	var clauses []clause
	for _, g := range groupCells(cells, dims) {
		s := e.seriesOf(g.cells, e.start(&e.cn.Where))
		if len(s.xs) == 0 {
			clauses = append(clauses, clause{"no data (no point with successful requests)", "", g.label})
			continue
		}
		n := len(s.xs)
		above := s.ys[0] >= level
		if above {
			clauses = append(clauses, clause{"already " + lv + " at", ax.with(s.xs[0]), g.label})
			continue
		}
		found := false
		for i := 1; i < n; i++ {
			if s.ys[i] >= level {
				x0, x1 := s.xs[i-1], s.xs[i]
				t := (level - s.ys[i-1]) / (s.ys[i] - s.ys[i-1])
				var x float64
				if ax.log {
					x = math.Pow(10, math.Log10(x0)+t*(math.Log10(x1)-math.Log10(x0)))
				} else {
					x = x0 + t*(x1-x0)
				}
				clauses = append(clauses, clause{"reaches " + lv + " from", fmt.Sprintf("about %s (between %s and %s)", ax.with(x), ax.value(x0), ax.value(x1)), g.label})
				found = true
				break
			}
		}
		if !found {
			clauses = append(clauses, clause{fmt.Sprintf("stays below %s in %s", lv, ax.rangeText(s.xs[0], s.xs[n-1])), fmt.Sprintf("(at most %s)", format(e.md.unit, maxOf(s.ys))), g.label})
		}
	}
	return ctx + ": " + joinClauses(clauses), nil
}

func maxOf(ys []float64) float64 {
	m := math.Inf(-1)
	for _, y := range ys {
		m = math.Max(m, y)
	}
	return m
}

func (e *evaluator) compare(ctx string, cells []*cellView) (string, error) {
	cn := e.cn
	var shareDef *metricDef
	if cn.Share != "" {
		d, msg := lookupMetric(cn.Share)
		if d == nil {
			return "", fmt.Errorf("share: %s", msg)
		}
		shareDef = d
	}
	dims := without(allDims(cells), append(cn.A.restricts(), cn.B.restricts()...)...)
	if cn.Param != "" {
		dims = without(dims, cn.Param)
	}
	var ax *xAxis
	if cn.Param != "" {
		ax = newXAxis(cn.Param, cells, e.ev.fraction)
	}
	la, lb := cn.A.label(), cn.B.label()
	var clauses []clause
	for _, g := range groupCells(cells, dims) {
		va, vb, whoA, whoB, xs := e.sides(g.cells)
		if len(xs) == 0 {
			clauses = append(clauses, clause{"no data to compare (no successful requests)", "", g.label})
			continue
		}
		share := func(x float64) string {
			if shareDef == nil {
				return ""
			}
			c := whoA[x]
			part := e.value(shareDef, c, e.start(&cn.A))
			if math.IsNaN(part) || !(va[x] > 0) {
				return ""
			}
			return fmt.Sprintf("; %s %% of %s's is %s", sigFig(100*part/va[x], 2), la, strings.TrimSuffix(shareDef.phrase, " per request"))
		}
		sa, sb := e.start(&cn.A), e.start(&cn.B)
		// at words the paired ratio at x: "is 6.2× (95 % CI 6.0–6.4×) b's"
		// or, when its CI holds 1, that the two are not distinguishable.
		at := func(x float64, first bool, where string) string {
			iv := e.ratio(whoA[x], whoB[x], sa, sb)
			vals := fmt.Sprintf("%s vs %s%s", format(e.md.unit, va[x]), format(e.md.unit, vb[x]), share(x))
			if vb[x] == 0 {
				iv = interval{est: math.NaN(), lo: math.NaN(), hi: math.NaN()}
			}
			if iv.spans(1) {
				head := "is not distinguishable"
				if first {
					head += " from " + lb + "'s"
				}
				return fmt.Sprintf("%s%s at these replications (%s; %s)", head, where, strings.Replace(ratioCI(iv), " (95 % CI", ", 95 % CI", 1)[:len(strings.Replace(ratioCI(iv), " (95 % CI", ", 95 % CI", 1))-1], vals)
			}
			head := "is " + ratioCI(iv)
			if first {
				head += " " + lb + "'s"
			} else {
				head = ratioCI(iv)
			}
			return fmt.Sprintf("%s%s (%s)", head, where, vals)
		}
		if ax == nil || len(xs) == 1 {
			x := xs[0]
			clauses = append(clauses, clause{"", fmt.Sprintf("%s %s", la, at(x, true, "")), g.label})
			continue
		}
		x0, x1 := xs[0], xs[len(xs)-1]
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, x := range xs {
			if vb[x] != 0 {
				r := va[x] / vb[x]
				lo, hi = math.Min(lo, r), math.Max(hi, r)
			}
		}
		second := at(x1, false, " at "+ax.with(x1))
		second = strings.TrimPrefix(second, "is ")
		text := fmt.Sprintf("%s %s and %s", la, at(x0, true, " at "+ax.with(x0)), second)
		r0, r1 := va[x0]/vb[x0], va[x1]/vb[x1]
		if lo < math.Min(r0, r1)*(1-trendTolerance) || hi > math.Max(r0, r1)*(1+trendTolerance) {
			text += fmt.Sprintf(", between %s and %s in between", ratioText(lo), ratioText(hi))
		}
		clauses = append(clauses, clause{"", text, g.label})
	}
	return ctx + ": " + joinClauses(clauses), nil
}

func (e *evaluator) best(ctx string, cells []*cellView) (string, error) {
	cn := e.cn
	dims := without(allDims(cells), "mode")
	if cn.Param != "" {
		dims = without(dims, cn.Param)
	}
	var ax *xAxis
	if cn.Param != "" {
		ax = newXAxis(cn.Param, cells, e.ev.fraction)
	}
	word := "lowest"
	if !e.lower {
		word = "highest"
	}
	var clauses []clause
	groups := groupCells(cells, dims)
	// Without a param, one mode that wins every group is one clause with
	// the range of its values, not the same mode named once per group.
	if ax == nil && len(groups) > 1 {
		if m, lo, hi, ok := e.soleWinner(groups); ok {
			return fmt.Sprintf("%s %s: %s for every %s (%s to %s)", word, ctx, m, andList(varyingDims(cells, dims)),
				format(e.md.unit, lo), format(e.md.unit, hi)), nil
		}
	}
	for _, g := range groups {
		modes, order := e.modeSeries(g.cells)
		if len(order) == 0 {
			clauses = append(clauses, clause{"no data (no successful requests)", "", g.label})
			continue
		}
		xs, winner := e.winners(modes, order)
		tied, tiedWith := e.tiedWithRunnerUp(g.cells, xs, winner)
		if ax == nil {
			m := winner[0]
			note := ""
			if tied > 0 {
				note = "; " + NotDistinguishable + " from " + tiedWith
			}
			clauses = append(clauses, clause{"", fmt.Sprintf("%s (%s%s)", m, format(e.md.unit, modes[m][xs[0]]), note), g.label})
			continue
		}
		text := e.winnerSegments(modes, xs, winner, ax)
		if tied > 0 {
			text += fmt.Sprintf(" (at %d of %d values the winner is %s from the runner-up)", tied, len(xs), NotDistinguishable)
		}
		clauses = append(clauses, clause{"", text, g.label})
	}
	return word + " " + ctx + ": " + joinClauses(clauses), nil
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

// winnerSegments words the winners along the parameter, one segment per
// run of the same winner: "split:13 below 2.1 Mbps uplink, split:0 above".
func (e *evaluator) winnerSegments(modes map[string]map[float64]float64, xs []float64, winner []string, ax *xAxis) string {
	var segs []string
	start := 0
	for i := 1; i <= len(xs); i++ {
		if i < len(xs) && winner[i] == winner[start] {
			continue
		}
		// Segment [start, i) won by winner[start]; its upper boundary
		// is where it and the next winner cross.
		m := winner[start]
		var text string
		switch {
		case start == 0 && i == len(xs):
			text = fmt.Sprintf("%s everywhere in %s", m, ax.rangeText(xs[0], xs[len(xs)-1]))
		case start == 0:
			text = fmt.Sprintf("%s below %s", m, ax.with(e.boundary(modes[m], modes[winner[i]], xs[i-1], xs[i], ax)))
		case i == len(xs):
			text = fmt.Sprintf("%s above", m)
		default:
			text = fmt.Sprintf("%s up to %s", m, ax.with(e.boundary(modes[m], modes[winner[i]], xs[i-1], xs[i], ax)))
		}
		segs = append(segs, text)
		start = i
	}
	return strings.Join(segs, ", ")
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
