//go:build !svgonly

package plots

import (
	"bufio"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"io"

	"git.sr.ht/~sbinet/gg"

	"github.com/klauspost/compress/zlib"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgimg"
)

// newPNGCanvas returns a raster canvas of the given size at DPI, white. A
// build with the svgonly tag has no raster back-end (png_svgonly.go).
//
// vgimg.NewWith would allocate the image, then gg would copy it into an
// image of its own (gg.NewContextForImage); here gg draws into the one
// image, set up as vgimg sets up its own (butt caps, y growing upwards).
func newPNGCanvas(w, h vg.Length) (*pngCanvas, error) {
	wd, ht := w/vg.Inch*vg.Length(DPI), h/vg.Inch*vg.Length(DPI)
	img := image.NewRGBA(image.Rect(0, 0, int(wd+0.5), int(ht+0.5)))
	ctx := gg.NewContextForRGBA(img)
	ctx.SetLineCapButt()
	ctx.InvertY()
	c := &pngCanvas{
		Canvas: vgimg.NewWith(vgimg.UseImageWithContext(img, ctx), vgimg.UseDPI(DPI)),
		img:    img,
		w:      w,
		h:      h,
		dpi:    DPI,
	}
	c.stack = []textState{{m: gg.Identity().Translate(0, float64(img.Bounds().Dy())).Scale(1, -1), c: color.Black}}
	return c, nil
}

// pngCanvas is a raster canvas written as a PNG by writePNG: the pixels
// vgimg.PngCanvas writes (TestPNGPixels), encoded in a fraction of the
// time (scenarios/BENCHMARKS.md). It draws text itself (pngtext.go).
type pngCanvas struct {
	*vgimg.Canvas
	img   *image.RGBA
	w, h  vg.Length // the size asked for
	dpi   float64
	stack []textState
}

// WriteTo implements io.WriterTo.
func (c *pngCanvas) WriteTo(w io.Writer) (int64, error) {
	cw := &countingWriter{w: w}
	bw := bufio.NewWriterSize(cw, 64<<10)
	if err := writePNG(bw, c.img); err != nil {
		return cw.n, err
	}
	err := bw.Flush()
	return cw.n, err
}

// writePNG writes m as a PNG. An opaque *image.RGBA (every chart: the
// canvas starts white) is written as 8-bit RGB rows without a filter,
// deflated by klauspost/compress at its best speed: image/png tries the
// five row filters on every row (half its time) and deflates more slowly,
// and on charts (flat colours, anti-aliased edges) the unfiltered rows
// come out smaller than its choice (1.29 against 1.36 MB for the default
// run's four PNGs). Anything else goes to image/png.
func writePNG(w io.Writer, m image.Image) error {
	rgba, ok := m.(*image.RGBA)
	if !ok || !rgba.Opaque() {
		return (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(w, m)
	}
	b := rgba.Bounds()
	wd, ht := b.Dx(), b.Dy()
	if _, err := io.WriteString(w, "\x89PNG\r\n\x1a\n"); err != nil {
		return err
	}
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], uint32(wd))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(ht))
	ihdr[8], ihdr[9] = 8, 2 // bit depth 8, truecolour; deflate, no filter method, no interlace
	if err := writeChunk(w, "IHDR", ihdr[:]); err != nil {
		return err
	}
	idat := &idatWriter{w: w, buf: make([]byte, 0, idatSize)}
	zw, err := zlib.NewWriterLevel(idat, zlib.BestSpeed)
	if err != nil {
		return err
	}
	row := make([]byte, 1+3*wd) // row[0] = 0: filter type None
	for y := b.Min.Y; y < b.Max.Y; y++ {
		pix := rgba.Pix[rgba.PixOffset(b.Min.X, y):]
		for x, o := 0, 1; x < wd; x, o = x+1, o+3 {
			row[o], row[o+1], row[o+2] = pix[4*x], pix[4*x+1], pix[4*x+2]
		}
		if _, err := zw.Write(row); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := idat.flush(); err != nil {
		return err
	}
	return writeChunk(w, "IEND", nil)
}

// idatSize is the data size of a full IDAT chunk.
const idatSize = 64 << 10

// idatWriter cuts the compressed stream into IDAT chunks.
type idatWriter struct {
	w   io.Writer
	buf []byte
}

func (c *idatWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		k := min(len(p), idatSize-len(c.buf))
		c.buf = append(c.buf, p[:k]...)
		p = p[k:]
		if len(c.buf) == idatSize {
			if err := c.flush(); err != nil {
				return n - len(p), err
			}
		}
	}
	return n, nil
}

func (c *idatWriter) flush() error {
	if len(c.buf) == 0 {
		return nil
	}
	err := writeChunk(c.w, "IDAT", c.buf)
	c.buf = c.buf[:0]
	return err
}

// writeChunk writes a PNG chunk: length, type, data, CRC of type and data.
func writeChunk(w io.Writer, typ string, data []byte) error {
	var head [8]byte
	binary.BigEndian.PutUint32(head[:4], uint32(len(data)))
	copy(head[4:], typ)
	crc := crc32.Update(crc32.ChecksumIEEE(head[4:]), crc32.IEEETable, data)
	var tail [4]byte
	binary.BigEndian.PutUint32(tail[:], crc)
	for _, p := range [][]byte{head[:], data, tail[:]} {
		if _, err := w.Write(p); err != nil {
			return err
		}
	}
	return nil
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
