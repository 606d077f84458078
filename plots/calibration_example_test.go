package plots_test

import (
	"log"

	"github.com/infersim/infersim/plots"
)

// ExampleLayerTimes draws AlexNet's per-layer kernel timings on this
// machine (a calibration profile) on a log axis, with each layer's
// achieved GFLOP/s.
func ExampleLayerTimes() {
	fig, err := plots.LayerTimes(exampleLayers(), plots.LayerOptions{Log: true})
	if err != nil {
		log.Fatal(err)
	}
	if err := fig.Save("testdata/layers.png"); err != nil {
		log.Fatal(err)
	}
}

// ExampleValidation compares the simulation with published measurements,
// fitted and held-out rows apart.
func ExampleValidation() {
	fig, err := plots.Validation(exampleValidation(), plots.ValidationOptions{})
	if err != nil {
		log.Fatal(err)
	}
	if err := fig.Save("testdata/validation.png"); err != nil {
		log.Fatal(err)
	}
}
