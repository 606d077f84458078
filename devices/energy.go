package devices

import (
	"github.com/infersim/infersim/result"
	"github.com/infersim/infersim/sim"
	"github.com/infersim/infersim/units"
)

// energyMeter is a phone's energy meter: an observer that integrates
// piecewise-constant power. Components report their power at every state
// change with Set; the meter adds power × (now − last) for every component
// and remembers the new power. There is no sampling timer, and the CPU,
// GPU and radio models hold no energy logic: they only report watts.
// Modelled on SimGrid's host energy plugin (src/plugins/host_energy.cpp,
// HostEnergy::update).
//
// # Parameters (PowerSpec; Nexus 5 values, phones/nexus5.yaml)
//
//	component  state                      power                     source
//	cpu        awake, no core busy        CPUIdle     = 66.12 mW    power_profile.xml cpu.awake 17.4 mA × 3.8 V
//	cpu        n cores busy               + min(n,1) × CPUShared + n × CPUPerCore (power.go):
//	                                      one core 1.468 W = power_profile.xml cpu.active 386.2 mA × 3.8 V at 2.27 GHz;
//	                                      four 4.86 W nominal (3.50–5.87 W range)
//	gpu        idle / kernel running      GPUIdle 0 W / GPUActive 1.2 W   assumption (see the preset)
//	base       always (screen on)         Base        = 0.697 W     power_profile.xml screen.on + 50 % screen.full
//	radio      the radio's state          network.RadioSpec (ARO)   e.g. LTE promotion 1.21 W, tail 1.06 W
//
// # Worked example (TestMeterWorkedExample)
//
// One AlexNet inference with Caffe on the Nexus 5 CPU keeping 4 cores busy
// for 2.0 s: cpu = 0.06612 + 0.33832 + 4 × 1.12924 = 4.9214 W (nominal),
// base = 0.696654 W, so the inference costs 9.8428 J of CPU and 1.3933 J
// of base energy, 11.236 J in all, 0.0357 % of the 2300 mAh × 3.8 V =
// 31 464 J battery (at phone.power high, 4 × 1.46756 W: 13.266 J).
// The same inference on CNNdroid keeping 1 core and the GPU busy for
// 0.85 s (fact P1): cpu = 0.06612 + 1.46756 = 1.53368 W at every level,
// gpu = 1.2 W, 2.32363 J + 0.59216 J base = 2.9158 J, with a lower power
// during compute (2.73 W against 4.92 W, fact G10-power).
type energyMeter struct {
	env    *sim.Env
	last   float64
	power  [result.NumComponents]float64
	energy [result.NumComponents]float64
	// onSet, if set, is called after every change of a power (the
	// thermal model's sync, thermal_phone.go).
	onSet func()
}

// newEnergyMeter returns a meter at the current time with every component at 0 W.
func newEnergyMeter(env *sim.Env) *energyMeter { return &energyMeter{env: env, last: env.Now()} }

// energyReading is the energy each component has spent since the meter started,
// at a time. Subtract two readings for the energy of an interval.
type energyReading struct {
	At     float64
	Energy [result.NumComponents]units.Energy
}

// Sub returns r − s, component by component (At is r.At).
func (r energyReading) Sub(s energyReading) energyReading {
	for i := range r.Energy {
		r.Energy[i] -= s.Energy[i]
	}
	return r
}

// Total returns the energy summed over components.
func (r energyReading) Total() units.Energy {
	var t units.Energy
	for _, e := range r.Energy {
		t += e
	}
	return t
}

// advance integrates every component up to now.
func (m *energyMeter) advance() {
	now := m.env.Now()
	if dt := now - m.last; dt > 0 {
		for i, p := range m.power {
			m.energy[i] += p * dt
		}
	}
	m.last = now
}

// Set reports that component c draws p from now on. It panics if c is not
// a valid component (a programmer error).
func (m *energyMeter) Set(c result.Component, p units.Power) {
	if m.power[c] == float64(p) {
		return
	}
	m.advance()
	m.power[c] = float64(p)
	if m.onSet != nil {
		m.onSet()
	}
}

// Power returns the power component c draws now.
func (m *energyMeter) Power(c result.Component) units.Power { return units.Power(m.power[c]) }

// TotalPower returns the power drawn now, summed over components.
func (m *energyMeter) TotalPower() units.Power {
	var t float64
	for _, p := range m.power {
		t += p
	}
	return units.Power(t)
}

// Read returns the energy spent so far by each component. It changes
// nothing.
func (m *energyMeter) Read() energyReading {
	r := energyReading{At: m.env.Now()}
	dt := r.At - m.last
	for i := range m.energy {
		r.Energy[i] = units.Energy(m.energy[i] + m.power[i]*dt)
	}
	return r
}

// cpuModel turns busy cores into CPU power. It holds no energy logic: it
// reports the power to the meter at each change.
type cpuModel struct {
	meter *energyMeter
	*cpuConst
	busy float64
	heat *phoneHeat // scales the busy power (DVFS); nil: none
	// phaseCores of the busy cores run a language model's prefill or
	// decode and draw phasePower above CPUIdle together, in place of
	// their per-core table power (addPhase; llmchat.go).
	phaseCores, phasePower float64
	// phaseDRAM is the phase's DRAM traffic power, W (setPhaseDRAM; only
	// with the thermal model on, llmturn.go): a byte moved costs the same
	// at any CPU clock, so the DVFS factor does not scale it.
	phaseDRAM float64
	// phaseOn is the processor the phase's power is drawn on with the
	// thermal model on (setAccel, llmturn.go): the CPU's cores (addPhase),
	// or a GPU or NPU runtime, which keeps no core busy.
	phaseOn phaseProc
}

