package plots

import (
	"fmt"
	"image/color"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Layout: every chart is a figure title, a legend strip outside the data
// (above the panels, or on the right), and one or more panels whose data
// areas are aligned. Legends never sit on the data.

const (
	outerPad = vg.Length(6)  // figure margin, points
	gap      = vg.Length(10) // between title, legend and panels, points
)

// legend is a legend drawn outside the plots, flowing its entries in as
// many columns as fit (gonum's plot.Legend draws one column inside the
// data area).
type legend struct {
	entries []legendEntry
	style   text.Style
	thumbW  vg.Length
	more    int // entries left out over MaxLegendEntries
}

type legendEntry struct {
	label  string
	thumbs []plot.Thumbnailer
}

func newLegend() *legend {
	return &legend{style: textStyle(sans, tickSize, color.Black), thumbW: vg.Points(16)}
}

// add appends an entry; over MaxLegendEntries the last entry becomes
// "… and K more" (K counting the entry it replaces), so a legend's height
// is bounded whatever the number of series.
func (l *legend) add(label string, thumbs ...plot.Thumbnailer) {
	if len(l.entries) < MaxLegendEntries {
		l.entries = append(l.entries, legendEntry{label, thumbs})
		return
	}
	l.more++
	l.entries[MaxLegendEntries-1] = legendEntry{label: fmt.Sprintf("… and %d more", l.more+1)}
}

func (l *legend) empty() bool { return l == nil || len(l.entries) == 0 }

// entryWidth is the widest entry: thumbnail, space, text, and a column gap.
func (l *legend) entryWidth() vg.Length {
	var w vg.Length
	for _, e := range l.entries {
		w = max(w, l.style.Width(e.label))
	}
	return l.thumbW + vg.Points(4) + w + vg.Points(12)
}

func (l *legend) rowHeight() vg.Length { return l.style.Height("Xg") * 1.35 }

// columns returns how many columns fit in width.
func (l *legend) columns(width vg.Length) int {
	n := int(width / l.entryWidth())
	return max(1, min(n, len(l.entries)))
}

// height returns the height of the legend laid out in width.
func (l *legend) height(width vg.Length) vg.Length {
	if l.empty() {
		return 0
	}
	cols := l.columns(width)
	rows := (len(l.entries) + cols - 1) / cols
	return vg.Length(rows) * l.rowHeight()
}

// draw lays the entries out row by row from the top left of c, centred
// horizontally.
func (l *legend) draw(c draw.Canvas, cols int) {
	ew, rh := l.entryWidth(), l.rowHeight()
	total := vg.Length(cols)*ew - vg.Points(12)
	x0 := c.Min.X + max(0, (c.Max.X-c.Min.X-total)/2)
	for i, e := range l.entries {
		col, row := i%cols, i/cols
		x := x0 + vg.Length(col)*ew
		yTop := c.Max.Y - vg.Length(row)*rh
		th := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
			Min: vg.Point{X: x, Y: yTop - rh + rh*0.2},
			Max: vg.Point{X: x + l.thumbW, Y: yTop - rh*0.2},
		}}
		for _, t := range e.thumbs {
			t.Thumbnail(&th)
		}
		sty := l.style
		sty.YAlign = draw.YCenter
		c.FillText(sty, vg.Point{X: x + l.thumbW + vg.Points(4), Y: yTop - rh/2}, e.label)
	}
}

// drawTitle draws the figure title at the top of c and returns the canvas
// below it.
func drawTitle(c draw.Canvas, title string) draw.Canvas {
	if title == "" {
		return c
	}
	sty := textStyle(sansBold, titleSize, color.Black)
	sty.XAlign = draw.XCenter
	sty.YAlign = draw.YTop
	title = wrapText(sty, title, c.Max.X-c.Min.X)
	c.FillText(sty, vg.Point{X: c.Center().X, Y: c.Max.Y}, title)
	return draw.Crop(c, 0, 0, 0, -(sty.Height(title) + gap/2))
}

// titleHeight is the height the title takes at width w, wrapped.
func titleHeight(title string, w vg.Length) vg.Length {
	if title == "" {
		return titleSize
	}
	return titleSize + titleExtra(wrapText(textStyle(sansBold, titleSize, color.Black), title, w))
}

