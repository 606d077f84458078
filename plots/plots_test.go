package plots_test

import (
	"testing"

	"gonum.org/v1/plot/cmpimg"
)

// The golden tests run each Example, which writes testdata/NAME.png, and
// compare it with testdata/NAME_golden.png. `go test ./plots -regen`
// rewrites the goldens (cmpimg registers the flag); review them by eye
// before committing.

func TestBreakdownGolden(t *testing.T) {
	cmpimg.CheckPlot(ExampleLatencyBreakdown, t, "breakdown.png")
	cmpimg.CheckPlot(ExampleLatencyBreakdown_split, t, "breakdown_split.png")
}

func TestEnergyGolden(t *testing.T) {
	cmpimg.CheckPlot(ExampleEnergyBreakdown, t, "energy.png")
}
