package sim

// The standard kernel benchmarks of ../shared/bench/DES.md: B1 timeouts (in
// process style, in callback style, and as a bare heap loop for the ratio),
// B2 mmc and B3 pingpong, each also with goroutine hand-off instead of
// iter.Pull coroutines for comparison. One benchmark iteration runs the
// whole defined workload, so -benchtime 1x runs it once.

import (
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"runtime"
	"syscall"
	"testing"
	"time"
)

var b1Sizes = []int{100, 10_000, 100_000}

const (
	b1Events = 2_000_000
	b1Seed   = 42
)

// b1Rand returns process i's stream: seeded from (seed 42, index i).
func b1Rand(i int) *rand.Rand {
	return rand.New(rand.NewPCG(DeriveSeed(b1Seed, uint64(i)), 0))
}

// b1Check applies DES.md's checks: events within 1 % of 2,000,000 and time
// never decreasing.
func b1Check(b *testing.B, events int, monotone bool) {
	b.Helper()
	if math.Abs(float64(events)-b1Events) > 0.01*b1Events {
		b.Fatalf("processed %d timeout events, want 2,000,000 ± 1%%", events)
	}
	if !monotone {
		b.Fatal("simulation time decreased")
	}
}

// reportRate reports n per wall-clock second as unit. The machine is
// shared, so benchmarks also report the rate per CPU-second of this process
// (user+system, GC included) as "cpu-"+unit, which other processes' load
// disturbs much less; see cpuClock.
func reportRate(b *testing.B, n int, unit string, elapsed time.Duration) {
	b.ReportMetric(float64(n)/elapsed.Seconds(), unit)
}

// cpuClock measures the CPU time this process spends between start and
// stop (all threads: the kernel's and the GC's).
type cpuClock struct{ t0, total time.Duration }

func cpuNow() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func (c *cpuClock) start() { c.t0 = cpuNow() }
func (c *cpuClock) stop()  { c.total += cpuNow() - c.t0 }

func (c *cpuClock) report(b *testing.B, n int, unit string) {
	if c.total > 0 {
		b.ReportMetric(float64(n)/c.total.Seconds(), "cpu-"+unit)
	}
}

// runB1Process runs B1 with P processes in process style.
func runB1Process(b *testing.B, P int, opts ...Option) (events int, monotone bool) {
	env := NewEnv(opts...)
	defer env.Close()
	last := 0.0
	monotone = true
	for i := range P {
		rng := b1Rand(i)
		env.Process("hold", func(p *Proc) error {
			for {
				if err := p.Sleep(rng.ExpFloat64()); err != nil {
					return err
				}
				now := p.Now()
				if now < last {
					monotone = false
				}
				last = now
				events++
			}
		})
	}
	if err := env.RunUntil(b1Events / float64(P)); err != nil {
		b.Fatal(err)
	}
	return events, monotone
}

func benchB1Process(b *testing.B, opts ...Option) {
	for _, P := range b1Sizes {
		b.Run(fmt.Sprintf("P=%d", P), func(b *testing.B) {
			var events int
			var elapsed time.Duration
			var cpu cpuClock
			for b.Loop() {
				cpu.start()
				start := time.Now()
				n, mono := runB1Process(b, P, opts...)
				elapsed += time.Since(start)
				cpu.stop()
				b1Check(b, n, mono)
				events += n
			}
			reportRate(b, events, "events/s", elapsed)
			cpu.report(b, events, "events/s")
		})
	}
}

// BenchmarkTimeoutsProcess is B1 with one process per hold loop (iter.Pull
// coroutines, the kernel's mechanism).
func BenchmarkTimeoutsProcess(b *testing.B) { benchB1Process(b) }

// BenchmarkTimeoutsProcessGoroutine is B1 in process style with goroutine
// hand-off instead of coroutines, for comparison.
func BenchmarkTimeoutsProcessGoroutine(b *testing.B) { benchB1Process(b, withGoroutines()) }

// BenchmarkTimeoutsCallback is B1 with plain event callbacks (Env.Schedule).
func BenchmarkTimeoutsCallback(b *testing.B) {
	for _, P := range b1Sizes {
		b.Run(fmt.Sprintf("P=%d", P), func(b *testing.B) {
			var events int
			var elapsed time.Duration
			var cpu cpuClock
			for b.Loop() {
				cpu.start()
				start := time.Now()
				env := NewEnv()
				n := 0
				last := 0.0
				mono := true
				for i := range P {
					rng := b1Rand(i)
					var hold func()
					hold = func() {
						now := env.Now()
						if now < last {
							mono = false
						}
						last = now
						n++
						env.Schedule(rng.ExpFloat64(), hold)
					}
					env.Schedule(rng.ExpFloat64(), hold)
				}
				if err := env.RunUntil(b1Events / float64(P)); err != nil {
					b.Fatal(err)
				}
				elapsed += time.Since(start)
				cpu.stop()
				b1Check(b, n, mono)
				events += n
			}
			reportRate(b, events, "events/s", elapsed)
			cpu.report(b, events, "events/s")
		})
	}
}

