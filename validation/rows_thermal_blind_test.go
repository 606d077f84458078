package validation

import (
	"math"
	"testing"

	"github.com/infersim/infersim/devices/thermal"
	"github.com/infersim/infersim/reference"
)

// TestG3PresetIsPriorsNotFit checks that every number of the lg-g3
// preset is the derivation blind.md §3 states (published body, power
// profile and kernel values; the Nexus 5 preset's priors at the
// pre-registration commit c165fe6), so none can have been tuned to the
// curve without this test failing.
func TestG3PresetIsPriorsNotFit(t *testing.T) {
	spec, tables, err := g3Preset()
	if err != nil {
		t.Fatal(err)
	}
	// the Nexus 5 priors carried over (data/phones.yaml at c165fe6)
	const n5Board, n5Skin, n5Soc = 80.0, 36.0, 2.0
	const n5SocBoard, n5BoardSkin, n5SkinAir = 0.125, 1.0, 0.25
	const n5Mass, n5Area = 130.0, 0.0226 // g, m²
	const g3Mass, g3Area = 149.0, 0.02576
	n5Foot, g3Foot := 137.84*69.17, 146.3*74.6 // mm²
	const volts = 3.8
	want := map[string]float64{
		"soc":        n5Soc,
		"board":      n5Board * g3Mass / n5Mass,
		"skin":       n5Skin * g3Mass / n5Mass,
		"link0":      n5SocBoard,
		"link1":      n5BoardSkin * g3Foot / n5Foot,
		"link2":      n5SkinAir * g3Area / n5Area,
		"gpu.top":    1.2 * 578 / 450,
		"display.pw": (136.43 + 0.5*228.00) * 1e-3 * volts,
	}
	got := map[string]float64{}
	for _, n := range spec.Nodes {
		got[n.Name] = n.Capacity
	}
	for i, l := range spec.Links {
		got[[]string{"link0", "link1", "link2"}[i]] = l.Conductance
	}
	for _, p := range spec.Processors {
		switch p.Name {
		case "gpu":
			got["gpu.top"] = p.TopPower
		case "display":
			got["display.pw"] = p.TopPower
		case "cpu":
			if p.BatteryVolts != volts {
				t.Errorf("cpu battery_volts %g, want %g", p.BatteryVolts, volts)
			}
		}
		if p.Name != "display" && (p.LeakShare != 0.05 || p.LeakActivation != 3000 || p.RefTemp != 25) {
			t.Errorf("%s leakage %g/%g K/%g °C, want the nexus5 prior 0.05/3000 K/25 °C", p.Name, p.LeakShare, p.LeakActivation, p.RefTemp)
		}
	}
	for k, w := range want {
		if g, ok := got[k]; !ok || math.Abs(g-w) > 1e-9*w {
			t.Errorf("%s = %v, want %v (blind.md §3)", k, g, w)
		}
	}
	if spec.Ambient != 25 || len(spec.Links) != 3 || spec.Links[2].B != thermal.Ambient {
		t.Errorf("ambient %g °C, links %+v: want 25 °C and soc-board-skin-air", spec.Ambient, spec.Links)
	}
	// the tables as read in source
	gpu := tables["msm8974ac-adreno330-g3"].OPPs
	if len(gpu) != 6 || gpu[5].KHz != 578000 || gpu[2].KHz != 330000 {
		t.Errorf("GPU table %+v, want the six qcom,gpu-pwrlevels up to 578 MHz", gpu)
	}
	cpu := tables["msm8974ac-krait400-g3"].OPPs
	if len(cpu) != 15 || cpu[14].KHz != 2457600 || cpu[14].CoreMA != 338.20 || cpu[10].CoreMA != 227.23 {
		t.Errorf("CPU table %+v, want the power profile's 15 speeds", cpu)
	}
}

// TestMonitorLevels checks the thermal-engine monitor reading of blind.md
// §3 on config B's GPU rule: rising through thresholds, held inside a
// hysteresis, falling one clear value at a time.
func TestMonitorLevels(t *testing.T) {
	m := &monitor{levels: g3ConfigB.gpu}
	steps := []struct {
		temp  float64
		level int
		cap   float64
	}{
		{40, 0, math.Inf(1)},
		{47, 1, 462400}, // at the threshold: entered
		{46.6, 1, 462400},
		{46.5, 0, math.Inf(1)}, // at the clear value: left
		{53.2, 3, 330000},      // several thresholds in one sample
		{51, 3, 330000},
		{50.5, 2, 389000},
		{40, 0, math.Inf(1)}, // every clear value below: all the way down
	}
	for i, s := range steps {
		m.sample(s.temp)
		if m.level != s.level || m.capKHz() != s.cap {
			t.Errorf("step %d (%g °C): level %d cap %g, want %d %g", i, s.temp, m.level, m.capKHz(), s.level, s.cap)
		}
	}
	// the FFFFFFF level of CPU_LCD_management sets no cap
	c := &monitor{levels: g3ConfigA.cpu}
	if c.sample(45.5); c.level != 1 || !math.IsInf(c.capKHz(), 1) {
		t.Errorf("CPU level 1: level %d cap %g, want 1 and no cap", c.level, c.capKHz())
	}
}

