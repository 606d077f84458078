package scenarios

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/infersim/infersim/scenarios/internal/schema"
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
	root, err := schema.ParseDocument(data, filename, "a scenario needs at least name, models and workload.modes")
	if err != nil {
		return nil, err
	}
	return decodeDoc(root, filename, dir)
}

// decodeDoc decodes a parsed document.
func decodeDoc(root *yaml.Node, filename, dir string) (*Scenario, error) {
	c := &collector{File: filename}
	s := &Scenario{file: filename, dir: dir, doc: root}
	d := schema.NewDecoder(c)
	d.Decode(registry, root, reflect.ValueOf(s).Elem(), "", 0)
	s.set, s.lines, s.bad, s.decodeErrs = d.Set, d.Lines, d.Bad, c.Errs
	if d.Over {
		return nil, c.Err() // hostile input: nothing more to say
	}
	return s, c.Err()
}

func statFile(p string) (os.FileInfo, error) { return os.Stat(p) }
