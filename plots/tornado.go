package plots

import (
	"fmt"
	"image/color"
	"math"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// TornadoBar is one parameter's effect on one output: the output's
// relative change (a fraction, +0.1 = 10 % up) with the parameter at the
// low and at the high end of its uncertainty.
type TornadoBar struct {
	Label     string
	Low, High float64
}

// TornadoPanel is one output (a headline number, a conclusion) and the
// parameters that move it.
type TornadoPanel struct {
	Title string
	Bars  []TornadoBar
}

// TornadoOptions configures Tornado.
type TornadoOptions struct {
	// Title replaces the default title.
	Title string
	// Min leaves out bars whose larger |change| is below it (0: 0.001,
	// a tenth of a per cent); a panel left with no bar is left out.
	Min float64
}

// Tornado draws a sensitivity analysis: one panel per output, one row per
// parameter, largest effect on top; from the zero line a blue bar to the
// output's change with the parameter at its low end and a vermillion bar
// to the change at its high end, each labelled with the change in per
// cent. All panels share the axis, so bar lengths compare across outputs.
//
// It returns an error wrapping ErrEmpty when no bar is left, and a
// *NotFiniteError for a NaN or infinite change.
func Tornado(panels []TornadoPanel, opts TornadoOptions) (*Figure, error) {
	minSpan := opts.Min
	if minSpan == 0 {
		minSpan = 0.001
	}
	var f finite
	var kept []TornadoPanel
	lim := 0.05
	for i, pn := range panels {
		var bars []TornadoBar
		for j, b := range pn.Bars {
			name := func(field string) func() string {
				return func() string {
					return fmt.Sprintf("tornado panel %d (%s) bar %d (%s): %s", i, pn.Title, j, b.Label, field)
				}
			}
			f.check(b.Low, name("low"))
			f.check(b.High, name("high"))
			if math.Max(math.Abs(b.Low), math.Abs(b.High)) >= minSpan {
				bars = append(bars, b)
				lim = math.Max(lim, math.Max(math.Abs(b.Low), math.Abs(b.High)))
			}
		}
		if len(bars) == 0 {
			continue
		}
		sort.SliceStable(bars, func(a, b int) bool { return span(bars[a]) > span(bars[b]) })
		kept = append(kept, TornadoPanel{Title: pn.Title, Bars: bars})
	}
	if f.err != nil {
		return nil, f.err
	}
	if len(kept) == 0 {
		return nil, empty("tornado: no bar of at least %.2g", minSpan)
	}
	lim = niceMax(0, lim*100*1.3)
	var ps []*plot.Plot
	var heights []vg.Length
	for i, pn := range kept {
		xlabel := ""
		if i == len(kept)-1 {
			xlabel = "change of the output (%)"
		}
		p := newPlot(pn.Title, xlabel, "")
		p.Title.TextStyle.XAlign = draw.XCenter
		p.Y.Tick.Label.Font = font.From(sans, smallSize)
		p.X.Min, p.X.Max = -lim, lim
		p.X.Tick.Marker = signedTicks{}
		ticks := make(plot.ConstantTicks, len(pn.Bars))
		n := len(pn.Bars)
		for k, b := range pn.Bars {
			ticks[k] = plot.Tick{Value: float64(n - 1 - k), Label: b.Label}
		}
		p.Y.Tick.Marker = ticks
		p.Y.Tick.Length = 0
		p.Y.LineStyle.Width = 0
		p.Y.Padding = 0
		p.Y.Min, p.Y.Max = -0.6, float64(n)-0.4
		p.Add(vgrid{}, &tornadoBars{bars: pn.Bars})
		ps = append(ps, p)
		heights = append(heights, rowPitch*vg.Length(n)+panelExtra)
	}
	leg := newLegend()
	leg.add("parameter at its low end (−u)", swatch{fill: Blue})
	leg.add("parameter at its high end (+u)", swatch{fill: Vermillion})
	title := opts.Title
	if title == "" {
		title = "Sensitivity: each fitted parameter at ± its uncertainty"
	}
	grid := make([][]*plot.Plot, len(ps))
	for i, p := range ps {
		grid[i] = []*plot.Plot{p}
	}
	return legendFigure(title, leg, func(c draw.Canvas) {
		drawGrid(c, grid, heights, []float64{1})
	}, heights...), nil
}

func span(b TornadoBar) float64 { return math.Max(math.Abs(b.Low), math.Abs(b.High)) }

// tornadoBars draws one panel's bars, the top row first in bars.
type tornadoBars struct{ bars []TornadoBar }

// Plot implements plot.Plotter.
func (t *tornadoBars) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	half := (trY(barThick) - trY(0)) / 2
	zero := draw.LineStyle{Color: DarkGrey, Width: vg.Points(0.8)}
	c.StrokeLine2(zero, trX(0), c.Min.Y, trX(0), c.Max.Y)
	sty := textStyle(sans, smallSize, DarkGrey)
	sty.YAlign = draw.YCenter
	n := len(t.bars)
	for k, b := range t.bars {
		y := trY(float64(n - 1 - k))
		// Low above the centre line, high below it, so two changes of the
		// same sign stay apart.
		for _, s := range []struct {
			v   float64
			col color.Color
			y0  vg.Length
		}{{v: b.Low, col: Blue, y0: y}, {v: b.High, col: Vermillion, y0: y - half}} {
			if s.v == 0 {
				continue
			}
			x0, x1 := trX(0), trX(s.v*100)
			r := vg.Rectangle{Min: vg.Point{X: min(x0, x1), Y: s.y0}, Max: vg.Point{X: max(x0, x1), Y: s.y0 + half}}
			c.FillPolygon(s.col, rectPoints(r))
			txt := fmtSignedPercent(s.v)
			ts := sty
			pt := vg.Point{X: x1 + vg.Points(3), Y: s.y0 + half/2}
			if s.v < 0 {
				ts.XAlign = draw.XRight
				pt.X = x1 - vg.Points(3)
			}
			c.FillText(ts, pt, txt)
		}
	}
}

// GlyphBoxes implements plot.GlyphBoxer: room for the percentages written
// beyond the bars' ends, so that they stay inside a narrow figure.
func (t *tornadoBars) GlyphBoxes(p *plot.Plot) []plot.GlyphBox {
	sty := textStyle(sans, smallSize, DarkGrey)
	var boxes []plot.GlyphBox
	n := len(t.bars)
	for k, b := range t.bars {
		for _, v := range []float64{b.Low, b.High} {
			if v == 0 {
				continue
			}
			w := sty.Width(fmtSignedPercent(v)) + vg.Points(4)
			r := vg.Rectangle{Max: vg.Point{X: w}}
			if v < 0 {
				r = vg.Rectangle{Min: vg.Point{X: -w}}
			}
			boxes = append(boxes, plot.GlyphBox{X: p.X.Norm(v * 100), Y: p.Y.Norm(float64(n - 1 - k)), Rectangle: r})
		}
	}
	return boxes
}
