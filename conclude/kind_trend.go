package conclude

import (
	"fmt"
	"math"
	"strings"
)

// The ways a metric moves from the first to the last value of param.
const (
	moveGrows = "grows" // both positive, up: a factor
	moveFalls = "falls" // both positive, down: a factor
	moveRises = "rises" // up from zero or below
	moveDrops = "drops" // down to zero or below
	moveND    = "nd"    // the CI of the change holds zero
	moveFlat  = "flat"  // no CI, within ±trendTolerance
)

// change classifies the move from a to b. iv is the 95 % CI of b − a:
// when there is one, the change is flat exactly when it holds zero;
// without one, within ±trendTolerance of the larger value. The factor is
// b/a for grows, a/b for falls.
func change(a, b float64, iv interval) (how string, factor float64, dir int) {
	scale := math.Max(math.Abs(a), math.Abs(b))
	switch {
	case iv.has() && iv.spans(0):
		return moveND, math.NaN(), 0
	case !iv.has() && (scale == 0 || math.Abs(b-a) <= trendTolerance*scale):
		return moveFlat, math.NaN(), 0
	case a > 0 && b > 0 && b > a:
		return moveGrows, b / a, 1
	case a > 0 && b > 0:
		return moveFalls, a / b, -1
	case b > a:
		return moveRises, math.NaN(), 1
	}
	return moveDrops, math.NaN(), -1
}

// changeCell words a change for the table: "grows 2.98×", "no change
// distinguishable", "within ±5 % (no CI)".
func changeCell(how string, factor float64) string {
	switch how {
	case moveGrows, moveFalls:
		return how + " " + ratioText(factor)
	case moveND:
		return "no change distinguishable"
	case moveFlat:
		return fmt.Sprintf("within ±%.0f %% (no CI)", trendTolerance*100)
	case moveRises:
		return "rises"
	}
	return "falls"
}

