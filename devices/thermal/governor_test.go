package thermal

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/infersim/infersim/units"
)

// synthetic is a one-core processor on one node (C = 0.05 J/K, G = 0.05
// W/K to a 25 °C ambient, τ = C/G = 1 s), without leakage, whose OPPs
// have, with C_eff = 3 W / (1.1² × 2 GHz) = 1.23967e-9 F:
//
//	f (GHz)  V     P = C_eff V² f   T_ss = 25 + P/G
//	0.5      0.8   0.39669 W        32.93 °C
//	1.0      0.9   1.00413 W        45.08 °C
//	1.5      1.0   1.85950 W        62.19 °C
//	2.0      1.1   3.00000 W        85.00 °C
//
// A trip at 60 °C is balanced by P* = G (60 − 25) = 1.75 W, between the
// 1.0 and 1.5 GHz OPPs: with V = 0.7 + 0.2 f (V, GHz) between the OPPs,
// C_eff (0.7 + 0.2 f)² f = 1.75 W gives f* ≈ 1.444 GHz.
func synthetic(t *testing.T, hyst, period float64) (*Network, *Governor, *Processor) {
	t.Helper()
	net, err := NewNetwork([]Node{{"soc", 0.05}}, []Link{{0, Ambient, 0.05}}, 25)
	if err != nil {
		t.Fatal(err)
	}
	tb := Table{Name: "syn", Sources: []Source{{Repo: "test", Path: "test", Commit: "test"}}, OPPs: []OPP{
		{KHz: 5e5, UV: 8e5}, {KHz: 1e6, UV: 9e5}, {KHz: 1.5e6, UV: 1e6}, {KHz: 2e6, UV: 1.1e6}}}
	p, err := NewProcessor(ProcessorSpec{Name: "syn", Cores: 1, TopPower: 3, RefTemp: 25}, tb)
	if err != nil {
		t.Fatal(err)
	}
	g, err := NewGovernor(GovernorSpec{Period: period, Limits: []Limit{{Node: "soc", Trip: 60, Hysteresis: hyst}}}, p, net)
	if err != nil {
		t.Fatal(err)
	}
	return net, g, p
}

// run drives net and g with a saturating one-core load for n periods and
// returns the OPPs chosen in the second half.
func run(net *Network, g *Governor, p *Processor, n int) map[int]int {
	seen := map[int]int{}
	for k := 0; k < n; k++ {
		opp := g.Tick(net, 1)
		if k >= n/2 {
			seen[opp]++
		}
		net.SetPower(0, unitsW(p.Power(opp, 1, net.Temp(0))))
		net.Advance(unitsS(g.Period()))
	}
	return seen
}

// TestGovernorBalancesHeatPath: a saturating load that would heat the node
// to 85 °C settles where its power balances the heat path at the trip. The
// period (10 s = 10 τ) lets the node reach each OPP's steady state, so:
//
//   - hysteresis 2 K: at 1.0 GHz the node cools to 45.08 < 58 °C and the cap
//     rises; at 1.5 GHz it heats to 62.19 > 60 °C and the cap falls: the
//     governor dithers between exactly the two OPPs bracketing f*.
//   - hysteresis 20 K: 45.08 °C is inside [40, 60], so the cap holds: the
//     governor settles at 1.0 GHz, the OPP just below f*.
func TestGovernorBalancesHeatPath(t *testing.T) {
	net, g, p := synthetic(t, 2, 10)
	seen := run(net, g, p, 400)
	if len(seen) != 2 || seen[1] == 0 || seen[2] == 0 {
		t.Errorf("hysteresis 2 K: OPPs visited %v, want only 1 (1.0 GHz) and 2 (1.5 GHz)", seen)
	}
	// the mean power over the dither brackets P* = 1.75 W
	mean := (float64(seen[1])*p.Power(1, 1, 25) + float64(seen[2])*p.Power(2, 1, 25)) / float64(seen[1]+seen[2])
	if !(mean > 1.00413 && mean < 1.85950) {
		t.Errorf("mean power %g W outside the bracketing OPPs", mean)
	}

	net, g, p = synthetic(t, 20, 10)
	seen = run(net, g, p, 400)
	if len(seen) != 1 || seen[1] == 0 {
		t.Errorf("hysteresis 20 K: OPPs visited %v, want only 1 (1.0 GHz)", seen)
	}
	if T := net.Temp(0); math.Abs(T-45.0826) > 1e-3 {
		t.Errorf("settled at %.4f °C, want 45.0826 °C", T)
	}
}

