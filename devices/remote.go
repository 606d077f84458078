package devices

import (
	"fmt"

	"github.com/infersim/infersim/network"
	"github.com/infersim/infersim/result"
	"github.com/infersim/infersim/sim"
	"github.com/infersim/infersim/units"
)

// A request's remote part (upload, the server's handling, its queue and
// batch, download) is a state machine of scheduled callbacks rather than
// code in the request's process: the process hands over once the phone's
// part is done and ends, so a phone waiting on a crowded server holds no
// coroutine. The callbacks take the same steps as remotePart, with the
// same random draws and the same kernel events in the same order (sleeps
// are timers pushed where the process pushed its sleeps, waits are event
// callbacks, an abort is an Urgent callback where Process.Interrupt pushed
// an Urgent interrupt), so every output is the same either way
// (TestRemoteCallbacksMatchProcess).

type remoteState uint8

const (
	remoteNone     remoteState = iota
	remoteXfer                 // uploading or downloading (r.xfer)
	remoteHandling             // the server's request handling (r.timer)
	remoteJob                  // queued or batched on the server (r.jtok)
)

// jobTok is the request's wait on its job's done event; abandoned when the
// wait is interrupted (the pooled event may fire for another job later).
type jobTok struct {
	r  *request
	fn func(*sim.Event)
}

func (k *jobTok) fire(*sim.Event) {
	if k.r.jtok == k {
		k.r.jobDone()
	}
}

// handOff reports whether the remote part can run as callbacks: not if an
// interrupt was sent to the process and is still pending (the process's
// next wait, in remotePart, receives it).
func (r *request) handOff() bool { return !r.intrSent && r.ph.link != nil && !processesOnly }

// startRemote begins the remote part (remotePart's steps) as callbacks.
func (r *request) startRemote() {
	ph := r.ph
	r.cb = true
	r.up = r.uploadBytes(r.k)
	r.usedRadio = true
	if r.xfer == nil || r.xferLink != ph.link {
		r.xfer, r.xferLink = ph.link.NewTransferer(), ph.link
		r.upFn, r.downFn = r.upDone, r.downDone
	}
	r.rstate = remoteXfer
	if err := r.xfer.Start(network.Up, units.Bytes(r.up), r.upFn); err != nil {
		r.endRemote(err)
	}
}

func (r *request) upDone(t network.Transfer, err error) {
	r.addTransfer(t, result.Upload)
	if err != nil {
		r.endRemote(err)
		return
	}
	r.rec.UpBytes = r.up
	if h := r.srv.handlingTime(r.handlingBytes(r.k, r.up)); h > 0 {
		r.hStart = r.ph.env.Now()
		r.rstate = remoteHandling
		if r.timer == nil {
			r.timer = r.ph.env.NewTimer(r.onTimer)
		}
		r.timer.Reset(h)
		return
	}
	r.submitJob()
}

func (r *request) onTimer() {
	if r.ld != nil && (r.ld.state == loadRead || r.ld.state == loadMutHold || r.ld.state == loadGCHold) {
		r.loadTimerFired()
		return
	}
	if r.rstate != remoteHandling {
		return
	}
	now := r.ph.env.Now()
	r.rec.AddPhase(result.Handling, r.hStart, now)
	if r.srv.sink != nil {
		r.srv.span(r.srv.queueLn, result.ActivityHandling.Word(), r.hStart, now)
	}
	r.submitJob()
}

func (r *request) submitJob() {
	j := r.srv.submit(r.rq.Model, r.k, r.sm)
	if j == nil {
		r.endRemote(errDropped)
		return
	}
	r.job = j
	r.rstate = remoteJob
	if j.done.Processed() {
		r.jobDone()
		return
	}
	if r.jtok == nil {
		r.jtok = &jobTok{r: r}
		r.jtok.fn = r.jtok.fire
	}
	j.done.AddCallback(r.jtok.fn)
}

func (r *request) jobDone() {
	rec, j := &r.rec, r.job
	r.job = nil
	rec.AddPhase(result.Queue, j.arrival, j.start)
	if j.load > 0 {
		rec.Cold = true
		rec.AddPhase(result.Load, j.start, j.start+j.load)
	}
	rec.AddPhase(result.Server, j.start+j.load, j.end)
	r.srv.putJob(j)
	r.rstate = remoteXfer
	if err := r.xfer.Start(network.Down, downloadBytes, r.downFn); err != nil {
		r.endRemote(err)
	}
}

func (r *request) downDone(t network.Transfer, err error) {
	r.addTransfer(t, result.Download)
	if err != nil {
		r.endRemote(err)
		return
	}
	r.rec.DownBytes = float64(downloadBytes)
	r.endRemote(nil)
}

// abortRemote schedules the interrupt of the remote part with cause, as
// Process.Interrupt does: now, Urgent.
func (r *request) abortRemote(cause any) {
	gen := r.gen
	r.ph.env.SchedulePriority(0, sim.Urgent, func() { r.deliver(gen, cause) })
}

// deliver is the interrupt arriving: the wait under way stops and the
// request ends with the interrupt as its error, as in remotePart.
func (r *request) deliver(gen uint32, cause any) {
	if r.gen != gen || !r.cb || r.ended {
		return
	}
	in := &sim.Interrupt{Cause: cause}
	if r.ld != nil && r.ld.state != loadNone {
		if r.ld.state != loadStart { // not started: see preload.go
			r.deliverLoad(in)
		}
		return
	}
	switch r.rstate {
	case remoteXfer:
		r.xfer.Abort(in) // calls upDone or downDone with the error
	case remoteHandling:
		r.timer.Stop()
		r.endRemote(in)
	case remoteJob:
		r.jtok = nil
		j := r.job
		r.job = nil
		r.srv.cancel(j)
		r.endRemote(in)
	}
}

// endRemote is the end of run for a handed-over request: finish, and a
// processor error surfaced as the failure of an event named like the
// process, as the process's failure would be.
func (r *request) endRemote(err error) {
	r.cb, r.rstate = false, remoteNone
	r.finish(r.ph.env.Now(), err)
	if err != nil && !knownOutcome(err) {
		r.ph.env.NewNamedEvent(r.ph.ln().req).Fail(fmt.Errorf("devices: phone %s: request %d (%s %s): %w", r.ph.name, r.rec.Request, r.rq.Model, r.rq.Mode, err))
	}
}
