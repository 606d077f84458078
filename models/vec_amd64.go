//go:build amd64 && !purego

package models

import "golang.org/x/sys/cpu"

// AVX2 kernels of vec_amd64.s. Each takes base pointers and a length; the
// wrappers check lengths (the assembly does not) and fall back to pure Go
// without AVX2.

//go:noescape
func maxIntoAVX2(dst, src *float32, n int)

//go:noescape
func addIntoAVX2(dst, src *float32, n int)

//go:noescape
func axpyAVX2(dst, src *float32, n int, a float32)

//go:noescape
func sqAccAVX2(acc, x *float32, n int, sub bool)

//go:noescape
func lrnPow075AVX2(out, x, acc *float32, n int, k, an float32)

//go:noescape
func hmax3s2AVX2(out, t *float32, blocks int)

//go:noescape
func streamMaxAVX2(x *float32, n int) float32

var hasAVX2 = cpu.X86.HasAVX2

func maxInto(dst, src []float32) {
	if !hasAVX2 || len(dst) == 0 {
		maxIntoGo(dst, src)
		return
	}
	_ = src[len(dst)-1]
	maxIntoAVX2(&dst[0], &src[0], len(dst))
}

func addInto(dst, src []float32) {
	if !hasAVX2 || len(dst) == 0 {
		addIntoGo(dst, src)
		return
	}
	_ = src[len(dst)-1]
	addIntoAVX2(&dst[0], &src[0], len(dst))
}

func axpy(dst, src []float32, a float32) {
	if !hasAVX2 || len(dst) == 0 {
		axpyGo(dst, src, a)
		return
	}
	_ = src[len(dst)-1]
	axpyAVX2(&dst[0], &src[0], len(dst), a)
}

func sqAcc(acc, x []float32, sub bool) {
	if !hasAVX2 || len(acc) == 0 {
		sqAccGo(acc, x, sub)
		return
	}
	_ = x[len(acc)-1]
	sqAccAVX2(&acc[0], &x[0], len(acc), sub)
}

func lrnPow075(out, x, acc []float32, k, an float32) {
	if !hasAVX2 || len(acc) == 0 {
		lrnPow075Go(out, x, acc, k, an)
		return
	}
	_, _ = x[len(acc)-1], out[len(acc)-1]
	lrnPow075AVX2(&out[0], &x[0], &acc[0], len(acc), k, an)
}

// hmax3s2 sets out[x] = max(t[2x], t[2x+1], t[2x+2]), the horizontal step
// of 3×3 stride-2 max pooling; len(t) ≥ 2·len(out)+1.
func hmax3s2(out, t []float32) {
	done := 0
	if hasAVX2 && len(t) >= 18 {
		blocks := min(len(out)/8, (len(t)-18)/16+1)
		if blocks > 0 {
			hmax3s2AVX2(&out[0], &t[0], blocks)
			done = 8 * blocks
		}
	}
	hmax3s2Go(out[done:], t[2*done:])
}

// streamMax returns the maximum of x, reading it once at full memory
// bandwidth: the yardstick of BenchmarkFC.
func streamMax(x []float32) float32 {
	if !hasAVX2 || len(x) < 32 {
		return streamMaxGo(x)
	}
	n := len(x) &^ 31
	m := streamMaxAVX2(&x[0], n)
	return max(m, streamMaxGo(x[n:]))
}

// vecLevel names the vector helpers in use, for profiles.
func vecLevel() string {
	if hasAVX2 {
		return "avx2"
	}
	return "purego"
}
