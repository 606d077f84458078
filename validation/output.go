package validation

import (
	"fmt"
	"github.com/infersim/infersim/conclude"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/infersim/infersim/result"
	"github.com/infersim/infersim/units"
)

// fmtValue prints a value in a row's unit.
func fmtValue(x float64, unit string) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "–"
	}
	switch unit {
	case "s":
		return units.Duration(x).String()
	case "W":
		return units.Power(x).String()
	case "J":
		return units.Energy(x).String()
	case "bit/s":
		return units.BitRate(x).String()
	case "MB":
		return fmt.Sprintf("%.4g MB", x)
	case "×":
		return sig3(x) + "×"
	}
	return sig3(x)
}

// sig3 prints x with 3 significant digits, without the exponent %g would
// use from 1000 up ("1020", not "1.02e+03").
func sig3(x float64) string {
	if a := math.Abs(x); a >= 1000 && a < 1e15 {
		return strconv.FormatFloat(x, 'f', 0, 64)
	}
	return fmt.Sprintf("%.3g", x)
}

// refText is the reference column: the value and its published range, or
// the inequality of an order row.
func refText(r Row) string {
	if r.Order {
		return "order (< 1)"
	}
	s := fmtValue(r.Reference, r.Unit)
	if hasRange(r.ValidationRow) && !(r.Low == r.High && r.Low == r.Reference) {
		s += " [" + fmtValue(r.Low, r.Unit) + ", " + fmtValue(r.High, r.Unit) + "]"
	}
	return s
}

// simText is the simulated column: the value ± its 95 % CI.
func simText(r Row) string {
	s := fmtValue(r.Simulated, r.Unit)
	switch {
	case math.IsNaN(r.CI95) || math.IsInf(r.CI95, 0):
	case r.CI95 <= 1e-9*math.Abs(r.Simulated):
		s += " ± 0"
	default:
		s += " ± " + fmtValue(r.CI95, r.Unit)
	}
	return s
}

// tolText says what the row is judged against.
func tolText(r Row) string {
	switch {
	case r.Order:
		return "< 1"
	case r.Tolerance > 0:
		return fmt.Sprintf("±%.3g %%", 100*r.Tolerance)
	case hasRange(r.ValidationRow):
		return "range"
	}
	return "—"
}

// status is "pass", "pass (CI)" (within the tolerance or range only with
// its confidence interval), "FAIL" (a fitted or input row off: the
// validation fails), "off" (a held-out or report row outside its
// tolerance or range) or "—" (nothing to check).
func status(r Row) string {
	switch {
	case !r.Pass && r.Role.Gates():
		return "FAIL"
	case !r.Pass:
		return "off"
	case withinCIOnly(r):
		return "pass (CI)"
	case !r.Order && r.Tolerance == 0 && !hasRange(r.ValidationRow) && !math.IsNaN(r.Simulated):
		return "—"
	}
	return "pass"
}

// Summary counts the rows by role and outcome, e.g. "62 rows: 31 fitted or
// input (31 pass), 12 held out (9 pass, 3 off), 19 report only".
func (r *Report) Summary() string {
	var gate, gatePass, held, heldPass, rep int
	for _, row := range r.Rows {
		switch {
		case row.Role.Gates():
			gate++
			if row.Pass {
				gatePass++
			}
		case row.Role == HeldOut:
			held++
			if row.Pass {
				heldPass++
			}
		default:
			rep++
		}
	}
	return fmt.Sprintf("%d rows: %d fitted or input (%d pass, %d fail), %d held out (%d pass, %d off), %d report only",
		len(r.Rows), gate, gatePass, gate-gatePass, held, heldPass, held-heldPass, rep)
}

// Headline is the study's headline as the guo2018 run concludes it (its
// first conclusion, conclude's headline kind; the same numbers as rows
// G5-time and G5-energy), "" if the run has none.
func (r *Report) Headline() string {
	if r.Run == nil {
		return ""
	}
	for _, c := range r.Run.Conclusions {
		if strings.HasPrefix(c, "study headline:") {
			return c
		}
	}
	return ""
}

// runText describes the simulations the rows come from.
func (r *Report) runText() string {
	s := fmt.Sprintf("guo2018 × %d replications", r.Replications)
	if r.Requests > 0 {
		s += fmt.Sprintf(" of %d requests per cell", r.Requests)
	}
	return s + "; kernel profile: " + r.KernelProfile
}

