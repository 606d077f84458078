package sim

import (
	"errors"
	"fmt"
	"iter"
	"math"
	"runtime/debug"
	"unsafe"
)

// ErrNotAlive is returned by Interrupt when the process has finished.
var ErrNotAlive = errors.New("sim: process has finished")

// ErrSelfInterrupt is returned by Interrupt when a process interrupts itself.
var ErrSelfInterrupt = errors.New("sim: a process cannot interrupt itself")

// ErrCancelled is returned by Proc.Wait for an event that was cancelled.
var ErrCancelled = errors.New("sim: event cancelled")

type procState uint8

const (
	procNew procState = iota
	procStarted
	procDone
)

// Process is a simulated activity written as straight-line Go code (see
// Env.Process). A *Process is an Awaitable: its event succeeds with the
// value given to Proc.SetResult (nil by default) when the body returns nil,
// and fails with the body's error otherwise. The event is scheduled when the
// body returns, except a success with no waiter and no callback, which is
// processed at once.
type Process struct {
	// Hot fields first, in the first 64 bytes, so that a wake-up touches
	// one cache line of the process (see BenchmarkTimeoutsProcess).
	env    *Env
	next   func() (struct{}, bool) // resumes the coroutine (nil: not bound, or goroutine)
	yield  func(struct{}) bool     // parks the coroutine
	target *Event                  // the event the process waits on, nil if none
	intr   *Interrupt              // the interrupt that resumed the process, if any
	state  procState
	killed bool
	rfail  bool   // rv is an error
	failed bool   // the body returned an error, kept in result
	tslot  uint32 // slot of the pending start or Sleep entry, 0 if none

	rv     any   // what Wait returns when the process is resumed: value, or error if rfail
	ev     Event // completion event; its name is the process's name
	co     *coro
	fn     func(*Proc) error
	result any // the value set by SetResult, or the body's error if failed
	panic  *PanicError
	live   int32 // index in Env.live
	// pad makes the size a multiple of 64 bytes (TestProcessSize), so that
	// the allocator's size class keeps every Process 64-byte aligned and
	// the hot fields above in one cache line.
	_ [12]byte
}

// Proc is the view of a Process from inside its body: the handle through
// which the body waits. It is the same object as the Process (see
// Proc.Process); its methods must be called only from the body itself.
type Proc Process

// Interrupt is the error a process's Wait or Sleep returns when another
// party called Process.Interrupt. Cause is the value passed to Interrupt,
// such as a *Preempted.
type Interrupt struct {
	Cause any
}

// Error returns "sim: interrupted: " and the cause.
func (i *Interrupt) Error() string { return fmt.Sprintf("sim: interrupted: %v", i.Cause) }

// PanicError is the error that stops a run when a process body panics.
type PanicError struct {
	Process string // the process's name
	Value   any    // the value passed to panic
	Stack   []byte // the process's stack when it panicked
}

// Error names the process and the panic value.
func (e *PanicError) Error() string {
	return fmt.Sprintf("sim: process %q panicked: %v", e.Process, e.Value)
}

// Unwrap returns the panic value if it is an error.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// UnhandledError is the error that stops a run when a failed event is
// processed and nobody handled the failure: no process waited on it and it
// was not defused.
type UnhandledError struct {
	Event string  // the event's name (a process's event bears its name)
	Time  float64 // when it was processed
	Err   error   // the failure
}

// Error names the event, the time and the failure.
func (e *UnhandledError) Error() string {
	return fmt.Sprintf("sim: unhandled failure of event %q at t=%g: %v", e.Event, e.Time, e.Err)
}

// Unwrap returns the failure.
func (e *UnhandledError) Unwrap() error { return e.Err }

// killSignal unwinds a process body when its Env is closed.
type killSignal struct{}

// Process starts a process named name running fn. The process starts at the
// current time with Urgent priority, that is before the Normal events already
// scheduled for now. fn runs in its own coroutine, but only when the kernel
// resumes it, and it gives control back only by waiting (Proc.Wait,
// Proc.Sleep) or returning, so exactly one process runs at a time. A panic in
// fn stops the run with a *PanicError. It panics if fn is nil.
func (e *Env) Process(name string, fn func(*Proc) error) *Process {
	if fn == nil {
		panic("sim: Process with nil func")
	}
	p := &Process{env: e, fn: fn, live: int32(len(e.live))}
	p.ev = Event{env: e, name: name}
	p.tslot = e.push(e.now, Urgent, p)
	e.live = append(e.live, p)
	return p
}

