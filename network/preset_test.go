package network

import (
	"math"
	"strings"
	"testing"

	"github.com/infersim/infersim/reference"
	"github.com/infersim/infersim/units"
)

// handRequestTime is D(L) written out round by round, independently of
// flowTime: tcp slow start from 10 segments of 1460 B, RTT = 2L, a round's
// rate min(window/RTT, bandwidth); upload then reply, each with one L.
func handRequestTime(up, down, bu, bd, L float64) float64 {
	slow := func(bytes, bw float64) float64 {
		rtt := 2 * L
		window := 14600.0 // bytes in round 0
		t := 0.0
		for {
			rate := math.Min(window*8/rtt, bw) // bits/s this round
			if window*8/rtt >= bw {
				return t + bytes*8/bw // the channel limits from here on
			}
			if bytes*8 <= rate*rtt {
				return t + bytes*8/rate // the last, partial round
			}
			bytes -= rate * rtt / 8 // a full round: window bytes
			t += rtt
			window *= 2
		}
	}
	return slow(up, bu) + L + L + slow(down, bd)
}

func TestPresetFits(t *testing.T) {
	for _, tc := range []struct {
		name, fact string
		bu, bd     float64
		// The numbers of buildPresets' doc table, in seconds.
		L, mu, D float64
	}{
		{"home-wifi", "N-home", 20e6, 50e6, 0.004687, 0.034224, 0.023552},
		{"campus-wifi", "N-campus", 50e6, 50e6, 0.002958, 0.021779, 0.014342},
		{"lte", "N-lte", 6e6, 13e6, 0.025454, 0.120632, 0.123435},
		{"campus-wifi-modi", "MODI-transfer-campus", 50e6, 50e6, 0.018398, 0.038891, 0.089218},
	} {
		p, err := LookupPreset(tc.name)
		if err != nil {
			t.Fatal(err)
		}
		f := reference.MustLookup(tc.fact)
		fit := p.Fit
		if fit == nil || fit.Fact != tc.fact {
			t.Fatalf("%s: fit %+v", tc.name, fit)
		}
		// μ = sd/√2, D = mean − √2·sd, by hand; a fact with an error bar
		// and no sd (MODI's) has sd = half the bar.
		sd := f.SD
		if sd == 0 {
			sd = (f.High - f.Low) / 2
		}
		mu := sd / math.Sqrt2
		D := f.Value - math.Sqrt2*sd
		L := float64(fit.Latency)
		if math.Abs(float64(fit.JitterMean)-mu) > 1e-12 || math.Abs(mu-tc.mu) > 5e-7 || math.Abs(D-tc.D) > 5e-7 {
			t.Errorf("%s: μ %v (hand %g, doc %g), D %g (doc %g)", tc.name, fit.JitterMean, mu, tc.mu, D, tc.D)
		}
		// The fitted L satisfies D(L) = mean − √2·sd by the hand formula.
		if got := handRequestTime(25e3, 1e3, tc.bu, tc.bd, L); math.Abs(got-D) > 1e-9 {
			t.Errorf("%s: D(L=%g) by hand = %.9f, want %.9f", tc.name, L, got, D)
		}
		if math.Abs(L-tc.L) > 5e-7 {
			t.Errorf("%s: L = %.7f, doc says %g", tc.name, L, tc.L)
		}
		if fit.Residual > 1e-9 {
			t.Errorf("%s: residual %v", tc.name, fit.Residual)
		}
		if float64(p.Link.Up.Bandwidth) != tc.bu || float64(p.Link.Down.Bandwidth) != tc.bd {
			t.Errorf("%s: bandwidths %v / %v", tc.name, p.Link.Up.Bandwidth, p.Link.Down.Bandwidth)
		}
	}
}

// TestPresetsReproduceReference simulates the reference request (upload
// 25 kB, then download 1 kB) N = 4000 times on each fitted preset, one
// request a second (warm connection, radio inside its tail, as the fit
// assumes; the first, cold request is dropped), and checks the mean and sd
// against the fact within its tolerance. Sampling error: the sd of the
// mean is sd/√N (LTE: 170.6/63.2 = 2.7 ms, 0.7 %); the sum of two
// exponentials has kurtosis 6, so the sd of the sample sd is about
// sd·sqrt(5/(4N)) = 1.8 %. Against a 15 % tolerance that is over 5
// standard errors of margin.
func TestPresetsReproduceReference(t *testing.T) {
	const N = 4000
	for _, name := range []string{"home-wifi", "campus-wifi", "campus-wifi-modi", "lte"} {
		p, _ := LookupPreset(name)
		xs, err := ReferenceRequests(p, 2018, N)
		if err != nil {
			t.Fatal(err)
		}
		var s, s2 float64
		for _, x := range xs {
			s += x
		}
		mean := s / N
		for _, x := range xs {
			s2 += (x - mean) * (x - mean)
		}
		sd := math.Sqrt(s2 / (N - 1))
		f := reference.MustLookup(p.Fit.Fact)
		fsd := float64(p.Fit.TargetSD)
		em, es := math.Abs(mean-f.Value)/f.Value, math.Abs(sd-fsd)/fsd
		t.Logf("%s: simulated mean %.2f ms (fact %.1f, error %.1f %%), sd %.2f ms (fact %.1f, error %.1f %%)",
			name, mean*1e3, f.Value*1e3, em*100, sd*1e3, fsd*1e3, es*100)
		if em > f.Tolerance || es > f.Tolerance {
			t.Errorf("%s: mean error %.3f, sd error %.3f, tolerance %g", name, em, es, f.Tolerance)
		}
	}
}

func TestPresets(t *testing.T) {
	names := []string{}
	for _, p := range Presets() {
		names = append(names, p.Name)
		if err := p.Link.Validate(p.Name); err != nil {
			t.Errorf("%s: %v", p.Name, err)
		}
		if len(p.Sources) == 0 || p.Description == "" {
			t.Errorf("%s: no sources or description", p.Name)
		}
	}
	if strings.Join(names, " ") != "3g 5g 5g-mmwave campus-wifi campus-wifi-modi home-wifi lte" {
		t.Errorf("presets %v", names)
	}
	// Copies are independent.
	a, _ := LookupPreset("lte")
	a.Link.Radio.Tail[0].Duration = 99
	b, _ := LookupPreset("lte")
	if b.Link.Radio.Tail[0].Duration == 99 {
		t.Error("LookupPreset returned shared state")
	}
	if _, err := LookupPreset("6g"); err == nil {
		t.Error("unknown preset accepted")
	}
	// An infeasible fit is reported, not silently bent.
	if _, err := fitPreset("N-campus", 5*units.Mbps, 5*units.Mbps); err == nil {
		t.Error("a 5 Mbps campus fit should be infeasible: 25 kB take 40 ms > 14.3 ms")
	}
}

func TestModelsRegistry(t *testing.T) {
	ms := Models()
	if len(ms) != 2 || ms[0].Name != "constant" || ms[1].Name != "tcp" {
		t.Fatalf("Models() = %v", ms)
	}
	for _, m := range ms {
		if m.Description == "" || m.Equation == "" || len(m.Sources) == 0 || m.Default.Name() != m.Name {
			t.Errorf("%s: incomplete registration", m.Name)
		}
		if err := m.Default.Validate(); err != nil {
			t.Errorf("%s: %v", m.Name, err)
		}
	}
	if _, err := LookupModel("fair-share"); err == nil || err.Error() != `network: unknown transfer model "fair-share" (want one of constant, tcp)` {
		t.Errorf("LookupModel: %v", err)
	}
}