// TestGovernorLoadAndStep: below the limits the OPP follows the load
// (lowest f ≥ 1.25 × util × f_top), and the thermal cap moves Step OPPs a
// period.
func TestGovernorLoadAndStep(t *testing.T) {
	net, g, _ := synthetic(t, 2, 1)
	for _, tc := range []struct {
		util float64
		want int
	}{{0, 0}, {0.2, 0}, {0.3, 1}, {0.5, 2}, {0.61, 3}, {1, 3}, {7, 3}} {
		if got := g.Tick(net, tc.util); got != tc.want {
			t.Errorf("util %g: OPP %d, want %d", tc.util, got, tc.want)
		}
	}
	net.SetTemps([]float64{70})
	g.spec.Step = 2
	if g.Tick(net, 1); g.Cap() != 1 || !g.Throttled() {
		t.Errorf("after one hot tick with step 2: cap %d, want 1", g.Cap())
	}
	if g.Tick(net, 1); g.Cap() != 0 {
		t.Errorf("cap %d, want 0 (floor)", g.Cap())
	}
	net.SetTemps([]float64{59}) // inside the hysteresis band: hold
	if g.Tick(net, 1); g.Cap() != 0 {
		t.Errorf("in band: cap %d, want 0", g.Cap())
	}
	net.SetTemps([]float64{30})
	g.Tick(net, 1)
	if g.Tick(net, 1); g.Cap() != 3 {
		t.Errorf("released: cap %d, want 3", g.Cap())
	}
	if _, err := NewGovernor(GovernorSpec{Period: 1, Limits: []Limit{{Node: "gpu"}}}, g.proc, net); err == nil {
		t.Error("limit on unknown node: no error")
	}
	if _, err := NewGovernor(GovernorSpec{}, g.proc, net); err == nil {
		t.Error("zero period: no error")
	}
}

func unitsW(p float64) units.Power    { return units.Power(p) }
func unitsS(s float64) units.Duration { return units.Duration(s) }

// TestGovernorHotplug: the KTM's core control (do_core_control) takes one
// core offline per poll while the node is at or above the trip, never the
// kept ones, holds inside the hysteresis band, and brings one back per
// poll once the node is at or below trip − hysteresis (≤, not <).
func TestGovernorHotplug(t *testing.T) {
	net, err := NewNetwork([]Node{{"soc", 1}}, []Link{{0, Ambient, 0.1}}, 25)
	if err != nil {
		t.Fatal(err)
	}
	tb := Table{Name: "syn", Sources: []Source{{Repo: "test", Path: "test", Commit: "test"}}, OPPs: []OPP{{KHz: 1e6, UV: 9e5}, {KHz: 2e6, UV: 1.1e6}}}
	p, err := NewProcessor(ProcessorSpec{Name: "syn", Cores: 4, TopPower: 1, RefTemp: 25}, tb)
	if err != nil {
		t.Fatal(err)
	}
	g, err := NewGovernor(GovernorSpec{Period: 0.25, Hotplug: &Hotplug{Node: "soc", Trip: 80, Hysteresis: 10, Keep: 1}}, p, net)
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		temp   float64
		online int
	}{
		{50, 4}, {80, 3}, {85, 2}, {90, 1}, {95, 1}, // one per poll, one kept
		{75, 1}, {70.5, 1}, // inside the band: held
		{70, 2}, {60, 3}, {50, 4}, {40, 4}, // back one per poll, ≤ trip − hysteresis
	}
	for i, s := range steps {
		net.SetTemps([]float64{s.temp})
		g.Tick(net, 1)
		if g.Online() != s.online {
			t.Errorf("step %d at %v °C: %d cores online, want %d", i, s.temp, g.Online(), s.online)
		}
	}
	for _, bad := range []Hotplug{{Node: "x", Trip: 80, Keep: 1}, {Node: "soc", Trip: 80, Keep: 0}, {Node: "soc", Trip: 80, Keep: 5}, {Node: "soc", Trip: math.NaN(), Keep: 1}, {Node: "soc", Trip: 80, Hysteresis: -1, Keep: 1}} {
		if _, err := NewGovernor(GovernorSpec{Period: 0.25, Hotplug: &bad}, p, net); err == nil {
			t.Errorf("hotplug %+v accepted", bad)
		}
	}
}

