package devices

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/infersim/infersim/devices/engine"
	"github.com/infersim/infersim/network"
	"github.com/infersim/infersim/result"
	"github.com/infersim/infersim/sim"
	"github.com/infersim/infersim/units"
)

// Request is one inference the app is asked for.
type Request struct {
	Model         string // e.g. "alexnet"
	Mode          Mode
	Width, Height int        // the photo, e.g. 3840×2160
	Upload        UploadKind // what a cloud request (or split:0) uploads
	// Timeout ends the request with outcome timeout if it has not ended
	// Timeout after its arrival; 0 means no timeout.
	Timeout units.Duration
	// Objective is what auto minimises.
	Objective Objective
	// PhoneTarget and ServerTarget choose the processors of split and
	// auto requests: "" means the phone's CPU framework (its GPU one if it
	// has no CPU one) and the GPU server (the CPU server if there is no
	// GPU server).
	PhoneTarget, ServerTarget engine.Target
}

// request is a request in flight: the process's state, reused from the
// phone's pool. Every phone of a crowd has one in flight at once, so its
// size counts: 880 bytes, with the allocator's 8-byte header (an object
// with pointers above 512 bytes) the 896-byte size class; 8 bytes more
// and it is 1,024 (TestStateSizes).
type request struct {
	ph  *Phone
	rq  Request
	rec result.Record

	proc      *sim.Process
	runFn     func(*sim.Proc) error
	timeoutFn func()
	deadline  float64
	active    bool // between Submit and finish
	ended     bool
	loadOnly  bool
	usedRadio bool
	start     energyReading // the meter at the arrival
	end       energyReading // the meter at the end

	pe, prep *engineCache // phone engine (nil for cloud), preprocess engine
	pIdx     int          // phone engine index (noise stream)
	pm       *engineModel
	srv      *Server
	sm       *engineModel
	ni       *netInfo
	k        int // layers run on the phone

	times, allocs []float64

	// The remote part as callbacks (remote.go).
	cb       bool // handed over: the remote part runs as callbacks
	intrSent bool // an interrupt was sent to the process
	trace    bool // tracing only (tr)
	rstate   remoteState
	gen      uint32
	up       float64
	hStart   float64
	xfer     *network.Transferer
	xferLink *network.Link
	upFn     func(network.Transfer, error)
	downFn   func(network.Transfer, error)
	timer    *sim.Timer
	job      *job
	jtok     *jobTok
	ld       *cbLoad // a callback preload (preload.go)
	startFn  func()

	// tracing only
	tr *reqTrace // made on the first traced request
}

// reqTrace is what a request needs only when it is traced: the layers
// of the computation it traces and the meter at a piece's start.
type reqTrace struct {
	layers []engine.LayerCost
	times  []float64
	idx    int
	off    float64
	read   energyReading
	gcLbl  string // a callback load's blocking collection (preload.go)
}

func (ph *Phone) getRequest() *request {
	if n := len(ph.pool); n > 0 {
		r := ph.pool[n-1]
		ph.pool = ph.pool[:n-1]
		return r
	}
	r := &request{ph: ph}
	r.runFn = r.run
	r.timeoutFn = r.onTimeout
	return r
}

func (ph *Phone) putRequest(r *request) {
	r.active, r.proc, r.srv, r.pe, r.prep, r.pm, r.sm, r.ni = false, nil, nil, nil, nil, nil, nil, nil
	if r.tr != nil {
		r.tr.layers, r.tr.times = nil, nil
	}
	ph.pool = append(ph.pool, r)
}

// Submit starts a request now, as a process of its own; its record is
// delivered through OnRecord when its accounting closes. Submitting also
// closes the accounting of requests that ended while the radio was still
// in its tail (the tail they caused ends where this request starts).
//
// Submit returns an error, and starts nothing, for a request it cannot
// run: a mode needing a processor, server or link the phone does not
// have, a model unknown to the processors or the model zoo, an invalid
// split cut (the error lists the valid ones), a non-positive image size.
// A model the framework cannot run (CNNdroid × SqueezeNet) is not an
// error: the request ends at once with outcome unsupported.
func (ph *Phone) Submit(rq Request) error {
	r, err := ph.prepare(rq, false)
	if err != nil {
		return err
	}
	if r.callbacksFromStart() {
		if r.ld == nil {
			r.ld = &cbLoad{}
		}
		ph.launchCallbacks(r)
		return nil
	}
	ph.launch(r)
	return nil
}

