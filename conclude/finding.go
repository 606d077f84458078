package conclude

import (
	"math"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/infersim/infersim/result"
)

// MaxLine is the longest line of conclusions the run's table prints, in
// characters; MaxSentence is the longest a conclusion's sentence may be,
// so that it prints as "  - SENTENCE" within MaxLine: a sentence
// summarises its groups, the table under it holds each one.
const (
	MaxLine     = 160
	MaxSentence = MaxLine - len("  - ")
)

// finding is what a kind's evaluation computes: sentences that say the
// same thing at decreasing detail (the first that fits MaxSentence is
// used; the last always fits), and the table of its groups.
type finding struct {
	sentences []string
	cols      []string
	rows      [][]string
	notes     []string
}

// say adds a candidate sentence.
func (f *finding) say(s ...string) { f.sentences = append(f.sentences, s...) }

// row adds a row of the table: the group, then its cells.
func (f *finding) row(cells ...string) { f.rows = append(f.rows, cells) }

// sentence picks the most detailed candidate that fits in budget
// characters; when none does, the shortest.
func (f *finding) sentence(budget int) string {
	best := ""
	for _, c := range f.sentences {
		for _, s := range variants(c) {
			if utf8.RuneCountInString(s) <= budget {
				return s
			}
			if best == "" || utf8.RuneCountInString(s) < utf8.RuneCountInString(best) {
				best = s
			}
		}
	}
	return best
}

// conclusion is the finding as result keeps it.
func (f *finding) conclusion(kind string, budget int) result.Conclusion {
	c := result.Conclusion{Kind: kind, Sentence: f.sentence(budget), Notes: f.notes}
	if len(f.rows) > 0 {
		c.Columns, c.Rows = f.cols, f.rows
	}
	return c
}

// class is a set of groups whose clause reads the same (all grow, all
// have on-device winning below some uplink): the sentence has one clause
// per class.
type class struct {
	key    string
	groups []*group
	xs     []float64 // the values the clause gives a range of
	ys     []float64 // a second range, if the clause has one
	note   string    // a fixed text the members share
	// one is what the clause adds when the class has a single group
	// (its values, say): the member's own, set by the last add's caller.
	one  string
	noCI int // members without a CI
}

// only is the class's detail for a single member: " (1 s → 3 s)", "" for
// a class of several.
func (c *class) only() string {
	if len(c.groups) != 1 || c.one == "" {
		return ""
	}
	return detail(" (" + c.one + ")")
}

// Details: a part of a candidate sentence that may be left out when the
// sentence is too long is marked (detail); sentence tries each candidate
// with its details, then without.
const detailOpen, detailClose = "\x01", "\x02"

// detail marks text as a detail of a sentence.
func detail(text string) string { return detailOpen + text + detailClose }

// variants returns a candidate with its details and without them.
func variants(s string) []string {
	keep := strings.NewReplacer(detailOpen, "", detailClose, "").Replace(s)
	var drop strings.Builder
	for {
		i := strings.Index(s, detailOpen)
		if i < 0 {
			drop.WriteString(s)
			break
		}
		drop.WriteString(s[:i])
		j := strings.Index(s[i:], detailClose)
		if j < 0 {
			break
		}
		s = s[i+j+len(detailClose):]
	}
	return []string{keep, drop.String()}
}

// ciNote is " (no CI)" when no member of the class has a CI.
func (c *class) ciNote() string {
	if c.noCI > 0 && c.noCI == len(c.groups) {
		return " (no CI)"
	}
	return ""
}

// classify sorts groups into classes by key, in order of first appearance.
type classifier struct {
	classes []*class
	byKey   map[string]*class
}

func (cf *classifier) add(key string, g *group, x, y float64) *class {
	if cf.byKey == nil {
		cf.byKey = map[string]*class{}
	}
	c := cf.byKey[key]
	if c == nil {
		c = &class{key: key}
		cf.byKey[key] = c
		cf.classes = append(cf.classes, c)
	}
	c.groups = append(c.groups, g)
	c.xs = append(c.xs, x)
	c.ys = append(c.ys, y)
	return c
}

