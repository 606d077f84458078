package plots

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/infersim/infersim/result"
)

// Shared machinery of the breakdown and energy charts: rows of horizontal
// stacked bars, one per group, grouped by model, optionally one panel per
// mode family.

const (
	rowPitch   = vg.Length(19) // points per bar row
	panelExtra = vg.Length(44) // points of axis, tick labels and panel title per panel
	barThick   = 0.68          // bar thickness, in row units
	modelGap   = 0.55          // extra space between models, in row units
)

// positionRows assigns y positions top to bottom (the first row on top),
// leaving a gap between models, and returns the separator positions.
func positionRows(rows []barRow, models []string) (seps []float64) {
	y := 0.0
	for i := len(rows) - 1; i >= 0; i-- {
		rows[i].y = y
		y++
		if i > 0 && models[i] != models[i-1] {
			seps = append(seps, y-0.5+modelGap/2)
			y += modelGap
		}
	}
	return seps
}

// barAxis describes the value axis of a bar panel.
type barAxis struct {
	label  string                  // e.g. "mean end-to-end latency"
	unit   func(float64) unitScale // display unit for a linear axis
	format func(float64) string    // tick label for a log axis, in base units
}

// barPanel builds one panel of stacked bars. It returns the plot and its
// bar plotter (whose scale and floor other layers of the panel share).
func barPanel(title string, rows []barRow, seps []float64, colors []color.Color, log bool, ax barAxis, rowLabels bool) (*plot.Plot, *stackedBars) {
	sb := &stackedBars{rows: rows, colors: colors, log: log, scale: 1, thick: barThick}
	p := newPlot(title, "", "")
	p.Title.TextStyle.XAlign = draw.XCenter
	maxEnd, minTot := 0.0, math.Inf(1)
	for _, r := range rows {
		if r.note != "" {
			continue
		}
		if t := sb.sum(r); t > 0 {
			minTot = min(minTot, t)
		}
	}
	if math.IsInf(minTot, 1) {
		minTot = 1
	}
	if log {
		sb.floor = math.Pow(10, math.Floor(math.Log10(minTot))-1)
	}
	for _, r := range rows {
		if r.note == "" {
			e := sb.end(r) // base units: scale is still 1
			if log {
				e = math.Pow(10, e)
			}
			maxEnd = max(maxEnd, e)
		}
	}
	if maxEnd <= 0 || log && maxEnd <= sb.floor {
		maxEnd = max(1, sb.floor*10)
	}
	if log {
		lo, hi := logRange(sb.floor, maxEnd)
		sb.floor = lo
		setLogAxis(&p.X, lo, hi, ax.format)
		p.X.Label.Text = ax.label + " (log scale)"
		for _, r := range rows {
			n := 0
			for _, v := range r.segs {
				if v > 0 {
					n++
				}
			}
			if n > 1 {
				p.X.Label.Text = ax.label + " (log scale; a bar's segments are shares of its total)"
				break
			}
		}
	} else {
		u := ax.unit(maxEnd)
		sb.scale = u.Scale
		p.X.Min, p.X.Max = 0, niceMax(0, maxEnd/u.Scale)
		p.X.Tick.Marker = linTicks{}
		p.X.Label.Text = ax.label + " (" + u.Name + ")"
		if u.Name == "" {
			p.X.Label.Text = ax.label
		}
	}
	p.Add(vgrid{}, separators{seps}, sb)
	rowAxis(p, rows, rowLabels)
	p.X.Padding = 0
	return p, sb
}

// panelHeight is the height a panel of n rows needs.
func panelHeight(n int, models int) vg.Length {
	return rowPitch*vg.Length(float64(n)+modelGap*float64(models-1)) + panelExtra
}

// barPanels builds the panels of a bar chart, one per mode family when
// split (panelSet): each holds its groups' rows as stacked bars and, when
// side is not nil, the same rows of side as a text column headed
// sideHeader. With more than one model each model's rows sit under a
// heading row naming it. It returns the panels, a row of the grid each,
// their heights and the width of the row labels.
func barPanels(groups []*result.Summary, rows, side []barRow, split bool, colors []color.Color, log bool, ax barAxis, sideHeader string) ([][]*plot.Plot, []vg.Length, vg.Length) {
	titles, members := panelSet(groups, split)
	hd := headed(groups)
	var ps [][]*plot.Plot
	var heights []vg.Length
	var labelW vg.Length
	for k, idx := range members {
		prows := make([]barRow, len(idx))
		for j, i := range idx {
			prows[j] = rows[i]
		}
		prows, models := withHeadings(groups, idx, prows, hd)
		seps := positionRows(prows, models)
		main, _ := barPanel(titles[k], prows, seps, colors, log, ax, true)
		lw := labelWidth(prows, main.Y.Tick.Label)
		labelW = max(labelW, lw)
		main.Add(rowHeadings{rows: prows, labelW: tickWidth(prows, main.Y.Tick.Label)})
		row := []*plot.Plot{main}
		if side != nil {
			srows := make([]barRow, len(idx))
			for j, i := range idx {
				srows[j] = side[i]
			}
			srows, _ = withHeadings(groups, idx, srows, hd)
			positionRows(srows, models)
			row = append(row, textColumnPlot(sideHeader, srows, seps, main))
		}
		ps = append(ps, row)
		h := panelHeight(len(prows), nModels(models))
		if titles[k] == "" {
			h -= 12
		}
		heights = append(heights, h)
	}
	return ps, heights, labelW
}

