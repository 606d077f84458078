package models

import (
	"fmt"
	"math"
	"testing"
)

// maxRelErr returns max |a−b| / max(1, |b|) over the elements, so small
// values are compared absolutely and large ones relatively.
func maxRelErr(a, b []float32) float64 {
	var m float64
	for i := range a {
		d := math.Abs(float64(a[i]) - float64(b[i]))
		d /= math.Max(1, math.Abs(float64(b[i])))
		if math.IsNaN(d) {
			return math.Inf(1)
		}
		m = math.Max(m, d)
	}
	return m
}

// TestConvKernels compares the fast convolution paths (GEMM with im2col fused
// into its packing, 1×1 plain GEMM, grouped, depthwise) with convRef on odd
// shapes. Tolerance: 1e-4 relative (float32 sums of up to ~600 products in
// different orders).
func TestConvKernels(t *testing.T) {
	cases := []convGeom{
		{cin: 13, h: 17, w: 127, cout: 7, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1, group: 1},
		{cin: 13, h: 19, w: 23, cout: 8, kh: 5, kw: 5, sh: 3, sw: 3, ph: 2, pw: 2, dh: 1, dw: 1, group: 1},
		{cin: 6, h: 15, w: 127, cout: 10, kh: 3, kw: 5, sh: 2, sw: 3, ph: 1, pw: 2, dh: 1, dw: 1, group: 2},
		{cin: 3, h: 31, w: 31, cout: 5, kh: 11, kw: 11, sh: 4, sw: 4, ph: 0, pw: 0, dh: 1, dw: 1, group: 1},
		{cin: 13, h: 9, w: 127, cout: 11, kh: 1, kw: 1, sh: 1, sw: 1, ph: 0, pw: 0, dh: 1, dw: 1, group: 1},   // pointwise
		{cin: 37, h: 1, w: 1, cout: 29, kh: 1, kw: 1, sh: 1, sw: 1, ph: 0, pw: 0, dh: 1, dw: 1, group: 1},     // pointwise on a 1×1 map: matrix-vector
		{cin: 12, h: 1, w: 1, cout: 8, kh: 1, kw: 1, sh: 1, sw: 1, ph: 0, pw: 0, dh: 1, dw: 1, group: 4},      // grouped, 1×1 map
		{cin: 12, h: 9, w: 31, cout: 8, kh: 1, kw: 1, sh: 1, sw: 1, ph: 0, pw: 0, dh: 1, dw: 1, group: 4},     // grouped 1×1
		{cin: 13, h: 14, w: 127, cout: 13, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1, group: 13}, // depthwise
		{cin: 13, h: 15, w: 16, cout: 13, kh: 3, kw: 3, sh: 2, sw: 2, ph: 1, pw: 1, dh: 1, dw: 1, group: 13},  // depthwise stride 2
		{cin: 5, h: 12, w: 13, cout: 5, kh: 3, kw: 3, sh: 3, sw: 3, ph: 2, pw: 2, dh: 2, dw: 2, group: 5},     // depthwise dilated
		{cin: 4, h: 12, w: 13, cout: 6, kh: 3, kw: 3, sh: 1, sw: 2, ph: 2, pw: 1, dh: 2, dw: 2, group: 2},     // dilated grouped
		{cin: 4, h: 3, w: 3, cout: 2, kh: 5, kw: 5, sh: 1, sw: 1, ph: 2, pw: 2, dh: 1, dw: 1, group: 1},       // kernel larger than image
	}
	for i, g := range cases {
		g.finish()
		for _, relu := range []bool{false, true} {
			for _, threads := range []int{1, 2} {
				name := fmt.Sprintf("%d/relu=%v/threads=%d", i, relu, threads)
				t.Run(name, func(t *testing.T) {
					w := randSlice(uint64(i), g.cout*g.cin/g.group*g.kh*g.kw)
					bias := randSlice(uint64(i)+100, g.cout)
					in := randSlice(uint64(i)+200, g.cin*g.h*g.w)
					want := make([]float32, g.cout*g.oh*g.ow)
					convRef(&g, w, bias, relu, in, want)
					var packed []*packedA
					mg := g.cout / g.group
					for grp := 0; grp < g.group && !g.depthwise; grp++ {
						packed = append(packed, packA(mg, g.colRows, w[grp*mg*g.colRows:], g.colRows))
					}
					ctx := newFwdCtx(threads, 0)
					defer ctx.close()
					got := make([]float32, len(want))
					convFast(ctx, &g, w, packed, bias, relu, in, got)
					if e := maxRelErr(got, want); e > 1e-4 {
						t.Errorf("max relative error %g > 1e-4 (geometry %+v)", e, g)
					}
				})
			}
		}
	}
}

