package sim

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"unsafe"
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
// the processes that wait on them; make one with NewEnv. Its methods must be called from one
// goroutine at a time: the one that calls Run, Step or RunUntil, or a process
// body while it runs (the kernel runs exactly one process at a time).
type Env struct {
	now float64
	// heap is a 4-ary min-heap of entries ordered by (t, k), viewed as
	// heap[heapPad:] so that the four children of a node share one 64-byte
	// cache line.
	heap  []entry
	seq   uint32    // last sequence number handed out (31 bits)
	slots []slotRec // what each entry schedules, by entry.s; slot 0 unused
	free  []uint32  // free slot numbers
	// stale counts entries whose slot was cancelled (lazy deletion).
	stale int
	// taken means the root entry is being processed: its slot is freed but
	// the entry is still in place, so that the first push while processing
	// replaces it (one sift instead of a pop and a push: the "hold" fast
	// path, see BenchmarkTimeoutsCallback). settle removes it otherwise.
	taken bool
	// limit is the time bound (IEEE-754 bits) of the Run or RunUntil in
	// progress, 0 outside them and during Step: while it is set, a process
	// that parks serves the queue itself (see serve).
	limit uint64
	count uint64 // events processed, for Processed
	nest  int    // > 0 while a process resumed by another process runs

	active *Process   // the process running now, nil in the kernel
	live   []*Process // processes started and not finished, for Close
	pool   []*coro    // idle coroutines kept for reuse
	// reqFree holds recycled requests (Request.Recycle) for newRequest.
	reqFree []*Request

	err     error // sticky: the error that stopped the run
	closed  bool
	running bool // inside Step

	goroutines bool
	back       chan struct{} // goroutine mechanism: process → kernel hand-off

	tracer Tracer
}

// entry is one scheduled item, 16 bytes: tb is the time's IEEE-754 bits
// (for times ≥ +0 their order as integers is the order of the times), ks
// packs the priority (bit 63), the sequence number (bits 32–62) and the
// slot holding what to do (bits 0–31). So (tb, ks) compares as one 128-bit
// integer in the order (time, priority, sequence), without branches.
type entry struct {
	tb uint64
	ks uint64
}

func (x *entry) t() float64 { return math.Float64frombits(x.tb) }
func (x *entry) s() uint32  { return uint32(x.ks) }

// A slot holds what an entry schedules, one of:
//
//   - *Event: an event to process;
//   - *Timer: a Timer to fire;
//   - func(): a Schedule callback;
//   - *Process: a process to start (or, with goroutines, to wake from Sleep);
//   - resumeFunc: the coroutine resume function of a process in Sleep, so
//     that the kernel switches to the process without reading the process
//     itself first (that cache miss would stall the switch; after it, it
//     overlaps with the process's own). The process knows its entry by its
//     slot number (Process.tslot) and makes itself active once resumed.
//
// nil means the entry was cancelled. One interface value (16 bytes) per
// slot, with its prefetch hint a 32-byte row (slotRec), keeps the table
// small: it is read once per event, at random when many events are pending.
type slot = any

// slotRec is one row of the slot table: what the entry schedules and, if it
// ends a process's Sleep, where that process keeps its memory, for wake to
// prefetch (see prefetchNext). The hint sits beside the slot so that one
// cache line serves both; a stale hint is harmless. 32 bytes, so two rows
// share a cache line and none straddles two.
type slotRec struct {
	v    slot
	hint hint
}

// resumeFunc is the type of an iter.Pull coroutine's next function.
type resumeFunc = func() (struct{}, bool)

const (
	heapPad = 3 // entries before the root, for cache-line alignment
	seqMask = 1<<31 - 1
)

// less reports whether a comes before b.
func (a *entry) less(b *entry) bool { return borrow(a, b) != 0 }

// borrow is 1 if a comes before b and 0 otherwise: the borrow of the 128-bit
// subtraction a − b, computed without branches.
func borrow(a, b *entry) uint64 {
	_, c := bits.Sub64(a.ks, b.ks, 0)
	_, c = bits.Sub64(a.tb, b.tb, c)
	return c
}

// NewEnv returns an Env at time 0 (or WithStart's time) with no events.
func NewEnv(opts ...Option) *Env {
	e := &Env{heap: make([]entry, heapPad, 64), slots: make([]slotRec, 1, 64)}
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
	e.settle()
	e.dropStale()
	if len(e.heap) == heapPad {
		return math.Inf(1)
	}
	return e.heap[heapPad].t()
}

// Pending returns the number of scheduled events, cancelled ones excluded.
func (e *Env) Pending() int {
	e.settle()
	return len(e.heap) - heapPad - e.stale
}

