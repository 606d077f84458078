package schema

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Kind is how a field's value is written.
type Kind uint8

// The kinds of field.
const (
	KindStruct   Kind = iota // a mapping of fields
	KindList                 // a sequence of one element field
	KindText                 // free text
	KindName                 // a name from a dynamic list (checked by the caller)
	KindEnum                 // one of a fixed or dynamic list, checked on decoding
	KindInt                  // an integer
	KindUint                 // a non-negative 64-bit integer
	KindFloat                // a plain number
	KindFraction             // a number in [0, 1] or a percentage (Fraction)
	KindBool                 // true or false
	KindDuration             // units.Duration: "20ms"
	KindBitRate              // units.BitRate: "25Mbps"
	KindBytes                // units.Bytes: "2GiB"
	KindCharge               // units.Charge: "2300mAh"
	KindByteRate             // units.ByteRate: "500MB/s"
	KindRate                 // Rate: "30/min"
	KindSize                 // ImageSize: "1920x1080"
	KindWord                 // a string its field's parse function accepts (Word)
	KindAny                  // any YAML value, kept as a yaml.Node
)

var kindNames = [...]string{
	KindStruct: "mapping", KindList: "list", KindText: "text", KindName: "name", KindEnum: "one of",
	KindInt: "integer", KindUint: "integer", KindFloat: "number", KindFraction: "fraction", KindBool: "boolean",
	KindDuration: "duration", KindBitRate: "bit rate", KindBytes: "data size", KindCharge: "charge", KindByteRate: "byte rate",
	KindRate: "rate", KindSize: "image size", KindWord: "word", KindAny: "value",
}

// String names the kind: "integer", "bit rate".
func (k Kind) String() string { return kindNames[k] }

// IsUnit reports whether the kind is a quantity written with its unit.
func (k Kind) IsUnit() bool {
	switch k {
	case KindDuration, KindBitRate, KindBytes, KindCharge, KindByteRate, KindRate:
		return true
	}
	return false
}

// IsNumeric reports whether a value of the kind is a number (for ranges
// and numeric checks).
func (k Kind) IsNumeric() bool {
	return k.IsUnit() || k == KindInt || k == KindUint || k == KindFloat || k == KindFraction
}

// Field is one entry of a registry: a mapping (with Fields), a list (with
// an element field) or a scalar. Build fields with Fld, Obj, OptionalObj
// and List, and finish the root with Root.
type Field struct {
	name   string // YAML key
	goName string // Go struct field
	kind   Kind
	desc   string
	def    string          // default, as YAML text ("" none)
	defN   *yaml.Node      // def parsed, at registration
	preset string          // the default comes from this preset field ("phone.device")
	enum   func() []string // KindEnum: the allowed values
	names  func() []string // KindName: the known names, for suggestions and the JSON Schema
	noun   string          // KindName: what a name names, for errors ("phone preset")
	// openNames: other values than names are allowed (file paths); the
	// JSON Schema lists the names as examples, not as an enum.
	openNames bool
	orNone    bool // KindName: "none" is allowed too (the JSON Schema enum says so)
	// word: KindWord's label ("mode"), JSON Schema pattern and parser.
	label   string
	pattern string
	parse   func(string) error
	// orInteger: the word field also takes a plain integer (written and
	// typed as a number in the YAML and the JSON Schema).
	orInteger bool
	// optional: a mapping whose fields get no defaults unless it is
	// written (lifecycle, sweep, range).
	optional bool
	fields   []*Field // KindStruct
	elem     *Field   // KindList
	checks   []Check
	// scalarList: a single scalar where this list is expected is a
	// one-element list ("models: alexnet").
	scalarList bool
	// shorthand: a scalar that stands for a whole value ("images: study"),
	// parsed at registration.
	shorthand  map[string]string
	shorthandN map[string]*yaml.Node
	noSweep    bool   // may not be swept (name, sweep, outputs, ...)
	example    string // shown in the field reference
}

// Name returns the field's YAML key ("" for a list element or the root).
func (f *Field) Name() string { return f.name }

// Preset returns the path of the preset field the field's default comes
// from ("phone.device"), or "".
func (f *Field) Preset() string { return f.preset }

// Kind returns how the field is written.
func (f *Field) Kind() Kind { return f.kind }

