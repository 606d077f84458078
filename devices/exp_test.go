package devices

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestExpIntoBits: expInto gives math.Exp's bits, on arguments of every
// kind (the log-normal layer draws' range, the whole safe range, its
// edges, and outside it: huge, subnormal-producing, ±Inf, NaN), whatever
// the length (vectors, tails, padding within cap or not).
func TestExpIntoBits(t *testing.T) {
	t.Logf("vector path: %v", expVector)
	rng := rand.New(rand.NewPCG(19, 6))
	edges := []float64{expSafeLo, expSafeHi, math.Nextafter(expSafeLo, 0), math.Nextafter(expSafeHi, 0),
		math.Nextafter(expSafeLo, -1000), math.Nextafter(expSafeHi, 1000), 0, math.Copysign(0, -1),
		-745.2, -740, 709.7, 709.8, 1e300, -1e300, math.Inf(1), math.Inf(-1), math.NaN(), 1e-300, -1e-300}
	gen := []func() float64{
		func() float64 { return -11 + 1.5*rng.NormFloat64() }, // layer times of 10⁻⁵ s
		func() float64 { return expSafeLo + (expSafeHi-expSafeLo)*rng.Float64() },
		func() float64 { return (2*rng.Float64() - 1) * 1e-3 },
		func() float64 { return edges[rng.IntN(len(edges))] },
	}
	same := func(a, b float64) bool {
		return math.Float64bits(a) == math.Float64bits(b) || (math.IsNaN(a) && math.IsNaN(b))
	}
	var n int
	for round := 0; round < 100_000; round++ {
		k := rng.IntN(70)
		buf := make([]float64, k, k+rng.IntN(4))
		g := gen[round%len(gen)]
		mixed := round%7 == 0 // one argument of another kind among them
		for i := range buf {
			buf[i] = g()
		}
		if mixed && k > 0 {
			buf[rng.IntN(k)] = edges[rng.IntN(len(edges))]
		}
		want := make([]float64, k)
		for i, x := range buf {
			want[i] = math.Exp(x)
		}
		args := append([]float64(nil), buf...)
		expInto(buf)
		for i := range buf {
			if !same(buf[i], want[i]) {
				t.Fatalf("exp(%v) = %v (%#x), math.Exp %v (%#x)", args[i], buf[i], math.Float64bits(buf[i]), want[i], math.Float64bits(want[i]))
			}
		}
		n += k
	}
	t.Logf("%d arguments", n)
}

// TestExpVectorAllRange sweeps the safe range densely (every 2⁻¹⁰ plus a
// random offset) through the vector path itself.
func TestExpVectorAllRange(t *testing.T) {
	if !expVector {
		t.Skip("no vector path on this machine")
	}
	rng := rand.New(rand.NewPCG(1, 19))
	var xs [64]float64
	for x := expSafeLo; x < expSafeHi-1; {
		for i := range xs {
			xs[i] = min(x+rng.Float64()/1024, expSafeHi)
			x += 1.0 / 1024
		}
		args := xs
		expVec(xs[:])
		for i, a := range args {
			if w := math.Exp(a); math.Float64bits(w) != math.Float64bits(xs[i]) {
				t.Fatalf("exp(%v) = %v, math.Exp %v", a, xs[i], w)
			}
		}
	}
}

func BenchmarkExpInto(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	src := make([]float64, 40)
	for i := range src {
		src[i] = -11 + 0.3*rng.NormFloat64()
	}
	buf := make([]float64, 40)
	b.Run("vector", func(b *testing.B) {
		for range b.N {
			copy(buf, src)
			expInto(buf)
		}
	})
	b.Run("math.Exp", func(b *testing.B) {
		for range b.N {
			for i, x := range src {
				buf[i] = math.Exp(x)
			}
		}
	})
}
