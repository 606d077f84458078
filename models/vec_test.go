package models

import (
	"math"
	"testing"
)

// TestVec checks that the vector helpers in use (AVX2 assembly on amd64
// unless built with -tags purego) agree bit for bit with the pure-Go loops,
// on every length from 0 to 40 (all tails) and offsets that break alignment.
func TestVec(t *testing.T) {
	for n := 0; n <= 70; n++ {
		for _, off := range []int{0, 1, 3} {
			x := randSlice(uint64(n), n+off)[off:]
			y := randSlice(uint64(n)+50, n+off)[off:]
			for i := range y {
				y[i] = y[i]*y[i] + 0.5 // positive: a valid LRN window sum
			}
			check := func(name string, fast, slow func(dst []float32)) {
				a, b := append([]float32(nil), y...), append([]float32(nil), y...)
				fast(a)
				slow(b)
				for i := range a {
					if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
						t.Fatalf("%s n=%d off=%d: element %d: %g vs %g", name, n, off, i, a[i], b[i])
					}
				}
			}
			check("maxInto", func(d []float32) { maxInto(d, x) }, func(d []float32) { maxIntoGo(d, x) })
			check("addInto", func(d []float32) { addInto(d, x) }, func(d []float32) { addIntoGo(d, x) })
			check("axpy", func(d []float32) { axpy(d, x, 0.37) }, func(d []float32) { axpyGo(d, x, 0.37) })
			check("sqAcc", func(d []float32) { sqAcc(d, x, false) }, func(d []float32) { sqAccGo(d, x, false) })
			check("sqAcc-sub", func(d []float32) { sqAcc(d, x, true) }, func(d []float32) { sqAccGo(d, x, true) })
			if n > 0 {
				out := make([]float32, (n-1)/2)
				ref := make([]float32, len(out))
				hmax3s2(out, x)
				hmax3s2Go(ref, x)
				for i := range out {
					if out[i] != ref[i] {
						t.Fatalf("hmax3s2 n=%d: element %d: %g vs %g", n, i, out[i], ref[i])
					}
				}
			}
			if got, want := streamMax(x), streamMaxGo(x); got != want {
				t.Fatalf("streamMax n=%d: %g vs %g", n, got, want)
			}
			check("lrnPow075", func(d []float32) { lrnPow075(d, x, append([]float32(nil), y...), 2, 1e-3) },
				func(d []float32) { lrnPow075Go(d, x, append([]float32(nil), y...), 2, 1e-3) })
		}
	}
}
