package models

import (
	"fmt"
	"testing"
)

// TestDepthwiseKernels compares the 3×3 depthwise kernel (and, for other
// geometries, the generic one) with the naive convRef on odd shapes: 13
// channels, widths 1–17 and 127 (so every length of the masked last block
// of 8 occurs), stride 1 and 2, padding 0 and 1, with and without bias and
// ReLU. On amd64 it also runs the pure-Go row kernel against the same
// reference. Tolerance 1e-5 relative (maxRelErr): each output is a float32
// sum of 10 terms of order 1 added in a different order, and with FMA,
// which leaves errors of a few units of 6e-8.
func TestDepthwiseKernels(t *testing.T) {
	const tol = 1e-5
	type shape struct{ h, w int }
	shapes := []shape{{13, 127}, {14, 112}, {7, 7}, {3, 1}, {1, 3}, {2, 2}}
	for w := 1; w <= 17; w++ {
		shapes = append(shapes, shape{5, w})
	}
	for _, sh := range shapes {
		for _, s := range []int{1, 2} {
			for _, p := range []int{0, 1} {
				g := convGeom{cin: 13, h: sh.h, w: sh.w, cout: 13, kh: 3, kw: 3, sh: s, sw: s,
					ph: p, pw: p, dh: 1, dw: 1, group: 13}
				g.finish()
				if g.oh <= 0 || g.ow <= 0 {
					continue
				}
				if !dw3Fast(&g) {
					t.Fatalf("%dx%d s%d p%d: not on the 3×3 kernel", sh.h, sh.w, s, p)
				}
				for _, relu := range []bool{false, true} {
					for _, withBias := range []bool{false, true} {
						name := fmt.Sprintf("%dx%d/s%d/p%d/relu=%v/bias=%v", sh.h, sh.w, s, p, relu, withBias)
						checkDepthwise(t, name, &g, relu, withBias, tol)
					}
				}
			}
		}
	}
	// Geometries the 3×3 kernel does not take: the generic one.
	for _, g := range []convGeom{
		{cin: 13, h: 11, w: 127, cout: 13, kh: 5, kw: 5, sh: 1, sw: 1, ph: 2, pw: 2, dh: 1, dw: 1, group: 13},
		{cin: 13, h: 11, w: 31, cout: 13, kh: 3, kw: 3, sh: 3, sw: 3, ph: 1, pw: 1, dh: 1, dw: 1, group: 13},
		{cin: 13, h: 11, w: 31, cout: 13, kh: 3, kw: 3, sh: 1, sw: 1, ph: 2, pw: 2, dh: 2, dw: 2, group: 13},
		{cin: 13, h: 3, w: 2000, cout: 13, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1, group: 13},
	} {
		g.finish()
		if dw3Fast(&g) {
			t.Fatalf("%+v: on the 3×3 kernel", g)
		}
		checkDepthwise(t, fmt.Sprintf("generic/%dx%d/k%d/s%d/d%d", g.h, g.w, g.kh, g.sh, g.dh), &g, true, true, tol)
	}
}

// dwLevelCase is a row-kernel level a test can force.
type dwLevelCase struct {
	name string
	with func(f func())
}

func checkDepthwise(t *testing.T, name string, g *convGeom, relu, withBias bool, tol float64) {
	t.Helper()
	w := randSlice(1, g.cin*g.kh*g.kw)
	var bias []float32
	if withBias {
		bias = randSlice(2, g.cin)
	}
	in := randSlice(3, g.cin*g.h*g.w)
	want := make([]float32, g.cout*g.oh*g.ow)
	convRef(g, w, bias, relu, in, want)
	j := depthwiseJob{g: g, w: w, bias: bias, relu: relu, in: in}
	for _, level := range dwLevels() {
		buf := make([]float32, len(want)+16)
		for i := range buf {
			buf[i] = 12345 // every output must be written, nothing past them
		}
		got := buf[:len(want)]
		j.out = got
		level.with(func() { j.run(0, 0, g.cin) })
		if e := maxRelErr(got, want); e > tol {
			t.Errorf("%s/%s: max relative error %.3g > %g", name, level.name, e, tol)
		}
		for i, v := range buf[len(want):] {
			if v != 12345 {
				t.Errorf("%s/%s: wrote %d floats past the output", name, level.name, i+1)
				break
			}
		}
	}
}
