//go:build !svgonly

package plots

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// TestPNGPixels draws a chart-like canvas (text, lines, fills, over the
// white background) and a translucent image, writes each with writePNG
// and checks the decoded pixels are the image's, one by one.
func TestPNGPixels(t *testing.T) {
	c, err := newPNGCanvas(3*vg.Inch, 2*vg.Inch)
	if err != nil {
		t.Fatal(err)
	}
	p := newPlot("pixels", "seconds", "requests")
	p.Add(&dotRows{})
	dc := draw.New(c)
	drawPlot(p, dc)
	dc.SetColor(color.RGBA{200, 30, 60, 255})
	dc.Fill(dc.Rectangle.Path())
	translucent := image.NewRGBA(image.Rect(0, 0, 7, 5))
	translucent.Pix[3] = 128
	for _, m := range []image.Image{c.Image(), translucent, image.NewGray(image.Rect(0, 0, 3, 3))} {
		var b bytes.Buffer
		if err := writePNG(&b, m); err != nil {
			t.Fatal(err)
		}
		got, err := png.Decode(&b)
		if err != nil {
			t.Fatal(err)
		}
		if got.Bounds() != m.Bounds() {
			t.Fatalf("bounds %v, want %v", got.Bounds(), m.Bounds())
		}
		for y := m.Bounds().Min.Y; y < m.Bounds().Max.Y; y++ {
			for x := m.Bounds().Min.X; x < m.Bounds().Max.X; x++ {
				if g, w := color.NRGBA64Model.Convert(got.At(x, y)), color.NRGBA64Model.Convert(m.At(x, y)); g != w {
					t.Fatalf("%T pixel (%d, %d) = %v, want %v", m, x, y, g, w)
				}
			}
		}
	}
}