// Preload loads model for a phone target (phone-cpu or phone-gpu) now, in
// a process of its own, as a request would, but delivers no record. It
// returns the process (wait on it to know when the model is resident) or
// an error for an unknown target or model.
func (ph *Phone) Preload(model string, t engine.Target) (*sim.Process, error) {
	mode := Mode{Kind: OnDeviceCPU}
	if t == engine.PhoneGPU {
		mode.Kind = OnDeviceGPU
	} else if t != engine.PhoneCPU {
		return nil, fmt.Errorf("devices: phone %s: preload: target %q is not a phone target", ph.name, t)
	}
	r, err := ph.prepare(Request{Model: model, Mode: mode, Width: 1, Height: 1}, true)
	if err != nil {
		return nil, err
	}
	ph.launch(r)
	return r.proc, nil
}

func (ph *Phone) prepare(rq Request, loadOnly bool) (*request, error) {
	if rq.Width <= 0 || rq.Height <= 0 {
		return nil, ph.requestErr(rq, "image size %dx%d must be positive", rq.Width, rq.Height)
	}
	if rq.Timeout < 0 || math.IsNaN(float64(rq.Timeout)) {
		return nil, ph.requestErr(rq, "timeout %v must not be negative", rq.Timeout)
	}
	ni, err := ph.net(rq.Model)
	if err != nil {
		return nil, err
	}
	rt, err := ph.route(rq, ni)
	if err != nil {
		return nil, err
	}
	if err := ph.needs(rq, ni, &rt); err != nil {
		return nil, err
	}
	r := ph.getRequest()
	r.rq, r.loadOnly, r.k, r.ni, r.srv, r.pIdx = rq, loadOnly, rt.k, ni, nil, rt.pIdx
	r.pe, r.pm, r.sm = nil, nil, nil
	if err := ph.bind(r, rt); err != nil {
		ph.putRequest(r)
		return nil, err
	}
	if r.prep = ph.crowd.engines[cpuIdx]; r.prep == nil {
		r.prep = ph.crowd.engines[gpuIdx]
	}
	return r, nil
}

// requestErr is an error about a request the phone refuses.
func (ph *Phone) requestErr(rq Request, format string, args ...any) error {
	return fmt.Errorf("devices: phone %s: request %s %s: %s", ph.name, rq.Model, rq.Mode, fmt.Sprintf(format, args...))
}

// route is where a request's layers run: the phone processor (pIdx, -1
// for none) for layers [0, k), the server srv (nil for none) for the
// rest, and whether each part is needed.
type route struct {
	pIdx                  int
	srv                   *Server
	k                     int
	needPhone, needServer bool
	pe                    *engineCache
}

// route resolves the request's mode to processors and a cut.
func (ph *Phone) route(rq Request, ni *netInfo) (route, error) {
	rt := route{pIdx: -1}
	switch rq.Mode.Kind {
	case OnDeviceCPU:
		rt.pIdx, rt.k = cpuIdx, ni.layers
	case OnDeviceGPU:
		rt.pIdx, rt.k = gpuIdx, ni.layers
	case CloudCPU:
		if rt.srv = ph.servers[cpuIdx]; rt.srv == nil {
			return rt, ph.requestErr(rq, "no %s server connected", engine.ServerCPU)
		}
	case CloudGPU:
		if rt.srv = ph.servers[gpuIdx]; rt.srv == nil {
			return rt, ph.requestErr(rq, "no %s server connected", engine.ServerGPU)
		}
	case Split, Auto:
		return ph.routeSplit(rq)
	default:
		return rt, ph.requestErr(rq, "unknown mode kind %d", rq.Mode.Kind)
	}
	return rt, nil
}

