package thermal

import (
	"math"
	"testing"
)

// TestSetDemand: a thread needing half of a core's top-OPP capacity keeps
// its core busy 0.5 × f_top / f of the time at OPP f, at most all of it,
// so a domain with SetDemand draws Power(i, min(1, 0.5 f_top / f_i)) at
// each OPP the governor imposes; the governor sees demand 0.5 and picks
// the lowest OPP at or above 1.25 × 0.5 × 2 GHz = 1.25 GHz (1.5 GHz)
// until a monitor caps it at 0.5 GHz.
func TestSetDemand(t *testing.T) {
	tb := Table{Name: "syn", Sources: []Source{{Repo: "test", Path: "test", Commit: "test"}}, OPPs: []OPP{
		{KHz: 5e5, UV: 8e5}, {KHz: 1e6, UV: 9e5}, {KHz: 1.5e6, UV: 1e6}, {KHz: 2e6, UV: 1.1e6}}}
	spec := PhoneSpec{Name: "syn", Ambient: 25,
		Nodes:      []Node{{"soc", 0.05}},
		Links:      []Link{{0, Ambient, 0.05}},
		Processors: []ProcessorSpec{{Name: "cpu", Table: "syn", Cores: 2, Node: "soc", TopPower: 3, RefTemp: 25}},
		Governors: map[string]GovernorSpec{"cpu": {Period: 1, Headroom: 1.25,
			Monitors: []Mitigation{{Node: "soc", Trip: 40, Hysteresis: 100, KHz: 5e5}}}},
	}
	ph, err := Build(spec, map[string]Table{"syn": tb})
	if err != nil {
		t.Fatal(err)
	}
	d := ph.Domain("cpu")
	d.SetDemand(ph, 1, 0.5)
	ph.RunUntil(0)
	// by hand: C_eff V² f with C_eff = 3 W / (1.1² × 2 GHz), no leakage
	ceff := 3 / (1.1 * 1.1 * 2e9)
	if d.OPP() != 2 {
		t.Fatalf("cold: OPP %d, want 2 (1.5 GHz)", d.OPP())
	}
	want := ceff * 1.0 * 1.0 * 1.5e9 * (0.5 * 2 / 1.5)
	if got := d.Power(ph); math.Abs(got-want) > 1e-12 {
		t.Errorf("at 1.5 GHz: %.9f W, want %.9f (2/3 of a busy core)", got, want)
	}
	// 1.86 W × 2/3 heats the node past 40 °C within seconds: capped
	ph.RunUntil(30)
	if d.OPP() != 0 {
		t.Fatalf("hot: OPP %d, want 0 (the monitor's 0.5 GHz)", d.OPP())
	}
	want = ceff * 0.8 * 0.8 * 0.5e9 // busy min(1, 2) = 1 core
	if got := d.Power(ph); math.Abs(got-want) > 1e-12 {
		t.Errorf("at 0.5 GHz: %.9f W, want %.9f (one core, saturated)", got, want)
	}
	d.SetDemand(ph, 2, 0.5)
	if got := d.Power(ph); math.Abs(got-2*want) > 1e-12 {
		t.Errorf("two threads at 0.5 GHz: %.9f W, want %.9f", got, 2*want)
	}
}