// TestStepWiseTrend: the step_wise rule of gov_step_wise.c, one cooling
// state per poll: above the trip the state rises only while the
// temperature rises; below it, it falls only while the temperature falls;
// otherwise it holds. The synthetic processor has 4 OPPs (states 0..3).
func TestStepWiseTrend(t *testing.T) {
	net, _, p := synthetic(t, 2, 1)
	g, err := NewGovernor(GovernorSpec{Period: 1, Policy: PolicyStepWise, Limits: []Limit{{Node: "soc", Trip: 60, Hysteresis: 2}}}, p, net)
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		temp float64
		cap  int
		why  string
	}{
		{50, 3, "first poll below the trip: no target"},
		{61, 2, "at or above the trip, rising: one state more"},
		{62, 1, "rising: one more"},
		{62, 1, "stable above: held"},
		{61, 1, "dropping above the trip: held (ktm would step down)"},
		{63, 0, "rising again: floor"},
		{64, 0, "floor holds"},
		{59, 1, "below, dropping: one state less (no hysteresis band)"},
		{59.5, 1, "below, rising: held"},
		{58, 2, "dropping: one less"},
		{57, 3, "dropping: top"},
		{56, 3, "at the top: no target"},
	}
	for i, s := range steps {
		net.SetTemps([]float64{s.temp})
		g.Tick(net, 1)
		if g.Cap() != s.cap {
			t.Errorf("step %d (%v °C, %s): cap %d, want %d", i, s.temp, s.why, g.Cap(), s.cap)
		}
	}
	if _, err := NewGovernor(GovernorSpec{Period: 1, Policy: "bang_bang"}, p, net); err == nil {
		t.Error("unknown policy accepted")
	}
}

// TestStepWiseSettles: the synthetic load (85 °C unthrottled, f* ≈ 1.444
// GHz at the 60 °C trip) under step_wise with a 0.1 s poll (τ = 1 s)
// ends dithering between the two OPPs that bracket f*, its temperature
// within their steady states' span around the trip.
func TestStepWiseSettles(t *testing.T) {
	net, _, p := synthetic(t, 2, 0.1)
	g, err := NewGovernor(GovernorSpec{Period: 0.1, Policy: PolicyStepWise, Limits: []Limit{{Node: "soc", Trip: 60}}}, p, net)
	if err != nil {
		t.Fatal(err)
	}
	seen := run(net, g, p, 4000)
	for opp := range seen {
		if opp != 1 && opp != 2 {
			t.Errorf("OPPs visited %v, want only 1 (1.0 GHz) and 2 (1.5 GHz)", seen)
			break
		}
	}
	if T := net.Temp(0); !(T > 45.08 && T < 62.19) {
		t.Errorf("ended at %.2f °C, outside the bracketing OPPs' steady states [45.08, 62.19]", T)
	}
}