// bareItem and bareHeap are the "minimal Go callback kernel on a binary heap"
// of DES.md: no events, no processes, just (time, index) pairs.
type bareItem struct {
	t float64
	i int
}

type bareHeap []bareItem

func (h *bareHeap) push(x bareItem) {
	q := append(*h, x)
	i := len(q) - 1
	for i > 0 {
		p := (i - 1) / 2
		if q[p].t <= x.t {
			break
		}
		q[i] = q[p]
		i = p
	}
	q[i] = x
	*h = q
}

func (h *bareHeap) pop() bareItem {
	q := *h
	top := q[0]
	n := len(q) - 1
	last := q[n]
	q = q[:n]
	i := 0
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		if c+1 < n && q[c+1].t < q[c].t {
			c++
		}
		if last.t <= q[c].t {
			break
		}
		q[i] = q[c]
		i = c
	}
	if n > 0 {
		q[i] = last
	}
	*h = q
	return top
}

// BenchmarkBareHeap is B1 as a bare binary-heap loop, the ceiling for the
// callback style.
func BenchmarkBareHeap(b *testing.B) {
	for _, P := range b1Sizes {
		b.Run(fmt.Sprintf("P=%d", P), func(b *testing.B) {
			var events int
			var elapsed time.Duration
			var cpu cpuClock
			for b.Loop() {
				cpu.start()
				start := time.Now()
				rngs := make([]*rand.Rand, P)
				h := make(bareHeap, 0, P)
				for i := range P {
					rngs[i] = b1Rand(i)
					h.push(bareItem{rngs[i].ExpFloat64(), i})
				}
				T := b1Events / float64(P)
				n := 0
				last := 0.0
				mono := true
				for len(h) > 0 && h[0].t < T {
					x := h.pop()
					if x.t < last {
						mono = false
					}
					last = x.t
					n++
					h.push(bareItem{x.t + rngs[x.i].ExpFloat64(), x.i})
				}
				elapsed += time.Since(start)
				cpu.stop()
				b1Check(b, n, mono)
				events += n
			}
			reportRate(b, events, "events/s", elapsed)
			cpu.report(b, events, "events/s")
		})
	}
}

// BenchmarkSleep measures one Sleep round trip of a single process in steady
// state; it must report 0 allocs/op.
func BenchmarkSleep(b *testing.B) {
	env := NewEnv()
	defer env.Close()
	n := 0
	env.Process("sleeper", func(p *Proc) error {
		for {
			if err := p.Sleep(1); err != nil {
				return err
			}
			n++
		}
	})
	if err := env.Step(); err != nil { // start the process
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := env.Step(); err != nil {
			b.Fatal(err)
		}
	}
	if n == 0 {
		b.Fatal("no sleep completed")
	}
}

