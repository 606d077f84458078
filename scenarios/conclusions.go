package scenarios

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/infersim/infersim/result"
)

// A scenario's conclusions: each entry of its `conclusions:` section says
// how one line is computed from the run's summaries, so that every number
// and every direction in the line comes from the results (Conclude). The
// kinds:
//
//	crossover  where metric(a) − metric(b) changes sign along a swept numeric
//	           param (interpolated in log param when the sweep spans a decade
//	           or more; result.Crossings, the sweep charts' rule): "on-device
//	           beats cloud below 1.8 Mbps uplink"; no crossing: "cloud wins
//	           everywhere in 0.25–100 Mbps"
//	trend      how a metric moves along a swept param, first to last value:
//	           "grows 4.2× (2.0 s → 8.4 s) as GC pause scale goes 1 → 16"
//	compare    metric(a) / metric(b), per group, or from the first to the last
//	           value of param: "lte is 3.1× campus-wifi's (…; 58 % of it radio)"
//	threshold  the first value of param where the metric reaches level
//	           (interpolated between the two sweep values around it)
//	best       which mode has the lowest metric (highest with better: higher)
//	           along param: "split:13 below 2.1 Mbps uplink, split:0 above"
//
// Groups: `where` keeps the cells it matches; the cells left are split
// into groups by every dimension (model, mode, image, swept parameter)
// that still varies, except param and the dimensions the sides a and b
// restrict (within a side, the cells of a group are an envelope: the best
// value at each param value, as the sweep chart's crossover compares the
// best on-device mode with the best remote one). Each group is one clause
// of the line.
//
// Starts: a cell's requests are summarised in a cold group (the model had
// to load) and a warm one. A selector's start picks which: warm (the
// default; a cell with only cold requests gives those), cold (a cell that
// never loads, such as a cloud mode, gives its warm requests), or all
// (both merged; percentiles are then undefined).

// Conclusion kinds.
const (
	KindCrossover = "crossover"
	KindTrend     = "trend"
	KindCompare   = "compare"
	KindThreshold = "threshold"
	KindBest      = "best"
)

// Conclusion is one entry of a scenario's conclusions section.
type Conclusion struct {
	Kind   string   `yaml:"kind"`
	Metric string   `yaml:"metric"`
	Param  string   `yaml:"param"`
	Where  Selector `yaml:"where"`
	A      Selector `yaml:"a"`
	B      Selector `yaml:"b"`
	Level  float64  `yaml:"level"`
	Share  string   `yaml:"share"`
	Better string   `yaml:"better"`
}

// Selector picks cells of a run: every list that is given must contain
// the cell's value; params entries are "path=value" with a swept path.
type Selector struct {
	Label  string   `yaml:"label"`
	Models []string `yaml:"models"`
	Modes  []string `yaml:"modes"`
	Images []string `yaml:"images"`
	Start  string   `yaml:"start"`
	Params []string `yaml:"params"`
}

// modeFamilies are the names a selector's modes may use for a family.
var modeFamilies = []string{"on-device", "cloud", "split", "remote", "auto", "any"}

// matchMode reports whether mode is entry, or in the family entry names.
func matchMode(entry, mode string) bool {
	switch entry {
	case "on-device":
		return strings.HasPrefix(mode, "on-device")
	case "cloud":
		return strings.HasPrefix(mode, "cloud")
	case "split":
		return strings.HasPrefix(mode, "split:")
	case "remote":
		return strings.HasPrefix(mode, "cloud") || strings.HasPrefix(mode, "split:")
	case "any":
		return true
	}
	return entry == mode
}

var modeEntryCheck = check{doc: "a mode or a family (on-device, cloud, split, remote, auto, any)", text: func(s string) string {
	for _, f := range modeFamilies {
		if s == f {
			return ""
		}
	}
	if _, err := parseMode(s); err != nil {
		return fmt.Sprintf("%q is neither a mode nor a family (%s)", s, strings.Join(modeFamilies, ", "))
	}
	return ""
}}

var paramEntryCheck = check{doc: "path=value", text: func(s string) string {
	p, v, ok := strings.Cut(s, "=")
	if !ok || strings.TrimSpace(p) == "" || strings.TrimSpace(v) == "" {
		return fmt.Sprintf("%q: write path=value, e.g. network.preset=lte", s)
	}
	return ""
}}

