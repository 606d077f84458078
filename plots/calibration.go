package plots

import (
	"cmp"
	"fmt"
	"image/color"
	"math"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/infersim/infersim/result"
)

// LayerOptions configures LayerTimes.
type LayerOptions struct {
	// Title replaces the default title.
	Title string
	// Model picks the model when the timings hold several.
	Model string
	// Log draws the time axis on a log scale: a model's layers span three
	// orders of magnitude (a ReLU against a convolution).
	Log bool
}

// layerClass groups Caffe layer types for colour.
func layerClass(kind string) (string, color.Color) {
	switch strings.ToLower(kind) {
	case "convolution", "deconvolution":
		return "convolution", Blue
	case "innerproduct":
		return "fully connected", SkyBlue
	case "pooling":
		return "pooling", BluishGreen
	case "lrn", "batchnorm", "scale":
		return "normalisation", ReddishPurple
	case "relu", "dropout", "concat", "eltwise", "softmax", "sigmoid", "tanh", "split":
		return "element-wise, concat, softmax", Grey
	}
	return "other", Orange
}

// LayerTimes draws a calibration profile for one model: one row per layer
// in network order, a bar of its median time on this machine with a p10–p90
// whisker, coloured by layer class, the simulated time on the target
// processor as a diamond when the timings carry one; and beside it the
// achieved GFLOP/s of each layer that has FLOPs. It shows which layers the
// time goes to, and how far from peak each kernel runs.
//
// It returns an error wrapping ErrEmpty for no timings (for the model), an
// error when several models are present and Model is empty, and a
// *NotFiniteError for a NaN or infinite median, GFLOP/s or simulated time.
func LayerTimes(layers []result.LayerTiming, opts LayerOptions) (*Figure, error) {
	if len(layers) == 0 {
		return nil, empty("layer times: no layer timings")
	}
	model, use, err := layersOf(layers, opts)
	if err != nil {
		return nil, err
	}
	keep, capNote := capRows(len(use), func(a, b int) int { return cmp.Compare(use[b].Median, use[a].Median) }, "slowest", result.LayersFile)
	if capNote != "" {
		kept := make([]result.LayerTiming, len(keep))
		for i, k := range keep {
			kept[i] = use[k]
		}
		use = kept
	}
	lr := newLayerRows(use)
	models := make([]string, len(lr.rows))
	seps := positionRows(lr.rows, models)
	positionRows(lr.flops, models)
	pitch := max(vg.Points(11), min(rowPitch, vg.Points(560)/vg.Length(len(lr.rows))))

	// Simulated target times can be far above the host's (a 2013 phone is
	// ~50× slower than this machine): the axis must reach them, and when they
	// dwarf the host bars a log axis is the only one on which both read.
	maxHost, maxSim, allPositive := 0.0, 0.0, true
	for _, l := range use {
		maxHost = max(maxHost, l.Median)
		allPositive = allPositive && l.Median > 0
	}
	for _, m := range lr.sim {
		maxSim = max(maxSim, m.v)
	}
	logAxis := opts.Log || maxSim > 10*maxHost && allPositive
	ax := barAxis{label: "median time on this machine", unit: timeUnit, format: fmtSeconds}
	main, bars := barPanel("", lr.rows, seps, lr.colors, logAxis, ax, true)
	if maxSim > maxHost {
		if logAxis {
			lo, hi := logRange(bars.floor, maxSim)
			bars.floor = lo
			setLogAxis(&main.X, lo, hi, ax.format)
		} else {
			main.X.Max = niceMax(0, maxSim/bars.scale*1.05)
		}
	}
	if pitch < rowPitch {
		main.Y.Tick.Label.Font = font.From(sans, smallSize)
	}
	for i := range lr.sim {
		lr.sim[i].y = lr.rows[lr.sim[i].i].y
	}
	if len(lr.sim) > 0 {
		main.Add(&simMarks{marks: lr.sim, log: logAxis, scale: bars.scale})
	}
	ps := []*plot.Plot{main}
	weights := []float64{1}
	if lr.anyFlops {
		side, _ := barPanel("", lr.flops, seps, []color.Color{DarkGrey}, false, barAxis{label: "GFLOP/s", unit: func(float64) unitScale { return unitScale{"", 1} }}, false)
		ps = append(ps, side)
		weights = []float64{2.4, 1}
	}

	leg := newLegend()
	for _, cls := range lr.classes {
		leg.add(cls, swatch{fill: lr.classColor[cls]})
	}
	leg.add("p10–p90", errThumb{})
	if len(lr.sim) > 0 {
		gs := draw.GlyphStyle{Color: Black, Radius: vg.Points(3.5), Shape: diamondGlyph{}}
		leg.add("simulated on target", lineThumb{glyph: &gs})
	}

	title := opts.Title
	if title == "" {
		title = "Where " + model + " spends its time: per-layer kernel timings"
	}
	h := pitch*vg.Length(len(lr.rows)) + panelExtra
	return legendFigure(title+capNote, leg, func(c draw.Canvas) {
		drawGrid(c, [][]*plot.Plot{ps}, []vg.Length{h}, weights)
	}, h), nil
}

