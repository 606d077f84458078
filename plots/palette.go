package plots

import (
	"image/color"
	"sort"
	"strings"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/infersim/infersim/result"
)

// The Okabe–Ito palette: eight colours that stay distinct for the common
// forms of colour blindness and in greyscale print (M. Okabe and K. Ito,
// "Color Universal Design", 2002, https://jfly.uni-koeln.de/color/). Every
// colour a chart uses comes from here or from Grey and LightGrey.
var (
	Black          = color.RGBA{0x00, 0x00, 0x00, 0xff} // #000000: gc, auto
	Orange         = color.RGBA{0xe6, 0x9f, 0x00, 0xff} // #E69F00: upload, radio, split modes
	SkyBlue        = color.RGBA{0x56, 0xb4, 0xe9, 0xff} // #56B4E9: download
	BluishGreen    = color.RGBA{0x00, 0x9e, 0x73, 0xff} // #009E73: server, gpu, cloud-gpu
	Yellow         = color.RGBA{0xf0, 0xe4, 0x42, 0xff} // #F0E442: preprocess
	Blue           = color.RGBA{0x00, 0x72, 0xb2, 0xff} // #0072B2: compute, cpu, cloud-cpu
	Vermillion     = color.RGBA{0xd5, 0x5e, 0x00, 0xff} // #D55E00: load, on-device-cpu
	ReddishPurple  = color.RGBA{0xcc, 0x79, 0xa7, 0xff} // #CC79A7: wake, on-device-gpu
	Grey           = color.RGBA{0x99, 0x99, 0x99, 0xff} // #999999: queue, base
	LightGrey      = color.RGBA{0xdd, 0xdd, 0xdd, 0xff} // #DDDDDD: time outside any phase
	DarkGrey       = color.RGBA{0x55, 0x55, 0x55, 0xff} // #555555: text, neutral bars, server request handling
	gridColor      = color.RGBA{0xe8, 0xe8, 0xe8, 0xff}
	labelBoxColour = color.NRGBA{0xff, 0xff, 0xff, 0xe0}
)

// OkabeIto lists the palette's colours in its canonical order, for series
// that have no assigned colour.
var OkabeIto = []color.Color{Blue, Vermillion, BluishGreen, Orange, ReddishPurple, SkyBlue, Yellow, Black}

// PhaseColor returns the colour of a request phase. Phone-side phases are
// warm or dark, network phases orange and sky blue, server phases green;
// gc is black so that short pauses stay visible; the server's request
// handling is dark grey, next to the queue's grey.
func PhaseColor(p result.Phase) color.Color {
	switch p {
	case result.Load:
		return Vermillion
	case result.Preprocess:
		return Yellow
	case result.Compute:
		return Blue
	case result.GC:
		return Black
	case result.Wake:
		return ReddishPurple
	case result.Upload:
		return Orange
	case result.Handling:
		return DarkGrey
	case result.Queue:
		return Grey
	case result.Server:
		return BluishGreen
	case result.Download:
		return SkyBlue
	}
	return LightGrey
}

// ComponentColor returns the colour of a phone energy component.
func ComponentColor(c result.Component) color.Color {
	switch c {
	case result.CPU:
		return Blue
	case result.GPU:
		return BluishGreen
	case result.Radio:
		return Orange
	case result.Base:
		return Grey
	}
	return LightGrey
}

// modeColors fixes the colours of the study's modes so that a mode has the
// same colour in every chart of a report.
var modeColors = map[string]color.Color{
	"on-device-cpu": Vermillion,
	"on-device-gpu": ReddishPurple,
	"cloud-cpu":     Blue,
	"cloud-gpu":     BluishGreen,
	"auto":          Black,
}

