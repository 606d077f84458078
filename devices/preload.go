package devices

import (
	"fmt"

	"github.com/infersim/infersim/devices/engine"
	"github.com/infersim/infersim/result"
	"github.com/infersim/infersim/sim"
	"github.com/infersim/infersim/units"
)

// A preload by a native framework (the weights outside the Java heap: no
// allocation there, no collection of its own) is a fixed sequence of waits
// and holds: the app's inference thread, the flash, the read, the parse
// and conversion on the mutator. PreloadEvent runs it as scheduled
// callbacks instead of a process, so a world of 10⁵ phones warming up at
// once starts no 10⁵ coroutines (whose stacks the kernel keeps for reuse
// for the rest of the run). The steps, random draws and kernel events are
// Preload's, in the same order: its start is an Urgent callback where the
// process's start was an Urgent entry, its sleeps are timers, its waits
// event callbacks, its end the completion event's trigger; a collector's
// pause that evicts its hold on the mutator is delivered as the Preempted
// interrupt would be (Phone.gcPause), and a kill as the interrupt
// (request.abort). TestPreloadEventMatchesPreload compares the two.

type loadState uint8

const (
	loadNone    loadState = iota
	loadStart             // scheduled to start
	loadFG                // waiting for the foreground
	loadWorker            // waiting for the inference thread
	loadStorage           // waiting for the flash
	loadRead              // reading the file
	loadMutWait           // work: waiting for the mutator
	loadMutHold           // work: holding it
	loadGCWait            // a blocking collection's pause: waiting for the mutator
	loadGCHold            // the pause
)

// cbLoad is the state of a callback preload (in its request).
//
// Its requests (w, sreq, mreq, gcreq) are the callbacks' alone (nothing
// else keeps them, and a Preempted that quotes gcreq is read only for its
// UsageSince), so they are recycled (sim.Request.Recycle) when done and
// the field cleared at once: a stale pointer would release a reused one.
type cbLoad struct {
	state loadState
	step  int8 // the work under way: 0 parse, 1 convert, 2 preprocess
	self  bool // running synchronously: a kill is seen by return value
	done  *sim.Event
	w     *sim.Request // the inference thread
	sreq  *sim.Request // the flash
	start float64      // the attempt's start (LoadTime)
	rd    float64      // the read's start
	res   residentModel
	// the work under way (request.work's variables)
	d      float64
	asked  float64
	wstart float64
	mreq   *sim.Request
	tok    *loadTok
	// a cloud request's preprocess (step 2)
	bitmap float64
	gcreq  *sim.Request
	gcAt   float64 // the blocking collection's start
	gcPs   float64 // its pause's start
	gcD    float64
}

type loadTok struct {
	r  *request
	fn func(*sim.Event)
}

func (k *loadTok) fire(ev *sim.Event) {
	if k.r.ld.tok == k {
		k.r.loadFired(ev)
	}
}

// PreloadEvent is Preload returning the event of the load's end (it
// succeeds when the load has ended, resident or not). A native framework
// loads as callbacks, without a process (see above); a Java one in
// Preload's process, whose event it returns. The callbacks' event is
// triggered at the end whether or not anything waits on it, where a
// process's event no one waits on is processed without a kernel event:
// an unwaited callback preload counts one event more in sim.events.
func (ph *Phone) PreloadEvent(model string, t engine.Target) (*sim.Event, error) {
	mode := Mode{Kind: OnDeviceCPU}
	if t == engine.PhoneGPU {
		mode.Kind = OnDeviceGPU
	} else if t != engine.PhoneCPU {
		return nil, ph.requestErr(Request{Model: model, Mode: mode}, "preload: target %q is not a phone target", t)
	}
	r, err := ph.prepare(Request{Model: model, Mode: mode, Width: 1, Height: 1}, true)
	if err != nil {
		return nil, err
	}
	if r.pe == nil || r.pe.fw.JavaHeap || processesOnly {
		ph.launch(r)
		return r.proc.Event(), nil
	}
	if r.ld == nil {
		r.ld = &cbLoad{}
	}
	r.ld.done = ph.env.NewNamedEvent(ph.ln().req)
	ph.launchCallbacks(r)
	return r.ld.done, nil
}

// loadStarted is the process's first run (body and phonePart up to the
// inference thread's wait).
func (r *request) loadStarted() {
	ph := r.ph
	r.ld.state = loadNone
	if !ph.life.fg {
		if ph.spec.Lifecycle.BackgroundRequests == "drop" {
			r.loadEnd(errDropped)
			return
		}
		r.loadWait(ph.life.fgEvent, loadFG)
		return
	}
	r.loadBody()
}