// Event returns the process's completion event.
func (p *Process) Event() *Event { return &p.ev }

// Name returns the process's name.
func (p *Process) Name() string { return p.ev.name }

// IsAlive reports whether the process has not finished yet.
func (p *Process) IsAlive() bool { return p.state != procDone }

// Value returns the process's result once it has succeeded.
func (p *Process) Value() any { return p.ev.Value() }

// Err returns the process's error once it has failed.
func (p *Process) Err() error { return p.ev.Err() }

// Interrupt schedules an interrupt of p with the given cause, now and with
// Urgent priority. When it is processed, p stops waiting on what it waited
// for (a Sleep timer is cancelled, a Wait forgets its event) and its Wait or
// Sleep returns an *Interrupt carrying cause. If p has finished by then the
// interrupt is dropped. Interrupt returns ErrNotAlive if p has already
// finished and ErrSelfInterrupt if p is the running process.
func (p *Process) Interrupt(cause any) error {
	if p.state == procDone {
		return ErrNotAlive
	}
	e := p.ev.env
	if e.active == p {
		return ErrSelfInterrupt
	}
	ev := &Event{env: e, name: "interrupt", kind: kindInterrupt, ok: true,
		val: &Interrupt{Cause: cause}, state: stateTriggered}
	ev.w0.proc = p
	ev.slot = e.push(e.now, Urgent, ev)
	return nil
}

// interrupt delivers a processed interrupt event to its process.
func (e *Env) interrupt(ev *Event) {
	p := ev.w0.proc
	if e.deliver(ev) {
		e.resume(p)
	}
}

// deliver hands a processed interrupt event to its process, which stops
// waiting (a pending Sleep or start is cancelled, a Wait forgets its event),
// and reports whether the process is to be resumed (it has not finished).
func (e *Env) deliver(ev *Event) bool {
	ev.state = stateProcessed
	p := ev.w0.proc
	if p.state == procDone {
		return false
	}
	if p.tslot != 0 {
		e.cancelSlot(p.tslot)
		p.tslot = 0
	}
	if t := p.target; t != nil {
		t.removeWaiter(p)
		p.target = nil
	}
	p.intr = ev.val.(*Interrupt)
	return true
}

// Process returns the Process this Proc is the body of.
func (p *Proc) Process() *Process { return (*Process)(p) }

// Env returns the process's environment.
func (p *Proc) Env() *Env { return p.env }

// Now returns the current simulation time.
func (p *Proc) Now() float64 { return p.env.now }

// Name returns the process's name.
func (p *Proc) Name() string { return p.ev.name }

// SetResult sets the value the process's event succeeds with when the body
// returns nil.
func (p *Proc) SetResult(v any) { p.result = v }

// Sleep suspends the process for d seconds of simulated time. It is the
// allocation-free form of Wait(Timeout(d)): the process itself is scheduled.
// It returns nil, or an *Interrupt if the process was interrupted meanwhile.
// It panics if d is negative, NaN or infinite, or if called from outside the
// process's body.
func (p *Proc) Sleep(d float64) error {
	pp := (*Process)(p)
	e := pp.env
	if e.active != pp {
		panic("sim: Proc.Sleep called outside the process body")
	}
	if !(d >= 0) || d > math.MaxFloat64 {
		checkTime(d, "delay")
	}
	var x slot = pp // goroutines: woken through the process
	if pp.next != nil {
		x = resumeFunc(pp.next)
	}
	pp.tslot = e.push(e.now+d, Normal, x)
	if pp.next != nil {
		var anchor byte // on the stack lines a resume touches first
		e.setHint(pp.tslot, pp, uintptr(unsafe.Pointer(&anchor)))
	}
	if y := pp.yield; y == nil {
		pp.parkGoroutine()
	} else if (e.limit == 0 || !e.serve(pp)) && !y(struct{}{}) {
		unwind()
	}
	// The kernel left these to the process (see wake).
	pp.tslot = 0
	e.active = pp
	if i := pp.intr; i != nil {
		pp.intr = nil
		return i
	}
	return nil
}