// routeSplit resolves a split or auto request's phone and server targets
// (by default the phone's CPU and the GPU server, where there are) and a
// split's cut.
func (ph *Phone) routeSplit(rq Request) (route, error) {
	rt := route{pIdx: -1}
	switch rq.PhoneTarget {
	case "":
		rt.pIdx = cpuIdx
		if ph.crowd.engines[cpuIdx] == nil {
			rt.pIdx = gpuIdx
		}
	case engine.PhoneCPU:
		rt.pIdx = cpuIdx
	case engine.PhoneGPU:
		rt.pIdx = gpuIdx
	default:
		return rt, ph.requestErr(rq, "phone target %q is not phone-cpu or phone-gpu", rq.PhoneTarget)
	}
	switch rq.ServerTarget {
	case "":
		if rt.srv = ph.servers[gpuIdx]; rt.srv == nil {
			rt.srv = ph.servers[cpuIdx]
		}
	case engine.ServerCPU:
		rt.srv = ph.servers[cpuIdx]
	case engine.ServerGPU:
		rt.srv = ph.servers[gpuIdx]
	default:
		return rt, ph.requestErr(rq, "server target %q is not server-cpu or server-gpu", rq.ServerTarget)
	}
	if rq.Mode.Kind == Split {
		if err := ph.validateSplit(rq.Model, rq.Mode.K); err != nil {
			return rt, err
		}
		rt.k = rq.Mode.K
	}
	return rt, nil
}

// needs decides which parts of the route the request uses (auto without
// a server runs on the phone, auto without a phone processor on the
// server) and checks that they are connected.
func (ph *Phone) needs(rq Request, ni *netInfo, rt *route) error {
	auto := rq.Mode.Kind == Auto
	rt.needPhone = rt.k > 0 || auto
	rt.needServer = rt.k < ni.layers || auto
	if auto && rt.srv == nil && rt.pIdx >= 0 && ph.crowd.engines[rt.pIdx] != nil {
		rt.needServer = false // auto without a server: on-device only
	}
	if rt.pIdx >= 0 {
		rt.pe = ph.crowd.engines[rt.pIdx]
	}
	if rt.needPhone && rt.pe == nil {
		if !auto || rt.srv == nil {
			return ph.requestErr(rq, "the phone has no processor for this mode (PhoneOptions.CPU/GPU)")
		}
		rt.needPhone = false
	}
	if rt.needServer {
		if rt.srv == nil {
			return ph.requestErr(rq, "no server connected")
		}
		if ph.link == nil {
			return ph.requestErr(rq, "no link connected")
		}
	}
	return nil
}

// bind gives the request what its engines say about its model, and
// checks that they agree with the net on its layers.
func (ph *Phone) bind(r *request, rt route) error {
	rq := r.rq
	if rt.needPhone {
		r.pe = rt.pe
		r.pm = rt.pe.model(rq.Model)
		if r.pm.err != nil && !isUnsupported(r.pm.err) {
			return fmt.Errorf("devices: phone %s: %w", ph.name, r.pm.err)
		}
		if r.pm.err == nil && r.pm.loadErr != nil {
			return fmt.Errorf("devices: phone %s: %w", ph.name, r.pm.loadErr)
		}
	}
	if rt.needServer {
		r.srv = rt.srv
		r.sm = rt.srv.eng.model(rq.Model)
		if r.sm.err != nil && !isUnsupported(r.sm.err) {
			return fmt.Errorf("devices: phone %s: %w", ph.name, r.sm.err)
		}
	}
	for _, m := range []struct {
		em *engineModel
		e  *engineCache
	}{{r.pm, r.pe}, {r.sm, srvEngine(r.srv)}} {
		if m.em != nil && m.em.err == nil && len(m.em.layers) != r.ni.layers {
			return ph.requestErr(rq, "processor %s has %d layers for %s, the model has %d", m.e.e.Name(), len(m.em.layers), rq.Model, r.ni.layers)
		}
	}
	return nil
}

func srvEngine(s *Server) *engineCache {
	if s == nil {
		return nil
	}
	return s.eng
}

// prepEngine returns the processor that preprocesses the photo for cut
// k: the phone's computing framework when it computes layers, else the
// phone's CPU framework (its GPU one if it has none).
func (r *request) prepEngine(k int) *engineCache {
	if k > 0 && r.pe != nil {
		return r.pe
	}
	return r.prep
}

func isUnsupported(err error) bool {
	var u *engine.UnsupportedError
	return errors.As(err, &u)
}

func (ph *Phone) launch(r *request) {
	ph.launchState(r)
	r.proc = ph.env.Process(ph.ln().req, r.runFn)
}

