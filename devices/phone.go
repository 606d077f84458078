package devices

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"sync"

	"github.com/infersim/infersim/devices/engine"
	"github.com/infersim/infersim/models"
	"github.com/infersim/infersim/network"
	"github.com/infersim/infersim/result"
	"github.com/infersim/infersim/sim"
	"github.com/infersim/infersim/units"
)

// PhoneOptions is what a phone needs besides its spec.
type PhoneOptions struct {
	// CPU and GPU are the phone's CPU framework (target phone-cpu, e.g.
	// LoadProcessor("nexus5-caffe-cpu", kp)) and GPU framework (phone-gpu,
	// e.g. "nexus5-cnndroid-gpu"). Either may be nil; a mode that needs a
	// missing one is refused by Submit.
	CPU, GPU Engine
	// KernelProfile gives the JPEG sizes of photos (its preprocess rows);
	// nil or rowless uses the built-in synthetic-photo sizes.
	KernelProfile *models.Profile
	// Nets returns a model's structure (layers and split points); nil
	// means models.Zoo.
	Nets func(name string) (*models.Net, error)
	// Index is the phone's number, copied into every Record.Phone.
	Index int
	// Sink receives trace spans; nil traces nothing at no cost.
	Sink SpanSink
	// TraceLayers adds one span per layer of every on-phone computation
	// (when Sink is set).
	TraceLayers bool
	// OracleAuto makes auto decide from the profiles' own means (the
	// simulator's expected costs) instead of its predictor (predictor.go):
	// for tests of auto's arithmetic, and as the bound a real
	// partitioner's regret is measured against.
	OracleAuto bool
	// Thermal, if set, turns on the phone's thermal model: heat, DVFS and
	// its governor (thermal_phone.go). Nil: none, no number changes.
	Thermal *ThermalOptions
}

// Phone is a simulated phone running the inference app: its CPU cores and
// GPU (sim resources reporting their power to the energy meter), storage,
// memory with the ART heap and garbage collector, the app's life cycle and
// the low-memory killer, and its access link to the cloud. Its
// intent-level methods start requests (Submit), preload models (Preload),
// move the app between foreground and background and set memory pressure;
// the state machines behind them are unexported (see the package doc).
type Phone struct {
	env   *sim.Env
	name  string
	crowd *Crowd     // what the phone shares with its crowd, read-only
	spec  *PhoneSpec // the crowd's
	opt   phoneOpts
	meter *energyMeter
	cpu   cpuModel
	gpu   gpuModel
	// streams make the random streams a phone needs only in some modes
	// (the frameworks' noise, auto's predictor) on first use: a stream is
	// derived from its name alone, so when it is made changes no draw.
	streams *sim.Streams
	// rare is what only some phones need, made on first use (x).
	rare *phoneRare

	storage *sim.Resource           // one flash channel
	worker  *sim.Resource           // the app's inference thread: requests run their phone part one at a time
	mutator *sim.PreemptiveResource // managed code running; a GC pause takes it with preemption

	mem    memory
	gct    gcTimes
	gcProc *sim.Process // the running concurrent GC, nil if none
	life   lifecycle
	procs  []*sim.Process // background processes (life cycle, pressure)

	link       *network.Link
	radioIdle  string
	radioState string
	radioSince float64
	servers    [2]*Server
	resident   map[residentKey]*residentModel
	onRecord   func(*result.Record)
	onEnd      func(*result.Record)
	inflight   []*request
	pending    []*request // ended, accounting open until the radio is idle or the next request
	spare      []*request // closePending's other buffer
	pool       []*request
	nreq       int
	stats      PhoneStats
	// The labels of the last mode and image size a request had (a
	// phone's requests in a world mostly share them): the keys as 32-bit
	// integers (a key that does not fit is not cached), stopped in their
	// padding, so that the Phone is 760 bytes, which with the allocator's
	// 8-byte header of an object with pointers above 512 bytes is its
	// 768-byte size class.
	lblMode, lblImage string
	lblK, lblW, lblH  int32
	lblKind           ModeKind
	stopped           bool
	heat              *phoneHeat // thermal model, nil when off (thermal_phone.go)
	chat              *chatState // chat with a language model, nil when off (llmchat.go)
}

// phoneOpts is a phone's options: its crowd's, and its own index (which
// shadows the crowd's PhoneOptions.Index).
type phoneOpts struct {
	*PhoneOptions
	Index int
}

