package network

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/infersim/infersim/sim"
	"github.com/infersim/infersim/units"
)

// timeEps is the channel's time resolution: a trace step, a window change
// or a completion within a nanosecond of now is treated as now.
const timeEps = 1e-9

// ChannelConfig describes one direction of a link.
type ChannelConfig struct {
	// Bandwidth is the constant capacity, used when Trace is nil.
	Bandwidth units.BitRate
	// Trace, if set, gives a time-varying capacity instead; its time 0 is
	// the moment the channel is made.
	Trace *Trace
	// Latency is the one-way propagation delay.
	Latency units.Duration
	// Jitter is the per-transfer extra delay.
	Jitter Jitter
	// Loss is the packet loss rate in [0, 1); only the tcp model uses it.
	Loss float64
}

// Validate reports a parameter out of range, naming it under field (e.g.
// "link.up").
func (c ChannelConfig) Validate(field string) error {
	if c.Trace != nil {
		if err := c.Trace.Validate(); err != nil {
			return fmt.Errorf("%s.trace: %w", field, err)
		}
	} else if !(c.Bandwidth > 0) || math.IsInf(float64(c.Bandwidth), 0) {
		return fmt.Errorf("network: %s.bandwidth: %v must be positive and finite (or give a trace)", field, c.Bandwidth)
	}
	if !(c.Latency >= 0) || math.IsInf(float64(c.Latency), 0) {
		return fmt.Errorf("network: %s.latency: %v must be finite and non-negative", field, c.Latency)
	}
	if !(c.Loss >= 0 && c.Loss < 1) {
		return fmt.Errorf("network: %s.loss: %v is not in [0, 1)", field, c.Loss)
	}
	return c.Jitter.Validate(field + ".jitter")
}

// Channel is one direction of a link: a fluid resource whose capacity the
// active flows share max-min fairly, each flow also capped by its own rate
// limit (SimGrid's flow-level model; include/simgrid/kernel/resource/
// Model.hpp, src/kernel/EngineImpl.cpp). A channel answers two questions:
// when does the next flow complete at the current rates (nextEvent), and
// move every flow forward by Δ (advance). One loop (update) drives it:
// whenever a flow starts or ends, a flow's cap changes or the trace steps,
// it advances all flows to now, recomputes the rates by water-filling and
// reschedules its single timer for the next of those events, cancelling the
// stale one. A flow's end is therefore never fixed at its start.
type Channel struct {
	env  *sim.Env
	name string
	*chanConst
	origin float64 // env time of the trace's time 0
	rng    *rand.Rand

	flows    []*Flow
	last     float64    // flows are advanced up to this time
	capacity float64    // bits/s in effect since last
	capEnd   float64    // when the trace next steps (absolute), +Inf
	timer    *sim.Timer // the next event, reset at every update
	observe  func()     // called after every recomputation
	updates  int
}

// chanConst is what a channel's configuration fixes: shared by the
// channels of a LinkTemplate's links (a crowd's phones), with the
// water-filling's scratch, which no two of them use at once.
type chanConst struct {
	bw      units.BitRate
	trace   *Trace
	latency units.Duration
	jitter  Jitter
	loss    float64
	*scratch
}

// scratch is water-filling's scratch space (update is not re-entered)
// and the pool of finished flows of startPooled: a template's links (a
// crowd's phones) share one, so that there are as many flows as
// transfers at once rather than one per link.
type scratch struct {
	order []int
	caps  []float64
	free  []*Flow
}

func newChanConst(cfg ChannelConfig, sc *scratch) *chanConst {
	return &chanConst{bw: cfg.Bandwidth, trace: cfg.Trace, latency: cfg.Latency, jitter: cfg.Jitter, loss: cfg.Loss, scratch: sc}
}

// NewChannel returns an idle channel on env. Jitter draws come from rng,
// which should be the channel's own named stream (sim.Streams.Stream); rng
// may be nil when the jitter is "none".
func NewChannel(env *sim.Env, name string, cfg ChannelConfig, rng *rand.Rand) (*Channel, error) {
	if err := cfg.Validate(name); err != nil {
		return nil, err
	}
	if rng == nil && cfg.Jitter.drawn() {
		return nil, fmt.Errorf("network: %s: a jitter distribution needs a random stream", name)
	}
	return newChannel(env, name, newChanConst(cfg, &scratch{}), rng), nil
}

// newChannel is NewChannel for a validated configuration.
func newChannel(env *sim.Env, name string, cc *chanConst, rng *rand.Rand) *Channel {
	c := &Channel{env: env, name: name, chanConst: cc, origin: env.Now(), rng: rng, last: env.Now()}
	c.timer = env.NewTimer(c.update)
	c.capacity, c.capEnd = c.capacityAt(env.Now())
	return c
}

// Name returns the channel's name.
func (c *Channel) Name() string { return c.name }

// Latency returns the one-way latency.
func (c *Channel) Latency() units.Duration { return c.latency }

// Loss returns the loss rate.
func (c *Channel) Loss() float64 { return c.loss }

