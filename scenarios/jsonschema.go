package scenarios

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// unitSpellings lists the units each quantity kind accepts, for the JSON
// Schema's patterns and the field reference. They mirror package units'
// tables; TestUnitSpellings checks each one parses there.
var unitSpellings = map[kind][]string{
	kDuration: {"ns", "us", "µs", "ms", "s", "min", "h"},
	kBitRate:  {"bps", "kbps", "Kbps", "Mbps", "Gbps", "bit/s", "kbit/s", "Mbit/s", "Gbit/s", "B/s", "kB/s", "KB/s", "MB/s", "GB/s"},
	kBytes:    {"B", "kB", "KB", "MB", "GB", "TB", "KiB", "MiB", "GiB", "TiB"},
	kCharge:   {"C", "mAh", "Ah"},
	kByteRate: {"B/s", "kB/s", "KB/s", "MB/s", "GB/s", "TB/s", "KiB/s", "MiB/s", "GiB/s"},
	kRate:     {"/s", "/min", "/h"},
}

const numberRE = `[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?`

func unitPattern(k kind) string {
	var alts []string
	for _, u := range unitSpellings[k] {
		alts = append(alts, regexp.QuoteMeta(u))
	}
	return `^\s*` + numberRE + `\s*(` + strings.Join(alts, "|") + `)\s*$`
}

// JSONSchema returns the JSON Schema (draft 2020-12) of scenario files,
// generated from the registry the loader uses: every field with its type,
// description, default, allowed values and numeric bounds. Editors with a
// YAML language server complete and check scenario files with it (add
// "# yaml-language-server: $schema=infersim.schema.json" at the top).
func JSONSchema() []byte {
	root := schemaOf(registry)
	root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	root["$id"] = "https://github.com/infersim/infersim/scenario.schema.json"
	root["title"] = "infersim scenario"
	root["required"] = []string{"name", "models", "workload"}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(root); err != nil {
		panic("scenarios: JSON Schema: " + err.Error()) // built from program data
	}
	return b.Bytes()
}

func schemaOf(f *field) map[string]any {
	m := map[string]any{}
	desc := f.desc
	if d := checksText(f); d != "" {
		desc += " Must be " + d + "."
	}
	if desc != "" {
		m["description"] = desc
	}
	if f.def != "" {
		m["default"] = defaultJSON(f)
	}
	if f.example != "" {
		m["examples"] = []any{exampleJSON(f)}
	}
	switch f.kind {
	case kStruct:
		m["type"] = "object"
		props := map[string]any{}
		for _, c := range f.fields {
			props[c.name] = schemaOf(c)
		}
		m["properties"] = props
		m["additionalProperties"] = false
	case kList:
		arr := map[string]any{"type": "array", "items": schemaOf(f.elem)}
		var alts []any
		alts = append(alts, arr)
		if f.scalarList {
			alts = append(alts, schemaOf(f.elem))
		}
		for k := range f.shorthand {
			alts = append(alts, map[string]any{"const": k})
		}
		if len(alts) == 1 {
			for k, v := range arr {
				m[k] = v
			}
		} else {
			m["anyOf"] = alts
		}
	case kText:
		m["type"] = "string"
		if f.name == "name" {
			m["pattern"] = "^[a-z0-9][a-z0-9-]*$"
			m["maxLength"] = 64
		}
	case kName:
		m["type"] = "string"
		if f.names != nil {
			names := f.names()
			if f.name == "trace" {
				m["examples"] = names // or a file path
			} else {
				if f.name == "gpu" || f.name == "cpu" {
					names = append(append([]string(nil), names...), "none")
				}
				m["enum"] = names
			}
		}
	case kEnum:
		m["type"] = "string"
		m["enum"] = f.enum
	case kInt, kUint:
		m["type"] = "integer"
		if f.kind == kUint {
			m["minimum"] = 0
		}
		bounds(m, f)
	case kFloat:
		m["type"] = "number"
		bounds(m, f)
	case kFraction:
		num := map[string]any{"type": "number"}
		bounds(num, f)
		m["anyOf"] = []any{num, map[string]any{"type": "string", "pattern": `^\s*` + numberRE + `\s*%\s*$`}}
	case kBool:
		m["type"] = "boolean"
	case kDuration, kBitRate, kBytes, kCharge, kByteRate, kRate:
		m["type"] = "string"
		m["pattern"] = unitPattern(f.kind)
	case kSize:
		m["type"] = "string"
		m["pattern"] = `^[0-9]+x[0-9]+$`
	case kMode:
		m["type"] = "string"
		m["pattern"] = `^(on-device-cpu|on-device-gpu|cloud-cpu|cloud-gpu|auto|split:[0-9]+)$`
	case kAny:
		// any YAML value
	}
	return m
}

