package schema

import (
	"fmt"
	"reflect"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// Encode turns v, a value of root's Go type, into a YAML node tree through
// the registry. With all, every field that has a value is written
// (defaults and presets included: the resolved document); otherwise only
// the fields written or non-zero (the document a sweep re-decodes).
func Encode(root *Field, v reflect.Value, st State, all bool) *yaml.Node {
	n := encodeField(root, v, st, "", all)
	if n == nil {
		n = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	}
	return n
}

func encodeField(f *Field, v reflect.Value, st State, path string, all bool) *yaml.Node {
	switch f.kind {
	case KindStruct:
		m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		for _, c := range f.fields {
			cn := encodeField(c, v.FieldByName(c.goName), st, Join(path, c.name), all)
			if cn == nil {
				continue
			}
			m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: c.name}, cn)
		}
		if len(m.Content) == 0 && path != "" && !st.Set[path] {
			return nil
		}
		return m
	case KindList:
		return encodeList(f, v, st, path, all)
	case KindAny:
		n := v.Interface().(yaml.Node)
		c := n
		return &c
	}
	if path == "" || !st.Include(path, v, all) {
		return nil
	}
	text := FormatValue(v)
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: text}
	switch f.kind {
	case KindInt, KindUint, KindFloat, KindFraction, KindBool:
		n.Tag = "" // a plain number or boolean
	case KindWord:
		if _, err := strconv.Atoi(text); err == nil && f.orInteger {
			n.Tag = "" // an integer word (OrInteger)
		}
	case KindText:
		if len(text) > 70 {
			n.Style = yaml.FoldedStyle
		}
	}
	return n
}

func encodeList(f *Field, v reflect.Value, st State, path string, all bool) *yaml.Node {
	if v.Len() == 0 && !st.Set[path] {
		return nil
	}
	if !st.Include(path, v, all) {
		return nil
	}
	q := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	flow := f.elem.kind != KindStruct && f.elem.kind != KindAny
	for i := 0; i < v.Len(); i++ {
		en := encodeField(f.elem, v.Index(i), st, fmt.Sprintf("%s[%d]", path, i), true)
		if en == nil {
			en = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		}
		if f.elem.kind == KindStruct && allScalars(en) {
			en.Style = yaml.FlowStyle
		}
		q.Content = append(q.Content, en)
	}
	if flow {
		q.Style = yaml.FlowStyle
	}
	return q
}

func allScalars(n *yaml.Node) bool {
	for _, c := range n.Content {
		if c.Kind != yaml.ScalarNode {
			return false
		}
	}
	return true
}