func (r *request) loadBody() {
	if n := r.ni.layers; (r.k > 0 && r.pm.err != nil) || (r.k < n && r.sm.err != nil) {
		r.loadEnd(errUnsupported)
		return
	}
	r.ld.w = r.ph.worker.Request()
	r.loadWait(r.ld.w.Event(), loadWorker)
}

// loadWait waits for ev in state s (at once if ev is processed, as
// Proc.Wait returns).
func (r *request) loadWait(ev *sim.Event, s loadState) {
	ld := r.ld
	ld.state = s
	if ev.Processed() {
		r.loadFired(ev)
		return
	}
	if ld.tok == nil {
		ld.tok = &loadTok{r: r}
		ld.tok.fn = ld.tok.fire
	}
	ev.AddCallback(ld.tok.fn)
}

func (r *request) loadFired(ev *sim.Event) {
	ph, ld := r.ph, r.ld
	switch ld.state {
	case loadFG:
		r.loadBody()
	case loadWorker:
		if !r.loadOnly {
			r.preprocessCB()
			return
		}
		// phonePart, the thread held: load unless resident.
		if r.k > 0 && !ph.isResident(r.rq.Model, r.pe.target) {
			if r.pm.loadErr != nil {
				r.loadEnd(r.pm.loadErr)
				return
			}
			ld.start = ph.env.Now()
			r.rec.Cold = true
			ld.sreq = ph.storage.Request()
			r.loadWait(ld.sreq.Event(), loadStorage)
			return
		}
		r.loadEnd(nil)
	case loadStorage:
		ld.rd = ph.env.Now()
		if r.trace {
			r.tr.read = ph.meter.Read()
		}
		ld.state = loadRead
		r.loadTimer().Reset(float64(r.pm.load.FileBytes) / float64(ph.spec.Storage.ReadRate))
	case loadMutWait:
		r.workGranted()
	case loadGCWait:
		r.gcGranted()
	}
}

func (r *request) loadTimer() *sim.Timer {
	if r.timer == nil {
		r.timer = r.ph.env.NewTimer(r.onTimer)
	}
	return r.timer
}

// loadTimerFired is the end of the read or of a work hold.
func (r *request) loadTimerFired() {
	switch r.ld.state {
	case loadRead:
		r.readDone(nil)
	case loadMutHold:
		r.workSlept(nil)
	case loadGCHold:
		r.gcSlept(nil)
	}
}

func (r *request) readDone(err error) {
	ph, ld, lc := r.ph, r.ld, r.pm.load
	now := ph.env.Now()
	r.rec.AddPhase(result.Load, ld.rd, now)
	if r.trace {
		ph.span(ph.ln().storage, "read "+r.rq.Model+" "+lc.FileBytes.String(), ld.rd, now, energyAttrs(r.tr.read, ph.meter.Read()))
	}
	ld.sreq.Recycle()
	ld.sreq = nil
	if err != nil {
		r.loadFailed(err)
		return
	}
	// Parse natively.
	ld.res = residentModel{native: float64(lc.ResidentBytes)}
	ph.mem.native += ld.res.native
	ld.self = true
	ph.memoryChanged()
	ld.self = false
	if !ph.mem.alive {
		r.loadFailed(errKilled)
		return
	}
	r.startWork(0, float64(lc.Parse))
}

// startWork is request.work of d seconds (step 0: parse, 1: convert).
func (r *request) startWork(step int8, d float64) {
	ld := r.ld
	ld.step = step
	if d <= 0 {
		r.workDone(nil)
		return
	}
	ld.d, ld.asked = d, r.ph.env.Now()
	r.askMutator()
}

func (r *request) askMutator() {
	r.ld.mreq = r.ph.mutator.Request(prioWork, false)
	r.loadWait(r.ld.mreq.Event(), loadMutWait)
}

func (r *request) workGranted() {
	ph, ld := r.ph, r.ld
	now := ph.env.Now()
	if now > ld.asked {
		r.rec.AddPhase(result.GC, ld.asked, now)
	}
	ld.wstart = now
	if r.trace {
		r.tr.read = ph.meter.Read()
	}
	ph.cpu.add(1)
	ld.state = loadMutHold
	r.loadTimer().Reset(ld.d)
}

// workSlept is the end of a hold: slept through (err nil) or interrupted.
func (r *request) workSlept(err error) {
	ph, ld := r.ph, r.ld
	ph.cpu.add(-1)
	end := ph.env.Now()
	ld.mreq.Recycle()
	ld.mreq = nil
	if end > ld.wstart {
		phase := result.Load
		if ld.step == 2 {
			phase = result.Preprocess
		}
		r.rec.AddPhase(phase, ld.wstart, end)
		if r.trace {
			r.tracePiece(phase, ph.ln().cpu, ld.wstart, end)
		}
	}
	if err == nil {
		r.workDone(nil)
		return
	}
	pre := preempted(err)
	if pre == nil {
		r.workDone(err)
		return
	}
	ld.d -= end - pre.UsageSince
	if ld.d <= 1e-12 {
		r.workDone(nil)
		return
	}
	ld.asked = end
	r.askMutator()
}