// TestAllocatorSettles: power_allocator on the synthetic node with one
// more OPP, 1.4 GHz at the voltage that makes it draw exactly the
// heat path's balance at the 60 °C control temperature:
//
//	P* = G (T_c − T_amb) = 0.05 × (60 − 25) = 1.75 W
//	V  = sqrt(P* / (C_eff f)) = sqrt(1.75 / (1.23967e-9 × 1.4e9)) = 1.00416 V
//
// With sustainable power P* the controller's budget at 60 °C is exactly
// P*, so the OPP that fits it is 1.4 GHz and the node's steady state is
// 60 °C: the loop must settle there (the mean temperature of the last
// half within 0.2 K of 60, the 1.4 GHz OPP the most chosen, the mean power
// within 2 % of 1.75 W), where the KTM loop with its 2 K band keeps
// cycling between 1.0 and 1.5 GHz.
func TestAllocatorSettles(t *testing.T) {
	net, err := NewNetwork([]Node{{"soc", 0.05}}, []Link{{0, Ambient, 0.05}}, 25)
	if err != nil {
		t.Fatal(err)
	}
	ceff := 3 / (1.1 * 1.1 * 2e9)
	v := math.Sqrt(1.75 / (ceff * 1.4e9))
	tb := Table{Name: "syn", Sources: []Source{{Repo: "test", Path: "test", Commit: "test"}}, OPPs: []OPP{
		{KHz: 5e5, UV: 8e5}, {KHz: 1e6, UV: 9e5}, {KHz: 1.4e6, UV: v * 1e6}, {KHz: 1.5e6, UV: 1e6}, {KHz: 2e6, UV: 1.1e6}}}
	p, err := NewProcessor(ProcessorSpec{Name: "syn", Cores: 1, TopPower: 3, RefTemp: 25}, tb)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Power(2, 1, 25); math.Abs(got-1.75) > 1e-9 {
		t.Fatalf("1.4 GHz OPP draws %.12f W, want 1.75", got)
	}
	a := &Allocator{Zone: "z", Node: "soc", SwitchOn: 50, Control: 60, SustainablePower: 1.75}
	g, err := NewGovernor(GovernorSpec{Period: 0.1, Allocator: a}, p, net)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := g.Zone()
	// estimate_pid_constants: k_po = 1.75/10, k_pu = 2×1.75/10, k_i = k_pu/10
	if math.Abs(got.KPo-0.175) > 1e-12 || math.Abs(got.KPu-0.35) > 1e-12 || math.Abs(got.KI-0.035) > 1e-12 {
		t.Errorf("estimated gains %+v", got)
	}
	var sumT, sumP float64
	counts := map[int]int{}
	n := 6000
	for k := 0; k < n; k++ {
		opp := g.Tick(net, 1)
		pw := p.Power(opp, 1, net.Temp(0))
		if k >= n/2 {
			sumT += net.Temp(0)
			sumP += pw
			counts[opp]++
		}
		net.SetPower(0, unitsW(pw))
		net.Advance(unitsS(g.Period()))
	}
	half := float64(n - n/2)
	if mT := sumT / half; math.Abs(mT-60) > 0.2 {
		t.Errorf("mean temperature %.3f °C, want 60 ± 0.2", mT)
	}
	if mP := sumP / half; math.Abs(mP-1.75) > 0.035 {
		t.Errorf("mean power %.4f W, want 1.75 ± 2 %%", mP)
	}
	for opp, c := range counts {
		if opp != 2 && c >= counts[2] {
			t.Errorf("OPPs chosen %v: 1.4 GHz (2) should dominate", counts)
		}
	}
	// below the switch-on temperature the cap is lifted and the PID resets
	net.SetTemps([]float64{40})
	if g.Tick(net, 1); g.Cap() != 4 || !math.IsInf(g.Granted(), 1) {
		t.Errorf("below switch-on: cap %d grant %v, want 4 and +Inf", g.Cap(), g.Granted())
	}
}

// TestAllocatorDivides: two actors in one zone share the budget in
// proportion to their requests (divvy_up_power), and a zone whose
// members disagree on the parameters is refused.
func TestAllocatorDivides(t *testing.T) {
	spec := PhoneSpec{
		Name: "two", Ambient: 25,
		Nodes: []Node{{"soc", 1}},
		Links: []Link{{0, Ambient, 0.1}},
		Processors: []ProcessorSpec{
			{Name: "a", Table: "syn", Cores: 1, Node: "soc", TopPower: 2, RefTemp: 25},
			{Name: "b", Table: "syn", Cores: 1, Node: "soc", TopPower: 1, RefTemp: 25},
		},
	}
	tables := map[string]Table{"syn": {Name: "syn", Sources: []Source{{Repo: "t", Path: "t", Commit: "t"}}, OPPs: []OPP{{KHz: 1e6, UV: 9e5}, {KHz: 2e6, UV: 1.1e6}}}}
	a := &Allocator{Zone: "z", Node: "soc", SwitchOn: 40, Control: 50, SustainablePower: 1.5, KPo: 1, KPu: 1}
	spec.Governors = map[string]GovernorSpec{"a": {Period: 1, Allocator: a}, "b": {Period: 1, Allocator: a}}
	ph, err := Build(spec, tables)
	if err != nil {
		t.Fatal(err)
	}
	ph.Net.SetTemps([]float64{50}) // err 0: budget = sustainable power
	ga, gb := ph.Domains[0].Gov, ph.Domains[1].Gov
	gb.Tick(ph.Net, 1) // b's request (1 W at its top) registered first
	ga.Tick(ph.Net, 1) // a leads: requests 2 W and 1 W share 1.5 W
	if math.Abs(ga.Granted()-1.0) > 1e-12 || math.Abs(gb.Granted()-0.5) > 1e-12 {
		t.Errorf("grants %v, %v W, want 1.0 and 0.5", ga.Granted(), gb.Granted())
	}
	b2 := *a
	b2.Control = 51
	spec.Governors = map[string]GovernorSpec{"a": {Period: 1, Allocator: a}, "b": {Period: 1, Allocator: &b2}}
	if _, err := Build(spec, tables); err == nil {
		t.Error("zone with differing parameters accepted")
	}
}

