//go:build amd64 && !purego

package devices

import (
	"math"

	"golang.org/x/sys/cpu"
)

// expAVX2 replaces x[0:n] (n a positive multiple of 4, every value in
// [expSafeLo, expSafeHi]) by its exponentials, as math.Exp's FMA path
// computes them.
//
//go:noescape
func expAVX2(x *float64, n int)

// expVector says the vector path gives math.Exp's bits here: the math
// package's FMA path is the one taken (it needs AVX and FMA; the vector
// code needs AVX2 too), checked once against math.Exp itself so that a
// processor or GODEBUG setting on which the two disagree falls back to
// math.Exp.
var expVector = cpu.X86.HasAVX2 && cpu.X86.HasFMA && expSelfCheck()

// expSelfCheck compares the vector path with math.Exp on 256 arguments
// spread over the safe range; math.Exp's two amd64 paths (with and
// without FMA) round differently on about one argument in twelve (21 of these 256), so a
// math package on the other path is caught.
func expSelfCheck() bool {
	var xs, want [256]float64
	for i := range xs {
		// A fixed spread of arguments with full-width mantissas.
		xs[i] = expSafeLo + (expSafeHi-expSafeLo)*math.Mod(float64(i)*0.6180339887498949, 1)
		want[i] = math.Exp(xs[i])
	}
	expAVX2(&xs[0], len(xs))
	for i := range xs {
		if math.Float64bits(xs[i]) != math.Float64bits(want[i]) {
			return false
		}
	}
	return true
}

// expVec runs expAVX2 over xs, rounded up to whole vectors within cap(xs)
// (the padding set to 0) or the last few by math.Exp.
func expVec(xs []float64) {
	n := len(xs)
	if r := n % 4; r != 0 {
		if cap(xs)-n >= 4-r {
			xs = xs[:n+4-r]
			clear(xs[n:])
		} else {
			for i := n - r; i < n; i++ {
				xs[i] = math.Exp(xs[i])
			}
			n -= r
			if n == 0 {
				return
			}
			xs = xs[:n]
		}
	}
	expAVX2(&xs[0], len(xs))
}
