package models

import (
	"runtime"
	"testing"
	"time"
)

// TestCloseStopsWorkers: Executor.Close stops every worker goroutine,
// whether they are still spinning after a Forward or already parked.
func TestCloseStopsWorkers(t *testing.T) {
	net := must(Zoo("squeezenet-v1.1")).WithSeededWeights(1)
	in := randSlice(1, numel(net.InputShape()))
	before := runtime.NumGoroutine()
	for _, threads := range []int{2, 3} {
		for _, pause := range []time.Duration{0, 20 * time.Millisecond} {
			ex := NewExecutor(net, threads)
			if _, err := ex.Forward(in); err != nil {
				t.Fatal(err)
			}
			time.Sleep(pause) // 0: close while the workers spin; else parked
			ex.Close()
			ex.Close() // idempotent
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after closing 4 executors, %d before", n, before)
	}
}

// TestIdleExecutorParks: the workers spin only briefly (gemm.Spin, 50 µs)
// after a job, so an open executor that is not running Forward uses no CPU.
// A worker left spinning would burn about the whole sleep (one CPU-second
// per second); the bound is a third of that, so scheduling noise cannot
// fail the test.
func TestIdleExecutorParks(t *testing.T) {
	if testing.Short() {
		t.Skip("sleeps")
	}
	net := must(Zoo("squeezenet-v1.1")).WithSeededWeights(1)
	in := randSlice(1, numel(net.InputShape()))
	ex := NewExecutor(net, 3) // two workers
	defer ex.Close()
	for range 3 {
		if _, err := ex.Forward(in); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(20 * time.Millisecond) // grace: 400× the spin
	const idle = 600 * time.Millisecond
	c0, ok := processCPU()
	if !ok {
		t.Skip("no process CPU time on this OS")
	}
	time.Sleep(idle)
	c1, _ := processCPU()
	if used := c1 - c0; used > idle/3 {
		t.Errorf("idle executor used %v of CPU in %v: workers still spinning", used, idle)
	}
}
