package plots_test

import (
	"log"

	"github.com/infersim/infersim/plots"
)

// ExampleTimeline draws a phone that loads AlexNet, infers twice on its
// CPU, then sends an image to the cloud over LTE.
func ExampleTimeline() {
	fig, err := plots.Timeline(exampleSpans(), plots.TimelineOptions{})
	if err != nil {
		log.Fatal(err)
	}
	if err := fig.Save("testdata/timeline.png"); err != nil {
		log.Fatal(err)
	}
}
