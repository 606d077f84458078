package plots

import (
	"math"
	"strconv"
	"strings"
	"unicode"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// fmtNum formats x with three significant digits and no exponent: 0.0123,
// 1.8, 850, 1460.
func fmtNum(x float64) string {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	prec := 2 - int(math.Floor(math.Log10(math.Abs(x))))
	prec = max(0, prec)
	s := strconv.FormatFloat(x, 'f', prec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// unitScale is a display unit: a value in base units divided by Scale is in
// Name, e.g. {"ms", 1e-3}.
type unitScale struct {
	Name  string
	Scale float64
}

// timeUnit picks s, ms or µs so that x (seconds) reads as a number between
// 1 and 1000 where possible.
func timeUnit(x float64) unitScale {
	switch ax := math.Abs(x); {
	case ax >= 1 || ax == 0:
		return unitScale{"s", 1}
	case ax >= 1e-3:
		return unitScale{"ms", 1e-3}
	default:
		return unitScale{"µs", 1e-6}
	}
}

// energyUnit picks J or mJ for x joules.
func energyUnit(x float64) unitScale {
	if ax := math.Abs(x); ax >= 1 || ax == 0 {
		return unitScale{"J", 1}
	}
	return unitScale{"mJ", 1e-3}
}

// fmtSeconds formats a duration in its own unit: "850 ms", "1.46 s".
func fmtSeconds(x float64) string {
	u := timeUnit(x)
	return fmtNum(x/u.Scale) + " " + u.Name
}

// fmtJoules formats an energy in its own unit: "120 mJ", "3.2 J".
func fmtJoules(x float64) string {
	u := energyUnit(x)
	return fmtNum(x/u.Scale) + " " + u.Name
}

// fmtSignedPercent formats a fraction as a signed percentage with a
// precision fit for errors: "+4.4 %", "−29 %", "0 %".
func fmtSignedPercent(frac float64) string {
	p := frac * 100
	var s string
	if math.Abs(p) >= 9.95 {
		s = strconv.FormatFloat(math.Abs(p), 'f', 0, 64)
	} else {
		s = strconv.FormatFloat(math.Abs(p), 'f', 1, 64)
		s = strings.TrimSuffix(s, ".0")
	}
	switch {
	case s == "0":
		return "0 %"
	case p < 0:
		return "−" + s + " %"
	}
	return "+" + s + " %"
}

// paramUnit derives the display unit of a numeric sweep parameter from its
// value text: Param{Value: "2Mbps", Number: 2e6} gives {"Mbps", 1e6}, so that
// an axis reads in the unit the scenario was written in. A value without a
// unit gives {"", 1}.
func paramUnit(value string, number float64) unitScale {
	value = strings.TrimSpace(value)
	for i := len(value); i > 0; i-- {
		if !unicode.IsDigit(rune(value[i-1])) && value[i-1] != '.' {
			continue
		}
		lead, err := strconv.ParseFloat(value[:i], 64)
		if err != nil {
			continue
		}
		unit := strings.TrimSpace(value[i:])
		if lead == 0 || unit == "" || number == 0 || math.IsNaN(number) {
			break
		}
		return unitScale{unit, number / lead}
	}
	return unitScale{"", 1}
}

// Log axes are linear axes over log10 of the value: the chart maps its data
// with math.Log10 and logTicks labels the axis with the values. (gonum's
// plot.LogScale places a centred axis label's glyph box at the arithmetic
// midpoint of the range, which on a log axis reserves a wide empty margin.)

// setLogAxis makes a an axis over log10 of [lo, hi] labelled with format.
func setLogAxis(a *plot.Axis, lo, hi float64, format func(float64) string) {
	a.Min, a.Max = math.Log10(lo), math.Log10(hi)
	a.Tick.Marker = logTicks{format: format}
}

// logTicks marks an axis over log10 values: every decade labelled, 2–9 as
// minor ticks; on a range under about two decades 2 and 5 are labelled too,
// and under half a decade every integer multiple. format labels a value
// (not its logarithm).
type logTicks struct {
	format func(float64) string
	// maxLabels caps the labelled decades: with more decades than that,
	// only every k-th decade (a multiple of k) is labelled. Zero means 7.
	maxLabels int
}

// Ticks implements plot.Ticker; lo and hi are log10 values.
func (t logTicks) Ticks(lo, hi float64) []plot.Tick {
	if hi <= lo {
		return nil
	}
	decades := hi - lo
	maxLabels := t.maxLabels
	if maxLabels <= 0 {
		maxLabels = 7
	}
	stride := max(1, int(math.Ceil((decades+1)/float64(maxLabels))))
	labelled := func(e, m int) bool {
		switch {
		case m == 1:
			return ((e%stride)+stride)%stride == 0
		case decades < 0.7:
			return true
		case decades < 2.2:
			return m == 2 || m == 5
		}
		return false
	}
	var ticks []plot.Tick
	for e := int(math.Floor(lo)); e <= int(math.Ceil(hi)); e++ {
		base := math.Pow(10, float64(e))
		for m := 1; m <= 9; m++ {
			v := math.Log10(base * float64(m))
			if v < lo-1e-9 || v > hi+1e-9 {
				continue
			}
			tk := plot.Tick{Value: v}
			if labelled(e, m) {
				tk.Label = t.format(base * float64(m))
			}
			ticks = append(ticks, tk)
		}
	}
	return ticks
}

// logRange widens [lo, hi] outward to whole decades, or to 1-2-5 steps when
// the range is narrow, so that a log axis starts and ends on a label.
func logRange(lo, hi float64) (float64, float64) {
	steps := []float64{1, 2, 5, 10}
	down := func(x float64) float64 {
		e := math.Floor(math.Log10(x))
		b := math.Pow(10, e)
		for i := len(steps) - 1; i >= 0; i-- {
			if b*steps[i] <= x*(1+1e-9) {
				return b * steps[i]
			}
		}
		return b
	}
	up := func(x float64) float64 {
		e := math.Floor(math.Log10(x))
		b := math.Pow(10, e)
		for _, s := range steps {
			if b*s >= x*(1-1e-9) {
				return b * s
			}
		}
		return b * 10
	}
	if hi/lo > 100 {
		return math.Pow(10, math.Floor(math.Log10(lo)+1e-9)), math.Pow(10, math.Ceil(math.Log10(hi)-1e-9))
	}
	return down(lo), up(hi)
}

// linTicks marks a linear axis with about five labelled ticks (n when
// set: fitTicks lowers it on a narrow axis) at 1, 2, 2.5 or 5 times a power
// of ten (gonum's default aims at three, too few for reading values off a
// bar), and a minor tick between labels.
type linTicks struct{ n int }

// niceStep returns the tick step for [lo, hi] aiming at n labels.
func niceStep(lo, hi float64, n int) float64 {
	raw := (hi - lo) / float64(max(1, n))
	if raw <= 0 || math.IsNaN(raw) || math.IsInf(raw, 0) {
		return 1
	}
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw*(1-1e-9) {
			return m * mag
		}
	}
	return 10 * mag
}

// niceMax rounds hi up to a whole tick step from lo.
func niceMax(lo, hi float64) float64 {
	s := niceStep(lo, hi, 5)
	return lo + math.Ceil((hi-lo)/s-1e-9)*s
}

// Ticks implements plot.Ticker.
func (t linTicks) Ticks(lo, hi float64) []plot.Tick {
	n := t.n
	if n <= 0 {
		n = 5
	}
	step := niceStep(lo, hi, n)
	prec := max(0, -int(math.Floor(math.Log10(step)+1e-9)))
	if m := step / math.Pow(10, math.Floor(math.Log10(step)+1e-9)); m == 2.5 {
		prec++
	}
	var ticks []plot.Tick
	first := math.Ceil(lo/step-1e-9) * step
	for v := first; v <= hi+step*1e-9; v += step {
		if math.Abs(v) < step*1e-9 {
			v = 0
		}
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', prec, 64)})
		if mid := v + step/2; mid <= hi {
			ticks = append(ticks, plot.Tick{Value: mid})
		}
	}
	if first-step/2 >= lo {
		ticks = append(ticks, plot.Tick{Value: first - step/2})
	}
	return ticks
}

// fitTicks thins the labels of p's x axis so that they do not collide in
// a data area width wide: a chart laid out at column width has less room
// for the same point size of text. Only the package's tickers (linTicks,
// logTicks) are thinned.
func fitTicks(p *plot.Plot, width vg.Length) {
	labels, widest := 0, vg.Length(0)
	for _, t := range p.X.Tick.Marker.Ticks(p.X.Min, p.X.Max) {
		if t.Label != "" {
			labels++
			widest = max(widest, p.X.Tick.Label.Width(t.Label))
		}
	}
	fit := int(width / (widest + vg.Points(6)))

	if labels <= fit || labels < 3 {
		return
	}
	fit = max(2, fit)
	switch m := p.X.Tick.Marker.(type) {
	case linTicks:
		// A step of 1-2-2.5-5 aiming at fit-1 labels gives at most fit.
		m.n = max(1, fit-1)
		p.X.Tick.Marker = m
	case logTicks:
		m.maxLabels = fit
		p.X.Tick.Marker = m
	}
}

// fitDraw draws p on c with its x tick labels thinned to fit (fitTicks)
// and an x axis label wider than the data area wrapped (fitLabel).
func fitDraw(p *plot.Plot, c draw.Canvas) {
	fitLabel(p, c)
	fitTicks(p, p.DataCanvas(c).Max.X-p.DataCanvas(c).Min.X)
	drawPlot(p, c)
}

// fitLabel wraps p's x axis label onto more lines when it is wider than
// the data area p has on c. Call it before aligning panels: the label's
// height is part of the layout.
func fitLabel(p *plot.Plot, c draw.Canvas) {
	dc := p.DataCanvas(c)
	w := dc.Max.X - dc.Min.X
	if l := p.X.Label.Text; l != "" && !strings.Contains(l, "\n") && p.X.Label.TextStyle.Width(l) > w {
		p.X.Label.Text = wrapText(p.X.Label.TextStyle, l, w)
	}
}
