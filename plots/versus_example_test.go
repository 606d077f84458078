package plots_test

import (
	"log"

	"github.com/infersim/infersim/plots"
)

// ExampleVersus sets on-device against cloud on one log axis per model
// and image: latency on the left, the phone's energy on the right; hollow
// rings are cold starts.
func ExampleVersus() {
	fig, err := plots.Versus(versusSummaries(), plots.VersusOptions{})
	if err != nil {
		log.Fatal(err)
	}
	if err := fig.Save("testdata/versus.png"); err != nil {
		log.Fatal(err)
	}
}
