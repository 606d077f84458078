package conclude

import (
	"fmt"
	"math"
	"strings"

	"github.com/infersim/infersim/result"
)

// cellView is one cell at one point: a model × mode × image with its
// groups (cold, warm; whichever have requests).
type cellView struct {
	point              int
	model, mode, image string
	params             []result.Param
	groups             []*result.Summary
	order              int // first appearance in the summaries
}

func (c *cellView) param(name string) (result.Param, bool) {
	for _, p := range c.params {
		if p.Name == name {
			return p, true
		}
	}
	return result.Param{}, false
}

// byStart returns the cell's cold group, warm group and the group of any
// other start (merged); nil for those it lacks.
func (c *cellView) byStart() (cold, warm, other *result.Summary) {
	for _, g := range c.groups {
		switch g.Start {
		case result.Cold:
			cold = g
		case result.Warm:
			warm = g
		default:
			other = g
		}
	}
	return cold, warm, other
}

// pick returns the group a start asks for: "warm" prefers the warm group
// (a cell with only cold requests gives its cold group), "cold" the cold
// group (a cell that never loads a model, such as a cloud mode, has only
// warm requests: they stand for its cold start), "all" a group merged
// from both (see merged).
func (c *cellView) pick(start string) *result.Summary {
	cold, warm, all := c.byStart()
	first := func(gs ...*result.Summary) *result.Summary {
		for _, g := range gs {
			if g != nil {
				return g
			}
		}
		return nil
	}
	switch start {
	case "cold":
		return first(cold, all, warm)
	case "all":
		if cold != nil && warm != nil {
			return c.merged(cold, warm)
		}
		return first(all, warm, cold)
	}
	return first(warm, all, cold)
}

// merged returns a group holding both a cell's cold and warm requests:
// counts add, means are weighted by the requests they average (latency and
// phases by successful requests, energy by every request); percentiles
// cannot be merged from two summaries and are NaN.
func (c *cellView) merged(a, b *result.Summary) *result.Summary {
	m := *b
	m.Start = result.All
	m.Requests = a.Requests + b.Requests
	for i := range m.Outcomes {
		m.Outcomes[i] = a.Outcomes[i] + b.Outcomes[i]
	}
	wmean := func(x, y result.Stat, nx, ny int) result.Stat {
		st := result.NaNStat()
		st.N = x.N + y.N
		sx, sy := x.Mean, y.Mean
		if nx == 0 || math.IsNaN(sx) {
			sx, nx = 0, 0
		}
		if ny == 0 || math.IsNaN(sy) {
			sy, ny = 0, 0
		}
		if nx+ny == 0 {
			st.Mean = math.NaN()
			return st
		}
		st.Mean = (sx*float64(nx) + sy*float64(ny)) / float64(nx+ny)
		st.Min, st.Max = math.Min(x.Min, y.Min), math.Max(x.Max, y.Max)
		return st
	}
	m.Latency = wmean(a.Latency, b.Latency, a.OK(), b.OK())
	for p := range m.Phases {
		m.Phases[p] = wmean(a.Phases[p], b.Phases[p], a.OK(), b.OK())
	}
	for k := range m.Energy {
		m.Energy[k] = wmean(a.Energy[k], b.Energy[k], a.Requests, b.Requests)
	}
	m.EnergyTotal = wmean(a.EnergyTotal, b.EnergyTotal, a.Requests, b.Requests)
	m.LatencyAll = wmean(a.LatencyAll, b.LatencyAll, a.Requests, b.Requests)
	m.Success = wmean(a.Success, b.Success, a.Requests, b.Requests)
	// Replications merge request-weighted, as the means above.
	m.Reps = nil
	if len(a.Reps) == len(b.Reps) {
		w := func(x, y float64, nx, ny int) float64 {
			if nx == 0 || math.IsNaN(x) {
				x, nx = 0, 0
			}
			if ny == 0 || math.IsNaN(y) {
				y, ny = 0, 0
			}
			if nx+ny == 0 {
				return math.NaN()
			}
			return (x*float64(nx) + y*float64(ny)) / float64(nx+ny)
		}
		for i := range a.Reps {
			ra, rb := a.Reps[i], b.Reps[i]
			nan := math.NaN() // percentiles and spans do not merge
			m.Reps = append(m.Reps, result.RepMeans{Requests: ra.Requests + rb.Requests, OK: ra.OK + rb.OK,
				Latency:    w(ra.Latency, rb.Latency, ra.OK, rb.OK),
				LatencyAll: w(ra.LatencyAll, rb.LatencyAll, ra.Requests, rb.Requests),
				Energy:     w(ra.Energy, rb.Energy, ra.Requests, rb.Requests),
				LatencyP50: nan, LatencyP95: nan, LatencyP99: nan, LatencyAllP95: nan, LatencyAllP99: nan, Throughput: nan})
		}
	}
	if !math.IsNaN(b.BatteryPer1000) && b.EnergyTotal.Mean > 0 {
		m.BatteryPer1000 = b.BatteryPer1000 * m.EnergyTotal.Mean / b.EnergyTotal.Mean
	}
	return &m
}

