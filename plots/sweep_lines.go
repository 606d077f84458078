package plots

import (
	"fmt"
	"image/color"
	"math"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/infersim/infersim/internal/suggest"
	"github.com/infersim/infersim/result"
)

// Metric is what a sweep chart plots against the swept parameter.
type Metric string

// The metrics.
const (
	Mean   Metric = "mean"   // mean end-to-end latency, with its 95 % CI
	P50    Metric = "p50"    // median end-to-end latency
	P95    Metric = "p95"    // 95th percentile end-to-end latency
	P99    Metric = "p99"    // 99th percentile end-to-end latency
	Energy Metric = "energy" // mean phone energy per request, with its 95 % CI
)

// A Metric other than the latency statistics and energy is a per-world (or
// per-request) metric of the summaries (result.Summary.Metrics, named in
// result's metrics table, or any dotted name): its mean over replications,
// with its 95 % CI, on a plain number axis.

// WorldMetrics returns the per-world and per-request metrics the sweep
// chart words in its labels (result's metrics table), sorted: app.kills,
// gc.pauses, model.loads, server.max_queue, ... ParseMetric accepts these
// and any name with a dot as a per-world metric.
func WorldMetrics() []string {
	return result.MetricNames(result.ScopeRequest, result.ScopeWorld)
}

// info returns the metric's row of result's metrics table; a dotted name
// the table does not know is a per-world metric worded by its name.
func (m Metric) info() (result.MetricInfo, bool) {
	if mi, ok := result.LookupChartMetric(string(m)); ok {
		return mi, true
	}
	if strings.Contains(string(m), ".") {
		return result.MetricInfo{Name: string(m), Label: string(m), Scope: result.ScopeWorld, CI: true}, true
	}
	return result.MetricInfo{}, false
}

// world reports whether m names a metric of Summary.Metrics: a per-world
// (or per-request) one of the table, or any dotted name.
func (m Metric) world() bool {
	mi, ok := m.info()
	return ok && mi.Scope != result.ScopeGroup
}

// ParseMetric reads a --metric value.
func ParseMetric(s string) (Metric, error) {
	m := Metric(strings.ToLower(strings.TrimSpace(s)))
	if m == "" {
		return Mean, nil
	}
	if _, ok := m.info(); ok {
		return m, nil
	}
	if near := suggest.Closest(string(m), chartMetricNames()); near != "" {
		return "", fmt.Errorf("plots: unknown metric %q (did you mean %q?)", s, near)
	}
	return "", fmt.Errorf("plots: unknown metric %q (want p50, p95, p99, mean, energy or a per-world metric such as app.kills)", s)
}

// chartMetricNames returns every metric name ParseMetric knows, in the
// metrics table's order: the group statistics by their chart names (mean,
// p50, ...), then the per-request and per-world metrics.
func chartMetricNames() []string {
	var names []string
	for _, mi := range result.Metrics() {
		switch {
		case mi.Scope != result.ScopeGroup:
			names = append(names, mi.Name)
		case mi.Chart != "":
			names = append(names, mi.Chart)
		}
	}
	return names
}

// row is the metric's table row; an unknown metric is the mean latency.
func (m Metric) row() result.MetricInfo {
	if mi, ok := m.info(); ok {
		return mi
	}
	mi, _ := Mean.info()
	return mi
}

// value returns the metric of a summary and the half-width of its CI (a
// latency percentile's is the interval of the mean of the replications'
// percentiles, result.Stat.P95CI95; NaN for a metric without one).
func (m Metric) value(s *result.Summary) (v, ci float64) {
	v, ci, _ = m.row().Value(s)
	return v, ci
}

func (m Metric) field() string { return m.row().FieldName() }

func (m Metric) describe() string {
	mi := m.row()
	if mi.Scope != result.ScopeGroup {
		return mi.Label + " per run"
	}
	return mi.Label
}

