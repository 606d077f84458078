package conclude

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestPairedKnownAnswer: two modes share each replication's common
// randomness (the seed) and differ by independent noise. With no true
// difference the paired 95 % CI holds zero in 95 % of runs: over 2,000
// runs of 4 replications the share must be within three binomial
// standard deviations (3·√(0.95·0.05/2000) ≈ 1.5 points) of 0.95. With a
// true difference of three full CI widths (the expected width from the
// noise's σ) the difference is found in every run but a rare few.
func TestPairedKnownAnswer(t *testing.T) {
	const runs, reps = 2000, 4
	const sigma = 0.1 // per-mode noise; the common part is much larger
	rng := rand.New(rand.NewPCG(17, 1))
	// Expected full width of the CI: 2·t(0.975, 3)·σ_d/√n, σ_d = σ√2.
	width := 2 * 3.182446305284263 * sigma * math.Sqrt2 / math.Sqrt(reps)
	for _, tc := range []struct {
		name  string
		delta float64
	}{{"no difference", 0}, {"three CI widths", 3 * width}} {
		covered, ratioCovered := 0, 0
		for i := 0; i < runs; i++ {
			a, b := make([]float64, reps), make([]float64, reps)
			for r := range a {
				common := 10 + 3*rng.NormFloat64()
				a[r] = common + tc.delta + sigma*rng.NormFloat64()
				b[r] = common + sigma*rng.NormFloat64()
			}
			if pairedDiff(a, b).spans(0) {
				covered++
			}
			if pairedRatio(a, b).spans(1) {
				ratioCovered++
			}
		}
		share := float64(covered) / runs
		slack := 3 * math.Sqrt(0.95*0.05/runs)
		switch tc.delta {
		case 0:
			if math.Abs(share-0.95) > slack {
				t.Errorf("%s: CI holds 0 in %.3f of runs, want 0.95 ± %.3f", tc.name, share, slack)
			}
			// The ratio's delta-method CI is approximate: at least the
			// nominal coverage less the slack.
			if rs := float64(ratioCovered) / runs; rs < 0.95-2*slack {
				t.Errorf("%s: ratio CI holds 1 in %.3f of runs, want ≥ %.3f", tc.name, rs, 0.95-2*slack)
			}
		default:
			if share > 0.01 {
				t.Errorf("%s: difference missed in %.3f of runs, want ≤ 0.01", tc.name, share)
			}
		}
	}
}

// TestCIDecimals: printed digits follow the CI's half-width.
func TestCIDecimals(t *testing.T) {
	for _, tc := range []struct {
		h    float64
		want string
	}{{0.23, "6.2× slower (6.0–6.4×)"}, {2.4, "6× slower (4–9×)"}, {0.023, "6.20× slower (6.18–6.22×)"}} {
		iv := interval{est: 6.2, lo: 6.2 - tc.h, hi: 6.2 + tc.h}
		if got := turn(iv).cell(wording{"is", "slower", "faster"}); got != tc.want {
			t.Errorf("cell(±%v) = %q, want %q", tc.h, got, tc.want)
		}
	}
}

// TestTurn: a ratio below 1 is turned around, with its CI; a CI that
// holds 1 is not distinguishable; no CI near 1 is equal.
func TestTurn(t *testing.T) {
	w := wording{"uses", "more energy", "less energy"}
	nan := math.NaN()
	for _, tc := range []struct {
		iv   interval
		want string
	}{
		{interval{est: 0.025, lo: 0.02, hi: 0.03}, "40× less (33–50×)"},
		{interval{est: 0.5, lo: nan, hi: nan}, "2.00× less (no CI)"},
		{interval{est: 0.9, lo: 0.7, hi: 1.1}, "not distinguishable (0.7–1.1×)"},
		{interval{est: 1.001, lo: nan, hi: nan}, "equal within 0.5 % (no CI)"},
		{interval{est: nan, lo: nan, hi: nan}, "n/a"},
	} {
		if got := turn(tc.iv).cell(w); got != tc.want {
			t.Errorf("turn(%v) = %q, want %q", tc.iv, got, tc.want)
		}
	}
}
