package devices

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/infersim/infersim/devices/thermal"
	"github.com/infersim/infersim/result"
	"github.com/infersim/infersim/sim"
	"github.com/infersim/infersim/units"
)

// Sustained load (issue 20): a phone's thermal state, wired to its energy
// meter and its compute times. Off unless PhoneOptions.Thermal is set;
// with it off nothing here runs and no number changes.
//
// # How it is integrated
//
// The phone's thermal network (package thermal, the preset named by
// ThermalOptions.Preset) is heated by the powers the energy meter already
// holds: cpu + gpu into the soc node, radio into the board, base (the
// screen) into the skin. The meter's powers are piecewise constant, so the
// network is integrated exactly between their changes (Network.Advance,
// the closed-form solution of the RC equations): the meter calls sync at
// every change, which advances the network under the old powers and takes
// the new ones. No fixed time step, so no step-size error, and a phone
// that sits idle costs no event.
//
// The governors do need events: the MSM8974's KTM polls every 250 ms and
// acts on the temperature it reads then, so a sim process per phone
// ticks every governor at its period (the exact sampling the kernel
// does). At a tick the governor moves its thermal cap (thermal.Governor:
// the preset's KTM, step_wise, single-step and monitor rules) and the CPU and GPU power are recomputed:
//
//	busy power × s,   s = P_core(cap, T_soc) / P_core(top, T_ref)
//
// where P_core = C_eff V² f + leakage(T) (thermal.Processor.CorePower):
// dynamic power follows f·V² of the operating point, leakage the
// temperature of the soc node. s is 1 for a cold phone at its top
// operating point, so the meter's calibrated watts (PowerSpec) hold until
// the phone heats up. The idle floor (CPUIdle, GPUIdle) is not scaled.
//
// A computing processor runs at its cap (the load is saturating: schedutil
// asks for the top operating point, the thermal cap bounds it). A layer's
// time is stretched when it starts by 1/Speed(f_cap, f_top, m), m the
// layer's memory-bound share (engine.LayerCost.MemBound, the profile's
// roofline split): compute-bound layers slow in proportion to the clock,
// memory-bound ones not at all. The frequency is read when the compute
// phase starts and held for it (a phase is 0.1–2 s; the cap moves by one
// or two operating points per poll around a mean set by the 15–530 s time
// constants of the network, so the phase sees that mean to within a step).
// Preprocessing (one CPU core, compute-bound) is stretched the same way;
// model loading is not (storage-bound).
//
// Hotplug (the KTM's core control: at 80 °C one core per poll goes
// offline, cores 1-3 only) caps the busy cores that draw power at those
// online and stretches CPU work spread over more threads than cores
// online (stretch). With the 60 °C frequency loop in front of it, it only
// acts when the lowest operating point cannot hold the junction (a hot
// pocket, a GPU load the KTM does not limit).
//
// CPU clusters (a preset with a placement: the Pixel 4's prime, gold,
// gold, gold) are separate domains: each cluster's governor ticks at its
// own period, a CPU job's compute-bound share slows by Σ f_cap / Σ f_top
// over the cores its threads run on (slotRatio), and the busy power by
// the slots' core power at their caps (cpuScaleNow). Which cores the
// threads run on is a datum of the preset (its sources say why); a
// cluster no thread runs on (silver) is not ticked. Hotplug is for a
// one-domain CPU only.
//
// Not modelled: the 115 °C reset, a battery node, and a skin limit on the
// Nexus 5 (it has none: its thermal-engine only shuts down; see
// devices/thermal/doc.go).

// ThermalOptions turn a phone's thermal model on.
type ThermalOptions struct {
	// Preset is the thermal preset (devices/thermal/data/phones.yaml);
	// "" means the phone spec's name (nexus5, pixel4).
	Preset string
	// Ambient is the ambient temperature, °C; the phone starts at it.
	Ambient float64
	// Enclosure is where the phone sits: free, desk, hand, case or
	// pocket (thermal.EnclosureByName); "" means free.
	Enclosure string
	// OnSample, if set, receives one sample per second of simulated time
	// (the sample is reused afterwards: copy it).
	OnSample func(*ThermalSample)
}