// SweepOptions configures SweepLines and Crossovers.
type SweepOptions struct {
	// Title replaces the default title.
	Title string
	// Param names the swept parameter on the x axis, e.g.
	// "network.uplink.bandwidth". Empty means the first numeric parameter
	// whose value varies between points.
	Param string
	// Metric is what the y axis shows; empty means Mean.
	Metric Metric
	// LogX and LogY draw the axes on log scales. A crossover on a log x
	// axis is interpolated in log x.
	LogX, LogY bool
	// Start picks the groups: empty means "all" when present, else warm,
	// else cold.
	Start result.Start
	// ColorByLine gives each line its own colour (OkabeIto, in order)
	// instead of its mode's: for charts whose lines are all one mode.
	ColorByLine bool
}

// Crossover is where on-device inference starts to win: the best
// on-device mode's line crosses the best remote (cloud or split) mode's.
type Crossover struct {
	// Group names the lines' model (and image and other swept parameters
	// when they vary); empty when there is only one.
	Group string
	// X is the parameter value in base units (e.g. bit/s), Y the metric
	// there.
	X, Y float64
	// Below is true when on-device wins for values below X.
	Below bool
	// Label says it in words: "on-device wins below 0.77 Mbps".
	Label string
}

// sweepLine is one line of a sweep chart.
type sweepLine struct {
	group, model, mode string
	label              string    // the mode as the legend names it (result.ModeLabel)
	xs, ys, cis        []float64 // x in base units
}

// sweepData validates the summaries and gathers the lines.
type sweepData struct {
	param string
	unit  unitScale
	lines []*sweepLine
	multi bool // several groups (models, ...)
}

func gatherSweep(sums []result.Summary, opts SweepOptions) (*sweepData, error) {
	if len(sums) == 0 {
		return nil, empty("sweep lines: no summaries")
	}
	metric := opts.Metric
	if metric == "" {
		metric = Mean
	}
	param := opts.Param
	if param == "" {
		param = sweptParam(sums)
		if param == "" {
			return nil, empty("sweep lines: no numeric parameter varies between points")
		}
	}
	start := opts.Start
	if start == "" {
		start = defaultStart(sums)
	}
	d := &sweepData{param: param, unit: unitScale{"", 1}}
	groupOf := lineGroups(sums, param)
	byKey := map[string]*sweepLine{}
	var f finite
	found := false
	for i := range sums {
		s := &sums[i]
		if s.Start != start {
			continue
		}
		x, ok := paramOf(s, param)
		if !ok {
			continue
		}
		found = true
		f.check(x.Number, func() string { return describe(i, s) + ": params." + param })
		if opts.LogX && x.Number <= 0 && f.err == nil {
			return nil, fmt.Errorf("plots: sweep lines: %s: %s = %s is not positive, cannot use a log axis", describe(i, s), param, x.Value)
		}
		if d.unit.Name == "" {
			d.unit = paramUnit(x.Value, x.Number)
		}
		if s.OK() == 0 && !(metric.world() && s.Requests > 0) {
			continue
		}
		v, ci := metric.value(s)
		f.check(v, func() string { return describe(i, s) + ": " + metric.field() })
		f.checkCI(ci, func() string { return describe(i, s) + ": ci95" })
		if opts.LogY && v <= 0 && f.err == nil {
			return nil, fmt.Errorf("plots: sweep lines: %s: %s = %v is not positive, cannot use a log axis", describe(i, s), metric.field(), v)
		}
		group := groupOf(s)
		key := group + "\x00" + s.Mode
		l := byKey[key]
		if l == nil {
			l = &sweepLine{group: group, model: s.Model, mode: s.Mode, label: s.ModeLabel()}
			byKey[key] = l
			d.lines = append(d.lines, l)
		}
		l.xs = append(l.xs, x.Number)
		l.ys = append(l.ys, v)
		l.cis = append(l.cis, ci)
	}
	if f.err != nil {
		return nil, f.err
	}
	if !found {
		return nil, empty("sweep lines: no %s group has parameter %q", start, param)
	}
	if len(d.lines) == 0 {
		return nil, empty("sweep lines: no successful request at any point")
	}
	d.sortLines()
	return d, nil
}