var metricCheck = check{doc: "a metric name", text: func(s string) string {
	_, msg := lookupMetric(s)
	return msg
}}

// selectorField registers a selector mapping.
func selectorField(name, goName, desc string) *field {
	return obj(name, goName, desc,
		fld("label", "Label", kText, "What the sentence calls these cells; default: made from the modes, models and params given."),
		list("models", "Models", fld("", "", kText, "A model name."), "Models to keep.", scalarList()),
		list("modes", "Modes", fld("", "", kText, "A mode, or a family: on-device, cloud, split, remote (cloud and split), auto, any.", checks(modeEntryCheck)),
			"Modes to keep.", scalarList(), example("[on-device]")),
		list("images", "Images", fld("", "", kText, "An image size, WIDTHxHEIGHT."), "Image groups to keep.", scalarList()),
		fld("start", "Start", kEnum, "Which requests of a cell: warm (default), cold (first launches; a mode that never loads gives its warm requests), all (merged; no percentiles).", enum("warm", "cold", "all")),
		list("params", "Params", fld("", "", kText, "path=value: a swept parameter and one of its values, as written in the sweep.", checks(paramEntryCheck)),
			"Swept values to keep.", scalarList(), example("[network.preset=lte]")),
	)
}

// conclusionsField registers the conclusions section.
func conclusionsField() *field {
	f := list("conclusions", "Conclusions", obj("", "", "One conclusion line: how it is computed from the results.",
		fld("kind", "Kind", kEnum, "crossover (where metric(a) − metric(b) changes sign along param), trend (how metric moves along param), compare (metric(a) / metric(b)), threshold (first param value where metric reaches level), best (the mode with the best metric along param).",
			enum(KindCrossover, KindTrend, KindCompare, KindThreshold, KindBest)),
		fld("metric", "Metric", kText, "What is compared: latency.mean, latency.p50/p95/p99, phase.NAME, energy, energy.COMPONENT, energy.tail (the radio tail a request caused), battery.per_1000, throughput, ok, outcome.NAME, requests.per_hour, energy.per_hour, battery.per_hour, a world metric (app.kills, gc.pauses, model.loads, server.max_queue, ...; counts also per hour: NAME/h), model.reloads, model.reloads/h, app.kill_rate.",
			def("latency.mean"), checks(metricCheck), example("latency.p99")),
		fld("param", "Param", kText, "The swept parameter (a sweep path) the conclusion moves along; required by crossover, trend and threshold.", example("network.uplink.bandwidth")),
		selectorField("where", "Where", "The cells the conclusion looks at; omitted: all."),
		selectorField("a", "A", "crossover and compare: the first side (e.g. modes: [on-device])."),
		selectorField("b", "B", "crossover and compare: the second side (e.g. modes: [cloud])."),
		fld("level", "Level", kFloat, "threshold: the level, in the metric's base unit (seconds, joules, a fraction for shares)."),
		fld("share", "Share", kText, "compare: a part of the metric to report as a share of a's value, e.g. energy.radio.", checks(metricCheck)),
		fld("better", "Better", kEnum, "Whether a lower or a higher metric wins (crossover, best).", enum("lower", "higher"), def("lower")),
	), "One-line conclusions computed from the results after a run (printed after the table, in summary.json and on top of index.html).")
	noSweep()(f)
	return f
}