// ThermalSample is one second of a phone's thermal state.
type ThermalSample struct {
	// T is the end of the second, s.
	T float64
	// Temps are the nodes' temperatures at T, °C, in ThermalNodes order.
	Temps []float64
	// CPUFreq and GPUFreq are the mean over the second of the frequency
	// a busy processor runs at (the governor's cap), Hz; GPUFreq is 0 if
	// the preset has no GPU domain. With a preset placement (several CPU
	// clusters) CPUFreq is the mean over the placement's thread slots of
	// their cluster's cap (pixel4: (prime + 3 × gold) / 4).
	CPUFreq, GPUFreq float64
	// Throttled is the share of the second the CPU cap was below the top
	// operating point (with a placement: any slot's cluster cap, sampled
	// at the ticks of the cluster polled most often).
	Throttled float64
	// Online is the mean over the second of the CPU cores online (below
	// the phone's cores only while hotplug has taken some offline).
	Online float64
	// Power is the phone's mean power over the second, W.
	Power float64
}

type heatDomain struct {
	proc *thermal.Processor
	gov  *thermal.Governor
	next float64 // next tick, s
	top  int
	ref  float64 // P_core(top, T_ref), W
	// per-second accumulators
	freqSum, onlineSum float64
	ticks              int
}

// phoneHeat is a phone's thermal state (nil when off).
type phoneHeat struct {
	ph               *Phone
	opt              ThermalOptions
	net              *thermal.Network
	names            []string
	soc, board, skin int
	cpu, gpu         *heatDomain
	// slots is the CPU domain of each thread slot when the preset has a
	// placement (CPU clusters as separate domains), nil with one CPU
	// domain; cpu is then the slot domain polled most often (the clock of
	// the throttled share)
	slots    []*heatDomain
	slotRef  float64   // Σ over the slots of P_core(top, T_ref), W
	slotFreq []float64 // scratch for slotRatio
	// ticking are the domains the governor process ticks, in preset order
	ticking        []*heatDomain
	last           float64 // network advanced up to here
	cpuScale       float64
	gpuScale       float64
	first          float64 // time of the first throttle, NaN if none
	throttledTicks int
	sampleAt       float64
	read           energyReading
	sample         ThermalSample
}

// thermalData caches the embedded presets and tables.
var thermalData = sync.OnceValues(func() (map[string]thermal.PhoneSpec, error) {
	ps, err := thermal.Presets()
	if err != nil {
		return nil, err
	}
	m := map[string]thermal.PhoneSpec{}
	for _, p := range ps {
		m[p.Name] = p
	}
	return m, nil
})

var thermalTables = sync.OnceValues(thermal.Tables)

// ThermalPresets returns the names of the thermal presets.
func ThermalPresets() []string {
	ps, err := thermal.Presets()
	if err != nil {
		return nil
	}
	var n []string
	for _, p := range ps {
		n = append(n, p.Name)
	}
	return n
}

