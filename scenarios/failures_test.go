package scenarios

import (
	"math"
	"testing"

	"github.com/infersim/infersim/result"
)

// TestLatencyWithFailures builds a group by hand: two replications, one
// with two successes (1 s, 3 s) and a timeout at 10 s, the other with a
// success of 2 s and an OOM 0.5 s after arrival. The latency of
// successes ignores the failures; the latency with failures counts each
// failure until it failed; the means are means of replication means and
// the success rate is per replication.
func TestLatencyWithFailures(t *testing.T) {
	rec := func(rep int, arrival, end float64, o result.Outcome) *result.Record {
		r := result.NewRecord()
		r.Replication, r.Arrival, r.End, r.Outcome = rep, arrival, end, o
		return &r
	}
	g := &groupAcc{}
	g.reset(2)
	for _, r := range []*result.Record{
		rec(0, 0, 1, result.OK), rec(0, 1, 4, result.OK), rec(0, 4, 14, result.Timeout),
		rec(1, 0, 2, result.OK), rec(1, 2, 2.5, result.OOM),
	} {
		g.add(r)
	}
	pd := &pointData{reps: 2}
	s := g.summary(pd, Cell{}, result.Warm, &result.CI95{})
	near := func(name string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-12 {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	// Successes: replication means 2 and 2.
	near("latency mean", s.Latency.Mean, 2)
	// With failures: (1+3+10)/3 and (2+0.5)/2.
	near("latency with failures mean", s.LatencyAll.Mean, (14.0/3+1.25)/2)
	near("latency with failures max", s.LatencyAll.Max, 10)
	if s.LatencyAll.N != 5 || s.Latency.N != 3 {
		t.Errorf("N = %d with failures, %d without; want 5 and 3", s.LatencyAll.N, s.Latency.N)
	}
	near("success rate", s.Success.Mean, (2.0/3+0.5)/2)
	if len(s.Reps) != 2 || s.Reps[0].OK != 2 || s.Reps[1].Requests != 2 {
		t.Fatalf("Reps = %+v", s.Reps)
	}
	near("rep 1 latency with failures", s.Reps[1].LatencyAll, 1.25)
	near("rep 0 latency", s.Reps[0].Latency, 2)
}
