//go:build svgonly

package plots

import (
	"errors"
	"io"

	"gonum.org/v1/plot/vg"
)

// errNoPNG is what rendering a PNG returns in an svgonly build.
var errNoPNG = errors.New("PNG output is not built into this binary (built with -tags svgonly); use SVG")

// pngCanvas stands in for the raster canvas; it is never made. Built with
// the svgonly tag (as the lab's WebAssembly simulator is, lab.WriteSite),
// the package renders SVG only, which keeps gonum/plot's raster back-end
// (vgimg, gg, freetype, the TIFF and PNG encoders) out of the binary.
type pngCanvas struct{ vg.CanvasSizer }

// newPNGCanvas reports that this build renders no PNG.
func newPNGCanvas(w, h vg.Length) (*pngCanvas, error) { return nil, errNoPNG }

// WriteTo implements io.WriterTo; it is never reached.
func (c *pngCanvas) WriteTo(w io.Writer) (int64, error) { return 0, errNoPNG }
