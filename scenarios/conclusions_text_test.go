package scenarios

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/infersim/infersim/conclude"
	"github.com/infersim/infersim/result"
)

// conclusionsText is the conclusions section a run prints under its table.
func conclusionsText(run *result.Run) string {
	var b strings.Builder
	WriteConclusions(&b, run)
	return b.String()
}

// checkLines fails on any printed line of conclusions longer than
// conclude.MaxLine characters, and on a conclusion without its table.
func checkLines(t *testing.T, what string, run *result.Run) {
	t.Helper()
	text := conclusionsText(run)
	if text == "" {
		t.Errorf("%s: no conclusions", what)
	}
	for _, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if n := utf8.RuneCountInString(l); n > conclude.MaxLine {
			t.Errorf("%s: a line of %d characters (at most %d):\n%s", what, n, conclude.MaxLine, l)
		}
	}
	if len(run.ConclusionDetails) != len(run.Conclusions) {
		t.Errorf("%s: %d details for %d conclusions", what, len(run.ConclusionDetails), len(run.Conclusions))
	}
	for i, c := range run.ConclusionDetails {
		if c.Sentence != run.Conclusions[i] {
			t.Errorf("%s: detail %d is of %q, not %q", what, i, c.Sentence, run.Conclusions[i])
		}
		if strings.ContainsAny(c.Sentence, "\x01\x02") {
			t.Errorf("%s: a detail mark left in %q", what, c.Sentence)
		}
		if c.Kind != conclude.KindHeadline && len(c.Rows) == 0 {
			t.Errorf("%s: %q has no table", what, c.Sentence)
		}
		for _, r := range c.Rows {
			if len(r) != len(c.Columns) {
				t.Errorf("%s: row %q under columns %q", what, r, c.Columns)
			}
		}
	}
}

// TestConclusionLinesFit: every built-in scenario prints conclusions whose
// every line (sentence, table row, note) fits in conclude.MaxLine
// characters, at its quick size and (unless -short) at its full size.
func TestConclusionLinesFit(t *testing.T) {
	for _, name := range BuiltinNames() {
		for _, quick := range []bool{true, false} {
			s, err := Builtin(name)
			if err != nil {
				t.Fatal(err)
			}
			what := name + " (full size)"
			switch {
			case quick && !s.HasQuick():
				continue
			case quick:
				if err := s.ApplyQuick(); err != nil {
					t.Fatal(err)
				}
				what = name + " (quick)"
			case testing.Short():
				continue
			}
			t.Run(what, func(t *testing.T) {
				checkLines(t, what, runIn(t, s, t.TempDir(), 2).Run)
			})
		}
	}
}

// TestDefaultConclusionsGolden: a scenario without a conclusions section
// (a Pixel 4 on LTE, uplink swept 1–50 Mbps) gets the default conclusions:
// the best mode along the uplink, and where on-device beats cloud, warm,
// cold and for energy. What it prints is kept in
// testdata/golden/pixel4-lte-uplink.conclusions.txt (-rewrite to update).
func TestDefaultConclusionsGolden(t *testing.T) {
	s, err := Load(filepath.Join("testdata", "pixel4-lte-uplink.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Conclusions) != 0 {
		t.Fatal("the scenario writes conclusions")
	}
	run := runIn(t, s, t.TempDir(), 2).Run
	checkLines(t, s.Name, run)
	var kinds []string
	for _, c := range run.ConclusionDetails {
		kinds = append(kinds, c.Kind)
	}
	if got := strings.Join(kinds, " "); got != "best best crossover crossover crossover" {
		t.Errorf("default kinds %q", got)
	}
	got := conclusionsText(run)
	golden := filepath.Join("testdata", "golden", "pixel4-lte-uplink.conclusions.txt")
	if *rewrite {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -rewrite to create it)", err)
	}
	if got != string(want) {
		t.Errorf("default conclusions differ from %s (run with -rewrite and review the diff)\n%s", golden, firstDiff(string(want), got))
	}
}

// TestDefaultConclusionsKinds: defaults replace nothing a scenario writes;
// an entry of kind defaults keeps them beside the user's own, in its
// place; conclusions: [] asks for none; a single point compares on-device
// with cloud.
func TestDefaultConclusionsKinds(t *testing.T) {
	sums := handRun()
	kindsOf := func(src string) string {
		t.Helper()
		s := mustParse(t, src)
		cs, err := ConcludeDetails(s, sums)
		if err != nil {
			t.Fatal(err)
		}
		var ks []string
		for _, c := range cs {
			ks = append(ks, c.Kind)
			if n := utf8.RuneCountInString(c.Sentence); n > conclude.MaxSentence {
				t.Errorf("sentence of %d characters: %s", n, c.Sentence)
			}
		}
		return strings.Join(ks, " ")
	}
	const trend = "  - {kind: trend, param: network.uplink.bandwidth}\n"
	for _, tc := range []struct {
		name, src, want string
	}{
		{"no section: the defaults", handScenario, "best best crossover crossover crossover"},
		{"the user's own replace them", handScenario + "conclusions:\n" + trend, "trend"},
		{"defaults kept in place", handScenario + "conclusions:\n" + trend + "  - {kind: defaults}\n", "trend best best crossover crossover crossover"},
		{"none asked for", handScenario + "conclusions: []\n", ""},
	} {
		if got := kindsOf(tc.src); got != tc.want {
			t.Errorf("%s: kinds %q, want %q", tc.name, got, tc.want)
		}
	}
	// One point (the 10 Mbps summaries alone): compare, not crossover.
	var point []result.Summary
	for _, s := range sums {
		if s.Point == 1 {
			s.Params = nil
			point = append(point, s)
		}
	}
	s := mustParse(t, strings.Split(handScenario, "sweep:")[0])
	cs, err := ConcludeDetails(s, point)
	if err != nil {
		t.Fatal(err)
	}
	var ks []string
	for _, c := range cs {
		ks = append(ks, c.Kind)
	}
	if got := strings.Join(ks, " "); got != "best best compare compare compare" {
		t.Errorf("single point: kinds %q", got)
	}
	if !strings.Contains(cs[2].Sentence, "on-device") || !strings.Contains(cs[2].Sentence, "cloud") {
		t.Errorf("single point: %q", cs[2].Sentence)
	}
}

// TestConclusionKindsUpToDate keeps README's table of conclusion kinds
// equal to conclude.KindsTable; -rewrite updates it.
func TestConclusionKindsUpToDate(t *testing.T) {
	const begin, end = "<!-- conclusion-kinds:begin (go test ./scenarios -run TestConclusionKindsUpToDate -rewrite) -->\n", "<!-- conclusion-kinds:end -->"
	path := filepath.Join("..", "README.md")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	i, j := strings.Index(text, begin), strings.Index(text, end)
	if i < 0 || j < i {
		t.Fatalf("%s lacks the markers %q ... %q", path, begin, end)
	}
	table := conclude.KindsTable()
	if text[i+len(begin):j] == table {
		return
	}
	if *rewrite {
		text = text[:i+len(begin)] + table + text[j:]
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s: the table of conclusion kinds is stale; run go test ./scenarios -run TestConclusionKindsUpToDate -rewrite", path)
}
