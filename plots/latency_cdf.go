package plots

import (
	"fmt"
	"math"
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
// successful requests, one step curve per series (per mode, and per model,
// image or point when they vary), with each curve's p50, p95 and p99 marked
// (circle, triangle, square) on dotted guides at 0.5, 0.95 and 0.99. The
// legend gives each series' request count, the failed requests (not on the
// curve) and whether the curve is drawn from a sample (see
// CollectLatencies).
//
// It returns an error wrapping ErrEmpty when no series has a latency, and a
// *NotFiniteError for a NaN or infinite latency.
func LatencyCDF(series []LatencySeries, opts CDFOptions) (*Figure, error) {
	use, err := cdfSeries(series, opts)
	if err != nil {
		return nil, err
	}
	models, images, points := map[string]bool{}, map[string]bool{}, map[int]bool{}
	lo, hi := math.Inf(1), math.Inf(-1)
	sorted := make([][]float64, len(use))
	for i, s := range use {
		models[s.Model], images[s.Image], points[s.Point] = true, true, true
		xs := append([]float64(nil), s.Seconds...)
		sort.Float64s(xs)
		sorted[i] = xs
		lo, hi = min(lo, xs[0]), max(hi, xs[len(xs)-1])
	}

	p := newPlot("", "", "fraction of requests at or below")
	u := timeUnit(hi)
	tx := func(v float64) float64 { return v / u.Scale }
	if opts.LogX {
		tx = math.Log10
		l, h := logRange(lo, hi)
		setLogAxis(&p.X, l, h, fmtSeconds)
		p.X.Label.Text = "end-to-end latency (log scale)"
	} else {
		p.X.Min, p.X.Max = 0, niceMax(0, hi/u.Scale)
		p.X.Tick.Marker = linTicks{}
		p.X.Label.Text = "end-to-end latency (" + u.Name + ")"
	}
	p.Y.Min, p.Y.Max = 0, 1
	p.Y.Tick.Marker = linTicks{}
	p.Add(vgrid{}, hgrid{}, quantileGuides{})

	leg := newLegend()
	groupDash := map[string]int{}
	for i, s := range use {
		g := cdfGroup(s, models, images, points)
		if _, ok := groupDash[g]; !ok {
			groupDash[g] = len(groupDash) % len(dashes)
		}
		if err := addCDFLine(p, leg, s, sorted[i], g, dashes[groupDash[g]], tx); err != nil {
			return nil, err
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
	return legendFigure(title, leg, func(c draw.Canvas) { fitDraw(p, c) }, 3.6*vg.Inch), nil
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

// cdfGroup names a series' group of lines: its model, image and point
// when those vary among the series.
func cdfGroup(s *LatencySeries, models, images map[string]bool, points map[int]bool) string {
	var parts []string
	if len(models) > 1 {
		parts = append(parts, s.Model)
	}
	if len(images) > 1 {
		parts = append(parts, s.Image)
	}
	if len(points) > 1 {
		parts = append(parts, "point "+strconv.Itoa(s.Point))
	}
	return strings.Join(parts, " · ")
}

// addCDFLine draws one series' step line and its quantile marks (xs
// sorted), and adds it to the legend.
func addCDFLine(p *plot.Plot, leg *legend, s *LatencySeries, xs []float64, g string, dash []vg.Length, tx func(float64) float64) error {
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
	name := s.Mode
	if g != "" {
		name = g + " · " + s.Mode
	}
	name += " (n = " + thousands(s.Count)
	if s.Sampled() {
		name += ", " + thousands(len(s.Seconds)) + " drawn"
	}
	if s.Failed > 0 {
		name += "; " + thousands(s.Failed) + " failed"
	}
	name += ")"
	leg.add(name, lineThumb{line: line.LineStyle})
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
// labelled outside the right edge of the data area.
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