// Fields returns a mapping's fields.
func (f *Field) Fields() []*Field { return f.fields }

// EnumValues returns the values a KindEnum field allows, read now from
// the function its registration gave.
func (f *Field) EnumValues() []string {
	if f.enum == nil {
		return nil
	}
	return f.enum()
}

// KindName names what the field takes: its kind's name, or a word
// field's label ("mode").
func (f *Field) KindName() string {
	if f.kind == KindWord && f.label != "" {
		return f.label
	}
	return kindNames[f.kind]
}

// AKind names what the field takes with its article, for messages: "an
// integer", "a mapping", "a mode"; an enum is "a value" (its message
// lists the choices).
func (f *Field) AKind() string {
	name := f.KindName()
	switch {
	case f.kind == KindEnum:
		return "a value"
	case strings.ContainsRune("aeiou", rune(name[0])):
		return "an " + name
	}
	return "a " + name
}

// Child returns the mapping's field named name, or nil.
func (f *Field) Child(name string) *Field {
	for _, c := range f.fields {
		if c.name == name {
			return c
		}
	}
	return nil
}

// ChildNames returns the names of a mapping's fields, in order.
func (f *Field) ChildNames() []string {
	n := make([]string, len(f.fields))
	for i, c := range f.fields {
		n[i] = c.name
	}
	return n
}

// Check is a range check on a numeric value or a rule on a text value,
// registered with the field so that the reference and the JSON Schema
// state it.
type Check struct {
	Doc  string                // e.g. "≥ 1", for the reference
	JSON map[string]any        // JSON Schema keywords (numbers; text checks on text fields)
	Num  func(x float64) bool  // numeric check
	Text func(s string) string // text check: "" or a message
}