// newPhoneHeat builds the thermal state of ph.
func newPhoneHeat(ph *Phone, opt ThermalOptions) (*phoneHeat, error) {
	name := opt.Preset
	if name == "" {
		name = ph.spec.Name
	}
	specs, err := thermalData()
	if err != nil {
		return nil, fmt.Errorf("devices: phone %s: %w", ph.name, err)
	}
	tables, err := thermalTables()
	if err != nil {
		return nil, fmt.Errorf("devices: phone %s: %w", ph.name, err)
	}
	spec, ok := specs[name]
	if !ok {
		return nil, fmt.Errorf("devices: phone %s: no thermal preset %q (have %v)", ph.name, name, ThermalPresets())
	}
	spec.Ambient = opt.Ambient
	tp, err := thermal.Build(spec, tables)
	if err != nil {
		return nil, fmt.Errorf("devices: phone %s: %w", ph.name, err)
	}
	enc := thermal.Free
	if opt.Enclosure != "" {
		if enc, err = thermal.EnclosureByName(opt.Enclosure); err != nil {
			return nil, fmt.Errorf("devices: phone %s: %w", ph.name, err)
		}
	}
	if err := tp.Net.SetEnclosure(enc); err != nil {
		return nil, fmt.Errorf("devices: phone %s: %w", ph.name, err)
	}
	h := &phoneHeat{ph: ph, opt: opt, net: tp.Net, last: ph.env.Now(), cpuScale: 1, gpuScale: 1, first: math.NaN()}
	for _, n := range tp.Net.Nodes() {
		h.names = append(h.names, n.Name)
	}
	h.soc, h.board, h.skin = tp.Net.NodeIndex("soc"), tp.Net.NodeIndex("board"), tp.Net.NodeIndex("skin")
	if h.soc < 0 || h.board < 0 || h.skin < 0 {
		return nil, fmt.Errorf("devices: phone %s: thermal preset %q needs nodes soc, board and skin", ph.name, name)
	}
	// Without a placement the CPU domain is "cpu", else the first non-GPU
	// domain. With one (pixel4: prime, gold, gold, gold) every slot's
	// cluster is ticked and slows the share of the work its threads run
	// (slotRatio); clusters no thread runs on (pixel4's silver) are not
	// ticked: nothing of the simulation runs there.
	byName := map[string]*heatDomain{}
	var all []*heatDomain
	for _, d := range tp.Domains {
		hd := &heatDomain{proc: d.Proc, gov: d.Gov, next: h.last, top: d.Proc.Len() - 1}
		hd.ref = d.Proc.CorePower(hd.top, d.Proc.Spec.RefTemp)
		byName[d.Proc.Spec.Name] = hd
		all = append(all, hd)
		switch n := d.Proc.Spec.Name; {
		case n == "gpu":
			h.gpu = hd
		case len(spec.Placement) == 0 && (n == "cpu" || h.cpu == nil):
			h.cpu = hd
		}
	}
	if len(spec.Placement) > 0 {
		used := map[*heatDomain]bool{}
		for _, n := range spec.Placement {
			d := byName[n]
			if spec.Governors[n].Hotplug != nil {
				return nil, fmt.Errorf("devices: phone %s: thermal preset %q: hotplug on cluster %q: only a one-domain CPU can take cores offline", ph.name, name, n)
			}
			h.slots = append(h.slots, d)
			h.slotRef += d.ref
			used[d] = true
			if h.cpu == nil || d.gov.Period() < h.cpu.gov.Period() {
				h.cpu = d
			}
		}
		for _, d := range all {
			if used[d] || d == h.gpu {
				h.ticking = append(h.ticking, d)
			}
		}
	} else if h.cpu != nil {
		h.ticking = append(h.ticking, h.cpu)
		if h.gpu != nil {
			h.ticking = append(h.ticking, h.gpu)
		}
	}
	if h.cpu == nil {
		return nil, fmt.Errorf("devices: phone %s: thermal preset %q has no CPU domain", ph.name, name)
	}
	h.sampleAt = h.last + 1
	h.read = ph.meter.Read()
	h.sample.Temps = make([]float64, len(h.names))
	return h, nil
}

// startThermal turns the thermal model of ph on: the meter reports to it
// and its governor process starts (stopped with the phone).
func (ph *Phone) startThermal(opt ThermalOptions) error {
	h, err := newPhoneHeat(ph, opt)
	if err != nil {
		return err
	}
	ph.heat = h
	ph.cpu.heat, ph.gpu.heat = h, h
	ph.meter.onSet = h.sync
	h.sync()
	ph.procs = append(ph.procs, ph.env.Process(ph.name+"/thermal", h.run))
	return nil
}

// sync advances the network to now under the heat it had, then takes the
// meter's present powers as its new heat.
func (h *phoneHeat) sync() {
	now := h.ph.env.Now()
	if dt := now - h.last; dt > 0 {
		h.net.Advance(units.Duration(dt))
		h.last = now
	}
	m := h.ph.meter
	h.net.SetPower(h.soc, m.Power(result.CPU)+m.Power(result.GPU))
	h.net.SetPower(h.board, m.Power(result.Radio))
	h.net.SetPower(h.skin, m.Power(result.Base))
}

// scale is a domain's busy-power factor at its cap and the soc's
// temperature.
func (h *phoneHeat) scale(d *heatDomain) float64 {
	if d == nil || !(d.ref > 0) {
		return 1
	}
	return d.proc.CorePower(d.gov.Cap(), h.net.Temp(h.soc)) / d.ref
}

