// Package yamlpos finds where things are in a YAML document, for errors
// that name the file, line and field ("p.yaml:12: models[0].layers[3]:
// ..."), as DESIGN.md asks of every input file: the line of a dotted field
// path in a parsed document, and the line and the short message of an error
// from go.yaml.in/yaml/v3.
//
// It lives under models because models, which reads kernel profiles, may
// import nothing of ours outside itself; devices, which reads processor
// profiles, may import models and its packages. It imports nothing of ours.
package yamlpos

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// FieldLine returns the line of a dotted field path such as
// "models[0].layers[3].median_s" or "scaled.factors.conv.value" in the
// mapping n (a document's root mapping). When the field is absent, it
// returns the line of its nearest ancestor that is present; for "", n's
// own line.
func FieldLine(n *yaml.Node, path string) int {
	line := n.Line
	if path == "" {
		return line
	}
	for _, part := range strings.Split(path, ".") {
		key, idx := part, -1
		if i := strings.IndexByte(part, '['); i >= 0 {
			key = part[:i]
			idx, _ = strconv.Atoi(strings.TrimSuffix(part[i+1:], "]"))
		}
		if n.Kind != yaml.MappingNode {
			return line
		}
		found := false
		for k := 0; k+1 < len(n.Content); k += 2 {
			if n.Content[k].Value == key {
				line = n.Content[k].Line
				n = n.Content[k+1]
				found = true
				break
			}
		}
		if !found {
			return line
		}
		if idx >= 0 {
			if n.Kind != yaml.SequenceNode || idx >= len(n.Content) {
				return line
			}
			n = n.Content[idx]
			line = n.Line
		}
	}
	return line
}

// ErrorLine returns the line a YAML error names ("yaml: line 3: ..."; the
// first one of several unmarshal errors), or 0 if it names none.
func ErrorLine(err error) int {
	msg := err.Error()
	if i := strings.Index(msg, "line "); i >= 0 {
		rest := msg[i+5:]
		j := 0
		for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
			j++
		}
		if n, e := strconv.Atoi(rest[:j]); e == nil {
			return n
		}
	}
	return 0
}

// ErrorMessage returns a YAML error's message without the "yaml: " prefix,
// the "unmarshal errors:" heading and the first "line N: " (ErrorLine
// gives it): "mapping values are not allowed in this context". Further
// unmarshal errors stay on their own lines.
func ErrorMessage(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.ReplaceAll(msg, "unmarshal errors:\n  ", "")
	if i := strings.Index(msg, "line "); i >= 0 {
		if j := strings.Index(msg[i:], ": "); j >= 0 {
			msg = msg[:i] + msg[i+j+2:]
		}
	}
	return strings.TrimSpace(msg)
}
