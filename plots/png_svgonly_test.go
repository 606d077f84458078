//go:build svgonly

package plots_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/infersim/infersim/plots"
)

// TestSVGOnlyBuild checks that a build with the svgonly tag (the lab's
// WebAssembly simulator) refuses PNG with a clear error and writes nothing,
// and still draws SVG. Run with: go test -tags svgonly ./plots -run SVGOnly
// (TestLabWasmMatchesNative checks that the SVG is the native build's).
func TestSVGOnlyBuild(t *testing.T) {
	fig, err := plots.EnergyBreakdown(exampleSummaries(), plots.EnergyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	err = fig.Render(&buf, plots.PNG)
	if err == nil || !strings.Contains(err.Error(), "svgonly") {
		t.Fatalf("Render(PNG) = %v, want an error naming the svgonly tag", err)
	}
	if buf.Len() != 0 {
		t.Errorf("Render(PNG) wrote %d bytes", buf.Len())
	}
	if err := fig.Render(&buf, plots.SVG); err != nil || !bytes.Contains(buf.Bytes(), []byte("<svg")) {
		t.Fatalf("Render(SVG): %v (%d bytes)", err, buf.Len())
	}
}
