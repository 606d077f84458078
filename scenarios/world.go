package scenarios

import (
	"context"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"

	"github.com/infersim/infersim/devices"
	"github.com/infersim/infersim/devices/engine"
	"github.com/infersim/infersim/models"
	"github.com/infersim/infersim/network"
	"github.com/infersim/infersim/result"
	"github.com/infersim/infersim/sim"
	"github.com/infersim/infersim/units"
)

// pointData is what every task of a point shares, read-only: the point's
// scenario, its compiled processors and its seeds.
type pointData struct {
	index  int
	params []result.Param
	s      *Scenario
	cells  []Cell
	seeds  []uint64 // one per replication
	reps   int
	phCPU  devices.Engine
	phGPU  devices.Engine
	srvCPU devices.Engine
	srvGPU devices.Engine
	kp     *models.Profile
	llm    *llmPoint // chat with a language model, nil without (llm.go)
	// battery is the phone battery's nominal energy in joules.
	battery float64
}

// preparePoint derives point i and compiles its processors (devices
// caches them per profile and kernel profile).
func (r *runner) preparePoint(i int) (*pointData, error) {
	pt, err := r.s.Point(i)
	if err != nil {
		return nil, err
	}
	ps := pt.Scenario
	pd := &pointData{index: i, params: pt.Params, s: ps, cells: ps.Cells(), reps: r.reps, kp: r.opts.KernelProfile}
	for rep := 0; rep < r.reps; rep++ {
		pd.seeds = append(pd.seeds, r.s.pointSeed(i, rep))
	}
	load := func(name string) (devices.Engine, error) {
		if name == "" || name == "none" {
			return nil, nil
		}
		p, err := engine.LoadProcessor(name, r.opts.KernelProfile)
		if err != nil {
			return nil, fmt.Errorf("scenarios: %s: processor %s: %w", ps.file, name, err)
		}
		return p, nil
	}
	if pd.phCPU, err = load(ps.Phone.CPU); err != nil {
		return nil, err
	}
	if pd.phGPU, err = load(ps.Phone.GPU); err != nil {
		return nil, err
	}
	if pd.srvCPU, err = load(ps.Cloud.CPU); err != nil {
		return nil, err
	}
	if pd.srvGPU, err = load(ps.Cloud.GPU); err != nil {
		return nil, err
	}
	pd.battery = float64(ps.res.phone.Battery.Energy())
	if ps.isLLM() {
		if pd.llm, err = prepareLLM(ps); err != nil {
			return nil, err
		}
	}
	return pd, nil
}

// pointSeed returns the seed of replication rep of point i. With common
// random numbers (sweep.seeds: common, the default) it is the same at every
// point, sim.DeriveSeed(seed, 0, rep): the streams are named per component,
// so the points' worlds draw the same arrivals, jitter, GC and noise and
// differ only where the swept parameters make them. Independent seeds are
// sim.DeriveSeed(seed, i, rep). Point 0 has the same seeds either way.
func (s *Scenario) pointSeed(i, rep int) uint64 {
	if s.Sweep.Seeds == "independent" {
		return sim.DeriveSeed(s.Seed, i, rep)
	}
	return sim.DeriveSeed(s.Seed, 0, rep)
}

// worldStats is what a world reports besides its records.
type worldStats struct {
	events  int64
	metrics []float64   // by worldMetrics
	thermal *thermalLog // nil unless thermal is enabled (thermal.go)
}

// worldMetrics are the per-world metrics (result's metrics table, by
// name), reported per replication in each group's Metrics. Besides them
// each group has the per-request metric energy.tail: the joules of a
// request's energy spent after its end (result.Record.TailEnergy, the
// radio tail it caused), over every request of the group.
var worldMetrics = result.WorldMetrics()

