package result

import "math"

// Crossing is where two sampled curves a and b cross.
type Crossing struct {
	X float64 // where a − b changes sign
	// Below is true when a < b just below X.
	Below bool
}

// Crossings returns where a − b changes sign along x (ascending),
// interpolating a − b linearly in x, or in log10 x when logX is set (the
// crossing sits where the drawn lines cross on a log axis). A sample where
// a equals b between samples of opposite sign is itself the crossing (the
// middle one of a run of equal samples); touching without changing sign is
// not a crossing.
//
// Package plots marks these crossings on sweep charts and package
// scenarios states them in a run's conclusions: one rule, so that the
// sentence and the chart's marker agree.
//
// For example x = 1, 10, 100, a = 1, 2, 3 and b = 3, 1.5, 0.5: a − b is −2
// at 1 and +0.5 at 10, so on a log axis the crossing is 2/2.5 = 4/5 of the
// way from 10⁰ to 10¹, at 10^0.8 ≈ 6.31, with a below b before it; on a
// linear axis it is at 1 + 0.8 × 9 = 8.2.
//
// It panics if the slices differ in length (a programmer error).
func Crossings(x, a, b []float64, logX bool) []Crossing {
	if len(a) != len(x) || len(b) != len(x) {
		panic("result: Crossings: slices differ in length")
	}
	tr := func(v float64) float64 { return v }
	inv := tr
	if logX {
		tr, inv = math.Log10, func(v float64) float64 { return math.Pow(10, v) }
	}
	var out []Crossing
	last := -1 // last sample with a ≠ b
	for i := range x {
		d := a[i] - b[i]
		if d == 0 {
			continue
		}
		if last >= 0 {
			dl := a[last] - b[last]
			if (dl < 0) != (d < 0) {
				var cx float64
				if i == last+1 {
					t := dl / (dl - d)
					cx = inv(tr(x[last]) + t*(tr(x[i])-tr(x[last])))
				} else { // equal somewhere between: take the middle equal sample
					cx = x[(last+1+i-1)/2]
				}
				out = append(out, Crossing{X: cx, Below: dl < 0})
			}
		}
		last = i
	}
	return out
}
