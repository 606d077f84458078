package conclude

import (
	"fmt"
	"math"
	"strings"
)

// best: which mode has the lowest metric (highest with better: higher),
// per group, or along param.
func (e *evaluator) best(ctx string, cells []*cellView) (*finding, error) {
	cn := e.cn
	dims := without(allDims(cells), "mode")
	var ax *xAxis
	if cn.Param != "" {
		dims = without(dims, cn.Param)
		ax = newXAxis(cn.Param, cells, e.ev.fraction)
	}
	word := "lowest"
	if !e.lower {
		word = "highest"
	}
	head := word + " " + ctx
	groups := groupCells(cells, dims)
	if ax == nil {
		return e.bestAtPoint(head, cells, dims, groups), nil
	}
	f := &finding{cols: []string{"group", "best mode along the " + ax.noun, "tied with the runner-up"}}
	var cf classifier
	var ends winnerEnds
	bounds := map[*class][][]float64{} // per class, per group: the boundaries
	tiedAll, valuesAll := 0, 0
	for _, g := range groups {
		modes, order := e.modeSeries(g.cells)
		if len(order) == 0 {
			cf.add(cmpNoData, g, math.NaN(), math.NaN())
			f.row(labelOf(g), "no data (no successful requests)", "-")
			continue
		}
		xs, winner := e.winners(modes, order)
		tied, tiedWith := e.tiedWithRunnerUp(g.cells, xs, winner)
		tiedAll += tied
		valuesAll += len(xs)
		segs := e.segments(modes, xs, winner, ax)
		var keys []string
		var bs []float64
		for _, s := range segs {
			keys = append(keys, s.mode)
			bs = append(bs, s.upTo)
		}
		cl := cf.add(strings.Join(keys, " "), g, math.NaN(), math.NaN())
		bounds[cl] = append(bounds[cl], bs)
		cl.note = fmt.Sprintf("%s–%s", ax.value(xs[0]), ax.value(xs[len(xs)-1]))
		tieText := "-"
		if tied > 0 {
			tieText = fmt.Sprintf("at %s values (%s)", countOf(tied, len(xs)), tiedWith)
		}
		f.row(labelOf(g), segmentText(segs, ax, xs[0], xs[len(xs)-1], false), tieText)
		ends.add(segs, xs[0])
	}
	var clauses []string
	nm := naming{groups}
	for _, cl := range cf.classes {
		if cl.key == cmpNoData {
			clauses = append(clauses, withFor("no data", nm.of(cl.groups)))
			continue
		}
		modes := strings.Split(cl.key, " ")
		var segs []segment
		for i, m := range modes {
			var at []float64
			for _, bs := range bounds[cl] {
				at = append(at, bs[i])
			}
			lo, hi := rangeOf(at)
			segs = append(segs, segment{mode: m, upTo: lo, upToHi: hi})
		}
		x0, x1 := math.Inf(1), math.Inf(-1)
		for _, c := range cl.groups[0].cells {
			if x := e.x(c); !math.IsNaN(x) {
				x0, x1 = math.Min(x0, x), math.Max(x1, x)
			}
		}
		clauses = append(clauses, withFor(segmentText(segs, ax, x0, x1, true), nm.of(cl.groups)))
	}
	tail := ""
	if tiedAll > 0 {
		tail = fmt.Sprintf("; the winner is not distinguishable from the runner-up at %s values", countOf(tiedAll, valuesAll))
	}
	short := strings.Replace(tail, "; the winner is not distinguishable from the runner-up", "; winner not distinguishable", 1)
	f.say(head+": "+strings.Join(clauses, "; ")+tail, head+": "+strings.Join(clauses, "; ")+short)
	if e := ends.text(ax); e != "" {
		f.say(head+": "+e+tail, head+": "+e+short)
	}
	f.say(head+": the best mode along the "+ax.noun+" differs by group (see the table)"+short,
		head+": see the table"+short)
	return f, nil
}

