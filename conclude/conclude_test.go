package conclude

import (
	"math"
	"testing"

	"github.com/infersim/infersim/result"
)

// sum makes a summary with a mean latency, an energy and params.
func sum(point int, model, mode string, start result.Start, lat, energy float64, params ...result.Param) result.Summary {
	nan := math.NaN()
	st := func(m float64) result.Stat {
		return result.Stat{N: 4, Mean: m, SD: nan, CI95: nan, Min: m, P50: m, P95: 1.5 * m, P99: 2 * m, Max: 2 * m}
	}
	s := result.Summary{Key: result.Key{Point: point, Model: model, Mode: mode, Image: "960x540", Start: start},
		Params: params, Requests: 4, Latency: st(lat), EnergyTotal: st(energy), Throughput: 0.5, BatteryPer1000: 10 * energy}
	s.Outcomes[result.OK] = 4
	s.Energy[result.Radio] = st(energy / 4)
	for p := range s.Phases {
		s.Phases[p] = result.Stat{Mean: nan, SD: nan, CI95: nan, Min: nan, P50: nan, P95: nan, P99: nan, Max: nan}
	}
	return s
}

func TestConcludeMetrics(t *testing.T) {
	// Two replications of 1 h on one phone.
	in := NewInput(Context{Replications: 2, Phones: 1, Duration: 3600},
		[]result.Summary{sum(0, "alexnet", "on-device-cpu", result.Cold, 8, 20), sum(0, "alexnet", "on-device-cpu", result.Warm, 2, 10)})
	ev, c := in.ev, in.cells[0]
	for _, g := range c.groups {
		g.Metrics = []result.Metric{{Name: "app.kills", Stat: result.Stat{Mean: 3}}, {Name: "app.switches", Stat: result.Stat{Mean: 11}},
			{Name: "model.loads", Stat: result.Stat{Mean: 4}}}
	}
	val := func(name, start string) float64 {
		md, msg := lookupMetric(name)
		if md == nil {
			t.Fatal(msg)
		}
		return md.get(ev, c, c.pick(start))
	}
	for _, tc := range []struct {
		name, start string
		want        float64
	}{
		{"latency.mean", "", 2}, {"latency.mean", "cold", 8}, {"latency.mean", "all", 5}, {"latency.p99", "", 4},
		{"energy", "all", 15}, {"app.kills", "", 3}, {"app.kill_rate", "", 0.5}, // 11 switches: 6 trips
		{"model.loads/h", "", 4}, {"model.reloads/h", "", 3}, {"ok", "", 1},
		{"requests.per_hour", "", 4}, // 8 requests over 2 replications of 1 h
		{"energy.per_hour", "", 60},  // 4 requests of 15 J on average
		{"reload.time/h", "", 12},    // 4 successful cold requests, 6 s more than warm, over 2 h
	} {
		if got := val(tc.name, tc.start); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("%s (%s) = %v, want %v", tc.name, tc.start, got, tc.want)
		}
	}
	if !math.IsNaN(val("latency.p99", "all")) {
		t.Error("merged percentiles should be undefined")
	}
	if _, msg := lookupMetric("latency.p98"); msg != `unknown metric "latency.p98"` {
		t.Errorf("unknown metric: %s", msg)
	}
}

func TestJoinClauses(t *testing.T) {
	got := joinClauses([]clause{{"a wins", "", "x"}, {"a wins", "", "y"}, {"a wins", "", "z"}, {"b beats c", "below 1", "x"}, {"b beats c", "below 2", "y"}, {"", "grows", ""}})
	want := "a wins for x, y and z; b beats c below 1 for x, below 2 for y; grows"
	if got != want {
		t.Errorf("\n got %s\nwant %s", got, want)
	}
	if sigFig(0.000123456, 2) != "0.00012" || sigFig(1234, 2) != "1234" || sigFig(2.50, 3) != "2.5" {
		t.Errorf("sigFig: %s %s %s", sigFig(0.000123456, 2), sigFig(1234, 2), sigFig(2.50, 3))
	}
}

