package sim

import (
	"errors"
	"fmt"
	"math"
)

// Priority orders events scheduled for the same time: all Urgent events at a
// time are processed before the Normal ones, and events of equal time and
// priority in the order they were scheduled.
type Priority uint8

const (
	// Urgent is the priority of process starts and interrupts.
	Urgent Priority = 0
	// Normal is the priority of every other event.
	Normal Priority = 1
)

// ErrNoEvents is returned by Step when no event is scheduled.
var ErrNoEvents = errors.New("sim: no scheduled events")

// ErrClosed is returned by Step, Run and RunUntil after Close.
var ErrClosed = errors.New("sim: environment closed")

// Option configures an Env; see NewEnv.
type Option func(*Env)

// WithTracer installs t as the Env's tracer: Begin and End on the Env forward
// to it. Without a tracer they do nothing.
func WithTracer(t Tracer) Option { return func(e *Env) { e.tracer = t } }

// WithStart sets the initial simulation time (0 by default).
// It panics if t is negative, NaN or infinite.
func WithStart(t float64) Option {
	checkTime(t, "start time")
	return func(e *Env) { e.now = t }
}

// withGoroutines makes the Env run processes as goroutines with channel
// hand-off instead of iter.Pull coroutines. It exists only for the comparison
// benchmarks and tests (BenchmarkTimeoutsProcessGoroutine and friends): the
// coroutine mechanism is faster, see doc.go.
func withGoroutines() Option { return func(e *Env) { e.goroutines = true } }

// Env is a simulation environment: a clock, a queue of scheduled events and
// the processes that wait on them. Its methods must be called from one
// goroutine at a time: the one that calls Run, Step or RunUntil, or a process
// body while it runs (the kernel runs exactly one process at a time).
type Env struct {
	now  float64
	heap []entry // 4-ary min-heap ordered by (t, key)
	seq  uint64  // last sequence number handed out
	// stale counts heap entries whose event was cancelled (lazy deletion).
	stale int

	active *Process   // the process running now, nil in the kernel
	live   []*Process // processes started and not finished, for Close
	pool   []*coro    // idle coroutines kept for reuse
	free   []*Event   // recycled events of kindCallback

	err     error // sticky: the error that stopped the run
	closed  bool
	running bool // inside Step

	goroutines bool
	back       chan struct{} // goroutine mechanism: process → kernel hand-off

	tracer Tracer
}

// entry is one scheduled item: 24 bytes, so that the four children of a
// node span 96 bytes (two cache lines) in the 4-ary heap.
type entry struct {
	t   float64
	key uint64 // priority<<63 | sequence number; never 0
	ev  *Event
}

func (a *entry) less(b *entry) bool {
	return a.t < b.t || (a.t == b.t && a.key < b.key)
}

// NewEnv returns an Env at time 0 (or WithStart's time) with no events.
func NewEnv(opts ...Option) *Env {
	e := &Env{}
	for _, o := range opts {
		o(e)
	}
	if e.goroutines {
		e.back = make(chan struct{})
	}
	return e
}

// Now returns the current simulation time in seconds.
func (e *Env) Now() float64 { return e.now }

// Peek returns the time of the next scheduled event, or +Inf if there is none.
func (e *Env) Peek() float64 {
	e.dropStale()
	if len(e.heap) == 0 {
		return math.Inf(1)
	}
	return e.heap[0].t
}

// Pending returns the number of scheduled events, cancelled ones excluded.
func (e *Env) Pending() int { return len(e.heap) - e.stale }

// checkTime panics if t is not a finite, non-negative number.
func checkTime(t float64, what string) {
	if !(t >= 0) || math.IsInf(t, 1) {
		panic(fmt.Sprintf("sim: %s %v is negative, NaN or infinite", what, t))
	}
}

// push schedules ev at time t with priority prio and returns its key. The
// caller stores the key in ev.key; an entry whose key differs from its
// event's key is stale and skipped when popped.
func (e *Env) push(t float64, prio Priority, ev *Event) uint64 {
	e.seq++
	key := uint64(prio)<<63 | e.seq
	x := entry{t: t, key: key, ev: ev}
	h := append(e.heap, x)
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) >> 2
		if !x.less(&h[p]) {
			break
		}
		h[i] = h[p]
		i = p
	}
	h[i] = x
	e.heap = h
	return key
}

// pop removes and returns the first entry. The heap must not be empty.
func (e *Env) pop() entry {
	h := e.heap
	top := h[0]
	n := len(h) - 1
	last := h[n]
	h[n] = entry{}
	h = h[:n]
	if n > 0 {
		i := 0
		for {
			c := 4*i + 1
			if c >= n {
				break
			}
			m := c
			end := c + 4
			if end > n {
				end = n
			}
			for j := c + 1; j < end; j++ {
				if h[j].less(&h[m]) {
					m = j
				}
			}
			if !h[m].less(&last) {
				break
			}
			h[i] = h[m]
			i = m
		}
		h[i] = last
	}
	e.heap = h
	return top
}

// dropStale pops cancelled entries off the top of the heap.
func (e *Env) dropStale() {
	for len(e.heap) > 0 && e.heap[0].key != e.heap[0].ev.key {
		e.pop()
		e.stale--
	}
}

