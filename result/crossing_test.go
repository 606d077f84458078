package result

import (
	"math"
	"testing"
)

// TestCrossingsByHand checks Crossings on cases computed by hand.
func TestCrossingsByHand(t *testing.T) {
	// a − b = −2 at x = 1 and +0.5 at x = 10: on a log axis the crossing is
	// 2/2.5 = 0.8 of the way from 10⁰ to 10¹; on a linear axis at
	// 1 + 0.8 × 9 = 8.2.
	x := []float64{1, 10, 100}
	a := []float64{1, 2, 3}
	b := []float64{3, 1.5, 0.5}
	got := Crossings(x, a, b, true)
	if len(got) != 1 || math.Abs(got[0].X-math.Pow(10, 0.8)) > 1e-12 || !got[0].Below {
		t.Errorf("log: got %+v, want one crossing at 10^0.8 = 6.3096 with a below", got)
	}
	got = Crossings(x, a, b, false)
	if len(got) != 1 || math.Abs(got[0].X-8.2) > 1e-12 {
		t.Errorf("linear: got %+v, want 8.2", got)
	}
	// b below a first, then crossing back: two crossings, the first with a above.
	got = Crossings([]float64{1, 2, 3, 4}, []float64{2, 0, 0, 2}, []float64{1, 1, 1, 1}, false)
	if len(got) != 2 || got[0].Below || !got[1].Below || got[0].X != 1.5 || got[1].X != 3.5 {
		t.Errorf("two crossings: got %+v", got)
	}
	// Equal at a sample between opposite signs: the crossing is that sample.
	got = Crossings([]float64{1, 2, 4}, []float64{0, 1, 3}, []float64{1, 1, 1}, true)
	if len(got) != 1 || got[0].X != 2 {
		t.Errorf("exact: got %+v", got)
	}
	got = Crossings([]float64{1, 2, 3}, []float64{1, 2, 3}, []float64{2, 2, 2}, false)
	if len(got) != 1 || got[0].X != 2 || !got[0].Below {
		t.Errorf("through an equal sample: got %+v", got)
	}
	// Touching without changing sign, equal everywhere, or never meeting: none.
	if got := Crossings([]float64{1, 2, 3}, []float64{0, 1, 0}, []float64{1, 1, 1}, false); len(got) != 0 {
		t.Errorf("touch: got %+v", got)
	}
	if got := Crossings([]float64{1, 2}, []float64{1, 1}, []float64{1, 1}, false); len(got) != 0 {
		t.Errorf("equal: got %+v", got)
	}
	if got := Crossings([]float64{1, 2}, []float64{5, 6}, []float64{1, 1}, false); len(got) != 0 {
		t.Errorf("apart: got %+v", got)
	}
}

func TestCrossingsPanicsOnLengths(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic for slices of different lengths")
		}
	}()
	Crossings([]float64{1, 2}, []float64{1}, []float64{1, 2}, false)
}
