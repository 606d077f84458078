package models

import (
	"flag"
	"fmt"
	"testing"
	"time"
)

// BenchmarkForward times one batch-1 forward pass of each zoo model with
// seeded weights, at 1 and 2 threads, and reports ms/op, cpu-ms/op (see
// benchForward), GFLOP/s and allocations. Compare with PyTorch side by side
// (BENCHMARKS.md; testdata/bench/paired_zoo.sh).
func BenchmarkForward(b *testing.B) {
	for _, name := range ZooNames() {
		n, err := Zoo(name)
		if err != nil {
			b.Fatal(err)
		}
		n = n.WithSeededWeights(1)
		in := randSlice(1, numel(n.InputShape()))
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/threads=%d", name, threads), func(b *testing.B) {
				ex := NewExecutor(n, threads)
				defer ex.Close()
				per := benchForward(b, ex, in)
				b.ReportMetric(float64(n.FLOPs())/per/1e9, "GFLOP/s")
			})
		}
	}
}

// benchForward times ex.Forward(in) after one untimed pass, reports
// allocations, ms/op and the process's CPU time per pass (cpu-ms/op: at one
// thread the forward pass's own CPU time, which a shared machine's
// descheduling does not inflate; at two it includes the workers' spinning),
// and returns the seconds per pass.
func benchForward(b *testing.B, ex *Executor, in []float32) float64 {
	if _, err := ex.Forward(in); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0, cpuOK := processCPU()
	for b.Loop() {
		ex.Forward(in)
	}
	b.StopTimer() // keep the metrics' own allocations out of B/op
	cpu1, _ := processCPU()
	per := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(per*1e3, "ms/op")
	if cpuOK {
		b.ReportMetric((cpu1-cpu0).Seconds()*1e3/float64(b.N), "cpu-ms/op")
	}
	return per
}

// BenchmarkForwardPaths is BenchmarkForward with the convolution path as a
// dimension, in one invocation: path=fused (what Forward runs) and
// path=two-pass (the im2col matrix then a GEMM that packs it, kept for this
// comparison). BENCHMARKS.md, "Fused im2col":
//
//	go test -run '^$' -bench ForwardPaths -benchtime 20x -count 6 ./models | tee paths.txt
//	benchstat -col /path paths.txt
func BenchmarkForwardPaths(b *testing.B) {
	for _, name := range ZooNames() {
		n := must(Zoo(name)).WithSeededWeights(1)
		in := randSlice(1, numel(n.InputShape()))
		for _, threads := range []int{1, 2} {
			for _, path := range []string{"two-pass", "fused"} {
				b.Run(fmt.Sprintf("%s/threads=%d/path=%s", name, threads, path), func(b *testing.B) {
					ex := NewExecutor(n, threads)
					defer ex.Close()
					ex.ctx.twoPass = path == "two-pass"
					benchForward(b, ex, in)
				})
			}
		}
	}
}

// BenchmarkLayers times each layer of AlexNet with the layer hook (1
// thread) and prints the slowest ones; a development aid.
func BenchmarkLayerKinds(b *testing.B) {
	n := must(Zoo("alexnet")).WithSeededWeights(1)
	in := randSlice(1, numel(n.InputShape()))
	for _, threads := range []int{1, 2} {
		b.Run(fmt.Sprintf("alexnet/threads=%d", threads), func(b *testing.B) {
			ex := NewExecutor(n, threads)
			defer ex.Close()
			sums := make([]time.Duration, len(n.nodes))
			ex.SetLayerHook(func(i int, d time.Duration) { sums[i] += d })
			for b.Loop() {
				ex.Forward(in)
			}
			kinds := map[string]time.Duration{}
			for i, d := range sums {
				kinds[n.nodes[i].kind] += d
			}
			for k, d := range kinds {
				b.ReportMetric(float64(d.Microseconds())/1e3/float64(b.N), k+"-ms")
			}
		})
	}
}

// BenchmarkLayersOf prints per-layer times of one model (development aid):
// go test -run '^$' -bench LayersOf -benchtime 20x -model squeezenet-v1.1
func BenchmarkLayersOf(b *testing.B) {
	if *benchModel == "" {
		b.Skip("set -model")
	}
	n := must(Zoo(*benchModel)).WithSeededWeights(1)
	in := randSlice(1, numel(n.InputShape()))
	for _, threads := range []int{1, 2} {
		ex := NewExecutor(n, threads)
		sums := make([]time.Duration, len(n.nodes))
		ex.SetLayerHook(func(i int, d time.Duration) { sums[i] += d })
		ex.Forward(in)
		clear(sums)
		const reps = 20
		for range reps {
			ex.Forward(in)
		}
		ex.Close()
		var tot time.Duration
		for i, d := range sums {
			tot += d
			if d > 0 {
				l := n.nodes[i].info
				fmt.Printf("threads=%d %-24s %-12s %8.3f ms %7.1f GFLOP/s\n", threads, l.Name, l.Kind, float64(d.Microseconds())/1e3/reps, float64(l.FLOPs)/(d.Seconds()/reps)/1e9)
			}
		}
		fmt.Printf("threads=%d total %.3f ms\n", threads, float64(tot.Microseconds())/1e3/reps)
	}
}

var benchModel = flag.String("model", "", "zoo model for BenchmarkLayersOf")

