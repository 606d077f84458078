package conclude

import (
	"math"
	"strings"
	"testing"

	"github.com/infersim/infersim/result"
)

// repSum makes a warm group at a point with per-replication energies
// (10 requests each, all successful) and a per-world metric gc.pauses.
func repSum(point int, preset string, energy, pauses []float64) result.Summary {
	s := sum(point, "alexnet", "cloud-gpu", result.Warm, 0.2, 0, result.Param{Name: "network.preset", Value: preset, Number: math.NaN()})
	s.Requests, s.Outcomes[result.OK] = 10*len(energy), 10*len(energy)
	nan := math.NaN()
	for _, e := range energy {
		s.Reps = append(s.Reps, result.RepMeans{Requests: 10, OK: 10, Latency: 0.2, LatencyAll: 0.2, Energy: e,
			LatencyP50: nan, LatencyP95: nan, LatencyP99: nan, LatencyAllP95: nan, LatencyAllP99: nan, Throughput: 10.0 / 3600})
	}
	s.EnergyTotal.Mean = mean(energy)
	s.Metrics = []result.Metric{{Name: "gc.pauses", Stat: result.Stat{Mean: mean(pauses), CI95: tHalf(pauses)}, Reps: pauses}}
	return s
}

// TestCellMetricReplications: a per-hour cell metric is computed in each
// replication (energy per hour = that replication's requests per hour ×
// its energy per request), printed as the mean of those, and compared
// across two points by the paired ratio when the seeds are common (by
// the unpaired combination of the two intervals when they are not).
func TestCellMetricReplications(t *testing.T) {
	// Replication r of both points shares a common factor (1, 2, 3): lte
	// costs 5× wifi's in every replication, so the paired ratio is 5
	// exactly with a zero-width interval, while each side alone varies
	// threefold.
	lte := repSum(0, "lte", []float64{5, 10, 15}, []float64{2, 4, 6})
	wifi := repSum(1, "campus-wifi", []float64{1, 2, 3}, []float64{1, 2, 3})
	for _, common := range []bool{true, false} {
		in := NewInput(Context{Replications: 3, Phones: 1, Duration: 3600, CommonSeeds: common}, []result.Summary{lte, wifi})
		md, _ := lookupMetric("energy.per_hour")
		e := &evaluator{ev: in.ev, md: md, cn: &Conclusion{}, lower: true}
		ca, cb := in.cells[0], in.cells[1]
		reps := e.repsOf(md, ca, "")
		if len(reps) != 3 || reps[0] != 50 || reps[2] != 150 {
			t.Fatalf("energy per hour by replication %v, want [50 100 150] (10 requests/h × J)", reps)
		}
		if v := e.value(md, ca, ""); v != 100 {
			t.Errorf("energy per hour %v, want the replications' mean 100", v)
		}
		iv := e.ratio(ca, cb, "", "")
		if common {
			if !iv.paired || math.Abs(iv.est-5) > 1e-12 || iv.hi-iv.lo > 1e-9 {
				t.Errorf("common seeds: ratio %+v, want paired 5 with no width", iv)
			}
		} else if iv.paired || !iv.has() || !(iv.hi-iv.lo > 1) {
			t.Errorf("independent seeds: ratio %+v, want the unpaired (wide) interval", iv)
		}
		// A per-world count pairs the same way.
		e.md, _ = lookupMetric("gc.pauses")
		if iv := e.diff(ca, cb, "", ""); common && (!iv.paired || iv.est != 2 || !iv.has()) {
			t.Errorf("gc.pauses difference %+v, want paired 2", iv)
		}
		// The sentence and its table: an interval, never "no CI".
		c, err := in.Conclusion(&Conclusion{Kind: "compare", Metric: "energy.per_hour",
			A: Selector{Params: []string{"network.preset=lte"}}, B: Selector{Params: []string{"network.preset=campus-wifi"}}}, MaxSentence)
		text := c.Sentence + " " + strings.Join(c.Columns, " ")
		for _, r := range c.Rows {
			text += " " + strings.Join(r, " ")
		}
		if err != nil || strings.Contains(text, "no CI") || !strings.Contains(text, "95 % CI") {
			t.Errorf("compare energy.per_hour: %q, %v", text, err)
		}
	}
}