// layersOf returns the model LayerTimes draws (opts.Model, else the only
// one) and its timings, checked.
func layersOf(layers []result.LayerTiming, opts LayerOptions) (string, []result.LayerTiming, error) {
	model := opts.Model
	if model == "" {
		var names []string
		seen := map[string]bool{}
		for _, l := range layers {
			if !seen[l.Model] {
				seen[l.Model] = true
				names = append(names, l.Model)
			}
		}
		if len(names) > 1 {
			return "", nil, fmt.Errorf("plots: layer times: timings of several models (%s); choose one", strings.Join(names, ", "))
		}
		model = names[0]
	}
	var use []result.LayerTiming
	var f finite
	for i, l := range layers {
		if l.Model != model {
			continue
		}
		name := func(field string) func() string {
			return func() string { return fmt.Sprintf("layer %d (%s %s): %s", i, l.Model, l.Layer, field) }
		}
		f.check(l.Median, name("median"))
		f.check(l.GFLOPs, name("gflops"))
		f.check(l.Seconds, name("seconds"))
		if f.err == nil && l.Median <= 0 && opts.Log {
			return "", nil, fmt.Errorf("plots: layer times: layer %d (%s %s): median %v is not positive, cannot use a log axis", i, l.Model, l.Layer, l.Median)
		}
		use = append(use, l)
	}
	if f.err != nil {
		return "", nil, f.err
	}
	if len(use) == 0 {
		return "", nil, empty("layer times: no timings for model %q", model)
	}

	return model, use, nil
}

// layerRows are LayerTimes' bars: host times by class colour, GFLOP/s
// and the simulated target times.
type layerRows struct {
	rows, flops []barRow
	classes     []string
	classColor  map[string]color.Color
	colors      []color.Color // by class, in order
	sim         []simMark
	anyFlops    bool
}