// TestG3LoopMatchesThermalBuild runs the one-level GPU rule (config A's)
// through g3Sustained and through devices/thermal's own Phone with the
// same rule as a Mitigation: the temperatures and the GPU's operating
// points must agree, so the row's loop is the project's thermal model
// and not a second one. The CPU caps are left out (a Mitigation has one
// level) and the GPU power doubled so that the cap engages and releases.
func TestG3LoopMatchesThermalBuild(t *testing.T) {
	spec, tables, err := g3Preset()
	if err != nil {
		t.Fatal(err)
	}
	for _, sensor := range []string{"board", "soc"} {
		cfg := g3Config{name: "gpu only", gpu: g3ConfigA.gpu}
		run, err := g3Sustained(spec, tables, cfg, g3Options{gpuScale: 2, sensor: sensor})
		if err != nil {
			t.Fatal(err)
		}
		s := spec
		s.Processors = append([]thermal.ProcessorSpec(nil), spec.Processors...)
		for i := range s.Processors {
			if s.Processors[i].Name == "gpu" {
				s.Processors[i].TopPower *= 2
			}
		}
		lvl := g3ConfigA.gpu[0]
		s.Governors = map[string]thermal.GovernorSpec{
			"gpu":     {Period: g3Sampling, Mitigation: &thermal.Mitigation{Node: sensor, Trip: lvl.Thr, Hysteresis: lvl.Thr - lvl.Clr, KHz: lvl.KHz}},
			"cpu":     {Period: 1},
			"display": {Period: 1},
		}
		ph, err := thermal.Build(s, tables)
		if err != nil {
			t.Fatal(err)
		}
		gpu, cpu, disp := ph.Domain("gpu"), ph.Domain("cpu"), ph.Domain("display")
		gpu.SetLoad(ph, 1, 1)
		top := cpu.Proc.Freq(cpu.Proc.Len() - 1)
		cpu.SetLoad(ph, g3CPUUtil*top/1574.4e6, g3CPUUtil)
		disp.SetLoad(ph, 1, 1)
		capped := false
		for sec := 0; sec < g3Duration; sec++ {
			// after RunUntil(sec) the OPPs in force for [sec, sec+1) are set
			// and the temperatures are those at sec
			ph.RunUntil(float64(sec))
			if f := gpu.Freq() / 1e3; f != run.gpuKHz[sec] {
				t.Fatalf("%s: second %d: GPU %g kHz in thermal.Phone, %g in the row's loop", sensor, sec, f, run.gpuKHz[sec])
			}
			capped = capped || run.gpuKHz[sec] < 578000
			if sec > 0 {
				for i, want := range ph.Net.Temps() {
					if got := run.temps[sec-1][i]; math.Abs(got-want) > 1e-9 {
						t.Fatalf("%s: second %d node %d: %.12f °C in the loop, %.12f in thermal.Phone", sensor, sec, i, got, want)
					}
				}
			}
			if c := cpu.Freq(); c != 1574.4e6 {
				t.Fatalf("%s: CPU at %g Hz, want the render thread's 1574.4 MHz", sensor, c)
			}
		}
		if sensor == "soc" && !capped {
			t.Errorf("soc: the cap never engaged, so the comparison did not exercise it")
		}
	}
}

// TestG3RowsArePreregistered checks the rows against blind.md §5: the
// band is the one stated before the first run (it cannot be widened
// without this test failing), the two configurations at the prior are
// held out and judged by it, the two variations are report-only.
func TestG3RowsArePreregistered(t *testing.T) {
	f := reference.MustLookup("T-g3-trex")
	if f.Value != 0.55 || f.Low != 0.46 || f.High != 0.64 || f.Tolerance != 0 {
		t.Errorf("T-g3-trex = %g [%g, %g] tol %g, want 0.55 [0.46, 0.64] with no tolerance (blind.md §5)", f.Value, f.Low, f.High, f.Tolerance)
	}
	c := &collector{roles: map[[2]string]Role{}, done: map[[4]string]bool{}, seen: map[string]bool{}}
	if err := c.thermalBlindRows(); err != nil {
		t.Fatal(err)
	}
	want := []Role{HeldOut, HeldOut, ReportOnly, ReportOnly}
	if len(c.rows) != len(want) {
		t.Fatalf("%d rows, want %d", len(c.rows), len(want))
	}
	for i, r := range c.rows {
		if r.ID != "T-g3-trex" || r.Role != want[i] || r.Low != 0.46 || r.High != 0.64 {
			t.Errorf("row %d: %s %v [%g, %g], want T-g3-trex %v [0.46, 0.64]", i, r.ID, r.Role, r.Low, r.High, want[i])
		}
		if !(r.Simulated > 0 && r.Simulated <= 1) {
			t.Errorf("row %d: simulated ratio %g outside (0, 1]: the cap can only slow the GPU", i, r.Simulated)
		}
	}
}