// launchState is launch without the process: the record, the meter, the
// timeout.
func (ph *Phone) launchState(r *request) {
	now := ph.env.Now()
	if !r.loadOnly {
		ph.closePending()
	}
	r.rec.Reset()
	rec := &r.rec
	rec.Phone = ph.opt.Index
	rec.Request = ph.nreq
	if !r.loadOnly {
		ph.nreq++
	}
	rec.Model = r.rq.Model
	rec.Mode = ph.modeLabel(r.rq.Mode)
	rec.Image = ph.imageLabel(r.rq.Width, r.rq.Height)
	rec.Arrival = now
	if r.rq.Mode.Kind == Split {
		rec.Split = r.k
	}
	r.active, r.ended, r.usedRadio = true, false, false
	r.cb, r.intrSent, r.rstate = false, false, remoteNone
	r.gen++
	r.trace = ph.opt.Sink != nil
	if r.trace && r.tr == nil {
		r.tr = &reqTrace{}
	}
	r.start = ph.meter.Read()
	ph.inflight = append(ph.inflight, r)
	r.deadline = math.Inf(1)
	if t := float64(r.rq.Timeout); t > 0 {
		r.deadline = now + t
		ph.env.Schedule(t, r.timeoutFn)
	}
}

// modeLabel and imageLabel return a mode's and an image size's labels,
// the phone's last of each kind kept (Phone.lblMode, lblImage).
func (ph *Phone) modeLabel(m Mode) string {
	if ph.lblMode != "" && ph.lblKind == m.Kind && int(ph.lblK) == m.K {
		return ph.lblMode
	}
	s := m.String()
	if int(int32(m.K)) == m.K {
		ph.lblMode, ph.lblKind, ph.lblK = s, m.Kind, int32(m.K)
	}
	return s
}

func (ph *Phone) imageLabel(w, h int) string {
	if ph.lblImage != "" && int(ph.lblW) == w && int(ph.lblH) == h {
		return ph.lblImage
	}
	s := strconv.Itoa(w) + "x" + strconv.Itoa(h)
	if int(int32(w)) == w && int(int32(h)) == h {
		ph.lblImage, ph.lblW, ph.lblH = s, int32(w), int32(h)
	}
	return s
}

func (r *request) onTimeout() {
	if r.active && !r.ended && r.ph.env.Now() >= r.deadline {
		r.abort(errTimeout)
	}
}

// abort interrupts the request's process with cause, unless it is the
// running process (which then sees the cause as an error it returns).
func (r *request) abort(cause error) {
	if r.cb && !r.ended {
		if r.ld != nil && r.ld.self {
			return // the load's own allocation: it sees the kill itself
		}
		r.abortRemote(cause)
		return
	}
	if r.proc != nil && r.proc.IsAlive() && !r.ended {
		if r.proc.Interrupt(cause) == nil {
			r.intrSent = true
		}
	}
}

// errHandedOff ends a request's process whose remote part goes on as
// callbacks (remote.go).
var errHandedOff = errors.New("devices: handed over to callbacks")

func (r *request) run(p *sim.Proc) error {
	err := r.body(p)
	if err == errHandedOff {
		return nil
	}
	r.finish(p.Now(), err)
	if err != nil && !knownOutcome(err) {
		// A processor error the request could not have met at Submit: a
		// programmer error, surfaced by sim.Env.Run as a failed process.
		return fmt.Errorf("devices: phone %s: request %d (%s %s): %w", r.ph.name, r.rec.Request, r.rq.Model, r.rq.Mode, err)
	}
	return nil
}

func (r *request) body(p *sim.Proc) error {
	ph := r.ph
	if !ph.life.fg {
		if ph.spec.Lifecycle.BackgroundRequests == "drop" {
			return errDropped
		}
		if _, err := p.Wait(ph.life.fgEvent); err != nil {
			return err
		}
	}
	if r.rq.Mode.Kind == Auto {
		r.k = r.choose()
		if r.k < 0 {
			return errUnsupported
		}
		r.rec.Split = r.k
	}
	n := r.ni.layers
	if (r.k > 0 && r.pm.err != nil) || (r.k < n && r.sm.err != nil) {
		return errUnsupported
	}
	if err := r.phonePart(p); err != nil || r.loadOnly || r.k == n {
		return err
	}
	if r.handOff() {
		r.startRemote()
		return errHandedOff
	}
	return r.remotePart(p)
}