// WriteTable prints the rows as an aligned table with units, then each
// row's note and the facts no row compares.
func (r *Report) WriteTable(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "validation: %s\n%s\n\n", r.Summary(), r.runText())
	if h := r.Headline(); h != "" {
		fmt.Fprintf(&b, "%s\n(definition: %s)\n\n", h, conclude.HeadlineDefinition)
	}
	rows := [][]string{{"FACT", "ROLE", "REFERENCE", "SIMULATED ± 95% CI", "ERROR", "TOLERANCE", "STATUS", "SOURCE", "WHAT"}}
	for _, row := range r.Rows {
		rows = append(rows, []string{row.ID, string(row.Role), refText(row), simText(row), signedPercent(row.Error),
			tolText(row), status(row), row.SourceKey, shorten(row.What, 70)})
	}
	align(&b, rows)
	if len(r.FitWarnings) > 0 {
		b.WriteString("\nfit warnings (degenerate fits):\n")
		for _, w := range r.FitWarnings {
			fmt.Fprintf(&b, "  %s: %s\n", w.Profile, w.Text)
		}
	}
	writeLLMCost(&b, r.LLMCost, false)
	if r.Sensitivity != nil {
		r.Sensitivity.write(&b, false)
	}
	b.WriteString("\nnotes:\n")
	for _, row := range r.Rows {
		if row.Note != "" {
			fmt.Fprintf(&b, "  %s (%s): %s\n", row.ID, row.From, row.Note)
		}
	}
	if len(r.NotCompared) > 0 {
		b.WriteString("\nnot compared:\n")
		for _, n := range r.NotCompared {
			fmt.Fprintf(&b, "  %s: %s\n", n.ID, n.Reason)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// markdownTable writes a Markdown table of head and rows.
func markdownTable(b *strings.Builder, head []string, rows [][]string) {
	b.WriteString("| " + strings.Join(head, " | ") + " |\n|" + strings.Repeat("---|", len(head)) + "\n")
	for _, r := range rows {
		b.WriteString("| " + strings.Join(r, " | ") + " |\n")
	}
}

// align writes rows with columns padded to their widest cell.
func align(b *strings.Builder, rows [][]string) {
	width := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			width[i] = max(width[i], len([]rune(c)))
		}
	}
	for _, r := range rows {
		var line strings.Builder
		for i, c := range r {
			if i > 0 {
				line.WriteString("  ")
			}
			line.WriteString(c + strings.Repeat(" ", width[i]-len([]rune(c))))
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
}

// shorten cuts s to at most n runes with an ellipsis.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// MarkdownCommand is the command that regenerates docs/validation.md.
const MarkdownCommand = "go run ./cmd/infersim validate --sensitivity --markdown > docs/validation.md"

// WriteMarkdown prints the rows as a Markdown document for README's "How
// close is the simulation?" section: a table, each row's note, the sources
// and the facts no row compares. It holds nothing that changes between
// runs of the same build (no dates, no paths), so a test can check that
// docs/validation.md is current.
func (r *Report) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	b.WriteString("<!-- generated by `" + MarkdownCommand + "`; do not edit -->\n\n")
	b.WriteString("# How close is the simulation?\n\n")
	fmt.Fprintf(&b, "Every reference fact infersim can check, against the simulation (%s). %s.\n\n", r.runText(), r.Summary())
	b.WriteString("Roles: **fit** — a processor profile or network preset was fitted to the fact (an exact fit when it has as many free parameters as rows); " +
		"**input** — the model takes the fact as a parameter and the row checks the implementation; " +
		"**held-out** — nothing was fitted to it, the real test; **report** — another phone, framework or format, for comparison. " +
		"Only fit and input rows fail `infersim validate`. The ± is the 95 % confidence interval across replications " +
		"(none for values computed without simulation noise).\n\n")
	if h := r.Headline(); h != "" {
		b.WriteString("## The study's headline\n\n")
		b.WriteString("The study's \"up to two orders of magnitude\" (fact G5) is read one way everywhere (`conclude.HeadlineDefinition`): " +
			mdEscape(conclude.HeadlineDefinition) + ". The guo2018 run prints it as its first conclusion and rows G5-time and G5-energy are the same numbers:\n\n")
		b.WriteString("> " + mdEscape(h) + "\n\n")
	}
	b.WriteString("| fact | role | what | reference | simulated ± 95 % CI | error | judged by | status | source |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|\n")
	for _, row := range r.Rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", row.ID, row.Role, mdEscape(row.What),
			refText(row), simText(row), signedPercent(row.Error), tolText(row), status(row), row.SourceKey)
	}
	if len(r.FitWarnings) > 0 {
		b.WriteString("\n## Degenerate fits\n\n")
		b.WriteString("A fit with as many free parameters as fitted rows reproduces those rows by construction, so its fit rows test nothing (only held-out rows do); " +
			"a fit that drives a parameter to its bound has it tied to a prior instead (`go doc ./devices/engine ProcessorProfile`).\n\n")
		for _, w := range r.FitWarnings {
			fmt.Fprintf(&b, "- **%s**: %s\n", w.Profile, mdEscape(w.Text))
		}
	}
	writeLLMCost(&b, r.LLMCost, true)
	if r.Sensitivity != nil {
		r.Sensitivity.write(&b, true)
	}
	b.WriteString("\n## Notes\n\n")
	for _, row := range r.Rows {
		if row.Note != "" {
			fmt.Fprintf(&b, "- **%s** (%s): %s\n", row.ID, row.From, mdEscape(row.Note))
		}
	}
	b.WriteString("\n## Sources\n\n")
	src := map[string]string{}
	for _, row := range r.Rows {
		src[row.SourceKey] = row.Source
	}
	keys := make([]string, 0, len(src))
	for k := range src {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "- `%s`: %s\n", k, mdEscape(src[k]))
	}
	if len(r.NotCompared) > 0 {
		b.WriteString("\n## Facts not compared\n\n")
		for _, n := range r.NotCompared {
			fmt.Fprintf(&b, "- %s: %s\n", n.ID, mdEscape(n.Reason))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// README markers around the summary WriteReadmeSummary prints; the test
// that keeps docs/validation.md current keeps this part of README.md too.
const (
	ReadmeBegin = "<!-- validation summary: generated by `go test ./validation -run DocsCurrent -rewrite`; do not edit -->"
	ReadmeEnd   = "<!-- end of validation summary -->"
)

// inReadme says whether a row belongs in README's short table: the study's
// own rows (G*, P1, P5, P6) and every held-out row, the ones a reader
// checks first; the cloud, network and radio fits are in
// docs/validation.md.
func inReadme(row Row) bool {
	if row.Role == ReportOnly {
		return false
	}
	return row.Role == HeldOut || strings.HasPrefix(row.ID, "G") || strings.HasPrefix(row.ID, "P")
}

// WriteReadmeSummary prints the short form of the Markdown table for
// README's "How close is the simulation?" section, between ReadmeBegin and
// ReadmeEnd: the summary line, the study's rows and the held-out rows.
func (r *Report) WriteReadmeSummary(w io.Writer) error {
	var b strings.Builder
	b.WriteString(ReadmeBegin + "\n\n")
	fmt.Fprintf(&b, "%s (%s).\n\n", r.Summary(), r.runText())
	if h := r.Headline(); h != "" {
		b.WriteString("**The study's headline, one definition.** \"Up to two orders of magnitude\" (fact G5) is read as: " +
			mdEscape(conclude.HeadlineDefinition) + ". `infersim run` prints it first and rows G5-time and G5-energy are the same numbers:\n\n")
		b.WriteString("> " + mdEscape(h) + "\n\n")
	}
	b.WriteString("| fact | role | what | reference | simulated ± 95 % CI | error | status |\n")
	b.WriteString("|---|---|---|---|---|---|---|\n")
	left := 0
	for _, row := range r.Rows {
		if !inReadme(row) {
			if row.Role != ReportOnly {
				left++
			}
			continue
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", row.ID, row.Role, mdEscape(shorten(row.What, 90)),
			refText(row), simText(row), signedPercent(row.Error), status(row))
	}
	fmt.Fprintf(&b, "\nThe other %d fitted and input rows (cloud servers C-*, network presets N-*, radios R-*) and the report-only rows are in [docs/validation.md](docs/validation.md), with a note on each row.\n\n", left)
	if n := len(r.FitWarnings); n > 0 {
		fmt.Fprintf(&b, "Degenerate fits: %d warning(s), listed in docs/validation.md (\"Degenerate fits\").\n\n", n)
	}
	if s := r.Sensitivity; s != nil {
		b.WriteString("Sensitivity (each fitted parameter at ± its uncertainty): " + s.headline() + "\n\n")
	}
	b.WriteString(ReadmeEnd + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// mdEscape keeps text from breaking a Markdown table.
func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

// WriteFiles writes validation.csv and layers.csv into dir, each through a
// temporary file renamed into place.
func (r *Report) WriteFiles(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("validation: %w", err)
	}
	if err := writeAtomic(filepath.Join(dir, result.ValidationFile), func(w io.Writer) error {
		return result.WriteValidationCSV(w, r.ValidationRows())
	}); err != nil {
		return err
	}
	return writeAtomic(filepath.Join(dir, result.LayersFile), func(w io.Writer) error {
		return result.WriteLayersCSV(w, r.Layers)
	})
}

// writeAtomic writes path through fill via a temporary file and a rename.
func writeAtomic(path string, fill func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("validation: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := fill(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("validation: writing %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("validation: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("validation: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("validation: %w", err)
	}
	return nil
}
