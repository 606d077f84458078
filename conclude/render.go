package conclude

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/infersim/infersim/result"
)

// textWidth is the widest a line of Text's notes is wrapped to.
const textWidth = MaxLine

// Text writes a conclusion with its whole table: "  - " and the
// sentence, then its table indented under it (aligned columns, a line per
// group), then its notes wrapped at MaxLine characters.
func Text(c result.Conclusion) string { return TextRows(c, 0) }

// MaxScreenRows is how many of a table's groups the run's printed
// conclusions show (TextRows); the rest are in index.html and
// summary.json, so that the conclusions of a run fit on one screen.
const MaxScreenRows = 3

// TextRows is Text with at most maxRows of the table's groups (0: all),
// then a line that counts the groups left out and says where they are.
// The columns are aligned over every row, shown or not.
func TextRows(c result.Conclusion, maxRows int) string {
	var b strings.Builder
	b.WriteString("  - " + c.Sentence + "\n")
	const indent = "      "
	if len(c.Rows) > 0 {
		rows := append([][]string{c.Columns}, c.Rows...)
		width := map[int]int{}
		for _, r := range rows {
			for i, cell := range r {
				width[i] = max(width[i], utf8.RuneCountInString(cell))
			}
		}
		shown := rows
		if maxRows > 0 && len(c.Rows) > maxRows+1 {
			shown = pickRows(c, maxRows)
		}
		for _, r := range shown {
			var line strings.Builder
			line.WriteString(indent)
			for i, cell := range r {
				if i > 0 {
					line.WriteString("  ")
				}
				line.WriteString(cell)
				if i < len(r)-1 {
					line.WriteString(strings.Repeat(" ", width[i]-utf8.RuneCountInString(cell)))
				}
			}
			b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
		}
		if n := len(rows) - len(shown); n > 0 {
			fmt.Fprintf(&b, "%s⋮ %d more groups in index.html and summary.json\n", indent, n)
		}
	}
	for _, n := range c.Notes {
		for _, l := range wrap(n, textWidth-len(indent)-2) {
			b.WriteString(indent + l + "\n")
		}
		// continuation lines are indented two more (wrap does it)
	}
	return b.String()
}

// pickRows returns the header and maxRows of c's rows, in table order:
// first the groups the sentence names (its "largest for …"), then the
// first others.
func pickRows(c result.Conclusion, maxRows int) [][]string {
	keep := make([]bool, len(c.Rows))
	n := 0
	for i, r := range c.Rows {
		if n < maxRows && len(r) > 0 && r[0] != "" && strings.Contains(c.Sentence, r[0]) {
			keep[i] = true
			n++
		}
	}
	for i := range c.Rows {
		if n < maxRows && !keep[i] {
			keep[i] = true
			n++
		}
	}
	out := [][]string{c.Columns}
	for i, r := range c.Rows {
		if keep[i] {
			out = append(out, r)
		}
	}
	return out
}

// wrap breaks text at spaces into lines of at most width characters; the
// lines after the first are indented by two spaces.
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		switch {
		case line == "":
			line = w
		case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(w) <= width:
			line += " " + w
		default:
			lines = append(lines, line)
			line = "  " + w
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// Wrapped writes text wrapped at MaxLine characters, every line after
// indent (continuation lines two more), for notes printed outside a
// conclusion's Text, such as the headline's why on the run's first
// screen.
func Wrapped(text, indent string) string {
	var b strings.Builder
	for _, l := range wrap(text, textWidth-len(indent)-2) {
		b.WriteString(indent + l + "\n")
	}
	return b.String()
}
