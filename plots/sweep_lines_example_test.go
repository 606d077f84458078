package plots_test

import (
	"fmt"
	"log"

	"github.com/infersim/infersim/plots"
)

// ExampleSweepLines draws mean latency against the uplink bandwidth on a
// log axis, with the crossover below which on-device inference wins.
func ExampleSweepLines() {
	fig, err := plots.SweepLines(sweepSummaries(), plots.SweepOptions{Metric: plots.Mean, LogX: true})
	if err != nil {
		log.Fatal(err)
	}
	if err := fig.Save("testdata/sweep.png"); err != nil {
		log.Fatal(err)
	}
}

// ExampleSweepLines_energy draws the phone's energy per request against the
// same sweep.
func ExampleSweepLines_energy() {
	fig, err := plots.SweepLines(sweepSummaries(), plots.SweepOptions{Metric: plots.Energy, LogX: true})
	if err != nil {
		log.Fatal(err)
	}
	if err := fig.Save("testdata/sweep_energy.png"); err != nil {
		log.Fatal(err)
	}
}

// ExampleCrossovers reports where on-device inference starts to win. By
// hand: the best on-device mode (GPU) takes 1.22 s at 1 Mbps and 1.24 s at
// 2 Mbps, the best cloud mode (GPU) 1.248 s and 0.648 s; the difference goes
// from −0.028 to +0.592, so the crossing is 0.028/0.62 = 4.5 % of the way
// from 1 to 2 Mbps on the log axis: 10^(0.045 × log10 2) ≈ 1.03 Mbps.
func ExampleCrossovers() {
	cs, err := plots.Crossovers(sweepSummaries(), plots.SweepOptions{Metric: plots.Mean, LogX: true})
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range cs {
		fmt.Println(c.Label)
	}
	// Output:
	// on-device wins below 1.03 Mbps
}
