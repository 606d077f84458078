package sim

import (
	"fmt"
	"slices"
)

type eventKind uint8

const (
	kindPlain     eventKind = iota
	kindInterrupt           // an interrupt on its way to its process
)

type eventState uint8

const (
	statePending eventState = iota
	stateTriggered
	stateProcessed
	stateCancelled
)

// Awaitable wraps the Event method. *Event, *Process and *Request implement
// it, so a process can wait on any of them with Proc.Wait.
type Awaitable interface {
	Event() *Event
}

// waiter is one party to notify when an event is processed: a process to
// resume or a callback to call.
type waiter struct {
	proc *Process
	fn   func(*Event)
}

// Event is something that happens at a point of simulated time. Its life
// cycle is pending → triggered → processed:
//
//   - pending: created by NewEvent; nothing scheduled.
//   - triggered: Succeed or Fail (or Timeout, which is born triggered) fixed
//     its outcome and scheduled it.
//   - processed: the kernel popped it; callbacks were called and waiting
//     processes resumed, in the order they were added.
//
// A triggered event can be cancelled (Cancel) before it is processed; it then
// never is. An Event is used from the simulation's goroutine only.
type Event struct {
	// Hot fields first: the kernel reads them for every event.
	slot    uint32 // slot of the scheduled entry, 0 if none
	state   eventState
	kind    eventKind
	ok      bool
	defused bool
	w0      waiter
	env     *Env
	val     any       // the value if ok, else the error
	more    *[]waiter // waiters after w0, rarely any (a pointer keeps Event small)
	name    string
}

// NewEvent returns a pending, unnamed event.
func (e *Env) NewEvent() *Event { return &Event{env: e} }

// NewNamedEvent returns a pending event with a name, which errors about it
// (such as an unhandled failure) quote.
func (e *Env) NewNamedEvent(name string) *Event { return &Event{env: e, name: name} }

// Timeout returns an event triggered now that is processed d seconds later,
// with value nil. It panics if d is negative, NaN or infinite.
func (e *Env) Timeout(d float64) *Event { return e.TimeoutValue(d, nil) }

// TimeoutValue is Timeout with the value v.
func (e *Env) TimeoutValue(d float64, v any) *Event {
	checkTime(d, "delay")
	ev := &Event{env: e, name: "timeout", val: v, ok: true, state: stateTriggered}
	ev.slot = e.push(e.now+d, Normal, ev)
	return ev
}

// Event returns ev itself; it makes *Event an Awaitable.
func (ev *Event) Event() *Event { return ev }

// Name returns the event's name ("" if it has none).
func (ev *Event) Name() string { return ev.name }

// Env returns the environment the event belongs to.
func (ev *Event) Env() *Env { return ev.env }

// Triggered reports whether the event's outcome is fixed: triggered or
// processed (a cancelled event counts as triggered).
func (ev *Event) Triggered() bool { return ev.state != statePending }

// Processed reports whether the kernel has processed the event.
func (ev *Event) Processed() bool { return ev.state == stateProcessed }

// Cancelled reports whether Cancel retracted the event.
func (ev *Event) Cancelled() bool { return ev.state == stateCancelled }

// OK reports whether the event is triggered and succeeded.
func (ev *Event) OK() bool { return ev.state != statePending && ev.ok }

// Value returns the value the event succeeded with (nil if it is pending or
// failed).
func (ev *Event) Value() any {
	if ev.ok {
		return ev.val
	}
	return nil
}

// Err returns the error the event failed with (nil if it is pending or
// succeeded).
func (ev *Event) Err() error {
	if ev.state != statePending && !ev.ok {
		return ev.val.(error)
	}
	return nil
}

func (ev *Event) trigger(ok bool, v any, prio Priority) {
	if ev.state != statePending {
		ev.misuse("trigger of already triggered")
	}
	ev.state = stateTriggered
	ev.ok = ok
	ev.val = v
	ev.slot = ev.env.push(ev.env.now, prio, ev)
}

