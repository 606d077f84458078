package sim

import (
	"fmt"
	"math"
)

// Container holds a continuous amount between 0 and its capacity, such as
// free memory in bytes or battery energy in joules. Puts wait while they
// would overflow it and gets while they would take more than its level;
// both are served in FIFO order, a blocked head blocking those behind it.
// Modelled on SimPy's Container (src/simpy/resources/container.py).
type Container struct {
	base
	capacity float64
	level    float64
}

// NewContainer returns a container with the given capacity (+Inf for
// unbounded) and initial level. It panics unless 0 ≤ initial ≤ capacity and
// capacity > 0.
func NewContainer(env *Env, capacity, initial float64) *Container {
	if !(capacity > 0) || !(initial >= 0) || initial > capacity {
		panic(fmt.Sprintf("sim: container capacity %v, initial level %v", capacity, initial))
	}
	c := &Container{capacity: capacity, level: initial}
	c.env, c.rule = env, c
	return c
}

// Level returns the amount held.
func (c *Container) Level() float64 { return c.level }

// Capacity returns the container's capacity.
func (c *Container) Capacity() float64 { return c.capacity }

// PutQueued returns the number of waiting puts.
func (c *Container) PutQueued() int { return c.puts.len() }

// GetQueued returns the number of waiting gets.
func (c *Container) GetQueued() int { return c.gets.len() }

func (c *Container) check(amount float64) {
	if !(amount > 0) || amount > c.capacity || math.IsInf(amount, 1) {
		panic(fmt.Sprintf("sim: container amount %v not in (0, capacity %v]", amount, c.capacity))
	}
}

// Put adds amount once there is room for it. It panics unless
// 0 < amount ≤ capacity.
func (c *Container) Put(amount float64) *Request {
	c.check(amount)
	r := c.newRequest(true)
	r.amount = amount
	return c.enqueue(r)
}

// Get takes amount once the level reaches it. It panics unless
// 0 < amount ≤ capacity.
func (c *Container) Get(amount float64) *Request {
	c.check(amount)
	r := c.newRequest(false)
	r.amount = amount
	return c.enqueue(r)
}

func (c *Container) doPut(r *Request) bool {
	if c.capacity-c.level < r.amount {
		return false
	}
	c.level += r.amount
	r.state = reqDone
	r.ev.Succeed(nil)
	return true
}

func (c *Container) doGet(r *Request) bool {
	if c.level < r.amount {
		return false
	}
	c.level -= r.amount
	r.state = reqDone
	r.ev.Succeed(nil)
	return true
}