func bounds(m map[string]any, f *field) {
	for _, c := range f.checks {
		for k, v := range c.jsonKeywords(f.kind) {
			m[k] = v
		}
	}
}

func checksText(f *field) string {
	var parts []string
	for _, c := range f.checks {
		if c.doc != "" && c.num != nil {
			parts = append(parts, c.doc)
		}
	}
	return strings.Join(parts, " and ")
}

// defaultJSON returns a field's default as a JSON value.
func defaultJSON(f *field) any { return yamlToJSON(f.def, f) }

func exampleJSON(f *field) any { return yamlToJSON(f.example, f) }

func yamlToJSON(text string, f *field) any {
	switch f.kind {
	case kInt, kUint:
		if n, err := strconv.Atoi(text); err == nil {
			return n
		}
	case kFloat, kFraction:
		if x, err := strconv.ParseFloat(text, 64); err == nil {
			return x
		}
	case kBool:
		return text == "true"
	case kList, kStruct:
		var v any
		if err := yaml.Unmarshal([]byte(text), &v); err == nil {
			return v
		}
	}
	return text
}

// FieldReference returns the field reference as a Markdown table, one row
// per field with its dot path, what it takes, its default and its
// description, generated from the registry (README's table is this text;
// TestFieldReferenceUpToDate keeps them equal).
func FieldReference() string {
	var b strings.Builder
	b.WriteString("| field | value | default | description |\n|---|---|---|---|\n")
	var walk func(f *field, path string)
	walk = func(f *field, path string) {
		if path != "" {
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", path, valueText(f), defaultText(f), mdEscape(f.desc))
		}
		switch f.kind {
		case kStruct:
			for _, c := range f.fields {
				walk(c, join(path, c.name))
			}
		case kList:
			if f.elem.kind == kStruct {
				for _, c := range f.elem.fields {
					walk(c, path+"[]."+c.name)
				}
			}
		}
	}
	walk(registry, "")
	return b.String()
}

func valueText(f *field) string {
	var s string
	switch f.kind {
	case kStruct:
		return "mapping"
	case kList:
		s = "list of " + elemName(f.elem)
		if f.elem.kind == kStruct {
			s = "list of mappings"
		}
		for k := range f.shorthand {
			s += " or `" + k + "`"
		}
	case kEnum:
		s = "`" + strings.Join(f.enum, "` | `") + "`"
	case kName:
		s = "name"
		if f.noun != "" {
			s = f.noun
		}
	case kDuration, kBitRate, kBytes, kCharge, kByteRate, kRate:
		s = kindNames[f.kind]
		if f.example != "" {
			s += " (`" + f.example + "`)"
		}
	case kFraction:
		s = "fraction (`0.3` or `30%`)"
	case kSize:
		s = "`WIDTHxHEIGHT`"
	case kMode:
		s = "mode"
	case kText:
		s = "text"
		for _, c := range f.checks {
			if c.text != nil {
				s += " `" + c.doc + "`"
			}
		}
	default:
		s = kindNames[f.kind]
	}
	if c := checksText(f); c != "" {
		s += " " + c
	}
	return mdEscape(s)
}

func defaultText(f *field) string {
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