// phoneRare is the part of a phone that only some phones need, kept
// behind one pointer so that the Phone of a crowd's typical member (one
// mode, no GPU queue, no fluctuating pressure, no trace) stays in a
// smaller size class: at 10⁵ phones each 8 bytes of Phone is 0.8 MB.
type phoneRare struct {
	// predictor is what auto believes of the compute times (predictor.go),
	// made on first use (autoPredictor).
	predictor *autoPredictor
	gpuRes    *sim.Resource // one GPU queue, made on first use (gpuQueue)
	press     *pressure     // nil unless the pressure fluctuates (setPressure)
	noise     [2]*rand.Rand // made on first use (noiseStream)
	lanes     *phoneTrace   // built on first use (tracing, process names): see ln
}

// x returns the phone's rare part, made on first use.
func (ph *Phone) x() *phoneRare {
	if ph.rare == nil {
		ph.rare = &phoneRare{}
	}
	return ph.rare
}

// fluct returns the fluctuating pressure, nil if none.
func (ph *Phone) fluct() *pressure {
	if ph.rare == nil {
		return nil
	}
	return ph.rare.press
}

// phoneTrace is what a phone needs only to trace: its lanes' names and
// the span it hands to the sink.
type phoneTrace struct {
	lanes
	sp result.Span
}

// ln returns the phone's lanes, built on first use: a phone that traces
// nothing and runs its requests as callbacks never needs them (at 10⁵
// phones, 8 strings each and an entry in laneCache).
func (ph *Phone) ln() *lanes {
	x := ph.x()
	if x.lanes == nil {
		x.lanes = &phoneTrace{lanes: phoneLanes(ph.name)}
	}
	return &x.lanes.lanes
}

// noiseStream returns the random stream of a framework's noise (cpuIdx,
// gpuIdx), made on first use.
func (ph *Phone) noiseStream(i int) *rand.Rand {
	x := ph.x()
	if x.noise[i] == nil {
		x.noise[i] = ph.streams.Stream(ph.name + noiseNames[i])
	}
	return x.noise[i]
}

var noiseNames = [2]string{cpuIdx: "/cpu", gpuIdx: "/gpu"}

// autoPredictor returns auto's predictor, made on first use.
func (ph *Phone) autoPredictor() *autoPredictor {
	x := ph.x()
	if x.predictor == nil {
		x.predictor = newPredictor(ph.streams.Stream(ph.name + "/auto-predictor"))
	}
	return x.predictor
}

// gpuQueue returns the phone's GPU queue, made on first use (a resource
// does nothing until requested).
func (ph *Phone) gpuQueue() *sim.Resource {
	x := ph.x()
	if x.gpuRes == nil {
		x.gpuRes = sim.NewResource(ph.env, 1)
	}
	return x.gpuRes
}

type lanes struct{ cpu, gpu, gc, radio, app, req, storage, memory string }

// laneCache maps a phone name to its lanes, built once per name.
var laneCache sync.Map

func phoneLanes(name string) lanes {
	if v, ok := laneCache.Load(name); ok {
		return v.(lanes)
	}
	lane := func(r result.Resource) string { return result.NewLane(name, r).String() }
	l := lanes{cpu: lane(result.LaneCPU), gpu: lane(result.LaneGPU), gc: lane(result.LaneGC), radio: lane(result.LaneRadio),
		app: lane(result.LaneApp), req: lane(result.LaneRequest), storage: lane(result.LaneStorage), memory: lane(result.LaneMemory)}
	laneCache.Store(name, l)
	return l
}

type residentKey struct {
	model  string
	target engine.Target
}

type residentModel struct{ native, java float64 }

// netInfo is what requests need of a model's structure; it is immutable
// once built and shared between phones and worlds.
type netInfo struct {
	layers  int
	input   float64        // input pixels (height × width)
	cuts    map[int]int64  // K (layers on the phone) → activation bytes at the cut
	cutList []int          // valid K, ascending, without 0 and layers
	names   map[int]string // K → the cut blob's name
}

// PhoneStats counts what happened on a phone.
type PhoneStats struct {
	Requests      int
	ConcurrentGCs int
	BlockingGCs   int
	Pauses        int            // GC pauses, concurrent and blocking
	PauseTime     units.Duration // their total
	Loads         int            // model loads that completed (loadstats.go)
	LoadAborts    LoadAborts     // load attempts cut short, by cause
	LoadTime      units.Duration // seconds spent loading, completed and aborted attempts
	Kills         int
	Switches      int // foreground ↔ background transitions
	OOMs          int
	PeakHeap      units.Bytes // largest committed Java heap
	MinFreeMemory units.Bytes
	GCWorkTime    units.Duration // background CPU time of concurrent GCs
	AutoDecisions int            // cuts auto chose
	// AutoRegret sums, over auto's decisions, the relative regret of the
	// cut chosen from the predictor against the best cut by the
	// simulator's own expected costs: cost(chosen)/cost(best) − 1.
	AutoRegret float64
}

