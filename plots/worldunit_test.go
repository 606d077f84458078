package plots_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/infersim/infersim/plots"
	"github.com/infersim/infersim/result"
)

// TestWorldMetricAxisUnit: a per-world metric of result's table keeps its
// unit on the sweep chart's y axis (a chat's time to first token in seconds,
// its energy in joules); a count and a dotted name the table does not know
// stay plain numbers.
func TestWorldMetricAxisUnit(t *testing.T) {
	for _, tc := range []struct {
		metric, want, not string
	}{
		{"llm.ttft", "per run (s)", ""},
		{"llm.energy_per_conversation", "per run (J)", ""},
		{"app.kills", "app kills per run", "per run ("},
		{"custom.metric", "custom.metric per run", "per run ("},
	} {
		t.Run(tc.metric, func(t *testing.T) {
			sums := sweepSummaries()
			for i := range sums {
				v := 0.5 + 0.1*float64(i%7)
				sums[i].Metrics = []result.Metric{{Name: tc.metric, Stat: result.Stat{N: 5, Mean: v, CI95: v / 10}}}
			}
			fig, err := plots.SweepLines(sums, plots.SweepOptions{Metric: plots.Metric(tc.metric), LogX: true})
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := fig.Render(&b, plots.SVG); err != nil {
				t.Fatal(err)
			}
			svg := b.String()
			if !strings.Contains(svg, tc.want) {
				t.Errorf("the chart of %s has no y label ending %q", tc.metric, tc.want)
			}
			if tc.not != "" && strings.Contains(svg, tc.not) {
				t.Errorf("the chart of %s has a unit on its y label (%q)", tc.metric, tc.not)
			}
		})
	}
}