// phonePart runs the request's work on the phone, on the app's inference
// thread: load the model if needed, preprocess the photo, compute the
// phone's layers.
func (r *request) phonePart(p *sim.Proc) error {
	ph := r.ph
	w := ph.worker.Request()
	defer w.Release()
	if _, err := p.Wait(w); err != nil {
		return err
	}
	if r.k > 0 && !ph.isResident(r.rq.Model, r.pe.target) {
		if err := r.countedLoad(p); err != nil {
			return err
		}
	}
	if r.loadOnly {
		return nil
	}
	if err := r.preprocess(p); err != nil {
		return err
	}
	if r.k > 0 {
		return r.compute(p)
	}
	return nil
}

// load reads the model file from storage, parses it (allocating the
// resident weights in the Java heap for a Java framework, natively
// otherwise) and converts it for a GPU framework.
func (r *request) load(p *sim.Proc) error {
	ph, rec, pm, fw := r.ph, &r.rec, r.pm, r.pe.fw
	if pm.loadErr != nil {
		return pm.loadErr
	}
	rec.Cold = true
	lc := pm.load
	// Read the file.
	sreq := ph.storage.Request()
	defer sreq.Release()
	if _, err := p.Wait(sreq); err != nil {
		return err
	}
	start := p.Now()
	if r.trace {
		r.tr.read = ph.meter.Read()
	}
	err := p.Sleep(float64(lc.FileBytes) / float64(ph.spec.Storage.ReadRate))
	rec.AddPhase(result.Load, start, p.Now())
	if r.trace {
		ph.span(ph.ln().storage, "read "+r.rq.Model+" "+lc.FileBytes.String(), start, p.Now(), energyAttrs(r.tr.read, ph.meter.Read()))
	}
	sreq.Release()
	if err != nil {
		return err
	}
	// Parse, materialising the resident parameters.
	res := &residentModel{}
	parse := float64(lc.Parse)
	if fw.JavaHeap && lc.ResidentBytes > 0 {
		// Allocate layer by layer, in proportion to the resident layers'
		// parameter bytes, with the parse time spread the same way.
		var total float64
		for i, l := range pm.layers {
			if pm.resident[i] {
				total += float64(l.ParamBytes)
			}
		}
		t, a := r.times[:0], r.allocs[:0]
		if total > 0 {
			for i, l := range pm.layers {
				if pm.resident[i] && l.ParamBytes > 0 {
					f := float64(l.ParamBytes) / total
					t = append(t, parse*f)
					a = append(a, float64(lc.ResidentBytes)*f)
				}
			}
		} else {
			t, a = append(t, parse), append(a, float64(lc.ResidentBytes))
		}
		r.times, r.allocs = t, a
		if r.tr != nil {
			r.tr.layers = nil
		}
		err := r.runSteps(p, t, a, false, result.Load, ph.ln().cpu, 1, false, &res.java)
		if err != nil {
			ph.release(res.java)
			return err
		}
	} else {
		res.native = float64(lc.ResidentBytes)
		ph.mem.native += res.native
		ph.memoryChanged()
		if !ph.mem.alive {
			return errKilled
		}
		if err := r.work(p, parse, result.Load, ph.ln().cpu, 1, false); err != nil {
			if ph.mem.alive {
				ph.mem.native -= res.native
			}
			return err
		}
	}
	// Convert and upload for the GPU.
	if err := r.work(p, float64(lc.Convert), result.Load, ph.ln().cpu, 1, false); err != nil {
		ph.release(res.java)
		if ph.mem.alive {
			ph.mem.native -= res.native
		}
		return err
	}
	if ph.resident == nil {
		ph.resident = map[residentKey]*residentModel{}
	}
	ph.resident[residentKey{r.rq.Model, r.pe.target}] = res
	return nil
}