// requests counts the cell's requests.
func (c *cellView) requests() int {
	n := 0
	for _, g := range c.groups {
		n += g.Requests
	}
	return n
}

// outcomeShare is the fraction of the cell's requests that ended with o.
func (c *cellView) outcomeShare(o result.Outcome) float64 {
	n, k := 0, 0
	for _, g := range c.groups {
		n += g.Requests
		k += g.Outcomes[o]
	}
	if n == 0 {
		return math.NaN()
	}
	return float64(k) / float64(n)
}

// world returns a per-world metric's mean over replications (every group
// of a cell carries the same worlds' metrics).
func (c *cellView) world(name string) float64 {
	for _, g := range c.groups {
		if st, ok := g.Metric(name); ok {
			return st.Mean
		}
	}
	return math.NaN()
}

// cellViews groups summaries into cells, in order of first appearance.
func cellViews(sums []result.Summary) []*cellView {
	byKey := map[string]*cellView{}
	var out []*cellView
	for i := range sums {
		g := &sums[i]
		key := fmt.Sprintf("%d\x00%s\x00%s\x00%s", g.Point, g.Model, g.Mode, g.Image)
		c := byKey[key]
		if c == nil {
			c = &cellView{point: g.Point, model: g.Model, mode: g.Mode, image: g.Image, params: g.Params, order: len(out)}
			byKey[key] = c
			out = append(out, c)
		}
		c.groups = append(c.groups, g)
	}
	return out
}

// dims of a cell: model, mode, image, then each swept parameter by name.
func (c *cellView) dim(d string) string {
	switch d {
	case "model":
		return c.model
	case "mode":
		return c.mode
	case "image":
		return c.image
	}
	if p, ok := c.param(d); ok {
		return p.Value
	}
	return ""
}

// matches reports whether the cell is one a selector keeps.
func (sel *Selector) matches(c *cellView) bool {
	in := func(list []string, v string) bool {
		if len(list) == 0 {
			return true
		}
		for _, x := range list {
			if strings.TrimSpace(x) == v {
				return true
			}
		}
		return false
	}
	if !in(sel.Models, c.model) || !in(sel.Images, c.image) {
		return false
	}
	if len(sel.Modes) > 0 {
		ok := false
		for _, m := range sel.Modes {
			ok = ok || matchMode(strings.TrimSpace(m), c.mode)
		}
		if !ok {
			return false
		}
	}
	for _, pv := range sel.Params {
		path, val, _ := strings.Cut(pv, "=")
		if c.dim(strings.TrimSpace(path)) != strings.TrimSpace(val) {
			return false
		}
	}
	return true
}

// restricts returns the dimensions a selector pins.
func (sel *Selector) restricts() []string {
	var d []string
	if len(sel.Models) > 0 {
		d = append(d, "model")
	}
	if len(sel.Modes) > 0 {
		d = append(d, "mode")
	}
	if len(sel.Images) > 0 {
		d = append(d, "image")
	}
	for _, pv := range sel.Params {
		path, _, _ := strings.Cut(pv, "=")
		d = append(d, strings.TrimSpace(path))
	}
	return d
}

// label names a side for sentences: its label, else its modes, models,
// images and param values.
func (sel *Selector) label() string {
	if sel.Label != "" {
		return sel.Label
	}
	var parts []string
	if len(sel.Modes) > 0 {
		parts = append(parts, strings.Join(sel.Modes, "/"))
	}
	if len(sel.Models) > 0 {
		parts = append(parts, strings.Join(sel.Models, "/"))
	}
	if len(sel.Images) > 0 {
		parts = append(parts, strings.Join(sel.Images, "/"))
	}
	for _, pv := range sel.Params {
		_, v, _ := strings.Cut(pv, "=")
		parts = append(parts, strings.TrimSpace(v))
	}
	l := strings.Join(parts, " ")
	if l == "" {
		l = "all"
	}
	if sel.Start != "" {
		l += " (" + sel.Start + ")"
	}
	return l
}

// dimPhrase names a dimension's value in a group label: "alexnet",
// "max_batch 16".
func dimPhrase(d, v string) string {
	if v == "" {
		v = "(unset)"
	}
	switch d {
	case "model", "mode", "image":
		return v
	}
	return paramNoun(d) + " " + v
}