// defaultStart is the start a sweep chart shows when none is asked for:
// all when the summaries have merged groups, else warm, else cold.
func defaultStart(sums []result.Summary) result.Start {
	has := map[result.Start]bool{}
	for i := range sums {
		has[sums[i].Start] = true
	}
	switch {
	case has[result.All]:
		return result.All
	case has[result.Warm]:
		return result.Warm
	}
	return result.Cold
}

// paramOf returns a summary's value of the parameter.
func paramOf(s *result.Summary, param string) (result.Param, bool) {
	var x result.Param
	ok := false
	for _, p := range s.Params {
		if p.Name == param {
			x, ok = p, true
		}
	}
	return x, ok
}

// lineGroups returns what names a summary's group of lines: its model and
// image when those vary, and the other swept parameters that vary (a
// two-dimensional sweep), joined by " · ".
func lineGroups(sums []result.Summary, param string) func(s *result.Summary) string {
	others := map[string]map[string]bool{}
	images := map[string]bool{}
	models := map[string]bool{}
	for i := range sums {
		for _, p := range sums[i].Params {
			if p.Name != param && p.Name != "workload.mode" && p.Name != "workload.model" {
				if others[p.Name] == nil {
					others[p.Name] = map[string]bool{}
				}
				others[p.Name][p.Value] = true
			}
		}
		images[sums[i].Image] = true
		models[sums[i].Model] = true
	}
	names := make([]string, 0, len(others))
	for n, vals := range others {
		if len(vals) > 1 {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return func(s *result.Summary) string {
		var gparts []string
		if len(models) > 1 {
			gparts = append(gparts, s.Model)
		}
		if len(images) > 1 {
			gparts = append(gparts, s.Image)
		}
		for _, n := range names {
			for _, p := range s.Params {
				if p.Name == n {
					gparts = append(gparts, shortParam(n)+" "+p.Value)
				}
			}
		}
		return strings.Join(gparts, " · ")
	}
}

// sortLines sorts each line by x and the lines of a group by mode,
// keeping the groups in order of first appearance.
func (d *sweepData) sortLines() {
	for _, l := range d.lines {
		sort.Sort(byX{l})
		if l.group != "" {
			d.multi = true
		}
	}
	sort.SliceStable(d.lines, func(i, j int) bool {
		if d.lines[i].group != d.lines[j].group {
			return false // keep first-appearance order of groups
		}
		return modeLess(d.lines[i].mode, d.lines[j].mode)
	})
}

type byX struct{ l *sweepLine }

// Len, Less and Swap sort a line's points by x.
func (b byX) Len() int           { return len(b.l.xs) }
func (b byX) Less(i, j int) bool { return b.l.xs[i] < b.l.xs[j] }
func (b byX) Swap(i, j int) {
	l := b.l
	l.xs[i], l.xs[j] = l.xs[j], l.xs[i]
	l.ys[i], l.ys[j] = l.ys[j], l.ys[i]
	l.cis[i], l.cis[j] = l.cis[j], l.cis[i]
}

// sweptParam returns the first numeric parameter whose value varies.
func sweptParam(sums []result.Summary) string {
	var order []string
	vals := map[string]map[float64]bool{}
	for i := range sums {
		for _, p := range sums[i].Params {
			if !p.IsNumeric() {
				continue
			}
			if vals[p.Name] == nil {
				vals[p.Name] = map[float64]bool{}
				order = append(order, p.Name)
			}
			vals[p.Name][p.Number] = true
		}
	}
	for _, n := range order {
		if len(vals[n]) > 1 {
			return n
		}
	}
	return ""
}

// Crossovers returns, for each group of lines (each model, image, ...),
// where the best on-device mode and the best remote mode (cloud or split)
// cross, in parameter order. The envelopes are compared at the parameter
// values where both have a point.
func Crossovers(sums []result.Summary, opts SweepOptions) ([]Crossover, error) {
	d, err := gatherSweep(sums, opts)
	if err != nil {
		return nil, err
	}
	return d.crossovers(opts.LogX), nil
}

func (d *sweepData) crossovers(logX bool) []Crossover {
	var groups []string
	seen := map[string]bool{}
	for _, l := range d.lines {
		if !seen[l.group] {
			seen[l.group] = true
			groups = append(groups, l.group)
		}
	}
	var out []Crossover
	for _, g := range groups {
		phone, remote := map[float64]float64{}, map[float64]float64{}
		for _, l := range d.lines {
			if l.group != g {
				continue
			}
			var env map[float64]float64
			switch family(l.mode) {
			case familyPhone:
				env = phone
			case familyCloud, familySplit:
				env = remote
			default:
				continue
			}
			for i, x := range l.xs {
				if v, ok := env[x]; !ok || l.ys[i] < v {
					env[x] = l.ys[i]
				}
			}
		}
		var xs, a, b []float64
		for x, v := range phone {
			if w, ok := remote[x]; ok {
				xs, a, b = append(xs, x), append(a, v), append(b, w)
			}
		}
		idx := make([]int, len(xs))
		for i := range idx {
			idx[i] = i
		}
		sort.Slice(idx, func(i, j int) bool { return xs[idx[i]] < xs[idx[j]] })
		sx, sa, sb := make([]float64, len(xs)), make([]float64, len(xs)), make([]float64, len(xs))
		for k, i := range idx {
			sx[k], sa[k], sb[k] = xs[i], a[i], b[i]
		}
		for _, c := range result.Crossings(sx, sa, sb, logX) {
			y := interpAt(sx, sa, c.X, logX)
			where := "above"
			if c.Below {
				where = "below"
			}
			lab := "on-device wins " + where + " " + fmtNum(c.X/d.unit.Scale)
			if d.unit.Name != "" {
				lab += " " + d.unit.Name
			}
			if g != "" {
				lab = g + ": " + lab
			}
			out = append(out, Crossover{Group: g, X: c.X, Y: y, Below: c.Below, Label: lab})
		}
	}
	return out
}

// interpAt interpolates ys at x (in log x when logX).
func interpAt(xs, ys []float64, x float64, logX bool) float64 {
	tr := func(v float64) float64 { return v }
	if logX {
		tr = math.Log10
	}
	for i := 1; i < len(xs); i++ {
		if x <= xs[i] {
			t := (tr(x) - tr(xs[i-1])) / (tr(xs[i]) - tr(xs[i-1]))
			return ys[i-1] + t*(ys[i]-ys[i-1])
		}
	}
	return ys[len(ys)-1]
}

// axisLabel turns a parameter name into words: "network.uplink.bandwidth"
// → "uplink bandwidth".
func axisLabel(param string) string {
	switch param {
	case "phone.count":
		return "phones sharing the server"
	case "workload.arrivals.think":
		return "think time between requests"
	case "phone.lifecycle.background_every":
		return "time between trips to the background"
	case "phone.memory.background_pressure":
		return "other apps' memory (fraction of RAM)"
	}
	parts := strings.Split(param, ".")
	if len(parts) > 1 {
		parts = parts[1:]
	}
	return strings.ReplaceAll(strings.Join(parts, " "), "_", " ")
}

// SweepLines draws a metric against a swept numeric parameter: one line per
// mode (and per model, image or other swept parameter when they vary, told
// apart by dash pattern), a shaded 95 % confidence band for the mean-based
// metrics (Mean, Energy; the summaries carry no interval for percentiles,
// so P50 and P95 get none), and each crossover between the best on-device
// mode and the best remote mode marked with a dashed line and labelled
// "on-device wins below 0.77 Mbps" (see Crossovers).
//
// It returns an error wrapping ErrEmpty when there is no summary or no
// numeric parameter varies, and a *NotFiniteError naming the field for a
// NaN or infinite value.
func SweepLines(sums []result.Summary, opts SweepOptions) (*Figure, error) {
	d, err := gatherSweep(sums, opts)
	if err != nil {
		return nil, err
	}
	metric := opts.Metric
	if metric == "" {
		metric = Mean
	}
	cross := d.crossovers(opts.LogX)
	if metric.world() {
		cross = nil // a count per run has no "on-device wins" side
	}

	// Display units.
	ymax := 0.0
	for _, l := range d.lines {
		for i, y := range l.ys {
			ymax = max(ymax, y+nanZero(l.cis[i]))
		}
	}
	yu, yfmt := timeUnit(ymax), fmtSeconds
	switch {
	case metric == Energy:
		yu, yfmt = energyUnit(ymax), fmtJoules
	case metric.world():
		// A per-world metric of the table keeps its unit (a chat's time to
		// first token is seconds, its energy joules); counts, shares and
		// dotted names the table does not know are plain numbers.
		yu, yfmt = unitScale{"", 1}, fmtNum
		if mi, ok := result.LookupChartMetric(string(metric)); ok {
			switch mi.Unit {
			case result.UnitSeconds:
				yu, yfmt = timeUnit(ymax), fmtSeconds
			case result.UnitJoules:
				yu, yfmt = energyUnit(ymax), fmtJoules
			}
		}
	}
	xfmt := func(v float64) string { return fmtNum(v) }
	tx := func(x float64) float64 { return x / d.unit.Scale }
	if opts.LogX {
		tx = func(x float64) float64 { return math.Log10(x / d.unit.Scale) }
	}
	ty := func(y float64) float64 { return y / yu.Scale }
	if opts.LogY {
		ty = math.Log10
	}

	p := d.newSweepPlot(metric, opts, yu)
	d.setRanges(p, opts, yu, xfmt, yfmt)
	p.Add(vgrid{}, hgrid{})

	leg := newLegend()
	groupDash := map[string]int{}
	bands := false
	for li, l := range d.lines {
		if _, ok := groupDash[l.group]; !ok {
			groupDash[l.group] = len(groupDash) % len(dashes)
		}
		col := ModeColor(l.mode)
		if opts.ColorByLine {
			col = OkabeIto[li%len(OkabeIto)]
		}
		band, err := addSweepLine(p, leg, l, col, dashes[groupDash[l.group]], tx, ty, opts.LogY)
		if err != nil {
			return nil, err
		}
		bands = bands || band
	}
	if bands {
		leg.add("shaded: 95 % CI of the mean", swatch{fill: withAlpha(Grey, 0x50)})
	}
	if len(cross) > 0 {
		leg.add("crossover", lineThumb{line: crossStyle})
	}
	marks := make([]crossMark, len(cross))
	for i, c := range cross {
		marks[i] = crossMark{x: tx(c.X), y: ty(c.Y), label: c.Label}
	}
	p.Add(&crossMarks{marks: marks})

	title := opts.Title
	if title == "" {
		title = capitalize(metric.describe()) + " vs " + axisLabel(d.param)
	}
	return legendFigure(title, leg, func(c draw.Canvas) { fitDraw(p, c) }, 4*vg.Inch), nil
}

// newSweepPlot returns the sweep chart's plot with its axis labels: the
// parameter in its unit, the metric in yu.
func (d *sweepData) newSweepPlot(metric Metric, opts SweepOptions, yu unitScale) *plot.Plot {
	p := newPlot("", "", "")
	xl := axisLabel(d.param)
	if d.unit.Name != "" {
		xl += " (" + d.unit.Name
		if opts.LogX {
			xl += ", log scale"
		}
		xl += ")"
	} else if opts.LogX {
		xl += " (log scale)"
	}
	p.X.Label.Text = xl
	yl := metric.describe()
	if opts.LogY {
		yl += " (log scale)"
	} else if yu.Name != "" {
		yl += " (" + yu.Name + ")"
	}
	p.Y.Label.Text = yl

	return p
}

// setRanges sets the sweep chart's axes: the sweep with a small margin on
// x (the swept values as ticks when there are few), the lines and their CI
// bands on y.
func (d *sweepData) setRanges(p *plot.Plot, opts SweepOptions, yu unitScale, xfmt, yfmt func(float64) string) {
	xlo, xhi, ylo, yhi := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, l := range d.lines {
		for i, x := range l.xs {
			xlo, xhi = min(xlo, x), max(xhi, x)
			ci := nanZero(l.cis[i])
			lo := l.ys[i] - ci
			if opts.LogY && lo <= 0 {
				lo = l.ys[i]
			}
			ylo, yhi = min(ylo, lo), max(yhi, l.ys[i]+ci)
		}
	}
	if xlo == xhi {
		xlo, xhi = xlo*0.9, xhi*1.1
	}
	// The x axis spans the sweep with a small margin; when the sweep has
	// few values they are the labelled ticks, so the reader sees which
	// points were simulated.
	xvals := map[float64]bool{}
	for _, l := range d.lines {
		for _, x := range l.xs {
			xvals[x] = true
		}
	}
	if opts.LogX {
		lo, hi := math.Log10(xlo/d.unit.Scale), math.Log10(xhi/d.unit.Scale)
		m := (hi - lo) * 0.04
		p.X.Min, p.X.Max = lo-m, hi+m
		p.X.Tick.Marker = logTicks{format: xfmt}
	} else {
		m := (xhi - xlo) / d.unit.Scale * 0.04
		p.X.Min, p.X.Max = xlo/d.unit.Scale-m, xhi/d.unit.Scale+m
		p.X.Tick.Marker = linTicks{}
	}
	if len(xvals) <= 12 {
		p.X.Tick.Marker = valueTicks{base: p.X.Tick.Marker, values: xvals, scale: d.unit.Scale, log: opts.LogX}
	}
	if opts.LogY {
		lo, hi := logRange(ylo, yhi)
		setLogAxis(&p.Y, lo, hi, yfmt)
	} else {
		p.Y.Min, p.Y.Max = 0, niceMax(0, yhi/yu.Scale*1.05)
		p.Y.Tick.Marker = linTicks{}
	}
}

// addSweepLine draws one line of a sweep chart, its points and its CI
// band (when every point has one), and adds it to the legend; it reports
// whether it drew a band.
func addSweepLine(p *plot.Plot, leg *legend, l *sweepLine, col color.Color, dash []vg.Length, tx, ty func(float64) float64, logY bool) (bool, error) {
	pts := make(plotter.XYs, len(l.xs))
	var upper, lower plotter.XYs
	for i := range l.xs {
		pts[i] = plotter.XY{X: tx(l.xs[i]), Y: ty(l.ys[i])}
		if ci := l.cis[i]; !math.IsNaN(ci) && ci > 0 {
			lo := l.ys[i] - ci
			if logY && lo <= 0 {
				lo = l.ys[i] / 10
			}
			if !logY && lo < 0 && l.ys[i] >= 0 {
				lo = 0 // latency, energy and counts are not negative
			}
			upper = append(upper, plotter.XY{X: pts[i].X, Y: ty(l.ys[i] + ci)})
			lower = append(lower, plotter.XY{X: pts[i].X, Y: ty(lo)})
		}
	}
	var bandCol color.Color
	if len(upper) == len(pts) && len(pts) > 1 {
		ring := append(plotter.XYs{}, upper...)
		for i := len(lower) - 1; i >= 0; i-- {
			ring = append(ring, lower[i])
		}
		poly, err := plotter.NewPolygon(ring)
		if err != nil {
			return false, fmt.Errorf("plots: sweep lines: %w", err)
		}
		bandCol = withAlpha(col, 0x38)
		poly.Color = bandCol
		poly.LineStyle.Width = 0
		p.Add(poly)
	}
	line, err := plotter.NewLine(pts)
	if err != nil {
		return false, fmt.Errorf("plots: sweep lines: %w", err)
	}
	line.LineStyle = draw.LineStyle{Color: col, Width: vg.Points(1.6), Dashes: dash}
	sc, err := plotter.NewScatter(pts)
	if err != nil {
		return false, fmt.Errorf("plots: sweep lines: %w", err)
	}
	gs := draw.GlyphStyle{Color: col, Radius: vg.Points(2.6), Shape: glyphs[modeRank(l.mode)%len(glyphs)]}
	sc.GlyphStyle = gs
	p.Add(line, sc)
	name := l.label
	if l.group != "" {
		name = l.group + " · " + l.label
	}
	leg.add(name, lineThumb{line: line.LineStyle, glyph: &gs, band: bandCol})
	return bandCol != nil, nil
}

func nanZero(x float64) float64 {
	if math.IsNaN(x) {
		return 0
	}
	return x
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// withAlpha returns c with alpha a (premultiplied).
func withAlpha(c color.Color, a uint8) color.Color {
	r, g, b, _ := c.RGBA()
	f := float64(a) / 255
	return color.RGBA{uint8(float64(r>>8) * f), uint8(float64(g>>8) * f), uint8(float64(b>>8) * f), a}
}

var crossStyle = draw.LineStyle{Color: DarkGrey, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(4), vg.Points(3)}}

type crossMark struct {
	x, y  float64
	label string
}

// crossMarks draws each crossover: a dashed vertical line, an open circle
// where the lines cross, and the label in a white box near the top, on the
// side of the line with more room; several labels stack downwards.
type crossMarks struct{ marks []crossMark }

// Plot implements plot.Plotter.
func (m *crossMarks) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	sty := textStyle(sans, tickSize, Black)
	sty.YAlign = draw.YTop
	y := c.Max.Y - vg.Points(4)
	for _, mk := range m.marks {
		x := trX(mk.x)
		c.StrokeLine2(crossStyle, x, c.Min.Y, x, c.Max.Y)
		c.DrawGlyph(draw.GlyphStyle{Color: Black, Radius: vg.Points(4), Shape: draw.RingGlyph{}}, vg.Point{X: x, Y: trY(mk.y)})
		w := sty.Width(mk.label)
		h := sty.Height(mk.label)
		pad := vg.Points(3)
		var x0 vg.Length
		if c.Max.X-x >= w+3*pad || x-c.Min.X < c.Max.X-x {
			x0 = x + pad
		} else {
			x0 = x - pad - w - 2*pad
		}
		box := vg.Rectangle{Min: vg.Point{X: x0, Y: y - h - 2*pad}, Max: vg.Point{X: x0 + w + 2*pad, Y: y}}
		c.FillPolygon(labelBoxColour, rectPoints(box))
		c.FillText(sty, vg.Point{X: x0 + pad, Y: y - pad}, mk.label)
		y -= h + 3*pad
	}
}

// valueTicks labels the swept values and keeps the base ticker's unlabelled
// minor ticks.
type valueTicks struct {
	base   plot.Ticker
	values map[float64]bool // base units
	scale  float64
	log    bool
}

// Ticks implements plot.Ticker.
func (t valueTicks) Ticks(lo, hi float64) []plot.Tick {
	var ts []plot.Tick
	for _, tk := range t.base.Ticks(lo, hi) {
		ts = append(ts, plot.Tick{Value: tk.Value})
	}
	vs := make([]float64, 0, len(t.values))
	for v := range t.values {
		vs = append(vs, v)
	}
	sort.Float64s(vs)
	for _, v := range vs {
		d := v / t.scale
		pos := d
		if t.log {
			pos = math.Log10(d)
		}
		ts = append(ts, plot.Tick{Value: pos, Label: fmtNum(d)})
	}
	return ts
}
