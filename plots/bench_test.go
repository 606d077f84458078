package plots_test

import (
	"io"
	"math"
	"testing"

	"github.com/infersim/infersim/plots"
	"github.com/infersim/infersim/result"
)

// BenchmarkCollectLatencies streams 200,000 records into four series of at
// most DefaultMaxSamples latencies each; memory stays at the sample size
// however many records there are.
func BenchmarkCollectLatencies(b *testing.B) {
	const n = 200000
	modes := []string{"on-device-cpu", "on-device-gpu", "cloud-cpu", "cloud-gpu"}
	recs := func(fn func(*result.Record) error) error {
		r := result.NewRecord()
		for i := 0; i < n; i++ {
			r.Model, r.Mode = "alexnet", modes[i%4]
			r.Arrival, r.End = float64(i), float64(i)+1+math.Sin(float64(i))
			if err := fn(&r); err != nil {
				return err
			}
		}
		return nil
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := plots.CollectLatencies(recs, 0, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderBreakdownPNG draws the example breakdown to PNG.
func BenchmarkRenderBreakdownPNG(b *testing.B) {
	sums := exampleSummaries()
	for b.Loop() {
		fig, err := plots.LatencyBreakdown(sums, plots.BreakdownOptions{Log: true})
		if err != nil {
			b.Fatal(err)
		}
		if err := fig.Render(io.Discard, plots.PNG); err != nil {
			b.Fatal(err)
		}
	}
}