func newLayerRows(use []result.LayerTiming) *layerRows {
	rows := make([]barRow, len(use))
	flops := make([]barRow, len(use))
	var classes []string
	classColor := map[string]color.Color{}
	var sim []simMark
	anyFlops := false
	for i, l := range use {
		cls, col := layerClass(l.Kind)
		if _, ok := classColor[cls]; !ok {
			classColor[cls] = col
			classes = append(classes, cls)
		}
		r := barRow{label: l.Layer, segs: make([]float64, 0), ci: math.NaN(), lo: math.NaN(), hi: math.NaN(), total: l.Median, value: fmtSeconds(l.Median)}
		if !math.IsNaN(l.P10) && !math.IsNaN(l.P90) && l.P90 > l.P10 {
			r.lo, r.hi = l.P10, l.P90
		}
		rows[i] = r
		fr := barRow{label: l.Layer, ci: math.NaN(), lo: math.NaN()}
		if l.GFLOPs > 0 {
			anyFlops = true
			fr.segs, fr.total, fr.value = []float64{l.GFLOPs}, l.GFLOPs, fmtNum(l.GFLOPs)
		} else {
			fr.note = " "
		}
		flops[i] = fr
		if l.Seconds > 0 {
			sim = append(sim, simMark{i: i, v: l.Seconds})
		}
	}
	// One series per class, so each bar takes its class colour.
	colors := make([]color.Color, len(classes))
	for k, cls := range classes {
		colors[k] = classColor[cls]
	}
	for i, l := range use {
		cls, _ := layerClass(l.Kind)
		rows[i].segs = make([]float64, len(classes))
		for k, c := range classes {
			if c == cls {
				rows[i].segs[k] = l.Median
			}
		}
	}
	return &layerRows{rows: rows, flops: flops, classes: classes, classColor: classColor, colors: colors, sim: sim, anyFlops: anyFlops}
}

type simMark struct {
	i    int
	y, v float64
}

// simMarks draws diamonds at simulated target times.
type simMarks struct {
	marks []simMark
	log   bool
	scale float64
}

// Plot implements plot.Plotter.
func (m *simMarks) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	gs := draw.GlyphStyle{Color: Black, Radius: vg.Points(3.5), Shape: diamondGlyph{}}
	for _, mk := range m.marks {
		x := mk.v / m.scale
		if m.log {
			x = math.Log10(mk.v)
		}
		c.DrawGlyph(gs, vg.Point{X: trX(x), Y: trY(mk.y)})
	}
}

// diamondGlyph is a filled diamond.
type diamondGlyph struct{}

// DrawGlyph implements draw.GlyphDrawer.
func (diamondGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	r := sty.Radius
	pts := []vg.Point{{X: pt.X, Y: pt.Y + r}, {X: pt.X + r*0.75, Y: pt.Y}, {X: pt.X, Y: pt.Y - r}, {X: pt.X - r*0.75, Y: pt.Y}}
	c.FillPolygon(color.White, []vg.Point{{X: pt.X, Y: pt.Y + r + 1}, {X: pt.X + r*0.75 + 1, Y: pt.Y}, {X: pt.X, Y: pt.Y - r - 1}, {X: pt.X - r*0.75 - 1, Y: pt.Y}})
	c.FillPolygon(sty.Color, pts)
}

// ValidationOptions configures Validation.
type ValidationOptions struct {
	// Title replaces the default title.
	Title string
}

