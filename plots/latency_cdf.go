package plots

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// CDFOptions configures LatencyCDF.
type CDFOptions struct {
	// Title replaces the default title.
	Title string
	// LogX draws latency on a log axis: on-device and cloud latencies
	// differ by two orders of magnitude.
	LogX bool
}

// cdfQuantiles are the marked percentiles with their glyphs.
var cdfQuantiles = []struct {
	q     float64
	name  string
	glyph draw.GlyphDrawer
}{
	{0.50, "p50", draw.CircleGlyph{}},
	{0.95, "p95", draw.PyramidGlyph{}},
	{0.99, "p99", draw.BoxGlyph{}},
}

// quantile returns the q-quantile of sorted xs by the nearest-rank method:
// the smallest value with at least a fraction q of the sample at or below
// it.
func quantile(sorted []float64, q float64) float64 {
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// LatencyCDF draws the empirical distribution of end-to-end latency of
// successful requests, faceted: one panel per model, and per start (warm,
// cold) when the series hold cold starts, all panels on one latency axis.
// In a panel each series is a step curve; colour is the mode and the dash
// is the image size (and point, when points vary), the same in every panel;
// each curve's p50, p95 and p99 are marked (circle, triangle, square) on
// dotted guides at 0.5, 0.95 and 0.99. The legend, above the panels, gives
// each mode's request count, its failed requests (not on the curves) and
// whether its curves are drawn from a sample (see CollectLatencies).
//
// It returns an error wrapping ErrEmpty when no series has a latency, and a
// *NotFiniteError for a NaN or infinite latency.
func LatencyCDF(series []LatencySeries, opts CDFOptions) (*Figure, error) {
	use, err := cdfSeries(series, opts)
	if err != nil {
		return nil, err
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	sorted := make([][]float64, len(use))
	var models, modes, dashKeys []string
	seen := map[string]bool{}
	addOnce := func(list *[]string, k string) {
		if !seen[k] {
			seen[k] = true
			*list = append(*list, k)
		}
	}
	cold, warm, points := false, false, map[int]bool{}
	for i, s := range use {
		xs := append([]float64(nil), s.Seconds...)
		sort.Float64s(xs)
		sorted[i] = xs
		lo, hi = min(lo, xs[0]), max(hi, xs[len(xs)-1])
		addOnce(&models, "model\x00"+s.Model)
		addOnce(&modes, "mode\x00"+s.Mode)
		cold, warm = cold || s.Cold, warm || !s.Cold
		points[s.Point] = true
	}
	for _, s := range use {
		addOnce(&dashKeys, "dash\x00"+cdfDash(s, len(points) > 1))
	}
	strip := func(list []string) {
		for i, k := range list {
			_, list[i], _ = strings.Cut(k, "\x00")
		}
	}
	strip(models)
	strip(modes)
	strip(dashKeys)
	sortModes(modes)
	starts := []bool{false}
	switch {
	case cold && warm:
		starts = []bool{false, true}
	case cold:
		starts = []bool{true}
	}

	u := timeUnit(hi)
	tx := func(v float64) float64 { return v / u.Scale }
	if opts.LogX {
		tx = math.Log10
	}
	grid := make([][]*plot.Plot, len(models))
	for r, m := range models {
		for c, st := range starts {
			title := ""
			if len(models) > 1 {
				title = m
			}
			if cold {
				title = strings.TrimPrefix(title+" · "+startName(st), " · ")
			}
			p := newPlot(title, "", "")
			if c == 0 {
				p.Y.Label.Text = "fraction at or below"
			}
			if opts.LogX {
				l, h := logRange(lo, hi)
				setLogAxis(&p.X, l, h, fmtSeconds)
				if r == len(models)-1 {
					p.X.Label.Text = "end-to-end latency (log scale)"
				}
			} else {
				p.X.Min, p.X.Max = 0, niceMax(0, hi/u.Scale)
				p.X.Tick.Marker = linTicks{}
				if r == len(models)-1 {
					p.X.Label.Text = "end-to-end latency (" + u.Name + ")"
				}
			}
			p.Y.Min, p.Y.Max = 0, 1
			p.Y.Tick.Marker = linTicks{n: 2}
			p.Add(vgrid{}, hgrid{}, quantileGuides{})
			empty := true
			for i, s := range use {
				if s.Model != m || s.Cold != st {
					continue
				}
				empty = false
				dash := dashes[slices.Index(dashKeys, cdfDash(s, len(points) > 1))%len(dashes)]
				if err := addCDFLine(p, s, sorted[i], dash, tx); err != nil {
					return nil, err
				}
			}
			if empty {
				p.Add(panelNote{"no " + startName(st) + " requests"})
			}
			grid[r] = append(grid[r], p)
		}
	}

	leg := newLegend()
	names := modeNames{}
	for _, s := range use {
		names.add(s.Mode, s.SplitLayers)
	}
	for _, mode := range modes {
		n, failed, sampled := 0, 0, false
		for _, s := range use {
			if s.Mode == mode {
				n += s.Count
				failed += s.Failed
				sampled = sampled || s.Sampled()
			}
		}
		for i := range series {
			if s := &series[i]; s.Mode == mode && len(s.Seconds) == 0 {
				failed += s.Failed
			}
		}
		name := names.name(mode) + " (n = " + thousands(n)
		if sampled {
			name += ", sampled"
		}
		if failed > 0 {
			name += "; " + thousands(failed) + " failed"
		}
		leg.add(name+")", lineThumb{line: draw.LineStyle{Color: ModeColor(mode), Width: vg.Points(1.5)}})
	}
	if len(dashKeys) > 1 {
		for i, k := range dashKeys {
			leg.add(k, lineThumb{line: draw.LineStyle{Color: DarkGrey, Width: vg.Points(1.5), Dashes: dashes[i%len(dashes)]}})
		}
	}
	for _, q := range cdfQuantiles {
		gs := draw.GlyphStyle{Color: DarkGrey, Radius: vg.Points(3), Shape: q.glyph}
		leg.add(q.name, lineThumb{glyph: &gs})
	}

	title := opts.Title
	if title == "" {
		title = "How long requests take: distribution of end-to-end latency"
	}
	panelH := 2.1 * vg.Inch
	if len(models) == 1 && len(starts) == 1 {
		panelH = 3.6 * vg.Inch
	}
	return facetFigure(title, leg, grid, panelH), nil
}

// facetMinWidth is the narrowest a facet panel is drawn: a figure with
// less room per column puts its facets in one column, one under another.
const facetMinWidth = 3 * vg.Inch

// facetFigure lays out facet panels (rows × columns, every row as long)
// under a legend, each panelH tall. When the figure is too narrow for the
// columns (under facetMinWidth each, as at ColumnWidth) the panels are
// drawn in one column, row by row, at two thirds of panelH; the x axis
// label is then kept on the last panel only and the y axis label on all.
func facetFigure(title string, leg *legend, grid [][]*plot.Plot, panelH vg.Length) *Figure {
	cols := len(grid[0])
	oneColumn := func(w vg.Length) bool { return cols > 1 && w-2*outerPad < facetMinWidth*vg.Length(cols) }
	ylabel, xlabel := grid[0][0].Y.Label.Text, grid[len(grid)-1][0].X.Label.Text
	f := legendFigure(title, leg, func(c draw.Canvas) {
		g := grid
		h := panelH
		if oneColumn(c.Max.X - c.Min.X + 2*outerPad) {
			g = nil
			for _, row := range grid {
				for _, p := range row {
					p.Y.Label.Text, p.X.Label.Text = ylabel, ""
					g = append(g, []*plot.Plot{p})
				}
			}
			g[len(g)-1][0].X.Label.Text = xlabel
			h = panelH * 2 / 3
		}
		heights := make([]vg.Length, len(g))
		for i := range heights {
			heights[i] = h
		}
		weights := make([]float64, len(g[0]))
		for i := range weights {
			weights[i] = 1
		}
		drawGrid(c, g, heights, weights)
	})
	f.height = func(w vg.Length) vg.Length {
		n, h := len(grid), panelH
		if oneColumn(w) {
			n, h = len(grid)*cols, panelH*2/3
		}
		return 2*outerPad + titleHeight(title, w-2*outerPad) + gap + leg.height(w-2*outerPad) + gap/2 + vg.Length(n)*(h+gap)
	}
	f.Height = f.height(f.Width)
	return f
}

// startName names a start for panel titles.
func startName(cold bool) string {
	if cold {
		return "cold start"
	}
	return "warm start"
}

// cdfDash is what a CDF curve's dash stands for: the image size, and the
// point when points vary.
func cdfDash(s *LatencySeries, points bool) string {
	if points {
		return s.Image + " · point " + strconv.Itoa(s.Point)
	}
	return s.Image
}

// panelNote writes a note in the middle of an empty panel.
type panelNote struct{ text string }

// Plot implements plot.Plotter.
func (n panelNote) Plot(c draw.Canvas, _ *plot.Plot) {
	sty := noteStyle
	sty.XAlign, sty.YAlign = draw.XCenter, draw.YCenter
	c.FillText(sty, c.Center(), n.text)
}

// cdfSeries checks the series and returns those with latencies, by
// point and, within a model, by mode.
func cdfSeries(series []LatencySeries, opts CDFOptions) ([]*LatencySeries, error) {
	var use []*LatencySeries
	for i := range series {
		s := &series[i]
		for j, v := range s.Seconds {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, &NotFiniteError{Field: fmt.Sprintf("series %d (%s %s): latency %d", i, s.Model, s.Mode, j), Value: v}
			}
			if opts.LogX && v <= 0 {
				return nil, fmt.Errorf("plots: latency CDF: series %d (%s %s): latency %v is not positive, cannot use a log axis", i, s.Model, s.Mode, v)
			}
		}
		if len(s.Seconds) > 0 {
			use = append(use, s)
		}
	}
	if len(use) == 0 {
		return nil, empty("latency CDF: no successful request")
	}
	sort.SliceStable(use, func(i, j int) bool {
		a, b := use[i], use[j]
		if a.Point != b.Point {
			return a.Point < b.Point
		}
		if a.Model != b.Model {
			return false
		}
		return modeLess(a.Mode, b.Mode)
	})
	return use, nil
}

// addCDFLine draws one series' step line and its quantile marks (xs
// sorted).
func addCDFLine(p *plot.Plot, s *LatencySeries, xs []float64, dash []vg.Length, tx func(float64) float64) error {
	n := len(xs)
	pts := make(plotter.XYs, 0, n+1)
	pts = append(pts, plotter.XY{X: tx(xs[0]), Y: 0})
	for j, v := range xs {
		pts = append(pts, plotter.XY{X: tx(v), Y: float64(j+1) / float64(n)})
	}
	line, err := plotter.NewLine(pts)
	if err != nil {
		return fmt.Errorf("plots: latency CDF: %w", err)
	}
	col := ModeColor(s.Mode)
	line.StepStyle = plotter.PostStep
	line.LineStyle = draw.LineStyle{Color: col, Width: vg.Points(1.5), Dashes: dash}
	p.Add(line)
	var marks plotter.XYs
	for _, q := range cdfQuantiles {
		marks = append(marks, plotter.XY{X: tx(quantile(xs, q.q)), Y: q.q})
	}
	p.Add(&quantileMarks{pts: marks, color: col})
	return nil
}

// thousands formats n with thin commas: 1,000,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	pre := len(s) % 3
	if pre > 0 {
		b.WriteString(s[:pre])
	}
	for i := pre; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

// quantileGuides draws dotted horizontal guides at the marked quantiles,
// labelled outside the right edge of the data area (p99 above its line and
// p95 below it, as they are close).
type quantileGuides struct{}

var guideStyle = textStyle(sans, smallSize, DarkGrey)

// Plot implements plot.Plotter.
func (quantileGuides) Plot(c draw.Canvas, p *plot.Plot) {
	_, trY := p.Transforms(&c)
	sty := guideStyle
	sty.YAlign = draw.YCenter
	ls := draw.LineStyle{Color: Grey, Width: vg.Points(0.7), Dashes: []vg.Length{vg.Points(1), vg.Points(2)}}
	for _, q := range cdfQuantiles {
		y := trY(q.q)
		c.StrokeLine2(ls, c.Min.X, y, c.Max.X, y)
		sty.YAlign = draw.YCenter
		switch q.q {
		case 0.99:
			sty.YAlign = draw.YBottom
		case 0.95:
			sty.YAlign = draw.YTop
		}
		c.FillText(sty, vg.Point{X: c.Max.X + vg.Points(3), Y: y}, q.name)
	}
}

// GlyphBoxes implements plot.GlyphBoxer: it reserves room for the labels
// right of the data area.
func (quantileGuides) GlyphBoxes(p *plot.Plot) []plot.GlyphBox {
	var bs []plot.GlyphBox
	for _, q := range cdfQuantiles {
		w := guideStyle.Width(q.name) + vg.Points(4)
		bs = append(bs, plot.GlyphBox{X: 1, Y: p.Y.Norm(q.q), Rectangle: vg.Rectangle{Max: vg.Point{X: w}}})
	}
	return bs
}

// quantileMarks draws the p50, p95 and p99 glyphs of one curve.
type quantileMarks struct {
	pts   plotter.XYs
	color interface{ RGBA() (r, g, b, a uint32) }
}

// Plot implements plot.Plotter.
func (m *quantileMarks) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for i, pt := range m.pts {
		c.DrawGlyph(draw.GlyphStyle{Color: m.color, Radius: vg.Points(3), Shape: cdfQuantiles[i].glyph}, vg.Point{X: trX(pt.X), Y: trY(pt.Y)})
	}
}
