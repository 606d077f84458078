package plots_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/infersim/infersim/plots"
	"github.com/infersim/infersim/result"
)

// hintRun is the sweep example with a per-world metric and split modes,
// and the chart hints of its scenario in ScenarioYAML.
func hintRun() *result.Run {
	sums := sweepSummaries()
	for i := range sums {
		sums[i].Metrics = []result.Metric{{Name: "model.loads", Stat: result.Stat{N: 5, Mean: float64(sums[i].Point), CI95: 0.5}}}
	}
	// Two split cuts at each point, with made-up latencies.
	for p := 0; p < 7; p++ {
		for _, k := range []int{0, 5, 9} {
			s := sums[p*4]
			s.Mode = "split:" + string(rune('0'+k))
			s.Latency.Mean = 1 + float64(k)/10 + float64(p)/10
			sums = append(sums, s)
		}
	}
	run := exampleRun(sums)
	run.ScenarioYAML = `name: uplink-sweep
outputs:
  plots: true
  charts:
    - {kind: sweep, param: network.uplink.bandwidth, metric: p99, modes: [on-device, cloud]}
    - {kind: sweep, param: network.uplink.bandwidth, metric: model.loads, modes: [cloud]}
    - {kind: sweep, param: split, metric: mean, params: [network.uplink.bandwidth=2Mbps]}
    - {kind: energy, modes: [cloud-gpu], params: [network.uplink.bandwidth=2Mbps]}
    - {kind: sweep, param: network.uplink.bandwidth, modes: [auto]}
`
	return run
}

func TestDrawHints(t *testing.T) {
	run := hintRun()
	hints, err := plots.HintsFromScenario(run.ScenarioYAML)
	if err != nil || len(hints) != 5 || hints[2].Param != plots.SplitParam || hints[0].Metric != plots.P99 {
		t.Fatalf("hints %+v, %v", hints, err)
	}
	dir := t.TempDir()
	charts, err := plots.Draw(dir, run, nil, plots.Options{Formats: []plots.Format{plots.SVG}})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range charts {
		names = append(names, c.Name)
	}
	// The hinted sweeps replace the automatic one; the energy hint adds a
	// chart; the auto-mode hint selects nothing and is left out.
	want := "breakdown-p0 energy-p0 breakdown-p6 energy-p6 energy-3 sweep-p99-bandwidth sweep-model.loads-bandwidth sweep-mean-split"
	if got := strings.Join(names, " "); got != strings.ReplaceAll(want, "model.loads", "model_loads") {
		t.Errorf("charts:\n got %s\nwant %s", got, want)
	}
	svg := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, "plots", name+".svg"))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for name, want := range map[string][]string{
		"sweep-p99-bandwidth":         {"99th percentile end-to-end latency", "on-device, cloud", "on-device wins below"},
		"sweep-model_loads-bandwidth": {"model loads per run", "cloud-gpu"},
		"sweep-mean-split":            {"layers on the phone, K", "bandwidth 2Mbps"},
		"energy-3":                    {"bandwidth 2Mbps", "cloud-gpu"},
	} {
		s := svg(name)
		for _, w := range want {
			if !strings.Contains(s, w) {
				t.Errorf("%s.svg lacks %q", name, w)
			}
		}
	}
	// Explicit hints win over the scenario's; a kind not asked for is not
	// drawn.
	charts, err = plots.Draw(t.TempDir(), run, nil, plots.Options{Formats: []plots.Format{plots.SVG}, Kinds: []plots.Kind{plots.KindSweep},
		Charts: []plots.ChartHint{{Kind: plots.KindSweep, Param: "network.uplink.bandwidth", Metric: plots.P95}}})
	if err != nil || len(charts) != 1 || charts[0].Name != "sweep-p95-bandwidth" {
		t.Errorf("explicit hint: %+v, %v", charts, err)
	}
}

func TestHintsFromScenarioErrors(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"outputs: {charts: [{kind: pie}]}", `outputs.charts[0]: kind "pie" is not sweep, energy or breakdown`},
		{"outputs: {charts: [{kind: sweep, metric: p98}]}", `plots: outputs.charts[0]: unknown metric "p98"`},
		{"outputs: [", "reading the scenario's chart hints"},
	} {
		if _, err := plots.HintsFromScenario(tc.text); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v", tc.text, err)
		}
	}
	if h, err := plots.HintsFromScenario(""); h != nil || err != nil {
		t.Errorf("empty: %v %v", h, err)
	}
	if _, err := plots.HintsFromScenario("name: x\n"); err != nil || errors.Is(err, plots.ErrEmpty) {
		t.Errorf("no hints: %v", err)
	}
}
