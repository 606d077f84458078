package gemm

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// benchShapes are the shapes of ../shared/bench/anchors/gemm_shapes.txt
// (C[M×N] = A[M×K]·B[K×N]; fc6, N = 1, is BenchmarkFC) and two more.
var benchShapes = []struct {
	name    string
	m, n, k int
}{
	{"sq1024", 1024, 1024, 1024},
	{"conv2_brief", 256, 729, 2400},
	{"conv2_group", 128, 729, 1200},
	{"conv1", 96, 3025, 363},
	{"nin_cccp1", 96, 2916, 96},
	// Not in gemm_shapes.txt: a short-m and a narrow-n layer of the zoo.
	{"sqz_fire2_squeeze", 16, 3025, 96}, // SqueezeNet v1.0 fire2/squeeze1x1 (55×55)
	{"mbnet_pw13", 1024, 49, 1024},      // MobileNet v1 conv13 pointwise (7×7)
}

func reportGFLOPs(b *testing.B, flops float64) {
	b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// loopGFLOPs runs f in the benchmark loop, timing each call, and reports
// GFLOP/s from the mean time (GFLOP/s) and from the median call
// (med-GFLOP/s). The median is the statistic of the OpenBLAS anchor
// (sgemm_openblas.c) and, on a shared machine, drops the calls during which
// another process had the core; compare like with like.
func loopGFLOPs(b *testing.B, flops float64, f func()) {
	ts := make([]time.Duration, 0, 1024)
	for b.Loop() {
		t0 := time.Now()
		f()
		ts = append(ts, time.Since(t0))
	}
	reportGFLOPs(b, flops)
	slices.Sort(ts)
	med := ts[len(ts)/2]
	if len(ts)%2 == 0 {
		med = (ts[len(ts)/2-1] + med) / 2
	}
	b.ReportMetric(flops/med.Seconds()/1e9, "med-GFLOP/s")
}

// withGOMAXPROCS runs f with GOMAXPROCS = n: gonum's Sgemm splits its work
// over GOMAXPROCS goroutines, so this is its thread count.
func withGOMAXPROCS(n int, f func()) {
	old := runtime.GOMAXPROCS(n)
	defer runtime.GOMAXPROCS(old)
	f()
}

// BenchmarkGEMM reports GFLOP/s per shape for every level at 1 and 2
// threads (Sgemm, and PackedA.Mul as the convolution executor calls it),
// gonum's blas32.Gemm at GOMAXPROCS 1 and 2, and the naive reference on the
// smaller shapes. Compare with sgemm_openblas run in the same session.
func BenchmarkGEMM(b *testing.B) {
	for _, s := range benchShapes {
		rng := rand.New(rand.NewPCG(1, 1))
		a, bb := randSlice(rng, s.m*s.k), randSlice(rng, s.k*s.n)
		c := make([]float32, s.m*s.n)
		flops := 2 * float64(s.m) * float64(s.n) * float64(s.k)
		pa := PackA(s.m, s.k, a, s.k)
		for _, l := range levels {
			for _, threads := range []int{1, 2} {
				if l == levelGo && threads == 2 {
					continue
				}
				b.Run(fmt.Sprintf("shape=%s/impl=%s-%dT", s.name, l.name, threads), func(b *testing.B) {
					restore, _ := setLevel(l.name)
					defer restore()
					p := NewPool(threads)
					defer p.Close()
					loopGFLOPs(b, flops, func() { Sgemm(p, s.m, s.n, s.k, a, s.k, bb, s.n, c, s.n, Epilogue{}) })
				})
				if l != levels[0] {
					continue
				}
				b.Run(fmt.Sprintf("shape=%s/impl=%s-packed-%dT", s.name, l.name, threads), func(b *testing.B) {
					p := NewPool(threads)
					defer p.Close()
					loopGFLOPs(b, flops, func() { pa.Mul(p, s.n, bb, s.n, c, s.n, Epilogue{}) })
				})
			}
		}
		ga := blas32.General{Rows: s.m, Cols: s.k, Stride: s.k, Data: a}
		gb := blas32.General{Rows: s.k, Cols: s.n, Stride: s.n, Data: bb}
		gc := blas32.General{Rows: s.m, Cols: s.n, Stride: s.n, Data: c}
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("shape=%s/impl=gonum-%dT", s.name, threads), func(b *testing.B) {
				withGOMAXPROCS(threads, func() {
					loopGFLOPs(b, flops, func() { blas32.Gemm(blas.NoTrans, blas.NoTrans, 1, ga, gb, 0, gc) })
				})
			})
		}
		if s.m*s.n*s.k <= 128<<20 {
			b.Run(fmt.Sprintf("shape=%s/impl=naive", s.name), func(b *testing.B) {
				loopGFLOPs(b, flops, func() { SgemmRef(s.m, s.n, s.k, a, s.k, bb, s.n, c, s.n, Epilogue{}) })
			})
		}
	}
}

// fcWeights is AlexNet's fully connected stack at batch 1, float32 [out][in]
// (fc6 4096×9216, fc7 4096×4096, fc8 1000×4096): 234 MB, far beyond the
// caches, shared by the FC benchmarks and allocated once.
var fcWeights = sync.OnceValue(func() []float32 {
	w := make([]float32, 4096*9216+4096*4096+1000*4096)
	for i := range w {
		w[i] = float32(i%1000-500) * 1e-4
	}
	return w
})

