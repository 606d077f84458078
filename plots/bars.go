package plots

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// barRow is one horizontal bar of a stacked bar chart: the breakdown and
// energy charts draw one per group, the layer chart one per layer.
type barRow struct {
	label string    // the row's tick label
	y     float64   // position on the category axis
	segs  []float64 // one value per series, in base units; 0 where absent
	total float64   // the value the error bar and label refer to (e.g. mean latency)
	ci    float64   // half-width of the error bar; NaN for none
	lo    float64   // whisker low end when set (p10), NaN for none; replaces ci
	hi    float64   // whisker high end (p90)
	hatch bool      // cold start
	note  string    // drawn instead of a bar when the row has no data
	value string    // text after the bar, e.g. "1.46 s"
	// heading marks a row that only names the model of the rows below it
	// (drawn by rowHeadings, blank in every panel).
	heading bool
	color   color.Color // the dot's colour on a log panel (the mode's)
}

// stackedBars is a plot.Plotter drawing barRows horizontally.
//
// On a linear axis the segments stack end to end from zero, so every edge
// reads off the axis. On a log axis stacking is not honest: the first
// segment would take most of the length whatever its share. So on a log
// axis each bar runs from the axis floor to its total (which reads off the
// axis correctly) and is divided in proportion to each series' share of the
// total: the bar length says how long, the segments say which part, and the
// inner edges are not axis values. Doc comments of the charts repeat this.
type stackedBars struct {
	rows    []barRow
	colors  []color.Color
	log     bool
	floor   float64 // start of the bars on a log axis
	scale   float64 // data values are divided by scale (display unit)
	thick   float64 // bar thickness in category units
	outline color.Color
}

func (b *stackedBars) sum(r barRow) float64 {
	s := 0.0
	for _, v := range r.segs {
		s += v
	}
	return s
}

// pos maps a value in base units to the value axis: divided by the
// display scale on a linear axis, log10 on a log axis (log axes are linear
// axes over log10 of the value; see logTicks).
func (b *stackedBars) pos(v float64) float64 {
	if b.log {
		return math.Log10(v)
	}
	return v / b.scale
}

// edges returns the drawn boundaries of a row's segments on the value
// axis: edges[i] to edges[i+1] is segment i.
func (b *stackedBars) edges(r barRow) []float64 {
	e := make([]float64, len(r.segs)+1)
	tot := b.sum(r)
	if !b.log {
		for i, v := range r.segs {
			e[i+1] = e[i] + v/b.scale
		}
		return e
	}
	lf, lt := math.Log10(b.floor), math.Log10(tot)
	e[0] = lf
	cum := 0.0
	for i, v := range r.segs {
		cum += v
		e[i+1] = lf + (lt-lf)*cum/tot
	}
	return e
}

// whisker returns the low and high ends of the row's error bar on the value
// axis, and whether it has one.
func (b *stackedBars) whisker(r barRow) (lo, hi float64, ok bool) {
	switch {
	case !math.IsNaN(r.lo):
		lo, hi = r.lo, r.hi
	case !math.IsNaN(r.ci) && r.ci > 0:
		lo, hi = r.total-r.ci, r.total+r.ci
	default:
		return 0, 0, false
	}
	if b.log {
		lo = max(lo, b.floor)
	}
	return b.pos(lo), b.pos(hi), true
}

// end returns where a row's drawing ends on the value axis.
func (b *stackedBars) end(r barRow) float64 {
	e := b.edges(r)
	x := e[len(e)-1]
	if _, hi, ok := b.whisker(r); ok {
		x = max(x, hi)
	}
	return x
}

var (
	valueStyle = textStyle(sans, smallSize, DarkGrey)
	noteStyle  = textStyle(sansItal, smallSize, DarkGrey)
	errStyle   = draw.LineStyle{Color: Black, Width: vg.Points(0.8)}
)

// Plot implements plot.Plotter.
func (b *stackedBars) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	half := (trY(b.thick) - trY(0)) / 2
	for _, r := range b.rows {
		y := trY(r.y)
		if r.heading {
			continue
		}
		if r.note != "" {
			sty := noteStyle
			sty.YAlign = draw.YCenter
			c.FillText(sty, vg.Point{X: c.Min.X + vg.Points(3), Y: y}, r.note)
			continue
		}
		e := b.edges(r)
		for i := range r.segs {
			if r.segs[i] <= 0 {
				continue
			}
			x0, x1 := trX(e[i]), trX(e[i+1])
			if x1-x0 < vg.Points(0.4) { // keep slivers visible
				x1 = x0 + vg.Points(0.4)
			}
			rect := vg.Rectangle{Min: vg.Point{X: x0, Y: y - half}, Max: vg.Point{X: x1, Y: y + half}}
			c.FillPolygon(b.colors[i], rectPoints(rect))
			if r.hatch {
				hatchRect(&c, rect)
			}
		}
		x0, x1 := trX(e[0]), trX(e[len(e)-1])
		if b.outline != nil && x1 > x0 {
			rect := vg.Rectangle{Min: vg.Point{X: x0, Y: y - half}, Max: vg.Point{X: x1, Y: y + half}}
			c.StrokeLines(draw.LineStyle{Color: b.outline, Width: vg.Points(0.5)}, append(rectPoints(rect), rect.Min))
		}
		xEnd := x1
		if lo, hi, ok := b.whisker(r); ok {
			l, h := trX(lo), trX(hi)
			drawErrorBar(&c, l, h, y, half*0.6)
			xEnd = max(xEnd, h)
		}
		if r.value != "" {
			sty := valueStyle
			sty.YAlign = draw.YCenter
			c.FillText(sty, vg.Point{X: xEnd + vg.Points(3), Y: y}, r.value)
		}
	}
}

