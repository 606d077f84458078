package schema

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ParseDocument parses data, a file that holds one YAML document, and
// returns the document's root node. It refuses a file over MaxFileSize
// and flow collections nested deeper than MaxDepth before the YAML parser
// sees them; syntax errors carry the file and line. An empty file is an
// error whose message says what the document needs (empty).
func ParseDocument(data []byte, filename, empty string) (*yaml.Node, error) {
	if len(data) > MaxFileSize {
		return nil, &Error{File: filename, Msg: fmt.Sprintf("file is more than %d bytes, the most a scenario may have: refused", MaxFileSize)}
	}
	if line, ok := tooDeep(data); !ok {
		return nil, ErrorList{{File: filename, Line: line, Msg: fmt.Sprintf("nested deeper than %d levels: refused", MaxDepth)}}
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if err == io.EOF {
			return nil, ErrorList{{File: filename, Msg: "empty file: " + empty}}
		}
		if line := tabIndented(data); line > 0 {
			// YAML's own message ("found character that cannot start any
			// token") says nothing of the tab that causes it.
			return nil, ErrorList{{File: filename, Line: line, Msg: "YAML syntax: tabs are not allowed for indentation; use spaces"}}
		}
		return nil, yamlError(filename, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, ErrorList{{File: filename, Line: extra.Line, Msg: "a scenario file holds one YAML document; found a second one (---)"}}
	}
	return doc.Content[0], nil
}

// tabIndented returns the first line (from 1) whose indentation holds a
// tab, 0 if none does.
func tabIndented(data []byte) int {
	for i, line := range bytes.Split(data, []byte("\n")) {
		indent := line[:len(line)-len(bytes.TrimLeft(line, " \t"))]
		if bytes.IndexByte(indent, '\t') >= 0 && len(bytes.TrimSpace(line)) > 0 {
			return i + 1
		}
	}
	return 0
}

// yamlError turns a yaml syntax error ("yaml: line 3: mapping values are
// not allowed in this context") into an Error with the file and line.
func yamlError(filename string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if n, rest, ok := cutLine(msg); ok {
		line, msg = n, rest
	}
	return ErrorList{{File: filename, Line: line, Msg: "YAML syntax: " + msg}}
}

func cutLine(msg string) (int, string, bool) {
	rest, ok := strings.CutPrefix(msg, "line ")
	if !ok {
		return 0, msg, false
	}
	n, i := 0, 0
	for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
		n = n*10 + int(rest[i]-'0')
		i++
	}
	if i == 0 || !strings.HasPrefix(rest[i:], ": ") {
		return 0, msg, false
	}
	return n, rest[i+2:], true
}

// tooDeep scans for flow collections ([ and {) nested deeper than MaxDepth
// before the YAML parser sees them, so that a hostile file is refused in
// one linear pass with a clear message. Brackets inside quotes and
// comments do not count. Block nesting is bounded by indentation, which
// the size limit bounds; the decoder checks it too.
func tooDeep(data []byte) (int, bool) {
	depth, line := 0, 1
	var quote byte
	comment := false
	for i, c := range data {
		if c == '\n' {
			line++
			comment = false
			if quote == '\'' || quote == '"' {
				continue // quoted scalars may span lines
			}
			continue
		}
		if comment {
			continue
		}
		if quote != 0 {
			if c == quote && (quote == '\'' || i == 0 || data[i-1] != '\\') {
				quote = 0
			}
			continue
		}
		switch c {
		case '#':
			if i == 0 || data[i-1] == ' ' || data[i-1] == '\t' || data[i-1] == '\n' {
				comment = true
			}
		case '"', '\'':
			if i == 0 || strings.IndexByte(" \t\n[{,:-", data[i-1]) >= 0 {
				quote = c
			}
		case '[', '{':
			depth++
			if depth > MaxDepth {
				return line, false
			}
		case ']', '}':
			if depth > 0 {
				depth--
			}
		}
	}
	return 0, true
}

// CopyTree copies a document, expanding aliases (bounded: a document that
// passed the decoder's limits). depth is n's depth (0 for a root).
func CopyTree(n *yaml.Node, depth int) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil && depth < MaxDepth {
		n = n.Alias
		depth++
	}
	c := *n
	c.Anchor = ""
	c.Content = nil
	if depth < MaxDepth {
		for _, e := range n.Content {
			c.Content = append(c.Content, CopyTree(e, depth+1))
		}
	}
	return &c
}

// MapValue returns the value of key in a mapping node, or nil.
func MapValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// GetDoc returns the value at a path of mapping keys, or nil.
func GetDoc(root *yaml.Node, path []string) *yaml.Node {
	n := root
	for _, k := range path {
		if n = MapValue(n, k); n == nil {
			return nil
		}
	}
	return n
}

// SetDoc sets the value at a path of mapping keys, creating mappings on
// the way.
func SetDoc(root *yaml.Node, path []string, v *yaml.Node) {
	n := root
	for i, k := range path {
		next := MapValue(n, k)
		if i == len(path)-1 {
			if next != nil {
				*next = *v
				return
			}
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k}, v)
			return
		}
		if next == nil || next.Kind != yaml.MappingNode {
			m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			if next != nil {
				*next = *m
				next = MapValue(n, k)
			} else {
				n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k}, m)
				next = m
			}
		}
		n = next
	}
}

// DeleteDoc removes the key at a path of mapping keys, if present.
func DeleteDoc(root *yaml.Node, path []string) {
	parent := GetDoc(root, path[:len(path)-1])
	if parent == nil || parent.Kind != yaml.MappingNode {
		return
	}
	key := path[len(path)-1]
	for i := 0; i+1 < len(parent.Content); i += 2 {
		if parent.Content[i].Value == key {
			parent.Content = append(parent.Content[:i], parent.Content[i+2:]...)
			return
		}
	}
}
