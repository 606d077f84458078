package result

import (
	"math"
	"testing"
)

// TestMetricsTable: names are unique, chart names do not collide, every
// row is worded for prose and charts, and per-world metrics say how
// phones combine (sim.events is the kernel's).
func TestMetricsTable(t *testing.T) {
	seen := map[string]bool{}
	for _, m := range Metrics() {
		names := []string{m.Name}
		if m.Chart != "" && m.Chart != m.Name {
			names = append(names, m.Chart)
		}
		for _, n := range names {
			if seen[n] {
				t.Errorf("%s: name %q repeated", m.Name, n)
			}
			seen[n] = true
		}
		if m.Phrase == "" || m.Label == "" {
			t.Errorf("%s: no phrase or label", m.Name)
		}
		if m.Scope == ScopeWorld && m.Agg == AggNone && m.Name != "sim.events" {
			t.Errorf("%s: per-world metric without an aggregation", m.Name)
		}
		if (m.Scope == ScopeGroup) != (m.Of != nil) {
			t.Errorf("%s: a group statistic reads Summary fields, the others Summary.Metrics", m.Name)
		}
		if mi, ok := LookupChartMetric(m.ChartName()); (m.Scope != ScopeGroup || m.Chart != "") && (!ok || mi.Name != m.Name) {
			t.Errorf("LookupChartMetric(%s) = %v, %v", m.ChartName(), mi.Name, ok)
		}
	}
}

func TestMetricValue(t *testing.T) {
	s := &Summary{Latency: Stat{Mean: 2, CI95: 0.1, P95: 3, P95CI95: 0.5, P99: 3.5, P99CI95: math.NaN(), Max: 4}, Metrics: []Metric{{Name: "gc.pauses", Stat: Stat{Mean: 7, CI95: 1}}}}
	for _, tc := range []struct {
		name  string
		v, ci float64
		ok    bool
	}{
		{"latency.mean", 2, 0.1, true}, {"latency.p95", 3, 0.5, true}, {"latency.p99", 3.5, math.NaN(), true}, {"latency.max", 4, math.NaN(), true},
		{"gc.pauses", 7, 1, true}, {"model.loads", math.NaN(), math.NaN(), false},
	} {
		m, _ := LookupMetric(tc.name)
		v, ci, ok := m.Value(s)
		same := func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }
		if !same(v, tc.v) || !same(ci, tc.ci) || ok != tc.ok {
			t.Errorf("%s: %v ± %v (%v), want %v ± %v (%v)", tc.name, v, ci, ok, tc.v, tc.ci, tc.ok)
		}
	}
}