// Wait suspends the process until a is processed and returns its value, or
// its error if it failed (which defuses it), or an *Interrupt if the process
// is interrupted first. If a is already processed Wait returns at once; if
// it was cancelled Wait returns ErrCancelled. It panics if called from
// outside the process's body or if a belongs to another Env.
func (p *Proc) Wait(a Awaitable) (any, error) {
	pp := (*Process)(p)
	var ev *Event
	switch x := a.(type) { // the common cases without a dynamic call
	case *Event:
		ev = x
	case *Request:
		ev = &x.ev
	default:
		ev = a.Event()
	}
	e := pp.env
	if e.active != pp {
		panic("sim: Proc.Wait called outside the process body")
	}
	if ev.env != e {
		panic("sim: Proc.Wait on an event of another Env")
	}
	switch ev.state {
	case stateProcessed:
		if ev.ok {
			return ev.val, nil
		}
		ev.defused = true
		return nil, ev.val.(error)
	case stateCancelled:
		return nil, ErrCancelled
	}
	ev.addWaiter(waiter{proc: pp})
	pp.target = ev
	if y := pp.yield; y == nil {
		pp.parkGoroutine()
	} else if (e.limit == 0 || !e.serve(pp)) && !y(struct{}{}) {
		unwind()
	}
	e.active = pp
	if i := pp.intr; i != nil {
		pp.intr = nil
		return nil, i
	}
	v := pp.rv
	pp.rv = nil
	if pp.rfail {
		return nil, v.(error)
	}
	return v, nil
}

// coro is an execution context that runs process bodies one after another:
// an iter.Pull coroutine, or a goroutine with channel hand-off (withGoroutines).
// A coroutine whose process finished goes back to Env.pool for the next
// process, so starting a process rarely creates a goroutine.
type coro struct {
	env *Env
	p   *Process
	// iter.Pull mechanism
	next  func() (struct{}, bool)
	stop  func()
	yield func(struct{}) bool
	// goroutine mechanism
	wake chan bool
}

func (e *Env) getCoro() *coro {
	if n := len(e.pool); n > 0 {
		c := e.pool[n-1]
		e.pool = e.pool[:n-1]
		return c
	}
	c := &coro{env: e}
	if e.goroutines {
		c.wake = make(chan bool)
		go c.goLoop()
	} else {
		c.next, c.stop = iter.Pull(c.loop)
	}
	return c
}

func (c *coro) loop(yield func(struct{}) bool) {
	c.yield = yield
	for {
		c.run()
		if !yield(struct{}{}) {
			return
		}
	}
}

func (c *coro) goLoop() {
	for <-c.wake {
		c.run()
		killed := c.p.killed
		c.env.back <- struct{}{}
		if killed {
			return
		}
	}
}

// run runs the bound process's body to its end.
func (c *coro) run() {
	p := c.p
	p.yield = c.yield
	defer p.done()
	if err := p.fn((*Proc)(p)); err != nil {
		p.result, p.failed = err, true
	}
}

// done records the end of the body, recovering a panic.
func (p *Process) done() {
	if r := recover(); r != nil {
		if _, ok := r.(killSignal); !ok {
			p.panic = &PanicError{Process: p.ev.name, Value: r, Stack: debug.Stack()}
		}
	}
	p.state = procDone
}

// Sleep and Wait park their process, that is give control back to the
// kernel until it is resumed, with the same few lines written out in both
// rather than a call: fewer frames between a body and the switch means
// fewer return mispredictions and stack lines touched on every resume. With
// coroutines during Run or RunUntil the process first serves the queue
// itself, which may resume it without any switch (see serve).

// unwind ends a process body whose Env is closed.
//
//go:noinline
func unwind() { panic(killSignal{}) }

// parkGoroutine parks p with the goroutine mechanism.
//
//go:noinline
func (p *Process) parkGoroutine() {
	if p.killed {
		panic(killSignal{})
	}
	c := p.co
	c.env.back <- struct{}{}
	if !<-c.wake {
		panic(killSignal{})
	}
}