// BenchmarkLRN times AlexNet's norm1 (96×55×55, n = 5, β = 0.75): the fast
// kernel at 1 and 2 threads and the reference (PyTorch 1.13 anchor: 5.5 ms
// for both AlexNet LRN layers at 2 threads, ../shared/bench/CNN.md).
func BenchmarkLRN(b *testing.B) {
	g := lrnGeom{c: 96, hw: 55 * 55, size: 5, alpha: 1e-4, beta: 0.75, k: 1}
	in := randSlice(1, g.c*g.hw)
	out := make([]float32, len(in))
	for _, threads := range []int{1, 2} {
		b.Run(fmt.Sprintf("norm1/threads=%d", threads), func(b *testing.B) {
			ctx := newFwdCtx(threads, lrnBlock)
			defer ctx.close()
			for b.Loop() {
				ctx.lrn = lrnJob{g: &g, in: in, out: out, tmp: ctx.tmp}
				ctx.pool.run(&ctx.lrn)
			}
		})
	}
	b.Run("norm1/reference", func(b *testing.B) {
		for b.Loop() {
			lrnRef(&g, in, out)
		}
	})
}

// BenchmarkPooling times the zoo's pooling shapes: 3×3/2 max pooling with
// ceil rounding (AlexNet pool1, SqueezeNet v1.1 pool1) and SqueezeNet's
// global average pooling.
func BenchmarkPooling(b *testing.B) {
	cases := []struct {
		name string
		g    poolGeom
	}{
		{"alexnet-pool1", poolGeom{c: 96, h: 55, w: 55, kh: 3, kw: 3, sh: 2, sw: 2, max: true}},
		{"squeezenet11-pool1", poolGeom{c: 64, h: 113, w: 113, kh: 3, kw: 3, sh: 2, sw: 2, max: true}},
		{"squeezenet11-pool10", poolGeom{c: 1000, h: 14, w: 14, kh: 14, kw: 14, sh: 1, sw: 1}},
	}
	for _, c := range cases {
		g := c.g
		g.finish(false)
		in := randSlice(1, g.c*g.h*g.w)
		out := make([]float32, g.c*g.oh*g.ow)
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/threads=%d", c.name, threads), func(b *testing.B) {
				ctx := newFwdCtx(threads, g.w)
				defer ctx.close()
				for b.Loop() {
					ctx.pooling = poolJob{g: &g, in: in, out: out, tmp: ctx.tmp}
					ctx.pool.run(&ctx.pooling)
				}
			})
		}
	}
}

// BenchmarkFC times AlexNet's fc6 at batch 1 (a 4096×9216 matrix-vector
// product, 151 MB of weights) and, in the same run, the memory-bandwidth
// bound: streaming the same bytes once through an AVX2 max-reduction (streamMax). It
// reports GB/s for both and the ratio time(fc) / time(stream), which should
// stay below 1.3.
func BenchmarkFC(b *testing.B) {
	const m, k = 4096, 9216
	w := randSlice(1, m*k)
	x := randSlice(2, k)
	y := make([]float32, m)
	bias := randSlice(3, m)
	stream := func() { sink = streamMax(w) }
	for _, threads := range []int{1, 2} {
		b.Run(fmt.Sprintf("fc6/threads=%d", threads), func(b *testing.B) {
			gp := newGemmPool(threads)
			defer gp.close()
			var tFC, tStream time.Duration
			for b.Loop() {
				t0 := time.Now()
				sgemv(gp, m, k, w, k, x, y, epilogue{bias: bias, relu: true})
				t1 := time.Now()
				if threads == 1 {
					stream()
				} else {
					streamParallel(w, threads)
				}
				tFC += t1.Sub(t0)
				tStream += time.Since(t1)
			}
			bytes := float64(4 * m * k)
			b.ReportMetric(bytes/(tFC.Seconds()/float64(b.N))/1e9, "fc-GB/s")
			b.ReportMetric(bytes/(tStream.Seconds()/float64(b.N))/1e9, "stream-GB/s")
			b.ReportMetric(tFC.Seconds()/tStream.Seconds(), "fc/stream")
		})
	}
}

var sink float32

// streamParallel streams w through streamMax on threads goroutines.
func streamParallel(w []float32, threads int) {
	done := make(chan struct{})
	for t := 0; t < threads; t++ {
		go func(t int) {
			lo, hi := span(len(w), t, threads)
			m := streamMax(w[lo:hi])
			if m == 12345 {
				sink = m
			}
			done <- struct{}{}
		}(t)
	}
	for range threads {
		<-done
	}
}

// BenchmarkIm2col times the im2col layout of the zoo's strided first
// convolutions and of a fire module's 3×3 expand (one thread, no GEMM).
func BenchmarkIm2col(b *testing.B) {
	for _, g := range []convGeom{
		{cin: 3, h: 227, w: 227, cout: 96, kh: 7, kw: 7, sh: 2, sw: 2, dh: 1, dw: 1, group: 1},
		{cin: 3, h: 227, w: 227, cout: 96, kh: 11, kw: 11, sh: 4, sw: 4, dh: 1, dw: 1, group: 1},
		{cin: 3, h: 227, w: 227, cout: 64, kh: 3, kw: 3, sh: 2, sw: 2, dh: 1, dw: 1, group: 1},
		{cin: 16, h: 56, w: 56, cout: 64, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1, group: 1},
	} {
		g.finish()
		in := randSlice(1, g.cin*g.h*g.w)
		col := make([]float32, g.colRows*g.colCols)
		b.Run(fmt.Sprintf("k%d-s%d-c%d", g.kh, g.sh, g.cin), func(b *testing.B) {
			j := im2colJob{g: &g, in: in, col: col, oy0: 0, oy1: g.oh}
			for b.Loop() {
				j.run(0, 0, g.colRows)
			}
			b.ReportMetric(float64(len(col))*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gelem/s")
		})
	}
}