// cpuScaleNow is the busy CPU power's factor: the CPU domain's (scale),
// or with a placement the slots' core power at their clusters' caps over
// theirs at the top OPP and T_ref, Σ P_core(cap_k, T) / Σ P_core(top_k,
// T_ref) (the phone's per-core power is the mean of the slots' cores:
// pixel4.yaml's cpu_per_core, the four big cores at top speed). It is
// applied to every busy core, so a one-thread job (preprocessing) is
// priced at the four slots' mean, not at its own core's: an
// approximation of the power, not of the time (stretch places it).
func (h *phoneHeat) cpuScaleNow() float64 {
	if h.slots == nil {
		return h.scale(h.cpu)
	}
	if !(h.slotRef > 0) {
		return 1
	}
	t := h.net.Temp(h.soc)
	var p float64
	for _, d := range h.slots {
		p += d.proc.CorePower(d.gov.Cap(), t)
	}
	return p / h.slotRef
}

// slotRatio is the throughput of cores threads' compute-bound work with
// a placement, relative to the same threads on a cold phone. Cold, the
// threads take the first k = ⌈cores⌉ slots (at least one, at most all:
// pixel4's one preprocessing thread on the prime core, four on prime and
// gold). Under thermal caps they run on the k slots whose clusters are
// fastest now, and the work is shared among them by speed, so
//
//	ratio = Σ over the k fastest slots of f_cap / Σ over the first k of f_top
//
// Why shared by speed: TensorFlow Lite's GEMMs run in ruy, whose threads
// each take the next block from one atomic counter when they finish the
// last (TrMulTask::Run in google/ruy ruy/trmul.cc @
// 145aecd896b44cfc455803aef4ed98745054567e), so a slower core takes fewer
// blocks, not an equal share; that every layer splits so, not only the
// GEMMs, is an assumption. Why the fastest slots: a scheduler that knows
// each CPU's capacity under its frequency cap moves a lone busy thread off
// a capped prime core onto an idle faster gold one (Android kernels scale
// a CPU's capacity by its cpufreq maximum, arch_scale_max_freq_capacity,
// which the thermal cap lowers; seen in Android kernel headers in the
// search index, not read in coral's kernel: an assumption). Capacity ∝
// frequency holds for pixel4's slots, all Cortex-A76 (Kryo 485 gold and
// prime); a slot on another microarchitecture would need its IPC, and the
// placement has none.
func (h *phoneHeat) slotRatio(cores float64) float64 {
	k := min(max(int(math.Ceil(cores)), 1), len(h.slots))
	var top float64
	for _, d := range h.slots[:k] {
		top += d.proc.Freq(d.top)
	}
	f := h.slotFreq[:0]
	for _, d := range h.slots {
		f = append(f, d.proc.Freq(d.gov.Cap()))
	}
	h.slotFreq = f
	slices.SortFunc(f, func(a, b float64) int { return cmp.Compare(b, a) })
	var sum float64
	for _, x := range f[:k] {
		sum += x
	}
	return sum / top
}

// cpuThrottled reports whether the CPU's cap is below its top OPP (with a
// placement: any slot's cluster).
func (h *phoneHeat) cpuThrottled() bool {
	if h.slots == nil {
		return h.cpu.gov.Throttled()
	}
	for _, d := range h.slots {
		if d.gov.Throttled() {
			return true
		}
	}
	return false
}

// run ticks the governors at their periods and emits the per-second
// samples, until the phone stops.
func (h *phoneHeat) run(p *sim.Proc) error {
	env := h.ph.env
	for {
		next := h.sampleAt
		for _, d := range h.ticking {
			next = math.Min(next, d.next)
		}
		if p.Sleep(math.Max(0, next-env.Now())) != nil {
			return nil
		}
		h.sync()
		now := env.Now()
		for _, d := range h.ticking {
			if d.next > now {
				continue
			}
			d.gov.Tick(h.net, h.util(d))
			d.next += d.gov.Period()
			d.freqSum += d.proc.Freq(d.gov.Cap())
			d.onlineSum += float64(d.gov.Online())
			d.ticks++
			if d == h.cpu && h.cpuThrottled() {
				h.throttledTicks++
				if math.IsNaN(h.first) {
					h.first = now
				}
			}
		}
		h.cpuScale, h.gpuScale = h.cpuScaleNow(), h.scale(h.gpu)
		h.ph.meter.Set(result.CPU, h.ph.cpu.power())
		h.ph.meter.Set(result.GPU, h.ph.gpu.power())
		if now >= h.sampleAt {
			h.emit(now)
			h.sampleAt++
		}
	}
}