// cpuConst is what a PhoneSpec fixes of the CPU's power (shared by a
// crowd's phones: at 10⁵ phones a copy each is 3 MB).
type cpuConst struct {
	cores                 float64
	idle, shared, perCore float64
}

func newCPUConst(s *PhoneSpec) *cpuConst {
	return &cpuConst{cores: float64(s.CPU.Cores), idle: float64(s.Power.CPUIdle), shared: float64(s.Power.CPUShared), perCore: float64(s.Power.CPUPerCore)}
}

// phaseProc is the processor a language model's phase runs on, for its
// power's DVFS factor.
type phaseProc int

const (
	// phaseCPU: the phase's cores, scaled as busy cores (cpuScale, the
	// share online under hotplug).
	phaseCPU phaseProc = iota
	// phaseGPU: scaled by the GPU domain's factor (gpuScale; 1 with no
	// GPU domain), as a CNN's GPU kernel.
	phaseGPU
	// phaseNPU: not scaled (no thermal preset has an NPU domain).
	phaseNPU
)

// power is CPUIdle + min(n, 1)·CPUShared + n·CPUPerCore for n busy cores
// (capped at the phone's cores; power.go), plus a language model's phase
// power for the cores it runs on (addPhase).
func (c *cpuModel) power() units.Power {
	n := min(max(c.busy-c.phaseCores, 0), c.cores)
	if c.heat != nil {
		on := c.heat.online()
		n = min(n, on) // hotplug: offline cores draw nothing
		cores := min(n, 1)*c.shared + n*c.perCore
		switch c.phaseOn {
		case phaseGPU:
			return units.Power(c.idle + c.heat.cpuScale*cores + c.heat.gpuScale*c.phasePower + c.phaseDRAM)
		case phaseNPU:
			return units.Power(c.idle + c.heat.cpuScale*cores + c.phasePower + c.phaseDRAM)
		}
		phase := c.phasePower
		if c.phaseCores > on {
			phase *= on / c.phaseCores // the phase's cores share the ones online
		}
		return units.Power(c.idle + c.heat.cpuScale*(min(n, 1)*c.shared+n*c.perCore+phase) + c.phaseDRAM)
	}
	return units.Power(c.idle + min(n, 1)*c.shared + n*c.perCore + c.phasePower)
}

// addPhase makes n cores busy drawing p above CPUIdle together (a
// language model's phase priced by its runtime's power model), or with
// n negative releases them (p is then ignored). One phase at a time.
func (c *cpuModel) addPhase(n, p float64) {
	c.phaseCores += n
	c.phasePower = 0
	if n > 0 {
		c.phasePower = p
	}
	if c.phaseCores < 1e-9 {
		c.phaseCores = 0
	}
	c.add(n)
}

// setAccel starts (p > 0 on a GPU or NPU) or ends (on phaseCPU) a
// language model's phase on an accelerator: it draws p above CPUIdle,
// scaled by on's factor, and keeps no CPU core busy (thermal model on
// only; llmturn.go).
func (c *cpuModel) setAccel(on phaseProc, p float64) {
	c.phaseOn, c.phasePower = on, p
	if on == phaseCPU {
		c.phasePower = 0
	}
	c.meter.Set(result.CPU, c.power())
}

// setPhaseDRAM sets the DRAM power of the phase running, W (0 when none).
func (c *cpuModel) setPhaseDRAM(p float64) {
	if c.phaseDRAM == p {
		return
	}
	c.phaseDRAM = p
	c.meter.Set(result.CPU, c.power())
}

// add changes the number of busy cores by n (negative to release).
func (c *cpuModel) add(n float64) {
	if n == 0 {
		return
	}
	c.busy += n
	if c.busy < 1e-9 {
		c.busy = 0
	}
	c.meter.Set(result.CPU, c.power())
}

// gpuModel turns the GPU's activity into GPU power.
type gpuModel struct {
	meter *energyMeter
	*gpuConst
	users int
	heat  *phoneHeat // scales the active power (DVFS); nil: none
}

// gpuConst is what a PhoneSpec fixes of the GPU's power.
type gpuConst struct{ idle, active float64 }

func newGPUConst(s *PhoneSpec) *gpuConst {
	return &gpuConst{idle: float64(s.Power.GPUIdle), active: float64(s.Power.GPUActive)}
}

func (g *gpuModel) set(on bool) {
	if on {
		g.users++
	} else if g.users > 0 {
		g.users--
	}
	g.meter.Set(result.GPU, g.power())
}

// power is GPUIdle, or GPUActive while a kernel runs (scaled by the
// thermal model's DVFS factor when it is on).
func (g *gpuModel) power() units.Power {
	p := g.idle
	if g.users > 0 {
		p = g.active
		if g.heat != nil {
			p *= g.heat.gpuScale
		}
	}
	return units.Power(p)
}
