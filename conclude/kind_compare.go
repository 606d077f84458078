package conclude

import (
	"fmt"
	"math"
	"strings"

	"github.com/infersim/infersim/result"
)

// compare: metric(a) / metric(b) per group, or at the first and the last
// value of param. The sentence gives the range of the ratios, turned
// around below 1 ("on-device is 3.6–22× slower than cloud"); the table
// gives each group's ratio with its CI and both values.
func (e *evaluator) compare(ctx string, cells []*cellView) (*finding, error) {
	cn := e.cn
	var shareDef *metricDef
	if cn.Share != "" {
		d, msg := lookupMetric(cn.Share)
		if d == nil {
			return nil, fmt.Errorf("share: %s", msg)
		}
		shareDef = d
	}
	dims := without(allDims(cells), append(cn.A.restricts(), cn.B.restricts()...)...)
	var ax *xAxis
	if cn.Param != "" {
		dims = without(dims, cn.Param)
		ax = newXAxis(cn.Param, cells, e.ev.fraction)
	}
	groups := groupCells(cells, dims)
	c := &comparer{e: e, la: cn.A.label(), lb: cn.B.label(), w: e.wording(), shareDef: shareDef, nm: naming{groups}}
	if ax == nil {
		return c.atPoint(ctx, groups), nil
	}
	return c.along(ctx, groups, ax), nil
}

// comparer holds what a compare conclusion's groups share.
type comparer struct {
	e        *evaluator
	la, lb   string
	w        wording
	shareDef *metricDef
	nm       naming
}

// side is one group's two sides.
type side struct {
	va, vb     map[float64]float64
	whoA, whoB map[float64]*cellView
	xs         []float64
}

// ratioAt is the paired ratio of a group's sides at x, turned.
func (c *comparer) ratioAt(s side, x float64) turned {
	e := c.e
	if s.vb[x] == 0 {
		return turned{how: cmpNoData, iv: interval{est: math.NaN(), lo: math.NaN(), hi: math.NaN()}}
	}
	return turn(e.ratio(s.whoA[x], s.whoB[x], e.start(&e.cn.A), e.start(&e.cn.B)))
}

// shareAt is the share part of a's value at x (NaN: none).
func (c *comparer) shareAt(s side, x float64) float64 {
	if c.shareDef == nil {
		return math.NaN()
	}
	part := c.e.value(c.shareDef, s.whoA[x], c.e.start(&c.e.cn.A))
	if math.IsNaN(part) || !(s.va[x] > 0) {
		return math.NaN()
	}
	return part / s.va[x]
}

func (c *comparer) sideOf(g *group) side {
	va, vb, whoA, whoB, xs := c.e.sides(g.cells)
	return side{va, vb, whoA, whoB, xs}
}

// values prints a's and b's values at x: "6.04 s vs 588 ms".
func (c *comparer) values(s side, x float64) string {
	u := c.e.md.unit
	return format(u, s.va[x]) + " vs " + format(u, s.vb[x])
}

// sharePhrase is the share metric's phrase: "radio tail energy".
func (c *comparer) sharePhrase() string {
	return strings.TrimSuffix(c.shareDef.phrase, " per request")
}

// atPoint compares the sides in each group (one value each).
func (c *comparer) atPoint(ctx string, groups []*group) *finding {
	f := &finding{cols: []string{"group", c.la, c.lb, c.la + " vs " + c.lb + " (95 % CI)"}}
	if c.shareDef != nil {
		f.cols = append(f.cols, "share of "+c.la+"'s")
	}
	var cf classifier
	var shares []float64
	noCI := 0
	for _, g := range groups {
		s := c.sideOf(g)
		if len(s.xs) == 0 {
			cf.add(cmpNoData, g, math.NaN(), math.NaN())
			f.row(labelOf(g), "-", "-", "no data (no successful requests)")
			continue
		}
		x := s.xs[0]
		t := c.ratioAt(s, x)
		cl := cf.add(t.how, g, t.iv.est, math.NaN())
		cl.one = c.values(s, x)
		if (t.how == cmpMore || t.how == cmpLess) && !t.iv.has() {
			noCI++
			cl.noCI++
		}
		row := []string{labelOf(g), format(c.e.md.unit, s.va[x]), format(c.e.md.unit, s.vb[x]), t.cell(c.w)}
		if c.shareDef != nil {
			sh := c.shareAt(s, x)
			shares = append(shares, sh)
			row = append(row, pct(sh))
		}
		f.row(row...)
	}
	f.say(c.pointSentences(ctx, &cf, len(groups), shares, noCI)...)
	return f
}

