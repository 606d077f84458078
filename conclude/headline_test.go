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
