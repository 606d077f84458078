package sim

// BenchmarkParkedMemory lives in this file, which sorts before the others,
// so that it runs first: the initial stack of a new goroutine is the
// average stack use seen at garbage collections (GODEBUG adaptivestackstart),
// and benchmarks with deeper goroutine stacks run earlier would raise it.

import (
	"runtime"
	"testing"
)

// parkedBytes returns the heap and stack bytes per parked process: P
// processes that each started and now wait on a timer far in the future.
func parkedBytes(b *testing.B, P int, opts ...Option) (heap, stack float64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&before)
	env := NewEnv(opts...)
	for range P {
		env.Process("parked", func(p *Proc) error { return p.Sleep(1e9) })
	}
	if err := env.RunUntil(1); err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(env)
	env.Close()
	return (float64(after.HeapInuse) - float64(before.HeapInuse)) / float64(P),
		(float64(after.StackInuse) - float64(before.StackInuse)) / float64(P)
}

// BenchmarkParkedMemory reports the memory (heap and goroutine stack) per
// parked process at P = 100,000 (with goroutines: -sim.all). The stack is
// Go's initial goroutine stack, which the runtime adapts to the average
// stack use seen at garbage collections (GODEBUG=adaptivestackstart): 2 KiB
// here, 4 KiB in a program whose goroutines use more than about 1.1 KiB of
// stack on average (GODEBUG=adaptivestackstart=0 keeps it at 2 KiB).
func BenchmarkParkedMemory(b *testing.B) {
	for _, c := range []struct {
		name string
		opts []Option
	}{{"coroutine", nil}, {"goroutine", []Option{withGoroutines()}}} {
		b.Run(c.name, func(b *testing.B) {
			if c.opts != nil {
				slow(b)
			}
			var heap, stack float64
			for b.Loop() {
				heap, stack = parkedBytes(b, 100_000, c.opts...)
			}
			b.ReportMetric(heap+stack, "B/process")
			b.ReportMetric(heap, "heap-B/process")
			b.ReportMetric(stack, "stack-B/process")
		})
	}
}
