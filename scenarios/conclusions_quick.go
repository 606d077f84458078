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

// ChartHint asks for a chart that tells the scenario's story; plots.Draw
// reads the hints back from summary.json (the resolved scenario) and draws
// them instead of its automatic sweep chart.
type ChartHint struct {
	Kind   string   `yaml:"kind"`
	Param  string   `yaml:"param"`
	Metric string   `yaml:"metric"`
	Start  string   `yaml:"start"`
	Models []string `yaml:"models"`
	Modes  []string `yaml:"modes"`
	Params []string `yaml:"params"`
	Log    bool     `yaml:"log"`
}

// ChartMetrics are the metrics a sweep chart hint may plot: the latency
// statistics and energy of package plots, or a per-world metric by name.
var ChartMetrics = []string{"mean", "p50", "p95", "p99", "energy"}

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

// chartsField registers outputs.charts.
func chartsField() *field {
	return list("charts", "Charts", obj("", "", "A chart to draw.",
		fld("kind", "Kind", kEnum, "sweep (a metric against a swept parameter, one line per mode), energy (energy bars by component, every point matching params in one chart), breakdown (latency bars by phase, likewise).", enum("sweep", "energy", "breakdown")),
		fld("param", "Param", kText, "sweep: the x axis, a swept path, or split (the K of split:K modes).", example("network.uplink.bandwidth")),
		fld("metric", "Metric", kText, "sweep: mean, p50, p95, p99, energy, or a per-world metric (app.kills, model.loads, gc.pauses, server.max_queue, ...).", def("mean"), checks(check{doc: "a chart metric", text: chartMetricMsg})),
		fld("start", "Start", kEnum, "Which requests: cold or warm (default: warm when there are any).", enum("cold", "warm")),
		list("models", "Models", fld("", "", kText, "A model name."), "Models to show (default: all).", scalarList()),
		list("modes", "Modes", fld("", "", kText, "A mode or a family (on-device, cloud, split, remote, auto).", checks(modeEntryCheck)), "Modes to show (default: all).", scalarList()),
		list("params", "Params", fld("", "", kText, "path=value of a swept parameter.", checks(paramEntryCheck)), "Keep the points with these values.", scalarList()),
		fld("log", "Log", kBool, "Log scale for the metric axis.", def("false")),
	), "Charts that tell the scenario's story, drawn instead of the automatic sweep chart (the breakdown and energy charts of the first and last points are drawn as well).")
}

func chartMetricMsg(s string) string {
	for _, m := range ChartMetrics {
		if s == m {
			return ""
		}
	}
	for _, m := range metricNames {
		if s == m {
			return ""
		}
	}
	return fmt.Sprintf("unknown chart metric %q%s", s, didYouMean(s, append(append([]string{}, ChartMetrics...), metricNames...)))
}

// checkQuickAndCharts checks the quick section and the chart hints against
// the sweep.
func (s *Scenario) checkQuickAndCharts(c *collector) {
	swept := map[string]*SweepParam{}
	var paths []string
	for i := range s.Sweep.Params {
		swept[s.Sweep.Params[i].Path] = &s.Sweep.Params[i]
		paths = append(paths, s.Sweep.Params[i].Path)
	}
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
				s.errAt(c, at+".path", "%q is not swept (sweep paths: %s)", qp.Path, strings.Join(paths, ", "))
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
	for i, h := range s.Outputs.Charts {
		at := fmt.Sprintf("outputs.charts[%d]", i)
		if h.Kind == "" {
			s.required(c, at, at+".kind", "kind: required (sweep, energy or breakdown)")
		}
		if h.Kind == "sweep" {
			switch _, ok := swept[h.Param]; {
			case h.Param == "":
				s.errAt(c, at, "param: required by a sweep chart (%s, or split)", strings.Join(paths, ", "))
			case h.Param != "split" && !ok:
				s.errAt(c, at+".param", "%q is not swept (sweep paths: %s, or split)", h.Param, strings.Join(paths, ", "))
			}
		} else if h.Param != "" {
			s.errAt(c, at+".param", "only a sweep chart has a param")
		}
		for j, pv := range h.Params {
			path, val, ok := strings.Cut(pv, "=")
			if !ok {
				continue
			}
			if _, found := swept[strings.TrimSpace(path)]; !found {
				s.errAt(c, fmt.Sprintf("%s.params[%d]", at, j), "%q is not swept (sweep paths: %s)", strings.TrimSpace(path), strings.Join(paths, ", "))
			} else if s.plan != nil {
				if msg := s.sweepValueKnown(strings.TrimSpace(path), strings.TrimSpace(val)); msg != "" {
					s.errAt(c, fmt.Sprintf("%s.params[%d]", at, j), "%s", msg)
				}
			}
		}
	}
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
