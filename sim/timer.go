package sim

import (
	"fmt"
	"math"
)

// Timer calls a function at a simulated time that can be set again or
// cancelled: the allocation-free way for callback-style code to keep a
// deadline that moves, such as a link's next flow completion or a radio's
// tail timer. Make one with Env.NewTimer, schedule the call with Reset and
// cancel it with Stop; one Timer serves any number of calls, and neither
// Reset nor Stop allocates (see BenchmarkTimerReset). The function runs in
// the kernel, not in a process, like a Schedule callback: it may schedule,
// trigger events, start processes and Reset its own timer, but must not
// block.
//
// A Timer is cheaper than a Timeout with a callback (no event to allocate)
// and, unlike Schedule, can be cancelled. Reset of a pending timer leaves the
// old queue entry behind as cancelled (lazy deletion: O(1) now, dropped when
// it reaches the top of the queue or when the queue is compacted).
type Timer struct {
	slot uint32 // slot of the pending entry, 0 if none
	fn   func()
	env  *Env
	when float64 // time of the pending call
}

// NewTimer returns a timer that calls fn; it is not scheduled until Reset.
// It panics if fn is nil.
func (e *Env) NewTimer(fn func()) *Timer {
	if fn == nil {
		panic("sim: NewTimer with nil func")
	}
	return &Timer{env: e, fn: fn}
}

// Reset schedules the timer's call at Now()+d with Normal priority,
// replacing the pending call if there is one. Among calls and events
// scheduled for the same time and priority it takes its FIFO place as of
// this Reset. It panics if d is negative, NaN or infinite.
func (t *Timer) Reset(d float64) {
	e := t.env
	if !(d >= 0) || d > math.MaxFloat64 {
		checkTime(d, "delay")
	}
	if t.slot != 0 {
		e.cancelSlot(t.slot)
	}
	t.when = e.now + d
	t.slot = e.push(t.when, Normal, t)
}

// Stop cancels the pending call and reports whether there was one.
func (t *Timer) Stop() bool {
	if t.slot == 0 {
		return false
	}
	t.env.cancelSlot(t.slot)
	t.slot = 0
	return true
}

// Pending reports whether a call is scheduled.
func (t *Timer) Pending() bool { return t.slot != 0 }

// When returns the time of the pending call, or +Inf if none is scheduled.
func (t *Timer) When() float64 {
	if t.slot == 0 {
		return math.Inf(1)
	}
	return t.when
}

// String describes the timer's state, for debugging.
func (t *Timer) String() string {
	if t.slot == 0 {
		return "sim.Timer(stopped)"
	}
	return fmt.Sprintf("sim.Timer(at %g)", t.when)
}