// workDone is the end of a work: the parse goes on to the conversion, the
// conversion to the model's residence.
func (r *request) workDone(err error) {
	ph, ld := r.ph, r.ld
	if ld.step == 2 {
		ph.release(ld.bitmap)
		r.phoneDone(err)
		return
	}
	if ld.step == 0 {
		if err != nil {
			if ph.mem.alive {
				ph.mem.native -= ld.res.native
			}
			r.loadFailed(err)
			return
		}
		r.startWork(1, float64(r.pm.load.Convert))
		return
	}
	if err != nil {
		ph.release(ld.res.java)
		if ph.mem.alive {
			ph.mem.native -= ld.res.native
		}
		r.loadFailed(err)
		return
	}
	if ph.resident == nil {
		ph.resident = map[residentKey]*residentModel{}
	}
	res := ld.res
	ph.resident[residentKey{r.rq.Model, r.pe.target}] = &res
	ph.stats.LoadTime += units.Duration(ph.env.Now() - ld.start)
	ph.stats.Loads++
	r.loadEnd(nil)
}

// loadFailed ends an attempt that was cut short (countedLoad's error path).
func (r *request) loadFailed(err error) {
	ph := r.ph
	ph.stats.LoadTime += units.Duration(ph.env.Now() - r.ld.start)
	ph.stats.LoadAborts.add(err)
	r.loadEnd(err)
}

// loadEnd is the end of the body: the thread released (phonePart's
// deferred Release), finish, the completion event.
func (r *request) loadEnd(err error) {
	if !r.loadOnly {
		r.phoneDone(err)
		return
	}
	ld := r.ld
	if ld.w != nil {
		ld.w.Recycle()
		ld.w = nil
	}
	ld.state = loadNone
	r.cb = false
	done := ld.done
	ld.done = nil
	r.finish(r.ph.env.Now(), err)
	done.Succeed(nil)
}

// deliverLoad is an interrupt (a kill, or a collector's preemption of the
// mutator hold) arriving at the load's current wait.
func (r *request) deliverLoad(in *sim.Interrupt) {
	ld := r.ld
	switch ld.state {
	case loadFG, loadWorker:
		ld.tok = nil
		r.loadEnd(in)
	case loadStorage:
		ld.tok = nil
		ld.sreq.Recycle()
		ld.sreq = nil
		r.loadFailed(in)
	case loadRead:
		r.timer.Stop()
		r.readDone(in)
	case loadMutWait:
		ld.tok = nil
		ld.mreq.Recycle()
		ld.mreq = nil
		if preempted(in) != nil {
			r.askMutator() // granted, then preempted before it went on
			return
		}
		r.workDone(in)
	case loadMutHold:
		r.timer.Stop()
		r.workSlept(in)
	case loadGCWait:
		ld.tok = nil
		ld.gcreq.Recycle()
		ld.gcreq = nil
		r.gcEnd(in)
	case loadGCHold:
		r.timer.Stop()
		r.gcSlept(in)
	}
}

// launchCallbacks is launch for a callback preload: its start is an
// Urgent callback now, where the process's start was.
func (ph *Phone) launchCallbacks(r *request) {
	ph.launchState(r)
	r.cb = true
	r.ld.state = loadStart
	if r.startFn == nil {
		r.startFn = r.loadStarted
	}
	ph.env.SchedulePriority(0, sim.Urgent, r.startFn)
}

// loadHolder returns the callback load holding the mutator, if any, and
// since when: gcPause checks after its preempting request whether it
// evicted that hold, and delivers the Preempted interrupt sim would have
// sent to a process holding it.
func (ph *Phone) loadHolder() (*request, float64) {
	for _, r := range ph.inflight {
		if r.cb && r.ld != nil && r.ld.mreq != nil && r.ld.mreq.Held() {
			return r, r.ld.mreq.UsageSince()
		}
	}
	return nil, 0
}

// callbacksFromStart reports whether a request runs as callbacks from its
// start: a cloud request (no layer on the phone) whose phone part is the
// preprocessing of its photo.
func (r *request) callbacksFromStart() bool {
	k := r.rq.Mode.Kind
	return (k == CloudCPU || k == CloudGPU) && r.k == 0 && r.ph.link != nil && !r.loadOnly && !processesOnly
}

// processesOnly turns the callback paths off (a request and a preload are
// processes from start to end, as before them): for the tests that
// compare the two.
var processesOnly bool

