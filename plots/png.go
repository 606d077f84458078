//go:build !svgonly

package plots

import (
	"bufio"
	"image/png"
	"io"
	"sync"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgimg"
)

// newPNGCanvas returns a raster canvas of the given size at DPI. A build
// with the svgonly tag has no raster back-end (png_svgonly.go).
func newPNGCanvas(w, h vg.Length) (pngCanvas, error) {
	return pngCanvas{vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(DPI))}, nil
}

// pngCanvas is a raster canvas written as a PNG at zlib's best speed:
// the pixels vgimg.PngCanvas writes, encoded in about a third of the time
// (with default compression the encoding was 40 % of a default run's CPU,
// scenarios/BENCHMARKS.md), in files about a quarter larger.
type pngCanvas struct{ *vgimg.Canvas }

// WriteTo implements io.WriterTo.
func (c pngCanvas) WriteTo(w io.Writer) (int64, error) {
	cw := &countingWriter{w: w}
	bw := bufio.NewWriterSize(cw, 64<<10)
	enc := png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: pngBuffers{}}
	if err := enc.Encode(bw, c.Image()); err != nil {
		return cw.n, err
	}
	err := bw.Flush()
	return cw.n, err
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// pngBuffers reuses the PNG encoder's buffers between charts.
type pngBuffers struct{}

var pngBufferPool sync.Pool

// Get implements png.EncoderBufferPool.
func (pngBuffers) Get() *png.EncoderBuffer {
	b, _ := pngBufferPool.Get().(*png.EncoderBuffer)
	return b
}

// Put implements png.EncoderBufferPool.
func (pngBuffers) Put(b *png.EncoderBuffer) { pngBufferPool.Put(b) }