// phoneSources and serverSources read each per-world metric from a
// phone's or a server's statistics; the table's Agg says how a world's
// phones (servers) combine. Every per-world metric has exactly one source
// (TestWorldMetricSources); sim.events is the kernel's.
var (
	phoneSources = map[string]func(devices.PhoneStats) float64{
		"app.kills": func(st devices.PhoneStats) float64 { return float64(st.Kills) },
		"auto.regret": func(st devices.PhoneStats) float64 {
			if st.AutoDecisions == 0 {
				return 0
			}
			return st.AutoRegret / float64(st.AutoDecisions)
		},
		"app.switches":              func(st devices.PhoneStats) float64 { return float64(st.Switches) },
		"gc.blocking":               func(st devices.PhoneStats) float64 { return float64(st.BlockingGCs) },
		"gc.concurrent":             func(st devices.PhoneStats) float64 { return float64(st.ConcurrentGCs) },
		"gc.pause_s":                func(st devices.PhoneStats) float64 { return float64(st.PauseTime) },
		"gc.pauses":                 func(st devices.PhoneStats) float64 { return float64(st.Pauses) },
		"memory.heap_peak_b":        func(st devices.PhoneStats) float64 { return float64(st.PeakHeap) },
		"memory.min_free_b":         func(st devices.PhoneStats) float64 { return float64(st.MinFreeMemory) },
		"model.loads":               func(st devices.PhoneStats) float64 { return float64(st.Loads) },
		"model.load_s":              func(st devices.PhoneStats) float64 { return float64(st.LoadTime) },
		"model.load_aborts.killed":  func(st devices.PhoneStats) float64 { return float64(st.LoadAborts.Killed) },
		"model.load_aborts.oom":     func(st devices.PhoneStats) float64 { return float64(st.LoadAborts.OOM) },
		"model.load_aborts.other":   func(st devices.PhoneStats) float64 { return float64(st.LoadAborts.Other) },
		"model.load_aborts.timeout": func(st devices.PhoneStats) float64 { return float64(st.LoadAborts.Timeout) },
		"oom":                       func(st devices.PhoneStats) float64 { return float64(st.OOMs) },
	}
	serverSources = map[string]func(devices.ServerStats) float64{
		"server.batches":   func(st devices.ServerStats) float64 { return float64(st.Batches) },
		"server.max_queue": func(st devices.ServerStats) float64 { return float64(st.MaxQueue) },
	}
)

// eventsMetric is the per-world metric the kernel reports.
const eventsMetric = "sim.events"

// world is one task's simulation: one point, one replication, one cell.
type world struct {
	ctx     context.Context
	env     *sim.Env
	pd      *pointData
	rep     int
	cell    Cell
	phones  []*devices.Phone
	servers []*devices.Server
	drivers []*driver
	emit    func(*result.Record)
	err     error
	thermal *thermalLog // nil unless thermal is enabled (thermal.go)
}

// driver issues one phone's requests by the workload's arrival process.
type driver struct {
	*driverCfg // the world's, shared by its drivers
	w          *world
	ph         *devices.Phone
	until      float64
	issued     int
	closed     int
	rng        *rand.Rand
	waiting    int // arrivals scheduled and not yet happened
	finished   bool
	submitFn   func()
}

// driverCfg is what every driver of a world issues, and when.
type driverCfg struct {
	rq       devices.Request
	n        int // requests to issue; 0: until the duration
	think    float64
	arrivals string
	rate     float64
	at       []units.Duration
}

// runWorld builds and runs one world: servers, phones with their links,
// and the arrival processes, all from the point's resolved configuration;
// records go to emit (the record is reused: copy it). Streams are named
// per component, so every cell of a (point, replication) draws the same
// numbers for the same components (common random numbers).
func runWorld(ctx context.Context, pd *pointData, rep int, cell Cell, sink devices.SpanSink, emit func(*result.Record)) (worldStats, error) {
	if pd.llm != nil {
		return runLLMWorld(ctx, pd, rep, cell, sink, emit) // llmworld.go
	}
	env := sim.NewEnv()
	defer env.Close()
	streams := sim.NewStreams(pd.seeds[rep])
	w := &world{ctx: ctx, env: env, pd: pd, rep: rep, cell: cell, emit: emit}
	mode, _ := parseMode(cell.Mode)
	fail := func(err error) (worldStats, error) {
		return worldStats{}, fmt.Errorf("scenarios: point %d, replication %d, %s %s %s: %w", pd.index, rep, cell.Model, cell.Mode, cell.Image, err)
	}
	if err := w.addServers(streams, sink); err != nil {
		return fail(err)
	}
	if err := w.addPhones(streams, sink, mode); err != nil {
		return fail(err)
	}
	if err := w.start(mode); err != nil {
		return fail(err)
	}
	// Run the kernel to its end. A cancellation is seen at the next
	// arrival (driver.submit), and an error of the workload stops the run
	// at once (world.stop).
	runErr := env.Run()
	if w.err != nil {
		return worldStats{}, w.err
	}
	if runErr != nil {
		return fail(runErr)
	}
	for _, ph := range w.phones {
		ph.Flush()
	}
	if w.err != nil {
		return worldStats{}, w.err
	}
	events := int64(env.Processed())
	if w.thermal != nil {
		w.thermal.finish(w.phones)
	}
	return worldStats{events: events, metrics: w.metrics(events), thermal: w.thermal}, nil
}