var fcShapes = []struct{ out, in int }{{4096, 9216}, {4096, 4096}, {1000, 4096}}

// parallelSum streams x on threads goroutines: the bandwidth bound.
func parallelSum(x []float32, threads int) float32 {
	if threads == 1 {
		return streamSum(x)
	}
	var wg sync.WaitGroup
	sums := make([]float32, threads)
	for t := range threads {
		lo, hi := splitRange(len(x), 64, t, threads)
		wg.Go(func() { sums[t] = streamSum(x[lo:hi]) })
	}
	wg.Wait()
	var s float32
	for _, v := range sums {
		s += v
	}
	return s
}

var sink float32

// BenchmarkFC times batch-1 fully connected layers as Sgemv (fc6 alone, and
// the fc6–fc8 stack of 234 MB) and, in the same iteration, a streaming sum of
// the same weight bytes on as many threads. It reports the weights' GB/s for
// both and "x-bound" = Sgemv time ÷ streaming time: the factor by which
// Sgemv misses the memory-bandwidth bound measured in this very run (goal ≤
// 1.3); the med- metrics are the same from median iterations. gonum's Sgemv
// is given for comparison.
func BenchmarkFC(b *testing.B) {
	w := fcWeights()
	x := randSlice(rand.New(rand.NewPCG(2, 2)), 9216)
	y := make([]float32, 4096)
	for _, stack := range []struct {
		name   string
		layers int
	}{{"fc6", 1}, {"fc6-8", 3}} {
		var bytes float64
		for _, s := range fcShapes[:stack.layers] {
			bytes += 4 * float64(s.out) * float64(s.in)
		}
		weights := w[:int(bytes)/4]
		for _, l := range levels {
			for _, threads := range []int{1, 2} {
				b.Run(fmt.Sprintf("layers=%s/impl=%s-%dT", stack.name, l.name, threads), func(b *testing.B) {
					restore, _ := setLevel(l.name)
					defer restore()
					p := NewPool(threads)
					defer p.Close()
					var tGemv, tStream time.Duration
					var gs, ss []time.Duration
					for b.Loop() {
						t0 := time.Now()
						off := 0
						for _, s := range fcShapes[:stack.layers] {
							Sgemv(p, s.out, s.in, w[off:], s.in, x, y, Epilogue{})
							off += s.out * s.in
						}
						t1 := time.Now()
						sink += parallelSum(weights, threads)
						t2 := time.Now()
						tGemv += t1.Sub(t0)
						tStream += t2.Sub(t1)
						gs, ss = append(gs, t1.Sub(t0)), append(ss, t2.Sub(t1))
					}
					n := float64(b.N)
					b.ReportMetric(bytes*n/tGemv.Seconds()/1e9, "GB/s")
					b.ReportMetric(bytes*n/tStream.Seconds()/1e9, "stream-GB/s")
					b.ReportMetric(tGemv.Seconds()/tStream.Seconds(), "x-bound")
					// Medians, as the OpenBLAS anchor reports (see loopGFLOPs).
					slices.Sort(gs)
					slices.Sort(ss)
					b.ReportMetric(bytes/gs[len(gs)/2].Seconds()/1e9, "med-GB/s")
					b.ReportMetric(bytes/ss[len(ss)/2].Seconds()/1e9, "med-stream-GB/s")
					b.ReportMetric(gs[len(gs)/2].Seconds()/ss[len(ss)/2].Seconds(), "med-x-bound")
					b.ReportMetric(float64(tGemv.Nanoseconds())/n/1e6, "sgemv-ms")
				})
			}
		}
		b.Run(fmt.Sprintf("layers=%s/impl=gonum-1T", stack.name), func(b *testing.B) {
			withGOMAXPROCS(1, func() {
				for b.Loop() {
					off := 0
					for _, s := range fcShapes[:stack.layers] {
						ga := blas32.General{Rows: s.out, Cols: s.in, Stride: s.in, Data: w[off : off+s.out*s.in]}
						blas32.Gemv(blas.NoTrans, 1, ga, blas32.Vector{N: s.in, Inc: 1, Data: x}, 0, blas32.Vector{N: s.out, Inc: 1, Data: y})
						off += s.out * s.in
					}
				}
			})
			b.ReportMetric(bytes*float64(b.N)/b.Elapsed().Seconds()/1e9, "GB/s")
		})
	}
}

// BenchmarkSgemmNT times a fully connected layer at batch 8 and 64
// (X·Wᵀ, fc7 4096×4096) through both SgemmNT paths.
func BenchmarkSgemmNT(b *testing.B) {
	w := fcWeights()[:4096*4096]
	for _, batch := range []int{8, 64} {
		rng := rand.New(rand.NewPCG(3, 3))
		x := randSlice(rng, batch*4096)
		c := make([]float32, batch*4096)
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("batch=%d/impl=%s-%dT", batch, Dispatch(), threads), func(b *testing.B) {
				p := NewPool(threads)
				defer p.Close()
				for b.Loop() {
					SgemmNT(p, batch, 4096, 4096, x, 4096, w, 4096, c, 4096, Epilogue{})
				}
				reportGFLOPs(b, 2*float64(batch)*4096*4096)
			})
		}
	}
}