const (
	prioGC   = -1 // GC pauses preempt managed work
	prioWork = 0
	gpuIdx   = 1
	cpuIdx   = 0
)

// NewPhone returns a phone named name (e.g. "phone[0]") on env, built from
// a validated spec (LookupPhone, ReadPhoneSpec) and its frameworks. Every
// random component draws from its own stream of streams: name+"/gc",
// name+"/cpu", name+"/gpu", name+"/lifecycle", name+"/memory". The phone
// starts in the foreground with the app running and no model loaded. A
// life-cycle schedule or a pressure fluctuation runs in processes that
// never end: run such a world with RunUntil, or Stop the phone.
func NewPhone(env *sim.Env, streams *sim.Streams, name string, spec PhoneSpec, opt PhoneOptions) (*Phone, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	if streams == nil {
		return nil, fmt.Errorf("devices: phone %s: streams must not be nil", name)
	}
	c, err := newCrowd(spec, opt)
	if err != nil {
		return nil, fmt.Errorf("devices: phone %s: %w", name, err)
	}
	return c.NewPhone(env, streams, name, opt.Index, opt.Thermal)
}

// Crowd is what phones built from one spec and one set of options share,
// read-only: the spec, the options, the photo model, the frameworks'
// caches and the models' structures. A world of many identical phones
// builds one Crowd and its phones from it (Crowd.NewPhone), so that a
// phone holds only its own state. A Crowd's phones must run in one Env
// (its caches are filled on first use, without locks).
type Crowd struct {
	spec    PhoneSpec
	opt     PhoneOptions
	jpeg    jpegModel
	engines [2]*engineCache
	nets    []namedNet
	mem     *memConst
	gc      *gcConst
	cpu     *cpuConst
	gpu     *gpuConst
}

// NewCrowd validates spec and opt (as NewPhone does) and returns the
// Crowd of phones built from them. opt's Index and Thermal are ignored:
// they are each phone's (Crowd.NewPhone).
func NewCrowd(spec PhoneSpec, opt PhoneOptions) (*Crowd, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	c, err := newCrowd(spec, opt)
	if err != nil {
		return nil, fmt.Errorf("devices: crowd: %w", err)
	}
	return c, nil
}

// newCrowd is NewCrowd for a validated spec.
func newCrowd(spec PhoneSpec, opt PhoneOptions) (*Crowd, error) {
	if opt.CPU != nil && opt.CPU.Target() != engine.PhoneCPU {
		return nil, fmt.Errorf("cpu: processor %s is a %s, want %s", opt.CPU.Name(), opt.CPU.Target(), engine.PhoneCPU)
	}
	if opt.GPU != nil && opt.GPU.Target() != engine.PhoneGPU {
		return nil, fmt.Errorf("gpu: processor %s is a %s, want %s", opt.GPU.Name(), opt.GPU.Target(), engine.PhoneGPU)
	}
	if opt.Nets == nil {
		opt.Nets = models.Zoo
	}
	opt.Index, opt.Thermal = 0, nil
	c := &Crowd{spec: spec.shared(), opt: opt, jpeg: newJPEGModel(opt.KernelProfile), gc: newGCConst(spec.GC)}
	c.mem = newMemConst(&c.spec)
	c.cpu, c.gpu = newCPUConst(&c.spec), newGPUConst(&c.spec)
	if opt.CPU != nil {
		c.engines[cpuIdx] = newEngineCache(opt.CPU)
	}
	if opt.GPU != nil {
		c.engines[gpuIdx] = newEngineCache(opt.GPU)
	}
	return c, nil
}

