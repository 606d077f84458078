package thermal

import (
	"fmt"
	"math"
)

// Limit is a thermal trip point on one node of the network, with
// hysteresis: the governor throttles while the node is above Trip and
// releases once it is below Trip − Hysteresis.
type Limit struct {
	Node       string  `yaml:"node"`
	Trip       float64 `yaml:"trip"`       // °C
	Hysteresis float64 `yaml:"hysteresis"` // K
}

// GovernorSpec configures a Governor.
type GovernorSpec struct {
	Period float64 `yaml:"period"` // polling period, s
	// Step is how many OPPs the thermal cap moves per period (the
	// kernel's freq-step); 0 means 1.
	Step int `yaml:"step"`
	// Headroom is schedutil's margin: the load OPP is the lowest whose
	// frequency is at least Headroom × util × f_top; 0 means 1.25.
	Headroom float64 `yaml:"headroom"`
	Limits   []Limit `yaml:"limits"`
	// Hotplug, if set, takes cores offline under a thermal limit.
	Hotplug *Hotplug `yaml:"hotplug"`
}

// Hotplug is a core-control limit (the MSM8974 KTM's core_limit_temp):
// every polling period, with the node at or above Trip one more core goes
// offline (down to Keep online), and with it at or below Trip −
// Hysteresis one comes back. do_core_control in the hammerhead kernel's
// drivers/thermal/msm_thermal.c (commit
// 051f75d962779c567560adce6e4c22d0e409876f): temp ≥ core_limit_temp_degC
// → cpu_down of the highest online core in core_control_mask, one per
// poll; temp ≤ core_limit_temp_degC − core_temp_hysteresis_degC → cpu_up
// of one offlined core per poll. Note the release test is ≤, where the
// frequency loop's is <.
type Hotplug struct {
	Node       string  `yaml:"node"`
	Trip       float64 `yaml:"trip"`       // °C
	Hysteresis float64 `yaml:"hysteresis"` // K
	// Keep is how many cores stay online (cores outside the mask: 1 for
	// the Nexus 5's mask 0xe, cores 1-3).
	Keep int `yaml:"keep"`
}

// Governor picks a processor's OPP every polling period, by load and by
// thermal limits:
//
//	load:   i_load = min{ i : f_i ≥ h · u · f_top }        (schedutil-like)
//	cap:    any limit node at or above its trip → cap ← max(cap − s, 0)
//	        every limit node below trip − hyst  → cap ← min(cap + s, top)
//	        otherwise                            → cap unchanged
//	chosen: min(i_load, cap)
//
// with u the demand as a share of the top OPP's capacity, h the headroom
// and s the step. This is the MSM8974 KTM's limit-temp loop
// (do_freq_control in the hammerhead kernel's drivers/thermal/msm_thermal.c,
// commit 051f75d962779c567560adce6e4c22d0e409876f: temp ≥ limit_temp →
// limit_idx −= freq_step; temp < limit_temp − temp_hysteresis →
// limit_idx += freq_step, an index into the cpufreq table) and the Linux
// step_wise governor on a cpufreq cooling device, with schedutil's
// frequency choice below the cap. With a Hotplug limit the same tick also
// takes cores offline or back (Online).
type Governor struct {
	spec  GovernorSpec
	proc  *Processor
	nodes []int // network index per limit
	cap   int
	cur   int
	// hotplug: the node index and the cores online (proc.Spec.Cores when
	// none is offline)
	hpNode int
	online int
}