// checkTime panics if t is not a finite, non-negative number.
func checkTime(t float64, what string) {
	if !(t >= 0) || math.IsInf(t, 1) {
		panic(fmt.Sprintf("sim: %s %v is negative, NaN or infinite", what, t))
	}
}

// push schedules what sl holds at time t with priority prio and returns the
// slot number, which the caller keeps to cancel it.
func (e *Env) push(t float64, prio Priority, sl slot) uint32 {
	if e.seq == seqMask {
		e.settle()
		e.renumber()
	}
	e.seq++
	var s uint32
	if n := len(e.free); n > 0 {
		s = e.free[n-1]
		e.free = e.free[:n-1]
		e.slots[s].v = sl
	} else {
		s = uint32(len(e.slots))
		e.slots = append(e.slots, slotRec{v: sl})
	}
	// t+0 turns a -0 into +0, whose bits order correctly.
	x := entry{tb: math.Float64bits(t + 0), ks: uint64(prio)<<63 | uint64(e.seq)<<32 | uint64(s)}
	if e.taken {
		// Replace the root being processed. Its time is ≤ now ≤ t, so x
		// belongs at the root or below.
		e.taken = false
		siftDown(e.heap[heapPad:], 0, x)
		return s
	}
	e.heap = append(e.heap, x)
	h := e.heap[heapPad:]
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
	return s
}

// take frees the root's slot and returns its time and content, leaving the
// entry in place (taken) for push or settle to replace or remove. The heap
// must not be empty and nothing may be taken.
func (e *Env) take() (float64, slot) {
	top := &e.heap[heapPad]
	s := top.s()
	sl := e.slots[s].v
	e.slots[s].v = nil
	e.free = append(e.free, s)
	e.taken = true
	return top.t(), sl
}

// settle removes a taken root that no push replaced.
func (e *Env) settle() {
	if !e.taken {
		return
	}
	e.taken = false
	h := e.heap[heapPad:]
	n := len(h) - 1
	last := h[n]
	h = h[:n]
	if n > 0 {
		siftDown(h, 0, last)
	}
	e.heap = e.heap[:heapPad+n]
}

// pop removes the first entry, frees its slot and returns its time and
// content. The heap must not be empty.
func (e *Env) pop() (float64, slot) {
	e.settle()
	t, sl := e.take()
	e.settle()
	return t, sl
}

// siftDown places x at node i or below. Where a node has four children the
// smallest is picked by a branch-free tournament (three comparisons whose
// borrows select the index), so the only branch per level is the one that
// ends the descent: about twice as fast as a branchy scan (BenchmarkHeapHold).
func siftDown(h []entry, i int, x entry) {
	n := len(h)
	// The descent indexes through a base pointer: every index it forms is
	// checked against n by the loop condition, and the bounds checks the
	// compiler cannot prove away cost as much as the comparisons.
	base := unsafe.Pointer(unsafe.SliceData(h))
	at := func(k int) *entry { return (*entry)(unsafe.Add(base, uintptr(k)*unsafe.Sizeof(entry{}))) }
	for {
		c := 4*i + 1
		if c+4 > n {
			break
		}
		q := (*[4]entry)(unsafe.Pointer(at(c)))
		a := borrow(&q[1], &q[0])
		b := 2 + borrow(&q[3], &q[2])
		m := a ^ (a^b)&-borrow(&q[b&3], &q[a&3])
		y := &q[m&3]
		if borrow(y, &x) == 0 {
			*at(i) = x
			return
		}
		*at(i) = *y
		i = c + int(m)
	}
	// The last parent may have fewer than four children.
	if c := 4*i + 1; c < n {
		m := c
		for j := c + 1; j < n; j++ {
			if h[j].less(&h[m]) {
				m = j
			}
		}
		if h[m].less(&x) {
			h[i] = h[m]
			i = m
		}
	}
	h[i] = x
}

// dropStale pops cancelled entries off the top of the heap.
func (e *Env) dropStale() {
	e.settle()
	for len(e.heap) > heapPad {
		if e.slots[e.heap[heapPad].s()].v != nil {
			return
		}
		e.pop()
		e.stale--
	}
}

// compact rebuilds the heap without its cancelled entries. It runs when more
// than half the heap is stale, so cancelling costs O(1) amortized.
func (e *Env) compact() {
	e.settle()
	h := e.heap[heapPad:]
	k := 0
	for _, x := range h {
		if e.slots[x.s()].v != nil {
			h[k] = x
			k++
		} else {
			e.free = append(e.free, x.s())
		}
	}
	h = h[:k]
	e.heap = e.heap[:heapPad+k]
	e.stale = 0
	for i := (k - 2) / 4; i >= 0 && k > 1; i-- {
		siftDown(h, i, h[i])
	}
}

