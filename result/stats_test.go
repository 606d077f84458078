package result

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

func TestTallyMoments(t *testing.T) {
	var tl Tally
	if !math.IsNaN(tl.Mean()) || !math.IsNaN(tl.Quantile(0.5)) || !math.IsNaN(tl.Variance()) {
		t.Fatal("empty tally not NaN")
	}
	for _, x := range []float64{2, 4, 4, 4, 5, 5, 7, 9} {
		tl.Add(x)
	}
	// Textbook data: mean 5, population variance 4, sample variance 32/7.
	if tl.Count() != 8 || tl.Mean() != 5 || math.Abs(tl.Variance()-32.0/7) > 1e-12 ||
		tl.Min() != 2 || tl.Max() != 9 {
		t.Fatalf("count %d mean %v var %v min %v max %v", tl.Count(), tl.Mean(), tl.Variance(), tl.Min(), tl.Max())
	}
	if math.Abs(tl.StdDev()-math.Sqrt(32.0/7)) > 1e-12 {
		t.Fatal("StdDev")
	}
}

func TestTallyExactQuantiles(t *testing.T) {
	tl := NewTally(Exact())
	for _, x := range []float64{5, 1, 4, 2, 3} {
		tl.Add(x)
	}
	for _, c := range []struct{ q, want float64 }{
		{0, 1}, {0.25, 2}, {0.5, 3}, {0.9, 4.6}, {1, 5},
	} {
		if got := tl.Quantile(c.q); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("Quantile(%v) = %v, want %v", c.q, got, c.want)
		}
	}
	mustPanic(t, "not in [0, 1]", func() { tl.Quantile(1.5) })
}

// TestTallyStreamingQuantiles checks the sketch against the exact order
// statistics and against the distributions' true quantiles.
func TestTallyStreamingQuantiles(t *testing.T) {
	src := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct {
		name  string
		draw  func() float64
		quant func(q float64) float64
	}{
		{"exponential", src.ExpFloat64, func(q float64) float64 { return -math.Log(1 - q) }},
		{"lognormal", func() float64 { return math.Exp(2 * src.NormFloat64()) },
			distuv.LogNormal{Mu: 0, Sigma: 2}.Quantile},
		{"normal(10,3)", func() float64 { return 10 + 3*src.NormFloat64() },
			distuv.Normal{Mu: 10, Sigma: 3}.Quantile},
		{"signed", func() float64 { return src.NormFloat64() }, distuv.UnitNormal.Quantile},
	} {
		t.Run(c.name, func(t *testing.T) {
			const n = 200_000
			s := NewTally()
			exact := NewTally(Exact())
			for range n {
				x := c.draw()
				s.Add(x)
				exact.Add(x)
			}
			vals := slices.Clone(exact.values)
			slices.Sort(vals)
			for _, q := range []float64{0.01, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999} {
				got := s.Quantile(q)
				os := vals[int(q*float64(n-1))]
				// The sketch's guarantee: relative accuracy alpha against the
				// order statistic of rank ⌊q(n−1)⌋.
				if math.Abs(got-os) > DefaultAccuracy*math.Abs(os)+1e-12 {
					t.Errorf("q=%v: sketch %v, order statistic %v", q, got, os)
				}
				// And near the true quantile (sampling error at n = 200k).
				if want := c.quant(q); math.Abs(got-want) > 0.05*math.Abs(want)+0.05 {
					t.Errorf("q=%v: sketch %v, true quantile %v", q, got, want)
				}
			}
		})
	}
}

