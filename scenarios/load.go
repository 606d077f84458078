package scenarios

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Load reads, decodes and validates the scenario file at path. Every
// problem is reported at once, as an ErrorList of "scenarios: file:line:
// field: message". Relative paths in the file (traces) are resolved
// against the file's directory.
func Load(path string) (*Scenario, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &Error{File: path, Msg: strings.TrimPrefix(err.Error(), "open "+path+": ")}
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > MaxFileSize {
		return nil, &Error{File: path, Msg: fmt.Sprintf("file is %d bytes, more than the %d a scenario may have: refused", st.Size(), MaxFileSize)}
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, &Error{File: path, Msg: err.Error()}
	}
	return Parse(data, path, filepath.Dir(path))
}

// Parse decodes and validates a scenario from data. filename is used in
// errors; dir is the directory relative paths in the scenario are resolved
// against ("" for the current directory).
func Parse(data []byte, filename, dir string) (*Scenario, error) {
	s, err := decodeScenario(data, filename, dir)
	if s == nil {
		return nil, err
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return s, nil
}

// decodeScenario parses and decodes without validating. A file that
// cannot be parsed gives a nil scenario; one with bad values gives the
// scenario (those fields unset) and keeps the errors for Validate, so that
// one pass reports everything.
func decodeScenario(data []byte, filename, dir string) (*Scenario, error) {
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
			return nil, ErrorList{{File: filename, Msg: "empty file: a scenario needs at least name, models and workload.modes"}}
		}
		return nil, yamlError(filename, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, ErrorList{{File: filename, Line: extra.Line, Msg: "a scenario file holds one YAML document; found a second one (---)"}}
	}
	return decodeDoc(doc.Content[0], filename, dir)
}

// decodeDoc decodes a parsed document.
func decodeDoc(root *yaml.Node, filename, dir string) (*Scenario, error) {
	c := &collector{file: filename}
	s := &Scenario{file: filename, dir: dir, doc: root}
	d := newDecoder(c)
	d.decode(registry, root, reflect.ValueOf(s).Elem(), "", 0)
	s.set, s.lines, s.bad, s.decodeErrs = d.set, d.lines, d.bad, c.errs
	if d.over {
		return nil, c.err() // hostile input: nothing more to say
	}
	return s, c.err()
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

func statFile(p string) (os.FileInfo, error) { return os.Stat(p) }