// num prints a bound without an exponent: 100000, 0.5.
func num(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// AtLeast is the check x ≥ n.
func AtLeast(n float64) Check {
	return Check{Doc: "≥ " + num(n), JSON: map[string]any{"minimum": n}, Num: func(x float64) bool { return x >= n }}
}

// AtMost is the check x ≤ n.
func AtMost(n float64) Check {
	return Check{Doc: "≤ " + num(n), JSON: map[string]any{"maximum": n}, Num: func(x float64) bool { return x <= n }}
}

// Above is the check x > n.
func Above(n float64) Check {
	return Check{Doc: "> " + num(n), JSON: map[string]any{"exclusiveMinimum": n}, Num: func(x float64) bool { return x > n }}
}

// Below is the check x < n.
func Below(n float64) Check {
	return Check{Doc: "< " + num(n), JSON: map[string]any{"exclusiveMaximum": n}, Num: func(x float64) bool { return x < n }}
}

// Positive is the check x > 0, without a JSON Schema bound (a unit
// string has none).
var Positive = Check{Doc: "> 0", Num: func(x float64) bool { return x > 0 }}

// NonNegative is the check x ≥ 0, without a JSON Schema bound.
var NonNegative = Check{Doc: "≥ 0", Num: func(x float64) bool { return x >= 0 }}

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// NamePattern is the rule for names that become file names: lower-case
// letters, digits and '-', at most 64 characters.
var NamePattern = Check{Doc: "[a-z0-9-]+", JSON: map[string]any{"pattern": "^[a-z0-9][a-z0-9-]*$", "maxLength": 64}, Text: func(s string) string {
	if len(s) > 64 {
		return fmt.Sprintf("%q is longer than 64 characters", s)
	}
	if !nameRE.MatchString(s) {
		return fmt.Sprintf("%q must be lower-case letters, digits and '-' (it names the output directory)", s)
	}
	return ""
}}

func (c Check) jsonKeywords(k Kind) map[string]any {
	if k.IsUnit() {
		return nil // a unit string has no numeric bounds in JSON Schema
	}
	return c.JSON
}

// Option configures a field.
type Option func(*Field)

// Def gives the field a default, as YAML text.
func Def(s string) Option { return func(f *Field) { f.def = s } }

// FromPreset says the field's default comes from the preset named at
// path p.
func FromPreset(p string) Option { return func(f *Field) { f.preset = p } }

// Enum fixes a KindEnum field's values.
func Enum(v ...string) Option { return func(f *Field) { f.enum = func() []string { return v } } }

// EnumFunc gives a KindEnum field's values through a function, read every
// time they are needed: values registered later are allowed.
func EnumFunc(fn func() []string) Option { return func(f *Field) { f.enum = fn } }

// Names gives a KindName field its known names and what they name.
func Names(noun string, fn func() []string) Option {
	return func(f *Field) { f.noun, f.names = noun, fn }
}

// OpenNames says a KindName field also takes values that are not names
// (file paths): the JSON Schema gives the names as examples.
func OpenNames() Option { return func(f *Field) { f.openNames = true } }

// OrNone says a KindName field also takes "none".
func OrNone() Option { return func(f *Field) { f.orNone = true } }

// Word makes a KindWord field: label names what it takes ("mode"),
// pattern is its JSON Schema pattern, and parse accepts or rejects a
// value (its error is the message).
func Word(label, pattern string, parse func(string) error) Option {
	return func(f *Field) { f.label, f.pattern, f.parse = label, pattern, parse }
}

// OrInteger lets a KindWord field take a plain integer as well as its
// words ("warmup: 3" beside "warmup: 2s"): the JSON Schema allows an
// integer, and an integer value is written as a number.
func OrInteger() Option { return func(f *Field) { f.orInteger = true } }

// Checks adds checks.
func Checks(c ...Check) Option { return func(f *Field) { f.checks = append(f.checks, c...) } }

// ScalarList lets a single scalar stand for a one-element list.
func ScalarList() Option { return func(f *Field) { f.scalarList = true } }

// NoSweep marks the field as one a sweep may not vary.
func NoSweep() Option { return func(f *Field) { f.noSweep = true } }

// Example gives the example shown in the field reference.
func Example(s string) Option { return func(f *Field) { f.example = s } }

// Shorthand lets scalars stand for whole values, written as YAML text.
func Shorthand(m map[string]string) Option {
	return func(f *Field) { f.shorthand = m }
}

// Fld returns a scalar field (or a list with List).
func Fld(name, goName string, k Kind, desc string, opts ...Option) *Field {
	f := &Field{name: name, goName: goName, kind: k, desc: desc}
	for _, o := range opts {
		o(f)
	}
	return f
}

// Obj returns a mapping field.
func Obj(name, goName, desc string, fields ...*Field) *Field {
	return &Field{name: name, goName: goName, kind: KindStruct, desc: desc, fields: fields}
}

// OptionalObj is Obj for a mapping whose fields take their defaults only
// when it is written.
func OptionalObj(name, goName, desc string, fields ...*Field) *Field {
	f := Obj(name, goName, desc, fields...)
	f.optional = true
	return f
}

// List returns a list field of elem.
func List(name, goName string, elem *Field, desc string, opts ...Option) *Field {
	f := Fld(name, goName, KindList, desc, opts...)
	f.elem = elem
	return f
}

const noSweepMark = "\x00nosweep"

// NoSweepAll is a pseudo-field marking the mapping it is listed in as not
// sweepable; Root drops it.
func NoSweepAll() *Field { return &Field{name: noSweepMark} }

// Root finishes a registry: it applies NoSweepAll marks and parses every
// default and shorthand once, so the decoder shares the nodes (it does not
// modify them). A default that is not YAML is a programmer error: Root
// panics.
func Root(f *Field) *Field {
	kept := f.fields[:0]
	for _, c := range f.fields {
		if c.name == noSweepMark {
			f.noSweep = true
			continue
		}
		kept = append(kept, c)
	}
	f.fields = kept
	if f.def != "" {
		f.defN = parseText(f.def)
	}
	if f.shorthand != nil {
		f.shorthandN = map[string]*yaml.Node{}
		for k, text := range f.shorthand {
			f.shorthandN[k] = parseText(text)
		}
	}
	for _, c := range f.fields {
		Root(c)
	}
	if f.elem != nil {
		Root(f.elem)
	}
	return f
}

// parseText parses a default or shorthand; the text is program text, so
// an error is a programmer error.
func parseText(text string) *yaml.Node {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil || len(doc.Content) != 1 {
		panic(fmt.Sprintf("scenarios: bad default or shorthand %q: %v", text, err))
	}
	return doc.Content[0]
}
