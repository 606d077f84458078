//go:build !svgonly

package plots

import (
	"image"
	"image/color"
	"math"
	"sync"

	"git.sr.ht/~sbinet/gg"
	xfont "golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
)

// The raster canvas draws text itself rather than through vgimg and gg,
// with the same arithmetic and so the same pixels (TestPNGTextPixels):
// vgimg makes a new font face for every string, gg rasterises every
// glyph of it again and composites each glyph mask through x/image/draw's
// generic bilinear transform, one interface call per pixel. Here a glyph
// is rasterised once per process for each sub-pixel position it is drawn
// at (glyphCache), and the mask is composited by compositeGlyph, the same
// bilinear "over" written for a uniform colour, an alpha mask and an RGBA
// destination: the text of the default run's charts costs a fifth of
// what it did (BENCHMARKS.md).

// textState is what the canvas's Push saves and Pop restores of the state
// text drawing needs: gg's transformation matrix, mirrored call for call,
// and the colour.
type textState struct {
	m gg.Matrix
	c color.Color
}

// SetColor implements vg.Canvas.
func (c *pngCanvas) SetColor(clr color.Color) {
	c.Canvas.SetColor(clr)
	if clr == nil {
		clr = color.Black
	}
	c.top().c = clr
}

// Rotate implements vg.Canvas.
func (c *pngCanvas) Rotate(t float64) {
	c.Canvas.Rotate(t)
	s := c.top()
	s.m = s.m.Rotate(t)
}

// Translate implements vg.Canvas.
func (c *pngCanvas) Translate(pt vg.Point) {
	c.Canvas.Translate(pt)
	s := c.top()
	s.m = s.m.Translate(pt.X.Dots(c.dpi), pt.Y.Dots(c.dpi))
}

// Scale implements vg.Canvas.
func (c *pngCanvas) Scale(x, y float64) {
	c.Canvas.Scale(x, y)
	s := c.top()
	s.m = s.m.Scale(x, y)
}

// Push implements vg.Canvas.
func (c *pngCanvas) Push() {
	c.Canvas.Push()
	c.stack = append(c.stack, *c.top())
}

// Pop implements vg.Canvas.
func (c *pngCanvas) Pop() {
	c.Canvas.Pop()
	c.stack = c.stack[:len(c.stack)-1]
}

// Size implements vg.Canvas: the size asked for, not the image's size in
// whole pixels.
func (c *pngCanvas) Size() (w, h vg.Length) { return c.w, c.h }

func (c *pngCanvas) top() *textState { return &c.stack[len(c.stack)-1] }

// FillString implements vg.Canvas: it draws str with its baseline's left
// end at pt, as vgimg.Canvas.FillString does.
func (c *pngCanvas) FillString(fnt font.Face, pt vg.Point, str string) {
	if fnt.Font.Size == 0 || str == "" {
		return
	}
	s := c.top()
	m := s.m.Translate(0, float64(c.img.Bounds().Dy())).Scale(1, -1)
	x := pt.X.Dots(c.dpi)
	y := c.h.Dots(c.dpi) - pt.Y.Dots(c.dpi)
	src := s.c
	if src == nil {
		src = color.Transparent
	}
	r, g, b, a := src.RGBA()
	col := [4]uint32{r, g, b, a}
	gf := rasterGlyphs.face(fnt, c.dpi)
	dot := fixed.Point26_6{X: fixed.Int26_6(math.Round(x * 64)), Y: fixed.Int26_6(math.Round(y * 64))}
	prev := rune(-1)
	for _, ch := range str {
		if prev >= 0 {
			dot.X += gf.kern(prev, ch)
		}
		gl := gf.glyph(dot, ch)
		if !gl.ok {
			continue
		}
		dr := gl.rect.Add(image.Point{X: dot.X.Floor(), Y: dot.Y.Floor()})
		gm := m.Translate(float64(dr.Min.X), float64(dr.Min.Y))
		compositeGlyph(c.img, &[6]float64{gm.XX, gm.XY, gm.X0, gm.YX, gm.YY, gm.Y0}, gl, col)
		dot.X += gl.advance
		prev = ch
	}
}

// rasterGlyphs is the process's cache of font faces and rasterised glyphs.
var rasterGlyphs = &glyphCache{faces: map[faceKey]*cachedFace{}}

// glyphCache keeps, for each font, size and resolution, one opentype
// face and the glyph masks rasterised with it.
type glyphCache struct {
	mu    sync.Mutex
	faces map[faceKey]*cachedFace
}

type faceKey struct {
	f    *opentype.Font
	size vg.Length
	dpi  float64
}

// cachedFace is a face with its glyphs and kerning pairs. The face
// itself is not safe for concurrent use: mu guards it and the maps.
type cachedFace struct {
	mu     sync.Mutex
	face   xfont.Face
	glyphs map[glyphKey]*glyph
	kerns  map[[2]rune]fixed.Int26_6
}