// haloStyle is drawn under error bars so that they stand out from dark
// segments (gc is black).
var haloStyle = draw.LineStyle{Color: color.White, Width: vg.Points(2.6)}

// drawErrorBar draws a horizontal error bar from l to h at y with caps of
// half-height cap, over a white halo.
func drawErrorBar(c *draw.Canvas, l, h, y, cap vg.Length) {
	for _, sty := range []draw.LineStyle{haloStyle, errStyle} {
		c.StrokeLine2(sty, l, y, h, y)
		c.StrokeLine2(sty, l, y-cap, l, y+cap)
		c.StrokeLine2(sty, h, y-cap, h, y+cap)
	}
}

// DataRange implements plot.DataRanger.
func (b *stackedBars) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = math.Inf(1), math.Inf(-1)
	ymin, ymax = math.Inf(1), math.Inf(-1)
	for _, r := range b.rows {
		ymin = min(ymin, r.y-b.thick/2)
		ymax = max(ymax, r.y+b.thick/2)
		if r.note != "" || r.heading {
			continue
		}
		xmax = max(xmax, b.end(r))
	}
	xmin = 0
	if b.log {
		xmin = math.Log10(b.floor)
	}
	if math.IsInf(xmax, -1) {
		xmax = xmin + 1
	}
	return xmin, xmax, ymin, ymax
}

// GlyphBoxes implements plot.GlyphBoxer so that the value labels after the
// bars and the notes fit inside the plot.
func (b *stackedBars) GlyphBoxes(p *plot.Plot) []plot.GlyphBox {
	var boxes []plot.GlyphBox
	for _, r := range b.rows {
		var txt string
		var sty text.Style
		x := 0.0
		switch {
		case r.heading:
			continue
		case r.note != "":
			txt, sty = r.note, noteStyle
			x = 0
		case r.value != "":
			txt, sty = r.value, valueStyle
			x = p.X.Norm(b.end(r))
		default:
			continue
		}
		w := sty.Width(txt) + vg.Points(4)
		boxes = append(boxes, plot.GlyphBox{X: x, Y: p.Y.Norm(r.y),
			Rectangle: vg.Rectangle{Min: vg.Point{X: 0, Y: 0}, Max: vg.Point{X: w, Y: 0}}})
	}
	return boxes
}

// rowTicks returns constant ticks labelling each row.
func rowTicks(rows []barRow) plot.ConstantTicks {
	ts := make(plot.ConstantTicks, 0, len(rows))
	for _, r := range rows {
		if r.heading {
			continue
		}
		ts = append(ts, plot.Tick{Value: r.y, Label: r.label})
	}
	return ts
}

// separators draws thin lines between groups of rows (between models).
type separators struct {
	ys []float64
}

// Plot implements plot.Plotter.
func (s separators) Plot(c draw.Canvas, p *plot.Plot) {
	_, trY := p.Transforms(&c)
	for _, y := range s.ys {
		c.StrokeLine2(draw.LineStyle{Color: LightGrey, Width: vg.Points(0.7)}, c.Min.X, trY(y), c.Max.X, trY(y))
	}
}

// vgrid draws vertical grid lines at the major ticks of the X axis.
type vgrid struct{}

// Plot implements plot.Plotter.
func (vgrid) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	for _, t := range p.X.Tick.Marker.Ticks(p.X.Min, p.X.Max) {
		if t.IsMinor() || t.Value < p.X.Min || t.Value > p.X.Max {
			continue
		}
		x := trX(t.Value)
		c.StrokeLine2(draw.LineStyle{Color: gridColor, Width: vg.Points(0.6)}, x, c.Min.Y, x, c.Max.Y)
	}
}

// hgrid draws horizontal grid lines at the major ticks of the Y axis.
type hgrid struct{}

// Plot implements plot.Plotter.
func (hgrid) Plot(c draw.Canvas, p *plot.Plot) {
	_, trY := p.Transforms(&c)
	for _, t := range p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max) {
		if t.IsMinor() || t.Value < p.Y.Min || t.Value > p.Y.Max {
			continue
		}
		y := trY(t.Value)
		c.StrokeLine2(draw.LineStyle{Color: gridColor, Width: vg.Points(0.6)}, c.Min.X, y, c.Max.X, y)
	}
}