// Validation draws how far the simulation lands from the published
// measurements: one row per reference fact, fitted rows (the processor
// profiles were fitted to them) as blue circles and held-out rows as
// vermillion diamonds, at the relative error (simulated − reference) /
// reference in percent, with the simulation's 95 % CI as a whisker, the
// row's tolerance as a shaded band, the published range (when the source
// gives one) as a grey bar, and the error written beside the mark ("+4 %";
// rows outside their tolerance say so). A column on the right gives the
// reference and simulated values in their units (left out narrower than 5
// inches, at ColumnWidth, where the row labels are shortened too). Rows
// without a reference value (qualitative facts) show pass or fail.
//
// It returns an error wrapping ErrEmpty for no rows, and a *NotFiniteError
// for a row with a reference value but a NaN or infinite simulated value.
func Validation(rows []result.ValidationRow, opts ValidationOptions) (*Figure, error) {
	if len(rows) == 0 {
		return nil, empty("validation: no rows")
	}
	if err := checkValidation(rows); err != nil {
		return nil, err
	}
	keep, capNote := capRows(len(rows), func(a, b int) int { return cmp.Compare(validationRank(rows[b]), validationRank(rows[a])) }, "farthest from their reference (failing first)", result.ValidationFile)
	if capNote != "" {
		kept := make([]result.ValidationRow, len(keep))
		for i, k := range keep {
			kept[i] = rows[k]
		}
		rows = kept
	}
	vrows, groups, xmax := validationRows(rows)
	y, seps := positionValRows(vrows, groups)
	p := newPlot("", "error of the simulation (%)", "")
	p.Y.Tick.Label.Font = font.From(sans, smallSize)
	lim := niceMax(0, xmax*1.25)
	p.X.Min, p.X.Max = -lim, lim
	p.X.Tick.Marker = signedTicks{}
	ticks := make(plot.ConstantTicks, len(vrows))
	narrowTicks := make(plot.ConstantTicks, len(vrows))
	for k, v := range vrows {
		ticks[k] = plot.Tick{Value: v.y, Label: v.label}
		narrowTicks[k] = plot.Tick{Value: v.y, Label: v.row.ID}
		if v.row.What != "" {
			narrowTicks[k].Label += "\n" + shorten(v.row.What, 22)
		}
	}
	p.Y.Tick.Marker = ticks
	p.Y.Tick.Length = 0
	p.Y.LineStyle.Width = 0
	p.Y.Padding = 0
	p.Y.Min, p.Y.Max = -0.6, y-0.4
	p.Add(vgrid{}, separators{seps}, &valPlot{rows: vrows})

	// Values column.
	vals := make([]barRow, len(vrows))
	colW := textStyle(sans, tickSize, Black).Width("reference → simulated")
	for k, v := range vrows {
		vals[k] = barRow{y: v.y, value: refSim(v.row)}
		colW = max(colW, textStyle(sans, tickSize, Black).Width(vals[k].value))
	}
	side := textColumnPlot("reference → simulated", vals, seps, p)

	leg := newLegend()
	fit := draw.GlyphStyle{Color: Blue, Radius: vg.Points(3.5), Shape: draw.CircleGlyph{}}
	held := draw.GlyphStyle{Color: Vermillion, Radius: vg.Points(4), Shape: diamondGlyph{}}
	leg.add("fitted (calibration)", lineThumb{glyph: &fit})
	leg.add("held out (validation)", lineThumb{glyph: &held})
	leg.add("tolerance", swatch{fill: tolColor})
	leg.add("published range", lineThumb{line: rangeStyle})
	leg.add("95 % CI", errThumb{})

	title := opts.Title
	if title == "" {
		title = "Does the simulation match the measurements? Simulated vs reference"
	}
	h := valPitch*vg.Length(y) + panelExtra
	return legendFigure(title+capNote, leg, func(c draw.Canvas) {
		if c.Max.X-c.Min.X+2*outerPad < stackBelow {
			// A column: no room for the values column beside the rows
			// (the error is written by each mark), and shorter labels.
			p.Y.Tick.Marker = narrowTicks
			drawGrid(c, [][]*plot.Plot{{p}}, []vg.Length{h}, []float64{1})
			return
		}
		p.Y.Tick.Marker = ticks
		colw := colW + vg.Points(12)
		drawGrid(c, [][]*plot.Plot{{p, side}}, []vg.Length{h}, []float64{float64(c.Max.X - c.Min.X - colw - colGap), float64(colw)})
	}, h), nil
}

// checkValidation checks the numbers of the quantitative rows.
func checkValidation(rows []result.ValidationRow) error {
	var f finite
	for i, r := range rows {
		if math.IsNaN(r.Reference) {
			continue // qualitative
		}
		name := func(field string) func() string {
			return func() string { return fmt.Sprintf("validation row %d (%s): %s", i, r.ID, field) }
		}
		f.check(r.Reference, name("reference"))
		f.check(r.Simulated, name("simulated"))
		f.checkCI(r.CI95, name("ci95"))
		f.check(r.Tolerance, name("tolerance"))
		if f.err == nil && r.Reference == 0 {
			return fmt.Errorf("plots: validation: row %d (%s): reference is 0, relative error undefined", i, r.ID)
		}
	}
	return f.err
}

