package models

import (
	"fmt"
	"math"
	"testing"

	"github.com/infersim/infersim/models/internal/gemm"
)

// withGemmLevels runs f once per GEMM kernel level this CPU has (avx512,
// avx2, purego here; purego alone under -tags purego).
func withGemmLevels(t *testing.T, f func(t *testing.T)) {
	for _, l := range gemm.Levels() {
		t.Run(l, func(t *testing.T) {
			restore, err := gemm.SetLevel(l)
			if err != nil {
				t.Fatal(err)
			}
			defer restore()
			f(t)
		})
	}
}

// fusedGeoms is the table of TestFusedIm2colBitIdentical: every kernel size
// of the zoo (1, 3, 5, 7, 11) crossed with stride 1/2/4, pad 0–3,
// dilation 1/2 and group 1/2, on odd image sizes; output channels per group
// below and above each level's mr; enough input channels for some products
// to cross a k block (k > 256); and a few large ones whose columns split
// across workers and, in the two-pass path, across im2col tiles.
func fusedGeoms() []convGeom {
	var gs []convGeom
	i := 0
	for _, k := range []int{1, 3, 5, 7, 11} {
		for _, s := range []int{1, 2, 4} {
			for _, p := range []int{0, 1, 2, 3} {
				for _, d := range []int{1, 2} {
					for _, grp := range []int{1, 2} {
						ext := d*(k-1) + 1
						cg := []int{3, 12, 30}[i%3]
						mg := []int{5, 7, 16, 30}[i%4]
						g := convGeom{cin: cg * grp, cout: mg * grp, kh: k, kw: k, sh: s, sw: s, ph: p, pw: p, dh: d, dw: d, group: grp,
							h: max(1, ext-2*p) + 2 + i%5, w: max(1, ext-2*p) + 7 + 2*(i%7)}
						if i%9 == 4 { // a non-square kernel and stride
							g.kw, g.sw, g.pw = max(1, k-2), max(1, s/2), p/2
						}
						i++
						gs = append(gs, g)
					}
				}
			}
		}
	}
	return append(gs,
		convGeom{cin: 3, h: 227, w: 227, cout: 96, kh: 11, kw: 11, sh: 4, sw: 4, dh: 1, dw: 1, group: 1},             // AlexNet conv1: 5 im2col tiles
		convGeom{cin: 3, h: 224, w: 224, cout: 32, kh: 3, kw: 3, sh: 2, sw: 2, ph: 1, pw: 1, dh: 1, dw: 1, group: 1}, // MobileNet conv1
		convGeom{cin: 48, h: 27, w: 27, cout: 256, kh: 5, kw: 5, sh: 1, sw: 1, ph: 2, pw: 2, dh: 1, dw: 1, group: 2}, // AlexNet conv2
		convGeom{cin: 32, h: 55, w: 55, cout: 128, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1, group: 1}, // SqueezeNet fire4/expand3x3
		convGeom{cin: 40, h: 41, w: 43, cout: 10, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1, group: 1},  // m < mr, wide n, k > 256
	)
}

// TestFusedIm2colBitIdentical holds the fused convolution (receptive fields
// gathered into the GEMM's packed panels) to the two-pass path (im2col
// matrix, then a GEMM that packs it) bit for bit: only where B's values are
// read from changes, not the blocking, summation order or epilogue. Every
// GEMM level, 1 and 2 threads, with and without bias and ReLU.
func TestFusedIm2colBitIdentical(t *testing.T) {
	geoms := fusedGeoms()
	withGemmLevels(t, func(t *testing.T) {
		for _, threads := range []int{1, 2} {
			ctx := newFwdCtx(threads, 0)
			defer ctx.close()
			for i, g := range geoms {
				g.finish()
				if g.oh <= 0 || g.ow <= 0 || g.depthwise {
					t.Fatalf("case %d: bad geometry %+v", i, g)
				}
				mg := g.cout / g.group
				w := randSlice(uint64(i), g.cout*g.colRows)
				in := randSlice(uint64(i)+1000, g.cin*g.h*g.w)
				var packed []*packedA
				for grp := range g.group {
					packed = append(packed, packA(mg, g.colRows, w[grp*mg*g.colRows:], g.colRows))
				}
				for _, ep := range []struct {
					bias []float32
					relu bool
				}{{nil, false}, {randSlice(uint64(i)+2000, g.cout), true}} {
					want := make([]float32, g.cout*g.oh*g.ow)
					got := make([]float32, len(want))
					ctx.twoPass = true
					convFast(ctx, &g, w, packed, ep.bias, ep.relu, in, want)
					ctx.twoPass = false
					convFast(ctx, &g, w, packed, ep.bias, ep.relu, in, got)
					if k := firstDiff(got, want); k >= 0 {
						t.Fatalf("threads=%d case %d %+v relu=%v: element %d fused %v, two-pass %v",
							threads, i, g, ep.relu, k, got[k], want[k])
					}
				}
			}
		}
	})
}

// firstDiff returns the index of the first element whose bits differ, or −1.
func firstDiff(a, b []float32) int {
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return i
		}
	}
	return -1
}

