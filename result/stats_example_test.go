package result_test

import (
	"fmt"

	"github.com/infersim/infersim/result"
)

// A Tally summarizes observations; Exact keeps them for exact quantiles.
func ExampleTally() {
	t := result.NewTally(result.Exact())
	for _, x := range []float64{3, 1, 4, 1, 5, 9, 2, 6} {
		t.Add(x)
	}
	fmt.Printf("n=%d mean=%.3f min=%g max=%g median=%g p90=%.1f\n",
		t.Count(), t.Mean(), t.Min(), t.Max(), t.Quantile(0.5), t.Quantile(0.9))
	// Output: n=8 mean=3.875 min=1 max=9 median=3.5 p90=6.9
}