// resume runs p until it waits again or finishes. It is called by the
// kernel loop of Step, Run and RunUntil, or by the host process serving the
// queue (see serve), whose coroutine then nests p's.
func (e *Env) resume(p *Process) {
	prev := e.active
	if prev != nil {
		e.nest++
	}
	e.active = p
	if p.next != nil {
		p.next()
	} else {
		e.resumeSlow(p)
	}
	if prev != nil {
		e.nest--
	}
	e.active = prev
	if p.state == procDone {
		e.finish(p)
	}
}

// wake resumes a process in Sleep through next, its coroutine's resume
// function, kept in the slot of its Sleep's entry. Unlike resume it touches
// nothing of the process before the switch: the process clears its entry's
// slot and makes itself active once running (in Sleep), so the cache misses
// on its memory overlap with its own work, and it is still the active one
// when control comes back.
func (e *Env) wake(next resumeFunc) {
	if len(e.heap) >= heapPad+prefetchMin {
		e.prefetchNext()
	}
	prev := e.active
	if prev != nil {
		e.nest++
	}
	next()
	if prev != nil {
		e.nest--
	}
	p := e.active
	e.active = prev
	if p.state == procDone {
		e.finish(p)
	}
}

// serve is the kernel loop run by process p as it parks, during Run or
// RunUntil with coroutines. Handing control back to the kernel costs a
// coroutine switch, and the kernel's resuming another process a second one;
// serving the queue from p's own coroutine avoids both where it can:
//
//   - If the next event does nothing but wake p (its Sleep, an event only p
//     waits on, an interrupt of p), p takes it and goes on running: no
//     switch at all (a request granted at once, a ping-pong partner's reply).
//   - If p is the host (resumed by Run itself rather than by another
//     process: e.nest is 0) and the next event wakes only other processes,
//     p resumes them from its own coroutine, as Run would, and goes on
//     serving.
//
// Anything else (a callback, which must run in the kernel so that its panics
// reach the caller of Run; an event that involves p and others; the end of
// the run or an error) makes serve return false, and p yields to its resumer.
// The order of events and of resumptions is exactly Run's; only the
// coroutine that executes the loop differs. serve reports whether p's own
// wake-up was processed.
//
// One loop on purpose: it is the kernel's hot path, and splitting its cases
// into calls costs B1 and B3 measurably (BenchmarkTimeouts, BenchmarkPingPong).
func (e *Env) serve(p *Process) bool {
	for e.err == nil {
		if e.taken {
			e.settle()
		}
		if len(e.heap) == heapPad {
			return false
		}
		x := &e.heap[heapPad]
		if x.tb >= e.limit {
			return false
		}
		s := x.s()
		if s == p.tslot {
			// p's own Sleep ends.
			now, _ := e.take()
			e.now = now
			e.count++
			return true
		}
		var ev *Event
		switch y := e.slots[s].v.(type) {
		case nil: // cancelled
			e.take()
			e.stale--
			continue
		case resumeFunc:
			if e.nest != 0 {
				return false // not the host
			}
			now, _ := e.take()
			e.now = now
			e.count++
			e.wake(y)
			continue
		case *Process:
			if e.nest != 0 {
				return false // not the host
			}
			now, _ := e.take()
			e.now = now
			e.count++
			y.tslot = 0
			e.resume(y) // a start
			continue
		case *Event:
			ev = y
		default:
			return false // a Schedule callback
		}
		if ev.w0.proc == p && ev.w0.fn == nil && ev.more == nil {
			// p is the only party: deliver the outcome without a switch.
			now, _ := e.take()
			e.now = now
			e.count++
			ev.slot = 0
			if ev.kind == kindInterrupt {
				return e.deliver(ev)
			}
			ev.state = stateProcessed
			ev.w0.proc = nil
			p.target = nil
			p.rv, p.rfail = ev.val, !ev.ok
			if !ev.ok {
				ev.defused = true
			}
			return true
		}
		if e.nest != 0 || !ev.onlyOthers(p) {
			return false
		}
		now, _ := e.take()
		e.now = now
		e.count++
		if q := ev.w0.proc; q != nil && ev.ok && ev.more == nil && ev.kind == kindPlain {
			// One other process waits on a success (a hand-off): resume
			// it as processEvent would.
			ev.slot = 0
			ev.state = stateProcessed
			ev.w0.proc = nil
			q.target = nil
			q.rv, q.rfail = ev.val, false
			e.resume(q)
			continue
		}
		e.fire(ev)
	}
	return false
}

