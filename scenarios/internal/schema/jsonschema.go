package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// UnitSpellings lists the units each quantity kind accepts, for the JSON
// Schema's patterns and the field reference. They mirror package units'
// tables; TestUnitSpellings checks each one parses there.
var UnitSpellings = map[Kind][]string{
	KindDuration: {"ns", "us", "µs", "ms", "s", "min", "h"},
	KindBitRate:  {"bps", "kbps", "Kbps", "Mbps", "Gbps", "bit/s", "kbit/s", "Mbit/s", "Gbit/s", "B/s", "kB/s", "KB/s", "MB/s", "GB/s"},
	KindBytes:    {"B", "kB", "KB", "MB", "GB", "TB", "KiB", "MiB", "GiB", "TiB"},
	KindCharge:   {"C", "mAh", "Ah"},
	KindByteRate: {"B/s", "kB/s", "KB/s", "MB/s", "GB/s", "TB/s", "KiB/s", "MiB/s", "GiB/s"},
	KindRate:     {"/s", "/min", "/h"},
}

const numberRE = `[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?`

// UnitPattern returns the JSON Schema pattern of a quantity kind: a number
// and one of its units.
func UnitPattern(k Kind) string {
	var alts []string
	for _, u := range UnitSpellings[k] {
		alts = append(alts, regexp.QuoteMeta(u))
	}
	return `^\s*` + numberRE + `\s*(` + strings.Join(alts, "|") + `)\s*$`
}

// JSONSchema returns the JSON Schema (draft 2020-12) of documents of the
// registry root as indented JSON: every field with its type, description,
// default, allowed values and numeric bounds. meta adds keywords to the
// root ($id, title, required).
func JSONSchema(root *Field, meta map[string]any) []byte {
	m := schemaOf(root)
	m["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	for k, v := range meta {
		m[k] = v
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		panic("scenarios: JSON Schema: " + err.Error()) // built from program data
	}
	return b.Bytes()
}

func schemaOf(f *Field) map[string]any {
	m := map[string]any{}
	desc := f.desc
	if d := checksText(f); d != "" {
		desc += " Must be " + d + "."
	}
	if desc != "" {
		m["description"] = desc
	}
	if f.def != "" {
		m["default"] = yamlToJSON(f.def, f)
	}
	if f.example != "" {
		m["examples"] = []any{yamlToJSON(f.example, f)}
	}
	switch f.kind {
	case KindStruct:
		m["type"] = "object"
		props := map[string]any{}
		for _, c := range f.fields {
			props[c.name] = schemaOf(c)
		}
		m["properties"] = props
		m["additionalProperties"] = false
		if len(f.shorthand) > 0 {
			// A scalar standing for the whole mapping ("jitter: none").
			obj := map[string]any{}
			for _, k := range []string{"type", "properties", "additionalProperties"} {
				obj[k] = m[k]
				delete(m, k)
			}
			alts := []any{obj}
			for _, k := range sortedKeys(f.shorthand) {
				alts = append(alts, map[string]any{"const": k})
			}
			m["anyOf"] = alts
		}
	case KindList:
		listSchema(m, f)
	case KindName:
		nameSchema(m, f)
	case KindEnum:
		m["type"] = "string"
		m["enum"] = f.EnumValues()
	default:
		scalarSchema(m, f)
	}
	return m
}

func listSchema(m map[string]any, f *Field) {
	arr := map[string]any{"type": "array", "items": schemaOf(f.elem)}
	var alts []any
	alts = append(alts, arr)
	if f.scalarList {
		alts = append(alts, schemaOf(f.elem))
	}
	for _, k := range sortedKeys(f.shorthand) {
		alts = append(alts, map[string]any{"const": k})
	}
	if len(alts) == 1 {
		for k, v := range arr {
			m[k] = v
		}
	} else {
		m["anyOf"] = alts
	}
}

func nameSchema(m map[string]any, f *Field) {
	m["type"] = "string"
	if f.names == nil {
		return
	}
	names := f.names()
	switch {
	case f.openNames:
		m["examples"] = names // or a file path
	case f.orNone:
		m["enum"] = append(append([]string(nil), names...), "none")
	default:
		m["enum"] = names
	}
}

func scalarSchema(m map[string]any, f *Field) {
	switch f.kind {
	case KindText:
		m["type"] = "string"
		for _, c := range f.checks {
			if c.Text != nil {
				for k, v := range c.JSON {
					m[k] = v
				}
			}
		}
	case KindInt, KindUint:
		m["type"] = "integer"
		if f.kind == KindUint {
			m["minimum"] = 0
		}
		bounds(m, f)
	case KindFloat:
		m["type"] = "number"
		bounds(m, f)
	case KindFraction:
		num := map[string]any{"type": "number"}
		bounds(num, f)
		m["anyOf"] = []any{num, map[string]any{"type": "string", "pattern": `^\s*` + numberRE + `\s*%\s*$`}}
	case KindBool:
		m["type"] = "boolean"
	case KindDuration, KindBitRate, KindBytes, KindCharge, KindByteRate, KindRate:
		m["type"] = "string"
		m["pattern"] = UnitPattern(f.kind)
	case KindSize:
		m["type"] = "string"
		m["pattern"] = `^[0-9]+x[0-9]+$`
	case KindWord:
		m["type"] = "string"
		if f.orInteger {
			m["type"] = []string{"string", "integer"}
		}
		if f.pattern != "" {
			m["pattern"] = f.pattern
		}
	case KindAny:
		// any YAML value
	}
}

