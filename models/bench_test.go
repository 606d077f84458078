package models

import (
	"flag"
	"fmt"
	"testing"
	"time"
)

// BenchmarkForward times one batch-1 forward pass of each zoo model with
// seeded weights, at 1 and 2 threads, and reports ms/op, GFLOP/s and
// allocations. Compare with PyTorch side by side (BENCHMARKS.md).
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
				if _, err := ex.Forward(in); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					ex.Forward(in)
				}
				per := b.Elapsed().Seconds() / float64(b.N)
				b.ReportMetric(per*1e3, "ms/op")
				b.ReportMetric(float64(n.FLOPs())/per/1e9, "GFLOP/s")
			})
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
