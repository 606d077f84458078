package lab

import (
	"bytes"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/infersim/infersim/scenarios"
	"go.yaml.in/yaml/v3"
)

// State is what the page shows: a built-in scenario, its size, and the
// controls the user moved away from the scenario's own values.
type State struct {
	Scenario string `json:"scenario"`
	// Full runs the scenario at its full size; otherwise its quick
	// section (`infersim run --quick`).
	Full bool `json:"full"`
	// Set maps a control's ID to its value.
	Set map[string]string `json:"set"`
}

// URL keys of the state besides the controls' IDs.
const (
	keyScenario = "s"
	keySize     = "size"
)

// Query writes the state as a URL query, keys sorted: the same state is
// always the same URL.
func (st State) Query() string {
	v := url.Values{}
	v.Set(keyScenario, st.Scenario)
	if st.Full {
		v.Set(keySize, "full")
	}
	for k, x := range st.Set {
		v.Set(k, x)
	}
	return v.Encode()
}

// ParseQuery reads a state from a URL query (a leading "?" allowed). An
// empty query is the default scenario at its quick size. It checks the
// keys, not the values (Prepare checks those against the scenario).
func ParseQuery(q string) (State, error) {
	v, err := url.ParseQuery(strings.TrimPrefix(q, "?"))
	if err != nil {
		return State{}, fmt.Errorf("lab: query: %w", err)
	}
	st := State{Scenario: scenarios.DefaultScenario}
	for k, vals := range v {
		if len(vals) != 1 {
			return State{}, fmt.Errorf("lab: query: %s is given %d times", k, len(vals))
		}
		x := vals[0]
		switch {
		case k == keyScenario:
			st.Scenario = x
		case k == keySize:
			if x != "full" && x != "quick" {
				return State{}, fmt.Errorf("lab: query: size %q is neither quick nor full", x)
			}
			st.Full = x == "full"
		case lookupSpec(k) != nil:
			if st.Set == nil {
				st.Set = map[string]string{}
			}
			st.Set[k] = x
		default:
			return State{}, fmt.Errorf("lab: query: unknown key %q (controls: %s)", k, strings.Join(ControlIDs(), ", "))
		}
	}
	return st, nil
}

// ControlIDs returns the IDs of every control, in the page's order.
func ControlIDs() []string {
	ids := make([]string, len(specs))
	for i, sp := range specs {
		ids[i] = sp.id
	}
	return ids
}

// Prepared is a state checked against its scenario: the scenario's
// patched text, the scenario it loads to (at the state's size), and the
// controls that apply.
type Prepared struct {
	State State
	// YAML is the built-in scenario's text with the controls' values
	// written in: a file `infersim run` runs (with --quick for a quick
	// state).
	YAML []byte
	// Scenario is YAML loaded and validated, its quick section applied
	// for a quick state.
	Scenario *scenarios.Scenario
	Controls []Control
}

// Prepare checks a state and patches its scenario. Values equal to the
// scenario's own are dropped from the state, and so are the values of
// controls that do not apply (a network control once no mode uses the
// network). An error names the control or the field at fault.
func Prepare(st State) (*Prepared, error) {
	if !slices.Contains(Scenarios(), st.Scenario) {
		return nil, fmt.Errorf("lab: no what-if %q (have %s)", st.Scenario, strings.Join(Scenarios(), ", "))
	}
	b, src, err := newBase(st.Scenario)
	if err != nil {
		return nil, err
	}
	set := map[string]string{}
	for k, v := range st.Set {
		sp := lookupSpec(k)
		if sp == nil {
			return nil, fmt.Errorf("lab: unknown control %q", k)
		}
		if v != sp.cur(b) {
			set[k] = v
		}
	}
	// The mode set decides which other controls apply: a second pass
	// drops the values of the controls it turned off.
	for pass := 0; ; pass++ {
		p, err := prepare(b, src, State{Scenario: st.Scenario, Full: st.Full, Set: set})
		if err != nil {
			return nil, err
		}
		dropped := false
		for k := range set {
			if !slices.ContainsFunc(p.Controls, func(c Control) bool { return c.ID == k }) {
				delete(set, k)
				dropped = true
			}
		}
		if !dropped || pass > 0 {
			if dropped {
				return prepare(b, src, State{Scenario: st.Scenario, Full: st.Full, Set: set})
			}
			return p, nil
		}
	}
}

