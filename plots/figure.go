package plots

import (
	"fmt"
	"image/color"
	"io"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Format is an output image format.
type Format string

// The formats a Figure renders to.
const (
	PNG Format = "png"
	SVG Format = "svg"
)

// ParseFormats reads a --format value: "png", "svg" or "both".
func ParseFormats(s string) ([]Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "png":
		return []Format{PNG}, nil
	case "svg":
		return []Format{SVG}, nil
	case "both", "":
		return []Format{PNG, SVG}, nil
	}
	return nil, fmt.Errorf("plots: unknown format %q (want png, svg or both)", s)
}

// DPI is the resolution of PNG output: a 7-inch figure is 1050 pixels wide,
// sharp on a laptop screen and in a printed report.
const DPI = 150

// FigureWidth is the default width of every chart: the text width of a
// two-column paper's figure* or a report page.
const FigureWidth = 7 * vg.Inch

// ColumnWidth is one column of a two-column paper, about 8.5 cm: the size
// a chart is printed at when it is not a figure*. Figure.SetWidth lays a
// chart out at this width with the same point sizes of text, so that what
// is printed stays readable rather than shrinking a 7-inch figure.
const ColumnWidth = 8.5 * vg.Centimeter

// Figure is a finished chart: its size and how to draw it. The chart
// functions (LatencyBreakdown, EnergyBreakdown, SweepLines, LatencyCDF,
// Timeline, LayerTimes, Validation) return one; Render and Save write it.
// Width and Height may be changed before rendering; the layout adapts.
type Figure struct {
	Title         string    // the title drawn at the top
	Width, Height vg.Length // the image size (1 vg.Inch = 72 points)
	draw          func(draw.Canvas)
	// height returns the height the layout needs at a width (the legend
	// flows into more rows when narrower); nil keeps Height.
	height func(width vg.Length) vg.Length
}

// SetWidth lays the figure out at width w (FigureWidth or ColumnWidth,
// say): text keeps its point size, legends flow into as many columns as
// fit, and Height grows or shrinks with the legend.
func (f *Figure) SetWidth(w vg.Length) {
	f.Width = w
	if f.height != nil {
		f.Height = f.height(w)
	}
}

// Render writes the figure to w as a PNG or SVG image.
func (f *Figure) Render(w io.Writer, format Format) error {
	if f.Width <= 0 || f.Height <= 0 {
		return fmt.Errorf("plots: figure %q has size %v×%v", f.Title, f.Width, f.Height)
	}
	if f.Height > MaxFigureHeight || f.Width > MaxFigureHeight {
		return fmt.Errorf("plots: figure %q is %.0f × %.0f points, over the limit of %.0f points (%d px at %d DPI); see the CSV tables instead",
			f.Title, f.Width.Points(), f.Height.Points(), MaxFigureHeight.Points(), int(MaxFigureHeight.Dots(DPI)), DPI)
	}
	var c interface {
		vg.CanvasSizer
		io.WriterTo
	}
	switch format {
	case PNG:
		pc, err := newPNGCanvas(f.Width, f.Height)
		if err != nil {
			return fmt.Errorf("plots: figure %q: %w", f.Title, err)
		}
		c = pc
	case SVG:
		c = vgsvg.New(f.Width, f.Height)
	default:
		return fmt.Errorf("plots: unknown format %q (want png or svg)", format)
	}
	f.draw(draw.New(c))
	if _, err := c.WriteTo(w); err != nil {
		return fmt.Errorf("plots: writing %s: %w", format, err)
	}
	return nil
}

// drawPlot draws p on c. On the raster canvas, which starts white
// (vgimg), a plot's white background is not painted again: the
// rasterizer would blend every pixel of the panel, white over white, to
// the same white (a tenth of the default run's chart CPU). SVG, which has
// no background of its own, keeps the plot's.
func drawPlot(p *plot.Plot, c draw.Canvas) {
	if isRaster(c) && p.BackgroundColor == color.White {
		p.BackgroundColor = nil
		defer func() { p.BackgroundColor = color.White }()
	}
	p.Draw(c)
}

// isRaster reports whether c draws on the PNG canvas, through any
// canvases wrapped in it (a cropped or legend canvas holds the figure's
// canvas as a draw.Canvas).
func isRaster(c draw.Canvas) bool {
	v := c.Canvas
	for {
		switch w := v.(type) {
		case *pngCanvas:
			return true
		case draw.Canvas:
			v = w.Canvas
		case *draw.Canvas:
			v = w.Canvas
		default:
			return false
		}
	}
}

// Save writes the figure to path, in the format its extension names (.png
// or .svg). It writes a temporary file in the same directory and renames it
// into place, so path holds either the old image or the whole new one, never
// half of one; a failed Close is an error.
func (f *Figure) Save(path string) error {
	format := Format(strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), "."))
	if format != PNG && format != SVG {
		return fmt.Errorf("plots: %s: unknown image extension (want .png or .svg)", path)
	}
	return writeAtomic(path, func(w io.Writer) error { return f.Render(w, format) })
}

// writeAtomic writes a file through fill via a temporary file and a rename.
func writeAtomic(path string, fill func(io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("plots: %w", err)
	}
	defer func() {
		if err != nil {
			os.Remove(tmp.Name())
		}
	}()
	if err := fill(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("plots: %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("plots: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("plots: %w", err)
	}
	return nil
}