// TestMitigation: the KTM's freq-mitigation caps the processor at the
// highest OPP at or below its frequency from the trip until the node is
// back at trip − hysteresis.
func TestMitigation(t *testing.T) {
	net, _, p := synthetic(t, 2, 1)
	g, err := NewGovernor(GovernorSpec{Period: 1, Mitigation: &Mitigation{Node: "soc", Trip: 110, Hysteresis: 20, KHz: 1.2e6}}, p, net)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range []struct {
		temp float64
		cap  int
	}{{100, 3}, {110, 1}, {95, 1}, {90, 3}} {
		net.SetTemps([]float64{s.temp})
		if g.Tick(net, 1); g.Cap() != s.cap {
			t.Errorf("step %d at %v °C: cap %d, want %d", i, s.temp, g.Cap(), s.cap)
		}
	}
	if _, err := NewGovernor(GovernorSpec{Period: 1, Mitigation: &Mitigation{Node: "soc", Trip: 110, KHz: 0}}, p, net); err == nil {
		t.Error("mitigation to 0 kHz accepted")
	}
}

// ssGovernor is the synthetic processor (85 °C unthrottled, P* = 1.75 W
// at a 60 °C set point, between the 1.0 and 1.5 GHz OPPs) under
// thermal-engine's single-step rule.
func ssGovernor(t *testing.T, period float64, l Limit) (*Network, *Governor, *Processor) {
	t.Helper()
	net, _, p := synthetic(t, 0, period)
	l.Node, l.Policy = "soc", PolicySS
	g, err := NewGovernor(GovernorSpec{Period: period, Limits: []Limit{l}}, p, net)
	if err != nil {
		t.Fatal(err)
	}
	return net, g, p
}