// Succeed triggers the event with value v: it is scheduled now with Normal
// priority. It returns ev. It panics if ev is already triggered.
func (ev *Event) Succeed(v any) *Event {
	ev.trigger(true, v, Normal)
	return ev
}

// Fail triggers the event as failed with err: processes waiting on it get
// err from Wait. If nobody waits on it and it is not defused by the time it
// is processed, the run stops with an *UnhandledError. It returns ev. It
// panics if err is nil or ev is already triggered.
func (ev *Event) Fail(err error) *Event {
	if err == nil {
		panic("sim: Fail with nil error")
	}
	ev.trigger(false, err, Normal)
	return ev
}

// Defuse marks the event's failure as handled, so that it does not stop the
// run. A process that waits on a failed event defuses it.
func (ev *Event) Defuse() { ev.defused = true }

// Defused reports whether the event's failure has been handled.
func (ev *Event) Defused() bool { return ev.defused }

// AddCallback arranges for fn to be called with ev when ev is processed, in
// order with the other callbacks and waiting processes. It panics if ev is
// already processed or cancelled.
func (ev *Event) AddCallback(fn func(*Event)) {
	if ev.state >= stateProcessed {
		panic(fmt.Sprintf("sim: AddCallback on processed or cancelled event %q", ev.name))
	}
	ev.addWaiter(waiter{fn: fn})
}

func (ev *Event) addWaiter(w waiter) {
	if ev.w0.proc == nil && ev.w0.fn == nil && ev.more == nil {
		ev.w0 = w
		return
	}
	if ev.more == nil {
		ev.more = new([]waiter)
	}
	*ev.more = append(*ev.more, w)
}

// removeWaiter removes process p from the waiters, keeping the others' order.
func (ev *Event) removeWaiter(p *Process) {
	var more []waiter
	if ev.more != nil {
		more = *ev.more
	}
	if ev.w0.proc == p {
		ev.w0 = waiter{}
		if len(more) > 0 {
			ev.w0 = more[0]
			more = more[1:]
		}
	} else {
		i := slices.IndexFunc(more, func(w waiter) bool { return w.proc == p })
		if i < 0 {
			return
		}
		more = slices.Delete(more, i, i+1)
	}
	if len(more) == 0 {
		ev.more = nil
	} else {
		*ev.more = more
	}
}

// Reset returns a processed or cancelled event to pending, so that it can be
// triggered again: the allocation-free way to hand off between processes
// in a loop (see BenchmarkPingPong). Everything about the previous round is
// forgotten; the processes it resumed already have its value. It panics if
// the event is triggered but not yet processed, or is a process's event.
func (ev *Event) Reset() {
	if ev.state == stateTriggered || ev.kind != kindPlain {
		ev.misuse("Reset of scheduled or special")
	}
	ev.state, ev.ok, ev.defused, ev.val = statePending, false, false, nil
}

// ResetNamed is Reset for an event a pool hands to another owner: it also
// gives the event that owner's name.
func (ev *Event) ResetNamed(name string) {
	ev.Reset()
	ev.name = name
}

// misuse panics with a message naming the event; it is kept out of line so
// that the callers stay small enough to be inlined.
//
//go:noinline
func (ev *Event) misuse(what string) {
	panic(fmt.Sprintf("sim: %s event %q", what, ev.name))
}

// Cancel retracts a triggered event that is not yet processed, typically a
// Timeout that is no longer needed: it will never be processed, and its
// callbacks and waiting processes are never called or resumed. It costs
// O(1) (the queue entry is dropped lazily). It reports whether the event was
// retracted; it does nothing to a pending, processed or cancelled event.
func (ev *Event) Cancel() bool {
	if ev.state != stateTriggered || ev.slot == 0 {
		return false
	}
	ev.state = stateCancelled
	ev.env.cancelSlot(ev.slot)
	ev.slot = 0
	return true
}