// resumeSlow starts p on a coroutine, or resumes it with the goroutine
// mechanism.
func (e *Env) resumeSlow(p *Process) {
	c := p.co
	if c == nil {
		c = e.getCoro()
		c.p = p
		p.co = c
		p.state = procStarted
		p.next = c.next
	}
	if c.wake == nil {
		c.next()
		return
	}
	c.wake <- true
	<-e.back
}

// finish retires a finished process and triggers its event.
func (e *Env) finish(p *Process) {
	last := e.live[len(e.live)-1]
	e.live[p.live] = last
	last.live = p.live
	e.live = e.live[:len(e.live)-1]
	c := p.co
	p.co, p.fn, p.target, p.next, p.yield = nil, nil, nil, nil, nil
	if p.killed {
		return
	}
	c.p = nil
	e.pool = append(e.pool, c)
	switch {
	case p.panic != nil:
		e.stop(p.panic)
	case p.failed:
		p.ev.trigger(false, p.result, Normal)
	case p.ev.w0.proc == nil && p.ev.w0.fn == nil:
		// Success that nobody waits for: processing the event would have
		// no effect, so it is processed at once (a later Wait returns at
		// once). Saves a queue round trip per short-lived process (B2).
		p.ev.state, p.ev.ok, p.ev.val = stateProcessed, true, p.result
	default:
		p.ev.trigger(true, p.result, Normal)
	}
}

// kill ends p during Close.
func (p *Process) kill() {
	e := p.ev.env
	p.killed = true
	c := p.co
	if c == nil {
		p.state = procDone
		e.finish(p)
		return
	}
	e.active = p
	if c.wake == nil {
		c.stop()
	} else {
		c.wake <- false
		<-e.back
	}
	e.active = nil
	p.state = procDone
	e.finish(p)
}

func (c *coro) close() {
	if c.wake == nil {
		c.stop()
	} else {
		c.wake <- false
	}
}

// hint is where a sleeping process's memory is: the Process and a line of
// its coroutine's stack.
type hint struct {
	proc, sp uintptr
}

// prefetchMin is the queue length from which wake prefetches: below it the
// processes' memory stays in cache anyway.
const prefetchMin = 512

// setHint records the memory of process p, whose Sleep ends with slot s; sp
// is an address in p's stack frame.
func (e *Env) setHint(s uint32, p *Process, sp uintptr) {
	e.slots[s].hint = hint{proc: uintptr(unsafe.Pointer(p)), sp: sp}
}

// prefetchNext starts loading the memory of the process that the event
// after the one being processed probably wakes, so that its cache misses
// overlap with the current process's run instead of stalling its own
// resume. While the root is processed (taken) the next event is, unless
// the current process schedules an earlier one, the least of the root's
// four children. A wrong guess costs a few wasted fetches.
func (e *Env) prefetchNext() {
	r := &e.slots[e.guessNext()]
	h := r.hint
	// The slot's data word: the resume function's closure.
	fn := (*[2]uintptr)(unsafe.Pointer(&r.v))[1]
	prefetch4(fn, h.proc, h.sp, h.sp-64)
	prefetch4(h.sp-128, h.sp+64, h.sp-192, h.sp+128)
}

// guessNext returns the slot of the least of the root's four children: the
// next entry after the root, unless an earlier one is pushed first. The
// heap must hold at least five entries.
func (e *Env) guessNext() uint32 {
	q := (*[4]entry)(e.heap[heapPad+1 : heapPad+5])
	a := borrow(&q[1], &q[0])
	b := 2 + borrow(&q[3], &q[2])
	m := a ^ (a^b)&-borrow(&q[b&3], &q[a&3])
	return q[m&3].s()
}