// util is domain d's demand at a tick, the share of its cores busy (the
// GPU is busy or not: a CNN's kernel or a GPU runtime's LLM phase). Only
// a power_allocator zone reads it (its actors' requested power); the
// limit loops and the cap in force do not.
func (h *phoneHeat) util(d *heatDomain) float64 {
	if d == h.gpu {
		if h.ph.gpu.users > 0 || h.ph.cpu.phaseOn == phaseGPU {
			return 1
		}
		return 0
	}
	c := h.ph.cpu
	if !(c.cores > 0) {
		return 0
	}
	if h.slots != nil {
		// the busy cores fill the slots in order; d's share of its cores
		busy, filled := min(c.busy, c.cores), 0.0
		for i, s := range h.slots {
			if s == d {
				filled += min(max(busy-float64(i), 0), 1)
			}
		}
		return filled / float64(d.proc.Spec.Cores)
	}
	return min(c.busy, c.cores) / c.cores
}

// emit closes the second ending at now.
func (h *phoneHeat) emit(now float64) {
	s := &h.sample
	s.T = now
	copy(s.Temps, h.net.Temps())
	mean := func(d *heatDomain) float64 {
		if d == nil {
			return 0
		}
		if d.ticks == 0 {
			return d.proc.Freq(d.gov.Cap())
		}
		return d.freqSum / float64(d.ticks)
	}
	s.CPUFreq, s.GPUFreq = mean(h.cpu), mean(h.gpu)
	if h.slots != nil {
		s.CPUFreq = 0
		for _, d := range h.slots {
			s.CPUFreq += mean(d)
		}
		s.CPUFreq /= float64(len(h.slots))
	}
	s.Online = h.online()
	if h.cpu.ticks > 0 && h.cpu.onlineSum < float64(h.cpu.ticks*h.cpu.proc.Spec.Cores) {
		s.Online = h.cpu.onlineSum / float64(h.cpu.ticks)
	}
	s.Throttled = 0
	if h.cpu.ticks > 0 {
		s.Throttled = float64(h.throttledTicks) / float64(h.cpu.ticks)
	}
	r := h.ph.meter.Read()
	if dt := r.At - h.read.At; dt > 0 {
		s.Power = float64(r.Sub(h.read).Total()) / dt
	}
	h.read = r
	if h.slots != nil && h.ph.opt.Sink != nil {
		// per-cluster lanes before the accumulators reset
		for _, d := range h.ticking {
			if d != h.gpu {
				h.ph.span(result.CounterLane(h.ph.name, d.proc.Spec.Name+" MHz"), fmt.Sprintf("%.1f", mean(d)/1e6), now-1, now, nil)
			}
		}
	}
	for _, d := range h.ticking {
		d.freqSum, d.onlineSum, d.ticks = 0, 0, 0
	}
	h.throttledTicks = 0
	if h.ph.opt.Sink != nil {
		h.counters(s)
	}
	if h.opt.OnSample != nil {
		h.opt.OnSample(s)
	}
}

// counters emits the sample as trace counter spans (result.CounterLane):
// one per node temperature and per domain frequency, each lasting the
// second it describes.
func (h *phoneHeat) counters(s *ThermalSample) {
	ph := h.ph
	for i, n := range h.names {
		ph.span(result.CounterLane(ph.name, n+" °C"), fmt.Sprintf("%.3f", s.Temps[i]), s.T-1, s.T, nil)
	}
	ph.span(result.CounterLane(ph.name, "cpu MHz"), fmt.Sprintf("%.1f", s.CPUFreq/1e6), s.T-1, s.T, nil)
	if h.gpu != nil {
		ph.span(result.CounterLane(ph.name, "gpu MHz"), fmt.Sprintf("%.1f", s.GPUFreq/1e6), s.T-1, s.T, nil)
	}
}

