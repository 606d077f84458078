package scenarios

import (
	"strconv"

	"go.yaml.in/yaml/v3"
)

// Override makes a quick version of a scenario: replications > 0 replaces
// the number of replications, requests > 0 the requests per phone per cell
// (a duration is dropped; times arrivals keep their first requests times).
// Sweep values still win over both. The scenario is decoded again and
// validated; the resolved YAML in summary.json shows the overrides.
func (s *Scenario) Override(replications, requests int) error {
	s.init()
	doc := copyTree(s.doc, 0)
	s.overrideCounts(doc, replications, requests)
	return s.redecode(doc)
}

// overrideCounts patches doc, a copy of s's document, with the
// replications and requests Override describes (each when > 0).
func (s *Scenario) overrideCounts(doc *yaml.Node, replications, requests int) {
	if replications > 0 {
		setDoc(doc, []string{"replications"}, intNode(replications))
	}
	if requests > 0 {
		deleteDoc(doc, []string{"workload", "duration"})
		if s.Workload.Arrivals.Type == "times" {
			if at := getDoc(doc, []string{"workload", "arrivals", "at"}); at != nil && at.Kind == yaml.SequenceNode && len(at.Content) > requests {
				at.Content = at.Content[:requests]
			}
			deleteDoc(doc, []string{"workload", "requests"})
		} else {
			setDoc(doc, []string{"workload", "requests"}, intNode(requests))
		}
	}
}

// redecode replaces s with the scenario doc (a patched copy of s's
// document) describes, decoded and validated; on an error s is left as it
// was.
func (s *Scenario) redecode(doc *yaml.Node) error {
	ns, err := decodeDoc(doc, s.file, s.dir)
	if ns == nil {
		return err
	}
	ns.traces = s.traces
	if err := ns.Validate(); err != nil {
		return err
	}
	*s = *ns
	return nil
}

func intNode(n int) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(n)}
}

// copyTree copies a document, expanding aliases (bounded: a document that
// passed the decoder's limits).
func copyTree(n *yaml.Node, depth int) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil && depth < MaxDepth {
		n = n.Alias
		depth++
	}
	c := *n
	c.Anchor = ""
	c.Content = nil
	if depth < MaxDepth {
		for _, e := range n.Content {
			c.Content = append(c.Content, copyTree(e, depth+1))
		}
	}
	return &c
}

// mapValue returns the value of key in a mapping node, or nil.
func mapValue(m *yaml.Node, key string) *yaml.Node {
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

func getDoc(root *yaml.Node, path []string) *yaml.Node {
	n := root
	for _, k := range path {
		if n = mapValue(n, k); n == nil {
			return nil
		}
	}
	return n
}

// setDoc sets the value at a path of mapping keys, creating mappings on
// the way.
func setDoc(root *yaml.Node, path []string, v *yaml.Node) {
	n := root
	for i, k := range path {
		next := mapValue(n, k)
		if i == len(path)-1 {
			if next != nil {
				*next = *v
				return
			}
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k}, v)
			return
		}
		if next == nil || next.Kind != yaml.MappingNode {
			m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			if next != nil {
				*next = *m
				next = mapValue(n, k)
			} else {
				n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k}, m)
				next = m
			}
		}
		n = next
	}
}

func deleteDoc(root *yaml.Node, path []string) {
	parent := getDoc(root, path[:len(path)-1])
	if parent == nil || parent.Kind != yaml.MappingNode {
		return
	}
	key := path[len(path)-1]
	for i := 0; i+1 < len(parent.Content); i += 2 {
		if parent.Content[i].Value == key {
			parent.Content = append(parent.Content[:i], parent.Content[i+2:]...)
			return
		}
	}
}
