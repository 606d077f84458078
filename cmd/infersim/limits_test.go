package main

import (
	"strings"
	"testing"
)

// TestPlotHelpNamesFiles is issue 18 finding 12: `plot --help` named
// validation.json and layers.json, files that are CSV.
func TestPlotHelpNamesFiles(t *testing.T) {
	out, _, err := execute(t, "plot", "--help")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"summary.json", "requests.csv", "trace.json", "validation.csv", "layers.csv"} {
		if !strings.Contains(out, f) {
			t.Errorf("plot --help does not name %s", f)
		}
	}
	for _, f := range []string{"validation.json", "layers.json"} {
		if strings.Contains(out, f) {
			t.Errorf("plot --help names %s, which does not exist", f)
		}
	}
}