// stretch returns a d-second piece of work with memory-bound share m on
// the CPU (or the GPU) stretched to the present cap's frequency: d /
// Speed(f_cap, f_top, m). CPU work spread over cores threads also waits
// for offline cores (hotplug): with k = cores/online > 1 its compute-bound
// share runs k times longer, d / Speed(f_cap/k, f_top, m) (the threads
// time-share the cores left; the memory-bound share is bandwidth-bound and
// does not). Without a thermal model it returns d.
func (h *phoneHeat) stretch(d, m float64, gpu bool, cores float64) float64 {
	if h == nil {
		return d
	}
	dom := h.cpu
	if gpu && h.gpu != nil {
		dom = h.gpu
	} else if h.slots != nil {
		// no hotplug with a placement (newPhoneHeat), so no wait for
		// offline cores
		r := h.slotRatio(cores)
		if r == 1 {
			return d
		}
		return d / thermal.Speed(r, 1, m)
	}
	c := dom.gov.Cap()
	k := 1.0
	if dom == h.cpu {
		k = max(1, cores/h.online())
	}
	if c == dom.top && k == 1 {
		return d
	}
	return d / thermal.Speed(dom.proc.Freq(c)/k, dom.proc.Freq(dom.top), m)
}

// online returns the CPU cores online (the phone's cores when its
// governor has no hotplug limit or none is offline).
func (h *phoneHeat) online() float64 {
	if n := h.cpu.gov.Online(); n < h.cpu.proc.Spec.Cores {
		return float64(n)
	}
	return h.ph.cpu.cores
}

// ThermalNodes returns the names of the phone's thermal nodes (nil when
// its thermal model is off).
func (ph *Phone) ThermalNodes() []string {
	if ph.heat == nil {
		return nil
	}
	return append([]string(nil), ph.heat.names...)
}

// FirstThrottle returns the time the CPU's thermal cap first fell below its
// top operating point (with CPU clusters: the cap of any cluster a thread
// runs on), s, or NaN if it never did (or the thermal model is off).
func (ph *Phone) FirstThrottle() float64 {
	if ph.heat == nil {
		return math.NaN()
	}
	return ph.heat.first
}

// Temps returns the phone's node temperatures now, °C, in ThermalNodes
// order (nil when its thermal model is off).
func (ph *Phone) Temps() []float64 {
	if ph.heat == nil {
		return nil
	}
	ph.heat.sync()
	return ph.heat.net.Temps()
}

// SustainedCPU holds every CPU core of a phone busy from time 0 with its
// thermal model on (the energy meter's powers heating the network, the
// governor process ticking, as in a simulation) and returns the mean over
// the seconds in (from, to] of the CPU's speed relative to its top
// operating point for work whose share memFrac is memory-bound
// (thermal.Speed at the cap). It is how validation compares the wired-in
// model, not the standalone one, with a published sustained-performance
// reading.
func SustainedCPU(spec PhoneSpec, opt ThermalOptions, memFrac, from, to float64) (float64, error) {
	if !(from >= 0 && to > from && to <= 24*3600) {
		return 0, fmt.Errorf("devices: sustained CPU: window (%v, %v] s outside a day", from, to)
	}
	env := sim.NewEnv()
	defer env.Close()
	opt.OnSample = nil
	ph, err := NewPhone(env, sim.NewStreams(1), "phone[0]", spec, PhoneOptions{Thermal: &opt})
	if err != nil {
		return 0, err
	}
	ph.cpu.add(float64(spec.CPU.Cores))
	h := ph.heat
	d := h.cpu
	var sum float64
	var n int
	env.Process("probe", func(p *sim.Proc) error {
		for t := 1.0; t <= to; t++ {
			if err := p.Sleep(1); err != nil {
				return err
			}
			if t > from {
				if h.slots != nil {
					sum += thermal.Speed(h.slotRatio(float64(spec.CPU.Cores)), 1, memFrac)
				} else {
					sum += thermal.Speed(d.proc.Freq(d.gov.Cap()), d.proc.Freq(d.top), memFrac)
				}
				n++
			}
		}
		ph.Stop()
		return nil
	})
	if err := env.Run(); err != nil {
		return 0, err
	}
	return sum / float64(n), nil
}