func bounds(m map[string]any, f *Field) {
	for _, c := range f.checks {
		for k, v := range c.jsonKeywords(f.kind) {
			m[k] = v
		}
	}
}

func checksText(f *Field) string {
	var parts []string
	for _, c := range f.checks {
		if c.Doc != "" && c.Num != nil {
			parts = append(parts, c.Doc)
		}
	}
	return strings.Join(parts, " and ")
}

func yamlToJSON(text string, f *Field) any {
	switch f.kind {
	case KindInt, KindUint:
		if n, err := strconv.Atoi(text); err == nil {
			return n
		}
	case KindFloat, KindFraction:
		if x, err := strconv.ParseFloat(text, 64); err == nil {
			return x
		}
	case KindBool:
		return text == "true"
	case KindWord:
		if n, err := strconv.Atoi(text); err == nil && f.orInteger {
			return n
		}
	case KindList, KindStruct:
		var v any
		if err := yaml.Unmarshal([]byte(text), &v); err == nil {
			return v
		}
	}
	return text
}

// Reference returns the field reference of the registry root as a
// Markdown table, one row per field with its dot path, what it takes, its
// default and its description.
func Reference(root *Field) string { return ReferenceWith(root, nil) }

// ReferenceWith is Reference with the values each preset gives: for a
// field whose default comes from a preset, presetText(path) returns them
// as text ("nexus5 2GiB, pixel4 6GiB"), shown after "from `phone.device`"
// in the default column ("" to show none).
func ReferenceWith(root *Field, presetText func(path string) string) string {
	var b strings.Builder
	b.WriteString("| field | value | default | description |\n|---|---|---|---|\n")
	var walk func(f *Field, path string)
	walk = func(f *Field, path string) {
		if path != "" {
			d := defaultText(f)
			if f.preset != "" && presetText != nil {
				if t := presetText(path); t != "" {
					d += ": " + mdEscape(t)
				}
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", path, valueText(f), d, mdEscape(f.desc))
		}
		switch f.kind {
		case KindStruct:
			for _, c := range f.fields {
				walk(c, Join(path, c.name))
			}
		case KindList:
			if f.elem.kind == KindStruct {
				for _, c := range f.elem.fields {
					walk(c, path+"[]."+c.name)
				}
			}
		}
	}
	walk(root, "")
	return b.String()
}

func valueText(f *Field) string {
	var s string
	switch f.kind {
	case KindStruct:
		s = "mapping"
		for _, k := range sortedKeys(f.shorthand) {
			s += " or `" + k + "`"
		}
		return s
	case KindList:
		s = "list of " + elemName(f.elem)
		switch {
		case f.elem.kind == KindStruct:
			s = "list of mappings"
		case f.elem.kind == KindName && f.elem.noun != "":
			s = "list of " + f.elem.noun + "s" + namesText(f.elem)
		}
		for _, k := range sortedKeys(f.shorthand) {
			s += " or `" + k + "`"
		}
	case KindEnum:
		s = "`" + strings.Join(f.EnumValues(), "` | `") + "`"
	case KindName:
		s = "name"
		if f.noun != "" {
			s = f.noun
		}
		s += namesText(f)
	case KindDuration, KindBitRate, KindBytes, KindCharge, KindByteRate, KindRate:
		s = f.KindName()
		if f.example != "" {
			s += " (`" + f.example + "`)"
		}
	case KindFraction:
		s = "fraction (`0.3` or `30%`)"
	case KindSize:
		s = "`WIDTHxHEIGHT`"
	case KindWord:
		s = f.KindName()
	case KindText:
		s = "text"
		for _, c := range f.checks {
			if c.Text != nil {
				s += " `" + c.Doc + "`"
			}
		}
	default:
		s = f.KindName()
	}
	if c := checksText(f); c != "" {
		s += " " + c
	}
	return mdEscape(s)
}

func defaultText(f *Field) string {
	switch {
	case f.def != "":
		return "`" + f.def + "`"
	case f.preset != "":
		return "from `" + f.preset + "`"
	}
	return ""
}

func mdEscape(s string) string {
	s = strings.ReplaceAll(s, "|", "\\|")
	return strings.ReplaceAll(s, "\n", " ")
}

// sortedKeys returns a shorthand map's keys in order, so that the schema
// and the reference are the same text at every run.
func sortedKeys(m map[string]string) []string {
	k := make([]string, 0, len(m))
	for x := range m {
		k = append(k, x)
	}
	sort.Strings(k)
	return k
}

// namesText lists a name field's known names for the reference:
// " (`nexus5`, `pixel4`)", with "none" and file paths when it takes them.
func namesText(f *Field) string {
	if f.names == nil {
		return ""
	}
	var parts []string
	for _, n := range f.names() {
		parts = append(parts, "`"+n+"`")
	}
	if f.orNone {
		parts = append(parts, "`none`")
	}
	s := " (" + strings.Join(parts, ", ")
	if f.openNames {
		s += "; or a file path"
	}
	return s + ")"
}