// BenchmarkSchedule measures one callback round trip in steady state; it
// must report 0 allocs/op.
func BenchmarkSchedule(b *testing.B) {
	env := NewEnv()
	var fn func()
	fn = func() { env.Schedule(1, fn) }
	env.Schedule(1, fn)
	b.ReportAllocs()
	for b.Loop() {
		if err := env.Step(); err != nil {
			b.Fatal(err)
		}
	}
}

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
// parked process at P = 100,000.
func BenchmarkParkedMemory(b *testing.B) {
	for _, c := range []struct {
		name string
		opts []Option
	}{{"coroutine", nil}, {"goroutine", []Option{withGoroutines()}}} {
		b.Run(c.name, func(b *testing.B) {
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

// BenchmarkMinimalPull is the "minimal Go kernel with iter.Pull coroutines"
// of DES.md's anchor table, rebuilt here so that the process-style figures
// can be read as ratios to it in the same run: a binary heap of (time,
// index) and one iter.Pull per process that yields its next delay.
func BenchmarkMinimalPull(b *testing.B) {
	for _, P := range b1Sizes {
		b.Run(fmt.Sprintf("P=%d", P), func(b *testing.B) {
			var events int
			var elapsed time.Duration
			var cpu cpuClock
			for b.Loop() {
				cpu.start()
				start := time.Now()
				nexts := make([]func() (float64, bool), P)
				stops := make([]func(), P)
				h := make(bareHeap, 0, P)
				for i := range P {
					rng := b1Rand(i)
					nexts[i], stops[i] = iter.Pull(func(yield func(float64) bool) {
						for yield(rng.ExpFloat64()) {
						}
					})
					d, _ := nexts[i]()
					h.push(bareItem{d, i})
				}
				T := b1Events / float64(P)
				n := 0
				last := 0.0
				mono := true
				for h[0].t < T {
					x := h.pop()
					if x.t < last {
						mono = false
					}
					last = x.t
					n++
					d, _ := nexts[x.i]()
					h.push(bareItem{x.t + d, x.i})
				}
				elapsed += time.Since(start)
				cpu.stop()
				for _, stop := range stops {
					stop()
				}
				b1Check(b, n, mono)
				events += n
			}
			reportRate(b, events, "events/s", elapsed)
			cpu.report(b, events, "events/s")
		})
	}
}

const (
	b2Customers = 200_000
	b2Servers   = 4
	b2Lambda    = 3.6
	b2WqTheory  = 1.9694 // Erlang C, see TestErlangCValues
)

func benchMMC(b *testing.B, opts ...Option) {
	var customers int
	var elapsed time.Duration
	var cpu cpuClock
	var wait float64
	for b.Loop() {
		cpu.start()
		start := time.Now()
		r := runMMC(42, b2Servers, b2Lambda, 1, b2Customers, 0, opts...)
		elapsed += time.Since(start)
		cpu.stop()
		if r.served != b2Customers {
			b.Fatalf("served %d customers, want %d", r.served, b2Customers)
		}
		wait = r.waits.Mean()
		if math.Abs(wait-b2WqTheory) > 0.1*b2WqTheory {
			b.Fatalf("mean wait %.4f, want Erlang-C %.4f ± 10%%", wait, b2WqTheory)
		}
		customers += r.served
	}
	reportRate(b, customers, "customers/s", elapsed)
	cpu.report(b, customers, "customers/s")
	b.ReportMetric(wait, "wait-s")
}

// BenchmarkMMC is B2: an M/M/4 queue at ρ = 0.9 with one process per
// customer, 200,000 customers.
func BenchmarkMMC(b *testing.B) { benchMMC(b) }

// BenchmarkMMCGoroutine is B2 with goroutine hand-off.
func BenchmarkMMCGoroutine(b *testing.B) { benchMMC(b, withGoroutines()) }

const b3Exchanges = 1_000_000

// runPingPong is B3 with zero simulated delay: A triggers an event B waits
// for, then B triggers one A waits for, b3Exchanges times. Each side owns
// one event and resets it (Event.Reset) once it has been woken by it, so no
// hand-off allocates; with fresh set, every hand-off makes a new event
// instead.
func runPingPong(b *testing.B, fresh bool, opts ...Option) int {
	env := NewEnv(opts...)
	defer env.Close()
	toA, toB := env.NewEvent(), env.NewEvent()
	renew := func(ev **Event) {
		if fresh {
			*ev = env.NewEvent()
		} else {
			(*ev).Reset()
		}
	}
	exchanges := 0
	env.Process("A", func(p *Proc) error {
		for range b3Exchanges {
			mine := toA
			toB.Succeed(nil)
			if _, err := p.Wait(mine); err != nil {
				return err
			}
			renew(&toA)
		}
		return nil
	})
	env.Process("B", func(p *Proc) error {
		for {
			if _, err := p.Wait(toB); err != nil {
				return err
			}
			exchanges++
			renew(&toB)
			toA.Succeed(nil)
		}
	})
	if err := env.Run(); err != nil {
		b.Fatal(err)
	}
	if env.Now() != 0 {
		b.Fatalf("pingpong moved the clock to %v", env.Now())
	}
	return exchanges
}

func benchPingPong(b *testing.B, fresh bool, opts ...Option) {
	var n int
	var elapsed time.Duration
	var cpu cpuClock
	for b.Loop() {
		cpu.start()
		start := time.Now()
		got := runPingPong(b, fresh, opts...)
		elapsed += time.Since(start)
		cpu.stop()
		if got != b3Exchanges {
			b.Fatalf("%d exchanges, want %d", got, b3Exchanges)
		}
		n += got
	}
	reportRate(b, n, "exchanges/s", elapsed)
	cpu.report(b, n, "exchanges/s")
}

// BenchmarkPingPong is B3: 1,000,000 exchanges between two processes with
// zero simulated delay, each side reusing its event.
func BenchmarkPingPong(b *testing.B) { benchPingPong(b, false) }

// BenchmarkPingPongNewEvents is B3 with a new event per hand-off.
func BenchmarkPingPongNewEvents(b *testing.B) { benchPingPong(b, true) }

// BenchmarkPingPongGoroutine is B3 with goroutine hand-off.
func BenchmarkPingPongGoroutine(b *testing.B) { benchPingPong(b, false, withGoroutines()) }

// BenchmarkMinimalPingPong is B3 on the minimal iter.Pull kernel: two
// coroutines resumed alternately by a bare loop, with no events. It is the
// ceiling for BenchmarkPingPong in the same run.
func BenchmarkMinimalPingPong(b *testing.B) {
	var n int
	var elapsed time.Duration
	var cpu cpuClock
	for b.Loop() {
		cpu.start()
		start := time.Now()
		exchanges := 0
		side := func(count bool) func(yield func(int) bool) {
			return func(yield func(int) bool) {
				for {
					if count {
						exchanges++
					}
					if !yield(0) {
						return
					}
				}
			}
		}
		nextA, stopA := iter.Pull(side(false))
		nextB, stopB := iter.Pull(side(true))
		for range b3Exchanges {
			nextA()
			nextB()
		}
		stopA()
		stopB()
		elapsed += time.Since(start)
		cpu.stop()
		if exchanges != b3Exchanges {
			b.Fatalf("%d exchanges", exchanges)
		}
		n += exchanges
	}
	reportRate(b, n, "exchanges/s", elapsed)
	cpu.report(b, n, "exchanges/s")
}
