package scenarios

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/infersim/infersim/result"
)

// sortedFill is the reference: percentiles from a full sort.
func sortedFill(vals []float64) (min, max, p50, p95, p99 float64) {
	s := slices.Clone(vals)
	slices.Sort(s)
	n := len(s)
	q := func(p float64) float64 {
		h := p * float64(n-1)
		lo := math.Floor(h)
		i := int(lo)
		if i+1 >= n {
			return s[n-1]
		}
		return s[i] + (h-lo)*(s[i+1]-s[i])
	}
	return s[0], s[n-1], q(0.5), q(0.95), q(0.99)
}

// TestFillSelection: percentiles by selection are bit for bit those of a
// full sort, for sizes around the selection's cut-off, duplicates, a
// single value, and the exact limit.
func TestFillSelection(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 3, 5, 12, 13, 14, 20, 50, 99, 100, 101, 333, ExactQuantiles} {
		for trial := 0; trial < 20; trial++ {
			vals := make([]float64, n)
			for i := range vals {
				switch trial % 4 {
				case 0:
					vals[i] = rng.ExpFloat64()
				case 1:
					vals[i] = float64(rng.IntN(4)) // many duplicates
				case 2:
					vals[i] = 0.25 // all equal
				default:
					vals[i] = rng.NormFloat64()
				}
			}
			var tl tally
			for _, v := range vals {
				tl.Add(v)
			}
			var st result.Stat
			tl.fill(&st)
			mn, mx, p50, p95, p99 := sortedFill(vals)
			got := []float64{st.Min, st.Max, st.P50, st.P95, st.P99}
			want := []float64{mn, mx, p50, p95, p99}
			for i := range got {
				if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
					t.Fatalf("n %d trial %d: min, max, p50, p95, p99 = %v, want %v", n, trial, got, want)
				}
			}
		}
	}
}

// BenchmarkFill summarises a group of ExactQuantiles values (a point of
// 10 replications × 100 requests), by selection, against a full sort.
func BenchmarkFill(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	vals := make([]float64, ExactQuantiles)
	for i := range vals {
		vals[i] = rng.ExpFloat64()
	}
	b.Run("select", func(b *testing.B) {
		var tl tally
		for range b.N {
			tl.vals = append(tl.vals[:0], vals...)
			var st result.Stat
			tl.fill(&st)
		}
	})
	b.Run("sort", func(b *testing.B) {
		s := make([]float64, len(vals))
		for range b.N {
			copy(s, vals)
			slices.Sort(s)
		}
	})
}
