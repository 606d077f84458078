package plots_test

import (
	"log"

	"github.com/infersim/infersim/plots"
)

// ExampleTornado draws a sensitivity analysis: how two headline numbers
// and a what-if's conclusion move when each fitted parameter goes to the
// ends of its uncertainty.
func ExampleTornado() {
	fig, err := plots.Tornado(tornadoPanels(), plots.TornadoOptions{})
	if err != nil {
		log.Fatal(err)
	}
	if err := fig.Save("testdata/tornado.png"); err != nil {
		log.Fatal(err)
	}
}

// tornadoPanels are the sensitivity bars of the examples: how far each
// conclusion moves with each fitted parameter at ± its uncertainty.
func tornadoPanels() []plots.TornadoPanel {
	return []plots.TornadoPanel{
		{Title: "G5-time", Bars: []plots.TornadoBar{
			{Label: "nexus5-cnndroid-gpu convert", Low: -0.141, High: 0.141},
			{Label: "cloud-gpu-k80 efficiency", Low: -0.003, High: 0.002},
			{Label: "nexus5-caffe-cpu conv", Low: 0, High: 0},
		}},
		{Title: "G5-energy", Bars: []plots.TornadoBar{
			{Label: "nexus5-cnndroid-gpu convert", Low: -0.144, High: 0.144},
		}},
		{Title: "split-inference", Bars: []plots.TornadoBar{
			{Label: "nexus5-caffe-cpu conv", Low: 0.182, High: -0.136},
			{Label: "cloud-gpu-k80 overhead", Low: 0.012, High: -0.012},
		}},
	}
}
