package network

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/infersim/infersim/units"
)

// Jitter is the distribution of the extra one-way delay a transfer meets on
// a channel (queueing in the access network, scheduling in the base
// station). One value is drawn per transfer, from the channel's own named
// stream, and added to the channel's latency: after the last byte leaves
// for an upload, before the first byte arrives for a download.
//
// Distributions (Dist):
//
//	"" or "none"    no jitter
//	"normal"        N(Mean, SD²), negative draws clamped to 0
//	"exponential"   exponential with mean Mean (SD must be 0 or equal Mean)
//	"lognormal"     log-normal whose own mean and standard deviation are
//	                Mean and SD: σ² = ln(1 + SD²/Mean²), μ = ln Mean − σ²/2
type Jitter struct {
	Dist string
	Mean units.Duration
	SD   units.Duration
}

// Validate reports a distribution or parameter out of range, naming the
// field under the given prefix (e.g. "link.up.jitter").
func (j Jitter) Validate(field string) error {
	finite := func(d units.Duration) bool { return d >= 0 && !math.IsInf(float64(d), 0) }
	if !finite(j.Mean) || !finite(j.SD) {
		return fmt.Errorf("network: %s: mean %v and sd %v must be finite and non-negative", field, j.Mean, j.SD)
	}
	switch j.Dist {
	case "", "none":
		if j.Mean != 0 || j.SD != 0 {
			return fmt.Errorf("network: %s: dist none takes no mean or sd", field)
		}
	case "normal":
	case "exponential":
		if j.SD != 0 && j.SD != j.Mean {
			return fmt.Errorf("network: %s: an exponential's sd equals its mean; give sd 0 or %v", field, j.Mean)
		}
	case "lognormal":
		if j.Mean <= 0 && j.SD > 0 {
			return fmt.Errorf("network: %s: a lognormal with sd %v needs a positive mean", field, j.SD)
		}
	default:
		return fmt.Errorf("network: %s.dist: unknown distribution %q (none, normal, exponential, lognormal)", field, j.Dist)
	}
	return nil
}

// drawn reports whether the jitter draws from a random stream (a
// distribution other than none).
func (j Jitter) drawn() bool { return j.Dist != "" && j.Dist != "none" }

// Draw returns one delay from the distribution, drawn from r.
func (j Jitter) Draw(r *rand.Rand) units.Duration {
	m, s := float64(j.Mean), float64(j.SD)
	switch j.Dist {
	case "normal":
		return units.Duration(math.Max(0, m+s*r.NormFloat64()))
	case "exponential":
		return units.Duration(m * r.ExpFloat64())
	case "lognormal":
		if m <= 0 {
			return 0
		}
		sig2 := math.Log1p(s * s / (m * m))
		return units.Duration(math.Exp(math.Log(m) - sig2/2 + math.Sqrt(sig2)*r.NormFloat64()))
	}
	return 0
}

// Expected returns the mean delay of the distribution: Mean, except for the
// clamped normal, whose mean is μΦ(μ/σ) + σφ(μ/σ).
func (j Jitter) Expected() units.Duration {
	switch j.Dist {
	case "normal":
		m, s := float64(j.Mean), float64(j.SD)
		if s == 0 {
			return units.Duration(math.Max(0, m))
		}
		z := m / s
		phi := math.Exp(-z*z/2) / math.Sqrt(2*math.Pi)
		cdf := 0.5 * math.Erfc(-z/math.Sqrt2)
		return units.Duration(m*cdf + s*phi)
	case "exponential", "lognormal":
		return j.Mean
	}
	return 0
}
