package plots_test

import (
	"log"
	"math"
	"strconv"
	"testing"

	"gonum.org/v1/plot/cmpimg"

	"github.com/infersim/infersim/plots"
	"github.com/infersim/infersim/result"
)

// columnCharts builds one chart of each kind from the example data, to be
// laid out at plots.ColumnWidth: the width a two-column paper prints a
// figure at. Text keeps its point size there, so these goldens show
// whether labels, ticks and legends still fit.
var columnCharts = []struct {
	name  string
	build func() (*plots.Figure, error)
}{
	{"breakdown", func() (*plots.Figure, error) {
		return plots.LatencyBreakdown(exampleSummaries(), plots.BreakdownOptions{Log: true})
	}},
	{"energy", func() (*plots.Figure, error) {
		return plots.EnergyBreakdown(exampleSummaries(), plots.EnergyOptions{Log: true})
	}},
	{"versus", func() (*plots.Figure, error) {
		return plots.Versus(versusSummaries(), plots.VersusOptions{})
	}},
	{"sweep", func() (*plots.Figure, error) {
		return plots.SweepLines(sweepSummaries(), plots.SweepOptions{Metric: plots.Mean, LogX: true})
	}},
	{"cdf", func() (*plots.Figure, error) {
		series, err := plots.CollectLatencies(plots.RecordSlice(exampleRecords()), 0, nil)
		if err != nil {
			return nil, err
		}
		return plots.LatencyCDF(series, plots.CDFOptions{LogX: true})
	}},
	{"timeline", func() (*plots.Figure, error) {
		return plots.Timeline(exampleSpans(), plots.TimelineOptions{})
	}},
	{"layers", func() (*plots.Figure, error) {
		return plots.LayerTimes(exampleLayers(), plots.LayerOptions{Log: true})
	}},
	{"validation", func() (*plots.Figure, error) {
		return plots.Validation(exampleValidation(), plots.ValidationOptions{})
	}},
	{"tornado", func() (*plots.Figure, error) {
		return plots.Tornado(tornadoPanels(), plots.TornadoOptions{})
	}},
	{"thermal", func() (*plots.Figure, error) {
		return plots.ThermalChart(exampleThermal())
	}},
}

// exampleThermal is a made-up 30-minute thermal series of two modes at
// two ambients: the junction heats towards a plateau with a throttle step
// in the CPU's latency, the skin more slowly, the cloud barely.
func exampleThermal() *result.Thermal {
	th := &result.Thermal{Params: []string{"thermal.ambient"}, Nodes: []string{"soc", "board", "skin"}}
	for pt, amb := range []float64{25, 35} {
		for _, mode := range []string{"on-device-cpu", "cloud-gpu"} {
			heat := 30.0
			if mode == "cloud-gpu" {
				heat = 6
			}
			for s := 1; s <= 1800; s++ {
				rise := 1 - math.Exp(-float64(s)/300)
				lat := 0.26
				if mode == "on-device-cpu" {
					lat = 1.8
					if s > 600 {
						lat = 2.7
					}
				}
				th.Rows = append(th.Rows, result.ThermalRow{Point: pt, Params: []string{strconv.FormatFloat(amb, 'f', -1, 64)}, Mode: mode, T: float64(s),
					Temps: []float64{amb + heat*rise, amb + heat*rise/2, amb + heat*rise/3}, CPUMHz: 2265.6, Latency: lat})
			}
		}
	}
	return th
}

// saveColumn returns a function that draws the named chart at column
// width into testdata/NAME_column.png, as cmpimg.CheckPlot wants.
func saveColumn(name string, build func() (*plots.Figure, error)) func() {
	return func() {
		fig, err := build()
		if err != nil {
			log.Fatal(err)
		}
		fig.SetWidth(plots.ColumnWidth)
		if err := fig.Save("testdata/" + name + "_column.png"); err != nil {
			log.Fatal(err)
		}
	}
}

// TestColumnGolden compares every chart kind at column width with its
// golden image (regenerate with -regen, and look at each).
func TestColumnGolden(t *testing.T) {
	for _, c := range columnCharts {
		t.Run(c.name, func(t *testing.T) {
			cmpimg.CheckPlot(saveColumn(c.name, c.build), t, c.name+"_column.png")
		})
	}
}