// TestFusedIm2colZoo runs every zoo model with the fused and the two-pass
// convolution, at 1 and 2 threads and every GEMM level, and requires the
// same bits in the output and in the whole activation arena (every
// intermediate blob still live at the end).
func TestFusedIm2colZoo(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	for _, name := range ZooNames() {
		n := must(Zoo(name)).WithSeededWeights(1)
		in := randSlice(1, numel(n.InputShape()))
		t.Run(name, func(t *testing.T) {
			withGemmLevels(t, func(t *testing.T) {
				for _, threads := range []int{1, 2} {
					var arenas [2][]float32
					var outs [2][]float32
					for v, twoPass := range []bool{true, false} {
						ex := NewExecutor(n, threads)
						ex.ctx.twoPass = twoPass
						out, err := ex.Forward(in)
						if err != nil {
							t.Fatal(err)
						}
						outs[v] = append([]float32(nil), out...)
						arenas[v] = append([]float32(nil), ex.arena...)
						ex.Close()
					}
					if k := firstDiff(outs[1], outs[0]); k >= 0 {
						t.Errorf("threads=%d: output %d fused %v, two-pass %v", threads, k, outs[1][k], outs[0][k])
					}
					if k := firstDiff(arenas[1], arenas[0]); k >= 0 {
						t.Errorf("threads=%d: arena element %d fused %v, two-pass %v", threads, k, arenas[1][k], arenas[0][k])
					}
				}
			})
		})
	}
}

// BenchmarkConvPaths times single convolutions with the fused and the
// two-pass path side by side: a fire module's 3×3 expand, the zoo's strided
// first convolutions, and a small-m convolution (where the two-pass GEMM
// reads the im2col matrix in place instead of packing it).
func BenchmarkConvPaths(b *testing.B) {
	for _, c := range []struct {
		name string
		g    convGeom
	}{
		{"sq10-fire4-e3", convGeom{cin: 32, h: 55, w: 55, cout: 128, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1, group: 1}},
		{"sq11-fire2-e3", convGeom{cin: 16, h: 56, w: 56, cout: 64, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1, group: 1}},
		{"sq10-conv1", convGeom{cin: 3, h: 227, w: 227, cout: 96, kh: 7, kw: 7, sh: 2, sw: 2, dh: 1, dw: 1, group: 1}},
		{"alexnet-conv1", convGeom{cin: 3, h: 227, w: 227, cout: 96, kh: 11, kw: 11, sh: 4, sw: 4, dh: 1, dw: 1, group: 1}},
		{"alexnet-conv2", convGeom{cin: 96, h: 27, w: 27, cout: 256, kh: 5, kw: 5, sh: 1, sw: 1, ph: 2, pw: 2, dh: 1, dw: 1, group: 2}},
		{"small-m16", convGeom{cin: 64, h: 28, w: 28, cout: 16, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1, group: 1}},
	} {
		g := c.g
		g.finish()
		mg := g.cout / g.group
		w := randSlice(1, g.cout*g.colRows)
		in := randSlice(2, g.cin*g.h*g.w)
		out := make([]float32, g.cout*g.oh*g.ow)
		bias := randSlice(3, g.cout)
		var packed []*packedA
		for grp := range g.group {
			packed = append(packed, packA(mg, g.colRows, w[grp*mg*g.colRows:], g.colRows))
		}
		for _, threads := range []int{1, 2} {
			for _, path := range []string{"two-pass", "fused"} {
				b.Run(fmt.Sprintf("%s/threads=%d/path=%s", c.name, threads, path), func(b *testing.B) {
					ctx := newFwdCtx(threads, 0)
					defer ctx.close()
					ctx.twoPass = path == "two-pass"
					convFast(ctx, &g, w, packed, bias, true, in, out)
					for b.Loop() {
						convFast(ctx, &g, w, packed, bias, true, in, out)
					}
					b.ReportMetric(float64(2*g.cout*g.oh*g.ow*g.colRows)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
				})
			}
		}
	}
}

// gatherLoop is the plain strided loop gatherStrided replaces: the
// reference for its test and benchmark.
func gatherLoop(d, src []float32, sw int) {
	for i := range d {
		d[i] = src[i*sw]
	}
}

// TestGatherStrided: gatherStrided copies every sw-th element, for lengths
// around its 4-step unrolling and the strides of the zoo's strided layers.
func TestGatherStrided(t *testing.T) {
	src := randSlice(7, 400)
	for _, sw := range []int{2, 3, 4, 5} {
		for n := 0; n <= 33; n++ {
			want, got := make([]float32, n), make([]float32, n)
			s := src[3:]
			if n > 0 {
				s = src[3 : 3+(n-1)*sw+1]
			}
			gatherLoop(want, s, sw)
			gatherStrided(got, s, sw)
			if k := firstDiff(got, want); k >= 0 {
				t.Fatalf("sw=%d n=%d: element %d = %v, want %v", sw, n, k, got[k], want[k])
			}
		}
	}
}

// BenchmarkGatherStrided times one panel row of AlexNet's and NIN's conv1
// (32 outputs at stride 4) both ways.
func BenchmarkGatherStrided(b *testing.B) {
	src := randSlice(8, 4*32)
	d := make([]float32, 32)
	s := src[:31*4+1]
	for _, c := range []struct {
		name string
		f    func(d, src []float32, sw int)
	}{{"loop", gatherLoop}, {"unrolled", gatherStrided}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				c.f(d, s, 4)
			}
		})
	}
}
