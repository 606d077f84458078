package plots

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/infersim/infersim/result"
)

// allocated returns the bytes f allocates (runtime.MemStats.TotalAlloc).
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// manyGroups returns n summaries of one point, one model and n modes.
func manyGroups(n int) []result.Summary {
	sums := make([]result.Summary, n)
	for i := range sums {
		v := 0.01 * float64(i+1)
		st := result.Stat{N: 10, Mean: v, CI95: v / 100, SD: v / 50, Min: v, P50: v, P95: v, P99: v, Max: v}
		s := result.Summary{Key: result.Key{Model: "alexnet", Mode: fmt.Sprintf("mode-%d", i), Image: "3840x2160", Start: result.All}, Requests: 10}
		s.Outcomes[result.OK] = 10
		s.Phases[result.Compute] = st
		s.Latency = st
		s.Energy[result.CPU] = st
		s.EnergyTotal = st
		s.BatteryPer1000 = v
		s.Throughput = 1 / v
		sums[i] = s
	}
	return sums
}

// TestChartRowCap is issue 18 finding 9: a chart's size grew with its rows
// (a 4,000-cell run drew a 1050 × 158,899 px breakdown; 200,000 validation
// rows asked for a 47 GB canvas). Each row chart now keeps MaxChartRows
// rows, says so in its title, and renders within a memory bound.
func TestChartRowCap(t *testing.T) {
	layers := make([]result.LayerTiming, 5000)
	for i := range layers {
		s := float64(i%97+1) / 1e4
		layers[i] = result.LayerTiming{Model: "big", Layer: fmt.Sprintf("l%d", i), Kind: "Convolution", Median: s, P10: s, P90: s, GFLOPs: 1}
	}
	val := make([]result.ValidationRow, 200_000)
	for i := range val {
		val[i] = result.ValidationRow{ID: fmt.Sprintf("v%d", i), Reference: 1, Simulated: 1 + float64(i%50)/100,
			Error: float64(i%50) / 100, Tolerance: 0.3, Pass: i%50 <= 30, CI95: 0, Low: 0.9, High: 1.1, Unit: "s", Fitted: i%2 == 0}
	}
	for _, tc := range []struct {
		name, note string
		fig        func() (*Figure, error)
	}{
		{"breakdown", "the 80 slowest of 4,000 rows (all in summary.csv)", func() (*Figure, error) {
			return LatencyBreakdown(manyGroups(4000), BreakdownOptions{})
		}},
		{"energy", "the 80 costliest of 4,000 rows (all in summary.csv)", func() (*Figure, error) {
			return EnergyBreakdown(manyGroups(4000), EnergyOptions{})
		}},
		{"layers", "the 80 slowest of 5,000 rows (all in layers.csv)", func() (*Figure, error) {
			return LayerTimes(layers, LayerOptions{Log: true})
		}},
		{"validation", "the 80 farthest from their reference (failing first) of 200,000 rows (all in validation.csv)", func() (*Figure, error) {
			return Validation(val, ValidationOptions{})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var fig *Figure
			var err error
			n := allocated(func() {
				if fig, err = tc.fig(); err == nil {
					err = fig.Render(io.Discard, PNG)
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(fig.Title, tc.note) {
				t.Errorf("title %q does not say %q", fig.Title, tc.note)
			}
			if fig.Height > MaxFigureHeight {
				t.Errorf("height %v over %v", fig.Height, MaxFigureHeight)
			}
			if n > 400<<20 {
				t.Errorf("building and rendering allocated %d MB, bound 400 MB", n>>20)
			}
		})
	}
}

// TestCapRowsKeepsOrder checks that the kept rows are the first by rank,
// in their input order, and that a short input is kept whole.
func TestCapRowsKeepsOrder(t *testing.T) {
	n := MaxChartRows + 10
	keep, note := capRows(n, func(a, b int) int { return b - a }, "last", "x.csv")
	if len(keep) != MaxChartRows || keep[0] != 10 || keep[len(keep)-1] != n-1 || note == "" {
		t.Errorf("keep %v note %q", keep, note)
	}
	if keep, note := capRows(3, func(a, b int) int { return a - b }, "x", "x.csv"); len(keep) != 3 || note != "" {
		t.Errorf("short: keep %v note %q", keep, note)
	}
}

// TestLegendCap checks that a legend shows at most MaxLegendEntries
// entries, the last counting the rest.
func TestLegendCap(t *testing.T) {
	l := newLegend()
	for i := range 1000 {
		l.add(fmt.Sprint(i))
	}
	if len(l.entries) != MaxLegendEntries || l.entries[MaxLegendEntries-1].label != "… and 961 more" {
		t.Errorf("%d entries, last %q", len(l.entries), l.entries[len(l.entries)-1].label)
	}
}

// TestRenderHeightCap checks that Render refuses a figure over
// MaxFigureHeight with the limit in the message.
func TestRenderHeightCap(t *testing.T) {
	f := &Figure{Title: "tall", Width: FigureWidth, Height: MaxFigureHeight + 1}
	err := f.Render(io.Discard, PNG)
	if err == nil || !strings.Contains(err.Error(), "over the limit of 2880 points") {
		t.Errorf("err = %v", err)
	}
}
