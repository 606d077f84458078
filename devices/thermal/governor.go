package thermal

import (
	"fmt"
	"math"
)

// Limit is a thermal trip point on one node of the network, with
// hysteresis: the governor throttles while the node is above Trip and
// releases once it is below Trip − Hysteresis.
//
// Under PolicySS, Trip is thermal-engine's set_point and Trip −
// Hysteresis its set_point_clr (see ss).
type Limit struct {
	Node       string  `yaml:"node"`
	Trip       float64 `yaml:"trip"`       // °C
	Hysteresis float64 `yaml:"hysteresis"` // K
	// Policy overrides the governor's Policy for this limit ("" keeps
	// it), so one processor can carry the rules of several controllers
	// (the Pixel 4: thermal-engine's skin rules and the kernel's
	// junction zones).
	Policy string `yaml:"policy"`
	// FloorKHz bounds how far this limit may lower the cap: the lowest
	// OPP it may impose is the lowest at or above FloorKHz
	// (thermal-engine's device_max_limit; under step_wise the cooling
	// map's upper state). 0: no bound.
	FloorKHz float64 `yaml:"floor_khz"`
	// Every is how many governor periods pass between this limit's
	// samples (thermal-engine's sampling over the governor's period);
	// 0 or 1: every period.
	Every int `yaml:"every"`
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
	// Policy is how Limits move the cap unless a limit names its own:
	// "" or "ktm" (the MSM8974 KTM's hysteresis loop, see Governor),
	// "step_wise" (the Linux step_wise governor's trend rule) or "ss"
	// (Qualcomm thermal-engine's single-step algorithm).
	Policy string `yaml:"policy"`
	// Allocator, if set, also caps the processor by a power budget (the
	// Linux power_allocator governor, see Allocator).
	Allocator *Allocator `yaml:"allocator"`
	// Mitigation, if set, is a hard frequency cap at a high temperature
	// (the KTM's freq-mitigation, see Mitigation).
	Mitigation *Mitigation `yaml:"mitigation"`
	// Monitors are fixed caps with their own trip and clear
	// temperatures: thermal-engine's monitor algorithm (each threshold
	// of a monitor instance is one Mitigation: at or above Trip the cap
	// is KHz, at or below Trip − Hysteresis it is lifted). The lowest
	// cap in force wins. A multi-level monitor (thresholds rising, clears
	// rising, caps falling) is one Mitigation per level: its level — up
	// while the sensor is at or above the next threshold, down while it
	// is at or below the present level's clear — is then the number of
	// Mitigations in force, and its cap the lowest of theirs
	// (TestMonitorLevels); a level without a cap (thermal-engine's
	// FFFFFFF) is left out.
	Monitors []Mitigation `yaml:"monitors"`
}

// Policies a GovernorSpec may name.
const (
	PolicyKTM      = "ktm"
	PolicyStepWise = "step_wise"
	PolicySS       = "ss"
)

// Mitigation is the MSM8974 KTM's emergency frequency cap
// (do_freq_mitigation in the hammerhead kernel's
// drivers/thermal/msm_thermal.c, probed from qcom,freq-mitigation-temp,
// -temp-hysteresis and -value): at or above Trip the processor's maximum
// frequency becomes KHz; at or below Trip − Hysteresis the cap is lifted.
type Mitigation struct {
	Node       string  `yaml:"node"`
	Trip       float64 `yaml:"trip"`       // °C
	Hysteresis float64 `yaml:"hysteresis"` // K
	KHz        float64 `yaml:"khz"`        // the capped frequency
	// Every is how many governor periods pass between this cap's
	// samples (a thermal-engine monitor's sampling over the governor's
	// period: LG's G3 rules sample every 10 s, the power is recomputed
	// every second); 0 or 1: every period. Between samples the cap
	// keeps its state.
	Every int `yaml:"every"`
}