// nModels counts the runs of equal models in models (in order).
func nModels(models []string) int {
	n := 0
	for i, m := range models {
		if i == 0 || m != models[i-1] {
			n++
		}
	}
	return n
}

// logBarPanels builds the log design of a bar chart (see dots.go): one
// panel of totals as dots on a log axis, one of 100 % stacked shares on
// the same rows (shareWhat names them), and, when side is not nil, the
// text column. Every group is on the one log axis: no split by family.
//
// The share panel's row labels and headings show only while *stacked is
// set: barFigure sets it when it stacks the share panel under the totals
// at column width.
func logBarPanels(groups []*result.Summary, rows, side []barRow, colors []color.Color, ax barAxis, shareWhat, sideHeader string) (ps [][]*plot.Plot, heights []vg.Length, labelW vg.Length, stacked *bool) {
	idx := make([]int, len(groups))
	for i := range idx {
		idx[i] = i
	}
	hd := headed(groups)
	prows := append([]barRow(nil), rows...)
	for i := range prows {
		prows[i].color = ModeColor(groups[i].Mode)
	}
	prows, models := withHeadings(groups, idx, prows, hd)
	seps := positionRows(prows, models)
	dots := dotPanel(prows, seps, ax)
	lw := labelWidth(prows, dots.Y.Tick.Label)
	dots.Add(rowHeadings{rows: prows, labelW: tickWidth(prows, dots.Y.Tick.Label)})
	stacked = new(bool)
	share := sharePanel(prows, seps, colors, shareWhat)
	share.Y.Tick.Marker = showTicks{ticks: rowTicks(prows), on: stacked}
	share.Add(rowHeadings{rows: prows, labelW: tickWidth(prows, dots.Y.Tick.Label), on: stacked})
	row := []*plot.Plot{dots, share}
	if side != nil {
		srows := append([]barRow(nil), side...)
		srows, _ = withHeadings(groups, idx, srows, hd)
		positionRows(srows, models)
		row = append(row, textColumnPlot(sideHeader, srows, seps, dots))
	}
	h := panelHeight(len(prows), nModels(models)) - 12
	return [][]*plot.Plot{row}, []vg.Length{h}, lw, stacked
}

// stackBelow is the figure width under which a log bar chart (totals and
// shares side by side) stacks its share panel under the totals: at column
// width there is no room for both beside the row labels.
const stackBelow = 5 * vg.Inch

// barFigure lays out a bar chart (legendFigure): its panels stacked, a gap
// below each, in columns of the given widths. A positive width is a share
// of the room left once the row labels (labelW, added to the first column)
// and the fixed columns are taken; a negative one is a fixed width in
// points (a text column). stacked is logBarPanels' flag, nil for other
// charts: narrower than stackBelow, the columns after the first are drawn
// in a band of their own under it, with their own row labels.
func barFigure(title string, l *legend, ps [][]*plot.Plot, heights []vg.Length, colWeights []float64, labelW vg.Length, stacked *bool) *Figure {
	body := make([]vg.Length, len(heights))
	for i, h := range heights {
		body[i] = h + gap
	}
	narrow := func(w vg.Length) bool { return stacked != nil && len(colWeights) > 1 && w < stackBelow }
	f := legendFigure(title, l, func(c draw.Canvas) {
		w := c.Max.X - c.Min.X
		if !narrow(w + 2*outerPad) {
			if stacked != nil {
				*stacked = false
			}
			drawGrid(c, ps, heights, columnWidths(w, colWeights, labelW))
			return
		}
		*stacked = true
		var top, bottom [][]*plot.Plot
		var hs []float64
		for i, row := range ps {
			top = append(top, row[:1])
			bottom = append(bottom, row[1:])
			hs = append(hs, float64(heights[i]))
		}
		bands := splitHeights(c, append(hs, hs...))
		n := len(ps)
		upper, lower := bands[0], bands[n]
		upper.Min.Y = bands[n-1].Min.Y
		lower.Min.Y = bands[2*n-1].Min.Y
		drawGrid(upper, top, heights, []float64{1})
		drawGrid(lower, bottom, heights, columnWidths(w, colWeights[1:], labelW))
	}, body...)
	base := f.height
	f.height = func(w vg.Length) vg.Length {
		h := base(w)
		if narrow(w) {
			for _, b := range body {
				h += b
			}
		}
		return h
	}
	f.Height = f.height(f.Width)
	return f
}

