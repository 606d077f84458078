package scenarios

import (
	"fmt"
	"reflect"

	"github.com/infersim/infersim/scenarios/internal/schema"
	"github.com/infersim/infersim/units"
	"go.yaml.in/yaml/v3"
)

// The scenario side of the schema engine (scenarios/internal/schema):
// short names for the registration table in fields.go and the checks
// beside it, and the registry's entry points. The engine is generic; what
// a scenario's fields are, and which names they take, is in fields.go.

type (
	field     = schema.Field
	collector = schema.Collector
)

// Error is one problem in a scenario: where it is (file, line, the field's
// dot path) and what is wrong. Its text is "scenarios: file:line: field:
// message"; parts that are unknown are left out.
type Error = schema.Error

// ErrorList is every problem found in one pass over a scenario, sorted by
// line. Its text has one Error per line.
type ErrorList = schema.ErrorList

// Limits on hostile input. A scenario is a page of YAML; these are far
// above any real one and far below what could slow the loader down.
const (
	// MaxFileSize is the largest scenario file Load reads.
	MaxFileSize = schema.MaxFileSize
	// MaxDepth is the deepest nesting of mappings and lists accepted.
	MaxDepth = schema.MaxDepth
	// MaxNodes is the most YAML nodes the decoder visits, aliases
	// expanded: a "billion laughs" document stops here.
	MaxNodes = schema.MaxNodes
	// MaxPoints is the most sweep points a scenario may expand to.
	MaxPoints = 1000000
)

const (
	kText     = schema.KindText
	kName     = schema.KindName
	kEnum     = schema.KindEnum
	kInt      = schema.KindInt
	kUint     = schema.KindUint
	kFloat    = schema.KindFloat
	kFraction = schema.KindFraction
	kBool     = schema.KindBool
	kDuration = schema.KindDuration
	kBitRate  = schema.KindBitRate
	kBytes    = schema.KindBytes
	kCharge   = schema.KindCharge
	kByteRate = schema.KindByteRate
	kRate     = schema.KindRate
	kSize     = schema.KindSize
	kWord     = schema.KindWord
	kAny      = schema.KindAny
)

// check is a range check or a text rule of the registration table
// (schema.Check under a short name, so that the table reads as before).
type check struct {
	doc  string                // e.g. "≥ 1", for the reference
	num  func(x float64) bool  // numeric check
	text func(s string) string // text check: "" or a message
	json map[string]any        // JSON Schema keywords
}

func (c check) schema() schema.Check {
	return schema.Check{Doc: c.doc, JSON: c.json, Num: c.num, Text: c.text}
}

func fromSchema(c schema.Check) check {
	return check{doc: c.Doc, num: c.Num, text: c.Text, json: c.JSON}
}

var (
	positive    = fromSchema(schema.Positive)
	nonNegative = fromSchema(schema.NonNegative)
	namePattern = fromSchema(schema.NamePattern)
)

func atLeast(n float64) check { return fromSchema(schema.AtLeast(n)) }
func atMost(n float64) check  { return fromSchema(schema.AtMost(n)) }
func below(n float64) check   { return fromSchema(schema.Below(n)) }

func checks(cs ...check) schema.Option {
	s := make([]schema.Check, len(cs))
	for i, c := range cs {
		s[i] = c.schema()
	}
	return schema.Checks(s...)
}

var (
	fld         = schema.Fld
	obj         = schema.Obj
	optionalObj = schema.OptionalObj
	list        = schema.List
	noSweepAll  = schema.NoSweepAll
	def         = schema.Def
	fromPreset  = schema.FromPreset
	enum        = schema.Enum
	enumFunc    = schema.EnumFunc
	names       = schema.Names
	scalarList  = schema.ScalarList
	noSweep     = schema.NoSweep
	example     = schema.Example
	shorthand   = schema.Shorthand
)

// registry is every field of a scenario file, built once (fields.go). The
// decoder, Validate, the sweep paths, the JSON Schema and the field
// reference all read it, so a field documented here is a field the loader
// accepts, and no other. TestRegistryMatchesTypes keeps it and the Go
// types in step. The names a field takes are read from their registries
// (network, devices, models) when needed, so they are not part of it.
var registry = schema.Root(buildRegistry())

// lookupPath returns the registry field at a dot path with list indices
// ("workload.images[0].size"), or an error message with a suggestion.
func lookupPath(path string) (*field, string) {
	return schema.LookupPath(registry, path, "the scenario")
}

// aKind names what a field takes with its article: "an integer", "a mode".
func aKind(f *field) string { return f.AKind() }

func didYouMean(s string, candidates []string) string { return schema.DidYouMean(s, candidates) }

func durationText(d units.Duration) string { return schema.DurationText(d) }

// Edits of a parsed document, for sweeps, overrides and quick runs.
var (
	copyTree  = schema.CopyTree
	mapValue  = schema.MapValue
	getDoc    = schema.GetDoc
	setDoc    = schema.SetDoc
	deleteDoc = schema.DeleteDoc
)

// errorf is fmt.Errorf for messages that become an Error's Msg.
func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }

// state returns the scenario's bookkeeping for the schema engine.
func (s *Scenario) state() schema.State {
	return schema.State{Set: s.set, Filled: s.filled, Lines: s.lines, Bad: s.bad}
}

// encode turns a scenario into a YAML node tree through the registry. With
// all, every field that has a value is written (defaults and presets
// included: the resolved scenario); otherwise only the fields written in
// the file or set in Go (the document a sweep re-decodes).
func encode(s *Scenario, all bool) *yaml.Node {
	return schema.Encode(registry, reflect.ValueOf(s).Elem(), s.state(), all)
}

// JSONSchema returns the JSON Schema (draft 2020-12) of scenario files,
// generated from the registry the loader uses: every field with its type,
// description, default, allowed values and numeric bounds. Editors with a
// YAML language server complete and check scenario files with it (add
// "# yaml-language-server: $schema=infersim.schema.json" at the top).
func JSONSchema() []byte {
	return schema.JSONSchema(registry, map[string]any{
		"$id":      "https://github.com/infersim/infersim/scenario.schema.json",
		"title":    "infersim scenario",
		"required": []string{"name", "models", "workload"},
	})
}

// FieldReference returns the field reference as a Markdown table, one row
// per field with its dot path, what it takes, its default and its
// description, generated from the registry (README's table is this text;
// TestFieldReferenceUpToDate keeps them equal). A field whose default comes
// from a preset shows the value each preset gives.
func FieldReference() string { return schema.ReferenceWith(registry, presetDefaults) }

// numberLen returns the length of the number at the start of s.
func numberLen(s string) int { return schema.NumberLen(s) }
