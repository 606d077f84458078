package plots

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/infersim/infersim/result"
)

// Totals on a log axis, and what they are made of on a linear one.
//
// When a chart's totals span more than LogRatio (an 89 s cold CNNdroid
// start next to a 264 ms cloud request), a linear axis flattens every short
// bar into a sliver, and a stacked bar on a log axis is misleading: a
// segment's length on a log axis depends on where it starts, so the first
// phase takes most of the bar whatever its share, and the length of a bar
// from an arbitrary floor means nothing. So the log design splits the two
// questions a breakdown answers:
//
//   - how long (or how costly) each group is: one dot per group at its mean
//     on a log axis, with its 95 % CI; only the position carries meaning,
//     which is what a log axis can show honestly;
//   - what it is made of: a 100 % stacked bar per group on a linear axis of
//     shares, where every segment's length is its share.
//
// Both panels share the rows, so a row reads across: the total, then its
// parts.

// LogRatio is the ratio of the largest to the smallest value on an axis
// above which Draw switches that axis to a log scale and says so in the
// caption: beyond about 30× the short values are slivers on a linear axis.
const LogRatio = 30

// dotRows is a plot.Plotter drawing each row's total as a dot on a log
// axis (log10 values) with its error bar and its value written after it.
// Warm rows are filled dots, cold rows hollow rings, in the row's colour.
type dotRows struct {
	rows []barRow
}

// dotRadius is the radius of a total's dot.
const dotRadius = vg.Length(3.2)

// Plot implements plot.Plotter.
func (d *dotRows) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for _, r := range d.rows {
		if r.heading || r.total <= 0 {
			if r.note != "" {
				sty := noteStyle
				sty.YAlign = draw.YCenter
				c.FillText(sty, vg.Point{X: c.Min.X + vg.Points(3), Y: trY(r.y)}, r.note)
			}
			continue
		}
		y := trY(r.y)
		x := trX(math.Log10(r.total))
		xEnd := x + dotRadius
		if lo, hi, ok := dotWhisker(r); ok {
			l, h := trX(lo), trX(hi)
			drawErrorBar(&c, l, h, y, dotRadius*0.9)
			xEnd = max(xEnd, h)
		}
		drawDot(&c, vg.Point{X: x, Y: y}, r.color, r.hatch)
		if r.value != "" {
			sty := valueStyle
			sty.YAlign = draw.YCenter
			c.FillText(sty, vg.Point{X: xEnd + vg.Points(3), Y: y}, r.value)
		}
	}
}

// drawDot draws a total's marker: a filled dot, or a hollow ring for a
// cold start, over a white halo.
func drawDot(c *draw.Canvas, pt vg.Point, col color.Color, hollow bool) {
	if col == nil {
		col = DarkGrey
	}
	c.DrawGlyphNoClip(draw.GlyphStyle{Color: color.White, Radius: dotRadius + 1, Shape: draw.CircleGlyph{}}, pt)
	if hollow {
		c.DrawGlyphNoClip(draw.GlyphStyle{Color: col, Radius: dotRadius - 0.6, Shape: ringGlyph{width: vg.Points(1.4)}}, pt)
		return
	}
	c.DrawGlyphNoClip(draw.GlyphStyle{Color: col, Radius: dotRadius, Shape: draw.CircleGlyph{}}, pt)
}

// ringGlyph is a circle outline of a given line width (gonum's RingGlyph
// draws a hairline).
type ringGlyph struct{ width vg.Length }

// DrawGlyph implements draw.GlyphDrawer.
func (g ringGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	var p vg.Path
	p.Move(vg.Point{X: pt.X + sty.Radius, Y: pt.Y})
	p.Arc(pt, sty.Radius, 0, 2*math.Pi)
	p.Close()
	c.SetLineStyle(draw.LineStyle{Color: sty.Color, Width: g.width})
	c.Stroke(p)
}

