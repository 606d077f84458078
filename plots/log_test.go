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

// TestDrawLogAxis: Draw switches a chart's axis to log when its values
// span more than plots.LogRatio and says so in the caption and the axis
// label; below that the axis stays linear and nothing is said.
func TestDrawLogAxis(t *testing.T) {
	for _, tt := range []struct {
		name string
		sums []result.Summary
		log  bool
	}{
		// 89.5 s cold CNNdroid against 95 ms cloud: 940×.
		{"study", exampleSummaries(), true},
		// Warm SqueezeNet on the phone's CPU (950 ms) against the cloud
		// (95 ms): 10×.
		{"warm", keep(exampleSummaries(), func(s *result.Summary) bool {
			return s.Model == "squeezenet" && s.Start != result.Cold && s.OK() > 0
		}), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			charts, err := plots.Draw(dir, exampleRun(tt.sums), nil, plots.Options{Formats: []plots.Format{plots.SVG},
				Kinds: []plots.Kind{plots.KindBreakdown, plots.KindEnergy, plots.KindVersus}})
			if err != nil {
				t.Fatal(err)
			}
			if len(charts) != 3 {
				t.Fatalf("%d charts", len(charts))
			}
			for _, c := range charts {
				svg, err := os.ReadFile(filepath.Join(dir, c.SVG))
				if err != nil {
					t.Fatal(err)
				}
				said := strings.Contains(c.Caption, "Log scale")
				axis := strings.Contains(string(svg), "(log scale)")
				if said != tt.log || axis != tt.log {
					t.Errorf("%s: log %v, caption says %v, axis says %v: %q", c.Name, tt.log, said, axis, c.Caption)
				}
			}
		})
	}
}

// TestDrawVersusNeedsBothSides: the shared-axis chart compares on-device
// with cloud; a run with only one side has none, and asking for it is an
// ErrEmpty.
func TestDrawVersusNeedsBothSides(t *testing.T) {
	phone := keep(exampleSummaries(), func(s *result.Summary) bool { return strings.HasPrefix(s.Mode, "on-device") })
	charts, err := plots.Draw(t.TempDir(), exampleRun(phone), nil, plots.Options{Formats: []plots.Format{plots.SVG}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range charts {
		if c.Kind == plots.KindVersus {
			t.Errorf("a phone-only run drew %s", c.Name)
		}
	}
	_, err = plots.Draw(t.TempDir(), exampleRun(phone), nil, plots.Options{Kinds: []plots.Kind{plots.KindVersus}})
	if !errors.Is(err, plots.ErrEmpty) {
		t.Errorf("versus asked of a phone-only run: %v", err)
	}
	charts, err = plots.Draw(t.TempDir(), exampleRun(versusSummaries()), nil, plots.Options{Formats: []plots.Format{plots.SVG}, Kinds: []plots.Kind{plots.KindVersus}})
	if err != nil || len(charts) != 1 {
		t.Fatalf("versus: %v, %d charts", err, len(charts))
	}
	c := charts[0].Caption
	for _, w := range []string{"Fastest warm: cloud-gpu in 4 of 4", "Slowest cold start: alexnet on-device-gpu, 89.5 s", "Log scale"} {
		if !strings.Contains(c, w) {
			t.Errorf("caption lacks %q: %q", w, c)
		}
	}
}

// TestColumnWidthReadable: at column width every chart keeps its text at
// its point size and fits: the figure is exactly ColumnWidth wide, and a
// narrower layout only grows the figure's height.
func TestColumnWidthReadable(t *testing.T) {
	for _, c := range columnCharts {
		full, err := c.build()
		if err != nil {
			t.Fatal(err)
		}
		col, _ := c.build()
		col.SetWidth(plots.ColumnWidth)
		if col.Width != plots.ColumnWidth || full.Width != plots.FigureWidth {
			t.Errorf("%s: widths %v, %v", c.name, full.Width, col.Width)
		}
		if col.Height < full.Height {
			t.Errorf("%s: %v tall at column width, %v at full width", c.name, col.Height, full.Height)
		}
		col.SetWidth(plots.FigureWidth)
		if col.Height != full.Height {
			t.Errorf("%s: back at full width %v tall, want %v", c.name, col.Height, full.Height)
		}
	}
}

// keep returns the summaries f keeps.
func keep(sums []result.Summary, f func(*result.Summary) bool) []result.Summary {
	var out []result.Summary
	for i := range sums {
		if f(&sums[i]) {
			out = append(out, sums[i])
		}
	}
	return out
}