// trend: how a metric moves along param, first to last value, per group.
func (e *evaluator) trend(ctx string, cells []*cellView) (*finding, error) {
	ax := newXAxis(e.cn.Param, cells, e.ev.fraction)
	dims := without(allDims(cells), e.cn.Param)
	groups := groupCells(cells, dims)
	u := e.md.unit
	st := e.start(&e.cn.Where)
	var header string
	f := &finding{}
	var cf classifier
	var success []*group
	successUp, successDown := 0, 0
	for _, g := range groups {
		s := e.seriesOf(g.cells, st)
		if len(s.xs) < 2 {
			cf.add(cmpNoData, g, math.NaN(), math.NaN())
			f.row(labelOf(g), "-", "-", "no data (fewer than two points with successful requests)")
			continue
		}
		n := len(s.xs)
		_, who := e.envelope(g.cells, st)
		c0, c1 := who[s.xs[0]], who[s.xs[n-1]]
		a, b := s.ys[0], s.ys[n-1]
		how, factor, dir := change(a, b, e.diff(c1, c0, st, st))
		var notes []string
		if dir != 0 && !monotone(s.ys, dir) {
			notes = append(notes, "not monotonically")
		}
		if sm := e.successMoves(c0, c1, st); sm != "" {
			notes = append(notes, sm)
			success = append(success, g)
			if sr, _ := lookupMetric("success_rate"); sr != nil && e.value(sr, c1, st) > e.value(sr, c0, st) {
				successUp++
			} else {
				successDown++
			}
		}
		rng := "as " + ax.subject + " goes " + ax.value(s.xs[0]) + " → " + ax.value(s.xs[n-1])
		if header == "" {
			header = rng
		}
		if rng != header {
			notes = append(notes, ax.value(s.xs[0])+" → "+ax.value(s.xs[n-1]))
		}
		cf.add(how, g, factor, b).one = format(u, a) + " → " + format(u, b)
		row := []string{labelOf(g), format(u, a), format(u, b), changeCell(how, factor)}
		if len(notes) > 0 {
			row = append(row, strings.Join(notes, "; "))
		} else {
			row = append(row, "")
		}
		f.row(row...)
	}
	from, to := "first", "last"
	if header != "" {
		from, to = "at "+ax.value(firstX(groups, e, st)), "at "+ax.value(lastX(groups, e, st))
	}
	f.cols = []string{"group", from, to, "change", "note"}
	n := len(groups)
	var clauses, tail []string
	largest := ""
	for _, cl := range cf.classes {
		name := naming{groups}.of(cl.groups)
		switch cl.key {
		case moveGrows, moveFalls:
			lo, hi := rangeOf(cl.xs)
			clauses = append(clauses, withFor(cl.key+" "+ratioRange(lo, hi)+cl.only(), name))
			if len(cl.groups) >= 3 && hi > lo {
				largest = detail("largest for " + labelOf(cl.groups[argmax(cl.xs)]))
			}
		case moveRises, moveDrops:
			lo, hi := rangeOf(cl.ys)
			verb := "rises to "
			if cl.key == moveDrops {
				verb = "falls to "
			}
			clauses = append(clauses, withFor(verb+valueRange(u, lo, hi), name))
		case moveFlat:
			clauses = append(clauses, withFor(fmt.Sprintf("stays within ±%.0f %% (no CI)", trendTolerance*100), name))
		case moveND:
			if len(cl.groups) == n {
				clauses = append(clauses, "shows no change "+strings.TrimPrefix(NotDistinguishable, "not "))
			} else {
				tail = append(tail, countOf(len(cl.groups), n)+" groups not distinguishable")
			}
		case cmpNoData:
			tail = append(tail, countOf(len(cl.groups), n)+" groups without data")
		}
	}
	if len(success) > 0 {
		dirWord := "moves"
		switch {
		case successUp == len(success):
			dirWord = "rises"
		case successDown == len(success):
			dirWord = "falls"
		}
		tail = append(tail, withFor("success rate "+dirWord, naming{groups}.of(success)))
	}
	if len(cf.classes) > 1 {
		largest = ""
	}
	head := ctx
	heads := []string{ctx}
	if header != "" {
		head += " " + header
		// The same range, shorter: "over 0–60 % background pressure".
		heads = []string{head, ctx + " over " + ax.rangeText(firstX(groups, e, st), lastX(groups, e, st))}
	}
	join := func(head string, parts ...string) string {
		var ps []string
		for _, p := range parts {
			if p != "" {
				ps = append(ps, p)
			}
		}
		if len(clauses) == 0 {
			return head + ": " + strings.Join(ps, "; ")
		}
		text := head + ": " + strings.Join(clauses, ", ")
		if len(ps) > 0 {
			text += "; " + strings.Join(ps, "; ")
		}
		return text
	}
	t := strings.Join(tail, "; ")
	for _, h := range heads {
		f.say(join(h, largest, t), join(h, t))
		if len(success) > 0 { // the success rate's move is in the table
			f.say(join(h, strings.Join(tail[:len(tail)-1], "; ")))
		}
	}
	nd := ""
	for _, x := range tail {
		if strings.HasSuffix(x, "not distinguishable") {
			nd = "; " + x
		}
	}
	f.say(head+": differs by group (see the table)"+nd, ctx+": see the table"+nd)
	return f, nil
}

// firstX and lastX are the first and the last param values of any group's
// series.
func firstX(groups []*group, e *evaluator, st string) float64 {
	x := math.Inf(1)
	for _, g := range groups {
		if s := e.seriesOf(g.cells, st); len(s.xs) > 0 {
			x = math.Min(x, s.xs[0])
		}
	}
	return x
}

func lastX(groups []*group, e *evaluator, st string) float64 {
	x := math.Inf(-1)
	for _, g := range groups {
		if s := e.seriesOf(g.cells, st); len(s.xs) > 0 {
			x = math.Max(x, s.xs[len(s.xs)-1])
		}
	}
	return x
}