// dotWhisker returns a row's error bar in log10 values.
func dotWhisker(r barRow) (lo, hi float64, ok bool) {
	if math.IsNaN(r.ci) || r.ci <= 0 {
		return 0, 0, false
	}
	l := r.total - r.ci
	if l <= 0 {
		l = r.total / 10
	}
	return math.Log10(l), math.Log10(r.total + r.ci), true
}

// DataRange implements plot.DataRanger.
func (d *dotRows) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = math.Inf(1), math.Inf(-1)
	ymin, ymax = math.Inf(1), math.Inf(-1)
	for _, r := range d.rows {
		ymin, ymax = min(ymin, r.y-0.5), max(ymax, r.y+0.5)
		if r.total > 0 && !r.heading {
			lo, hi, ok := dotWhisker(r)
			if !ok {
				lo, hi = math.Log10(r.total), math.Log10(r.total)
			}
			xmin, xmax = min(xmin, lo), max(xmax, hi)
		}
	}
	return xmin, xmax, ymin, ymax
}

// GlyphBoxes implements plot.GlyphBoxer: room for the value after the
// right-most dots and for the dots themselves.
func (d *dotRows) GlyphBoxes(p *plot.Plot) []plot.GlyphBox {
	var boxes []plot.GlyphBox
	for _, r := range d.rows {
		if r.heading || r.total <= 0 {
			continue
		}
		x := math.Log10(r.total)
		if _, hi, ok := dotWhisker(r); ok {
			x = hi
		}
		w := valueStyle.Width(r.value) + vg.Points(4) + dotRadius
		boxes = append(boxes, plot.GlyphBox{X: p.X.Norm(x), Y: p.Y.Norm(r.y),
			Rectangle: vg.Rectangle{Min: vg.Point{X: -dotRadius, Y: -dotRadius}, Max: vg.Point{X: w, Y: dotRadius}}})
	}
	return boxes
}

// dotPanel builds the panel of totals on a log axis over the rows.
func dotPanel(rows []barRow, seps []float64, ax barAxis) *plot.Plot {
	p := newPlot("", "", "")
	d := &dotRows{rows: rows}
	lo, hi, _, _ := d.DataRange()
	if math.IsInf(lo, 1) {
		lo, hi = 0, 1
	}
	l, h := logRange(math.Pow(10, lo), math.Pow(10, hi))
	setLogAxis(&p.X, l, h, ax.format)
	p.X.Label.Text = ax.label + " (log scale)"
	p.X.Padding = 0
	p.Add(vgrid{}, separators{seps}, d)
	rowAxis(p, rows, true)
	return p
}

// sharePanel builds the panel of 100 % stacked bars: each row's segments
// as shares of its total, on a linear axis of per cent.
func sharePanel(rows []barRow, seps []float64, colors []color.Color, what string) *plot.Plot {
	shares := make([]barRow, len(rows))
	for i, r := range rows {
		// No note: a blank note's glyph box would squeeze the panel.
		s := barRow{label: r.label, y: r.y, hatch: r.hatch, ci: math.NaN(), lo: math.NaN(), heading: r.heading}
		sum := 0.0
		for _, v := range r.segs {
			sum += v
		}
		if sum > 0 && !r.heading {
			for _, v := range r.segs {
				s.segs = append(s.segs, 100*v/sum)
			}
		}
		shares[i] = s
	}
	sb := &stackedBars{rows: shares, colors: colors, scale: 1, thick: barThick}
	p := newPlot("", "", "")
	p.X.Min, p.X.Max = 0, 100
	p.X.Tick.Marker = linTicks{n: 4}
	p.X.Label.Text = what + " (%)"
	p.X.Padding = 0
	p.Add(vgrid{}, separators{seps}, sb)
	rowAxis(p, shares, true)
	return p
}

// showTicks is a row axis's ticks whose labels are drawn only while *on
// (a share panel beside its totals shares their labels; stacked under
// them at column width it needs its own).
type showTicks struct {
	ticks plot.ConstantTicks
	on    *bool
}