// addServers builds the cloud's servers, one per processor it has.
func (w *world) addServers(streams *sim.Streams, sink devices.SpanSink) error {
	cloud := w.pd.s.Cloud
	for _, sv := range []struct {
		name string
		eng  devices.Engine
	}{{"server-cpu", w.pd.srvCPU}, {"server-gpu", w.pd.srvGPU}} {
		if sv.eng == nil {
			continue
		}
		srv, err := devices.NewServer(w.env, streams, sv.name, devices.ServerConfig{
			Engine: sv.eng, Workers: cloud.Workers, QueueLimit: cloud.QueueLimit,
			MaxBatch: cloud.Batching.MaxBatch, MaxWait: cloud.Batching.MaxWait,
			Cold: cloud.Cold, ReadRate: cloud.ReadRate,
		}, sink)
		if err != nil {
			return err
		}
		w.servers = append(w.servers, srv)
	}
	return nil
}

// addPhones builds the phones, each with its link to the servers and the
// driver of its arrivals.
func (w *world) addPhones(streams *sim.Streams, sink devices.SpanSink, mode devices.Mode) error {
	s, pd, cell := w.pd.s, w.pd, w.cell
	res, wl := s.res, s.Workload
	rq := devices.Request{Model: cell.Model, Mode: mode, Width: cell.Image.W, Height: cell.Image.H,
		Upload: res.upload, Timeout: wl.Timeout, Objective: res.objective}
	n := cell.Requests
	until := math.Inf(1)
	if n == 0 {
		until = float64(wl.Duration)
	}
	// The phones share their spec, options and caches (a Crowd), so that
	// each holds only its own state: 10⁵ of them fit in memory. So do their
	// links (a LinkTemplate).
	crowd, err := devices.NewCrowd(res.phone, devices.PhoneOptions{
		CPU: pd.phCPU, GPU: pd.phGPU, KernelProfile: pd.kp, Sink: sink, TraceLayers: sink != nil,
	})
	if err != nil {
		return err
	}
	links, err := network.NewLinkTemplate(res.link)
	if err != nil {
		return err
	}
	cfg := &driverCfg{rq: rq, n: n, think: float64(wl.Arrivals.Think),
		arrivals: wl.Arrivals.Type, rate: float64(wl.Arrivals.Rate), at: wl.Arrivals.At}
	if cfg.arrivals == "times" && n < len(cfg.at) {
		cfg.at = cfg.at[:n]
	}
	for i := 0; i < s.Phone.Count; i++ {
		name := fmt.Sprintf("phone[%d]", i)
		ph, err := crowd.NewPhone(w.env, streams, name, i, w.thermalOptions(i))
		if err != nil {
			return err
		}
		link, err := links.NewLink(w.env, streams, fmt.Sprintf("link[%d]", i))
		if err != nil {
			return err
		}
		if err := ph.Connect(link, w.servers...); err != nil {
			return err
		}
		d := &driver{driverCfg: cfg, w: w, ph: ph, until: until}
		if d.arrivals == "poisson" {
			d.rng = streams.Stream(name + "/arrivals")
		}
		d.submitFn = d.submit
		ph.OnRecord(d.onRecord)
		ph.OnEnd(d.onEnd)
		w.phones = append(w.phones, ph)
		w.drivers = append(w.drivers, d)
	}
	return nil
}

// start starts the arrivals: at once, or for a warm start when every
// phone has loaded the model.
func (w *world) start(mode devices.Mode) error {
	start := func() {
		for _, d := range w.drivers {
			d.start()
		}
	}
	t, ok := phoneTarget(mode, w.pd)
	if w.pd.s.Workload.Start != "warm" || !ok {
		start()
		return nil
	}
	var procs []sim.Awaitable
	for _, ph := range w.phones {
		p, err := ph.PreloadEvent(w.cell.Model, t)
		if err != nil {
			return err
		}
		procs = append(procs, p)
	}
	all := w.env.AllOf(procs...)
	all.AddCallback(func(ev *sim.Event) {
		if ev.Err() != nil {
			ev.Defuse()
		}
		start()
	})
	return nil
}

// stop ends the world's run with err: the kernel stops at a failed event
// no one waits for.
func (w *world) stop(err error) {
	if w.err != nil {
		return
	}
	w.err = err
	w.env.NewNamedEvent("stop").Fail(err)
}

// phoneTarget returns the phone framework a mode computes on, for a warm
// start.
func phoneTarget(m devices.Mode, pd *pointData) (engine.Target, bool) {
	switch m.Kind {
	case devices.OnDeviceCPU:
		return engine.PhoneCPU, true
	case devices.OnDeviceGPU:
		return engine.PhoneGPU, true
	case devices.Split, devices.Auto:
		if m.Kind == devices.Split && m.K == 0 {
			return "", false
		}
		if pd.phCPU != nil {
			return engine.PhoneCPU, true
		}
		return engine.PhoneGPU, true
	}
	return "", false
}