// NewPhone returns a phone of the crowd named name on env, numbered index
// (PhoneOptions.Index), with its own thermal model if thermal is set
// (PhoneOptions.Thermal): NewPhone's phone, for the crowd's spec and
// options.
func (c *Crowd) NewPhone(env *sim.Env, streams *sim.Streams, name string, index int, thermal *ThermalOptions) (*Phone, error) {
	if streams == nil {
		return nil, fmt.Errorf("devices: phone %s: streams must not be nil", name)
	}
	spec := &c.spec
	ph := &Phone{
		env: env, name: name, crowd: c, spec: spec, opt: phoneOpts{PhoneOptions: &c.opt, Index: index},
		meter:   newEnergyMeter(env),
		storage: sim.NewResource(env, 1),
		worker:  sim.NewResource(env, 1),
		mutator: sim.NewPreemptiveResource(env, 1),
		mem:     newMemory(spec, c.mem),
		gct:     gcTimes{gcConst: c.gc, rng: streams.Stream(name + "/gc")},
		streams: streams,
	}
	ph.life.fg = true
	ph.cpu = cpuModel{meter: ph.meter, cpuConst: c.cpu}
	ph.gpu = gpuModel{meter: ph.meter, gpuConst: c.gpu}
	ph.meter.Set(result.Base, spec.Power.Base)
	ph.meter.Set(result.CPU, ph.cpu.power())
	ph.meter.Set(result.GPU, spec.Power.GPUIdle)
	ph.start()
	ph.stats.MinFreeMemory = units.Bytes(ph.mem.free())
	if l := spec.Lifecycle; l.Switch != "" && l.Switch != "none" {
		sw := &switcher{spec: l, rng: streams.Stream(name + "/lifecycle"), ph: ph}
		ph.procs = append(ph.procs, env.Process(name+"/lifecycle", sw.run))
	}
	if thermal != nil {
		if err := ph.startThermal(*thermal); err != nil {
			return nil, err
		}
	}
	if m := spec.Memory.Fluctuation.Model; m == "ou" || m == "redraw" {
		press := &pressure{spec: spec.Memory.Fluctuation, mean: spec.Memory.BackgroundPressure,
			ram: float64(spec.Memory.RAM), changed: ph.setOther}
		press.rng = streams.Stream(name + "/memory")
		ph.x().press = press
		ph.procs = append(ph.procs, env.Process(name+"/memory", press.run))
	}
	return ph, nil
}

// start (re)starts the app's process: baseline native memory, a heap with
// the app's own live objects.
func (ph *Phone) start() {
	ph.mem.alive = true
	ph.mem.native = float64(ph.spec.App.BaseNative)
	ph.mem.heap.reset(float64(ph.spec.App.BaseHeap), math.Inf(1))
	ph.mem.heap.retarget(ph.mem.growthLimit())
}

// Name returns the phone's name.
func (ph *Phone) Name() string { return ph.name }

// Spec returns the phone's spec.
func (ph *Phone) Spec() PhoneSpec { return ph.spec.clone() }

// energyMeter returns the phone's energy meter.
func (ph *Phone) energyMeter() *energyMeter { return ph.meter }

// batteryDrain returns the energy the phone has spent so far as a
// percentage of its battery's nominal energy.
func (ph *Phone) batteryDrain() float64 { return ph.spec.Battery.Drain(ph.meter.Read().Total()) }

// Stats returns the phone's counters.
func (ph *Phone) Stats() PhoneStats {
	s := ph.stats
	s.Kills, s.Switches = ph.life.kills, ph.life.switches
	return s
}

// Connect attaches the phone's access link and the servers it may use (at
// most one per target, server-cpu and server-gpu), and wires the link's
// radio to the energy meter: every radio state change is reported with
// Meter.Set(result.Radio, power). It returns an error if two servers have
// the same target.
func (ph *Phone) Connect(link *network.Link, servers ...*Server) error {
	for _, s := range servers {
		i := cpuIdx
		if s.eng.target == engine.ServerGPU {
			i = gpuIdx
		}
		if ph.servers[i] != nil {
			return fmt.Errorf("devices: phone %s: two %s servers (%s, %s)", ph.name, s.eng.target, ph.servers[i].name, s.name)
		}
		ph.servers[i] = s
	}
	ph.link = link
	if link != nil && link.Radio() != nil {
		ph.radioIdle = link.Radio().Spec().Idle
		ph.radioSince = ph.env.Now()
		link.Radio().OnPower(ph)
	}
	return nil
}

// PowerChanged implements network.PowerObserver: the radio reports its
// power and state; the phone forwards the power to the meter, traces the
// state, and closes the records waiting for the radio to go idle.
func (ph *Phone) PowerChanged(now float64, p units.Power, state string) {
	ph.meter.Set(result.Radio, p)
	if state == ph.radioState {
		return
	}
	if ph.opt.Sink != nil && ph.radioState != "" && now > ph.radioSince {
		ph.span(ph.ln().radio, ph.radioState, ph.radioSince, now, nil)
	}
	ph.radioState, ph.radioSince = state, now
	if state == ph.radioIdle {
		ph.closePending()
	}
}