func prepare(cached *base, src []byte, st State) (*Prepared, error) {
	b := new(base)
	*b = *cached
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, fmt.Errorf("lab: %s: %w", st.Scenario, err)
	}
	b.models = b.p0.Models
	if v, ok := st.Set["model"]; ok && v != allModels {
		b.models = []string{v}
	}
	for i := range specs {
		sp := &specs[i]
		v, ok := st.Set[sp.id]
		if !ok {
			continue
		}
		if err := sp.check(b, v); err != nil {
			return nil, err
		}
		sp.apply(&doc, v, b)
	}
	text, err := encodeDoc(&doc, st)
	if err != nil {
		return nil, err
	}
	s, err := scenarios.Parse(text, st.Scenario+".yaml", "")
	if err != nil {
		return nil, err
	}
	if !st.Full {
		if err := s.ApplyQuick(); err != nil {
			return nil, err
		}
	}
	modes := runModes(s)
	p := &Prepared{State: st, YAML: text, Scenario: s}
	for i := range specs {
		sp := &specs[i]
		if !sp.applies(b, modes) {
			continue
		}
		c := Control{ID: sp.id, Label: sp.label, Kind: sp.kind, Fields: sp.fields, Help: sp.help,
			Options: sp.options(b), Default: sp.cur(b)}
		c.Value = c.Default
		if v, ok := st.Set[sp.id]; ok {
			c.Value = v
		}
		p.Controls = append(p.Controls, c)
	}
	return p, nil
}

// encodeDoc writes a patched document with a header saying how to run it.
func encodeDoc(doc *yaml.Node, st State) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# From infersim lab: the built-in %s", st.Scenario)
	if len(st.Set) > 0 {
		keys := make([]string, 0, len(st.Set))
		for k := range st.Set {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for i, k := range keys {
			keys[i] = k + "=" + st.Set[k]
		}
		fmt.Fprintf(&b, " with %s", strings.Join(keys, ", "))
	}
	b.WriteString(".\n# Run it with: infersim run FILE.yaml")
	if !st.Full {
		b.WriteString(" --quick")
	}
	b.WriteString("\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("lab: %s: %w", st.Scenario, err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("lab: %s: %w", st.Scenario, err)
	}
	return b.Bytes(), nil
}

// bases caches newBase's work: a built-in scenario validated once per
// process (the page's worker runs one state after another). A base is
// read, never written, once made (prepare copies it).
var bases struct {
	sync.Mutex
	m map[string]cachedBase
}

type cachedBase struct {
	b   *base
	src []byte
}

// newBase loads a built-in scenario as written, with its text.
func newBase(name string) (*base, []byte, error) {
	bases.Lock()
	defer bases.Unlock()
	if c, ok := bases.m[name]; ok {
		return c.b, c.src, nil
	}
	b, src, err := loadBase(name)
	if err != nil {
		return nil, nil, err
	}
	if bases.m == nil {
		bases.m = map[string]cachedBase{}
	}
	bases.m[name] = cachedBase{b, src}
	return b, src, nil
}

func loadBase(name string) (*base, []byte, error) {
	src, err := scenarios.BuiltinYAML(name)
	if err != nil {
		return nil, nil, err
	}
	s, err := scenarios.Builtin(name)
	if err != nil {
		return nil, nil, err
	}
	pt, err := s.Point(0)
	if err != nil {
		return nil, nil, err
	}
	return &base{s: s, p0: pt.Scenario, swept: s.SweepPaths(), modes: runModes(s), chat: s.IsChat()}, src, nil
}

// runModes returns the modes of a validated scenario's first point, or
// nil when the sweep sets them (then any mode may run).
func runModes(s *scenarios.Scenario) []string {
	section, modes := "workload", func(s *scenarios.Scenario) []string { return s.Workload.Modes }
	if s.IsChat() { // a chat's cells are its llm.modes
		section, modes = "llm", func(s *scenarios.Scenario) []string { return s.LLM.Modes }
	}
	for _, p := range s.SweepPaths() {
		if p == section || strings.HasPrefix(p, section+".modes") {
			return nil
		}
	}
	pt, err := s.Point(0)
	if err != nil {
		return modes(s)
	}
	return modes(pt.Scenario)
}

// Scenarios returns the what-ifs the lab offers: guo2018 first, then the
// other built-in scenarios.
func Scenarios() []string {
	n := []string{scenarios.DefaultScenario}
	for _, b := range scenarios.BuiltinNames() {
		if b != scenarios.DefaultScenario {
			n = append(n, b)
		}
	}
	return n
}
