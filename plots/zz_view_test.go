package plots_test

import (
	"os"
	"testing"

	"github.com/infersim/infersim/plots"
)

func TestZZView(t *testing.T) {
	dir := os.Getenv("VIEWDIR")
	if dir == "" {
		t.Skip()
	}
	run := exampleRun(sweepSummaries())
	charts, err := plots.Draw(dir, run, plots.RecordSlice(exampleRecords()), plots.Options{Spans: exampleSpans(), Layers: exampleLayers(), Validation: exampleValidation()})
	if err != nil {
		t.Fatal(err)
	}
	if err := plots.WriteReport(dir, run, charts); err != nil {
		t.Fatal(err)
	}
	run2 := exampleRun(exampleSummaries())
	charts, err = plots.Draw(dir+"/study", run2, nil, plots.Options{})
	if err != nil {
		t.Fatal(err)
	}
	plots.WriteReport(dir+"/study", run2, charts)
}