// OnRecord installs fn to receive each request's record when its
// accounting closes (see the package doc, "Records"). The record is the
// phone's own and is reused after fn returns: copy what you keep.
func (ph *Phone) OnRecord(fn func(*result.Record)) { ph.onRecord = fn }

// OnEnd installs fn to be told of each request's end, at the simulated
// time it ends: the record's outcome, End and phases are final, its
// energy is not (it comes with OnRecord, which may be later: a request
// that used the radio owns the tail it caused). A closed-loop workload
// times its next arrival from here. fn may call Submit. The record is the
// phone's own and is reused after fn returns: copy what you keep. Preload
// ends no request.
func (ph *Phone) OnEnd(fn func(*result.Record)) { ph.onEnd = fn }

// Flush closes the accounting of every ended request still waiting for
// the radio to go idle, delivering their records; call it at the end of
// the simulation. Requests still in flight are not delivered.
func (ph *Phone) Flush() {
	ph.closePending()
}

// Stop ends the phone's background processes (life-cycle schedule,
// pressure fluctuation) so that env.Run can return.
func (ph *Phone) Stop() {
	ph.stopped = true
	for _, p := range ph.procs {
		if p.IsAlive() {
			_ = p.Interrupt(errStopped)
		}
	}
}

// inForeground reports whether the app is in the foreground.
func (ph *Phone) inForeground() bool { return ph.life.fg }

// alive reports whether the app's process exists (false after a kill,
// until the app returns to the foreground).
func (ph *Phone) alive() bool { return ph.mem.alive }

// isResident reports whether a model is loaded for a phone target.
func (ph *Phone) isResident(model string, t engine.Target) bool {
	_, ok := ph.resident[residentKey{model, t}]
	return ok
}

// memoryState is a snapshot of the phone's memory.
type memoryState struct {
	Free, Ours, Others, Native units.Bytes
	HeapLive, HeapAllocated    units.Bytes
	HeapFootprint, GrowthLimit units.Bytes
}

// memory returns the phone's memory now.
func (ph *Phone) memory() memoryState {
	m := &ph.mem
	return memoryState{
		Free: units.Bytes(m.free()), Ours: units.Bytes(m.ours()), Others: units.Bytes(m.other), Native: units.Bytes(m.native),
		HeapLive: units.Bytes(m.heap.live), HeapAllocated: units.Bytes(m.heap.allocated),
		HeapFootprint: units.Bytes(m.heap.footprint), GrowthLimit: units.Bytes(m.growthLimit()),
	}
}

// setPressure sets the other apps' memory to frac of RAM (and the mean a
// fluctuation reverts to). It returns an error if frac is outside [0, 1).
func (ph *Phone) setPressure(frac float64) error {
	if !(frac >= 0 && frac < 1) {
		return fmt.Errorf("devices: phone %s: pressure %v must be in [0, 1)", ph.name, frac)
	}
	if press := ph.fluct(); press != nil { // the mean a fluctuation reverts to; nothing else reads it
		press.mean = frac
	}
	ph.setOther(frac * ph.mem.ram)
	return nil
}

func (ph *Phone) setOther(b float64) {
	ph.mem.other = b
	if ph.opt.Sink != nil {
		now := ph.env.Now()
		ph.span(ph.ln().memory, "others "+units.Bytes(b).String(), now, now, nil)
	}
	ph.memoryChanged()
}

// memoryChanged updates the statistics and runs the low-memory killer.
func (ph *Phone) memoryChanged() {
	free := ph.mem.free()
	ph.stats.MinFreeMemory = min(ph.stats.MinFreeMemory, units.Bytes(free))
	ph.stats.PeakHeap = max(ph.stats.PeakHeap, units.Bytes(ph.mem.heap.committed()))
	if ph.mem.alive && !ph.life.fg {
		if free < float64(ph.spec.LMK.Minfree[lmkState(ph.spec.LMK.BackgroundState)]) {
			ph.kill()
		}
	}
}

// Background sends the app to the background now and, if d > 0, brings
// it back to the foreground after d.
func (ph *Phone) Background(d units.Duration) {
	ph.toBackground()
	if d > 0 {
		ph.env.Schedule(float64(d), ph.toForeground)
	}
}

// foreground brings the app back to the foreground now.
func (ph *Phone) foreground() { ph.toForeground() }