// columnWidths turns barFigure's column weights into widths for a canvas
// w wide.
func columnWidths(w vg.Length, weights []float64, labelW vg.Length) []float64 {
	flex, fixed := 0.0, vg.Length(0)
	for _, x := range weights {
		if x > 0 {
			flex += x
		} else {
			fixed -= vg.Length(x)
		}
	}
	room := w - colGap*vg.Length(len(weights)-1) - fixed - labelW
	out := make([]float64, len(weights))
	for i, x := range weights {
		if x > 0 {
			out[i] = float64(room) * x / flex
		} else {
			out[i] = -x
		}
	}
	out[0] += float64(labelW)
	return out
}

// drawGrid draws a grid of panels with the given row heights and column
// weights, aligning the data areas of each column horizontally and of each
// row vertically.
func drawGrid(c draw.Canvas, ps [][]*plot.Plot, heights []vg.Length, colWeights []float64) {
	hw := make([]float64, len(heights))
	for i, h := range heights {
		hw[i] = float64(h)
	}
	bands := splitHeights(c, hw)
	cells := make([][]draw.Canvas, len(ps))
	for i := range ps {
		cells[i] = splitWidths(bands[i], colWeights)
	}
	for i := range ps {
		for j, p := range ps[i] {
			fitLabel(p, cells[i][j])
		}
	}
	for j := range colWeights {
		col := make([]*plot.Plot, len(ps))
		cs := make([]draw.Canvas, len(ps))
		for i := range ps {
			col[i], cs[i] = ps[i][j], cells[i][j]
		}
		alignX(col, cs)
		for i := range ps {
			cells[i][j] = cs[i]
		}
	}
	for i := range ps {
		alignY(ps[i], cells[i])
		for j, p := range ps[i] {
			fitDraw(p, cells[i][j])
		}
	}
}

// errThumb is the legend thumbnail of an error bar.
type errThumb struct{}

// Thumbnail implements plot.Thumbnailer.
func (errThumb) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	h := (c.Max.Y - c.Min.Y) * 0.3
	c.StrokeLine2(errStyle, c.Min.X+2, y, c.Max.X-2, y)
	c.StrokeLine2(errStyle, c.Min.X+2, y-h, c.Min.X+2, y+h)
	c.StrokeLine2(errStyle, c.Max.X-2, y-h, c.Max.X-2, y+h)
}

// startLegend adds the cold/warm entries when the rows mix them; with dots
// (the log design) the entries show the hollow and filled dot too.
func startLegend(l *legend, groups []*result.Summary, dots bool) {
	cold, warm := false, false
	for _, s := range groups {
		cold = cold || s.Start == result.Cold
		warm = warm || s.Start == result.Warm
	}
	switch {
	case dots && cold:
		l.add("cold start (hollow dot, hatched bar)", dotThumb{hollow: true})
		if warm {
			l.add("warm start (filled dot)", dotThumb{})
		}
	case cold:
		l.add("cold start (hatched)", swatch{fill: color.White, hatch: true, line: DarkGrey})
		if warm {
			l.add("warm start", swatch{fill: color.White, line: DarkGrey})
		}
	case dots:
		l.add("mean (dot, in the mode's colour)", dotThumb{})
	}
}

// panelSet splits the groups into panels: one per mode family present when
// split, else one. It returns the indices of the groups in each panel.
func panelSet(groups []*result.Summary, split bool) (titles []string, members [][]int) {
	if !split {
		all := make([]int, len(groups))
		for i := range all {
			all[i] = i
		}
		return []string{""}, [][]int{all}
	}
	byFam := make([][]int, len(familyTitles))
	for i, s := range groups {
		f := family(s.Mode)
		byFam[f] = append(byFam[f], i)
	}
	for f, m := range byFam {
		if len(m) > 0 {
			titles = append(titles, familyTitles[f])
			members = append(members, m)
		}
	}
	if len(members) == 1 {
		titles[0] = ""
	}
	return titles, members
}
