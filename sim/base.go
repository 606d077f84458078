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
	puts ring[*Request]
	// gets is made on the first get: a Resource has none, and a phone has
	// three resources (144 → 112 bytes each with preempt folded into self).
	gets *ring[*Request]
	// less orders the put queue; nil means FIFO.
	less func(a, b *Request) bool
}

func (b *base) newRequest(isPut bool) *Request {
	e := b.env
	var r *Request
	if n := len(e.reqFree); n > 0 {
		r = e.reqFree[n-1]
		e.reqFree[n-1] = nil
		e.reqFree = e.reqFree[:n-1]
		*r = Request{b: b, isPut: isPut, time: e.now, usage: math.NaN(), proc: e.active}
	} else {
		r = &Request{b: b, isPut: isPut, time: e.now, usage: math.NaN(), proc: e.active}
	}
	r.ev.env = e
	return r
}

// Recycle is Release, and hands r's memory back to its environment for a
// later request (of any resource, container or store of it) to reuse:
// where requests come and go by the million (a phone's inference thread
// and mutator at 10⁵ phones) they are then not garbage. The caller
// promises that nothing uses r afterwards: neither it nor anything it
// gave r to (a Preempted cause quoting r as its Request, a process
// waiting on r). A request whose event is scheduled but not yet
// processed (granted, then released at the same instant) is only
// released: the kernel still holds its event.
func (r *Request) Recycle() {
	r.Cancel()
	if r.ev.state == stateTriggered || r.ev.slot != 0 {
		return
	}
	e := r.b.env
	*r = Request{}
	if len(e.reqFree) < maxReqFree {
		e.reqFree = append(e.reqFree, r)
	}
}

// maxReqFree bounds the recycled requests an Env keeps. A request is
// mostly made soon after one is recycled, so a few suffice; unbounded,
// the list would keep the largest number ever recycled at once (10⁵
// phones warming up together hold two each, then free them) for the rest
// of the run.
const maxReqFree = 256

// enqueue adds r to its queue, after every request not greater than it
// (b.less), and serves what can be served.
func (b *base) enqueue(r *Request) *Request {
	if r.isPut {
		i := b.puts.len()
		if b.less != nil {
			for i > 0 && b.less(r, b.puts.at(i-1)) {
				i--
			}
		}
		b.puts.insert(i, r)
	} else {
		if b.gets == nil {
			b.gets = &ring[*Request]{}
		}
		b.gets.insert(b.gets.len(), r)
	}
	b.trigger()
	return r
}

// trigger serves the heads of both queues until neither can progress. A
// blocked head blocks the requests behind it (no overtaking).
func (b *base) trigger() {
	for {
		progress := false
		for b.puts.len() > 0 && b.rule.doPut(b.puts.at(0)) {
			b.puts.remove(0)
			progress = true
		}
		for b.gets.len() > 0 && b.rule.doGet(b.gets.at(0)) {
			b.gets.remove(0)
			progress = true
		}
		if !progress {
			return
		}
	}
}

func (b *base) remove(r *Request) {
	q := b.gets
	if r.isPut {
		q = &b.puts
	}
	for i := range q.len() {
		if q.at(i) == r {
			q.remove(i)
			return
		}
	}
}

func (b *base) release(r *Request) {
	// Only a Resource grants requests that are released (its rule is
	// itself; the other kinds' requests are done once satisfied).
	rs, ok := b.rule.(*Resource)
	if !ok {
		panic(fmt.Sprintf("sim: release of a granted %T", b.rule))
	}
	rs.release(r)
}

// ring is a queue in a circular buffer whose length is a power of two. It
// reuses its memory as elements come and go at either end, where a slice
// re-sliced from the front would reallocate every so often; so a resource's
// queues and a store's items allocate nothing in steady state. head and n
// are 32-bit so that a ring is 32 bytes (a Resource is 112, see base.gets).
type ring[T any] struct {
	buf  []T
	head uint32 // index in buf of element 0
	n    uint32
}

// len returns the number of elements; a nil ring has none.
func (q *ring[T]) len() int {
	if q == nil {
		return 0
	}
	return int(q.n)
}

// at returns element i (0 is the head).
func (q *ring[T]) at(i int) T { return q.buf[(int(q.head)+i)&(len(q.buf)-1)] }

// insert makes x element i, moving the elements from i on back by one.
func (q *ring[T]) insert(i int, x T) {
	n := int(q.n)
	if n == len(q.buf) {
		if n >= 1<<31 {
			// 2³¹ waiting requests (16 GiB of pointers) would overflow n.
			panic("sim: a queue of 2³¹ elements")
		}
		// From 2: most queues (a phone's inference thread, its
		// mutator) hold one or two requests at a time.
		buf := make([]T, max(2, 2*len(q.buf)))
		for j := range n {
			buf[j] = q.at(j)
		}
		q.buf, q.head = buf, 0
	}
	m := len(q.buf) - 1
	head := int(q.head)
	if i < n-i {
		// Nearer the head: move elements 0..i-1 one place forward.
		head = (head - 1) & m
		for j := 0; j < i; j++ {
			q.buf[(head+j)&m] = q.buf[(head+j+1)&m]
		}
	} else {
		for j := n; j > i; j-- {
			q.buf[(head+j)&m] = q.buf[(head+j-1)&m]
		}
	}
	q.buf[(head+i)&m] = x
	q.head = uint32(head)
	q.n++
}

// remove deletes element i, moving the elements after it forward by one
// (or those before it back, whichever are fewer).
func (q *ring[T]) remove(i int) {
	m := len(q.buf) - 1
	n, head := int(q.n), int(q.head)
	var zero T
	if i < n-1-i {
		for j := i; j > 0; j-- {
			q.buf[(head+j)&m] = q.buf[(head+j-1)&m]
		}
		q.buf[head] = zero
		q.head = uint32((head + 1) & m)
	} else {
		for j := i; j < n-1; j++ {
			q.buf[(head+j)&m] = q.buf[(head+j+1)&m]
		}
		q.buf[(head+n-1)&m] = zero
	}
	q.n--
}