// Allocator configures one processor's membership of a power_allocator
// thermal zone (Linux drivers/thermal/gov_power_allocator.c, read at
// torvalds/linux commit 03c11eb3b16dc0058589751dfd91f254be2be613).
// Governors whose Allocator names the same Zone share one controller
// (Build links them; the first processor in the preset runs it). Every
// period, with T the zone node's temperature:
//
//	T < SwitchOn:  the integral and the previous error reset, no cap
//	err = Control − T
//	p   = (err < 0 ? KPo : KPu) · err
//	i   = KI · Σerr, the sum growing only while err < IntegralCutoff and
//	      |i + KI·err| < the actors' maximum power
//	budget = clamp(SustainablePower + p + i, 0, Σ max power)
//
// The budget is divided among the actors in proportion to their
// requested power (divvy_up_power: each one's power at its present OPP
// with its busy cores, surplus above an actor's maximum re-divided by
// headroom), and each actor takes the highest OPP whose power fits its
// grant (cpufreq_cooling's power2state). KPo, KPu and KI left at 0 are
// estimated as the kernel does (estimate_pid_constants): KPo =
// SustainablePower/(Control − SwitchOn), KPu = 2·SustainablePower/(Control
// − SwitchOn), KI = KPu/10. The kernel's k_d defaults to 0 and is not
// modelled.
type Allocator struct {
	Zone             string  `yaml:"zone"`
	Node             string  `yaml:"node"`
	SwitchOn         float64 `yaml:"switch_on"`         // °C, first passive trip
	Control          float64 `yaml:"control"`           // °C, last passive trip (the temperature controlled for)
	SustainablePower float64 `yaml:"sustainable_power"` // W
	KPo              float64 `yaml:"k_po"`              // W/K, overshoot
	KPu              float64 `yaml:"k_pu"`              // W/K, undershoot
	KI               float64 `yaml:"k_i"`               // W/K per period
	IntegralCutoff   float64 `yaml:"integral_cutoff"`   // K
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
//	cap:    the lowest of the caps of its limits, grouped by policy
//	        (ktm, step_wise, ss), of its monitors and of its allocator
//	chosen: min(i_load, cap)
//
// with u the demand as a share of the top OPP's capacity and h the
// headroom. The KTM limits share one cap (the MSM8974 KTM's limit-temp
// loop, do_freq_control in the hammerhead kernel's
// drivers/thermal/msm_thermal.c, commit
// 051f75d962779c567560adce6e4c22d0e409876f: temp ≥ limit_temp →
// limit_idx −= freq_step; temp < limit_temp − temp_hysteresis →
// limit_idx += freq_step, an index into the cpufreq table):
//
//	any limit node at or above its trip → cap ← max(cap − s, 0)
//	every limit node below trip − hyst  → cap ← min(cap + s, top)
//	otherwise                            → cap unchanged
//
// with s the step; step_wise limits follow the Linux governor's trend rule
// (stepWise), ss limits Qualcomm thermal-engine's single-step rule (ss),
// monitors are fixed caps between a trip and a clear temperature. With a
// Hotplug limit the same tick also takes cores offline or back (Online).
type Governor struct {
	spec  GovernorSpec
	proc  *Processor
	nodes []int // network index per limit
	cap   int   // the limit loop's cap
	eff   int   // the cap in force: min of the loop's, the allocator's and the mitigation's
	cur   int
	// step_wise: the cooling state per limit (cap steps below the top),
	// the previous reading per limit, and whether a tick has run
	targets []int
	prev    []float64
	swInit  bool
	// per limit: its policy, its floor OPP (the lowest it may impose)
	// and the ticks until its next sample
	policy []string
	floor  []int
	due    []int
	// the caps of the step_wise and ss limits (the KTM's is cap)
	swCap, ssCap int
	// ss: per limit, whether the instance is mitigating and its level
	// (OPPs below the top it requests)
	ssOn    []bool
	ssLevel []int
	// monitors (Mitigation and Monitors): node, OPP and state per cap
	mons   []Mitigation
	monIdx []int
	monOn  []bool
	monNod []int
	monDue []int // ticks until the cap's next sample
	// allocator zone (nil without one) and this actor's present grant, W
	zone    *zone
	granted float64
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
	if err := checkPolicy(spec.Policy); err != nil {
		return nil, fmt.Errorf("thermal: governor of %q: %w", proc.Spec.Name, err)
	}
	top := proc.Len() - 1
	g := &Governor{spec: spec, proc: proc, cap: top, swCap: top, ssCap: top, eff: top, online: proc.Spec.Cores, hpNode: -1, granted: math.Inf(1)}
	mons := spec.Monitors
	if spec.Mitigation != nil {
		mons = append([]Mitigation{*spec.Mitigation}, mons...)
	}
	for _, m := range mons {
		node := net.NodeIndex(m.Node)
		if node < 0 {
			return nil, fmt.Errorf("thermal: governor of %q: mitigation on unknown node %q", proc.Spec.Name, m.Node)
		}
		if !(m.Hysteresis >= 0) || math.IsNaN(m.Trip) || math.IsInf(m.Trip, 0) || math.IsInf(m.Hysteresis, 0) || !(m.KHz > 0) || m.Every < 0 {
			return nil, fmt.Errorf("thermal: governor of %q: invalid mitigation %+v", proc.Spec.Name, m)
		}
		// the highest OPP at or below the capped frequency (the lowest if none)
		idx := 0
		for i := 0; i <= top; i++ {
			if proc.Table.OPPs[i].KHz <= m.KHz {
				idx = i
			}
		}
		g.mons, g.monIdx, g.monNod = append(g.mons, m), append(g.monIdx, idx), append(g.monNod, node)
	}
	g.monOn, g.monDue = make([]bool, len(g.mons)), make([]int, len(g.mons))
	if a := spec.Allocator; a != nil {
		z, err := newZone(*a, net)
		if err != nil {
			return nil, fmt.Errorf("thermal: governor of %q: %w", proc.Spec.Name, err)
		}
		z.members = []*Governor{g}
		g.zone = z
	}
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
		if !(l.Hysteresis >= 0) || math.IsNaN(l.Trip) || math.IsInf(l.Trip, 0) || math.IsInf(l.Hysteresis, 0) ||
			!(l.FloorKHz >= 0) || math.IsInf(l.FloorKHz, 0) || l.Every < 0 {
			return nil, fmt.Errorf("thermal: governor of %q: invalid limit %+v", proc.Spec.Name, l)
		}
		if err := checkPolicy(l.Policy); err != nil {
			return nil, fmt.Errorf("thermal: governor of %q: limit on %q: %w", proc.Spec.Name, l.Node, err)
		}
		pol := l.Policy
		if pol == "" {
			pol = spec.Policy
		}
		if pol == "" {
			pol = PolicyKTM
		}
		floor := 0
		for floor < top && proc.Table.OPPs[floor].KHz < l.FloorKHz {
			floor++
		}
		g.nodes, g.policy, g.floor = append(g.nodes, i), append(g.policy, pol), append(g.floor, floor)
	}
	n := len(spec.Limits)
	g.targets, g.prev, g.due = make([]int, n), make([]float64, n), make([]int, n)
	g.ssOn, g.ssLevel = make([]bool, n), make([]int, n)
	return g, nil
}

