package result

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

// TestReadRunJSONRefusesAbsurd is issue 18 finding 12 for summary.json:
// a negative point, a latency of ±1e308 and the like were plotted with
// exit 0. ReadRunJSON now refuses them, naming the field and the range.
func TestReadRunJSONRefusesAbsurd(t *testing.T) {
	good := func() *Run {
		st := Stat{N: 3, Mean: 1.5, SD: 0.1, CI95: 0.2, Min: 1, P50: 1.5, P95: 2, P99: 2, Max: 2}
		s := Summary{Key: Key{Point: 0, Model: "alexnet", Mode: "cloud-gpu", Start: All}, Requests: 3, Latency: st, EnergyTotal: st, Throughput: 2}
		s.Outcomes[OK] = 3
		s.Phases[Compute] = Stat{N: 3, Mean: 1, SD: math.NaN(), CI95: math.NaN(), Min: 1, P50: 1, P95: 1, P99: 1, Max: 1}
		return &Run{Scenario: "x", Replications: 1, Points: []PointInfo{{Index: 0}}, Summaries: []Summary{s}}
	}
	for _, tc := range []struct {
		name  string
		spoil func(*Run)
		want  string
	}{
		{"good", func(*Run) {}, ""},
		{"negative point", func(r *Run) { r.Summaries[0].Point = -5 }, "summaries[0] (alexnet cloud-gpu).point: -5 is out of range [0, 0]"},
		{"point not in the run", func(r *Run) { r.Summaries[0].Point = 3 }, "point: 3 is out of range [0, 0]"},
		{"huge latency", func(r *Run) { r.Summaries[0].Latency.Mean = 1e308 }, "latency.mean: 1e+308 is out of range [0, 1e+09]"},
		{"negative latency", func(r *Run) { r.Summaries[0].Latency.Max = -1e308 }, "latency.max: -1e+308 is out of range [0, 1e+09]"},
		{"negative phase", func(r *Run) { r.Summaries[0].Phases[Compute].P50 = -1 }, "phases.compute.p50: -1 is out of range"},
		{"negative replications", func(r *Run) { r.Replications = -1 }, "replications: -1 is out of range [0, 1000000]"},
		{"negative outcome", func(r *Run) { r.Summaries[0].Outcomes[OK] = -3 }, "outcomes[0]: -3 is out of range"},
		{"huge energy", func(r *Run) { r.Summaries[0].EnergyTotal.Mean = 1e20 }, "energy_total.mean: 1e+20 is out of range [0, 1e+09]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run := good()
			tc.spoil(run)
			var buf bytes.Buffer
			if err := WriteRunJSON(&buf, run); err != nil {
				t.Fatal(err)
			}
			_, err := ReadRunJSON(&buf, "summary.json")
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("good run refused: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "result: summary.json: ")):
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
	// NaN cannot be written in JSON; a "NaN" string is a decoding error.
	if _, err := ReadRunJSON(strings.NewReader(`{"summaries":[{"latency":{"mean":"NaN"}}]}`), "s.json"); err == nil {
		t.Error(`"NaN" accepted`)
	}
}