// processEvent runs the waiters of a popped plain event and checks that a
// failure was handled. The outcome is read once, before the waiters run, so
// a waiter may Reset the event.
func (e *Env) processEvent(ev *Event) {
	ev.state = stateProcessed
	if p := ev.w0.proc; p != nil && ev.ok && ev.more == nil {
		// Fast path: one process waits on a success (hand-offs, requests).
		ev.w0.proc = nil
		p.target = nil
		p.rv, p.rfail = ev.val, false
		e.resume(p)
		return
	}
	ok, val := ev.ok, ev.val
	w0 := ev.w0
	var more []waiter
	if ev.more != nil {
		more = *ev.more
	}
	ev.w0, ev.more = waiter{}, nil
	handled := false
	if w0.proc != nil || w0.fn != nil {
		handled = e.notify(ev, ok, val, w0)
	}
	for _, w := range more {
		if e.err != nil {
			return
		}
		handled = e.notify(ev, ok, val, w) || handled
	}
	if !ok && !handled && !ev.defused && ev.state == stateProcessed {
		e.stop(&UnhandledError{Event: ev.name, Time: e.now, Err: val.(error)})
	}
}

// notify hands the outcome (ok, val) of ev to one waiter and reports
// whether a process received a failure (which handles it).
func (e *Env) notify(ev *Event, ok bool, val any, w waiter) bool {
	if w.fn != nil {
		w.fn(ev)
		return false
	}
	p := w.proc
	p.target = nil
	p.rv, p.rfail = val, !ok
	if !ok {
		ev.defused = true
	}
	// The event is not done with once p parks (more waiters, the failure
	// check), so p must not serve the queue meanwhile.
	limit := e.limit
	e.limit = 0
	e.resume(p)
	e.limit = limit
	return !ok
}

// condition is the state behind AllOf and AnyOf.
type condition struct {
	ev    *Event
	evs   []*Event
	need  int
	count int
}

// AllOf returns an event that succeeds once every one of evs has succeeded,
// and fails as soon as one of them fails (with its error, defusing it). Its
// value is a []*Event of the events that had succeeded, in argument order.
// With no events it succeeds at once.
func (e *Env) AllOf(evs ...Awaitable) *Event { return e.condition("AllOf", evs, len(evs)) }

// AnyOf returns an event that succeeds as soon as one of evs has succeeded,
// and fails if one fails first. Its value is a []*Event of the events that
// had succeeded when it fired, in argument order. With no events it succeeds
// at once.
func (e *Env) AnyOf(evs ...Awaitable) *Event { return e.condition("AnyOf", evs, min(1, len(evs))) }

func (e *Env) condition(name string, as []Awaitable, need int) *Event {
	c := &condition{ev: e.NewNamedEvent(name), evs: make([]*Event, len(as)), need: need}
	for i, a := range as {
		c.evs[i] = a.Event()
	}
	if need == 0 {
		c.ev.Succeed([]*Event{})
		return c.ev
	}
	for _, ev := range c.evs {
		if ev.state == stateProcessed {
			c.check(ev)
		} else {
			ev.AddCallback(c.check)
		}
	}
	return c.ev
}

func (c *condition) check(ev *Event) {
	if c.ev.state != statePending {
		return
	}
	if !ev.ok {
		ev.defused = true
		c.ev.Fail(ev.val.(error))
		return
	}
	c.count++
	if c.count < c.need {
		return
	}
	fired := make([]*Event, 0, c.count)
	for _, x := range c.evs {
		if x.state == stateProcessed && x.ok {
			fired = append(fired, x)
		}
	}
	c.ev.Succeed(fired)
}

// onlyOthers reports whether processing ev would resume only processes
// other than p and call no callback.
func (ev *Event) onlyOthers(p *Process) bool {
	if ev.w0.fn != nil || ev.w0.proc == p {
		return false
	}
	if ev.more != nil {
		for _, w := range *ev.more {
			if w.fn != nil || w.proc == p {
				return false
			}
		}
	}
	return true
}
