package sim

// The standard kernel benchmarks of ../shared/bench/DES.md, with reference
// kernels to read them as ratios measured in the same run (the machine is
// shared and noisy, so absolute rates drift by ±30 % from run to run):
//
//   - B1 timeouts at P = 100, 10,000 and 100,000 processes:
//     BenchmarkTimeoutsProcess (Proc.Sleep), BenchmarkTimeoutsCallback
//     (Env.Schedule), and the references BenchmarkBareHeap (a bare binary
//     heap loop, the ceiling of the callback style) and BenchmarkMinimalPull
//     (a minimal kernel with one iter.Pull coroutine per process, the
//     ceiling of the process style).
//   - B2 mmc: BenchmarkMMC, and the reference BenchmarkMinimalMMC (the same
//     model on a minimal iter.Pull kernel).
//   - B3 pingpong: BenchmarkPingPong (events reused with Event.Reset),
//     BenchmarkPingPongNewEvents, and the reference BenchmarkMinimalPingPong
//     (a bare pair of iter.Pull coroutines).
//   - Steady-state costs that must stay at 0 allocs/op: BenchmarkSleep,
//     BenchmarkSchedule, BenchmarkTimer; memory per parked process:
//     BenchmarkParkedMemory.
//   - The goroutine hand-off mechanism, for comparison:
//     BenchmarkTimeoutsProcessGoroutine, BenchmarkMMCGoroutine,
//     BenchmarkPingPongGoroutine.
//   - BenchmarkBreakdown (breakdown_bench_test.go): the cost of the parts an
//     event is made of (a coroutine switch, a heap operation, a cache miss)
//     at each P.
//
// One benchmark iteration runs the whole defined workload, so -benchtime 1x
// (the smoke run of .ci/run) runs each once. The slow comparison variants
// (all goroutine hand-off benchmarks, the reference kernels and the
// breakdown at P = 100,000) run only with -sim.all, which brings the smoke
// run of this package from about 60 s to 14–18 s on the shared 2-vCPU
// machine (depending on its load):
//
//	go test ./sim -run '^$' -bench . -benchtime 1x -sim.all
//
// Rates are reported per wall-clock second and per CPU-second of the test
// process (cpu-*, user+system, GC included), which other processes' load
// disturbs less. Compare two versions with benchstat over ≥ 6 interleaved
// runs, and read each rate against its reference from the same run.

import (
	"flag"
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"
)

var simAll = flag.Bool("sim.all", false, "also run the slow comparison benchmarks (goroutine hand-off, reference kernels at P = 100,000)")

// slow skips a comparison benchmark unless -sim.all is given.
func slow(b *testing.B) {
	b.Helper()
	if !*simAll {
		b.Skip("slow comparison benchmark: run with -sim.all")
	}
}

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
			if len(opts) > 0 {
				slow(b)
			}
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
// hand-off instead of coroutines, for comparison (-sim.all).
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

// BenchmarkTimer measures Timer in steady state; fire and reset must report
// 0 allocs/op.
//
//   - fire: a timer that resets itself from its own call (one Step each).
//   - reset: Reset of pending timers, 10,000 of them, as a link does when
//     its next flow completion moves (the replaced entries are dropped
//     lazily, compaction included).
//   - timeout-cancel: the same rescheduling done the old way, with
//     Env.Timeout, Event.AddCallback and Event.Cancel, for comparison.
func BenchmarkTimer(b *testing.B) {
	b.Run("fire", func(b *testing.B) {
		env := NewEnv()
		var t *Timer
		t = env.NewTimer(func() { t.Reset(1) })
		t.Reset(1)
		b.ReportAllocs()
		for b.Loop() {
			if err := env.Step(); err != nil {
				b.Fatal(err)
			}
		}
	})
	const n = 10_000
	b.Run("reset", func(b *testing.B) {
		env := NewEnv()
		timers := make([]*Timer, n)
		for i := range timers {
			timers[i] = env.NewTimer(func() {})
			timers[i].Reset(float64(i))
		}
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			timers[i%n].Reset(float64(i % 1000))
			i++
		}
	})
	b.Run("timeout-cancel", func(b *testing.B) {
		env := NewEnv()
		evs := make([]*Event, n)
		cb := func(*Event) {}
		for i := range evs {
			evs[i] = env.Timeout(float64(i))
			evs[i].AddCallback(cb)
		}
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			k := i % n
			evs[k].Cancel()
			evs[k] = env.Timeout(float64(i % 1000))
			evs[k].AddCallback(cb)
			i++
		}
	})
}

