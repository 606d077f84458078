package conclude

import (
	"strings"
	"unicode/utf8"

	"github.com/infersim/infersim/result"
)

// textWidth is the widest a line of Text's notes is wrapped to.
const textWidth = MaxLine

// Text writes a conclusion as the run's table prints it: "  - " and the
// sentence, then its table indented under it (aligned columns, a line per
// group), then its notes wrapped at MaxLine characters.
func Text(c result.Conclusion) string {
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
		for _, r := range rows {
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
	}
	for _, n := range c.Notes {
		for _, l := range wrap(n, textWidth-len(indent)-2) {
			b.WriteString(indent + l + "\n")
		}
		// continuation lines are indented two more (wrap does it)
	}
	return b.String()
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
