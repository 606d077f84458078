package lab

import (
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// The document patches: a scenario's YAML as a node tree (comments and
// anchors kept), edited at dot paths of mapping keys.

// mapping is the mapping node of a document (the node itself if it is one).
func mapping(n *yaml.Node) *yaml.Node {
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		return n.Content[0]
	}
	return n
}

// child returns the value of key in mapping m, or nil.
func child(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// getPath returns the node at a dot path, or nil.
func getPath(doc *yaml.Node, path string) *yaml.Node {
	n := mapping(doc)
	for _, k := range strings.Split(path, ".") {
		if n = child(n, k); n == nil {
			return nil
		}
	}
	return n
}

// setPath sets the value at a dot path, making the mappings on the way.
func setPath(doc *yaml.Node, path string, v *yaml.Node) {
	n := mapping(doc)
	keys := strings.Split(path, ".")
	for i, k := range keys {
		c := child(n, k)
		if i == len(keys)-1 {
			if c != nil {
				*c = *v
			} else {
				n.Content = append(n.Content, scalar(k), v)
			}
			return
		}
		if c == nil || c.Kind != yaml.MappingNode {
			m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			if c != nil {
				*c = *m
			} else {
				n.Content = append(n.Content, scalar(k), m)
				c = n.Content[len(n.Content)-1]
			}
		}
		n = c
	}
}

// deletePath removes the key at a dot path, if there.
func deletePath(doc *yaml.Node, path string) {
	keys := strings.Split(path, ".")
	parent := mapping(doc)
	if len(keys) > 1 {
		parent = getPath(doc, strings.Join(keys[:len(keys)-1], "."))
	}
	if parent == nil || parent.Kind != yaml.MappingNode {
		return
	}
	last := keys[len(keys)-1]
	for i := 0; i+1 < len(parent.Content); i += 2 {
		if parent.Content[i].Value == last {
			parent.Content = slices.Delete(parent.Content, i, i+2)
			return
		}
	}
}

// scalar is a plain scalar: its type is what its text says (4 is a
// number, 4min a string), as if the file said it.
func scalar(v string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Value: v}
}

// flowSeq is a sequence of plain scalars written [a, b].
func flowSeq(vals ...string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
	for _, v := range vals {
		n.Content = append(n.Content, scalar(v))
	}
	return n
}

// seqValues returns a sequence's scalar values.
func seqValues(n *yaml.Node) []string {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	var v []string
	for _, c := range n.Content {
		v = append(v, c.Value)
	}
	return v
}

// pruneByModel removes the conclusions and chart hints that select only
// models other than model: with that model alone they would select
// nothing (and a conclusion naming a model the scenario does not run is
// an error).
func pruneByModel(doc *yaml.Node, model string) {
	other := func(sel *yaml.Node) bool {
		ms := seqValues(child(sel, "models"))
		return ms != nil && !slices.Contains(ms, model)
	}
	if cs := getPath(doc, "conclusions"); cs != nil && cs.Kind == yaml.SequenceNode {
		cs.Content = slices.DeleteFunc(cs.Content, func(c *yaml.Node) bool {
			return other(child(c, "where")) || other(child(c, "a")) || other(child(c, "b"))
		})
	}
	if hs := getPath(doc, "outputs.charts"); hs != nil && hs.Kind == yaml.SequenceNode {
		hs.Content = slices.DeleteFunc(hs.Content, other)
	}
}
