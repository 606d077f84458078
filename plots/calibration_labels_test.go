package plots_test

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/infersim/infersim/plots"
	"github.com/infersim/infersim/result"
)

// TestValidationMissLabels: only a fitted row "fails"; a held-out row
// outside its published range, or a qualitative held-out row that does
// not hold, is labelled as the validation table reports it.
func TestValidationMissLabels(t *testing.T) {
	nan := math.NaN()
	rows := []result.ValidationRow{
		{ID: "FIT", What: "a fitted row off its tolerance", Reference: 1, Simulated: 1.5, Error: 0.5, Unit: "s", Fitted: true, Tolerance: 0.1, CI95: nan, Low: nan, High: nan},
		{ID: "RANGE", What: "a held-out row outside its range", Reference: 100, Simulated: 1000, Error: 9, Unit: "×", CI95: 10, Low: 30, High: 300},
		{ID: "ORDER", What: "a qualitative held-out row", Reference: nan, Simulated: 2, Error: nan, CI95: nan, Low: nan, High: nan},
		{ID: "ORDERFIT", What: "a qualitative fitted row", Reference: nan, Simulated: 2, Error: nan, Fitted: true, CI95: nan, Low: nan, High: nan},
	}
	fig, err := plots.Validation(rows, plots.ValidationOptions{})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "v.svg")
	if err := fig.Save(path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	svg := string(b)
	for _, want := range []string{"(outside ±10 %)", "(outside the published range)", ">off<", ">fail<"} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	if n := strings.Count(svg, "(fail)"); n != 0 {
		t.Errorf("%d rows labelled (fail); none should be", n)
	}
}