// bestAtPoint is best without a param: the winner of each group.
func (e *evaluator) bestAtPoint(head string, cells []*cellView, dims []string, groups []*group) *finding {
	f := &finding{cols: []string{"group", "best mode", e.md.phrase, "runner-up"}}
	var cf classifier
	tied := 0
	for _, g := range groups {
		modes, order := e.modeSeries(g.cells)
		if len(order) == 0 {
			cf.add(cmpNoData, g, math.NaN(), math.NaN())
			f.row(labelOf(g), "no data (no successful requests)", "-", "-")
			continue
		}
		xs, winner := e.winners(modes, order)
		t, with := e.tiedWithRunnerUp(g.cells, xs, winner)
		m := winner[0]
		v := modes[m][xs[0]]
		cf.add(m, g, v, math.NaN())
		runner := "-"
		if second, sv, ok := e.runnerUp(modes, order, m, xs[0]); ok {
			runner = second + " (" + format(e.md.unit, sv) + ")"
		}
		if t > 0 {
			tied++
			runner = with + ": " + NotDistinguishable
		}
		f.row(labelOf(g), m, format(e.md.unit, v), runner)
	}
	var clauses []string
	nm := naming{groups}
	for _, cl := range cf.classes {
		if cl.key == cmpNoData {
			clauses = append(clauses, withFor("no data", nm.of(cl.groups)))
			continue
		}
		lo, hi := rangeOf(cl.xs)
		name := nm.of(cl.groups)
		if name == "" && len(groups) > 1 {
			var nouns []string
			for _, d := range varyingDims(cells, dims) {
				if d != "model" && d != "mode" && d != "image" {
					d = paramNoun(d)
				}
				nouns = append(nouns, d)
			}
			name = "for every " + andList(nouns)
		}
		clauses = append(clauses, withFor(cl.key, name)+" ("+valueRange(e.md.unit, lo, hi)+")")
	}
	tail := ""
	if tied > 0 {
		tail = fmt.Sprintf("; %s groups %s from the runner-up", countOf(tied, len(groups)), NotDistinguishable)
	}
	f.say(head+": "+strings.Join(clauses, ", ")+tail, head+": differs by group (see the table)"+tail, head+": see the table")
	return f
}

// runnerUp is the second-best mode at x.
func (e *evaluator) runnerUp(modes map[string]map[float64]float64, order []string, winner string, x float64) (string, float64, bool) {
	best, bv := "", math.NaN()
	for _, m := range order {
		y, ok := modes[m][x]
		if m == winner || !ok {
			continue
		}
		if math.IsNaN(bv) || e.better(y, bv) {
			best, bv = m, y
		}
	}
	return best, bv, best != ""
}

// segment is a run of param values won by one mode, up to the boundary
// with the next (a range over groups in a sentence; NaN for the last).
type segment struct {
	mode         string
	upTo, upToHi float64
}

// segments splits the winners along the parameter into runs.
func (e *evaluator) segments(modes map[string]map[float64]float64, xs []float64, winner []string, ax *xAxis) []segment {
	var segs []segment
	start := 0
	for i := 1; i <= len(xs); i++ {
		if i < len(xs) && winner[i] == winner[start] {
			continue
		}
		m := winner[start]
		b := math.NaN()
		if i < len(xs) {
			b = e.boundary(modes[m], modes[winner[i]], xs[i-1], xs[i], ax)
		}
		segs = append(segs, segment{mode: m, upTo: b, upToHi: b})
		start = i
	}
	return segs
}

// segmentText words runs of winners: "split:13 below 2.1 Mbps uplink,
// split:0 above"; one run: "split:0 everywhere in 1–100 Mbps uplink".
// The noun follows the values only with noun (a table's column names it).
func segmentText(segs []segment, ax *xAxis, lo, hi float64, noun bool) string {
	at := func(a, b float64) string {
		t := ax.axisRange(a, b)
		if !noun {
			t = strings.TrimSuffix(t, " "+ax.noun)
		}
		return t
	}
	if len(segs) == 1 {
		return segs[0].mode + " everywhere in " + at(lo, hi)
	}
	var parts []string
	for i, s := range segs {
		switch {
		case i == 0:
			parts = append(parts, s.mode+" below "+at(s.upTo, s.upToHi))
		case i == len(segs)-1:
			parts = append(parts, s.mode+" above")
		default:
			parts = append(parts, s.mode+" up to "+at(s.upTo, s.upToHi))
		}
	}
	return strings.Join(parts, ", ")
}

// winnerEnds collects, over groups, the winner at the first param value
// and the last winner with where its run starts: the sentence of a best
// along param whose groups differ in between.
type winnerEnds struct {
	first, last []string
	lo          float64
	from        []float64
	n           int
}

func (w *winnerEnds) add(segs []segment, lo float64) {
	if w.n == 0 || lo < w.lo {
		w.lo = lo
	}
	w.n++
	w.first = appendNew(w.first, segs[0].mode)
	w.last = appendNew(w.last, segs[len(segs)-1].mode)
	if len(segs) > 1 {
		w.from = append(w.from, segs[len(segs)-2].upTo)
	}
}

// text words the ends: "split:24 or split:67 at 0.5 Mbps uplink, split:1
// above 8.3–9.7 Mbps uplink"; "" unless every group changes winner.
func (w *winnerEnds) text(ax *xAxis) string {
	if w.n == 0 || len(w.from) != w.n {
		return ""
	}
	lo, hi := rangeOf(w.from)
	return orList(w.first) + " at " + ax.with(w.lo) + ", " + orList(w.last) + " above " + ax.axisRange(lo, hi)
}

// orList joins "a", "b", "c" as "a, b or c".
func orList(xs []string) string {
	if len(xs) <= 1 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " or " + xs[len(xs)-1]
}

func appendNew(xs []string, x string) []string {
	for _, y := range xs {
		if y == x {
			return xs
		}
	}
	return append(xs, x)
}