// lo and hi are the range of a class's xs (NaN skipped).
func rangeOf(xs []float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, x := range xs {
		if math.IsNaN(x) {
			continue
		}
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	return lo, hi
}

// argmax is the index of the largest x.
func argmax(xs []float64) int {
	k := 0
	for i, x := range xs {
		if x > xs[k] {
			k = i
		}
	}
	return k
}

// ratioRange prints a range of ratios, two significant digits: "3.6–22×",
// or "22×" when both ends print alike.
func ratioRange(lo, hi float64) string {
	a, b := ratioFig(lo), ratioFig(hi)
	if a == b {
		return a + "×"
	}
	return a + "–" + b + "×"
}

// valueRange prints a range of metric values: "264–589 ms", "1.2 s–3 s"
// when the units differ, one value when both ends print alike.
func valueRange(u result.Unit, lo, hi float64) string {
	a, b := format(u, lo), format(u, hi)
	if a == b {
		return a
	}
	na, ua, _ := strings.Cut(a, " ")
	_, ub, _ := strings.Cut(b, " ")
	if ua == ub && ua != "" {
		return na + "–" + b
	}
	return a + "–" + b
}

// axisRange prints a range of parameter values with the parameter's noun:
// "4–7.9 Mbps uplink", one value when both ends print alike.
func (ax *xAxis) axisRange(lo, hi float64) string {
	if ax.value(lo) == ax.value(hi) {
		return ax.with(lo)
	}
	return ax.rangeText(lo, hi)
}

// naming says which groups of a finding a class holds.
type naming struct{ all []*group }

// of names the groups of members: "" when they are all the groups; else
// "for X" when the values of one dimension pick exactly them ("for phone
// pixel4", "for alexnet and nin"); else "in 2 of 6 groups".
func (n naming) of(members []*group) string {
	if len(members) == len(n.all) {
		return ""
	}
	in := map[*group]bool{}
	for _, g := range members {
		in[g] = true
	}
	var dims []string
	seen := map[string]bool{}
	for _, g := range n.all {
		for _, d := range g.dims {
			if !seen[d] {
				seen[d] = true
				dims = append(dims, d)
			}
		}
	}
	bestText, bestN := "", math.MaxInt
	for _, d := range dims {
		vals := map[string]bool{}
		var order []string
		for _, g := range members {
			v := g.vals[d]
			if !vals[v] {
				vals[v] = true
				order = append(order, v)
			}
		}
		total := map[string]bool{}
		exact := true
		for _, g := range n.all {
			total[g.vals[d]] = true
			if vals[g.vals[d]] != in[g] {
				exact = false
			}
		}
		if !exact || len(vals) >= len(total) || len(vals) >= bestN {
			continue
		}
		var phrases []string
		for _, v := range order {
			phrases = append(phrases, dimPhrase(d, v))
		}
		if d == "mode" {
			phrases = modeFamilies(order, n.all)
		}
		bestText, bestN = "for "+andList(phrases), len(vals)
	}
	if bestText != "" {
		return bestText
	}
	if len(members) <= 2 {
		var ls []string
		for _, g := range members {
			ls = append(ls, labelOf(g))
		}
		return "for " + andList(ls)
	}
	return "in " + countOf(len(members), len(n.all)) + " groups"
}

// countOf prints "2 of 6".
func countOf(k, n int) string { return itoa(k) + " of " + itoa(n) }

func itoa(k int) string { return strings.TrimSpace(sigFig(float64(k), 20)) }

// labelOf is a group's label, "all" for the one group of a run without
// groups.
func labelOf(g *group) string {
	if g.label == "" {
		return "all"
	}
	return g.label
}

// withFor appends a class's naming to a clause.
func withFor(clause, name string) string {
	if name == "" {
		return clause
	}
	return clause + " " + name
}

// sortedKeys returns a set's keys sorted.
func sortedKeys(m map[string]bool) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// modeFamilies names modes by their family when they are all of it and
// every group's mode of that family is among them: "on-device" for
// on-device-cpu and on-device-gpu.
func modeFamilies(modes []string, all []*group) []string {
	for _, fam := range []string{"on-device", "cloud", "split"} {
		in := map[string]bool{}
		ok := len(modes) > 1
		for _, m := range modes {
			in[m] = true
			ok = ok && matchMode(fam, m)
		}
		for _, g := range all {
			m := g.vals["mode"]
			ok = ok && (!matchMode(fam, m) || in[m])
		}
		if ok {
			return []string{fam}
		}
	}
	return modes
}

// ratioFig prints a ratio with two significant digits, three when two
// would print a ratio that is not 1 as "1" (1.02).
func ratioFig(r float64) string {
	if t := sigFig(r, 2); t != "1" || r == 1 {
		return t
	}
	return sigFig(r, 3)
}