// preprocess decodes the photo into a bitmap (width × height × 4 bytes in
// the Java heap, as Android 5–7 keeps bitmap pixels) and resizes it.
func (r *request) preprocess(p *sim.Proc) error {
	ph := r.ph
	e := r.prepEngine(r.k)
	if e == nil {
		return nil
	}
	bitmap := float64(r.rq.Width) * float64(r.rq.Height) * 4 * ph.spec.GC.AllocScale
	if err := ph.allocate(p, &r.rec, bitmap); err != nil {
		return err
	}
	err := r.work(p, ph.heat.stretch(float64(e.e.Preprocess(r.rq.Width, r.rq.Height)), 0, false, 1), result.Preprocess, ph.ln().cpu, 1, false)
	ph.release(bitmap)
	return err
}

// compute runs the phone's layers [0, k): each layer's time drawn from the
// processor (plus, over the parameter budget, re-reading and converting
// its parameters); a Java framework allocates each layer's output (and the
// re-read parameters) in the Java heap. The layers run as one hold of
// their summed time, split only where an allocation needs the collector.
func (r *request) compute(p *sim.Proc) error {
	ph, pm, e, fw := r.ph, r.pm, r.pe.e, r.pe.fw
	rng := ph.noiseStream(r.pIdx)
	read := float64(ph.spec.Storage.ReadRate)
	scale := ph.spec.GC.AllocScale
	t, a := r.times[:0], r.allocs[:0]
	for i := 0; i < r.k; i++ {
		lt := ph.heat.stretch(pm.sample(e, i, rng), pm.layers[i].MemBound, fw.UsesGPU, fw.CoresBusy)
		al := 0.0
		if rr := pm.reread[i]; rr > 0 {
			lt += float64(rr)/read + float64(e.ConvertTime(units.Bytes(rr)))
			if fw.JavaHeap {
				al += float64(rr)
			}
		}
		if fw.JavaHeap {
			al += float64(pm.layers[i].OutBytes)
		}
		t = append(t, lt)
		a = append(a, al*scale)
	}
	r.times, r.allocs = t, a
	lane := ph.ln().cpu
	if fw.UsesGPU {
		lane = ph.ln().gpu
		g := ph.gpuQueue().Request()
		defer g.Release()
		if _, err := p.Wait(g); err != nil {
			return err
		}
	}
	if r.trace && ph.opt.TraceLayers {
		r.tr.layers, r.tr.times, r.tr.idx, r.tr.off = pm.layers[:r.k], t, 0, 0
	}
	err := r.runSteps(p, t, a, true, result.Compute, lane, fw.CoresBusy, fw.UsesGPU, nil)
	if r.tr != nil {
		r.tr.layers = nil
	}
	return err
}

// runSteps runs steps in order: step i allocates a[i] Java bytes, then
// works t[i] seconds. Consecutive steps are held as one work period, cut
// only before an allocation that needs the collector. With transient set,
// a step's bytes become garbage once the next step has allocated (a
// layer's output dies when the next layer has consumed it); otherwise they
// stay live and are added to *kept.
func (r *request) runSteps(p *sim.Proc, t, a []float64, transient bool, phase result.Phase, lane string, cores float64, gpu bool, kept *float64) error {
	ph := r.ph
	pending, prev := 0.0, 0.0
	for i := range t {
		if n := a[i]; n > 0 {
			if ph.mem.heap.decide(n) != gcNone && pending > 0 {
				if err := r.work(p, pending, phase, lane, cores, gpu); err != nil {
					ph.release(prev)
					return err
				}
				pending = 0
			}
			if err := ph.allocate(p, &r.rec, n); err != nil {
				ph.release(prev)
				return err
			}
			if kept != nil {
				*kept += n
			}
		}
		if transient {
			ph.release(prev)
			prev = a[i]
		}
		pending += t[i]
	}
	err := r.work(p, pending, phase, lane, cores, gpu)
	ph.release(prev)
	return err
}

