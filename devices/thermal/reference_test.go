package thermal

import "testing"

// TestReferenceFitNexus5 fits the Nexus 5 junction-to-board conductance to
// row A1 of testdata/reference.md (ratio ≈ 0.67 after ten minutes of
// repeated Geekbench runs) and checks that the fitted value stays inside
// the physical prior range for a PoP package on a phone board without a
// heat pipe, 4–16 K/W (0.0625–0.25 W/K).
func TestReferenceFitNexus5(t *testing.T) {
	spec, err := Preset("nexus5")
	if err != nil {
		t.Fatal(err)
	}
	tables, err := Tables()
	if err != nil {
		t.Fatal(err)
	}
	a1 := Curve{Name: "A1 Ars Nexus 5 Geekbench", Domain: "cpu", Busy: 4, MemFrac: 0.3, Ambient: 25, Window: 120,
		Points: []Point{{Min: 10, Ratio: 0.67}}}
	prior, err := Simulate(spec, tables, a1)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Fit(spec, tables, []Curve{a1}, []string{"links.0.conductance"}, 60)
	if err != nil {
		t.Fatal(err)
	}
	fitted, _ := Simulate(res.Spec, tables, a1)
	g := res.Values["links.0.conductance"]
	t.Logf("A1: prior predicts %.3f (error %+.3f); fitted G_soc-board %.4f W/K (%.2f K/W, prior 0.125 W/K) predicts %.3f (error %+.3f)",
		prior[0], prior[0]-0.67, g, 1/g, fitted[0], fitted[0]-0.67)
	if g < 0.0625 || g > 0.25 {
		t.Errorf("fitted conductance %.4f W/K outside the prior range [0.0625, 0.25]", g)
	}
}

// TestReferenceHeldOutPixel4 is the held-out check of testdata/reference.md
// §3: the Pixel 4 preset's sustained CPU ratio over minutes 20–30, with the
// GPU also saturated, must lie in [0.40, 0.85] (AnandTech's S855 range).
func TestReferenceHeldOutPixel4(t *testing.T) {
	ph, err := NewPhone("pixel4")
	if err != nil {
		t.Fatal(err)
	}
	gold, prime, gpu := ph.Domain("gold"), ph.Domain("prime"), ph.Domain("gpu")
	gold.SetLoad(ph, 3, 1)
	prime.SetLoad(ph, 1, 1)
	gpu.SetLoad(ph, 1, 1)
	// CPU throughput: gold and prime cores weighted by their top
	// frequencies (3 × 2419.2 + 2841.6 MHz of peak capacity).
	speed := func() float64 {
		g := Speed(gold.Freq(), gold.Proc.Freq(gold.Proc.Len()-1), 0.3) * 3 * gold.Proc.Freq(gold.Proc.Len()-1)
		p := Speed(prime.Freq(), prime.Proc.Freq(prime.Proc.Len()-1), 0.3) * prime.Proc.Freq(prime.Proc.Len()-1)
		return (g + p) / (3*gold.Proc.Freq(gold.Proc.Len()-1) + prime.Proc.Freq(prime.Proc.Len()-1))
	}
	var sum float64
	var n int
	for s := 1; s <= 1800; s++ {
		ph.RunUntil(float64(s))
		if s > 1200 {
			sum += speed()
			n++
		}
	}
	r := sum / float64(n)
	t.Logf("Pixel 4 sustained CPU ratio, minutes 20-30: %.3f (held-out band [0.40, 0.85]); skin %.1f °C, soc %.1f °C",
		r, ph.Net.Temp(2), ph.Net.Temp(0))
	if r < 0.40 || r > 0.85 {
		t.Errorf("sustained ratio %.3f outside the held-out band [0.40, 0.85]", r)
	}
}