// glyphKey is a rune at a sub-pixel offset (the dot's fractional 26.6
// parts): a glyph's mask depends on nothing else.
type glyphKey struct {
	r      rune
	fx, fy fixed.Int26_6
}

// glyph is a rasterised glyph: its mask, the rectangle it covers when
// the dot's integer part is (0, 0), and its advance.
type glyph struct {
	rect    image.Rectangle
	mask    []uint8 // rect.Dx() × rect.Dy() alpha values
	advance fixed.Int26_6
	ok      bool
}

func (gc *glyphCache) face(fnt font.Face, dpi float64) *cachedFace {
	k := faceKey{fnt.Face, fnt.Font.Size, dpi}
	gc.mu.Lock()
	defer gc.mu.Unlock()
	f := gc.faces[k]
	if f == nil {
		f = &cachedFace{face: fnt.FontFace(dpi), glyphs: map[glyphKey]*glyph{}, kerns: map[[2]rune]fixed.Int26_6{}}
		gc.faces[k] = f
	}
	return f
}

func (f *cachedFace) kern(r0, r1 rune) fixed.Int26_6 {
	f.mu.Lock()
	defer f.mu.Unlock()
	k, ok := f.kerns[[2]rune{r0, r1}]
	if !ok {
		k = f.face.Kern(r0, r1)
		f.kerns[[2]rune{r0, r1}] = k
	}
	return k
}

func (f *cachedFace) glyph(dot fixed.Point26_6, r rune) *glyph {
	k := glyphKey{r, dot.X & 63, dot.Y & 63}
	f.mu.Lock()
	defer f.mu.Unlock()
	if g := f.glyphs[k]; g != nil {
		return g
	}
	dr, mask, maskp, adv, ok := f.face.Glyph(fixed.Point26_6{X: k.fx, Y: k.fy}, r)
	g := &glyph{rect: dr, advance: adv, ok: ok}
	if ok {
		g.mask = make([]uint8, 0, dr.Dx()*dr.Dy())
		am, isAlpha := mask.(*image.Alpha)
		for y := 0; y < dr.Dy(); y++ {
			for x := 0; x < dr.Dx(); x++ {
				if isAlpha {
					g.mask = append(g.mask, am.AlphaAt(maskp.X+x, maskp.Y+y).A)
				} else {
					_, _, _, a := mask.At(maskp.X+x, maskp.Y+y).RGBA()
					g.mask = append(g.mask, uint8(a>>8))
				}
			}
		}
	}
	f.glyphs[k] = g
	return g
}

// compositeGlyph draws colour col (premultiplied, 16 bits a channel)
// through glyph g's mask onto dst, the mask mapped to dst by s2d, with
// x/image/draw's BiLinear kernel and the Over operator. It does what
// draw.BiLinear.Transform(dst, s2d, image.NewUniform(col), mask bounds,
// draw.Over, &draw.Options{SrcMask: mask}) does, in the same order of
// floating-point operations, so the pixels are the same.
func compositeGlyph(dst *image.RGBA, s2d *[6]float64, g *glyph, col [4]uint32) {
	sw, sh := g.rect.Dx(), g.rect.Dy()
	sr := image.Rect(0, 0, sw, sh)
	dr := transformRect(s2d, sr)
	adr := dst.Bounds().Intersect(dr)
	if adr.Empty() || sr.Empty() {
		return
	}
	d2s := invertAff(s2d)
	bias := transformRect(&d2s, adr).Min
	bias.X--
	bias.Y--
	d2s[2] -= float64(bias.X)
	d2s[5] -= float64(bias.Y)
	adr = adr.Sub(dr.Min)

	xscale := max(math.Abs(d2s[0]), math.Abs(d2s[1]))
	yscale := max(math.Abs(d2s[3]), math.Abs(d2s[4]))
	// The kernel's support is 1; it widens when the mask is shrunk.
	xHalf, xArg := 1.0, 1.0
	if xscale > 1 {
		xHalf *= xscale
		xArg = 1 / xscale
	}
	yHalf, yArg := 1.0, 1.0
	if yscale > 1 {
		yHalf *= yscale
		yArg = 1 / yscale
	}
	var xbuf, ybuf [8]float64
	xw := weightsBuf(xbuf[:], 1+2*int(math.Ceil(xHalf)))
	yw := weightsBuf(ybuf[:], 1+2*int(math.Ceil(yHalf)))
	cr, cg, cb, ca := col[0], col[1], col[2], col[3]

	for dy := adr.Min.Y; dy < adr.Max.Y; dy++ {
		dyf := float64(dr.Min.Y+dy) + 0.5
		for dx := adr.Min.X; dx < adr.Max.X; dx++ {
			dxf := float64(dr.Min.X+dx) + 0.5
			sx := float64(d2s[0]*dxf) + float64(d2s[1]*dyf) + d2s[2]
			sy := float64(d2s[3]*dxf) + float64(d2s[4]*dyf) + d2s[5]
			if !(image.Point{int(sx) + bias.X, int(sy) + bias.Y}).In(sr) {
				continue
			}
			ix, jx := bilinearWeights(xw, sx+float64(bias.X)-0.5, xHalf, xArg, sw)
			iy, jy := bilinearWeights(yw, sy+float64(bias.Y)-0.5, yHalf, yArg, sh)

			var pr, pg, pb, pa float64
			for ky := iy; ky < jy; ky++ {
				wy := yw[ky-iy]
				if wy == 0 {
					continue
				}
				row := g.mask[ky*sw:]
				for kx := ix; kx < jx; kx++ {
					w := xw[kx-ix] * wy
					if w == 0 {
						continue
					}
					ma := uint32(row[kx]) * 0x101
					pr += float64(float64(cr*ma/0xffff) * w)
					pg += float64(float64(cg*ma/0xffff) * w)
					pb += float64(float64(cb*ma/0xffff) * w)
					pa += float64(float64(ca*ma/0xffff) * w)
				}
			}
			pr, pg, pb = min(pr, pa), min(pg, pa), min(pb, pa)

			o := dst.PixOffset(dr.Min.X+dx, dr.Min.Y+dy)
			px := dst.Pix[o : o+4 : o+4]
			pa0 := uint32(unit16(pa))
			pa1 := 0xffff - pa0
			px[0] = uint8((uint32(px[0])*0x101*pa1/0xffff + uint32(unit16(pr))) >> 8)
			px[1] = uint8((uint32(px[1])*0x101*pa1/0xffff + uint32(unit16(pg))) >> 8)
			px[2] = uint8((uint32(px[2])*0x101*pa1/0xffff + uint32(unit16(pb))) >> 8)
			px[3] = uint8((uint32(px[3])*0x101*pa1/0xffff + pa0) >> 8)
		}
	}
}

