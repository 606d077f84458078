package network

import (
	"fmt"
	"math"

	"github.com/infersim/infersim/sim"
	"github.com/infersim/infersim/units"
)

// Transferer runs a link's transfers as scheduled callbacks instead of in
// a process: the same steps as Link.Upload and Link.Download (radio
// promotion, handshake, the flow, latency and jitter), the same random
// draws and the same kernel events in the same order, so a caller that
// swaps one for the other sees identical results. It is for state machines
// that keep many transfers in flight (a crowd of phones) without a
// coroutine each. One Transferer runs one transfer at a time; reuse it for
// the next once its done function has been called.
type Transferer struct {
	l     *Link
	ch    *Channel
	t     Transfer
	state xferState
	held  bool // the radio hold
	using bool // counted in l.inUse
	f     *Flow
	hs    *sim.Event // this transfer's own handshake
	timer *sim.Timer
	tok   *xferTok
	done  func(Transfer, error)
}

type xferState uint8

const (
	xferIdle      xferState = iota
	xferRadio               // waiting for the radio's promotion
	xferHSWait              // waiting for another transfer's handshake
	xferHandshake           // paying the handshake
	xferLatDown             // a download's latency before the first byte
	xferFlow                // the bytes on the channel
	xferLatUp               // an upload's latency after the last byte
)

// xferTok is a wait on an event: abandoned (the Transferer moves on to a
// new one) when the wait is interrupted, so that a later firing of the
// event, which may be pooled and reused, does nothing.
type xferTok struct {
	x  *Transferer
	fn func(*sim.Event)
}

func (k *xferTok) fire(ev *sim.Event) {
	if k.x.tok == k {
		k.x.fired(ev)
	}
}

// NewTransferer returns a Transferer for the link's transfers.
func (l *Link) NewTransferer() *Transferer {
	x := &Transferer{l: l}
	x.timer = l.env.NewTimer(x.onTimer)
	return x
}

// Busy reports whether a transfer is under way.
func (x *Transferer) Busy() bool { return x.state != xferIdle }

// Start begins a transfer of size bytes in direction dir now; done is
// called with what Link.Upload or Link.Download would return, at the
// simulated time they would return it (possibly before Start returns, for
// an invalid size). Start returns an error, and starts nothing, if a
// transfer is under way.
func (x *Transferer) Start(dir Direction, size units.Bytes, done func(Transfer, error)) error {
	l := x.l
	if x.state != xferIdle {
		return fmt.Errorf("network: %s: %s: a transfer is under way", l.name, dir)
	}
	if !(size >= 0) || math.IsInf(float64(size), 0) {
		done(Transfer{}, fmt.Errorf("network: %s: %s of %v: size must be finite and non-negative", l.name, dir, size))
		return nil
	}
	x.ch = l.Up
	if dir == Down {
		x.ch = l.Down
	}
	x.done = done
	x.t = Transfer{Dir: dir, Size: size, Start: l.env.Now(), Jitter: x.ch.drawJitter()}
	if l.radio != nil {
		x.held = true
		if ev := l.radio.acquire(); ev != nil {
			x.wait(ev, xferRadio)
			return nil
		}
	}
	x.awake()
	return nil
}

// Abort interrupts the transfer as sim.Process.Interrupt would the process
// running Link.Upload at its current wait: done is called now with the
// error naming what it was waiting for and wrapping in. It does nothing if
// no transfer is under way.
func (x *Transferer) Abort(in *sim.Interrupt) {
	var what string
	switch x.state {
	case xferIdle:
		return
	case xferRadio:
		what = "waiting for the radio"
	case xferHSWait:
		what = "waiting for the handshake"
	case xferHandshake:
		x.timer.Stop()
		x.l.connecting = nil
		x.hs.Succeed(false)
		x.hs = nil
		x.t.Cold = true
		what = "handshake"
	case xferLatDown, xferLatUp:
		x.timer.Stop()
		what = "latency"
	case xferFlow:
		x.f.Cancel()
		x.ch.putFlow(x.f)
		x.f = nil
		what = "flow"
	}
	x.tok = nil // an event wait, if any, is forgotten
	x.end(fmt.Errorf("network: %s: %s %s: %w", x.l.name, x.t.Dir, what, in))
}

