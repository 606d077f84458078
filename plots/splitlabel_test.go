package plots_test

import (
	"bytes"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/infersim/infersim/plots"
	"github.com/infersim/infersim/result"
)

// splitSums is one point of alexnet (8 layers here) split at 0, 3 and 8
// (all on the phone), on the phone and in the cloud, warm; with other, a
// second model of 10 layers also cut at 8 (not all on the phone for it).
func splitSums(other bool) []result.Summary {
	var sums []result.Summary
	add := func(model string, layers int, mode string, lat float64) {
		s := group(0, model, mode, result.Warm, ph{result.Compute: lat}, [result.NumComponents]float64{result.CPU: lat}, 1)
		if strings.HasPrefix(mode, "split:") {
			s.SplitLayers = layers
		}
		sums = append(sums, s)
	}
	for _, m := range []struct {
		model  string
		layers int
	}{{"alexnet", 8}, {"nin", 10}} {
		if m.model == "nin" && !other {
			continue
		}
		add(m.model, m.layers, "on-device-cpu", 2)
		add(m.model, m.layers, "cloud-gpu", 0.3)
		add(m.model, m.layers, "split:0", 0.35)
		add(m.model, m.layers, "split:3", 0.9)
		add(m.model, m.layers, "split:8", 1.9)
	}
	return sums
}

// TestSplitModeLabels: charts name the ends of split:K as the run's table
// does, "split:8 (all on the phone)" and "split:0 (all in the cloud)",
// and a legend keeps plain "split:8" when the models it cuts disagree.
func TestSplitModeLabels(t *testing.T) {
	const phone, cloud = "split:8 (all on the phone)", "split:0 (all in the cloud)"
	// cdf draws the CDF through Draw, which takes each series' layer
	// count from the run's summaries.
	cdf := func(other bool) func() (string, error) {
		return func() (string, error) {
			sums := splitSums(other)
			var recs []result.Record
			for _, s := range sums {
				for i := range 5 {
					r := result.NewRecord()
					r.Point, r.Model, r.Mode, r.Image, r.Request, r.Outcome = s.Point, s.Model, s.Mode, s.Image, i, result.OK
					r.Arrival, r.End = float64(i), float64(i)+s.Latency.Mean*(1+0.1*float64(i))
					recs = append(recs, r)
				}
			}
			dir := t.TempDir()
			charts, err := plots.Draw(dir, &result.Run{Scenario: "t", Complete: true, Summaries: sums}, plots.RecordSlice(recs),
				plots.Options{Kinds: []plots.Kind{plots.KindCDF}, Formats: []plots.Format{plots.SVG}})
			if err != nil {
				return "", err
			}
			if len(charts) != 1 {
				return "", fmt.Errorf("%d charts, want 1", len(charts))
			}
			b, err := os.ReadFile(filepath.Join(dir, charts[0].SVG))
			return string(b), err
		}
	}
	svgOf := func(fig func() (*plots.Figure, error)) func() (string, error) {
		return func() (string, error) {
			f, err := fig()
			if err != nil {
				return "", err
			}
			var b bytes.Buffer
			err = f.Render(&b, plots.SVG)
			return b.String(), err
		}
	}
	for _, tc := range []struct {
		name      string
		svg       func() (string, error)
		want, not []string
	}{
		{"breakdown rows", svgOf(func() (*plots.Figure, error) {
			return plots.LatencyBreakdown(splitSums(false), plots.BreakdownOptions{})
		}), []string{phone, cloud, "split:3"}, []string{"split:3 ("}},
		{"versus legend", svgOf(func() (*plots.Figure, error) { return plots.Versus(splitSums(false), plots.VersusOptions{}) }),
			[]string{phone, cloud}, nil},
		{"versus legend, models disagree", svgOf(func() (*plots.Figure, error) { return plots.Versus(splitSums(true), plots.VersusOptions{}) }),
			[]string{cloud, "split:8"}, []string{phone}},
		{"sweep legend", svgOf(func() (*plots.Figure, error) {
			sums := sweepSummaries()
			for i := range sums {
				switch sums[i].Mode {
				case "on-device-gpu":
					sums[i].Mode, sums[i].SplitLayers = "split:8", 8
				case "cloud-gpu":
					sums[i].Mode, sums[i].SplitLayers = "split:0", 8
				}
			}
			return plots.SweepLines(sums, plots.SweepOptions{})
		}), []string{phone, cloud, "on-device-cpu"}, nil},
		{"cdf legend", cdf(false), []string{phone + " (n = 5)", cloud + " (n = 5)"}, nil},
		{"cdf legend, models disagree", cdf(true), []string{"split:8 (n = 10)", cloud + " (n = 10)"}, []string{phone}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw, err := tc.svg()
			if err != nil {
				t.Fatal(err)
			}
			svg := html.UnescapeString(raw)
			for _, w := range tc.want {
				if !strings.Contains(svg, w) {
					t.Errorf("SVG lacks %q", w)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(svg, w) {
					t.Errorf("SVG has %q", w)
				}
			}
		})
	}
}

// TestReportSplitLabels: index.html's results table names the ends of
// split:K as the run's table does.
func TestReportSplitLabels(t *testing.T) {
	run := &result.Run{Scenario: "t", Complete: true, Summaries: splitSums(false)}
	dir := t.TempDir()
	if err := plots.WriteReport(dir, run, nil); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, plots.ReportFile))
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, w := range []string{"<td>split:8 (all on the phone)</td>", "<td>split:0 (all in the cloud)</td>", "<td>split:3</td>", "<td>on-device-cpu</td>"} {
		if !strings.Contains(page, w) {
			t.Errorf("index.html lacks %q", w)
		}
	}
}

// TestParseMetricSuggests: an unknown --metric suggests the closest known
// one, else lists what is allowed; known names and dotted names pass.
func TestParseMetricSuggests(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"p98", `plots: unknown metric "p98" (did you mean "p95"?)`},
		{"energi", `plots: unknown metric "energi" (did you mean "energy"?)`},
		{"gcpauses", `plots: unknown metric "gcpauses" (did you mean "gc.pauses"?)`},
		{"oomm", `plots: unknown metric "oomm" (did you mean "oom"?)`},
		{"bogus", `plots: unknown metric "bogus" (want p50, p95, p99, mean, energy or a per-world metric such as app.kills)`},
		{"P95", ""},
		{"", ""},
		{"app.kills", ""},
		{"custom.metric", ""},
	} {
		_, err := plots.ParseMetric(tc.in)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("ParseMetric(%q): %q, want %q", tc.in, got, tc.want)
		}
	}
}