// work runs d seconds of managed work on the app's thread: it holds the
// mutator, keeps cores busy (and the GPU), and records the time as phase.
// A GC pause preempts it (sim.Preempted): the piece done so far is
// recorded, and the time until the mutator comes back is recorded as gc;
// then the remaining work goes on. Any other interrupt ends it.
func (r *request) work(p *sim.Proc, d float64, phase result.Phase, lane string, cores float64, gpu bool) error {
	if d <= 0 {
		return nil
	}
	ph, rec := r.ph, &r.rec
	asked := p.Now()
	for {
		req := ph.mutator.Request(prioWork, false)
		if _, err := p.Wait(req); err != nil {
			req.Cancel()
			if preempted(err) != nil {
				// Granted, then preempted before this process resumed.
				continue
			}
			return err
		}
		if now := p.Now(); now > asked {
			rec.AddPhase(result.GC, asked, now)
		}
		start := p.Now()
		if r.trace {
			r.tr.read = ph.meter.Read()
		}
		ph.cpu.add(cores)
		if gpu {
			ph.gpu.set(true)
		}
		err := p.Sleep(d)
		ph.cpu.add(-cores)
		if gpu {
			ph.gpu.set(false)
		}
		end := p.Now()
		req.Release()
		if end > start {
			rec.AddPhase(phase, start, end)
			if r.trace {
				r.tracePiece(phase, lane, start, end)
			}
		}
		if err == nil {
			return nil
		}
		pre := preempted(err)
		if pre == nil {
			return err
		}
		d -= end - pre.UsageSince
		if d <= 1e-12 {
			return nil
		}
		asked = end
	}
}

// tracePiece emits a work piece: per layer when layers are traced, else
// as the phase.
func (r *request) tracePiece(phase result.Phase, lane string, start, end float64) {
	ph := r.ph
	attrs := energyAttrs(r.tr.read, ph.meter.Read())
	if phase != result.Compute || r.tr.layers == nil {
		ph.span(lane, phase.String()+" "+r.rq.Model, start, end, attrs)
		return
	}
	t := start
	for t < end-1e-15 && r.tr.idx < len(r.tr.times) {
		left := r.tr.times[r.tr.idx] - r.tr.off
		take := math.Min(left, end-t)
		if take > 0 {
			ph.span(lane, r.tr.layers[r.tr.idx].Name, t, t+take, nil)
		}
		t += take
		r.tr.off += take
		if r.tr.off >= r.tr.times[r.tr.idx]-1e-15 {
			r.tr.idx++
			r.tr.off = 0
		}
	}
}

// uploadBytes returns what the request uploads at cut k.
func (r *request) uploadBytes(k int) float64 {
	if k > 0 {
		return float64(r.ni.cuts[k])
	}
	if r.rq.Upload == UploadOriginal {
		return r.ph.crowd.jpeg.original(r.rq.Width, r.rq.Height)
	}
	return r.ph.crowd.jpeg.resized(r.ni.input)
}

// handlingBytes returns what the server's request handling depends on
// for an upload of up bytes at cut k: the JPEG bytes it
// decodes (none for an activation) and the input tensor it copies to the
// processor (float32 RGB at the model input, or the activation).
func (r *request) handlingBytes(k int, up float64) (image, tensor float64) {
	if k > 0 {
		return 0, float64(r.ni.cuts[k])
	}
	return up, r.ni.input * 3 * 4
}

// remotePart uploads the JPEG or the activation, has the server handle
// the request (HandlingTime: accept, decode, set-up, copies, response) and
// finish its layers, and downloads the result.
func (r *request) remotePart(p *sim.Proc) error {
	ph, rec := r.ph, &r.rec
	up := r.uploadBytes(r.k)
	r.usedRadio = true
	t, err := ph.link.Upload(p, units.Bytes(up))
	r.addTransfer(t, result.Upload)
	if err != nil {
		return err
	}
	rec.UpBytes = up
	if h := r.srv.handlingTime(r.handlingBytes(r.k, up)); h > 0 {
		start := p.Now()
		if err := p.Sleep(h); err != nil {
			return err
		}
		rec.AddPhase(result.Handling, start, p.Now())
		if r.srv.sink != nil {
			r.srv.span(r.srv.queueLn, result.ActivityHandling.Word(), start, p.Now())
		}
	}
	j := r.srv.submit(r.rq.Model, r.k, r.sm)
	if j == nil {
		return errDropped
	}
	if _, err := p.Wait(j.done); err != nil {
		r.srv.cancel(j)
		return err
	}
	rec.AddPhase(result.Queue, j.arrival, j.start)
	if j.load > 0 {
		rec.Cold = true
		rec.AddPhase(result.Load, j.start, j.start+j.load)
	}
	rec.AddPhase(result.Server, j.start+j.load, j.end)
	r.srv.putJob(j)
	t, err = ph.link.Download(p, downloadBytes)
	r.addTransfer(t, result.Download)
	if err != nil {
		return err
	}
	rec.DownBytes = float64(downloadBytes)
	return nil
}