// compact rebuilds the heap without its cancelled entries. It runs when more
// than half the heap is stale, so cancelling costs O(1) amortized.
func (e *Env) compact() {
	h := e.heap[:0]
	for _, x := range e.heap {
		if x.key == x.ev.key {
			h = append(h, x)
		}
	}
	clear(e.heap[len(h):])
	e.heap = h
	e.stale = 0
	// Heapify bottom-up; sift down each internal node.
	n := len(h)
	for s := (n - 2) / 4; s >= 0 && n > 1; s-- {
		x := h[s]
		i := s
		for {
			c := 4*i + 1
			if c >= n {
				break
			}
			m := c
			end := min(c+4, n)
			for j := c + 1; j < end; j++ {
				if h[j].less(&h[m]) {
					m = j
				}
			}
			if !h[m].less(&x) {
				break
			}
			h[i] = h[m]
			i = m
		}
		h[i] = x
	}
}

// cancelEntry marks ev's heap entry stale.
func (e *Env) cancelEntry(ev *Event) {
	ev.key = 0
	e.stale++
	if e.stale > 64 && e.stale > len(e.heap)/2 {
		e.compact()
	}
}

// Schedule calls fn at Now()+delay with Normal priority, from the kernel (not
// inside a process). It is the allocation-free callback style: fn may
// schedule further callbacks, trigger events and start processes, but must
// not block. It panics if delay is negative, NaN or infinite, or fn is nil.
func (e *Env) Schedule(delay float64, fn func()) {
	e.SchedulePriority(delay, Normal, fn)
}

// SchedulePriority is Schedule with an explicit priority.
func (e *Env) SchedulePriority(delay float64, prio Priority, fn func()) {
	checkTime(delay, "delay")
	if fn == nil {
		panic("sim: Schedule with nil func")
	}
	var ev *Event
	if n := len(e.free); n > 0 {
		ev = e.free[n-1]
		e.free = e.free[:n-1]
	} else {
		ev = &Event{env: e, kind: kindCallback}
	}
	ev.fn = fn
	ev.key = e.push(e.now+delay, prio, ev)
}

// Step processes the next scheduled event. It returns ErrNoEvents if there
// is none, and the error that stopped the simulation if an event failed
// unhandled or a process panicked; once Step has returned such an error it
// returns it on every later call. It panics if called from inside a process.
func (e *Env) Step() error {
	if e.err != nil {
		return e.err
	}
	if e.running {
		panic("sim: Step, Run or RunUntil called from inside a process or callback")
	}
	for {
		if len(e.heap) == 0 {
			return ErrNoEvents
		}
		x := e.pop()
		ev := x.ev
		if x.key != ev.key {
			e.stale--
			continue
		}
		e.now = x.t
		e.running = true
		e.fire(ev)
		e.running = false
		return e.err
	}
}

// fire processes one popped event.
func (e *Env) fire(ev *Event) {
	switch ev.kind {
	case kindTimer:
		// A process's own timer: its only waiter is the process.
		ev.key = 0
		p := ev.w0.proc
		p.target, p.rval, p.rerr = nil, nil, nil
		e.resume(p)
	case kindCallback:
		fn := ev.fn
		ev.fn = nil
		ev.key = 0
		e.free = append(e.free, ev)
		fn()
	case kindInterrupt:
		e.interrupt(ev)
	default:
		e.processEvent(ev)
	}
}

// Run processes events until none is left, or until an event fails
// unhandled or a process panics, whose error it returns. Now stays at the
// time of the last event processed.
func (e *Env) Run() error {
	for {
		err := e.Step()
		if err == ErrNoEvents {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// RunUntil processes every event scheduled strictly before t, then sets Now
// to t. Events at exactly t stay scheduled, so RunUntil(t1) followed by
// RunUntil(t2) processes each event once. It returns early with the error
// that stopped the simulation, as Run does. It panics if t is NaN or before
// Now; RunUntil(+Inf) is Run.
func (e *Env) RunUntil(t float64) error {
	if math.IsNaN(t) || t < e.now {
		panic(fmt.Sprintf("sim: RunUntil(%v) before Now %v", t, e.now))
	}
	if math.IsInf(t, 1) {
		return e.Run()
	}
	for {
		if e.err != nil {
			return e.err
		}
		if e.Peek() >= t {
			break
		}
		if err := e.Step(); err != nil {
			return err
		}
	}
	e.now = t
	return nil
}

// stop records the first error that stops the simulation.
func (e *Env) stop(err error) {
	if e.err == nil {
		e.err = err
	}
}

// Close ends every process that has not finished, running the deferred calls
// of its body, and releases the goroutines behind them. Call it (typically
// deferred) when done with an Env whose processes may still be waiting;
// otherwise they stay parked and keep the Env reachable. Afterwards Step,
// Run and RunUntil return ErrClosed. Close is idempotent; it panics if
// called from inside a process.
func (e *Env) Close() {
	if e.running {
		panic("sim: Close called from inside a process or callback")
	}
	if e.closed {
		return
	}
	e.closed = true
	e.stop(ErrClosed)
	e.running = true
	for len(e.live) > 0 {
		p := e.live[len(e.live)-1]
		p.kill()
	}
	for _, c := range e.pool {
		c.close()
	}
	e.pool = nil
	e.running = false
	clear(e.heap)
	e.heap = nil
	e.free = nil
}