// metrics returns the world's per-world metrics, by worldMetrics.
func (w *world) metrics(events int64) []float64 {
	phones := make([]devices.PhoneStats, len(w.phones))
	for i, ph := range w.phones {
		phones[i] = ph.Stats()
	}
	servers := make([]devices.ServerStats, len(w.servers))
	for i, srv := range w.servers {
		servers[i] = srv.Stats()
	}
	m := make([]float64, len(worldMetrics))
	for k, mi := range worldMetrics {
		if mi.Name == eventsMetric {
			m[k] = float64(events)
			continue
		}
		if f, ok := phoneSources[mi.Name]; ok {
			m[k] = combine(mi.Agg, phones, f)
		} else if f, ok := serverSources[mi.Name]; ok {
			m[k] = combine(mi.Agg, servers, f)
		} else if _, ok := llmSources[mi.Name]; ok {
			m[k] = math.NaN() // a chat world's (llmworld.go)
		}
	}
	return m
}

// combine folds one metric over a world's phones or servers as agg says:
// a sum or a maximum from 0, a minimum from +Inf.
func combine[S any](agg result.Agg, stats []S, f func(S) float64) float64 {
	v := 0.0
	if agg == result.AggMin {
		v = math.Inf(1)
	}
	for _, st := range stats {
		x := f(st)
		switch agg {
		case result.AggMax:
			v = math.Max(v, x)
		case result.AggMin:
			v = math.Min(v, x)
		default:
			v += x
		}
	}
	return v
}

// start issues or schedules the phone's first arrivals. The workload's
// times count from here: 0, or the end of a warm start's model load.
func (d *driver) start() {
	d.until += d.w.env.Now()
	switch d.arrivals {
	case "closed":
		d.schedule(0)
	case "poisson":
		d.schedule(d.gap())
	case "times":
		for _, t := range d.at {
			d.schedule(float64(t))
		}
	}
	d.maybeFinish()
}

func (d *driver) gap() float64 { return d.rng.ExpFloat64() / d.rate }

// schedule arranges an arrival after delay.
func (d *driver) schedule(delay float64) {
	d.waiting++
	d.w.env.Schedule(math.Max(0, delay), d.submitFn)
}

// more reports whether another request may be issued now.
func (d *driver) more() bool {
	if d.n > 0 {
		return d.issued < d.n
	}
	return d.w.env.Now() < d.until
}

// submit is an arrival: it issues a request if the workload has more.
func (d *driver) submit() {
	d.waiting--
	if d.w.err != nil {
		return
	}
	if err := d.w.ctx.Err(); err != nil {
		d.w.stop(err)
		return
	}
	if d.arrivals == "times" || d.more() {
		d.issued++
		if err := d.ph.Submit(d.rq); err != nil {
			d.w.stop(fmt.Errorf("scenarios: point %d, replication %d: %w", d.w.pd.index, d.w.rep, err))
			return
		}
	}
	if d.arrivals == "poisson" {
		next := d.gap()
		if d.n > 0 && d.issued < d.n || d.n == 0 && d.w.env.Now()+next < d.until {
			d.schedule(next)
		}
	}
	d.maybeFinish()
}

// onEnd times the closed loop's next arrival from a request's end (not
// from its record, which may come a radio tail later).
func (d *driver) onEnd(r *result.Record) {
	if d.arrivals == "closed" && d.more() {
		d.schedule(d.think)
	}
}

func (d *driver) onRecord(r *result.Record) {
	r.Point, r.Replication = d.w.pd.index, d.w.rep
	if d.w.thermal != nil {
		d.w.thermal.record(r)
	}
	d.w.emit(r)
	d.closed++
	d.maybeFinish()
}

// maybeFinish stops the phone (its life-cycle and memory processes) once
// every request it issued is closed and no arrival is pending, so that the
// world runs out of events.
func (d *driver) maybeFinish() {
	if d.finished || d.closed < d.issued || d.waiting > 0 {
		return
	}
	d.finished = true
	d.ph.Stop()
}

// spanCollector keeps a world's trace spans (copies).
type spanCollector struct{ spans []result.Span }

// Span implements devices.SpanSink.
func (c *spanCollector) Span(s *result.Span) {
	cp := *s
	if s.Attrs != nil {
		cp.Attrs = maps.Clone(s.Attrs)
	}
	c.spans = append(c.spans, cp)
}
