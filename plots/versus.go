package plots

import (
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/infersim/infersim/result"
)

// VersusOptions configures Versus.
type VersusOptions struct {
	// Title replaces the default title.
	Title string
}

// Versus draws the study's central comparison: for each model and image,
// every mode's mean end-to-end latency (left) and phone energy per request
// (right) on one shared axis per panel, so that on-device and cloud are
// read on the same scale. A row is a model × image; each mode is a dot in
// its colour, nudged up or down within the row so that modes do not hide
// one another; warm starts are filled dots and cold starts hollow rings,
// joined by a thin line in the mode's colour (the cold-start penalty); the
// error bars are the 95 % CI of the mean. An axis is logarithmic when its
// values span more than LogRatio, and its label says so. Groups without a
// successful request are left out (the breakdown chart names them).
//
// Narrower than 5 inches (ColumnWidth) the energy panel is drawn under the
// latency panel rather than beside it.
//
// It returns an error wrapping ErrEmpty when no group has a successful
// request, and a *NotFiniteError naming the field for a NaN or infinite
// mean.
func Versus(sums []result.Summary, opts VersusOptions) (*Figure, error) {
	if err := checkVersus(sums); err != nil {
		return nil, err
	}
	var groups []*result.Summary
	for _, s := range selectGroups(sums) {
		if s.OK() > 0 {
			groups = append(groups, s)
		}
	}
	if len(groups) == 0 {
		return nil, empty("versus: no group with a successful request")
	}
	var models, images, modes []string
	seen := map[string]bool{}
	once := func(list *[]string, kind, v string) {
		if !seen[kind+"\x00"+v] {
			seen[kind+"\x00"+v] = true
			*list = append(*list, v)
		}
	}
	for _, s := range groups {
		once(&models, "model", s.Model)
		once(&images, "image", s.Image)
		once(&modes, "mode", s.Mode)
	}
	sortModes(modes)

	// Rows: a heading per model when there are several, then one row per
	// image of that model.
	hd := len(models) > 1
	var rows []barRow
	var rowModels []string
	var cells [][]*result.Summary
	for _, m := range models {
		if hd {
			rows = append(rows, barRow{label: m, heading: true, ci: math.NaN(), lo: math.NaN()})
			rowModels = append(rowModels, m)
			cells = append(cells, nil)
		}
		for _, img := range images {
			var cell []*result.Summary
			for _, s := range groups {
				if s.Model == m && s.Image == img {
					cell = append(cell, s)
				}
			}
			if len(cell) == 0 {
				continue
			}
			label := img
			if len(images) == 1 {
				label = m
				if hd {
					label = "all"
				}
			}
			rows = append(rows, barRow{label: label, ci: math.NaN(), lo: math.NaN()})
			rowModels = append(rowModels, m)
			cells = append(cells, cell)
		}
	}
	if hd && len(images) == 1 {
		// One image: the model names the row; no headings needed.
		var r2 []barRow
		var m2 []string
		var c2 [][]*result.Summary
		for i, r := range rows {
			if r.heading {
				continue
			}
			r.label = rowModels[i]
			r2, m2, c2 = append(r2, r), append(m2, rowModels[i]), append(c2, cells[i])
		}
		rows, rowModels, cells = r2, m2, c2
	}
	seps := positionRows(rows, rowModels)

	// Room per mode within a row.
	step := vg.Points(7.5)
	pitch := max(rowPitch, step*vg.Length(len(modes))+vg.Points(6))
	dodge := func(mode string) float64 {
		k := 0
		for i, m := range modes {
			if m == mode {
				k = i
			}
		}
		return -(float64(k) - float64(len(modes)-1)/2) * float64(step/pitch)
	}

	stacked := new(bool)
	lat := versusPanel(rows, seps, cells, dodge, versusMetric{
		label: "mean end-to-end latency", unit: timeUnit, format: fmtSeconds,
		value: func(s *result.Summary) (float64, float64) { return s.Latency.Mean, s.Latency.CI95 },
	}, nil)
	en := versusPanel(rows, seps, cells, dodge, versusMetric{
		label: "phone energy per request", unit: energyUnit, format: fmtJoules,
		value: func(s *result.Summary) (float64, float64) { return s.EnergyTotal.Mean, s.EnergyTotal.CI95 },
	}, stacked)
	lw := labelWidth(rows, lat.Y.Tick.Label)
	lat.Add(rowHeadings{rows: rows, labelW: tickWidth(rows, lat.Y.Tick.Label)})
	en.Add(rowHeadings{rows: rows, labelW: tickWidth(rows, lat.Y.Tick.Label), on: stacked})

	leg := newLegend()
	names := modeNames{}
	for _, s := range groups {
		names.add(s.Mode, s.SplitLayers)
	}
	for _, m := range modes {
		gs := draw.GlyphStyle{Color: ModeColor(m), Radius: dotRadius, Shape: draw.CircleGlyph{}}
		leg.add(names.name(m), lineThumb{glyph: &gs})
	}
	cold, warm := false, false
	for _, s := range groups {
		cold, warm = cold || s.Start == result.Cold, warm || s.Start != result.Cold
	}
	if cold {
		leg.add("cold start (hollow)", dotThumb{hollow: true})
		if warm {
			leg.add("warm start (filled)", dotThumb{})
			leg.add("a mode's warm to cold start", lineThumb{line: draw.LineStyle{Color: DarkGrey, Width: vg.Points(1)}})
		}
	}
	leg.add("95 % CI of the mean", errThumb{})

	h := pitch*vg.Length(float64(len(rows))+modelGap*float64(nModels(rowModels)-1)) + panelExtra - 12
	title := opts.Title
	if title == "" {
		title = "Phone or cloud? Every mode on one axis per model and image"
	}
	return barFigure(title, leg, [][]*plot.Plot{{lat, en}}, []vg.Length{h}, []float64{1, 1}, lw, stacked), nil
}

