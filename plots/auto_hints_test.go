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
// and the chart hints of its scenario in Run.Charts.
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
	run.Charts = []result.ChartHint{
		{Kind: "sweep", Param: "network.uplink.bandwidth", Metric: "p99", Modes: []string{"on-device", "cloud"}},
		{Kind: "sweep", Param: "network.uplink.bandwidth", Metric: "model.loads", Modes: []string{"cloud"}},
		{Kind: "sweep", Param: "split", Metric: "mean", Params: []string{"network.uplink.bandwidth=2Mbps"}},
		{Kind: "energy", Modes: []string{"cloud-gpu"}, Params: []string{"network.uplink.bandwidth=2Mbps"}},
		{Kind: "sweep", Param: "network.uplink.bandwidth", Modes: []string{"auto"}},
	}
	return run
}

func TestDrawHints(t *testing.T) {
	run := hintRun()
	if hints := run.Charts; len(hints) != 5 || hints[2].Param != plots.SplitParam || plots.Metric(hints[0].Metric) != plots.P99 {
		t.Fatalf("hints %+v", hints)
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
	want := "breakdown-p0 energy-p0 breakdown-p6 energy-p6 energy-3 versus-p0 versus-p6 sweep-p99-bandwidth sweep-model.loads-bandwidth sweep-mean-split"
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
		Charts: []result.ChartHint{{Kind: string(plots.KindSweep), Param: "network.uplink.bandwidth", Metric: string(plots.P95)}}})
	if err != nil || len(charts) != 1 || charts[0].Name != "sweep-p95-bandwidth" {
		t.Errorf("explicit hint: %+v, %v", charts, err)
	}
}

// TestHintErrors: Draw refuses the hints a run carries when plots cannot
// draw them; a run without hints draws the automatic charts.
func TestHintErrors(t *testing.T) {
	for _, tc := range []struct {
		hint result.ChartHint
		want string
	}{
		{result.ChartHint{Kind: "pie"}, `outputs.charts[0]: kind "pie" is not sweep, energy, breakdown or versus`},
		{result.ChartHint{Kind: "sweep", Metric: "p98"}, `plots: outputs.charts[0]: unknown metric "p98"`},
	} {
		run := hintRun()
		run.Charts = []result.ChartHint{tc.hint}
		if _, err := plots.Draw(t.TempDir(), run, nil, plots.Options{Formats: []plots.Format{plots.SVG}}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v", tc.hint, err)
		}
	}
	run := hintRun()
	run.Charts = nil
	if _, err := plots.Draw(t.TempDir(), run, nil, plots.Options{Formats: []plots.Format{plots.SVG}, Kinds: []plots.Kind{plots.KindSweep}}); err != nil || errors.Is(err, plots.ErrEmpty) {
		t.Errorf("no hints: %v", err)
	}
}