// wrapText breaks each line of s at spaces so that no line is wider than
// w in sty (a word wider than w keeps its own line).
func wrapText(sty text.Style, s string, w vg.Length) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if sty.Width(line) <= w {
			out = append(out, line)
			continue
		}
		cur := ""
		for _, word := range strings.Fields(line) {
			if cur != "" && sty.Width(cur+" "+word) > w {
				out = append(out, cur)
				cur = word
				continue
			}
			if cur == "" {
				cur = word
			} else {
				cur += " " + word
			}
		}
		out = append(out, cur)
	}
	return strings.Join(out, "\n")
}

// titleExtra is the height a title's lines after the first take (a capped
// chart's note is a second line); 0 for a one-line title.
func titleExtra(title string) vg.Length {
	i := strings.IndexByte(title, '\n')
	if i < 0 {
		return 0
	}
	sty := textStyle(sansBold, titleSize, color.Black)
	return sty.Height(title) - sty.Height(title[:i])
}

// drawLegendTop draws l in a strip at the top of c and returns the canvas
// below it.
func drawLegendTop(c draw.Canvas, l *legend) draw.Canvas {
	if l.empty() {
		return c
	}
	w := c.Max.X - c.Min.X
	h := l.height(w)
	strip := draw.Crop(c, 0, 0, c.Max.Y-c.Min.Y-h, 0)
	l.draw(strip, l.columns(w))
	return draw.Crop(c, 0, 0, 0, -(h + gap/2))
}

// legendFigure returns a figure of the standard width: the title, the
// legend l across the top, and below them a body as tall as the sum of
// heights (added in order), which body draws on the canvas left under the
// legend.
func legendFigure(title string, l *legend, body func(c draw.Canvas), heights ...vg.Length) *Figure {
	f := &Figure{Title: title, Width: FigureWidth}
	f.height = func(w vg.Length) vg.Length {
		h := 2*outerPad + titleHeight(title, w-2*outerPad) + gap + l.height(w-2*outerPad) + gap/2
		for _, b := range heights {
			h += b
		}
		return h
	}
	f.Height = f.height(FigureWidth)
	f.draw = func(c draw.Canvas) {
		c = margins(c)
		c = drawTitle(c, title)
		c = drawLegendTop(c, l)
		body(c)
	}
	return f
}

// drawLegendRight draws l as one column on the right of c and returns the
// canvas to its left.
func drawLegendRight(c draw.Canvas, l *legend) draw.Canvas {
	if l.empty() {
		return c
	}
	w := l.entryWidth()
	strip := draw.Crop(c, c.Max.X-c.Min.X-w, 0, 0, 0)
	l.draw(strip, 1)
	return draw.Crop(c, 0, -(w + gap/2), 0, 0)
}

// margins returns c with the figure margin removed.
func margins(c draw.Canvas) draw.Canvas {
	return draw.Crop(c, outerPad, -outerPad, outerPad, -outerPad)
}

// stackVertically splits c into len(ps) panels of the given relative
// heights, top to bottom, draws each plot, and aligns their data areas on
// the left and right edges so that axes line up.
func stackVertically(c draw.Canvas, ps []*plot.Plot, weights []float64) {
	cs := splitHeights(c, weights)
	alignX(ps, cs)
	for i, p := range ps {
		drawPlot(p, cs[i])
	}
}

// splitHeights cuts c into bands of the given relative heights, top first,
// separated by gap.
func splitHeights(c draw.Canvas, weights []float64) []draw.Canvas {
	total := 0.0
	for _, w := range weights {
		total += w
	}
	avail := c.Max.Y - c.Min.Y - gap*vg.Length(len(weights)-1)
	cs := make([]draw.Canvas, len(weights))
	top := c.Max.Y
	for i, w := range weights {
		h := avail * vg.Length(w/total)
		cs[i] = c
		cs[i].Max.Y = top
		cs[i].Min.Y = top - h
		top -= h + gap
	}
	return cs
}

// colGap separates panels side by side: tick labels reach to the edge of
// their panel.
const colGap = vg.Length(18)

// splitWidths cuts c into columns of the given relative widths, left first,
// separated by colGap.
func splitWidths(c draw.Canvas, weights []float64) []draw.Canvas {
	total := 0.0
	for _, w := range weights {
		total += w
	}
	avail := c.Max.X - c.Min.X - colGap*vg.Length(len(weights)-1)
	cs := make([]draw.Canvas, len(weights))
	left := c.Min.X
	for i, w := range weights {
		wd := avail * vg.Length(w/total)
		cs[i] = c
		cs[i].Min.X = left
		cs[i].Max.X = left + wd
		left += wd + colGap
	}
	return cs
}

