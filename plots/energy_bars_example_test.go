package plots_test

import (
	"log"

	"github.com/infersim/infersim/plots"
)

// ExampleEnergyBreakdown draws the phone's energy per request by component
// and the battery drain per 1,000 requests, on log axes.
func ExampleEnergyBreakdown() {
	fig, err := plots.EnergyBreakdown(exampleSummaries(), plots.EnergyOptions{Log: true})
	if err != nil {
		log.Fatal(err)
	}
	if err := fig.Save("testdata/energy.png"); err != nil {
		log.Fatal(err)
	}
}
