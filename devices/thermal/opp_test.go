package thermal

import (
	"math"
	"testing"
)

func TestEmbeddedTablesCiteSources(t *testing.T) {
	tables, err := Tables()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"msm8974-krait400", "msm8974-adreno330", "sm8150-kryo485-silver", "sm8150-kryo485-gold", "sm8150-kryo485-prime", "sm8150-adreno640"} {
		tb, ok := tables[name]
		if !ok {
			t.Errorf("table %s missing", name)
			continue
		}
		for _, s := range tb.Sources {
			if s.Repo == "" || s.Path == "" || len(s.Commit) != 40 {
				t.Errorf("table %s: incomplete source %+v", name, s)
			}
		}
	}
	// The Nexus 5's top OPP is the 2265.6 MHz of its spec sheet, at 1.100 V in PVS bin 0.
	k := tables["msm8974-krait400"].OPPs
	if top := k[len(k)-1]; top.KHz != 2265600 || top.UV != 1100000 || len(k) != 14 {
		t.Errorf("krait table: %d rows, top %+v", len(k), top)
	}
}

// TestKraitPowerModel checks the C·V²·f model against hand arithmetic on
// the Nexus 5 preset (P_top = 1.46756 W per core at 2265.6 MHz, 1.100 V,
// λ = 0.05 at 25 °C, a = 3000 K):
//
//	C_eff = 0.95 × 1.46756 / (1.1² × 2.2656e9) = 5.0857e-10 F
//	1497.6 MHz, 0.950 V:  D = C_eff × 0.9025 × 1.4976e9 = 0.68738 W
//	                      L = 0.05 × 1.46756 × 0.95/1.1  = 0.06337 W
//	θ(80 °C)/θ(25 °C) = (353.15/298.15)² e^(3000 (1/298.15 − 1/353.15)) = 6.7239
func TestKraitPowerModel(t *testing.T) {
	p, err := NewPhone("nexus5")
	if err != nil {
		t.Fatal(err)
	}
	cpu := p.Domain("cpu").Proc
	close := func(name string, got, want, rel float64) {
		t.Helper()
		if math.Abs(got-want) > rel*math.Abs(want) {
			t.Errorf("%s = %.6g, want %.6g", name, got, want)
		}
	}
	close("Ceff", cpu.Ceff, 5.0857e-10, 1e-4)
	close("D(1497.6)", cpu.Dyn[9], 0.68738, 1e-4)
	close("L(1497.6)", cpu.Leak[9], 0.06337, 1e-3)
	close("top at 25 °C", cpu.CorePower(13, 25), 1.46756, 1e-9)
	close("leak factor 80 °C", cpu.LeakFactor(80), 6.7239, 1e-4)
	close("leak factor 25 °C", cpu.LeakFactor(25), 1, 1e-12)
	close("4 cores top 25 °C", cpu.Power(13, 4, 25), 5.87024, 1e-6)
	close("busy capped at cores", cpu.Power(13, 9, 25), 5.87024, 1e-6)
	// dynamic power rises with f: every OPP's dynamic power exceeds the previous
	for i := 1; i < cpu.Len(); i++ {
		if !(cpu.Dyn[i] > cpu.Dyn[i-1]) {
			t.Errorf("dynamic power not increasing at OPP %d", i)
		}
	}
}

// TestPixel4PowerFromProfile: with currents, the core power is
// core_ma × battery volts: gold at 2419.2 MHz is 302.04 mA × 3.85 V.
func TestPixel4PowerFromProfile(t *testing.T) {
	p, err := NewPhone("pixel4")
	if err != nil {
		t.Fatal(err)
	}
	g := p.Domain("gold").Proc
	if got, want := g.CorePower(g.Len()-1, 25), 0.30204*3.85; math.Abs(got-want) > 1e-9 {
		t.Errorf("gold top core power %g, want %g", got, want)
	}
	gpu := p.Domain("gpu").Proc // frequencies only: D ∝ f at constant V
	if got, want := gpu.Dyn[0], 0.9*1.5*257.0/585; math.Abs(got-want) > 1e-9 {
		t.Errorf("gpu lowest dyn %g, want %g", got, want)
	}
}

func TestSpeed(t *testing.T) {
	for _, tc := range []struct{ f, top, m, want float64 }{
		{1, 2, 0, 0.5}, {1, 2, 1, 1}, {1, 2, 0.5, 1 / 1.5}, {2, 2, 0.3, 1}, {0, 2, 0, 0},
	} {
		if got := Speed(tc.f, tc.top, tc.m); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("Speed(%g, %g, %g) = %g, want %g", tc.f, tc.top, tc.m, got, tc.want)
		}
	}
}

func TestTableAndProcessorErrors(t *testing.T) {
	src := []Source{{Repo: "r", Path: "p", Commit: "c"}}
	bad := []Table{
		{Name: "empty", Sources: src},
		{Name: "nosrc", OPPs: []OPP{{KHz: 1}}},
		{Name: "desc", Sources: src, OPPs: []OPP{{KHz: 2}, {KHz: 1}}},
		{Name: "mixed", Sources: src, OPPs: []OPP{{KHz: 1, UV: 1}, {KHz: 2}}},
		{Name: "neg", Sources: src, OPPs: []OPP{{KHz: -1}}},
	}
	for _, tb := range bad {
		if err := tb.validate(); err == nil {
			t.Errorf("table %s: no error", tb.Name)
		}
	}
	good := Table{Name: "g", Sources: src, OPPs: []OPP{{KHz: 1000}}}
	for name, s := range map[string]ProcessorSpec{
		"no cores":   {Name: "x", TopPower: 1},
		"leak 1":     {Name: "x", Cores: 1, TopPower: 1, LeakShare: 1},
		"no power":   {Name: "x", Cores: 1},
		"neg a":      {Name: "x", Cores: 1, TopPower: 1, LeakActivation: -1},
		"below 0 K":  {Name: "x", Cores: 1, TopPower: 1, RefTemp: -300},
		"huge a":     {Name: "x", Cores: 1, TopPower: 1, LeakActivation: 1e9},
		"ma no volt": {Name: "x", Cores: 1},
	} {
		tb := good
		if name == "ma no volt" {
			tb = Table{Name: "g", Sources: src, OPPs: []OPP{{KHz: 1000, CoreMA: 10}}}
		}
		if _, err := NewProcessor(s, tb); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