func (ph *Phone) toBackground() {
	if !ph.life.fg {
		return
	}
	ph.life.fg = false
	ph.life.switches++
	ph.life.fgEvent = ph.env.NewNamedEvent(ph.name + " foreground")
	if ph.opt.Sink != nil {
		now := ph.env.Now()
		ph.span(ph.ln().app, "background", now, now, nil)
	}
	ph.memoryChanged()
}

func (ph *Phone) toForeground() {
	if ph.life.fg {
		return
	}
	ph.life.fg = true
	ph.life.switches++
	restart := !ph.mem.alive
	if restart {
		ph.start()
	}
	if ph.opt.Sink != nil {
		now := ph.env.Now()
		label := "foreground"
		if restart {
			label = "foreground (restart)"
		}
		ph.span(ph.ln().app, label, now, now, nil)
	}
	ev := ph.life.fgEvent
	ph.life.fgEvent = nil
	ev.Succeed(nil)
	ph.memoryChanged()
}

// kill is the low-memory killer taking the app: its models, heap and
// in-flight requests are gone.
func (ph *Phone) kill() {
	ph.life.kills++
	ph.mem.alive = false
	clear(ph.resident)
	ph.mem.native = 0
	ph.mem.heap.reset(0, 0)
	if ph.opt.Sink != nil {
		now := ph.env.Now()
		ph.span(ph.ln().app, "killed by the low-memory killer", now, now, nil)
	}
	if ph.gcProc != nil && ph.gcProc.IsAlive() {
		_ = ph.gcProc.Interrupt(errKilled)
	}
	for _, r := range ph.inflight {
		r.abort(errKilled)
	}
	ph.killChats()
}

// span emits one span to the sink (the caller checks the sink is set).
func (ph *Phone) span(lane, label string, start, end float64, attrs map[string]string) {
	ph.ln()
	sp := &ph.x().lanes.sp
	*sp = result.Span{Lane: lane, Label: label, Start: start, End: end, Attrs: attrs}
	ph.opt.Sink.Span(sp)
}

// energyAttrs formats the energy spent since r for a span (tracing only).
func energyAttrs(r, now energyReading) map[string]string {
	d := now.Sub(r)
	return map[string]string{"energy": fmt.Sprintf("cpu %v, gpu %v, radio %v, base %v",
		d.Energy[result.CPU], d.Energy[result.GPU], d.Energy[result.Radio], d.Energy[result.Base])}
}

// net returns a model's structure, cached per crowd; the structure of a
// Net is computed once per *models.Net and shared between worlds (a Net
// is immutable).
func (ph *Phone) net(model string) (*netInfo, error) {
	c := ph.crowd
	for i := range c.nets {
		if c.nets[i].name == model {
			return c.nets[i].ni, nil
		}
	}
	net, err := ph.opt.Nets(model)
	if err != nil {
		return nil, fmt.Errorf("devices: phone %s: model %q: %w", ph.name, model, err)
	}
	if net == nil {
		return nil, fmt.Errorf("devices: phone %s: model %q: no net", ph.name, model)
	}
	v, ok := netInfos.Load(net)
	if !ok {
		v, _ = netInfos.LoadOrStore(net, newNetInfo(net))
	}
	ni := v.(*netInfo)
	c.nets = append(c.nets, namedNet{model, ni})
	return ni, nil
}

// netInfos maps a *models.Net to its netInfo, for the life of the
// process. A cache rather than a value passed in: the nets come from
// PhoneOptions.Nets, by default models.Zoo, which shares one immutable
// *Net per model; every phone of every world asks for the same few, and
// their split points cost a pass over the net's blobs per layer.
var netInfos sync.Map

type namedNet struct {
	name string
	ni   *netInfo
}

// newNetInfo derives what requests need of a net's structure.
func newNetInfo(net *models.Net) *netInfo {
	ni := &netInfo{layers: len(net.Layers()), cuts: map[int]int64{}, names: map[int]string{}}
	if in := net.InputShape(); len(in) >= 2 {
		ni.input = float64(in[len(in)-1]) * float64(in[len(in)-2])
	}
	for _, s := range net.SplitPoints() {
		k := s.AfterLayer + 1
		if k >= ni.layers {
			continue
		}
		ni.cuts[k] = s.Bytes
		ni.names[k] = s.Name
		ni.cutList = append(ni.cutList, k)
	}
	return ni
}