// pct prints a share as a percentage, "-" when undefined.
func pct(x float64) string {
	if math.IsNaN(x) {
		return "-"
	}
	return sigFig(100*x, 2) + " %"
}

// pointSentences words the classes of an atPoint compare, most detailed
// first.
func (c *comparer) pointSentences(ctx string, cf *classifier, n int, shares []float64, noCI int) []string {
	var main []string // the clauses of more, less and same
	largest := ""
	subject := true
	for _, k := range []string{cmpMore, cmpLess, cmpSame} {
		cl := cf.byKey[k]
		if cl == nil {
			continue
		}
		lo, hi := rangeOf(cl.xs)
		var text string
		switch k {
		case cmpSame:
			text = c.la + " and " + c.lb + " are equal within 0.5 % (no CI)"
		default:
			text = ratioRange(lo, hi) + " " + c.w.word(k == cmpLess) + cl.ciNote()
			if subject {
				text = c.la + " " + c.w.verb + " " + text + " than " + c.lb
				subject = false
			}
			text += cl.only()
			if len(cl.groups) >= 3 && hi > lo {
				largest = detail("largest for " + labelOf(cl.groups[argmax(cl.xs)]))
			}
		}
		main = append(main, withFor(text, c.nm.of(cl.groups)))
	}
	if len(main) > 1 {
		largest = ""
	}
	var tail []string
	if cl := cf.byKey[cmpND]; cl != nil {
		if len(cl.groups) == n {
			main = append(main, c.la+" and "+c.lb+" are "+NotDistinguishable)
		} else {
			tail = append(tail, countOf(len(cl.groups), n)+" groups not distinguishable")
		}
	}
	if cl := cf.byKey[cmpNoData]; cl != nil {
		if len(cl.groups) == n {
			main = append(main, "no data to compare (no successful requests)")
		} else {
			tail = append(tail, countOf(len(cl.groups), n)+" groups without data")
		}
	}
	partial := false
	for _, cl := range cf.classes {
		partial = partial || cl.noCI > 0 && cl.noCI < len(cl.groups)
	}
	if partial {
		tail = append(tail, countOf(noCI, n)+" without a CI")
	}
	share := ""
	if lo, hi := rangeOf(shares); c.shareDef != nil && lo <= hi {
		share = valueRange(result.UnitFraction, lo, hi) + " of " + c.la + "'s is " + c.sharePhrase()
	}
	head := ctx + ": " + strings.Join(main, ", ")
	join := func(parts ...string) string {
		var ps []string
		for _, p := range parts {
			if p != "" {
				ps = append(ps, p)
			}
		}
		if len(ps) == 0 {
			return head
		}
		return head + "; " + strings.Join(ps, "; ")
	}
	t := strings.Join(tail, "; ")
	return []string{join(largest, share, t), join(share, t), join(t),
		ctx + ": " + c.la + " vs " + c.lb + " differs by group (see the table)" + map[bool]string{true: "; " + t, false: ""}[t != ""],
		ctx + ": " + c.la + " vs " + c.lb + ": see the table"}
}