// NewGovernor returns a governor for proc reading the nodes of net, with
// the cap at the top OPP and the processor at its lowest OPP.
func NewGovernor(spec GovernorSpec, proc *Processor, net *Network) (*Governor, error) {
	if !(spec.Period >= 1e-3 && spec.Period <= 3600) {
		return nil, fmt.Errorf("thermal: governor of %q: period %g s outside [1 ms, 1 h]", proc.Spec.Name, spec.Period)
	}
	if spec.Step < 0 {
		return nil, fmt.Errorf("thermal: governor of %q: step %d < 0", proc.Spec.Name, spec.Step)
	}
	if spec.Step == 0 {
		spec.Step = 1
	}
	if spec.Headroom == 0 {
		spec.Headroom = 1.25
	}
	if !(spec.Headroom > 0) || math.IsInf(spec.Headroom, 0) {
		return nil, fmt.Errorf("thermal: governor of %q: headroom %g must be positive", proc.Spec.Name, spec.Headroom)
	}
	g := &Governor{spec: spec, proc: proc, cap: proc.Len() - 1, online: proc.Spec.Cores, hpNode: -1}
	if h := spec.Hotplug; h != nil {
		g.hpNode = net.NodeIndex(h.Node)
		if g.hpNode < 0 {
			return nil, fmt.Errorf("thermal: governor of %q: hotplug on unknown node %q", proc.Spec.Name, h.Node)
		}
		if !(h.Hysteresis >= 0) || math.IsNaN(h.Trip) || math.IsInf(h.Trip, 0) || math.IsInf(h.Hysteresis, 0) || h.Keep < 1 || h.Keep > proc.Spec.Cores {
			return nil, fmt.Errorf("thermal: governor of %q: invalid hotplug %+v (keep 1..%d cores)", proc.Spec.Name, *h, proc.Spec.Cores)
		}
	}
	for _, l := range spec.Limits {
		i := net.NodeIndex(l.Node)
		if i < 0 {
			return nil, fmt.Errorf("thermal: governor of %q: limit on unknown node %q", proc.Spec.Name, l.Node)
		}
		if !(l.Hysteresis >= 0) || math.IsNaN(l.Trip) || math.IsInf(l.Trip, 0) || math.IsInf(l.Hysteresis, 0) {
			return nil, fmt.Errorf("thermal: governor of %q: invalid limit %+v", proc.Spec.Name, l)
		}
		g.nodes = append(g.nodes, i)
	}
	return g, nil
}

// Period returns the polling period in seconds.
func (g *Governor) Period() float64 { return g.spec.Period }

// OPP returns the OPP chosen at the last tick.
func (g *Governor) OPP() int { return g.cur }

// Cap returns the thermal cap (the highest OPP allowed).
func (g *Governor) Cap() int { return g.cap }

// Throttled reports whether the cap is below the top OPP.
func (g *Governor) Throttled() bool { return g.cap < g.proc.Len()-1 }

// Online returns the cores online (all of them without a hotplug limit).
func (g *Governor) Online() int { return g.online }

// Tick runs one polling period's decision with the network's current
// temperatures and a demand util (share of the top OPP's capacity,
// clamped to [0, 1]), and returns the chosen OPP.
func (g *Governor) Tick(net *Network, util float64) int {
	hot, cool := false, true
	for k, l := range g.spec.Limits {
		t := net.Temp(g.nodes[k])
		if t >= l.Trip {
			hot = true
		}
		if !(t < l.Trip-l.Hysteresis) {
			cool = false
		}
	}
	top := g.proc.Len() - 1
	switch {
	case hot:
		g.cap = max(g.cap-g.spec.Step, 0)
	case cool:
		g.cap = min(g.cap+g.spec.Step, top)
	}
	if h := g.spec.Hotplug; h != nil {
		t := net.Temp(g.hpNode)
		switch {
		case t >= h.Trip:
			g.online = max(g.online-1, h.Keep)
		case t <= h.Trip-h.Hysteresis:
			g.online = min(g.online+1, g.proc.Spec.Cores)
		}
	}
	u := math.Max(0, math.Min(util, 1))
	want := g.spec.Headroom * u * g.proc.Freq(top)
	load := top
	for i := 0; i < top; i++ {
		if g.proc.Freq(i) >= want {
			load = i
			break
		}
	}
	g.cur = min(load, g.cap)
	return g.cur
}
