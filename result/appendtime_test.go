package result

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// appendTimeStrconv is AppendTime as it was before appendMicros: every
// non-integral time through strconv.AppendFloat(x, 'f', d). It is the
// oracle appendMicros must match byte for byte.
func appendTimeStrconv(b []byte, x float64) []byte {
	if x == math.Trunc(x) && math.Abs(x) < maxExactInt {
		return strconv.AppendInt(b, int64(x), 10)
	}
	a := math.Abs(x)
	if !(a < 1e15) {
		return strconv.AppendFloat(b, x, 'g', -1, 64)
	}
	d := TimeDecimals
	for ; a >= 1e9 && d > 0; a /= 10 {
		d--
	}
	start := len(b)
	b = strconv.AppendFloat(b, x, 'f', d, 64)
	if d == 0 {
		if string(b[start:]) == "-0" {
			b = append(b[:start], '0')
		}
		return b
	}
	for b[len(b)-1] == '0' {
		b = b[:len(b)-1]
	}
	if b[len(b)-1] == '.' {
		b = b[:len(b)-1]
	}
	if string(b[start:]) == "-0" {
		b = append(b[:start], '0')
	}
	return b
}

func checkAppendTime(t *testing.T, x float64) {
	t.Helper()
	if got, want := string(AppendTime(nil, x)), string(appendTimeStrconv(nil, x)); got != want {
		t.Fatalf("AppendTime(%v [%#x]) = %q, strconv %q", x, math.Float64bits(x), got, want)
	}
}

// TestAppendTimeMatchesStrconv: the integer path writes what strconv
// wrote, on random times of every magnitude, exact ties (multiples of
// 2⁻⁷ µs: 1/128 = 0.0078125 rounds to even), values next to a half
// microsecond and their neighbours one ulp away, and both signs.
func TestAppendTimeMatchesStrconv(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 6))
	for i := 0; i < 200000; i++ {
		e := rng.Float64()*22 - 12 // 1e-12 .. 1e10
		x := math.Pow(10, e) * (1 + rng.Float64())
		if i%2 == 1 {
			x = -x
		}
		checkAppendTime(t, x)
		checkAppendTime(t, math.Nextafter(x, 0))
	}
	for i := 0; i < 100000; i++ {
		// Near and at halves of a microsecond.
		k := rng.Int64N(1 << 40)
		h := (float64(k) + 0.5) / 1e6
		for _, x := range []float64{h, math.Nextafter(h, 0), math.Nextafter(h, 1e10), -h} {
			checkAppendTime(t, x)
		}
		// Exact dyadic ties: m/128 s has a 5 in its 7th decimal.
		m := float64(rng.Int64N(1<<30)*2 + 1)
		checkAppendTime(t, m/128)
		checkAppendTime(t, m/(1<<20))
	}
	for _, x := range []float64{0.0078125, 0.0234375, 1.5e-6, 2.5e-6, 5e-7, 4.9999999e-7, 1e-200, 2e-200, 1e-199,
		999999999.9999995, 999999999.9999996, 999999999.9999994, 1e9 - 1e-7, 0.1999999999999993, 123456.0000004} {
		checkAppendTime(t, x)
		checkAppendTime(t, -x)
	}
}

func FuzzAppendTime(f *testing.F) {
	for _, x := range []float64{0.0078125, 5.90646056308496, 999999999.9999996, -2.5e-6, 3.3e12} {
		f.Add(x)
	}
	f.Fuzz(func(t *testing.T, x float64) {
		if math.IsNaN(x) {
			return
		}
		checkAppendTime(t, x)
	})
}

// BenchmarkAppendTime: one requests.csv time (a phase boundary of the
// 10⁶-request case, 0–10⁶ s).
func BenchmarkAppendTime(b *testing.B) {
	xs := make([]float64, 1024)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range xs {
		xs[i] = rng.Float64() * math.Pow(10, float64(i%7))
	}
	buf := make([]byte, 0, 64)
	b.Run("integer", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			buf = AppendTime(buf[:0], xs[i%len(xs)])
		}
	})
	b.Run("strconv", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			buf = appendTimeStrconv(buf[:0], xs[i%len(xs)])
		}
	})
}

// TestTallyRepeatedIndex: a Tally fed repeated and alternating values
// (the bucket index cached for the last one) has the buckets of one built
// by merging single-value tallies (each index computed afresh).
func TestTallyRepeatedIndex(t *testing.T) {
	xs := []float64{0.175266, 0.175266, 0.025047, 0.175266, 0, 0.10075, 0.10075, 1e-301, 3.5, 3.5, -2, -2, 0.025047}
	var a, b Tally
	for i := 0; i < 50; i++ {
		for _, x := range xs {
			a.Add(x)
			var one Tally
			one.Add(x)
			b.Merge(&one)
		}
	}
	if a.zeros != b.zeros || a.pos.off != b.pos.off || len(a.pos.counts) != len(b.pos.counts) || a.neg.off != b.neg.off {
		t.Fatalf("buckets differ: %+v vs %+v", a.pos, b.pos)
	}
	for i := range a.pos.counts {
		if a.pos.counts[i] != b.pos.counts[i] {
			t.Fatalf("bucket %d: %d vs %d", a.pos.off+i, a.pos.counts[i], b.pos.counts[i])
		}
	}
	for _, q := range []float64{0.01, 0.5, 0.95, 0.99} {
		if a.Quantile(q) != b.Quantile(q) {
			t.Errorf("Quantile(%v) = %v, merged %v", q, a.Quantile(q), b.Quantile(q))
		}
	}
}