// validationRows returns the rows' errors in percent (fitted rows first,
// then held-out rows, each in input order), each row's group and the
// largest error the axis must reach.
func validationRows(rows []result.ValidationRow) ([]valRow, []string, float64) {
	// Fitted rows first, then held-out rows, each in input order.
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return rows[order[a]].Fitted && !rows[order[b]].Fitted })
	vrows := make([]valRow, len(order))
	groups := make([]string, len(order))
	xmax := 5.0
	for k, i := range order {
		r := rows[i]
		v := valRow{row: r, err: math.NaN(), ci: math.NaN(), lo: math.NaN(), hi: math.NaN(), tol: math.NaN()}
		v.label = r.ID
		if r.What != "" {
			v.label += "\n" + shorten(r.What, 38)
		}
		if r.Fitted {
			groups[k] = "fitted"
		} else {
			groups[k] = "held out"
		}
		if !math.IsNaN(r.Reference) {
			v.err = (r.Simulated - r.Reference) / r.Reference * 100
			if !math.IsNaN(r.CI95) {
				v.ci = r.CI95 / math.Abs(r.Reference) * 100
			}
			if r.Tolerance > 0 {
				v.tol = r.Tolerance * 100
			}
			if r.Low > 0 && r.High > r.Low {
				v.lo, v.hi = (r.Low-r.Reference)/r.Reference*100, (r.High-r.Reference)/r.Reference*100
			}
			xmax = max(xmax, math.Abs(v.err)+nanZero(v.ci), nanZero(v.tol), math.Abs(nanZero(v.lo)), math.Abs(nanZero(v.hi)))
		}
		vrows[k] = v
	}
	return vrows, groups, xmax
}

// positionValRows places the rows, top first, with a gap between fitted
// and held-out rows; it returns the height used and the separators.
func positionValRows(vrows []valRow, groups []string) (float64, []float64) {
	// Positions, top first, a gap between fitted and held-out rows.
	y := 0.0
	var seps []float64
	for k := len(vrows) - 1; k >= 0; k-- {
		vrows[k].y = y
		y++
		if k > 0 && groups[k] != groups[k-1] {
			seps = append(seps, y-0.5+modelGap/2)
			y += modelGap
		}
	}
	return y, seps
}

// shorten cuts s to at most n runes with an ellipsis.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// fmtUnit formats a value in a validation row's unit.
func fmtUnit(x float64, unit string) string {
	switch unit {
	case "s":
		return fmtSeconds(x)
	case "J":
		return fmtJoules(x)
	case "", "×", "x":
		return fmtNum(x) + unit
	}
	return fmtNum(x) + " " + unit
}

// refSim is the values column text: "88 s → 84.1 s", or for qualitative
// rows "pass", "fail" (a fitted row) or "off" (a held-out one).
func refSim(r result.ValidationRow) string {
	if math.IsNaN(r.Reference) {
		switch {
		case r.Pass:
			return "pass"
		case r.Fitted:
			return "fail"
		}
		return "off"
	}
	return fmtUnit(r.Reference, r.Unit) + " → " + fmtUnit(r.Simulated, r.Unit)
}

type valRow struct {
	row                  result.ValidationRow
	label                string
	y                    float64
	err, ci, lo, hi, tol float64 // percent
}

// valPitch is the row pitch of the validation chart: two-line labels.
const valPitch = vg.Length(27)

var (
	tolColor   = color.NRGBA{0x00, 0x9e, 0x73, 0x30}
	rangeStyle = draw.LineStyle{Color: Grey, Width: vg.Points(2.5)}
)

// valPlot draws the validation rows.
type valPlot struct{ rows []valRow }