func TestTallyMerge(t *testing.T) {
	src := rand.New(rand.NewPCG(3, 4))
	all, a, b := NewTally(), NewTally(), NewTally()
	allX, aX, bX := NewTally(Exact()), NewTally(Exact()), NewTally(Exact())
	for i := range 10_000 {
		x := src.ExpFloat64() * 3
		all.Add(x)
		allX.Add(x)
		if i%3 == 0 {
			a.Add(x)
			aX.Add(x)
		} else {
			b.Add(x)
			bX.Add(x)
		}
	}
	a.Merge(b)
	aX.Merge(bX)
	for _, m := range []*Tally{a, aX} {
		if m.Count() != all.Count() || math.Abs(m.Mean()-all.Mean()) > 1e-9 ||
			math.Abs(m.Variance()-all.Variance()) > 1e-9 || m.Min() != all.Min() || m.Max() != all.Max() {
			t.Fatalf("merged moments differ: %v %v vs %v %v", m.Mean(), m.Variance(), all.Mean(), all.Variance())
		}
	}
	for _, q := range []float64{0.1, 0.5, 0.99} {
		if a.Quantile(q) != all.Quantile(q) {
			t.Errorf("merged sketch quantile %v: %v vs %v", q, a.Quantile(q), all.Quantile(q))
		}
		if aX.Quantile(q) != allX.Quantile(q) {
			t.Errorf("merged exact quantile %v: %v vs %v", q, aX.Quantile(q), allX.Quantile(q))
		}
	}
	// Exact into streaming, and into an empty tally.
	var empty Tally
	empty.Merge(a)
	empty.Merge(aX)
	if empty.Count() != 2*all.Count() {
		t.Fatal("merge into empty")
	}
}

func TestTallyWideRange(t *testing.T) {
	// Values over 600 decades collapse the lowest buckets (so that memory stays
	// bounded) but keep the top accurate.
	s := NewTally()
	for e := -300; e <= 300; e++ {
		s.Add(math.Pow(10, float64(e)))
	}
	if got := s.Quantile(1); got != s.Max() || got < 0.99e300 {
		t.Fatalf("max quantile %v", got)
	}
	// 8192 buckets of relative width 1% keep the top ~35 decades exact.
	if got, want := s.Quantile(0.99), 1e294; math.Abs(got-want) > DefaultAccuracy*want {
		t.Fatalf("q0.9 = %v, want ~%v", got, want)
	}
	if len(s.pos.counts) > maxBuckets {
		t.Fatalf("%d buckets", len(s.pos.counts))
	}
}

func TestTimeWeighted(t *testing.T) {
	// Level 0 on [0,2), 3 on [2,5), 1 on [5,10): area 9 + 5 = 14.
	w := NewTimeWeighted(0, 0)
	w.Update(2, 3)
	w.Add(5, -2)
	if got := w.Mean(10); math.Abs(got-1.4) > 1e-12 {
		t.Fatalf("Mean(10) = %v, want 1.4", got)
	}
	if w.Max() != 3 || w.Min() != 0 || w.Level() != 1 || w.Area(10) != 14 {
		t.Fatalf("max %v min %v level %v", w.Max(), w.Min(), w.Level())
	}
	mustPanic(t, "before", func() { w.Update(4, 0) })
	var z TimeWeighted // zero value starts at the first update
	z.Update(10, 2)
	if z.Mean(12) != 2 {
		t.Fatal("zero value")
	}
}

func TestConfidenceInterval(t *testing.T) {
	// Known case: 1..5 has mean 3, s = √2.5; t(0.975, 4) = 2.7764451.
	m, hw := ConfidenceInterval([]float64{1, 2, 3, 4, 5}, 0.95)
	if m != 3 || math.Abs(hw-2.7764451*math.Sqrt(2.5)/math.Sqrt(5)) > 1e-6 {
		t.Fatalf("CI = %v ± %v", m, hw)
	}
	if _, hw := ConfidenceInterval([]float64{1}, 0.95); !math.IsNaN(hw) {
		t.Fatal("one sample: half-width not NaN")
	}
	// Coverage: 95% intervals from 10 normal samples cover the true mean
	// in 95% ± 1.5% of 4000 trials (binomial sd 0.34%).
	src := rand.New(rand.NewPCG(5, 6))
	covered := 0
	const trials = 4000
	for range trials {
		xs := make([]float64, 10)
		for i := range xs {
			xs[i] = 7 + 2*src.NormFloat64()
		}
		m, hw := ConfidenceInterval(xs, 0.95)
		if math.Abs(m-7) <= hw {
			covered++
		}
	}
	if f := float64(covered) / trials; math.Abs(f-0.95) > 0.015 {
		t.Fatalf("coverage %v, want 0.95", f)
	}
}

// mustPanic fails t unless f panics with a message containing want.
func mustPanic(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		r := recover()
		if r == nil {
			t.Fatalf("no panic, want %q", want)
		}
		if msg := fmt.Sprint(r); !strings.Contains(msg, want) {
			t.Fatalf("panic %q, want %q", msg, want)
		}
	}()
	f()
}