// validateSplit returns nil if split:k is a valid cut of model: 0 (the
// cloud with the JPEG), the number of layers (on-device), or k layers
// ending at one of the model's split points (models.Net.SplitPoints:
// AfterLayer + 1). Otherwise the error names every valid cut.
func (ph *Phone) validateSplit(model string, k int) error {
	ni, err := ph.net(model)
	if err != nil {
		return err
	}
	if _, ok := ni.cuts[k]; ok || k == 0 || k == ni.layers {
		return nil
	}
	msg := "0 (cloud)"
	for _, c := range ni.cutList {
		msg += ", " + strconv.Itoa(c) + " (" + ni.names[c] + ")"
	}
	msg += ", " + strconv.Itoa(ni.layers) + " (all layers, on-device)"
	return fmt.Errorf("devices: mode split:%d: not a valid cut of %s; valid cuts: %s", k, model, msg)
}

// Sentinel errors: interrupt causes and outcomes.
var (
	errTimeout     = errors.New("devices: request timed out")
	errKilled      = errors.New("devices: app killed by the low-memory killer")
	errStopped     = errors.New("devices: phone stopped")
	errOOM         = errors.New("devices: out of memory")
	errDropped     = errors.New("devices: request dropped")
	errUnsupported = errors.New("devices: unsupported")
)

// causeOf returns the sentinel an interrupt carries, or err itself.
func causeOf(err error) error {
	if err == nil {
		return nil
	}
	if in, ok := err.(*sim.Interrupt); ok {
		if e, ok := in.Cause.(error); ok {
			return e
		}
		return err
	}
	var in *sim.Interrupt
	if errors.As(err, &in) {
		if e, ok := in.Cause.(error); ok {
			return e
		}
	}
	return err
}

// knownOutcome reports whether err ends a request with an outcome (rather
// than being a programmer error).
func knownOutcome(err error) bool {
	switch causeOf(err) {
	case errTimeout, errKilled, errOOM, errDropped, errUnsupported:
		return true
	}
	return false
}

func outcomeOf(err error) result.Outcome {
	switch causeOf(err) {
	case nil:
		return result.OK
	case errTimeout:
		return result.Timeout
	case errKilled:
		return result.Killed
	case errOOM:
		return result.OOM
	case errDropped:
		return result.Dropped
	case errUnsupported:
		return result.Unsupported
	}
	return result.Killed
}

// preempted returns the Preempted cause of err, or nil.
func preempted(err error) *sim.Preempted {
	if in, ok := err.(*sim.Interrupt); ok {
		if pre, ok := in.Cause.(*sim.Preempted); ok {
			return pre
		}
	}
	return nil
}

// ---- garbage collection driver ----

// allocate allocates n bytes in the Java heap on behalf of process p (not
// holding the mutator), running the collections it needs. A blocking
// collection's pause is recorded in rec as gc (rec may be nil). It returns
// errOOM if the bytes cannot fit under the growth limit, or the error of an
// interrupted pause.
func (ph *Phone) allocate(p *sim.Proc, rec *result.Record, n float64) error {
	if n <= 0 {
		return nil
	}
	h := &ph.mem.heap
	if ph.allocOrBlock(n) {
		if err := ph.blockingGC(p, rec); err != nil {
			return err
		}
		if !h.fits(n, ph.mem.growthLimit()) {
			ph.stats.OOMs++
			if ph.opt.Sink != nil {
				now := ph.env.Now()
				ph.span(ph.ln().gc, "out of memory: "+units.Bytes(n).String(), now, now, nil)
			}
			return errOOM
		}
		h.alloc(n)
	}
	ph.memoryChanged()
	if !ph.mem.alive {
		return errKilled
	}
	return nil
}

// allocOrBlock allocates n heap bytes when the collector lets them in now
// (starting a concurrent GC if it asks for one) and reports whether a
// blocking GC must run first instead, superseding a concurrent one. The
// process path (allocate) and the callback path (request.allocCB)
// share it, so they decide alike.
func (ph *Phone) allocOrBlock(n float64) bool {
	h := &ph.mem.heap
	switch h.decide(n) {
	case gcNone:
		h.alloc(n)
	case gcConcurrent:
		h.alloc(n)
		ph.startConcurrentGC()
	case gcBlocking:
		if ph.gcProc != nil && ph.gcProc.IsAlive() {
			_ = ph.gcProc.Interrupt(errSuperseded)
			ph.gcProc = nil
		}
		return true
	}
	return false
}

var errSuperseded = errors.New("devices: concurrent GC superseded by a blocking one")

