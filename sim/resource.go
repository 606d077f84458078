package sim

import (
	"fmt"
	"slices"
)

// Resource is a set of capacity identical units that processes request,
// use and release, such as CPU cores or server workers. Requests are served
// in FIFO order; see PriorityResource and PreemptiveResource for the other
// orders. The Go idiom replaces SimPy's `with`:
//
//	req := res.Request()
//	defer req.Release()
//	if _, err := p.Wait(req); err != nil { ... }
type Resource struct {
	base
	capacity int
	users    []*Request
	self     *PreemptiveResource // a PreemptiveResource's exported wrapper (for Preempted.Resource), nil for the other kinds
}

// NewResource returns a FIFO resource with capacity units. It panics if
// capacity < 1.
func NewResource(env *Env, capacity int) *Resource {
	r := &Resource{}
	r.init(env, capacity)
	return r
}

func (r *Resource) init(env *Env, capacity int) {
	if capacity < 1 {
		panic(fmt.Sprintf("sim: resource capacity %d < 1", capacity))
	}
	r.env, r.rule, r.capacity = env, r, capacity
}

// Request asks for one unit. The request's event succeeds once the unit is
// granted; the caller must Release it (or Cancel the request).
func (r *Resource) Request() *Request { return r.enqueue(r.newRequest(true)) }

// Capacity returns the number of units.
func (r *Resource) Capacity() int { return r.capacity }

// Count returns the number of units in use.
func (r *Resource) Count() int { return len(r.users) }

// Queued returns the number of requests waiting.
func (r *Resource) Queued() int { return r.puts.len() }

func (r *Resource) doPut(q *Request) bool {
	if len(r.users) >= r.capacity {
		if r.self == nil || !q.preempt || !r.evict(q) {
			return false
		}
	}
	r.users = append(r.users, q)
	q.state = reqGranted
	q.usage = r.env.now
	q.ev.Succeed(nil)
	return true
}

func (r *Resource) doGet(*Request) bool { return false }

func (r *Resource) release(q *Request) {
	r.dropUser(q)
	r.trigger()
}

func (r *Resource) dropUser(q *Request) {
	q.state = reqDone
	for i, u := range r.users {
		if u == q {
			// slices.Delete clears the vacated tail: a released request
			// left there would be kept alive until the next user (at 10⁵
			// phones, two requests of 144 bytes each per phone).
			r.users = slices.Delete(r.users, i, i+1)
			return
		}
	}
}

// usersLess orders requests as SimPy's PriorityRequest.key does: priority,
// then request time, then preempting before non-preempting.
func usersLess(a, b *Request) bool {
	if a.prio != b.prio {
		return a.prio < b.prio
	}
	if a.time != b.time {
		return a.time < b.time
	}
	return a.preempt && !b.preempt
}

// PriorityResource is a Resource whose waiting requests are served by
// priority (a lower number is more urgent), FIFO within a priority.
type PriorityResource struct{ Resource }

// NewPriorityResource returns a priority resource with capacity units. It
// panics if capacity < 1.
func NewPriorityResource(env *Env, capacity int) *PriorityResource {
	r := &PriorityResource{}
	r.init(env, capacity)
	r.less = func(a, b *Request) bool { return a.prio < b.prio }
	return r
}

// Request asks for one unit with priority prio (lower is more urgent).
func (r *PriorityResource) Request(prio int) *Request {
	q := r.newRequest(true)
	q.prio = prio
	return r.enqueue(q)
}

// PreemptiveResource is a PriorityResource on which an urgent enough
// request can evict a user: a request with preempt set, finding every unit
// busy, evicts the user with the greatest (priority, request time) if that
// is greater than its own. The evicted request is released and its process
// is interrupted with a *Preempted cause, from which it can compute the work
// left and request again. This is how a GC pause preempts an inference.
// Modelled on SimPy's PreemptiveResource (src/simpy/resources/resource.py).
type PreemptiveResource struct{ Resource }

// Preempted is the Interrupt cause a preempted process receives.
type Preempted struct {
	By         *Process            // the preempting process (nil if none)
	Request    *Request            // the preempting request
	UsageSince float64             // when the evicted request was granted
	Resource   *PreemptiveResource // the resource
}

// String names the preempting process and the usage start.
func (p *Preempted) String() string {
	by := "<nil>"
	if p.By != nil {
		by = p.By.Name()
	}
	return fmt.Sprintf("preempted by %s (held since t=%g)", by, p.UsageSince)
}

// NewPreemptiveResource returns a preemptive resource with capacity units.
// It panics if capacity < 1.
func NewPreemptiveResource(env *Env, capacity int) *PreemptiveResource {
	r := &PreemptiveResource{}
	r.init(env, capacity)
	r.self = r
	r.less = usersLess
	return r
}

// Request asks for one unit with priority prio (lower is more urgent); if
// preempt is set it may evict a less urgent user.
func (r *PreemptiveResource) Request(prio int, preempt bool) *Request {
	q := r.newRequest(true)
	q.prio, q.preempt = prio, preempt
	return r.enqueue(q)
}

// evict removes the least urgent user if q is more urgent, interrupting its
// process, and reports whether it did.
func (r *Resource) evict(q *Request) bool {
	v := r.users[0]
	for _, u := range r.users[1:] {
		if usersLess(v, u) {
			v = u
		}
	}
	if !usersLess(q, v) {
		return false
	}
	r.dropUser(v)
	if v.proc != nil {
		// Interrupt fails only if the victim has finished or is the
		// preemptor itself; the unit is taken back either way.
		_ = v.proc.Interrupt(&Preempted{By: q.proc, Request: q, UsageSince: v.usage,
			Resource: r.self})
	}
	return true
}