// alignX crops the canvases so that every plot's data area has the same
// left and right edges (what plot.Align does for equal tiles).
func alignX(ps []*plot.Plot, cs []draw.Canvas) {
	var left, right vg.Length
	for i, p := range ps {
		dc := p.DataCanvas(cs[i])
		left = max(left, dc.Min.X-cs[i].Min.X)
		right = max(right, cs[i].Max.X-dc.Max.X)
	}
	for i, p := range ps {
		dc := p.DataCanvas(cs[i])
		cs[i].Min.X += left - (dc.Min.X - cs[i].Min.X)
		cs[i].Max.X -= right - (cs[i].Max.X - dc.Max.X)
	}
}

// alignY crops the canvases so that every plot's data area has the same
// bottom and top edges.
func alignY(ps []*plot.Plot, cs []draw.Canvas) {
	var bottom, top vg.Length
	for i, p := range ps {
		dc := p.DataCanvas(cs[i])
		bottom = max(bottom, dc.Min.Y-cs[i].Min.Y)
		top = max(top, cs[i].Max.Y-dc.Max.Y)
	}
	for i, p := range ps {
		dc := p.DataCanvas(cs[i])
		cs[i].Min.Y += bottom - (dc.Min.Y - cs[i].Min.Y)
		cs[i].Max.Y -= top - (cs[i].Max.Y - dc.Max.Y)
	}
}

// swatch is a legend thumbnail: a filled box, optionally hatched, with a
// thin outline.
type swatch struct {
	fill  color.Color
	hatch bool
	line  color.Color // outline; nil for none
}

// Thumbnail implements plot.Thumbnailer.
func (s swatch) Thumbnail(c *draw.Canvas) {
	h := c.Max.Y - c.Min.Y
	r := vg.Rectangle{Min: vg.Point{X: c.Min.X + (c.Max.X-c.Min.X-h*1.4)/2, Y: c.Min.Y}, Max: vg.Point{X: c.Min.X + (c.Max.X-c.Min.X+h*1.4)/2, Y: c.Max.Y}}
	c.FillPolygon(s.fill, rectPoints(r))
	if s.hatch {
		hatchRect(c, r)
	}
	if s.line != nil {
		c.StrokeLines(draw.LineStyle{Color: s.line, Width: vg.Points(0.5)}, append(rectPoints(r), r.Min))
	}
}

func rectPoints(r vg.Rectangle) []vg.Point {
	return []vg.Point{r.Min, {X: r.Min.X, Y: r.Max.Y}, r.Max, {X: r.Max.X, Y: r.Min.Y}}
}

// hatchStyle draws the diagonal lines that mark cold-start bars.
var hatchStyle = draw.LineStyle{Color: color.RGBA{0, 0, 0, 0x80}, Width: vg.Points(0.6)}

// hatchRect draws 45° hatching clipped to r.
func hatchRect(c *draw.Canvas, r vg.Rectangle) {
	const step = vg.Length(4) // points between lines
	h := r.Max.Y - r.Min.Y
	if h <= 0 || r.Max.X <= r.Min.X {
		return
	}
	// Lines x = s + t, y = Min.Y + t for t in [0, h], clipped to x in [Min.X, Max.X].
	for s := r.Min.X - h; s < r.Max.X; s += step {
		t0 := max(0, r.Min.X-s)
		t1 := min(h, r.Max.X-s)
		if t1 <= t0 {
			continue
		}
		c.StrokeLine2(hatchStyle, s+t0, r.Min.Y+t0, s+t1, r.Min.Y+t1)
	}
}

// lineThumb is a legend thumbnail for a line with an optional glyph.
type lineThumb struct {
	line  draw.LineStyle
	glyph *draw.GlyphStyle
	band  color.Color // CI band colour behind the line, nil for none
}

// Thumbnail implements plot.Thumbnailer.
func (t lineThumb) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	if t.band != nil {
		h := (c.Max.Y - c.Min.Y) / 2
		c.FillPolygon(t.band, rectPoints(vg.Rectangle{Min: vg.Point{X: c.Min.X, Y: y - h/2}, Max: vg.Point{X: c.Max.X, Y: y + h/2}}))
	}
	if t.line.Width > 0 {
		c.StrokeLine2(t.line, c.Min.X, y, c.Max.X, y)
	}
	if t.glyph != nil {
		c.DrawGlyphNoClip(*t.glyph, c.Center())
	}
}