// TestSSSettles: the single-step rule walks the cap one OPP per sample
// toward the OPP that holds the set point, from both sides. With a 10 s
// sample (10 τ) the node reaches each OPP's steady state (the table of
// synthetic), so by hand:
//
//   - set_point 60 °C, set_point_clr 40 °C: at 1.5 GHz the node settles at
//     62.19 > 60 °C (one OPP down), at 1.0 GHz at 45.08 °C, below the set
//     point but above the clear point (one OPP up): the cap dithers
//     between exactly the two OPPs bracketing f* ≈ 1.444 GHz, and never
//     visits 2.0 or 0.5 GHz once started.
//   - set_point_clr 50 °C: 45.08 °C is at or below it, so the instance
//     stops and lifts its request: the cycle runs through the top OPP
//     (2.0, 1.5, 1.0 GHz, then 2.0 again).
//   - a floor at 1.5 GHz (device_max_limit): the cap never goes below it
//     and the node settles at 62.19 °C, above the set point.
//   - every: 2 with a 5 s period samples every 10 s: the same sequence as
//     the first case.
func TestSSSettles(t *testing.T) {
	net, g, p := ssGovernor(t, 10, Limit{Trip: 60, Hysteresis: 20})
	seen := run(net, g, p, 400)
	if len(seen) != 2 || seen[1] == 0 || seen[2] == 0 {
		t.Errorf("clear 40 °C: OPPs visited %v, want only 1 (1.0 GHz) and 2 (1.5 GHz)", seen)
	}
	if d := seen[1] - seen[2]; d < -1 || d > 1 {
		t.Errorf("clear 40 °C: %v, want alternation (one sample each)", seen)
	}

	net, g, p = ssGovernor(t, 10, Limit{Trip: 60, Hysteresis: 10})
	seen = run(net, g, p, 400)
	if len(seen) != 3 || seen[1] == 0 || seen[2] == 0 || seen[3] == 0 {
		t.Errorf("clear 50 °C: OPPs visited %v, want 1, 2 and 3 (released through the top)", seen)
	}

	net, g, p = ssGovernor(t, 10, Limit{Trip: 60, Hysteresis: 20, FloorKHz: 1.5e6})
	seen = run(net, g, p, 400)
	if len(seen) != 1 || seen[2] == 0 {
		t.Errorf("floor 1.5 GHz: OPPs visited %v, want only 2", seen)
	}
	if T := net.Temp(0); math.Abs(T-62.1901) > 1e-3 {
		t.Errorf("floor 1.5 GHz: settled at %.4f °C, want 62.1901 °C", T)
	}

	net, g, p = ssGovernor(t, 5, Limit{Trip: 60, Hysteresis: 20, Every: 2})
	seen = run(net, g, p, 800)
	if len(seen) != 2 || seen[1] == 0 || seen[2] == 0 {
		t.Errorf("every 2 × 5 s: OPPs visited %v, want only 1 and 2", seen)
	}
}

// TestMixedPoliciesAndMonitors: one processor carries a KTM limit, an ss
// instance and a step_wise limit (each overriding the governor's policy)
// and two monitors; the cap in force is the lowest of theirs.
func TestMixedPoliciesAndMonitors(t *testing.T) {
	net, _, p := synthetic(t, 0, 1)
	spec := GovernorSpec{Period: 1, Policy: PolicySS,
		Limits: []Limit{{Node: "soc", Trip: 90, Hysteresis: 5, Policy: PolicyKTM}, {Node: "soc", Trip: 70, Hysteresis: 20},
			{Node: "soc", Trip: 80, Policy: PolicyStepWise, FloorKHz: 1e6}},
		Monitors: []Mitigation{{Node: "soc", Trip: 100, Hysteresis: 10, KHz: 1.5e6}, {Node: "soc", Trip: 105, Hysteresis: 10, KHz: 5e5}}}
	g, err := NewGovernor(spec, p, net)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range []struct {
		temp float64
		cap  int
		why  string
	}{
		{60, 3, "cool: no limit"},
		{71, 2, "ss starts and steps one OPP"},
		{72, 1, "ss steps again"},
		{65, 2, "ss below its set point: one OPP back up"},
		{81, 1, "ss one down (1); step_wise hot and rising: state 1 (2)"},
		{85, 0, "ss to the bottom (0); step_wise state 2, held at its 1.0 GHz floor (1); KTM inside its band"},
		{101, 0, "KTM hot (2); monitor 100 °C on (1.5 GHz, 2); ss stays at 0"},
		{60, 1, "KTM cool (3); monitor off; step_wise dropping (2); ss below its set point: one up (1)"},
		{45, 3, "ss at or below its clear point: lifted; step_wise dropping: no target"},
	} {
		net.SetTemps([]float64{s.temp})
		if g.Tick(net, 1); g.Cap() != s.cap {
			t.Errorf("step %d at %v °C (%s): cap %d, want %d", i, s.temp, s.why, g.Cap(), s.cap)
		}
	}
	// fresh governor for the monitors alone
	g, err = NewGovernor(GovernorSpec{Period: 1, Monitors: spec.Monitors}, p, net)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range []struct {
		temp float64
		cap  int
	}{{99, 3}, {100, 2}, {106, 0}, {96, 0}, {95, 2}, {91, 2}, {90, 3}} {
		net.SetTemps([]float64{s.temp})
		if g.Tick(net, 1); g.Cap() != s.cap {
			t.Errorf("monitors step %d at %v °C: cap %d, want %d", i, s.temp, g.Cap(), s.cap)
		}
	}
	if _, err := NewGovernor(GovernorSpec{Period: 1, Limits: []Limit{{Node: "soc", Trip: 60, Policy: "pid"}}}, p, net); err == nil {
		t.Error("unknown limit policy accepted")
	}
	if _, err := NewGovernor(GovernorSpec{Period: 1, Limits: []Limit{{Node: "soc", Trip: 60, Every: -1}}}, p, net); err == nil {
		t.Error("negative every accepted")
	}
}

