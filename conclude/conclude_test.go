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

func TestSigFig(t *testing.T) {
	if sigFig(0.000123456, 2) != "0.00012" || sigFig(1234, 2) != "1234" || sigFig(2.50, 3) != "2.5" {
		t.Errorf("sigFig: %s %s %s", sigFig(0.000123456, 2), sigFig(1234, 2), sigFig(2.50, 3))
	}
	if got := ratioRange(1.02, 1.8); got != "1.02–1.8×" {
		t.Errorf("ratioRange = %q", got)
	}
}

// TestKindsTable: every kind has a name, a description and an evaluation
// function, once; a conclusion of another kind is refused, not ignored.
func TestKindsTable(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range kinds {
		if k.Name == "" || k.Doc == "" || (k.eval == nil) != (k.Name == KindDefaults) || seen[k.Name] {
			t.Errorf("kind %+v: incomplete or repeated", k.KindInfo)
		}
		seen[k.Name] = true
		if info, ok := LookupKind(k.Name); !ok || info != k.KindInfo {
			t.Errorf("LookupKind(%s) = %+v, %v", k.Name, info, ok)
		}
	}
	if got := KindsWhere(func(k KindInfo) bool { return k.Sides }, "and"); got != "crossover and compare" {
		t.Errorf("sides: %q", got)
	}
	in := NewInput(Context{Replications: 1}, []result.Summary{sum(0, "alexnet", "cloud-gpu", result.Warm, 1, 1)})
	if _, err := in.Line(&Conclusion{Kind: "median", Metric: "latency.mean"}); err == nil || err.Error() != `unknown kind "median"` {
		t.Errorf("unknown kind: %v", err)
	}
	if line, err := in.Line(&Conclusion{Kind: KindBest, Metric: "latency.mean"}); err != nil || line != "lowest mean latency: cloud-gpu (1 s)" {
		t.Errorf("best: %q, %v", line, err)
	}
}

// TestMetricsFromTable: every metric of result's table is one a
// conclusion may name, worded by the table, and every per-world count
// has its rate per hour.
func TestMetricsFromTable(t *testing.T) {
	for _, mi := range result.Metrics() {
		md, msg := lookupMetric(mi.Name)
		if md == nil {
			t.Errorf("%s: %s", mi.Name, msg)
			continue
		}
		if md.phrase != mi.Phrase || md.unit != mi.Unit {
			t.Errorf("%s: phrase %q unit %v, the table says %q %v", mi.Name, md.phrase, md.unit, mi.Phrase, mi.Unit)
		}
		if _, ok := metricDefs[mi.Name+"/h"]; ok != mi.PerHour {
			t.Errorf("%s/h: defined %v, per hour %v", mi.Name, ok, mi.PerHour)
		}
	}
}
