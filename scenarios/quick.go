package scenarios

import (
	"fmt"
	"strings"

	"github.com/infersim/infersim/units"
	"go.yaml.in/yaml/v3"
)

// Quick is the reduced version of a scenario that `infersim run --quick`
// runs and CI tests: fewer replications, requests or simulated time, and
// fewer sweep values, with everything else as written.
type Quick struct {
	Replications int            `yaml:"replications"`
	Requests     int            `yaml:"requests"`
	Duration     units.Duration `yaml:"duration"`
	Sweep        []QuickParam   `yaml:"sweep"`
}

// QuickParam replaces one swept parameter's values (values) or its range's
// number of steps (steps) in the quick version.
type QuickParam struct {
	Path   string      `yaml:"path"`
	Values []yaml.Node `yaml:"values"`
	Steps  int         `yaml:"steps"`
}

// quickField registers the quick section.
func quickField() *field {
	f := optionalObj("quick", "Quick", "The reduced version `infersim run --quick` runs (and CI tests): each field given replaces the scenario's.",
		fld("replications", "Replications", kInt, "Replications of the quick run.", checks(atLeast(1), atMost(100000))),
		fld("requests", "Requests", kInt, "Requests per phone per cell (replaces workload.requests and drops workload.duration).", checks(atLeast(1), atMost(100000000))),
		fld("duration", "Duration", kDuration, "Simulated time per world (replaces workload.duration and drops workload.requests).", checks(positive), example("10min")),
		list("sweep", "Sweep", obj("", "", "A swept parameter of the quick run: fewer values or fewer steps.",
			fld("path", "Path", kText, "The path of a parameter of sweep.params.", example("network.uplink.bandwidth")),
			list("values", "Values", fld("", "", kAny, "A value, as in sweep.params[].values."), "Replacement values."),
			fld("steps", "Steps", kInt, "Replacement number of steps of the parameter's range.", checks(atLeast(1), atMost(100000))),
		), "Swept parameters to shrink."),
	)
	noSweep()(f)
	return f
}

// checkQuick checks the quick section against the sweep.
func (s *Scenario) checkQuick(c *collector) {
	swept, paths := s.sweptPaths()
	if s.written("quick") {
		q := s.Quick
		if s.written("quick.requests") && s.written("quick.duration") {
			s.errAt(c, "quick.duration", "give requests or duration, not both")
		}
		seen := map[string]bool{}
		for i, qp := range q.Sweep {
			at := fmt.Sprintf("quick.sweep[%d]", i)
			sp, ok := swept[qp.Path]
			switch {
			case qp.Path == "":
				s.errAt(c, at, "path: required (one of %s)", strings.Join(paths, ", "))
				continue
			case !ok:
				s.errAt(c, at+".path", "%s", notSwept(qp.Path, paths))
				continue
			case seen[qp.Path]:
				s.errAt(c, at+".path", "%s is given twice", qp.Path)
			}
			seen[qp.Path] = true
			hasV, hasS := s.written(at+".values"), s.written(at+".steps")
			switch {
			case hasV == hasS:
				s.errAt(c, at, "give values or steps (one of them)")
			case hasV && len(qp.Values) == 0:
				s.errAt(c, at+".values", "empty list of values")
			case hasS && len(sp.Values) > 0:
				s.errAt(c, at+".steps", "%s is swept by values, not a range: give values", qp.Path)
			}
		}
	}
}

// sweptPaths returns the scenario's swept parameters by path, and their
// paths in order.
func (s *Scenario) sweptPaths() (map[string]*SweepParam, []string) {
	swept := map[string]*SweepParam{}
	var paths []string
	for i := range s.Sweep.Params {
		swept[s.Sweep.Params[i].Path] = &s.Sweep.Params[i]
		paths = append(paths, s.Sweep.Params[i].Path)
	}
	return swept, paths
}

// checkQuickAndCharts checks the quick section and the chart hints against
// the sweep.
func (s *Scenario) checkQuickAndCharts(c *collector) {
	s.checkQuick(c)
	s.checkCharts(c)
}

// HasQuick reports whether the scenario has a quick section.
func (s *Scenario) HasQuick() bool { return s.written("quick") }

// ApplyQuick turns a validated scenario into its quick version: the quick
// section's replications, requests or duration and sweep values replace
// the scenario's, and the result is decoded again and validated, so a
// quick value is checked exactly as if it were written in its place (an
// error names the quick field's line). A scenario without a quick section
// is left as it is. Applying it twice gives the same scenario.
func (s *Scenario) ApplyQuick() error {
	s.init()
	if !s.HasQuick() {
		return nil
	}
	q := s.Quick
	doc := copyTree(s.doc, 0)
	s.overrideCounts(doc, q.Replications, q.Requests)
	if q.Duration > 0 {
		deleteDoc(doc, []string{"workload", "requests"})
		setDoc(doc, []string{"workload", "duration"}, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: durationText(q.Duration), Line: s.line("quick.duration")})
	}
	params := getDoc(doc, []string{"sweep", "params"})
	for _, qp := range q.Sweep {
		if params == nil || params.Kind != yaml.SequenceNode {
			break
		}
		for _, p := range params.Content {
			if pn := mapValue(p, "path"); pn == nil || pn.Value != qp.Path {
				continue
			}
			if len(qp.Values) > 0 {
				seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
				for i := range qp.Values {
					seq.Content = append(seq.Content, copyTree(&qp.Values[i], 0))
				}
				deleteDoc(p, []string{"range"})
				setDoc(p, []string{"values"}, seq)
			} else if qp.Steps > 0 {
				setDoc(p, []string{"range", "steps"}, intNode(qp.Steps))
			}
		}
	}
	return s.redecode(doc)
}
