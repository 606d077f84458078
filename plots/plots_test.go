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

func TestSweepGolden(t *testing.T) {
	cmpimg.CheckPlot(ExampleSweepLines, t, "sweep.png")
	cmpimg.CheckPlot(ExampleSweepLines_energy, t, "sweep_energy.png")
}

func TestCDFGolden(t *testing.T) {
	cmpimg.CheckPlot(ExampleLatencyCDF, t, "cdf.png")
}

func TestTimelineGolden(t *testing.T) {
	cmpimg.CheckPlot(ExampleTimeline, t, "timeline.png")
}

func TestCalibrationGolden(t *testing.T) {
	cmpimg.CheckPlot(ExampleLayerTimes, t, "layers.png")
	cmpimg.CheckPlot(ExampleValidation, t, "validation.png")
}

func TestTornadoGolden(t *testing.T) {
	cmpimg.CheckPlot(ExampleTornado, t, "tornado.png")
}

func TestVersusGolden(t *testing.T) {
	cmpimg.CheckPlot(ExampleVersus, t, "versus.png")
}