// Ticks implements plot.Ticker.
func (t showTicks) Ticks(lo, hi float64) []plot.Tick {
	if *t.on {
		return t.ticks
	}
	ts := append(plot.ConstantTicks(nil), t.ticks...)
	for i := range ts {
		ts[i].Label = ""
	}
	return ts
}

// rowAxis sets up the category axis of a bar panel: a tick per row,
// labelled when labels is set, no axis line, the rows' extent.
func rowAxis(p *plot.Plot, rows []barRow, labels bool) {
	ts := rowTicks(rows)
	if !labels {
		for i := range ts {
			ts[i].Label = ""
		}
	}
	p.Y.Tick.Marker = ts
	p.Y.Tick.Length = 0
	p.Y.Padding = 0
	p.Y.LineStyle.Width = 0
	p.Y.Min, p.Y.Max = math.Inf(1), math.Inf(-1)
	for _, r := range rows {
		p.Y.Min = min(p.Y.Min, r.y-0.55)
		p.Y.Max = max(p.Y.Max, r.y+0.55)
	}
}

// rowHeadings writes each heading row's text (a model's name) in bold at
// the left edge of the row labels, left of the data area.
type rowHeadings struct {
	rows   []barRow
	labelW vg.Length // the width of the widest row label (tickWidth)
	on     *bool     // drawn only while *on; nil: always
}

var headingStyle = textStyle(sansBold, tickSize, color.Black)

// Plot implements plot.Plotter.
func (h rowHeadings) Plot(c draw.Canvas, p *plot.Plot) {
	if h.on != nil && !*h.on {
		return
	}
	_, trY := p.Transforms(&c)
	sty := headingStyle
	sty.YAlign = draw.YCenter
	for _, r := range h.rows {
		if r.heading {
			c.FillText(sty, vg.Point{X: c.Min.X - h.labelW - p.Y.Tick.Label.Width(" "), Y: trY(r.y)}, r.label)
		}
	}
}

// tickWidth is the width of the widest row label in the tick font (the
// headings left out): rowHeadings starts there, and a heading wider than
// the labels reaches into its empty row of the data area.
func tickWidth(rows []barRow, tick text.Style) vg.Length {
	var w vg.Length
	for _, r := range rows {
		if !r.heading {
			w = max(w, tick.Width(r.label))
		}
	}
	return w
}

// labelWidth is the width of the widest row label in the tick font, and
// of the headings, whichever is wider.
func labelWidth(rows []barRow, tick text.Style) vg.Length {
	var w vg.Length
	for _, r := range rows {
		if r.heading {
			w = max(w, headingStyle.Width(r.label)-tick.Width(" "))
			continue
		}
		w = max(w, tick.Width(r.label))
	}
	return w
}

// withHeadings inserts a heading row before each model's rows when the
// groups hold more than one model (the labels then leave the model out),
// and returns the rows and the model of each row, for positionRows.
func withHeadings(groups []*result.Summary, idx []int, rows []barRow, headed bool) ([]barRow, []string) {
	var out []barRow
	var models []string
	for j, i := range idx {
		m := groups[i].Model
		if headed && (j == 0 || groups[idx[j-1]].Model != m) {
			out = append(out, barRow{label: m, heading: true, ci: math.NaN(), lo: math.NaN()})
			models = append(models, m)
		}
		out = append(out, rows[j])
		models = append(models, m)
	}
	return out, models
}

// headed reports whether a bar chart of these groups gives each model a
// heading row (more than one model).
func headed(groups []*result.Summary) bool {
	for _, s := range groups {
		if s.Model != groups[0].Model {
			return true
		}
	}
	return false
}

// dotThumb is a legend thumbnail of a total's dot.
type dotThumb struct{ hollow bool }

// Thumbnail implements plot.Thumbnailer.
func (t dotThumb) Thumbnail(c *draw.Canvas) {
	drawDot(c, c.Center(), DarkGrey, t.hollow)
}
