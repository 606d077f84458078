package conclude

import (
	"math"
	"strings"
	"testing"

	"github.com/infersim/infersim/result"
)

func hsum(model, mode, image string, start result.Start, lat, energy, load float64) result.Summary {
	s := result.Summary{Key: result.Key{Model: model, Mode: mode, Image: image, Start: start}}
	s.Latency = result.Stat{N: 10, Mean: lat}
	s.EnergyTotal = result.Stat{N: 10, Mean: energy}
	s.Phases[result.Load] = result.Stat{N: 10, Mean: load}
	return s
}

func TestComputeHeadline(t *testing.T) {
	sums := []result.Summary{
		hsum("a", "on-device-gpu", "1x1", result.Cold, 50, 100, 45),
		hsum("a", "on-device-gpu", "1x1", result.Warm, 1, 2, 0), // warm on-device: not the headline
		hsum("a", "cloud-gpu", "1x1", result.Warm, 0.25, 0.5, 0),
		hsum("a", "cloud-cpu", "1x1", result.Warm, 0.5, 0.4, 0),
		hsum("a", "cloud-cpu", "1x1", result.Cold, 0.01, 0.01, 0), // cloud cold: not compared
		hsum("b", "on-device-cpu", "1x1", result.Cold, 10, 300, 1),
		hsum("b", "cloud-gpu", "1x1", result.Warm, 0.5, 1, 0),
	}
	h, ok := ComputeHeadline(sums)
	if !ok {
		t.Fatal("no headline")
	}
	if h.Time.Ratio != 200 || h.Time.Model != "a" || h.Time.Cloud != "cloud-gpu" {
		t.Errorf("time %+v, want 200× a vs cloud-gpu", h.Time)
	}
	if h.Energy.Ratio != 300 || h.Energy.Model != "b" {
		t.Errorf("energy %+v, want 300× b", h.Energy)
	}
	if _, ok := ComputeHeadline(sums[1:4]); ok {
		t.Error("a headline without on-device cold requests")
	}
}

func TestHeadlineSentence(t *testing.T) {
	for _, c := range []struct {
		cloud   float64
		outside bool
	}{{0.5, false}, {0.1, true}, {10, true}} {
		sums := []result.Summary{
			hsum("a", "on-device-gpu", "1x1", result.Cold, 50, 50, 45),
			hsum("a", "cloud-gpu", "1x1", result.Warm, c.cloud, c.cloud, 0),
		}
		cv := cellViews(sums)
		e := &evaluator{cn: &Conclusion{Kind: KindHeadline}}
		f, err := e.headline("", cv)
		if err != nil {
			t.Fatal(err)
		}
		line := f.sentence(MaxSentence)
		if !strings.HasPrefix(line, "study headline: on-device costs ") {
			t.Errorf("line %q", line)
		}
		if got := strings.Contains(line, "OUTSIDE the study's range"); got != c.outside {
			t.Errorf("cloud %v: outside %v in %q", c.cloud, got, line)
		}
		if r := 50 / c.cloud; InStudyRange(r) == c.outside || math.IsNaN(r) {
			t.Errorf("InStudyRange(%v)", r)
		}
	}
}

// hsumE is hsum with the energy split by component (the total is their
// sum).
func hsumE(model, mode, image string, start result.Start, lat, load float64, parts map[result.Component]float64) result.Summary {
	var total float64
	for _, x := range parts {
		total += x
	}
	s := hsum(model, mode, image, start, lat, total, load)
	for c, x := range parts {
		s.Energy[c] = result.Stat{N: 10, Mean: x}
	}
	return s
}

// TestEnergyWhy: an energy ratio outside the range is explained as the
// groups' time ratio times their mean-power ratio, each group's power by
// component (largest first, small ones left out: the on-device GPU's
// 0.5 % here), and what either group
// alone would need for the nearer end of the range.
func TestEnergyWhy(t *testing.T) {
	for _, c := range []struct {
		name  string
		cloud map[result.Component]float64
		want  []string
	}{
		{"above", map[result.Component]float64{result.Radio: 0.1, result.Base: 0.1},
			[]string{"energy +68 % above the study's 300×: ",
				"this group's time ratio 200× times its power ratio 2.51×",
				"draws 2.01 W for 50 s (CPU 1.2 W, screen and base 800 mW; 45 s of it model load)",
				"the cloud request 800 mW for 250 ms (radio with its tail 400 mW, screen and base 400 mW)",
				"needs the on-device request at most 60 J (1.2 W) or the cloud request at least 335 mJ"}},
		{"below", map[result.Component]float64{result.Radio: 4, result.Base: 0.5, result.CPU: 0.001},
			[]string{"energy -26 % below the study's 30×: ",
				"this group's time ratio 200× times its power ratio 0.11×",
				"the cloud request 18 W for 250 ms (radio with its tail 16 W, screen and base 2 W)",
				"needs the on-device request at least 135 J (2.7 W) or the cloud request at most 3.35 J"}},
	} {
		sums := []result.Summary{
			hsumE("a", "on-device-gpu", "1x1", result.Cold, 50, 45, map[result.Component]float64{result.CPU: 60, result.Base: 40, result.GPU: 0.5}),
			hsumE("a", "cloud-gpu", "1x1", result.Warm, 0.25, 0, c.cloud),
		}
		h, ok := ComputeHeadline(sums)
		if !ok {
			t.Fatalf("%s: no headline", c.name)
		}
		why := h.MissWhy()
		for _, w := range c.want {
			if !strings.Contains(why, w) {
				t.Errorf("%s: why lacks %q:\n%s", c.name, w, why)
			}
		}
		// The split is exact: time ratio × power ratio = energy ratio.
		e := h.Energy
		if got := (e.OnDeviceTime / e.CloudTime) * (e.Num / e.OnDeviceTime) / (e.Den / e.CloudTime); math.Abs(got-e.Ratio) > 1e-12*e.Ratio {
			t.Errorf("%s: time × power ratio %v, energy ratio %v", c.name, got, e.Ratio)
		}
	}
	// Inside the range there is nothing to explain.
	in := []result.Summary{
		hsumE("a", "on-device-gpu", "1x1", result.Cold, 50, 45, map[result.Component]float64{result.CPU: 10}),
		hsumE("a", "cloud-gpu", "1x1", result.Warm, 0.25, 0, map[result.Component]float64{result.Radio: 0.1}),
	}
	if h, _ := ComputeHeadline(in); h.MissWhy() != "" {
		t.Errorf("in range (time %v, energy %v), why %q", h.Time.Ratio, h.Energy.Ratio, h.MissWhy())
	}
}
