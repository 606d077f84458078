package scenarios

import (
	"bytes"
	"fmt"
	"reflect"

	"go.yaml.in/yaml/v3"
)

// encode turns a scenario into a YAML node tree through the registry. With
// all, every field that has a value is written (defaults and presets
// included: the resolved scenario); otherwise only the fields written in
// the file or set in Go (the document a sweep re-decodes).
func encode(s *Scenario, all bool) *yaml.Node {
	n := encodeField(s, registry, reflect.ValueOf(s).Elem(), "", all)
	if n == nil {
		n = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	}
	return n
}

func (s *Scenario) include(path string, v reflect.Value, all bool) bool {
	if s.set[path] {
		return true
	}
	if s.filled[path] {
		return all
	}
	return !v.IsZero()
}

func encodeField(s *Scenario, f *field, v reflect.Value, path string, all bool) *yaml.Node {
	switch f.kind {
	case kStruct:
		m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		for _, c := range f.fields {
			cn := encodeField(s, c, v.FieldByName(c.goName), join(path, c.name), all)
			if cn == nil {
				continue
			}
			m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: c.name}, cn)
		}
		if len(m.Content) == 0 && path != "" && !s.set[path] {
			return nil
		}
		return m
	case kList:
		if v.Len() == 0 && !s.set[path] {
			return nil
		}
		if !s.include(path, v, all) {
			return nil
		}
		q := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		flow := f.elem.kind != kStruct && f.elem.kind != kAny
		for i := 0; i < v.Len(); i++ {
			en := encodeField(s, f.elem, v.Index(i), fmt.Sprintf("%s[%d]", path, i), true)
			if en == nil {
				en = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			}
			if f.elem.kind == kStruct && allScalars(en) {
				en.Style = yaml.FlowStyle
			}
			q.Content = append(q.Content, en)
		}
		if flow {
			q.Style = yaml.FlowStyle
		}
		return q
	case kAny:
		n := v.Interface().(yaml.Node)
		c := n
		return &c
	}
	if path != "" && !s.include(path, v, all) {
		return nil
	}
	if path == "" {
		return nil
	}
	text := formatValue(f.kind, v)
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: text}
	switch f.kind {
	case kInt, kUint, kFloat, kFraction, kBool:
		n.Tag = "" // a plain number or boolean
	case kText:
		if len(text) > 70 {
			n.Style = yaml.FoldedStyle
		}
	}
	return n
}

func allScalars(n *yaml.Node) bool {
	for _, c := range n.Content {
		if c.Kind != yaml.ScalarNode {
			return false
		}
	}
	return true
}

// YAML returns the scenario as YAML. For a validated scenario every field
// is written with its value: defaults filled and presets expanded, so the
// text documents exactly what ran and loads back to the same scenario.
func (s *Scenario) YAML() []byte {
	s.init()
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(encode(s, true)); err != nil {
		// Encoding a node tree we built cannot fail.
		panic("scenarios: encoding the scenario: " + err.Error())
	}
	enc.Close()
	return b.Bytes()
}