// Jitter returns the jitter distribution.
func (c *Channel) Jitter() Jitter { return c.jitter }

// Capacity returns the capacity in effect now.
func (c *Channel) Capacity() units.BitRate {
	r, _ := c.capacityAt(c.env.Now())
	return units.BitRate(r)
}

// Peak returns the largest capacity the channel ever has.
func (c *Channel) Peak() units.BitRate {
	if c.trace != nil {
		return c.trace.Peak()
	}
	return c.bw
}

// Flows returns the number of active flows.
func (c *Channel) Flows() int { return len(c.flows) }

// Rate returns the sum of the active flows' rates.
func (c *Channel) Rate() units.BitRate {
	var s float64
	for _, f := range c.flows {
		s += f.rate
	}
	return units.BitRate(s)
}

// Updates returns how many times the channel has recomputed its rates (a
// benchmark figure).
func (c *Channel) Updates() int { return c.updates }

// capacityAt returns the capacity at time t and when it next changes.
func (c *Channel) capacityAt(t float64) (float64, float64) {
	if c.trace == nil {
		return float64(c.bw), math.Inf(1)
	}
	r, next := c.trace.At(t - c.origin + timeEps)
	return float64(r), next + c.origin
}

// drawJitter draws one transfer's extra delay.
func (c *Channel) drawJitter() units.Duration {
	if c.rng == nil {
		return 0
	}
	return c.jitter.Draw(c.rng)
}

// Flow is a transfer's bytes on a channel: it starts when Channel.Start
// is called and its Done event succeeds (with the *Flow) when its last
// byte has left the sender.
type Flow struct {
	ch        *Channel
	size      float64 // bytes
	remaining float64 // bytes
	rate      float64 // bits/s
	limit     RateLimit
	capv      float64 // bits/s; +Inf when no limit
	capEnd    float64 // when the cap next changes (absolute), +Inf
	start     float64
	done      *sim.Event
	active    bool
	tcp       tcpLimit // the cap of a pooled tcp flow (limit points here)
}

// Start puts a flow of size bytes on the channel now, capped by limit (nil
// for none), and returns it. A flow of 0 bytes is done at once. It panics
// if size is negative or NaN (a programmer error: Link validates sizes).
func (c *Channel) Start(size units.Bytes, limit RateLimit) *Flow {
	return c.start(&Flow{}, size, limit)
}

// startPooled is Start for a link's own transfer: the flow comes from
// the channel's pool and carries model m's cap for round-trip time rtt in
// itself (no allocation for tcp). Give it back with putFlow once its
// transfer no longer looks at it.
func (c *Channel) startPooled(size units.Bytes, m Model, rtt units.Duration) *Flow {
	var f *Flow
	if n := len(c.free); n > 0 {
		f = c.free[n-1]
		c.free[n-1] = nil
		c.free = c.free[:n-1]
		done := f.done
		if f.ch == c {
			done.Reset()
		} else {
			done.ResetNamed(c.name + " flow")
		}
		*f = Flow{done: done}
	} else {
		f = &Flow{}
	}
	var limit RateLimit
	switch mm := m.(type) {
	case Constant:
	case TCP:
		if l, ok := mm.limit(rtt, c.loss, c.Peak()); ok {
			f.tcp = l
			limit = &f.tcp
		}
	default:
		limit = m.Limit(rtt, c.loss, c.Peak())
	}
	return c.start(f, size, limit)
}

// putFlow returns a flow of startPooled to the pool, unless its Done
// event may still be processed.
func (c *Channel) putFlow(f *Flow) {
	if f.active || f.done.Triggered() && !f.done.Processed() || len(c.free) >= maxFreeFlows {
		return
	}
	c.free = append(c.free, f)
}

// maxFreeFlows bounds the pool. A flow is mostly taken again soon after
// one is given back, so a few suffice; unbounded, the pool would keep the
// most flows ever finished together for the rest of the run (10⁵ phones
// uploading at t = 0 leave 10⁵ flows, 13 MB, pooled to the end).
const maxFreeFlows = 1024

// start puts f, a zero Flow (its done event may be set, pending), on the
// channel.
func (c *Channel) start(f *Flow, size units.Bytes, limit RateLimit) *Flow {
	if !(size >= 0) || math.IsInf(float64(size), 0) {
		panic(fmt.Sprintf("network: flow of %v", size))
	}
	now := c.env.Now()
	f.ch, f.size, f.remaining, f.limit = c, float64(size), float64(size), limit
	f.capv, f.capEnd, f.start = math.Inf(1), math.Inf(1), now
	if f.done == nil {
		f.done = c.env.NewNamedEvent(c.name + " flow")
	}
	if size == 0 {
		f.done.Succeed(f)
		return f
	}
	if limit != nil {
		f.nextCap(now)
	}
	c.advance(now - c.last) // bring the others to now before adding it
	c.last = now
	f.active = true
	c.flows = append(c.flows, f)
	c.update()
	return f
}

