package scenarios

import (
	"testing"

	"github.com/infersim/infersim/plots"
)

// TestChartMetricsDrawable: every metric a scenario's chart hint may name
// (the validation accepts it) is one package plots can draw, so a valid
// scenario never fails at drawing time after its run.
func TestChartMetricsDrawable(t *testing.T) {
	for _, m := range chartMetricNames() {
		if msg := chartMetricMsg(m); msg != "" {
			t.Errorf("%s: the validation refuses it: %s", m, msg)
		}
		if _, err := plots.ParseMetric(m); err != nil {
			t.Errorf("%s: accepted by the validation, refused by plots: %v", m, err)
		}
	}
}