// addTransfer records a transfer's wake and data phases.
func (r *request) addTransfer(t network.Transfer, data result.Phase) {
	rec := &r.rec
	if t.End == 0 && t.Start == 0 {
		return
	}
	if t.Connected > t.Start {
		rec.AddPhase(result.Wake, t.Start, t.Connected)
	}
	if t.End > t.Connected {
		rec.AddPhase(data, t.Connected, t.End)
	}
	if r.trace {
		ph := r.ph
		dir := result.LaneUp
		if data == result.Download {
			dir = result.LaneDown
		}
		lane := result.NewLane(ph.link.Name(), dir).String()
		if t.Connected > t.Start {
			ph.span(lane, result.ActivityWake.Word(), t.Start, t.Connected, nil)
		}
		if t.End > t.Connected {
			ph.span(lane, data.String()+" "+t.Size.String(), t.Connected, t.End, nil)
		}
	}
}

// finish ends the request: outcome, end time, the end hook; its
// accounting closes now unless it used the radio and the radio is not
// idle yet.
func (r *request) finish(now float64, err error) {
	ph, rec := r.ph, &r.rec
	r.ended = true
	rec.End = now
	rec.Outcome = outcomeOf(err)
	for i, x := range ph.inflight {
		if x == r {
			ph.inflight = append(ph.inflight[:i], ph.inflight[i+1:]...)
			break
		}
	}
	if r.loadOnly {
		ph.putRequest(r)
		return
	}
	ph.stats.Requests++
	r.end = ph.meter.Read()
	if r.trace {
		ph.span(ph.ln().req, rec.Model+" "+rec.Mode+" "+rec.Image+" "+rec.Outcome.String(), rec.Arrival, rec.End, nil)
	}
	if !r.usedRadio || ph.radioState == ph.radioIdle {
		if ph.onEnd != nil {
			ph.onEnd(rec)
		}
		ph.close(r)
		return
	}
	// Pending before the hook: a Submit from the hook ends the tail now.
	ph.pending = append(ph.pending, r)
	if ph.onEnd != nil {
		ph.onEnd(rec)
	}
}

// chargeEnergy writes into rec the energy the phone spent from start to
// end, plus the radio's energy since end (the tail the record caused,
// TailEnergy), read from the meter now; it returns that reading.
func (ph *Phone) chargeEnergy(rec *result.Record, start, end energyReading) energyReading {
	now := ph.meter.Read()
	d := end.Sub(start)
	for i, e := range d.Energy {
		rec.Energy[i] = float64(e)
	}
	tail := float64(now.Energy[result.Radio] - end.Energy[result.Radio])
	rec.Energy[result.Radio] += tail
	rec.TailEnergy = tail
	return now
}

// close closes a request's accounting now: its energy is what the phone
// spent from its arrival to its end, plus the radio's energy since its end
// (the tail it caused, TailEnergy); the record goes to OnRecord. Only the
// radio is charged after the end: the screen, the idle CPU and GPU during
// a think time belong to no request.
func (ph *Phone) close(r *request) {
	now := ph.chargeEnergy(&r.rec, r.start, r.end)
	if ph.opt.Sink != nil {
		ph.span(ph.ln().req, fmt.Sprintf("record %d closed: %.4g J (cpu %.4g, gpu %.4g, radio %.4g, base %.4g; tail %.4g)", r.rec.Request,
			r.rec.TotalEnergy(), r.rec.Energy[result.CPU], r.rec.Energy[result.GPU], r.rec.Energy[result.Radio], r.rec.Energy[result.Base],
			r.rec.TailEnergy), now.At, now.At, nil)
	}
	if ph.onRecord != nil {
		ph.onRecord(&r.rec)
	}
	ph.putRequest(r)
}

func (ph *Phone) closePending() {
	if len(ph.pending) == 0 {
		return
	}
	// A hook called from close may Submit, which closes pending records:
	// detach the list first so that each closes once.
	list := ph.pending
	ph.pending, ph.spare = ph.spare[:0], nil
	for _, r := range list {
		ph.close(r)
	}
	clear(list)
	if ph.spare == nil {
		ph.spare = list[:0]
	}
}