// nextCap moves f to its next cap phase starting at t.
func (f *Flow) nextCap(t float64) {
	r, d := f.limit.Next()
	if !(d > 0) {
		panic(fmt.Sprintf("network: RateLimit %T returned a non-positive phase %v", f.limit, d))
	}
	f.capv = max(0, float64(r))
	f.capEnd = t + float64(d)
}

// Done returns the event that succeeds when the flow's last byte has been
// sent.
func (f *Flow) Done() *sim.Event { return f.done }

// Rate returns the flow's current rate.
func (f *Flow) Rate() units.BitRate { return units.BitRate(f.rate) }

// Cap returns the flow's current own cap (+Inf when none).
func (f *Flow) Cap() units.BitRate { return units.BitRate(f.capv) }

// Remaining returns the bytes not yet sent, as of the channel's last update.
func (f *Flow) Remaining() units.Bytes { return units.Bytes(f.remaining) }

// Cancel takes an unfinished flow off its channel; its Done event never
// fires. It does nothing to a finished flow.
func (f *Flow) Cancel() {
	if !f.active {
		return
	}
	c := f.ch
	c.advance(c.env.Now() - c.last)
	c.last = c.env.Now()
	f.active = false
	for i, g := range c.flows {
		if g == f {
			c.flows = append(c.flows[:i], c.flows[i+1:]...)
			break
		}
	}
	c.update()
}

// advance moves every flow forward by dt seconds at its current rate: the
// second question of the two-method contract.
func (c *Channel) advance(dt float64) {
	if dt <= 0 {
		return
	}
	for _, f := range c.flows {
		f.remaining -= f.rate * dt / 8
	}
}

// nextEvent returns the absolute time of the channel's next event at the
// current rates: the first completion, cap change or trace step (+Inf when
// there is none or no flow is active): the first question of the contract.
func (c *Channel) nextEvent() float64 {
	if len(c.flows) == 0 {
		return math.Inf(1)
	}
	next := c.capEnd
	for _, f := range c.flows {
		next = min(next, f.capEnd)
		if f.rate > 0 {
			next = min(next, c.last+f.remaining*8/f.rate)
		}
	}
	return next
}

// update is the channel's one loop: advance to now, retire finished flows,
// step the trace and the flows' caps, recompute the shares and reschedule
// the timer.
func (c *Channel) update() {
	c.updates++
	now := c.env.Now()
	c.advance(now - c.last)
	c.last = now
	// Retire finished flows, in start order, so completions at the same
	// instant fire in a deterministic order.
	keep := c.flows[:0]
	for _, f := range c.flows {
		if f.remaining <= 1e-6+f.rate*timeEps/8 {
			f.remaining = 0
			f.rate = 0
			f.active = false
			f.done.Succeed(f)
			continue
		}
		keep = append(keep, f)
	}
	clear(c.flows[len(keep):])
	c.flows = keep
	c.capacity, c.capEnd = c.capacityAt(now)
	for _, f := range c.flows {
		for f.capEnd <= now+timeEps {
			f.nextCap(f.capEnd)
		}
	}
	c.share()
	if next := c.nextEvent(); !math.IsInf(next, 1) {
		c.timer.Reset(max(0, next-now))
	} else {
		c.timer.Stop()
	}
	if c.observe != nil {
		c.observe()
	}
}

// share sets every flow's rate by water-filling (max-min fairness with
// per-flow caps): flows are visited by increasing cap; each gets the
// smaller of its cap and an equal split of the capacity the flows before
// it left over.
func (c *Channel) share() {
	n := len(c.flows)
	if cap(c.order) < n {
		c.order = make([]int, 0, n)
	}
	order := c.order[:0]
	for i := range c.flows {
		// Insertion by cap, stable for equal caps: n is small.
		j := len(order)
		order = append(order, i)
		for j > 0 && c.flows[order[j-1]].capv > c.flows[i].capv {
			order[j] = order[j-1]
			j--
		}
		order[j] = i
	}
	avail := c.capacity
	for k, i := range order {
		f := c.flows[i]
		level := max(0, avail) / float64(n-k)
		f.rate = min(f.capv, level)
		avail -= f.rate
	}
	c.order = order
}

// waterLevel returns the rate a new flow with the given cap would get now
// if it joined the channel, without changing anything.
func (c *Channel) waterLevel(capv float64) float64 {
	capNow, _ := c.capacityAt(c.env.Now())
	caps := append(c.caps[:0], capv)
	for _, f := range c.flows {
		caps = append(caps, f.capv)
	}
	c.caps = caps
	// Water-fill over the sorted caps (the slice is small).
	for i := 1; i < len(caps); i++ {
		for j := i; j > 0 && caps[j-1] > caps[j]; j-- {
			caps[j-1], caps[j] = caps[j], caps[j-1]
		}
	}
	avail := capNow
	n := len(caps)
	for k, x := range caps {
		level := max(0, avail) / float64(n-k)
		if x > level {
			return min(capv, level)
		}
		avail -= x
	}
	return capv // every flow, the new one too, gets its whole cap
}