// checkConclusions checks the conclusions section against the rest of the
// scenario: kinds and their required fields, params that are swept,
// selector values that exist.
func (s *Scenario) checkConclusions(c *collector) {
	swept := map[string]*SweepParam{}
	for i := range s.Sweep.Params {
		swept[s.Sweep.Params[i].Path] = &s.Sweep.Params[i]
	}
	sweptNames := func() []string { return sortedKeys(swept) }
	for i, cn := range s.Conclusions {
		at := fmt.Sprintf("conclusions[%d]", i)
		if cn.Kind == "" {
			s.required(c, at, at+".kind", "kind: required (%s, %s, %s, %s or %s)", KindCrossover, KindTrend, KindCompare, KindThreshold, KindBest)
			continue
		}
		needParam := cn.Kind == KindCrossover || cn.Kind == KindTrend || cn.Kind == KindThreshold
		if cn.Param == "" && needParam {
			s.errAt(c, at, "param: required by %s (one of the swept paths: %s)", cn.Kind, strings.Join(sweptNames(), ", "))
		}
		if cn.Param != "" {
			sp, ok := swept[cn.Param]
			switch {
			case !ok:
				s.errAt(c, at+".param", "%q is not swept (sweep paths: %s)", cn.Param, strings.Join(sweptNames(), ", "))
			case needParam || cn.Kind == KindBest || cn.Kind == KindCompare:
				if f, _ := lookupPath(sp.Path); f != nil && !f.Kind().IsNumeric() {
					s.errAt(c, at+".param", "%s is %s; %s needs a numeric parameter", cn.Param, aKind(f), cn.Kind)
				}
			}
		}
		if cn.Kind == KindCrossover || cn.Kind == KindCompare {
			if !s.written(at + ".a") {
				s.required(c, at, at+".a", "a: required by %s (the first side, e.g. {modes: [on-device]})", cn.Kind)
			}
			if !s.written(at + ".b") {
				s.required(c, at, at+".b", "b: required by %s (the second side, e.g. {modes: [cloud]})", cn.Kind)
			}
		} else {
			for _, side := range []string{"a", "b"} {
				if s.written(at + "." + side) {
					s.errAt(c, at+"."+side, "does not apply to %s (only crossover and compare have sides)", cn.Kind)
				}
			}
		}
		if cn.Kind == KindThreshold && !s.written(at+".level") {
			s.required(c, at, at+".level", "level: required by threshold (in the metric's base unit)")
		}
		if cn.Share != "" && cn.Kind != KindCompare {
			s.errAt(c, at+".share", "only compare reports a share")
		}
		for _, side := range []struct {
			name string
			sel  Selector
		}{{"where", cn.Where}, {"a", cn.A}, {"b", cn.B}} {
			for j, pv := range side.sel.Params {
				path, val, ok := strings.Cut(pv, "=")
				if !ok {
					continue // reported by the field check
				}
				where := fmt.Sprintf("%s.%s.params[%d]", at, side.name, j)
				sp, found := swept[strings.TrimSpace(path)]
				if !found {
					s.errAt(c, where, "%q is not swept (sweep paths: %s)", strings.TrimSpace(path), strings.Join(sweptNames(), ", "))
					continue
				}
				if s.plan != nil {
					if msg := s.sweepValueKnown(sp.Path, strings.TrimSpace(val)); msg != "" {
						s.errAt(c, where, "%s", msg)
					}
				}
			}
			for j, m := range side.sel.Models {
				if msg := s.modelKnown(m); msg != "" {
					s.errAt(c, fmt.Sprintf("%s.%s.models[%d]", at, side.name, j), "%s", msg)
				}
			}
		}
	}
}

// sweepValueKnown checks that val is one of a swept path's values.
func (s *Scenario) sweepValueKnown(path, val string) string {
	for _, p := range s.plan.params {
		if p.path != path {
			continue
		}
		for _, l := range p.labels {
			if l == val {
				return ""
			}
		}
		return fmt.Sprintf("%s=%s: not a value of the sweep (%s)", path, val, strings.Join(p.labels, ", "))
	}
	return ""
}

// modelKnown checks a selector's model against the scenario's models and
// the swept ones.
func (s *Scenario) modelKnown(m string) string {
	for _, x := range s.Models {
		if x == m {
			return ""
		}
	}
	for _, sp := range s.Sweep.Params {
		if sp.Path == "models" || strings.HasPrefix(sp.Path, "models[") {
			return "" // the sweep decides; a model it never runs matches nothing
		}
	}
	return fmt.Sprintf("%q is not one of the scenario's models%s", m, didYouMean(m, s.Models))
}

// Conclude computes a scenario's conclusion lines from its summaries, one
// line per entry of its conclusions section. A line says what the data
// support and nothing more: a crossover that does not happen in the swept
// range is reported as such, a group without successful requests as "no
// data". The error reports a conclusion that cannot be computed at all
// (no summary matches its selectors); the other lines are still returned.
func Conclude(s *Scenario, sums []result.Summary) ([]string, error) {
	if s == nil || len(s.Conclusions) == 0 {
		return nil, nil
	}
	ev := newEvalCtx(s)
	cells := cellViews(sums)
	var lines []string
	var errs ErrorList
	for i := range s.Conclusions {
		cn := &s.Conclusions[i]
		line, err := conclude(s, ev, cn, cells)
		if err != nil {
			errs = append(errs, &Error{File: s.file, Line: s.line(fmt.Sprintf("conclusions[%d]", i)), Field: fmt.Sprintf("conclusions[%d]", i), Msg: err.Error()})
			continue
		}
		lines = append(lines, line)
	}
	if len(errs) > 0 {
		return lines, errs
	}
	return lines, nil
}

