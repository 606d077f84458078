package sim

import (
	"fmt"
	"math"
)

// rule is what a kind of resource adds to the template: how to satisfy one
// waiting put or get, reporting whether it could.
type rule interface {
	doPut(r *Request) bool
	doGet(r *Request) bool
}

type reqState uint8

const (
	reqWaiting reqState = iota
	reqGranted          // satisfied: a resource request holds a unit
	reqDone             // released, cancelled, preempted, or a satisfied put/get
)

// Request is a put or a get on a resource, container or store: the event a
// process waits on until the operation is satisfied. For a Resource the
// request is satisfied ("granted") when the process may use one unit; it
// keeps it until Release. A Request is an Awaitable.
type Request struct {
	ev      Event
	b       *base
	state   reqState
	isPut   bool
	preempt bool
	prio    int
	amount  float64 // Container
	item    any     // Store put
	time    float64 // when the request was made
	usage   float64 // when it was granted
	proc    *Process
}

// Event returns the request's event: it succeeds when the request is
// satisfied (its value is the item for a Store get, nil otherwise).
func (r *Request) Event() *Event { return &r.ev }

// Held reports whether a Resource request is granted and not yet released
// (or preempted).
func (r *Request) Held() bool { return r.state == reqGranted }

// Priority returns the request's priority (0 for FIFO resources).
func (r *Request) Priority() int { return r.prio }

// UsageSince returns when a resource request was granted (NaN before).
func (r *Request) UsageSince() float64 { return r.usage }

// Cancel withdraws a request that is not yet satisfied: it leaves its queue
// and its event is never triggered, so the next in line may be served. For a
// granted Resource request, Cancel releases it, like Release. Cancel does
// nothing to a request already released or to a satisfied Container or
// Store operation.
func (r *Request) Cancel() {
	switch r.state {
	case reqWaiting:
		r.state = reqDone
		r.b.remove(r)
		r.b.trigger()
	case reqGranted:
		r.b.release(r)
	}
}

// Release gives back the unit a Resource request holds, or withdraws the
// request if it is still waiting (like Cancel). It is idempotent, so
// `defer req.Release()` is always safe.
func (r *Request) Release() { r.Cancel() }

// base is the template of every resource kind: it owns the queues of
// waiting puts and gets and serves them in order through the kind's rule.
// Modelled on SimPy's BaseResource (src/simpy/resources/base.py).
type base struct {
	env  *Env
	rule rule
	puts []*Request
	gets []*Request
	// less orders the put queue; nil means FIFO.
	less func(a, b *Request) bool
	// releaser is the kind's Release of a granted request (Resources only).
	releaser func(r *Request)
}

func (b *base) newRequest(isPut bool) *Request {
	e := b.env
	r := &Request{b: b, isPut: isPut, time: e.now, usage: math.NaN(), proc: e.active}
	r.ev.env = e
	return r
}

// enqueue adds r to its queue and serves what can be served.
func (b *base) enqueue(r *Request) *Request {
	if r.isPut {
		b.puts = insert(b.puts, r, b.less)
	} else {
		b.gets = append(b.gets, r)
	}
	b.trigger()
	return r
}

// insert places r after every element not greater than it.
func insert(q []*Request, r *Request, less func(a, b *Request) bool) []*Request {
	i := len(q)
	if less != nil {
		for i > 0 && less(r, q[i-1]) {
			i--
		}
	}
	q = append(q, nil)
	copy(q[i+1:], q[i:])
	q[i] = r
	return q
}

// trigger serves the heads of both queues until neither can progress. A
// blocked head blocks the requests behind it (no overtaking).
func (b *base) trigger() {
	for {
		progress := false
		for len(b.puts) > 0 && b.rule.doPut(b.puts[0]) {
			b.puts[0] = nil
			b.puts = b.puts[1:]
			progress = true
		}
		for len(b.gets) > 0 && b.rule.doGet(b.gets[0]) {
			b.gets[0] = nil
			b.gets = b.gets[1:]
			progress = true
		}
		if !progress {
			return
		}
	}
}

func (b *base) remove(r *Request) {
	q := &b.gets
	if r.isPut {
		q = &b.puts
	}
	for i, x := range *q {
		if x == r {
			*q = append((*q)[:i], (*q)[i+1:]...)
			return
		}
	}
}

func (b *base) release(r *Request) {
	if b.releaser == nil {
		panic(fmt.Sprintf("sim: release of a granted %T", b.rule))
	}
	b.releaser(r)
}