// release makes n live Java bytes garbage.
func (ph *Phone) release(n float64) {
	if n > 0 && ph.mem.alive {
		ph.mem.heap.free(n)
	}
}

// gcPause holds the mutator with preemption for d seconds: the running
// managed work (an inference) is preempted and resumes afterwards. One
// GC thread keeps a core busy meanwhile.
func (ph *Phone) gcPause(p *sim.Proc, d float64, label string) error {
	holder, since := ph.loadHolder()
	req := ph.mutator.Request(prioGC, true)
	defer req.Release()
	if holder != nil && !holder.ld.mreq.Held() {
		// Evicted: the interrupt a process holding it would get.
		holder.abortRemote(&sim.Preempted{By: p.Process(), Request: req, UsageSince: since, Resource: ph.mutator})
	}
	if _, err := p.Wait(req); err != nil {
		return err
	}
	start := p.Now()
	ph.cpu.add(1)
	err := p.Sleep(d)
	ph.cpu.add(-1)
	ph.stats.Pauses++
	ph.stats.PauseTime += units.Duration(p.Now() - start)
	if ph.opt.Sink != nil {
		ph.span(ph.ln().gc, label, start, p.Now(), nil)
	}
	return err
}

// blockingGC runs a blocking collection (GC for alloc): one long pause,
// then every garbage byte is freed.
func (ph *Phone) blockingGC(p *sim.Proc, rec *result.Record) error {
	h := &ph.mem.heap
	d := ph.gct.blocking(h.live)
	ph.stats.BlockingGCs++
	start := p.Now()
	label := ""
	if ph.opt.Sink != nil {
		label = "blocking GC (live " + units.Bytes(h.live).String() + ", freed " + units.Bytes(h.garbage()).String() + ")"
	}
	err := ph.gcPause(p, d, label)
	if rec != nil {
		rec.AddPhase(result.GC, start, p.Now())
	}
	if err != nil {
		return err
	}
	h.collect(ph.mem.growthLimit())
	ph.memoryChanged()
	return nil
}

// startConcurrentGC starts a concurrent collection unless one runs.
func (ph *Phone) startConcurrentGC() {
	if ph.gcProc != nil && ph.gcProc.IsAlive() {
		return
	}
	ph.stats.ConcurrentGCs++
	ph.gcProc = ph.env.Process(ph.ln().gc, ph.concurrentGC)
}

// concurrentGC is a concurrent mark-sweep collection: initial-mark pause,
// concurrent mark on one core, remark pause, concurrent sweep; then the
// garbage that existed at its start is freed.
func (ph *Phone) concurrentGC(p *sim.Proc) error {
	h := &ph.mem.heap
	g := h.garbage()
	work := ph.gct.work(h.live)
	if err := ph.gcPause(p, ph.gct.pause(), "GC initial mark"); err != nil {
		return nil
	}
	if err := ph.gcWork(p, work/2, "GC concurrent mark"); err != nil {
		return nil
	}
	if err := ph.gcPause(p, ph.gct.pause(), "GC remark"); err != nil {
		return nil
	}
	if err := ph.gcWork(p, work/2, "GC concurrent sweep"); err != nil {
		return nil
	}
	if ph.mem.alive {
		h.finishConcurrent(g, ph.mem.growthLimit())
		ph.memoryChanged()
	}
	if ph.gcProc == p.Process() {
		ph.gcProc = nil
	}
	return nil
}

// gcWork keeps one core busy for d seconds beside the mutator.
func (ph *Phone) gcWork(p *sim.Proc, d float64, label string) error {
	start := p.Now()
	ph.cpu.add(1)
	err := p.Sleep(d)
	ph.cpu.add(-1)
	ph.stats.GCWorkTime += units.Duration(p.Now() - start)
	if ph.opt.Sink != nil {
		ph.span(ph.ln().gc, label, start, p.Now(), nil)
	}
	return err
}

// triggerGC starts a collection now from a thread of the app other than
// the inference (a UI or library thread allocating): a concurrent one, or
// a blocking one whose pause preempts any running inference. It is a hook
// for tests and what-if scripts.
func (ph *Phone) triggerGC(blocking bool) {
	if !blocking {
		ph.startConcurrentGC()
		return
	}
	ph.env.Process(ph.ln().gc, func(p *sim.Proc) error {
		if ph.gcProc != nil && ph.gcProc.IsAlive() {
			_ = ph.gcProc.Interrupt(errSuperseded)
			ph.gcProc = nil
		}
		_ = ph.blockingGC(p, nil)
		return nil
	})
}