// versusMetric is one panel of Versus: what it plots and how.
type versusMetric struct {
	label  string
	unit   func(float64) unitScale
	format func(float64) string
	value  func(*result.Summary) (mean, ci float64)
}

// versusPanel builds one panel of Versus: the cells' dots on a shared
// axis, log when the values span more than LogRatio. The row labels are
// drawn while labels is nil or *labels (see showTicks).
func versusPanel(rows []barRow, seps []float64, cells [][]*result.Summary, dodge func(string) float64, m versusMetric, labels *bool) *plot.Plot {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, cell := range cells {
		for _, s := range cell {
			v, ci := m.value(s)
			if v > 0 {
				lo, hi = min(lo, v), max(hi, v+nanZero(ci))
				if l := v - nanZero(ci); l > 0 {
					lo = min(lo, l)
				}
			}
		}
	}
	if math.IsInf(lo, 1) {
		lo, hi = 1, 10
	}
	p := newPlot("", "", "")
	vd := &versusDots{rows: rows, cells: cells, dodge: dodge, value: m.value, log: hi/lo > LogRatio}
	if vd.log {
		l, h := logRange(lo, hi)
		setLogAxis(&p.X, l, h, m.format)
		p.X.Label.Text = m.label + " (log scale)"
	} else {
		u := m.unit(hi)
		vd.scale = u.Scale
		p.X.Min, p.X.Max = 0, niceMax(0, hi/u.Scale)
		p.X.Tick.Marker = linTicks{}
		p.X.Label.Text = m.label + " (" + u.Name + ")"
	}
	p.X.Padding = 0
	vd.xmin, vd.xmax = p.X.Min, p.X.Max
	p.Add(vgrid{}, separators{seps}, vd)
	rowAxis(p, rows, true)
	if labels != nil {
		p.Y.Tick.Marker = showTicks{ticks: rowTicks(rows), on: labels}
	}
	return p
}

// versusDots draws each cell's groups as dots: the mode's colour, nudged
// within the row by dodge, hollow for cold starts, with the 95 % CI and a
// line from a mode's warm to its cold start.
type versusDots struct {
	rows  []barRow
	cells [][]*result.Summary
	dodge func(mode string) float64
	value func(*result.Summary) (mean, ci float64)
	log   bool
	scale float64 // display unit on a linear axis
	// xmin and xmax are the value axis' range, on the axis' scale.
	xmin, xmax float64
}

func (v *versusDots) pos(x float64) float64 {
	if v.log {
		return math.Log10(x)
	}
	return x / v.scale
}

// Plot implements plot.Plotter.
func (v *versusDots) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for i, cell := range v.cells {
		// Lines first, under the dots: warm to cold of each mode.
		for _, s := range cell {
			if s.Start != result.Cold {
				continue
			}
			for _, w := range cell {
				if w.Mode == s.Mode && w.Start != result.Cold {
					vc, _ := v.value(s)
					vw, _ := v.value(w)
					if vc > 0 && vw > 0 {
						y := trY(v.rows[i].y + v.dodge(s.Mode))
						c.StrokeLine2(draw.LineStyle{Color: ModeColor(s.Mode), Width: vg.Points(1)}, trX(v.pos(vw)), y, trX(v.pos(vc)), y)
					}
				}
			}
		}
		for _, s := range cell {
			val, ci := v.value(s)
			if val <= 0 {
				continue
			}
			y := trY(v.rows[i].y + v.dodge(s.Mode))
			x := trX(v.pos(val))
			if ci > 0 {
				l := val - ci
				if v.log && l <= 0 {
					l = val / 10
				}
				drawErrorBar(&c, trX(v.pos(l)), trX(v.pos(val+ci)), y, vg.Points(2))
			}
			drawDot(&c, vg.Point{X: x, Y: y}, ModeColor(s.Mode), s.Start == result.Cold)
		}
	}
}