func checkPolicy(p string) error {
	switch p {
	case "", PolicyKTM, PolicyStepWise, PolicySS:
		return nil
	}
	return fmt.Errorf("policy %q is not %q, %q or %q", p, PolicyKTM, PolicyStepWise, PolicySS)
}

// Period returns the polling period in seconds.
func (g *Governor) Period() float64 { return g.spec.Period }

// OPP returns the OPP chosen at the last tick.
func (g *Governor) OPP() int { return g.cur }

// Cap returns the thermal cap in force (the highest OPP allowed): the
// lowest of the limit loop's, the allocator's and the mitigation's.
func (g *Governor) Cap() int { return g.eff }

// Throttled reports whether the cap is below the top OPP.
func (g *Governor) Throttled() bool { return g.eff < g.proc.Len()-1 }

// Granted returns the allocator's last power grant to this processor, W
// (+Inf without an allocator or below its switch-on temperature).
func (g *Governor) Granted() float64 { return g.granted }

// Online returns the cores online (all of them without a hotplug limit).
func (g *Governor) Online() int { return g.online }

// Tick runs one polling period's decision with the network's current
// temperatures and a demand util (share of the top OPP's capacity,
// clamped to [0, 1]), and returns the chosen OPP.
func (g *Governor) Tick(net *Network, util float64) int {
	top := g.proc.Len() - 1
	u := math.Max(0, math.Min(util, 1))
	// the limits sampled this tick (every Every periods)
	sample := make([]bool, len(g.spec.Limits))
	for k, l := range g.spec.Limits {
		if g.due[k]--; g.due[k] < 0 {
			sample[k] = true
			g.due[k] = max(l.Every, 1) - 1
		}
	}
	g.ktm(net, sample)
	g.stepWise(net, sample)
	g.ss(net, sample)
	g.eff = min(g.cap, g.swCap, g.ssCap)
	if g.zone != nil {
		g.eff = min(g.eff, g.zone.tick(g, net, u))
	}
	for k, m := range g.mons {
		if g.monDue[k]--; g.monDue[k] < 0 {
			g.monDue[k] = max(m.Every, 1) - 1
			switch t := net.Temp(g.monNod[k]); {
			case t >= m.Trip:
				g.monOn[k] = true
			case t <= m.Trip-m.Hysteresis:
				g.monOn[k] = false
			}
		}
		if g.monOn[k] {
			g.eff = min(g.eff, g.monIdx[k])
		}
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
	want := g.spec.Headroom * u * g.proc.Freq(top)
	load := top
	for i := 0; i < top; i++ {
		if g.proc.Freq(i) >= want {
			load = i
			break
		}
	}
	g.cur = min(load, g.eff)
	return g.cur
}

// ktm is the MSM8974 KTM's loop on the limits of policy ktm (see
// Governor): one cap for all of them, lowered while any is at or above its
// trip, raised once every one is below trip − hysteresis.
func (g *Governor) ktm(net *Network, sample []bool) {
	hot, cool, any := false, true, false
	for k, l := range g.spec.Limits {
		if g.policy[k] != PolicyKTM || !sample[k] {
			continue
		}
		any = true
		t := net.Temp(g.nodes[k])
		if t >= l.Trip {
			hot = true
		}
		if !(t < l.Trip-l.Hysteresis) {
			cool = false
		}
	}
	if !any {
		return
	}
	top := g.proc.Len() - 1
	switch {
	case hot:
		g.cap = max(g.cap-g.spec.Step, 0)
	case cool:
		g.cap = min(g.cap+g.spec.Step, top)
	}
}

// stepWise is the Linux step_wise governor on the limits of policy
// step_wise (get_target_state and thermal_zone_trip_update in
// drivers/thermal/gov_step_wise.c, read at torvalds/linux commit
// 00211025270741a6190df2cf01747723ef673a1f). Each limit is a trip with
// its own target cooling state (Step OPPs below the top per state, at
// most down to its FloorKHz: the cooling map's upper state); the trend is
// the sign of the change of the node's temperature since the previous
// poll (the default of get_tz_trend); throttle is T ≥ trip; and with cur
// the cooling device's present state (the highest target):
//
//	first poll:             throttle → cur + 1, else no target (0)
//	throttle and rising:    cur + 1
//	no throttle, dropping:  cur − 1 (no target at 0)
//	otherwise:              the target is kept
//
// Each limit's cap is top − Step × its target, at least its floor; the
// lowest of them is in force. The trip's hysteresis is not
// used by this rule (Limit.Hysteresis is ignored under step_wise).
func (g *Governor) stepWise(net *Network, sample []bool) {
	top := g.proc.Len() - 1
	cur := 0
	for k, t := range g.targets {
		if g.policy[k] == PolicyStepWise {
			cur = max(cur, t)
		}
	}
	for k, l := range g.spec.Limits {
		if g.policy[k] != PolicyStepWise || !sample[k] {
			continue
		}
		maxState := (top - g.floor[k] + g.spec.Step - 1) / g.spec.Step
		t := net.Temp(g.nodes[k])
		throttle := t >= l.Trip
		init := g.swInit
		rising, dropping := init && t > g.prev[k], init && t < g.prev[k]
		switch {
		case !init:
			if throttle {
				g.targets[k] = min(cur+1, maxState)
			} else {
				g.targets[k] = 0
			}
		case throttle && rising:
			g.targets[k] = min(cur+1, maxState)
		case !throttle && dropping:
			g.targets[k] = max(cur-1, 0)
		}
		g.prev[k] = t
	}
	g.swInit = true
	g.swCap = top
	for k, t := range g.targets {
		if g.policy[k] == PolicyStepWise {
			g.swCap = min(g.swCap, max(top-t*g.spec.Step, g.floor[k]))
		}
	}
}

// ss is Qualcomm thermal-engine's single-step algorithm on the limits of
// policy ss (handle_thresh_sig and handle_timer_sig in
// vendor/qcom/proprietary/thermal-engine/ss_algorithm.c, read in
// Rivko/android-firmware-qti-sdm670 at commit
// 44af08aa9a60c6ca724c8d7abf04af54d4136ccb). Each limit is one instance
// with its own mitigation level (OPPs below the top it requests):
//
//	idle and T ≥ set_point (Trip):           start, level 0, then sample
//	sampling and T ≤ set_point_clr:          stop, request lifted
//	sample: T > set_point (or = at level 0): level + 1, unless that OPP
//	                                         is below FloorKHz
//	        otherwise:                       level − 1; at 0 it stops
//	                                         (resumes at T ≥ set_point)
//
// so a sampling instance walks its request one OPP per sample toward
// the OPP that holds the node at its set point (one OPP, whatever the
// governor's Step: increase_mitigation_lvl moves curr_lvl by one), from both sides: unlike
// the KTM loop, which only releases below trip − hysteresis, it does not
// wait for the node to cool through a band before raising the cap. The
// device takes the lowest frequency requested (the highest level); the
// time_constant hold-off (0 in the presets) is not modelled.
func (g *Governor) ss(net *Network, sample []bool) {
	top := g.proc.Len() - 1
	level := 0
	for k, l := range g.spec.Limits {
		if g.policy[k] != PolicySS {
			continue
		}
		if sample[k] {
			t := net.Temp(g.nodes[k])
			switch {
			case !g.ssOn[k] && t >= l.Trip:
				g.ssOn[k], g.ssLevel[k] = true, 0
			case g.ssOn[k] && t <= l.Trip-l.Hysteresis:
				g.ssOn[k], g.ssLevel[k] = false, 0
			}
			if g.ssOn[k] {
				if t > l.Trip || (t == l.Trip && g.ssLevel[k] <= 0) {
					if top-g.ssLevel[k]-1 >= g.floor[k] {
						g.ssLevel[k]++
					}
				} else if g.ssLevel[k]--; g.ssLevel[k] <= 0 {
					g.ssOn[k], g.ssLevel[k] = false, 0
				}
			}
		}
		level = max(level, g.ssLevel[k])
	}
	g.ssCap = top - level
}
