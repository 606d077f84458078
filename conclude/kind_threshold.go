package conclude

import (
	"math"
	"strings"
)

// threshold: the first value of param where the metric reaches level,
// interpolated between the two sweep values around it, per group.
func (e *evaluator) threshold(ctx string, cells []*cellView) (*finding, error) {
	ax := newXAxis(e.cn.Param, cells, e.ev.fraction)
	dims := without(allDims(cells), e.cn.Param)
	groups := groupCells(cells, dims)
	level := e.cn.Level
	lv := format(e.md.unit, level)
	f := &finding{cols: []string{"group", "reaches " + lv, "largest value"}}
	var cf classifier
	for _, g := range groups {
		s := e.seriesOf(g.cells, e.start(&e.cn.Where))
		if len(s.xs) == 0 {
			cf.add(cmpNoData, g, math.NaN(), math.NaN())
			f.row(labelOf(g), "no data (no point with successful requests)", "-")
			continue
		}
		n := len(s.xs)
		top := format(e.md.unit, maxOf(s.ys))
		if s.ys[0] >= level {
			cl := cf.add("already", g, s.xs[0], math.NaN())
			cl.note = ax.with(s.xs[0])
			f.row(labelOf(g), "already at "+ax.with(s.xs[0]), top)
			continue
		}
		found := false
		for i := 1; i < n; i++ {
			if s.ys[i] < level {
				continue
			}
			x0, x1 := s.xs[i-1], s.xs[i]
			t := (level - s.ys[i-1]) / (s.ys[i] - s.ys[i-1])
			var x float64
			if ax.log {
				x = math.Pow(10, math.Log10(x0)+t*(math.Log10(x1)-math.Log10(x0)))
			} else {
				x = x0 + t*(x1-x0)
			}
			cf.add("reaches", g, x, math.NaN()).one = "between " + ax.short(x0) + " and " + ax.value(x1)
			f.row(labelOf(g), "from about "+ax.with(x)+" (between "+ax.value(x0)+" and "+ax.value(x1)+")", top)
			found = true
			break
		}
		if !found {
			cl := cf.add("below", g, maxOf(s.ys), math.NaN())
			cl.note = ax.rangeText(s.xs[0], s.xs[n-1])
			f.row(labelOf(g), "never in "+ax.rangeText(s.xs[0], s.xs[n-1]), top)
		}
	}
	var clauses []string
	nm := naming{groups}
	for _, cl := range cf.classes {
		name := nm.of(cl.groups)
		lo, hi := rangeOf(cl.xs)
		switch cl.key {
		case "reaches":
			clauses = append(clauses, withFor("reaches "+lv+" from about "+ax.axisRange(lo, hi)+cl.only(), name))
		case "already":
			clauses = append(clauses, withFor("already "+lv+" at "+cl.note, name))
		case "below":
			clauses = append(clauses, withFor("stays below "+lv+" in "+cl.note+" (at most "+valueRange(e.md.unit, lo, hi)+")", name))
		case cmpNoData:
			clauses = append(clauses, withFor("no data", name))
		}
	}
	f.say(ctx+": "+strings.Join(clauses, "; "), ctx+": where it reaches "+lv+" differs by group (see the table)", ctx+": see the table")
	return f, nil
}