// along compares the sides at the first and the last value of param.
func (c *comparer) along(ctx string, groups []*group, ax *xAxis) *finding {
	// The first and last values over every group head the columns.
	lo, hi := math.Inf(1), math.Inf(-1)
	sides := make([]side, len(groups))
	for i, g := range groups {
		sides[i] = c.sideOf(g)
		if xs := sides[i].xs; len(xs) > 0 {
			lo, hi = math.Min(lo, xs[0]), math.Max(hi, xs[len(xs)-1])
		}
	}
	if lo > hi {
		f := &finding{}
		f.say(ctx + ": no data to compare (no successful requests)")
		return f
	}
	f := &finding{cols: []string{"group", "at " + ax.with(lo), "at " + ax.with(hi), "range along " + ax.noun}}
	if c.shareDef != nil {
		f.cols = append(f.cols, "share of "+c.la+"'s")
	}
	var first, last classifier
	var shares []float64
	n := 0
	for i, g := range groups {
		s := sides[i]
		if len(s.xs) == 0 {
			f.row(labelOf(g), "no data (no successful requests)")
			continue
		}
		n++
		x0, x1 := s.xs[0], s.xs[len(s.xs)-1]
		t0, t1 := c.ratioAt(s, x0), c.ratioAt(s, x1)
		if cl := first.add(t0.how, g, t0.iv.est, math.NaN()); !t0.iv.has() {
			cl.noCI++
		}
		if cl := last.add(t1.how, g, t1.iv.est, math.NaN()); !t1.iv.has() {
			cl.noCI++
		}
		cell := func(t turned, x, want float64) string {
			text := t.cell(c.w) + ", " + c.values(s, x)
			if x != want {
				text += " (at " + ax.with(x) + ")"
			}
			return text
		}
		between := "-"
		rlo, rhi := math.Inf(1), math.Inf(-1)
		for _, x := range s.xs {
			if s.vb[x] != 0 {
				r := s.va[x] / s.vb[x]
				rlo, rhi = math.Min(rlo, r), math.Max(rhi, r)
			}
		}
		if len(s.xs) > 2 && rlo <= rhi {
			between = c.plainRange(rlo, rhi)
		}
		row := []string{labelOf(g), cell(t0, x0, lo), cell(t1, x1, hi), between}
		if c.shareDef != nil {
			s0, s1 := c.shareAt(s, x0), c.shareAt(s, x1)
			shares = append(shares, s0, s1)
			row = append(row, pct(s0)+" → "+pct(s1))
		}
		f.row(row...)
	}
	// part words one end: its class, the ratio range and comparative.
	part := func(cf *classifier) (key, ratio, word string) {
		if len(cf.classes) != 1 {
			return "mixed", "", "differs by group"
		}
		cl := cf.classes[0]
		switch cl.key {
		case cmpMore, cmpLess:
			l, h := rangeOf(cl.xs)
			return cl.key, ratioRange(l, h), c.w.word(cl.key == cmpLess) + cl.ciNote()
		case cmpSame:
			return cl.key, "", "equal within 0.5 % (no CI)"
		case cmpND:
			return cl.key, "", "not distinguishable"
		}
		return cl.key, "", "no data"
	}
	k0, r0, w0 := part(&first)
	k1, r1, w1 := part(&last)
	at0, at1 := " at "+ax.with(lo), " at "+ax.with(hi)
	ratioKind := func(k string) bool { return k == cmpMore || k == cmpLess }
	var main string
	switch {
	case ratioKind(k0) && ratioKind(k1):
		if k1 == k0 {
			w1 = strings.Fields(w1)[0] + strings.TrimPrefix(w1, c.w.word(k1 == cmpLess)) // "22× more", the noun said once
		}
		main = c.la + " " + c.w.verb + " " + r0 + " " + w0 + " than " + c.lb + at0 + ", " + r1 + " " + w1 + at1
	case k0 == k1:
		main = c.la + " vs " + c.lb + ": " + w0 + at0 + " and" + at1
	default:
		p0, p1 := strings.TrimSpace(r0+" "+w0), strings.TrimSpace(r1+" "+w1)
		main = c.la + " vs " + c.lb + ": " + p0 + at0 + ", " + p1 + at1
	}
	share := ""
	if l, h := rangeOf(shares); c.shareDef != nil && l <= h {
		share = "; " + valueRange(result.UnitFraction, l, h) + " of " + c.la + "'s is " + c.sharePhrase()
	}
	noData := ""
	if n < len(groups) {
		noData = "; " + countOf(len(groups)-n, len(groups)) + " groups without data"
	}
	f.say(ctx+": "+main+share+noData, ctx+": "+main+noData,
		ctx+": "+c.la+" vs "+c.lb+" from "+ax.value(lo)+" to "+ax.with(hi)+": see the table")
	return f
}

// plain prints a ratio without a CI, turned around below 1: "3.00×
// slower", "6.00× faster".
func (c *comparer) plain(r float64) string {
	if r > 0 && r < 1 {
		return ratioText(1/r) + " " + strings.Fields(c.w.less)[0]
	}
	return ratioText(r) + " " + strings.Fields(c.w.more)[0]
}

// plainRange prints the range of a/b along param, turned around below 1:
// "3.6–22× slower", "3.00× slower to 6.00× faster".
func (c *comparer) plainRange(lo, hi float64) string {
	switch {
	case lo >= 1:
		return ratioRange(lo, hi) + " " + strings.Fields(c.w.more)[0]
	case hi < 1:
		return ratioRange(1/hi, 1/lo) + " " + strings.Fields(c.w.less)[0]
	}
	return c.plain(lo) + " to " + c.plain(hi)
}