// preprocessCB is phonePart for a cloud request, the thread held: the
// photo's preprocessing (request.preprocess) as callbacks.
func (r *request) preprocessCB() {
	ph, ld := r.ph, r.ld
	e := r.prepEngine(r.k)
	if e == nil {
		r.phoneDone(nil)
		return
	}
	ld.step = 2
	ld.bitmap = float64(r.rq.Width) * float64(r.rq.Height) * 4 * ph.spec.GC.AllocScale
	r.allocCB(ld.bitmap)
}

// allocCB is Phone.allocate of n bytes; it goes on with allocated.
func (r *request) allocCB(n float64) {
	ph := r.ph
	if n <= 0 {
		r.allocated(nil)
		return
	}
	if ph.allocOrBlock(n) {
		r.blockingGCCB()
		return
	}
	r.allocDone()
}

// allocDone is allocate's end: the statistics and the killer.
func (r *request) allocDone() {
	ph := r.ph
	r.ld.self = true
	ph.memoryChanged()
	r.ld.self = false
	if !ph.mem.alive {
		r.allocated(errKilled)
		return
	}
	r.allocated(nil)
}

// allocated goes on after the bitmap's allocation: the preprocessing's
// work, then the bitmap is garbage.
func (r *request) allocated(err error) {
	ph, ld := r.ph, r.ld
	if err != nil {
		r.phoneDone(err)
		return
	}
	e := r.prepEngine(r.k)
	d := ph.heat.stretch(float64(e.e.Preprocess(r.rq.Width, r.rq.Height)), 0, false, 1)
	ld.step = 2
	if d <= 0 {
		r.workDone(nil)
		return
	}
	ld.d, ld.asked = d, ph.env.Now()
	r.askMutator()
}

// blockingGCCB is Phone.blockingGC and its gcPause as callbacks.
func (r *request) blockingGCCB() {
	ph, ld := r.ph, r.ld
	h := &ph.mem.heap
	ld.gcD = ph.gct.blocking(h.live)
	ph.stats.BlockingGCs++
	ld.gcAt = ph.env.Now()
	if ph.opt.Sink != nil {
		r.tr.gcLbl = "blocking GC (live " + units.Bytes(h.live).String() + ", freed " + units.Bytes(h.garbage()).String() + ")"
	}
	holder, since := ph.loadHolder()
	ld.gcreq = ph.mutator.Request(prioGC, true)
	if holder != nil && !holder.ld.mreq.Held() {
		holder.abortRemote(&sim.Preempted{Request: ld.gcreq, UsageSince: since, Resource: ph.mutator})
	}
	r.loadWait(ld.gcreq.Event(), loadGCWait)
}

func (r *request) gcGranted() {
	ph, ld := r.ph, r.ld
	ld.gcPs = ph.env.Now()
	ph.cpu.add(1)
	ld.state = loadGCHold
	r.loadTimer().Reset(ld.gcD)
}

func (r *request) gcSlept(err error) {
	ph, ld := r.ph, r.ld
	ph.cpu.add(-1)
	now := ph.env.Now()
	ph.stats.Pauses++
	ph.stats.PauseTime += units.Duration(now - ld.gcPs)
	if ph.opt.Sink != nil {
		ph.span(ph.ln().gc, r.tr.gcLbl, ld.gcPs, now, nil)
	}
	ld.gcreq.Recycle()
	ld.gcreq = nil
	r.gcEnd(err)
}

// gcEnd is blockingGC after its pause, and allocate after blockingGC.
func (r *request) gcEnd(err error) {
	ph, ld := r.ph, r.ld
	r.rec.AddPhase(result.GC, ld.gcAt, ph.env.Now())
	if err != nil {
		r.allocated(err)
		return
	}
	h := &ph.mem.heap
	h.collect(ph.mem.growthLimit())
	ld.self = true
	ph.memoryChanged()
	ld.self = false
	if !h.fits(ld.bitmap, ph.mem.growthLimit()) {
		ph.stats.OOMs++
		if ph.opt.Sink != nil {
			now := ph.env.Now()
			ph.span(ph.ln().gc, "out of memory: "+units.Bytes(ld.bitmap).String(), now, now, nil)
		}
		r.allocated(errOOM)
		return
	}
	h.alloc(ld.bitmap)
	r.allocDone()
}

// phoneDone is phonePart's end for a cloud request: the thread released,
// then the remote part (or the end).
func (r *request) phoneDone(err error) {
	ld := r.ld
	if ld.w != nil {
		ld.w.Recycle()
		ld.w = nil
	}
	ld.state = loadNone
	if err != nil {
		r.cb = false
		r.finish(r.ph.env.Now(), err)
		if !knownOutcome(err) {
			r.ph.env.NewNamedEvent(r.ph.ln().req).Fail(fmt.Errorf("devices: phone %s: request %d (%s %s): %w", r.ph.name, r.rec.Request, r.rq.Model, r.rq.Mode, err))
		}
		return
	}
	r.startRemote()
}
