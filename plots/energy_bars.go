package plots

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/infersim/infersim/result"
)

// EnergyOptions configures EnergyBreakdown.
type EnergyOptions struct {
	// Title replaces the default title.
	Title string
	// Log draws each group's total as a dot on a log axis and its
	// components as 100 % stacked shares beside it (as LatencyBreakdown
	// does). Draw sets it when the totals span more than LogRatio.
	Log bool
	// Split draws one row of panels per mode family, each with its own
	// linear axes. Ignored when Log is set.
	Split bool
}

// EnergyBreakdown draws what a request costs the phone: one horizontal bar
// per model × mode (cold and warm apart, cold hatched) stacked by component
// (cpu, gpu, radio with its tail, base: screen and idle floor) in joules
// per request, with the 95 % confidence interval of the mean total and the
// total written after the bar; a second panel on the same rows gives the
// battery percentage one such request drains. Log and Split behave as in
// LatencyBreakdown.
//
// A group with no successful request is a labelled empty row. It returns an
// error wrapping ErrEmpty for no summaries and a *NotFiniteError naming the
// field for a NaN or infinite value.
func EnergyBreakdown(sums []result.Summary, opts EnergyOptions) (*Figure, error) {
	if len(sums) == 0 {
		return nil, empty("energy breakdown: no summaries")
	}
	if err := checkEnergy(sums); err != nil {
		return nil, err
	}
	groups, capNote := capGroups(selectGroups(sums), func(s *result.Summary) float64 { return s.EnergyTotal.Mean }, "costliest")
	lab := newGroupLabeller(groups)

	var used []result.Component
	for _, c := range result.Components() {
		for _, s := range groups {
			if s.OK() > 0 && statMean(s.Energy[c]) > 0 {
				used = append(used, c)
				break
			}
		}
	}
	rows := make([]barRow, len(groups))
	battery := make([]barRow, len(groups))
	for i, s := range groups {
		r := barRow{label: lab.label(s), ci: s.EnergyTotal.CI95, lo: math.NaN(), hatch: s.Start == result.Cold}
		b := barRow{label: r.label, ci: math.NaN(), lo: math.NaN(), hatch: r.hatch}
		if s.OK() == 0 {
			r.note = failureNote(s)
			b.note = " "
			rows[i], battery[i] = r, b
			continue
		}
		for _, c := range used {
			r.segs = append(r.segs, statMean(s.Energy[c]))
		}
		r.total = s.EnergyTotal.Mean
		r.value = fmtJoules(r.total)
		// Per request, cold and warm alike: one unit on one axis (per
		// 1,000 would read 628 % for a cold CNNdroid start).
		per := s.BatteryPer1000 / 1000
		b.segs = []float64{per}
		b.total = per
		b.value = fmtNum(per) + " %"
		rows[i], battery[i] = r, b
	}
	colors := make([]color.Color, 0, len(used))
	leg := newLegend()
	names := map[result.Component]string{result.CPU: "cpu", result.GPU: "gpu", result.Radio: "radio (tail included)", result.Base: "base (screen, idle floor)"}
	for _, c := range used {
		colors = append(colors, ComponentColor(c))
		leg.add(names[c], swatch{fill: ComponentColor(c)})
	}
	startLegend(leg, groups, opts.Log)
	leg.add("95 % CI of the mean", errThumb{})

	ax := barAxis{label: "phone energy per request", unit: energyUnit, format: fmtJoules}
	title := opts.Title
	if title == "" {
		title = "What it costs the phone: energy per request by component"
	}
	const header = "battery\nper\nrequest"
	battW := -float64(textStyle(sans, tickSize, Black).Width("request") + vg.Points(8))
	if opts.Log {
		ps, heights, lw, stacked := logBarPanels(groups, rows, battery, colors, ax, "share by component", header)
		return barFigure(title+capNote, leg, ps, heights, []float64{3, 2, battW}, lw, stacked), nil
	}
	ps, heights, lw := barPanels(groups, rows, battery, opts.Split, colors, false, ax, header)
	return barFigure(title+capNote, leg, ps, heights, []float64{1, battW}, lw, nil), nil
}

// checkEnergy rejects non-finite energy means and battery drains.
func checkEnergy(sums []result.Summary) error {
	var f finite
	for i := range sums {
		s := &sums[i]
		if s.OK() == 0 {
			continue
		}
		f.check(s.EnergyTotal.Mean, func() string { return describe(i, s) + ": energy_total.mean" })
		f.checkCI(s.EnergyTotal.CI95, func() string { return describe(i, s) + ": energy_total.ci95" })
		f.check(s.BatteryPer1000, func() string { return describe(i, s) + ": battery_per_1000" })
		for _, c := range result.Components() {
			f.check(statMean(s.Energy[c]), func() string { return describe(i, s) + ": energy." + c.String() + ".mean" })
		}
	}
	return f.err
}

// textColumnPlot returns a plot without axes that writes each row's value
// text at the row's height, under a header, for a column beside main.
func textColumnPlot(header string, rows []barRow, seps []float64, main *plot.Plot) *plot.Plot {
	p := newPlot(header, "", "")
	p.Title.TextStyle.Font = font.From(sans, tickSize)
	p.HideAxes()
	p.X.Min, p.X.Max = 0, 1
	p.Y.Min, p.Y.Max = main.Y.Min, main.Y.Max
	p.Add(separators{seps}, textColumn{rows})
	return p
}

// textColumn writes each row's value text, centred.
type textColumn struct{ rows []barRow }

// Plot implements plot.Plotter.
func (t textColumn) Plot(c draw.Canvas, p *plot.Plot) {
	_, trY := p.Transforms(&c)
	sty := textStyle(sans, tickSize, color.Black)
	sty.XAlign, sty.YAlign = draw.XCenter, draw.YCenter
	for _, r := range t.rows {
		if r.value != "" {
			c.FillText(sty, vg.Point{X: c.Center().X, Y: trY(r.y)}, r.value)
		}
	}
}