// ModeColor returns the colour of an inference mode: fixed for the study's
// modes, orange for split modes, and otherwise a palette colour chosen by a
// hash of the name (so the same unknown mode keeps its colour).
func ModeColor(mode string) color.Color {
	if c, ok := modeColors[mode]; ok {
		return c
	}
	if strings.HasPrefix(mode, "split") {
		return Orange
	}
	h := 0
	for _, r := range mode {
		h = h*31 + int(r)
	}
	if h < 0 {
		h = -h
	}
	spare := []color.Color{SkyBlue, Yellow, DarkGrey}
	return spare[h%len(spare)]
}

// modeRank orders modes in charts: on the phone first, then split, then
// cloud, then anything else by name.
func modeRank(mode string) int {
	switch {
	case mode == "on-device-cpu":
		return 0
	case mode == "on-device-gpu":
		return 1
	case strings.HasPrefix(mode, "on-device"):
		return 2
	case strings.HasPrefix(mode, "split"):
		return 3
	case mode == "cloud-cpu":
		return 4
	case mode == "cloud-gpu":
		return 5
	case strings.HasPrefix(mode, "cloud"):
		return 6
	}
	return 7
}

// sortModes sorts modes by modeRank, then split point, then name.
func sortModes(modes []string) {
	sort.SliceStable(modes, func(i, j int) bool { return modeLess(modes[i], modes[j]) })
}

func modeLess(a, b string) bool {
	ra, rb := modeRank(a), modeRank(b)
	if ra != rb {
		return ra < rb
	}
	if ra == 3 { // split:K by K
		ka, kb := splitPoint(a), splitPoint(b)
		if ka != kb {
			return ka < kb
		}
	}
	return a < b
}

func splitPoint(mode string) int {
	_, k, _ := strings.Cut(mode, ":")
	n := 0
	for _, r := range k {
		if r < '0' || r > '9' {
			return n
		}
		n = n*10 + int(r-'0')
	}
	return n
}

// Dash patterns distinguish models when lines of several models share a
// chart (colour is the mode).
var dashes = [][]vg.Length{nil, {vg.Points(6), vg.Points(3)}, {vg.Points(1.5), vg.Points(2)}, {vg.Points(6), vg.Points(2), vg.Points(1.5), vg.Points(2)}}

// Glyph shapes distinguish modes in addition to colour.
var glyphs = []draw.GlyphDrawer{draw.CircleGlyph{}, draw.TriangleGlyph{}, draw.SquareGlyph{}, draw.PyramidGlyph{}, draw.RingGlyph{}, draw.CrossGlyph{}, draw.PlusGlyph{}, draw.BoxGlyph{}}

// Fonts: Liberation Sans (embedded in gonum/plot, so every machine renders
// the same pixels), at sizes that stay readable when a 7-inch figure is
// scaled to a column.
var (
	sans      = font.Font{Typeface: "Liberation", Variant: "Sans"}
	sansBold  = font.Font{Typeface: "Liberation", Variant: "Sans", Weight: xfont.WeightBold}
	sansItal  = font.Font{Typeface: "Liberation", Variant: "Sans", Style: xfont.StyleItalic}
	titleSize = vg.Points(12)
	labelSize = vg.Points(10)
	tickSize  = vg.Points(9)
	smallSize = vg.Points(8)
)

// textStyle returns a plain text style.
func textStyle(f font.Font, size vg.Length, c color.Color) text.Style {
	return text.Style{Color: c, Font: font.From(f, size), Handler: measuredText}
}

// newPlot returns a plot in the package's style: sans fonts, light grid
// lines left to the caller, no title unless given.
func newPlot(title, xlabel, ylabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Handler = measuredText
	p.Legend.TextStyle.Handler = measuredText
	p.Title.TextStyle.Font = font.From(sansBold, labelSize)
	p.Title.Padding = vg.Points(4)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(sans, labelSize)
		a.Label.TextStyle.Handler = measuredText
		a.Tick.Label.Handler = measuredText
		a.Tick.Label.Font = font.From(sans, tickSize)
		a.Tick.Length = vg.Points(4)
		a.Padding = vg.Points(2)
		a.Label.Padding = vg.Points(2)
	}
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	return p
}