// TestCI95: the cached-quantile half-width is ConfidenceInterval's,
// bit for bit.
func TestCI95(t *testing.T) {
	var ci CI95
	rng := rand.New(rand.NewPCG(3, 4))
	for n := 0; n <= 40; n++ {
		for trial := 0; trial < 5; trial++ {
			xs := make([]float64, n)
			for i := range xs {
				xs[i] = 10 + rng.NormFloat64()*float64(trial)
			}
			_, want := ConfidenceInterval(xs, 0.95)
			if got := ci.HalfWidth(xs); math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
				t.Fatalf("n %d: %v, want %v", n, got, want)
			}
		}
	}
}

// TestFastIndexExact: fastIndex, when it answers, gives the bucket index
// ⌈math.Log(x)/lnGamma⌉ exactly: 4·10⁶ log-uniform values over every
// magnitude, values next to bucket boundaries (γ^k and its neighbouring
// floats, where it must defer to math.Log or agree), and several
// accuracies. It must also answer almost always (else it saves nothing).
func TestFastIndexExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, alpha := range []float64{DefaultAccuracy, 0.01, 0.001, 1e-5} {
		tl := NewTally(Accuracy(alpha))
		tl.initSketch()
		exact := func(x float64) int { return int(math.Ceil(math.Log(x) / tl.lnGamma)) }
		fast, n := 0, 0
		check := func(x float64) {
			n++
			if i, ok := tl.fastIndex(x); ok {
				fast++
				if want := exact(x); i != want {
					t.Fatalf("alpha %v: fastIndex(%v) = %d, want %d", alpha, x, i, want)
				}
			}
			if tl.index(x) != exact(x) {
				t.Fatalf("alpha %v: index(%v) = %d, want %d", alpha, x, tl.index(x), exact(x))
			}
		}
		for range 1_000_000 {
			check(math.Exp((rng.Float64()*2 - 1) * 700))
		}
		for range 1_000_000 {
			check(rng.Float64() * 10)
		}
		for k := -20000; k <= 20000; k += 7 {
			b := math.Pow(tl.gamma, float64(k))
			if b == 0 || math.IsInf(b, 0) {
				continue
			}
			x := b
			for range 4 {
				check(x)
				x = math.Nextafter(x, 0)
			}
			x = b
			for range 4 {
				x = math.Nextafter(x, math.Inf(1))
				check(x)
			}
		}
		for _, x := range []float64{math.SmallestNonzeroFloat64, 1e-310, 1e-300, 1, 2, 0.5, math.MaxFloat64, 1e300} {
			check(x)
		}
		if fast < n*9/10 {
			t.Errorf("alpha %v: fastIndex answered %d of %d", alpha, fast, n)
		}
	}
}

func BenchmarkTallyIndex(b *testing.B) {
	tl := NewTally()
	tl.initSketch()
	xs := make([]float64, 1024)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range xs {
		xs[i] = 0.2 + 0.1*rng.Float64()
	}
	b.Run("fast", func(b *testing.B) {
		s := 0
		for i := 0; b.Loop(); i++ {
			s += tl.index(xs[i&1023])
		}
		_ = s
	})
	b.Run("log", func(b *testing.B) {
		s := 0
		for i := 0; b.Loop(); i++ {
			s += int(math.Ceil(math.Log(xs[i&1023]) / tl.lnGamma))
		}
		_ = s
	})
}

// TestMinMaxOf: MinOf and MaxOf are math.Min and math.Max, signed zeros
// and infinities included, for operands that are not NaN.
func TestMinMaxOf(t *testing.T) {
	vals := []float64{math.Inf(-1), -1e300, -1, -math.SmallestNonzeroFloat64, math.Copysign(0, -1), 0, math.SmallestNonzeroFloat64, 0.5, 1, math.MaxFloat64, math.Inf(1)}
	for _, a := range vals {
		for _, b := range vals {
			if got, want := MinOf(a, b), math.Min(a, b); math.Float64bits(got) != math.Float64bits(want) {
				t.Errorf("MinOf(%v, %v) = %v, want %v", a, b, got, want)
			}
			if got, want := MaxOf(a, b), math.Max(a, b); math.Float64bits(got) != math.Float64bits(want) {
				t.Errorf("MaxOf(%v, %v) = %v, want %v", a, b, got, want)
			}
		}
	}
}