func newEvalCtx(s *Scenario) *evalCtx {
	return &evalCtx{reps: max(1, s.Replications), phones: float64(max(1, s.Phone.Count)), duration: float64(s.Workload.Duration)}
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

// paramNoun words a swept path for sentences.
func paramNoun(path string) string {
	switch path {
	case "network.uplink.bandwidth":
		return "uplink"
	case "network.downlink.bandwidth":
		return "downlink"
	case "phone.count":
		return "phones"
	case "phone.memory.background_pressure":
		return "background pressure"
	case "phone.gc.pause_scale":
		return "GC pause scale"
	case "phone.gc.alloc_scale":
		return "GC allocation scale"
	case "phone.lifecycle.background_every":
		return "switching interval"
	case "workload.arrivals.think":
		return "think time"
	case "cloud.batching.max_batch":
		return "max batch"
	case "network.preset":
		return "network"
	case "phone.device":
		return "phone"
	case "workload.upload":
		return "upload"
	}
	segs := strings.Split(path, ".")
	return strings.ReplaceAll(segs[len(segs)-1], "_", " ")
}

// xAxis formats values of a swept numeric parameter in the unit its
// labels are written in ("3.9 Mbps"), fractions as percentages.
type xAxis struct {
	path    string
	unit    string
	scale   float64
	pct     bool
	log     bool
	noun    string // after a value: "3.9 Mbps uplink", "830 phones"
	subject string // "as the uplink goes ...", "as the number of phones goes ..."
}

func newXAxis(path string, cells []*cellView) *xAxis {
	ax := &xAxis{path: path, scale: 1, noun: paramNoun(path), subject: "the " + paramNoun(path)}
	if path == "phone.count" {
		ax.subject = "the number of phones"
	}
	if f, _ := lookupPath(path); f != nil && f.Kind() == kFraction {
		ax.pct = true
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, c := range cells {
		p, ok := c.param(path)
		if !ok || !p.IsNumeric() {
			continue
		}
		lo, hi = math.Min(lo, p.Number), math.Max(hi, p.Number)
		if ax.unit == "" && !ax.pct {
			t := strings.TrimSpace(p.Value)
			i := numberLen(t)
			if i > 0 {
				var v float64
				if _, err := fmt.Sscanf(t[:i], "%g", &v); err == nil && v != 0 && p.Number != 0 {
					ax.unit = strings.TrimSpace(t[i:])
					ax.scale = p.Number / v
				}
			}
		}
	}
	ax.log = lo > 0 && hi/lo >= 10
	return ax
}

// value prints x: "3.9 Mbps", "48 %", "830".
func (ax *xAxis) value(x float64) string {
	if ax.pct {
		return sigFig(x*100, 2) + " %"
	}
	v := sigFig(x/ax.scale, 2)
	if math.Abs(x/ax.scale) >= 100 {
		v = sigFig(x/ax.scale, 3)
	}
	if ax.unit != "" {
		return v + " " + ax.unit
	}
	return v
}

// with prints x followed by the parameter's noun: "3.9 Mbps uplink".
func (ax *xAxis) with(x float64) string { return ax.value(x) + " " + ax.noun }

// rangeText prints "0.25–100 Mbps uplink".
func (ax *xAxis) rangeText(lo, hi float64) string {
	a, b := ax.value(lo), ax.value(hi)
	if ax.unit != "" && strings.HasSuffix(a, " "+ax.unit) {
		a = strings.TrimSuffix(a, " "+ax.unit)
	} else if ax.pct {
		a = strings.TrimSuffix(a, " %")
	}
	return a + "–" + b + " " + ax.noun
}

// series is one group's metric along the swept parameter.
type series struct {
	xs, ys []float64
}

// group is one clause's cells.
type group struct {
	label string
	cells []*cellView
	order int
}

// varyingDims returns the dimensions of dims that take more than one value
// among cells and are not fixed by the ones before them: the dimensions
// that tell groups apart.
func varyingDims(cells []*cellView, dims []string) []string {
	vary := []string{}
	for _, d := range dims {
		seen := map[string]bool{}
		for _, c := range cells {
			seen[c.dim(d)] = true
		}
		if len(seen) > 1 && !dependsOn(cells, vary, d) {
			vary = append(vary, d)
		}
	}
	return vary
}

// groupCells splits cells into groups by every dimension in dims that
// varies among them.
func groupCells(cells []*cellView, dims []string) []*group {
	vary := varyingDims(cells, dims)
	byKey := map[string]*group{}
	var out []*group
	for _, c := range cells {
		var cellParts, paramParts, key []string
		for _, d := range vary {
			v := c.dim(d)
			key = append(key, v)
			switch d {
			case "model", "mode", "image":
				cellParts = append(cellParts, v)
			default:
				paramParts = append(paramParts, dimPhrase(d, v))
			}
		}
		k := strings.Join(key, "\x00")
		g := byKey[k]
		if g == nil {
			label := strings.Join(cellParts, " ")
			if len(paramParts) > 0 {
				if label != "" {
					label += ", "
				}
				label += strings.Join(paramParts, ", ")
			}
			g = &group{label: label, order: c.order}
			byKey[k] = g
			out = append(out, g)
		}
		g.cells = append(g.cells, c)
	}
	return out
}

// dependsOn reports whether dimension d's value follows from one of dims'
// among the cells (a zipped sweep's companion: phone.cpu follows
// phone.device), so that it neither splits groups nor repeats in labels.
func dependsOn(cells []*cellView, dims []string, d string) bool {
	for _, a := range dims {
		f := map[string]string{}
		dep := true
		for _, c := range cells {
			va, vd := c.dim(a), c.dim(d)
			if old, ok := f[va]; ok && old != vd {
				dep = false
				break
			}
			f[va] = vd
		}
		if dep {
			return true
		}
	}
	return false
}

// allDims lists a run's dimensions: model, mode, image and the swept
// parameters, in that order.
func allDims(cells []*cellView) []string {
	d := []string{"model", "mode", "image"}
	seen := map[string]bool{}
	for _, c := range cells {
		for _, p := range c.params {
			if cellParam(p.Name) {
				continue // the cell's own model, mode or image
			}
			if !seen[p.Name] {
				seen[p.Name] = true
				d = append(d, p.Name)
			}
		}
	}
	return d
}

// cellParam reports whether a swept path sets what a cell already names:
// its model, mode or image (sweeping models or workload.modes).
func cellParam(path string) bool {
	for _, p := range []string{"models", "workload.modes", "workload.images"} {
		if path == p || strings.HasPrefix(path, p+"[") || strings.HasPrefix(path, p+".") {
			return true
		}
	}
	return false
}

// without returns dims minus the dimensions in drop.
func without(dims []string, drop ...string) []string {
	var out []string
	for _, d := range dims {
		keep := true
		for _, x := range drop {
			keep = keep && d != x
		}
		if keep {
			out = append(out, d)
		}
	}
	return out
}

// evaluator computes one conclusion.
type evaluator struct {
	s     *Scenario
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

func conclude(s *Scenario, ev *evalCtx, cn *Conclusion, all []*cellView) (string, error) {
	md, msg := lookupMetric(cn.Metric)
	if md == nil {
		return "", fmt.Errorf("%s", msg)
	}
	e := &evaluator{s: s, ev: ev, cn: cn, md: md, lower: cn.Better != "higher"}
	var cells []*cellView
	for _, c := range all {
		if cn.Where.matches(c) {
			cells = append(cells, c)
		}
	}
	if len(cells) == 0 {
		return "", fmt.Errorf("no result matches where (%s)", cn.Where.label())
	}
	ctx := md.phrase
	var notes []string
	switch cn.Where.Start {
	case "all":
		notes = append(notes, "cold and warm requests")
	case "cold", "warm":
		notes = append(notes, cn.Where.Start)
	}
	for _, d := range cn.Where.restricts() {
		vals := map[string]bool{}
		for _, c := range cells {
			vals[c.dim(d)] = true
		}
		if len(vals) == 1 {
			for v := range vals {
				notes = append(notes, dimPhrase(d, v))
			}
		}
	}
	if len(notes) > 0 {
		ctx += " (" + strings.Join(notes, ", ") + ")"
	}
	switch cn.Kind {
	case KindCrossover:
		return e.crossover(ctx, cells)
	case KindTrend:
		return e.trend(ctx, cells)
	case KindCompare:
		return e.compare(ctx, cells)
	case KindThreshold:
		return e.threshold(ctx, cells)
	case KindBest:
		return e.best(ctx, cells)
	}
	return "", fmt.Errorf("unknown kind %q", cn.Kind)
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
func (e *evaluator) sides(cells []*cellView) (va, vb map[float64]float64, whoA map[float64]*cellView, xs []float64) {
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
	vb, _ = e.envelope(cb, e.start(&cn.B))
	for _, x := range sortedXs(va) {
		if _, ok := vb[x]; ok {
			xs = append(xs, x)
		}
	}
	return va, vb, whoA, xs
}

func (e *evaluator) crossover(ctx string, cells []*cellView) (string, error) {
	cn := e.cn
	ax := newXAxis(cn.Param, cells)
	dims := without(allDims(cells), cn.Param)
	dims = without(dims, append(cn.A.restricts(), cn.B.restricts()...)...)
	la, lb := cn.A.label(), cn.B.label()
	var clauses []clause
	for _, g := range groupCells(cells, dims) {
		va, vb, _, xs := e.sides(g.cells)
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
		// Intervals where a wins, from the crossings.
		var parts []string
		from := lo
		aWinsNow := cs[0].Below
		for i, c := range cs {
			if aWinsNow {
				if i == 0 {
					parts = append(parts, "below "+ax.with(c.X))
				} else {
					parts = append(parts, "between "+ax.value(from)+" and "+ax.with(c.X))
				}
			}
			from = c.X
			aWinsNow = !c.Below
		}
		if aWinsNow {
			parts = append(parts, "above "+ax.with(from))
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
func describeChange(u metricUnit, a, b float64) (string, int) {
	vals := " (" + u.format(a) + " → " + u.format(b) + ")"
	scale := math.Max(math.Abs(a), math.Abs(b))
	switch {
	case scale == 0 || math.Abs(b-a) <= trendTolerance*scale:
		return fmt.Sprintf("stays within ±%.0f %%%s", trendTolerance*100, vals), 0
	case a > 0 && b > 0 && b > a:
		return "grows " + ratioText(b/a) + vals, 1
	case a > 0 && b > 0:
		return "falls " + ratioText(a/b) + vals, -1
	case b > a:
		return "rises from " + u.format(a) + " to " + u.format(b), 1
	}
	return "falls from " + u.format(a) + " to " + u.format(b), -1
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
	ax := newXAxis(e.cn.Param, cells)
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
		text, dir := describeChange(e.md.unit, s.ys[0], s.ys[n-1])
		if dir != 0 && !monotone(s.ys, dir) {
			text += ", not monotonically"
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
	ax := newXAxis(e.cn.Param, cells)
	dims := without(allDims(cells), e.cn.Param)
	level := e.cn.Level
	lv := e.md.unit.format(level)
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
			clauses = append(clauses, clause{fmt.Sprintf("stays below %s in %s", lv, ax.rangeText(s.xs[0], s.xs[n-1])), fmt.Sprintf("(at most %s)", e.md.unit.format(maxOf(s.ys))), g.label})
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
		ax = newXAxis(cn.Param, cells)
	}
	la, lb := cn.A.label(), cn.B.label()
	var clauses []clause
	for _, g := range groupCells(cells, dims) {
		va, vb, whoA, xs := e.sides(g.cells)
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
		ratio := func(x float64) string {
			if vb[x] == 0 {
				return "n/a×"
			}
			return ratioText(va[x] / vb[x])
		}
		if ax == nil || len(xs) == 1 {
			x := xs[0]
			clauses = append(clauses, clause{"", fmt.Sprintf("%s is %s %s's (%s vs %s%s)", la, ratio(x), lb,
				e.md.unit.format(va[x]), e.md.unit.format(vb[x]), share(x)), g.label})
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
		text := fmt.Sprintf("%s is %s %s's at %s (%s vs %s%s) and %s at %s (%s vs %s%s)", la, ratio(x0), lb, ax.with(x0),
			e.md.unit.format(va[x0]), e.md.unit.format(vb[x0]), share(x0), ratio(x1), ax.with(x1),
			e.md.unit.format(va[x1]), e.md.unit.format(vb[x1]), share(x1))
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
		ax = newXAxis(cn.Param, cells)
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
				e.md.unit.format(lo), e.md.unit.format(hi)), nil
		}
	}
	for _, g := range groups {
		// Each mode's series.
		modes := map[string]map[float64]float64{}
		var order []string
		for _, c := range g.cells {
			y := e.value(e.md, c, e.start(&cn.Where))
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
		if len(order) == 0 {
			clauses = append(clauses, clause{"no data (no successful requests)", "", g.label})
			continue
		}
		xsSet := map[float64]float64{}
		for _, m := range order {
			for x := range modes[m] {
				xsSet[x] = 0
			}
		}
		xs := sortedXs(xsSet)
		winner := make([]string, len(xs))
		for i, x := range xs {
			bestV := math.NaN()
			for _, m := range order {
				if y, ok := modes[m][x]; ok && (math.IsNaN(bestV) || e.better(y, bestV)) {
					bestV, winner[i] = y, m
				}
			}
		}
		if ax == nil {
			m := winner[0]
			clauses = append(clauses, clause{"", fmt.Sprintf("%s (%s)", m, e.md.unit.format(modes[m][xs[0]])), g.label})
			continue
		}
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
		clauses = append(clauses, clause{"", strings.Join(segs, ", "), g.label})
	}
	return word + " " + ctx + ": " + joinClauses(clauses), nil
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

// conclusionLines is what the runner stores in result.Run.Conclusions: the
// scenario's conclusion lines for a complete run (none for an interrupted
// one: a sweep cut short would support a different sentence), in order,
// with a line saying why in place of a conclusion that could not be
// computed.
func conclusionLines(s *Scenario, run *result.Run) []string {
	if s == nil || run == nil || !run.Complete || len(s.Conclusions) == 0 {
		return nil
	}
	ev := newEvalCtx(s)
	cells := cellViews(run.Summaries)
	var lines []string
	for i := range s.Conclusions {
		line, err := conclude(s, ev, &s.Conclusions[i], cells)
		if err != nil {
			line = fmt.Sprintf("(conclusions[%d] not computed: %v)", i, err)
		}
		lines = append(lines, line)
	}
	return lines
}

// clause is one group's part of a line: a head, a body and the group it
// is about. Consecutive clauses with the same head and body name their
// groups together ("for alexnet, nin and squeezenet-v1.0"); consecutive
// clauses with the same head write it once ("on-device beats cloud below
// 5.1 Mbps uplink for alexnet, below 2.8 Mbps uplink for nin").
type clause struct{ head, body, group string }

// joinClauses writes clauses, merging as the clause type says.
func joinClauses(cs []clause) string {
	// Same head and body: one clause for several groups.
	type merged struct {
		head, body string
		groups     []string
	}
	var ms []merged
	for _, c := range cs {
		if n := len(ms); n > 0 && ms[n-1].head == c.head && ms[n-1].body == c.body && c.group != "" && len(ms[n-1].groups) > 0 {
			ms[n-1].groups = append(ms[n-1].groups, c.group)
			continue
		}
		m := merged{head: c.head, body: c.body}
		if c.group != "" {
			m.groups = []string{c.group}
		}
		ms = append(ms, m)
	}
	tail := func(m merged) string {
		t := m.body
		if len(m.groups) > 0 {
			if t != "" {
				t += " "
			}
			t += "for " + andList(m.groups)
		}
		return t
	}
	var out []string
	for i := 0; i < len(ms); {
		j := i
		var tails []string
		for j < len(ms) && ms[j].head == ms[i].head && (ms[i].head != "" || j == i) {
			if t := tail(ms[j]); t != "" {
				tails = append(tails, t)
			}
			j++
		}
		text := ms[i].head
		if t := strings.Join(tails, ", "); t != "" {
			if text != "" {
				text += " "
			}
			text += t
		}
		out = append(out, text)
		i = j
	}
	return strings.Join(out, "; ")
}

// andList joins "a", "b", "c" as "a, b and c".
func andList(xs []string) string {
	if len(xs) <= 1 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}
