package plots_test

import (
	"log"

	"github.com/infersim/infersim/plots"
)

// ExampleLatencyBreakdown draws the study's breakdown on a log axis: on the
// phone a cold start is dominated by loading the model (88 s for CNNdroid),
// in the cloud by the upload and the server.
func ExampleLatencyBreakdown() {
	fig, err := plots.LatencyBreakdown(exampleSummaries(), plots.BreakdownOptions{Log: true})
	if err != nil {
		log.Fatal(err)
	}
	if err := fig.Save("testdata/breakdown.png"); err != nil {
		log.Fatal(err)
	}
}

// ExampleLatencyBreakdown_split draws the same groups on linear axes, one
// panel per mode family.
func ExampleLatencyBreakdown_split() {
	fig, err := plots.LatencyBreakdown(exampleSummaries(), plots.BreakdownOptions{Split: true})
	if err != nil {
		log.Fatal(err)
	}
	if err := fig.Save("testdata/breakdown_split.png"); err != nil {
		log.Fatal(err)
	}
}
