package scenarios

import (
	"embed"
	"fmt"
	"sort"
	"strings"
)

// The built-in scenarios are the YAML files in builtin/, embedded: adding
// one is dropping a file there (its name field must match the file name;
// TestBuiltins checks each one validates and has a golden summary).
//
//go:embed builtin/*.yaml
var builtinFS embed.FS

// DefaultScenario is the built-in scenario `infersim run` runs without an
// argument: the study's experiment.
const DefaultScenario = "guo2018"

// BuiltinNames returns the names of the built-in scenarios, sorted.
func BuiltinNames() []string {
	ents, _ := builtinFS.ReadDir("builtin")
	var n []string
	for _, e := range ents {
		if name, ok := strings.CutSuffix(e.Name(), ".yaml"); ok {
			n = append(n, name)
		}
	}
	sort.Strings(n)
	return n
}

// BuiltinYAML returns the text of a built-in scenario, comments included:
// a file to start from.
func BuiltinYAML(name string) ([]byte, error) {
	b, err := builtinFS.ReadFile("builtin/" + name + ".yaml")
	if err != nil {
		return nil, &Error{Msg: fmt.Sprintf("no built-in scenario %q%s", name, didYouMean(name, BuiltinNames()))}
	}
	return b, nil
}

// Builtin loads and validates a built-in scenario. Its file name in errors
// is "builtin:NAME.yaml"; relative paths in it resolve against the current
// directory.
func Builtin(name string) (*Scenario, error) {
	b, err := BuiltinYAML(name)
	if err != nil {
		return nil, err
	}
	s, err := Parse(b, "builtin:"+name+".yaml", "")
	if err != nil {
		return nil, err
	}
	if s.Name != name {
		return nil, &Error{File: "builtin:" + name + ".yaml", Field: "name", Msg: fmt.Sprintf("%q does not match the file name", s.Name)}
	}
	return s, nil
}

// BuiltinInfo describes a built-in scenario for a listing.
type BuiltinInfo struct {
	Name         string
	Description  string // the first sentence
	Points       int
	Cells        int // cells of the first point
	Replications int
}

// Builtins lists the built-in scenarios with their size.
func Builtins() ([]BuiltinInfo, error) {
	var out []BuiltinInfo
	for _, n := range BuiltinNames() {
		s, err := Builtin(n)
		if err != nil {
			return nil, err
		}
		info := BuiltinInfo{Name: n, Description: firstSentence(s.Description), Points: s.Points(), Replications: s.Replications}
		if pt, err := s.Point(0); err == nil {
			info.Cells = len(pt.Scenario.Cells())
		}
		out = append(out, info)
	}
	return out, nil
}

// firstSentence returns s up to its first ". " or ": ", trimmed.
func firstSentence(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	for _, sep := range []string{". ", ": "} {
		if i := strings.Index(s, sep); i > 0 {
			s = s[:i]
		}
	}
	return strings.TrimSuffix(s, ".")
}

// Resolve loads a scenario named on the command line: a file path if it
// names an existing file or ends in .yaml/.yml, else a built-in name.
func Resolve(arg string) (*Scenario, error) {
	if arg == "" {
		return Builtin(DefaultScenario)
	}
	if strings.HasSuffix(arg, ".yaml") || strings.HasSuffix(arg, ".yml") || strings.ContainsRune(arg, '/') {
		return Load(arg)
	}
	for _, n := range BuiltinNames() {
		if n == arg {
			return Builtin(arg)
		}
	}
	if _, err := statFile(arg); err == nil {
		return Load(arg)
	}
	return nil, &Error{Msg: fmt.Sprintf("no scenario file or built-in scenario %q%s", arg, didYouMean(arg, BuiltinNames()))}
}
