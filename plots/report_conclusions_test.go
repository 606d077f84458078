package plots_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/infersim/infersim/plots"
	"github.com/infersim/infersim/result"
)

// TestReportConclusionTables: index.html's conclusions box shows each
// sentence with its table and notes, and a sentence without details alone.
func TestReportConclusionTables(t *testing.T) {
	run := &result.Run{Scenario: "t", Complete: true,
		Conclusions: []string{"mean latency: on-device is 3–5× slower than cloud", "written by hand"},
		ConclusionDetails: []result.Conclusion{{Kind: "compare", Sentence: "mean latency: on-device is 3–5× slower than cloud",
			Columns: []string{"group", "on-device vs cloud (95 % CI)"}, Rows: [][]string{{"alexnet", "3× slower (2–4×)"}, {"nin", "5× slower (4–6×)"}},
			Notes: []string{"definition: a note"}}}}
	dir := t.TempDir()
	if err := plots.WriteReport(dir, run, nil); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, plots.ReportFile))
	if err != nil {
		t.Fatal(err)
	}
	html := string(b)
	for _, s := range []string{"<li>mean latency: on-device is 3–5× slower than cloud<table class=\"detail\">",
		"<th>on-device vs cloud (95 % CI)</th>", "<tr><td>nin</td><td>5× slower (4–6×)</td></tr>",
		"<p class=\"note\">definition: a note</p>", "<li>written by hand</li>"} {
		if !strings.Contains(html, s) {
			t.Errorf("index.html lacks %q", s)
		}
	}
}
