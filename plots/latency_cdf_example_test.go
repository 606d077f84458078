package plots_test

import (
	"log"

	"github.com/infersim/infersim/plots"
)

// ExampleLatencyCDF streams records (here from memory; plots.RecordsFile
// streams a requests.csv), collects the latencies per mode and draws their
// distributions on a log axis.
func ExampleLatencyCDF() {
	series, err := plots.CollectLatencies(plots.RecordSlice(exampleRecords()), 0, nil)
	if err != nil {
		log.Fatal(err)
	}
	fig, err := plots.LatencyCDF(series, plots.CDFOptions{LogX: true})
	if err != nil {
		log.Fatal(err)
	}
	if err := fig.Save("testdata/cdf.png"); err != nil {
		log.Fatal(err)
	}
}
