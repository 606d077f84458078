package models

import "math"

// Vector helpers for the memory-bound kernels (pooling, LRN, depthwise
// convolution). vec_amd64.s has AVX2 versions chosen at run time when the
// CPU has AVX2 (vec_amd64.go); these pure-Go versions are the fallback (and
// the only versions under the purego build tag or on other architectures).
// Both compute each element with the same float32 operations in the same
// order (multiply, then add; no fused multiply-add), so their results are
// bit-identical; TestVec checks it.

func maxIntoGo(dst, src []float32) {
	src = src[:len(dst)]
	for i, v := range src {
		if v > dst[i] {
			dst[i] = v
		}
	}
}

func addIntoGo(dst, src []float32) {
	src = src[:len(dst)]
	for i, v := range src {
		dst[i] += v
	}
}

// axpyGo: dst += a·src.
func axpyGo(dst, src []float32, a float32) {
	src = src[:len(dst)]
	for i, v := range src {
		dst[i] += a * v
	}
}

// sqAccGo: acc += x² (sub: acc −= x²).
func sqAccGo(acc, x []float32, sub bool) {
	x = x[:len(acc)]
	if sub {
		for i, v := range x {
			acc[i] -= v * v
		}
		return
	}
	for i, v := range x {
		acc[i] += v * v
	}
}

// lrnPow075Go: out = x · (k + an·acc)^(−3/4), computed exactly as
// x / (√s · √√s) in float32 with correctly rounded square roots.
func lrnPow075Go(out, x, acc []float32, k, an float32) {
	x, out = x[:len(acc)], out[:len(acc)]
	for i, a := range acc {
		s := k + an*a
		r := float32(math.Sqrt(float64(s)))
		q := float32(math.Sqrt(float64(r)))
		out[i] = x[i] / (r * q)
	}
}

// hmax3s2Go: out[x] = max(t[2x], t[2x+1], t[2x+2]).
func hmax3s2Go(out, t []float32) {
	t = t[:2*len(out)+1]
	for x := range out {
		m := t[2*x]
		if v := t[2*x+1]; v > m {
			m = v
		}
		if v := t[2*x+2]; v > m {
			m = v
		}
		out[x] = m
	}
}

// streamMaxGo returns the maximum of x (−MaxFloat32 for an empty x).
func streamMaxGo(x []float32) float32 {
	m := float32(-math.MaxFloat32)
	for _, v := range x {
		if v > m {
			m = v
		}
	}
	return m
}
