package thermal

import (
	"fmt"
	"math"
	"testing"
)

// selfConsistent returns the steady junction temperature of the Nexus 5
// preset with four cores busy at OPP i, solving T = 25 + 13 K/W × P(T)
// by fixed-point iteration (13 K/W = 8 + 1 + 4 K/W, the three links in
// series), or +Inf when leakage runs away (no fixed point below 200 °C).
func selfConsistent(p *Processor, i int) float64 {
	t := 25.0
	for k := 0; k < 1000; k++ {
		t = 25 + (1/0.125+1/1.0+1/0.25)*p.Power(i, 4, t)
		if t > 200 {
			return math.Inf(1)
		}
	}
	return t
}

// TestNexus5WorkedExample is the worked example of the package doc: four
// Krait cores saturated for an hour in free air at 25 °C.
func TestNexus5WorkedExample(t *testing.T) {
	ph, err := NewPhone("nexus5")
	if err != nil {
		t.Fatal(err)
	}
	cpu := ph.Domain("cpu")
	cpu.SetLoad(ph, 4, 1)
	ph.RunUntil(0) // the first governor tick: top OPP, cold
	if got := cpu.Power(ph); math.Abs(got-5.87024) > 1e-4 {
		t.Errorf("cold top power %g W, want 5.87024", got)
	}
	maxT := 0.0
	for s := 1; s <= 3600; s++ {
		ph.RunUntil(float64(s))
		if s > 300 {
			maxT = math.Max(maxT, ph.Net.Temp(0))
		}
	}
	// one 250 ms period at ≤ 6.7 W into 2 J/K overshoots by ≤ 0.84 K
	if maxT > 60.84 {
		t.Errorf("junction peaked at %.2f °C after minute 5, trip 60 °C", maxT)
	}
	k := cpu.OPP()
	tss := selfConsistent(cpu.Proc, k)
	if !(tss >= 50 && tss <= 60) {
		t.Errorf("settled at OPP %d (%.1f MHz) whose steady junction is %.2f °C, outside [50, 60]", k, cpu.Freq()/1e6, tss)
	}
	if next := selfConsistent(cpu.Proc, k+1); !(next > 50) {
		t.Errorf("OPP %d above the settled one would stay at %.2f °C: the governor should have released", k+1, next)
	}
	t.Logf("settled at %.1f MHz, %.3f W, junction %.2f °C (self-consistent %.2f), board %.2f, skin %.2f",
		cpu.Freq()/1e6, cpu.Power(ph), ph.Net.Temp(0), tss, ph.Net.Temp(1), ph.Net.Temp(2))
}

// Example runs the Nexus 5 preset with four saturated Krait cores and
// prints the clock and temperatures every ten minutes.
func Example() {
	ph, err := NewPhone("nexus5")
	if err != nil {
		fmt.Println(err)
		return
	}
	cpu := ph.Domain("cpu")
	cpu.SetLoad(ph, 4, 1)
	for _, m := range []int{0, 1, 10, 20, 30} {
		ph.RunUntil(float64(60 * m))
		fmt.Printf("min %2d  %6.1f MHz  %.2f W  soc %.1f °C  skin %.1f °C\n",
			m, cpu.Freq()/1e6, cpu.Power(ph), ph.Net.Temp(0), ph.Net.Temp(2))
	}
	// Output:
	// min  0  2265.6 MHz  5.87 W  soc 25.0 °C  skin 25.0 °C
	// min  1  1497.6 MHz  3.53 W  soc 55.4 °C  skin 26.0 °C
	// min 10  1190.4 MHz  2.73 W  soc 56.7 °C  skin 32.8 °C
	// min 20   960.0 MHz  2.16 W  soc 54.8 °C  skin 34.9 °C
	// min 30   960.0 MHz  2.12 W  soc 53.2 °C  skin 34.0 °C
}

// TestWorkedExampleFigures checks the other numbers the package doc quotes.
func TestWorkedExampleFigures(t *testing.T) {
	ph, err := NewPhone("nexus5")
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []float64{532.1, 22.51, 15.39} {
		if got := ph.Net.TimeConstants()[i]; math.Abs(got/want-1) > 2e-3 {
			t.Errorf("time constant %d = %.2f s, doc says %.2f", i, got, want)
		}
	}
	cpu := ph.Domain("cpu").Proc
	for _, c := range []struct {
		opp  int
		mhz  float64
		want float64
	}{{4, 883.2, 49.54}, {5, 960, 52.32}, {6, 1036.8, 55.32}, {7, 1190.4, 62.79}} {
		if cpu.Freq(c.opp) != c.mhz*1e6 {
			t.Fatalf("OPP %d is %g Hz, not %g MHz", c.opp, cpu.Freq(c.opp), c.mhz)
		}
		if got := selfConsistent(cpu, c.opp); math.Abs(got-c.want) > 0.01 {
			t.Errorf("%g MHz: steady junction %.3f °C, doc says %.2f", c.mhz, got, c.want)
		}
	}
	if got := selfConsistent(cpu, 13); !(got > 115) {
		t.Errorf("2265.6 MHz: steady junction %.2f °C, doc says past the 115 °C reset", got)
	}
}