// BenchmarkMinimalPull is the "minimal Go kernel with iter.Pull coroutines"
// of DES.md's anchor table, rebuilt here so that the process-style figures
// can be read as ratios to it in the same run: a binary heap of (time,
// index) and one iter.Pull per process that yields its next delay.
func BenchmarkMinimalPull(b *testing.B) {
	for _, P := range b1Sizes {
		b.Run(fmt.Sprintf("P=%d", P), func(b *testing.B) {
			if P >= 100_000 {
				slow(b)
			}
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

// runB2 is B2 as DES.md defines it: a source process creates n customer
// processes with Exponential(lambda) inter-arrival times; each requests one
// of c servers, records its wait, holds the server for an Exponential(mu)
// service time and releases it. It returns the customers served and their
// mean wait. (runMMC, in theory_test.go, is the same model with the
// statistics the theory tests need.)
func runB2(seed uint64, c int, lambda, mu float64, n int, opts ...Option) (served int, meanWait float64) {
	env := NewEnv(opts...)
	defer env.Close()
	streams := NewStreams(seed)
	arrivals, service := streams.Stream("arrivals"), streams.Stream("service")
	res := NewResource(env, c)
	var waits float64
	customer := func(p *Proc) error {
		arrived := p.Now()
		req := res.Request()
		if _, err := p.Wait(req); err != nil {
			return err
		}
		waits += p.Now() - arrived
		served++
		err := p.Sleep(service.ExpFloat64() / mu)
		req.Release()
		return err
	}
	env.Process("source", func(p *Proc) error {
		for range n {
			if err := p.Sleep(arrivals.ExpFloat64() / lambda); err != nil {
				return err
			}
			env.Process("customer", customer)
		}
		return nil
	})
	if err := env.Run(); err != nil {
		panic(err)
	}
	return served, waits / float64(served)
}

func benchMMC(b *testing.B, opts ...Option) {
	timeMMC(b, func() (int, float64) { return runB2(42, b2Servers, b2Lambda, 1, b2Customers, opts...) })
}

// timeMMC runs B2 with run (served customers and their mean wait) once per
// iteration, checks the wait against Erlang-C, and reports customers/s.
func timeMMC(b *testing.B, run func() (int, float64)) {
	var customers int
	var elapsed time.Duration
	var cpu cpuClock
	var wait float64
	for b.Loop() {
		cpu.start()
		start := time.Now()
		served, w := run()
		elapsed += time.Since(start)
		cpu.stop()
		if served != b2Customers {
			b.Fatalf("served %d customers, want %d", served, b2Customers)
		}
		wait = w
		if math.Abs(wait-b2WqTheory) > 0.1*b2WqTheory {
			b.Fatalf("mean wait %.4f, want Erlang-C %.4f ± 10%%", wait, b2WqTheory)
		}
		customers += served
	}
	reportRate(b, customers, "customers/s", elapsed)
	cpu.report(b, customers, "customers/s")
	b.ReportMetric(wait, "wait-s")
}

// BenchmarkMMC is B2: an M/M/4 queue at ρ = 0.9 with one process per
// customer, 200,000 customers.
func BenchmarkMMC(b *testing.B) { benchMMC(b) }

// BenchmarkMMCGoroutine is B2 with goroutine hand-off (-sim.all).
func BenchmarkMMCGoroutine(b *testing.B) {
	slow(b)
	benchMMC(b, withGoroutines())
}

// BenchmarkMinimalMMC is B2 on a minimal kernel with iter.Pull coroutines,
// the reference for BenchmarkMMC in the same run: a binary heap of (time,
// sequence, process) wake-ups, one coroutine per process (recycled when a
// customer leaves, as the kernel does), processes that yield commands
// (sleep, acquire, release), a counter of free servers and a FIFO of
// waiting customers. No events, values, errors or interrupts.
func BenchmarkMinimalMMC(b *testing.B) {
	timeMMC(b, func() (int, float64) { return minimalMMC(42, b2Servers, b2Lambda, 1, b2Customers) })
}

// mmCmd is what a minimal-kernel process yields: sleep for d, acquire a
// server, release it, or done.
type mmCmd struct {
	op uint8
	d  float64
}

const (
	mmSleep = iota
	mmAcquire
	mmRelease
	mmDone
)

// mmWake is a heap entry of the minimal kernel: process i wakes at t; seq
// keeps FIFO order among equal times.
type mmWake struct {
	t   float64
	seq uint64
	i   int32
}

type mmHeap []mmWake

func (h mmHeap) less(a, b int) bool {
	return h[a].t < h[b].t || (h[a].t == h[b].t && h[a].seq < h[b].seq)
}

func (h *mmHeap) push(x mmWake) {
	*h = append(*h, x)
	q := *h
	for i := len(q) - 1; i > 0; {
		p := (i - 1) / 2
		if !q.less(i, p) {
			break
		}
		q[i], q[p] = q[p], q[i]
		i = p
	}
}

func (h *mmHeap) pop() mmWake {
	q := *h
	top := q[0]
	n := len(q) - 1
	q[0] = q[n]
	q = q[:n]
	for i := 0; ; {
		c := 2*i + 1
		if c >= n {
			break
		}
		if c+1 < n && q.less(c+1, c) {
			c++
		}
		if !q.less(c, i) {
			break
		}
		q[i], q[c] = q[c], q[i]
		i = c
	}
	*h = q
	return top
}

// minimalMMC runs B2 on the minimal kernel and returns the customers served
// and their mean wait.
func minimalMMC(seed uint64, c int, lambda, mu float64, n int) (served int, meanWait float64) {
	streams := NewStreams(seed)
	arrivals, service := streams.Stream("arrivals"), streams.Stream("service")
	var (
		now     float64
		seq     uint64
		h       mmHeap
		free    = c
		queue   []int32 // waiting processes, FIFO
		waitSum float64
		next    []func() (mmCmd, bool)
		stops   []func()
		idle    []int32 // coroutines whose customer left
	)
	// A customer coroutine serves one customer after another.
	customer := func(yield func(mmCmd) bool) {
		for {
			arrived := now
			if !yield(mmCmd{op: mmAcquire}) {
				return
			}
			waitSum += now - arrived
			served++
			if !yield(mmCmd{op: mmSleep, d: service.ExpFloat64() / mu}) {
				return
			}
			if !yield(mmCmd{op: mmRelease}) || !yield(mmCmd{op: mmDone}) {
				return
			}
		}
	}
	spawn := func() int32 {
		if k := len(idle); k > 0 {
			i := idle[k-1]
			idle = idle[:k-1]
			return i
		}
		nx, st := iter.Pull(customer)
		next, stops = append(next, nx), append(stops, st)
		return int32(len(next) - 1)
	}
	wake := func(i int32, t float64) {
		seq++
		h.push(mmWake{t, seq, i})
	}
	source := func(yield func(mmCmd) bool) {
		for range n {
			if !yield(mmCmd{op: mmSleep, d: arrivals.ExpFloat64() / lambda}) {
				return
			}
			wake(spawn(), now)
		}
	}
	nx, st := iter.Pull(source)
	next, stops = append(next, nx), append(stops, st)
	wake(0, 0)
	for len(h) > 0 {
		w := h.pop()
		now = w.t
		// Run process w.i until it sleeps, blocks or leaves.
		for i := w.i; ; {
			cmd, ok := next[i]()
			if !ok {
				break
			}
			switch cmd.op {
			case mmSleep:
				wake(i, now+cmd.d)
			case mmAcquire:
				if free > 0 {
					free--
					continue
				}
				queue = append(queue, i)
			case mmRelease:
				if len(queue) > 0 {
					wake(queue[0], now)
					queue = queue[1:]
				} else {
					free++
				}
				continue
			case mmDone:
				idle = append(idle, i)
			}
			break
		}
	}
	for _, st := range stops {
		st()
	}
	return served, waitSum / float64(served)
}

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

// BenchmarkPingPongGoroutine is B3 with goroutine hand-off (-sim.all).
func BenchmarkPingPongGoroutine(b *testing.B) {
	slow(b)
	benchPingPong(b, false, withGoroutines())
}

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
