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
	ns.shared = s.shared
	if err := ns.Validate(); err != nil {
		return err
	}
	*s = *ns
	return nil
}

func intNode(n int) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(n)}
}