// TestMonitorLevels: a thermal-engine monitor with several levels,
// written as one Mitigation per level, behaves as the monitor reading of
// devices/thermal/testdata/blind.md §3: the level rises while the sensor is
// at or above the next threshold and falls while it is at or below the
// present level's clear value, and the cap is the present level's. The
// rule is config B's GPU rule of the LG G3 (thresholds 47/50/53 °C, clears
// 46.5/47.5/50.5 °C) with the synthetic table's caps. The level is
// stepped here by that reading, independently of the governor, over the
// hand-picked steps and a long random walk.
func TestMonitorLevels(t *testing.T) {
	net, _, p := synthetic(t, 0, 1)
	thr, clr := []float64{47, 50, 53}, []float64{46.5, 47.5, 50.5}
	caps := []int{3, 2, 1, 0} // OPP per level (level 0: no cap)
	var mons []Mitigation
	for i := range thr {
		mons = append(mons, Mitigation{Node: "soc", Trip: thr[i], Hysteresis: thr[i] - clr[i], KHz: p.Table.OPPs[caps[i+1]].KHz})
	}
	g, err := NewGovernor(GovernorSpec{Period: 1, Monitors: mons}, p, net)
	if err != nil {
		t.Fatal(err)
	}
	level := 0
	step := func(temp float64) int {
		for level < len(thr) && temp >= thr[level] {
			level++
		}
		for level > 0 && temp <= clr[level-1] {
			level--
		}
		return caps[level]
	}
	temps := []float64{40, 47, 46.6, 46.5, 53.2, 51, 50.5, 40} // blind.md's cases: entered at the threshold, left at the clear, several at once
	wantHand := []int{3, 2, 2, 3, 0, 0, 1, 3}
	rng := rand.New(rand.NewPCG(1, 2))
	x := 45.0
	for k := 0; k < 5000; k++ {
		x = math.Max(40, math.Min(58, x+rng.NormFloat64()))
		temps = append(temps, math.Round(x*2)/2) // on the half-degree grid, so temperatures hit the thresholds and clears exactly
	}
	for i, temp := range temps {
		want := step(temp)
		if i < len(wantHand) && want != wantHand[i] {
			t.Fatalf("the test's own level reading: step %d at %v °C gives OPP %d, want %d", i, temp, want, wantHand[i])
		}
		net.SetTemps([]float64{temp})
		if g.Tick(net, 1); g.Cap() != want {
			t.Fatalf("step %d at %v °C: cap %d, want %d (level %d)", i, temp, g.Cap(), want, level)
		}
	}
}

// TestMonitorEvery: a monitor with Every 3 reads its sensor at ticks 0, 3,
// 6 … only and keeps its state in between.
func TestMonitorEvery(t *testing.T) {
	net, _, p := synthetic(t, 0, 1)
	g, err := NewGovernor(GovernorSpec{Period: 1, Monitors: []Mitigation{{Node: "soc", Trip: 50, Hysteresis: 5, KHz: 5e5, Every: 3}}}, p, net)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range []struct {
		temp float64
		cap  int
	}{
		{40, 3}, {60, 3}, {60, 3}, // tick 0 samples 40 °C; 1 and 2 do not sample
		{60, 0}, {40, 0}, {40, 0}, // tick 3 samples 60 °C
		{40, 3}, {60, 3}, // tick 6 samples 40 °C
	} {
		net.SetTemps([]float64{s.temp})
		if g.Tick(net, 1); g.Cap() != s.cap {
			t.Errorf("tick %d at %v °C: cap %d, want %d", i, s.temp, g.Cap(), s.cap)
		}
	}
	if _, err := NewGovernor(GovernorSpec{Period: 1, Monitors: []Mitigation{{Node: "soc", Trip: 50, KHz: 5e5, Every: -1}}}, p, net); err == nil {
		t.Error("negative every accepted")
	}
}