// renumber reassigns sequence numbers from 1 in queue order when the 31-bit
// sequence would overflow (every 2^31 schedulings), keeping the order.
func (e *Env) renumber() {
	h := e.heap[heapPad:]
	slices.SortFunc(h, func(a, b entry) int {
		if a.less(&b) {
			return -1
		}
		return 1
	})
	// A sorted array is a valid heap; renumbering in order keeps it one.
	for i := range h {
		h[i].ks = h[i].ks&^(seqMask<<32) | uint64(i+1)<<32
	}
	e.seq = uint32(len(h))
}

// cancelSlot drops the entry in slot s (lazy deletion).
func (e *Env) cancelSlot(s uint32) {
	e.slots[s].v = nil
	e.stale++
	if e.stale > 64 && e.stale > (len(e.heap)-heapPad)/2 {
		e.compact()
	}
}

// Schedule calls fn at Now()+delay with Normal priority, from the kernel (not
// inside a process). It is the allocation-free callback style: fn may
// schedule further callbacks, trigger events and start processes, but must
// not block. A scheduled call cannot be cancelled; use a Timer for that. It
// panics if delay is negative, NaN or infinite, or fn is nil.
func (e *Env) Schedule(delay float64, fn func()) {
	e.SchedulePriority(delay, Normal, fn)
}

// SchedulePriority is Schedule with an explicit priority.
func (e *Env) SchedulePriority(delay float64, prio Priority, fn func()) {
	if !(delay >= 0) || delay > math.MaxFloat64 {
		checkTime(delay, "delay")
	}
	if fn == nil {
		panic("sim: Schedule with nil func")
	}
	e.push(e.now+delay, prio, fn)
}

// Processed returns the number of events processed so far: timeouts,
// triggered events, callbacks and timers, process starts and wake-ups, and
// interrupts, each counted once when the kernel takes it from the queue.
// Cancelled events are not counted. A model's events per second is
// Processed divided by the wall-clock time of its Run.
func (e *Env) Processed() uint64 { return e.count }

// Step processes the next scheduled event. It returns ErrNoEvents if there
// is none, and the error that stopped the simulation if an event failed
// unhandled or a process panicked; once Step has returned such an error it
// returns it on every later call. It panics if called from inside a process.
func (e *Env) Step() error {
	e.enter()
	if e.err != nil {
		return e.err
	}
	if !e.step(math.MaxUint64) {
		return ErrNoEvents
	}
	return e.err
}

// enter panics if the kernel is re-entered from a process or callback.
func (e *Env) enter() {
	if e.running {
		panic("sim: Step, Run or RunUntil called from inside a process or callback")
	}
}

// step processes the first live event whose time bits are below limit,
// dropping cancelled entries on the way, and reports whether it found one.
func (e *Env) step(limit uint64) bool {
	for {
		e.settle()
		if len(e.heap) == heapPad || e.heap[heapPad].tb >= limit {
			return false
		}
		t, sl := e.take()
		if sl == nil {
			e.stale--
			continue
		}
		e.now = t
		e.count++
		e.running = true
		switch x := sl.(type) {
		case resumeFunc:
			e.wake(x)
		case func():
			x()
		case *Event:
			e.fire(x)
		case *Process:
			x.tslot = 0
			e.resume(x)
		case *Timer:
			x.slot = 0
			x.fn()
		}
		e.running = false
		return true
	}
}

// fire processes one popped event.
func (e *Env) fire(ev *Event) {
	ev.slot = 0
	if ev.kind == kindInterrupt {
		e.interrupt(ev)
		return
	}
	e.processEvent(ev)
}

// Run processes events until none is left, or until an event fails
// unhandled or a process panicked, whose error it returns. Now stays at the
// time of the last event processed.
func (e *Env) Run() error { return e.run(math.MaxUint64) }

// run processes the events whose time bits are below limit. With coroutines
// it lets parked processes serve the queue meanwhile (see serve).
func (e *Env) run(limit uint64) error {
	e.enter()
	if !e.goroutines {
		e.limit = limit
	}
	for e.err == nil && e.step(limit) {
	}
	e.limit = 0
	return e.err
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
	if err := e.run(math.Float64bits(t + 0)); err != nil {
		return err
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
// otherwise they stay parked and keep the Env reachable. Close drops every
// scheduled event; afterwards Step, Run and RunUntil return ErrClosed (or
// the error that had stopped the run before). Close is idempotent; it
// panics if called from inside a process.
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
	// Forget every scheduled entry, so that events and timers that were
	// pending look unscheduled.
	for _, s := range e.slots {
		switch x := s.v.(type) {
		case *Event:
			x.slot = 0
		case *Timer:
			x.slot = 0
		case *Process:
			x.tslot = 0
		}
	}
	e.heap, e.slots, e.free = make([]entry, heapPad), make([]slotRec, 1), nil
	e.stale, e.taken = 0, false
}