// wait waits for ev in state s (returning at once, as Proc.Wait does, if
// ev is already processed).
func (x *Transferer) wait(ev *sim.Event, s xferState) {
	x.state = s
	if ev.Processed() {
		x.fired(ev)
		return
	}
	if x.tok == nil {
		x.tok = &xferTok{x: x}
		x.tok.fn = x.tok.fire
	}
	ev.AddCallback(x.tok.fn)
}

func (x *Transferer) sleep(d float64, s xferState) {
	x.state = s
	x.timer.Reset(d)
}

// fired goes on after the event the transfer waited on (the events it
// waits on never fail: promotions, handshakes and flows succeed).
func (x *Transferer) fired(ev *sim.Event) {
	switch x.state {
	case xferRadio:
		x.awake()
	case xferHSWait:
		if ev.Value() == true {
			x.connected()
			return
		}
		x.connect() // the handshaking transfer was interrupted: try again
	case xferFlow:
		x.ch.putFlow(x.f)
		x.f = nil
		x.releaseRadio()
		if x.t.Dir == Up {
			x.sleep(float64(x.ch.latency+x.t.Jitter), xferLatUp)
			return
		}
		x.finish()
	}
}

func (x *Transferer) onTimer() {
	switch x.state {
	case xferHandshake:
		x.l.connecting = nil
		x.hs.Succeed(true)
		x.hs = nil
		x.t.Cold = true
		x.connected()
	case xferLatDown:
		x.startFlow()
	case xferLatUp:
		x.finish()
	}
}

func (x *Transferer) awake() {
	l := x.l
	x.t.Awake = l.env.Now()
	l.inUse++
	x.using = true
	x.connect()
}

// connect is Link.connect: pay the handshake when the connection is
// cold, or wait for the one under way.
func (x *Transferer) connect() {
	l := x.l
	for {
		if ev := l.connecting; ev != nil {
			if ev.Processed() {
				if ev.Value() == true {
					x.connected()
					return
				}
				continue
			}
			x.wait(ev, xferHSWait)
			return
		}
		if !l.cold(l.inUse - 1) {
			x.connected()
			return
		}
		x.hs = l.env.NewNamedEvent(l.handshake())
		l.connecting = x.hs
		x.sleep(float64(l.model.Setup(l.RTT())), xferHandshake)
		return
	}
}

// connected is moveData's start.
func (x *Transferer) connected() {
	x.l.used = true
	x.t.Connected = x.l.env.Now()
	if x.t.Dir == Down {
		x.sleep(float64(x.ch.latency+x.t.Jitter), xferLatDown)
		return
	}
	x.startFlow()
}

func (x *Transferer) startFlow() {
	l := x.l
	x.f = x.ch.startPooled(x.t.Size, l.model, l.RTT())
	x.t.FirstByte = l.env.Now()
	if x.t.Dir == Up {
		x.t.FirstByte += float64(x.ch.latency + x.t.Jitter)
	}
	x.wait(x.f.Done(), xferFlow)
}

func (x *Transferer) releaseRadio() {
	if x.held {
		x.held = false
		x.l.radio.release()
	}
}

func (x *Transferer) finish() {
	x.t.End = x.l.env.Now()
	x.end(nil)
}

// end runs what Link.transfer defers (the connection's use, then the
// radio) and reports the outcome.
func (x *Transferer) end(err error) {
	if x.using {
		x.using = false
		x.l.doneUsing()
	}
	x.releaseRadio()
	x.state = xferIdle
	done, t := x.done, x.t
	x.done = nil
	done(t, err)
}
