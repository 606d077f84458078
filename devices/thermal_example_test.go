package devices_test

import (
	"fmt"

	"github.com/infersim/infersim/devices"
)

// A Nexus 5 with all four cores busy at 25 °C: the KTM settles its cap at
// 1190.4 MHz, so compute-bound work runs at 0.525 of the cold phone's
// speed over minutes 25-30, and work with a memory-bound share of 0.3 at
// 0.613.
func ExampleSustainedCPU() {
	spec, err := devices.LookupPhone("nexus5")
	if err != nil {
		panic(err)
	}
	for _, m := range []float64{0, 0.3} {
		r, err := devices.SustainedCPU(spec, devices.ThermalOptions{Ambient: 25}, m, 1500, 1800)
		if err != nil {
			panic(err)
		}
		fmt.Printf("memory-bound share %.1f: speed %.3f\n", m, r)
	}
	// Output:
	// memory-bound share 0.0: speed 0.525
	// memory-bound share 0.3: speed 0.613
}
