package conclude

import (
	"fmt"
	"math"
	"strings"

	"github.com/infersim/infersim/result"
)

// crossover: where metric(a) − metric(b) changes sign along param, per
// group. The sentence gives the range of the crossings ("on-device beats
// cloud below 4–7.9 Mbps uplink"), the table each group's with the 95 % CI
// of where the replications cross.
func (e *evaluator) crossover(ctx string, cells []*cellView) (*finding, error) {
	cn := e.cn
	ax := newXAxis(cn.Param, cells, e.ev.fraction)
	dims := without(allDims(cells), cn.Param)
	dims = without(dims, append(cn.A.restricts(), cn.B.restricts()...)...)
	la, lb := cn.A.label(), cn.B.label()
	groups := groupCells(cells, dims)
	f := &finding{cols: []string{"group", "where " + la + " beats " + lb + " (95 % CI of the crossing)"}}
	var cf classifier
	noCI := 0
	crossed := 0
	for _, g := range groups {
		va, vb, whoA, whoB, xs := e.sides(g.cells)
		if len(xs) == 0 {
			cf.add(cmpNoData, g, math.NaN(), math.NaN())
			f.row(labelOf(g), "no data to compare (no successful requests)")
			continue
		}
		ya, yb := make([]float64, len(xs)), make([]float64, len(xs))
		for i, x := range xs {
			ya[i], yb[i] = va[x], vb[x]
			if !e.lower { // a "beats" b where a > b: compare −a with −b
				ya[i], yb[i] = -ya[i], -yb[i]
			}
		}
		cs := result.Crossings(xs, ya, yb, ax.log)
		lo, hi := xs[0], xs[len(xs)-1]
		if len(cs) == 0 {
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
				cl := cf.add("tie", g, lo, hi)
				cl.note = la + " and " + lb + " tie everywhere in " + ax.rangeText(lo, hi)
				f.row(labelOf(g), "they tie everywhere in "+ax.rangeText(lo, hi))
			case bWins > aWins:
				cl := cf.add("never", g, lo, hi)
				cl.note = lb + " wins everywhere in " + ax.rangeText(lo, hi)
				f.row(labelOf(g), "nowhere: "+lb+" wins everywhere in "+ax.rangeText(lo, hi))
			default:
				cl := cf.add("always", g, lo, hi)
				cl.note = la + " wins everywhere in " + ax.rangeText(lo, hi)
				f.row(labelOf(g), "everywhere in "+ax.rangeText(lo, hi))
			}
			continue
		}
		crossed++
		cis := e.crossingCIs(xs, whoA, whoB, len(cs), ax)
		hasCI := cis[0] != "" && !strings.Contains(cis[0], "no interval")
		if !hasCI {
			noCI++
		}
		var parts, shape []string
		from := lo
		aWinsNow := cs[0].Below
		for i, c := range cs {
			if aWinsNow {
				if i == 0 {
					parts, shape = append(parts, "below "+ax.with(c.X)+cis[i]), append(shape, "below")
				} else {
					parts, shape = append(parts, "between "+ax.value(from)+" and "+ax.with(c.X)+cis[i]), append(shape, "between")
				}
			}
			from = c.X
			aWinsNow = !c.Below
		}
		if aWinsNow {
			parts, shape = append(parts, "above "+ax.with(from)+cis[len(cs)-1]), append(shape, "above")
		}
		f.row(labelOf(g), strings.Join(parts, " and "))
		key := strings.Join(shape, " ")
		if len(cs) > 1 {
			cf.add("several", g, math.NaN(), math.NaN())
			continue
		}
		cl := cf.add(key, g, cs[0].X, math.NaN())
		if hasCI {
			cl.one = strings.TrimSuffix(strings.TrimPrefix(cis[0], " ("), ")")
		} else {
			cl.noCI++
		}
	}
	var clauses []string
	subject := true
	for _, cl := range cf.classes {
		name := naming{groups}.of(cl.groups)
		switch cl.key {
		case "below", "above":
			lo, hi := rangeOf(cl.xs)
			text := cl.key + " " + ax.axisRange(lo, hi) + cl.only() + cl.ciNote()
			if subject {
				text = la + " beats " + lb + " " + text
				subject = false
			}
			clauses = append(clauses, withFor(text, name))
		case "several":
			clauses = append(clauses, withFor(la+" and "+lb+" cross more than once", name))
		case "tie", "never", "always":
			clauses = append(clauses, withFor(cl.note, name))
		case cmpNoData:
			clauses = append(clauses, withFor("no data to compare", name))
		}
	}
	tail := ""
	partial := false
	for _, cl := range cf.classes {
		partial = partial || cl.noCI > 0 && cl.noCI < len(cl.groups)
	}
	switch {
	case partial:
		tail = fmt.Sprintf("; %s crossings without a CI", countOf(noCI, crossed))
	}
	f.say(ctx+": "+strings.Join(clauses, "; ")+tail,
		fmt.Sprintf("%s: where %s beats %s along the %s differs by group (see the table)%s", ctx, la, lb, ax.noun, tail),
		ctx+": see the table")

	return f, nil
}