// weightsBuf returns n weights, in buf when it is large enough.
func weightsBuf(buf []float64, n int) []float64 {
	if n <= len(buf) {
		return buf[:n]
	}
	return make([]float64, n)
}

// unit16 converts a sum of weighted 16-bit values to 16 bits, rounding
// and clamping as x/image/draw does.
func unit16(f float64) uint16 {
	i := int32(f + 0.5)
	if i > 0xffff {
		return 0xffff
	}
	if i > 0 {
		return uint16(i)
	}
	return 0
}

// invertAff inverts an affine map given as its top two rows.
func invertAff(m *[6]float64) [6]float64 {
	m00 := +m[4]
	m01 := -m[1]
	m02 := +float64(m[5]*m[1]) - float64(m[4]*m[2])
	m10 := -m[3]
	m11 := +m[0]
	m12 := +float64(m[3]*m[2]) - float64(m[5]*m[0])
	det := float64(m00*m11) - float64(m10*m01)
	return [6]float64{m00 / det, m01 / det, m02 / det, m10 / det, m11 / det, m12 / det}
}

// transformRect returns the whole-pixel rectangle that holds r mapped by m.
func transformRect(m *[6]float64, r image.Rectangle) image.Rectangle {
	var out image.Rectangle
	for i, p := range [4]image.Point{r.Min, {r.Max.X, r.Min.Y}, {r.Min.X, r.Max.Y}, r.Max} {
		xf, yf := float64(p.X), float64(p.Y)
		x := int(math.Floor(float64(m[0]*xf) + float64(m[1]*yf) + m[2]))
		y := int(math.Floor(float64(m[3]*xf) + float64(m[4]*yf) + m[5]))
		if i == 0 {
			out = image.Rect(x, y, x+1, y+1)
			continue
		}
		out.Min.X = min(out.Min.X, x)
		out.Max.X = max(out.Max.X, x+1)
		out.Min.Y = min(out.Min.Y, y)
		out.Max.Y = max(out.Max.Y, y+1)
	}
	return out
}

// bilinearWeights fills w with the normalised tent weights of the source
// samples [lo, hi) around s along one axis of n samples, in the order of
// operations x/image/draw uses, so composited pixels stay identical.
func bilinearWeights(w []float64, s, half, arg float64, n int) (lo, hi int) {
	lo = max(int(math.Floor(s-half)), 0)
	hi = min(int(math.Ceil(s+half)), n)
	total := 0.0
	for k := lo; k < hi; k++ {
		v := 0.0
		if t := math.Abs((s - float64(k)) * arg); t < 1 {
			v = 1 - t
		}
		w[k-lo] = v
		total += v
	}
	for i := range w[:hi-lo] {
		w[i] /= total
	}
	return lo, hi
}
