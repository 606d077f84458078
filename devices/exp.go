package devices

import "math"

// expSafeLo and expSafeHi bound the arguments expInto computes itself:
// inside them exp(x) is a normal float64 (2^k·m with k + 1023 in
// [2, 2046]), so math.Exp takes none of its special paths (non-finite,
// overflow, subnormal) and a vector of the same arithmetic gives the
// same bits. Outside them expInto calls math.Exp.
const (
	expSafeLo = -708.0
	expSafeHi = 709.0
)

// expInto replaces every x of xs by math.Exp(x), bit for bit. On amd64
// with AVX2 and FMA it runs four at a time the very operations of
// math.Exp's FMA path (math/exp_amd64.s, which the math package takes on
// a processor with AVX and FMA), so a server's 39 log-normal layer draws
// of SqueezeNet cost a few vector steps rather than 39 calls whose long
// dependency chains barely overlap. cap(xs) beyond len(xs) may be
// written (to round up to whole vectors).
func expInto(xs []float64) {
	if len(xs) == 0 {
		return
	}
	if !expVector || !expAllSafe(xs) {
		for i, x := range xs {
			xs[i] = math.Exp(x)
		}
		return
	}
	expVec(xs)
}

// expAllSafe reports whether every x of xs lies in [expSafeLo, expSafeHi]
// (a NaN does not).
func expAllSafe(xs []float64) bool {
	for _, x := range xs {
		if !(x >= expSafeLo && x <= expSafeHi) {
			return false
		}
	}
	return true
}