// TestPoolKernels compares the separable fast pooling with poolRef,
// including Caffe's ceil rounding, the pad clip of the last window and the
// AVE divisor at the borders. Tolerance: MAX exact; AVE 1e-6 relative.
func TestPoolKernels(t *testing.T) {
	type pc struct {
		c, h, w, k, s, p int
		floor            bool
	}
	cases := []pc{
		{13, 55, 55, 3, 2, 0, false},  // AlexNet pool1 shape class
		{13, 54, 54, 3, 2, 0, false},  // NIN: ceil gives 27 (floor would give 26)
		{13, 14, 127, 3, 2, 1, false}, // padded: last window starts in padding → dropped
		{7, 7, 8, 2, 2, 1, false},
		{5, 13, 13, 13, 1, 0, false}, // global
		{3, 10, 11, 3, 3, 2, false},  // stride 3, pad 2
		{3, 10, 11, 3, 3, 2, true},   // floor rounding
		{2, 5, 5, 4, 3, 0, false},    // ceil: the last window is clipped by the image
	}
	for i, c := range cases {
		for _, isMax := range []bool{true, false} {
			g := poolGeom{c: c.c, h: c.h, w: c.w, kh: c.k, kw: c.k, sh: c.s, sw: c.s, ph: c.p, pw: c.p, max: isMax}
			g.finish(c.floor)
			t.Run(fmt.Sprintf("%d/max=%v", i, isMax), func(t *testing.T) {
				in := randSlice(uint64(i)+7, g.c*g.h*g.w)
				want := make([]float32, g.c*g.oh*g.ow)
				poolRef(&g, in, want)
				got := make([]float32, len(want))
				for _, threads := range []int{1, 2} {
					ctx := newFwdCtx(threads, g.w)
					ctx.pooling = poolJob{g: &g, in: in, out: got, tmp: ctx.tmp}
					ctx.pool.run(&ctx.pooling)
					ctx.close()
					tol := 1e-6
					if isMax {
						tol = 0
					}
					if e := maxRelErr(got, want); e > tol {
						t.Errorf("threads=%d: max relative error %g > %g", threads, e, tol)
					}
				}
			})
		}
	}
}

func TestPoolOutputSize(t *testing.T) {
	for _, c := range []struct{ in, k, s, p, want int }{
		{55, 3, 2, 0, 27}, {54, 3, 2, 0, 27}, {27, 3, 2, 0, 13}, {13, 3, 2, 0, 6},
		{111, 3, 2, 0, 55}, {113, 3, 2, 0, 56}, {14, 3, 2, 1, 8}, {15, 3, 2, 1, 8}, {13, 13, 1, 0, 1},
	} {
		if got := poolOut(c.in, c.k, c.s, c.p, false); got != c.want {
			t.Errorf("poolOut(%d, k=%d, s=%d, p=%d) = %d, want %d", c.in, c.k, c.s, c.p, got, c.want)
		}
	}
}

// TestLRNKernels compares the sliding-window LRN with lrnRef (float64 sums,
// math.Pow) for β = 0.75 (the square-root path) and another β (exp/log).
// Tolerance 2e-5 relative.
func TestLRNKernels(t *testing.T) {
	cases := []lrnGeom{
		{c: 13, hw: 127 * 3, size: 5, alpha: 1e-4, beta: 0.75, k: 1},
		{c: 96, hw: 55 * 55, size: 5, alpha: 1e-4, beta: 0.75, k: 1},
		{c: 3, hw: 2500, size: 5, alpha: 0.5, beta: 0.75, k: 2},
		{c: 13, hw: 61, size: 3, alpha: 0.3, beta: 0.6, k: 1},
		{c: 13, hw: 61, size: 4, alpha: 0.3, beta: 0.75, k: 1}, // even window
	}
	for i, g := range cases {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			in := randSlice(uint64(i)+11, g.c*g.hw)
			for j := range in {
				in[j] *= 20 // AlexNet-like magnitudes make the window sum matter
			}
			want := make([]float32, len(in))
			lrnRef(&g, in, want)
			for _, threads := range []int{1, 2} {
				got := make([]float32, len(in))
				ctx := newFwdCtx(threads, lrnBlock)
				ctx.lrn = lrnJob{g: &g, in: in, out: got, tmp: ctx.tmp}
				ctx.pool.run(&ctx.lrn)
				ctx.close()
				if e := maxRelErr(got, want); e > 2e-5 {
					t.Errorf("threads=%d: max relative error %g > 2e-5", threads, e)
				}
			}
		})
	}
}

func TestSpan(t *testing.T) {
	for total := 0; total < 20; total++ {
		for n := 1; n < 5; n++ {
			next := 0
			for i := 0; i < n; i++ {
				lo, hi := span(total, i, n)
				if lo != next || hi < lo {
					t.Fatalf("span(%d,%d,%d) = %d,%d", total, i, n, lo, hi)
				}
				next = hi
			}
			if next != total {
				t.Fatalf("span(%d, ·, %d) covers %d", total, n, next)
			}
		}
	}
}