// Plot implements plot.Plotter.
func (v *valPlot) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	half := (trY(0.7) - trY(0)) / 2
	zero := draw.LineStyle{Color: DarkGrey, Width: vg.Points(0.8)}
	c.StrokeLine2(zero, trX(0), c.Min.Y, trX(0), c.Max.Y)
	sty := textStyle(sans, smallSize, DarkGrey)
	sty.YAlign = draw.YCenter
	bad := textStyle(sansBold, smallSize, Vermillion)
	bad.YAlign = draw.YCenter
	for _, r := range v.rows {
		y := trY(r.y)
		if math.IsNaN(r.err) {
			s := sty
			txt := "qualitative: fail"
			if r.row.Pass {
				txt = "qualitative: pass"
			} else {
				s = bad
			}
			s.XAlign = draw.XCenter
			c.FillText(s, vg.Point{X: trX(0), Y: y}, txt)
			continue
		}
		if !math.IsNaN(r.tol) {
			rect := vg.Rectangle{Min: vg.Point{X: trX(-r.tol), Y: y - half}, Max: vg.Point{X: trX(r.tol), Y: y + half}}
			c.FillPolygon(tolColor, rectPoints(rect))
		}
		if !math.IsNaN(r.lo) { // under the mark, clear of the label
			c.StrokeLine2(rangeStyle, trX(r.lo), y-half*0.75, trX(r.hi), y-half*0.75)
		}
		x := trX(r.err)
		right := x
		if !math.IsNaN(r.ci) && r.ci > 0 {
			drawErrorBar(&c, trX(r.err-r.ci), trX(r.err+r.ci), y, half*0.5)
			right = trX(r.err + r.ci)
		}
		gs := draw.GlyphStyle{Color: Blue, Radius: vg.Points(3.5), Shape: draw.CircleGlyph{}}
		if !r.row.Fitted {
			gs = draw.GlyphStyle{Color: Vermillion, Radius: vg.Points(4), Shape: diamondGlyph{}}
		}
		c.DrawGlyph(gs, vg.Point{X: x, Y: y})
		txt := fmtSignedPercent(r.err / 100)
		s := sty
		if !r.row.Pass {
			s = bad
			// Only a fitted row fails the validation; a held-out row
			// outside its reference is reported ("off"), as in the table.
			switch {
			case !math.IsNaN(r.tol):
				txt += " (outside ±" + fmtNum(r.tol) + " %)"
			case !math.IsNaN(r.lo):
				txt += " (outside the published range)"
			case r.row.Fitted:
				txt += " (fail)"
			default:
				txt += " (off)"
			}
		}
		w := s.Width(txt)
		if right+vg.Points(5)+w < c.Max.X {
			c.FillText(s, vg.Point{X: right + vg.Points(5), Y: y}, txt)
		} else {
			left := x
			if !math.IsNaN(r.ci) && r.ci > 0 {
				left = trX(r.err - r.ci)
			}
			s.XAlign = draw.XRight
			c.FillText(s, vg.Point{X: left - vg.Points(5), Y: y}, txt)
		}
	}
}

// signedTicks labels a symmetric percentage axis "−20", "0", "+20".
type signedTicks struct{}

// Ticks implements plot.Ticker.
func (signedTicks) Ticks(lo, hi float64) []plot.Tick {
	ts := linTicks{}.Ticks(lo, hi)
	for i := range ts {
		if ts[i].Label == "" {
			continue
		}
		switch v := ts[i].Value; {
		case v > 0:
			ts[i].Label = "+" + ts[i].Label
		case v < 0:
			ts[i].Label = "−" + strings.TrimPrefix(ts[i].Label, "-")
		}
	}
	return ts
}

// validationRank orders validation rows for a capped chart: failing rows
// (outside their tolerance) first, then by relative error, largest first.
func validationRank(r result.ValidationRow) float64 {
	e := math.Abs(r.Error)
	if math.IsNaN(e) {
		e = 0
	}
	if !r.Pass {
		e += 1e6
	}
	return e
}
