package plots

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/infersim/infersim/result"
	"gonum.org/v1/plot/vg"
)

// Chart size bounds. A chart grows with its rows (bar and calibration
// charts) and its legend (one entry per series); without a bound a
// 4,000-cell run drew a 1050 × 158,899 px breakdown and a 200,000-row
// validation.csv asked for a 47 GB canvas. Above the bounds each chart
// keeps the rows that matter most and says so in its title's second line, with the file
// that holds every row:
//
//   - a latency or energy breakdown keeps the MaxChartRows groups with the
//     largest mean (summary.csv has all);
//   - a layer-time chart keeps the MaxChartRows slowest layers, in net
//     order (layers.csv has all);
//   - the validation chart keeps failing rows first, then the rows
//     farthest from their reference (validation.csv has all);
//   - a legend shows MaxLegendEntries entries and then "… K more".
//
// Figure.Render refuses any figure taller than MaxFigureHeight, so that no
// chart, however built, can ask for an unbounded canvas.
const (
	// MaxChartRows is the most rows a bar or calibration chart draws: 80
	// (about 1,500 points, 21 inches, of bars).
	MaxChartRows = 80
	// MaxLegendEntries is the most entries a legend shows.
	MaxLegendEntries = 40
	// MaxFigureHeight is the tallest figure Render draws: 40 inches
	// (6,000 px at DPI 150, a 25 MB RGBA canvas at FigureWidth).
	MaxFigureHeight = 40 * vg.Inch
)

// capRows returns the indices of the at most MaxChartRows items of n that
// rank first by less (a total order: ties broken by index), in their
// original order, and a note for the chart's title, a second line, when
// rows were left out: "the 80 slowest of 4,000 rows (all in summary.csv)".
func capRows(n int, less func(a, b int) int, what, file string) (keep []int, note string) {
	keep = make([]int, n)
	for i := range keep {
		keep[i] = i
	}
	if n <= MaxChartRows {
		return keep, ""
	}
	slices.SortStableFunc(keep, less)
	keep = keep[:MaxChartRows]
	slices.Sort(keep)
	return keep, fmt.Sprintf("\nthe %d %s of %s rows (all in %s)", MaxChartRows, what, thousands(n), file)
}

// capGroups keeps the MaxChartRows groups of the largest value(s), in
// their order, and returns the title note.
func capGroups(groups []*result.Summary, value func(*result.Summary) float64, what string) ([]*result.Summary, string) {
	keep, note := capRows(len(groups), func(a, b int) int {
		return cmp.Compare(orZero(value(groups[b])), orZero(value(groups[a])))
	}, what, result.SummaryCSVFile)
	if note == "" {
		return groups, ""
	}
	out := make([]*result.Summary, len(keep))
	for i, k := range keep {
		out[i] = groups[k]
	}
	return out, note
}

// orZero is x, or 0 for NaN (a group without a successful request ranks
// with the smallest).
func orZero(x float64) float64 {
	if x != x {
		return 0
	}
	return x
}
