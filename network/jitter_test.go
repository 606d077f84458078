package network

import (
	"math"
	"testing"

	"github.com/infersim/infersim/sim"
	"github.com/infersim/infersim/units"
)

// Sample means and sds of 200000 draws against the distributions' own:
// the standard error of a mean is sd/√N = sd·0.0022, so 1 % of the mean is
// over 4 standard errors for every case below.
func TestJitterDraws(t *testing.T) {
	const N = 200000
	ms := units.Millisecond
	for _, tc := range []struct {
		j        Jitter
		mean, sd float64
	}{
		{Jitter{}, 0, 0},
		{Jitter{Dist: "exponential", Mean: 30 * ms}, 0.030, 0.030},
		{Jitter{Dist: "lognormal", Mean: 30 * ms, SD: 20 * ms}, 0.030, 0.020},
		// Clamped at 0 far from 0: the normal's own moments.
		{Jitter{Dist: "normal", Mean: 50 * ms, SD: 5 * ms}, 0.050, 0.005},
		// Clamped near 0: mean μΦ(μ/σ) + σφ(μ/σ) = 0.5·0 + 10 ms·0.39894.
		{Jitter{Dist: "normal", Mean: 0, SD: 10 * ms}, 0.010 / math.Sqrt(2*math.Pi), -1},
	} {
		r := sim.NewStreams(3).Stream("j")
		var s, s2 float64
		for range N {
			x := float64(tc.j.Draw(r))
			if x < 0 {
				t.Fatalf("%+v: negative draw %g", tc.j, x)
			}
			s += x
			s2 += x * x
		}
		mean := s / N
		sd := math.Sqrt(s2/N - mean*mean)
		if math.Abs(mean-tc.mean) > 0.01*tc.mean+1e-12 {
			t.Errorf("%+v: mean %g, want %g", tc.j, mean, tc.mean)
		}
		if tc.sd >= 0 && math.Abs(sd-tc.sd) > 0.02*tc.sd+1e-12 {
			t.Errorf("%+v: sd %g, want %g", tc.j, sd, tc.sd)
		}
		if e := float64(tc.j.Expected()); math.Abs(e-tc.mean) > 1e-12 {
			t.Errorf("%+v: Expected %g, want %g", tc.j, e, tc.mean)
		}
	}
}