// DataRange implements plot.DataRanger: the rows' extent, and the value
// axis versusPanel set (xmin, xmax).
func (v *versusDots) DataRange() (xmin, xmax, ymin, ymax float64) {
	ymin, ymax = math.Inf(1), math.Inf(-1)
	for _, r := range v.rows {
		ymin, ymax = min(ymin, r.y-0.5), max(ymax, r.y+0.5)
	}
	return v.xmin, v.xmax, ymin, ymax
}

// GlyphBoxes implements plot.GlyphBoxer: room for the dots at the ends.
func (v *versusDots) GlyphBoxes(p *plot.Plot) []plot.GlyphBox {
	var boxes []plot.GlyphBox
	r := dotRadius + 1
	for i, cell := range v.cells {
		for _, s := range cell {
			if val, _ := v.value(s); val > 0 {
				boxes = append(boxes, plot.GlyphBox{X: p.X.Norm(v.pos(val)), Y: p.Y.Norm(v.rows[i].y),
					Rectangle: vg.Rectangle{Min: vg.Point{X: -r, Y: -r}, Max: vg.Point{X: r, Y: r}}})
			}
		}
	}
	return boxes
}

// checkVersus rejects non-finite means of groups with successful requests.
func checkVersus(sums []result.Summary) error {
	if len(sums) == 0 {
		return empty("versus: no summaries")
	}
	var f finite
	for i := range sums {
		s := &sums[i]
		if s.OK() == 0 {
			continue
		}
		f.check(s.Latency.Mean, func() string { return describe(i, s) + ": latency.mean" })
		f.checkCI(s.Latency.CI95, func() string { return describe(i, s) + ": latency.ci95" })
		f.check(s.EnergyTotal.Mean, func() string { return describe(i, s) + ": energy_total.mean" })
		f.checkCI(s.EnergyTotal.CI95, func() string { return describe(i, s) + ": energy_total.ci95" })
	}
	return f.err
}

// hasBothSides reports whether the summaries hold a successful on-device
// group and a successful remote (cloud or split) one: what Versus compares.
func hasBothSides(sums []result.Summary) bool {
	phone, remote := false, false
	for i := range sums {
		if sums[i].OK() == 0 {
			continue
		}
		switch family(sums[i].Mode) {
		case familyPhone:
			phone = true
		case familyCloud, familySplit:
			remote = true
		}
	}
	return phone && remote
}

// versusCaption says which mode is fastest and which is cheapest for the
// phone, warm, in how many model × image rows, and the largest cold-start
// latency.
func versusCaption(sums []result.Summary) string {
	type cell struct{ model, image string }
	fastest, cheapest := map[cell]*result.Summary{}, map[cell]*result.Summary{}
	var order []cell
	var worstCold *result.Summary
	for i := range sums {
		s := &sums[i]
		if s.OK() == 0 {
			continue
		}
		if s.Start == result.Cold {
			if worstCold == nil || s.Latency.Mean > worstCold.Latency.Mean {
				worstCold = s
			}
			continue
		}
		k := cell{s.Model, s.Image}
		if _, ok := fastest[k]; !ok {
			order = append(order, k)
			fastest[k], cheapest[k] = s, s
		}
		if s.Latency.Mean < fastest[k].Latency.Mean {
			fastest[k] = s
		}
		if s.EnergyTotal.Mean < cheapest[k].EnergyTotal.Mean {
			cheapest[k] = s
		}
	}
	names := summaryModeNames(sums)
	count := func(best map[cell]*result.Summary) string {
		n := map[string]int{}
		var modes []string
		for _, k := range order {
			m := best[k].Mode
			if n[m] == 0 {
				modes = append(modes, m)
			}
			n[m]++
		}
		sortModes(modes)
		var parts []string
		for _, m := range modes {
			parts = append(parts, fmt.Sprintf("%s in %d of %d", names.name(m), n[m], len(order)))
		}
		return strings.Join(parts, ", ")
	}
	c := "On-device and cloud on one axis per model and image (further left is faster, cheaper); hollow dots are cold starts."
	if len(order) > 0 {
		c += " Fastest warm: " + count(fastest) + "; cheapest for the phone: " + count(cheapest) + "."
	}
	if worstCold != nil {
		c += fmt.Sprintf(" Slowest cold start: %s %s, %s.", worstCold.Model, worstCold.ModeLabel(), fmtSeconds(worstCold.Latency.Mean))
	}
	return c
}
