package scenarios

import (
	"fmt"
	"strings"

	"github.com/infersim/infersim/conclude"
	"github.com/infersim/infersim/result"
)

// A scenario's conclusions (package conclude computes them): this file
// registers the conclusions section, checks it against the rest of the
// scenario, and hands conclude what it needs of the scenario (Context).

// Conclusion is one entry of a scenario's conclusions section.
type Conclusion = conclude.Conclusion

// Selector picks cells of a run for a conclusion.
type Selector = conclude.Selector

var modeEntryCheck = check{doc: "a mode or a family (on-device, cloud, split, remote, auto, any)", text: func(s string) string {
	for _, f := range conclude.ModeFamilies() {
		if s == f {
			return ""
		}
	}
	if _, err := parseMode(s); err != nil {
		return fmt.Sprintf("%q is neither a mode nor a family (%s)", s, strings.Join(conclude.ModeFamilies(), ", "))
	}
	return ""
}}

var paramEntryCheck = check{doc: "path=value", text: func(s string) string {
	p, v, ok := strings.Cut(s, "=")
	if !ok || strings.TrimSpace(p) == "" || strings.TrimSpace(v) == "" {
		return fmt.Sprintf("%q: write path=value, e.g. network.preset=lte", s)
	}
	return ""
}}

var metricCheck = check{doc: "a metric name", text: func(s string) string {
	if conclude.HasMetric(s) {
		return ""
	}
	return fmt.Sprintf("unknown metric %q%s", s, didYouMean(s, conclude.MetricNames()))
}}

// selectorField registers a selector mapping.
func selectorField(name, goName, desc string) *field {
	return obj(name, goName, desc,
		fld("label", "Label", kText, "What the sentence calls these cells; default: made from the modes, models and params given."),
		list("models", "Models", fld("", "", kText, "A model name."), "Models to keep.", scalarList()),
		list("modes", "Modes", fld("", "", kText, "A mode, or a family: on-device, cloud, split, remote (cloud and split), auto, any.", checks(modeEntryCheck)),
			"Modes to keep.", scalarList(), example("[on-device]")),
		list("images", "Images", fld("", "", kText, "An image size, WIDTHxHEIGHT."), "Image groups to keep.", scalarList()),
		fld("start", "Start", kEnum, "Which requests of a cell: warm (default), cold (first launches; a mode that never loads gives its warm requests), all (merged; no percentiles).", enum("warm", "cold", "all")),
		list("params", "Params", fld("", "", kText, "path=value: a swept parameter and one of its values, as written in the sweep.", checks(paramEntryCheck)),
			"Swept values to keep.", scalarList(), example("[network.preset=lte]")),
	)
}

// conclusionsField registers the conclusions section.
func conclusionsField() *field {
	f := list("conclusions", "Conclusions", obj("", "", "One conclusion line: how it is computed from the results.",
		fld("kind", "Kind", kEnum, kindsDoc(), enum(conclude.KindNames()...)),
		fld("metric", "Metric", kText, "What is compared: latency.mean, latency.p50/p95/p99, phase.NAME, energy, energy.COMPONENT, energy.tail (the radio tail a request caused), battery.per_1000, throughput, ok, outcome.NAME, requests.per_hour, energy.per_hour, battery.per_hour, a world metric (app.kills, gc.pauses, model.loads, server.max_queue, ...; counts also per hour: NAME/h), model.reloads, model.reloads/h, app.kill_rate.",
			def("latency.mean"), checks(metricCheck), example("latency.p99")),
		fld("param", "Param", kText, "The swept parameter (a sweep path) the conclusion moves along; required by crossover, trend and threshold.", example("network.uplink.bandwidth")),
		selectorField("where", "Where", "The cells the conclusion looks at; omitted: all."),
		selectorField("a", "A", "crossover and compare: the first side (e.g. modes: [on-device])."),
		selectorField("b", "B", "crossover and compare: the second side (e.g. modes: [cloud])."),
		fld("level", "Level", kFloat, "threshold: the level, in the metric's base unit (seconds, joules, a fraction for shares)."),
		fld("share", "Share", kText, "compare: a part of the metric to report as a share of a's value, e.g. energy.radio.", checks(metricCheck)),
		fld("better", "Better", kEnum, "Whether a lower or a higher metric wins (crossover, best).", enum("lower", "higher"), def("lower")),
	), "One-line conclusions computed from the results after a run (printed after the table, in summary.json and on top of index.html).")
	noSweep()(f)
	return f
}

// kindsDoc describes the conclusion kinds for the schema: "crossover
// (where ...), trend (...), ...".
func kindsDoc() string {
	var parts []string
	for _, k := range conclude.Kinds() {
		parts = append(parts, k.Name+" ("+k.Doc+")")
	}
	return strings.Join(parts, ", ") + "."
}

// checkConclusions checks the conclusions section against the rest of the
// scenario: kinds and their required fields (conclude's kinds table),
// params that are swept, selector values that exist.
func (s *Scenario) checkConclusions(c *collector) {
	swept, _ := s.sweptPaths()
	for i := range s.Conclusions {
		at := fmt.Sprintf("conclusions[%d]", i)
		cn := &s.Conclusions[i]
		if cn.Kind == "" {
			s.required(c, at, at+".kind", "kind: required (%s)", conclude.KindsWhere(func(conclude.KindInfo) bool { return true }, "or"))
			continue
		}
		k, _ := conclude.LookupKind(cn.Kind)
		s.checkConclusionParam(c, at, cn, k, swept)
		s.checkConclusionFields(c, at, cn, k)
		for _, side := range []struct {
			name string
			sel  Selector
		}{{"where", cn.Where}, {"a", cn.A}, {"b", cn.B}} {
			s.checkSelector(c, at+"."+side.name, &side.sel, swept)
		}
	}
}

// checkConclusionParam checks a conclusion's param: given when its kind
// needs one, swept, and numeric (for a known kind k).
func (s *Scenario) checkConclusionParam(c *collector, at string, cn *Conclusion, k conclude.KindInfo, swept map[string]*SweepParam) {
	sweptNames := func() string { return strings.Join(sortedKeys(swept), ", ") }
	if cn.Param == "" {
		if k.Param {
			s.errAt(c, at, "param: required by %s (one of the swept paths: %s)", cn.Kind, sweptNames())
		}
		return
	}
	sp, ok := swept[cn.Param]
	if !ok {
		s.errAt(c, at+".param", "%q is not swept (sweep paths: %s)", cn.Param, sweptNames())
		return
	}
	if f, _ := lookupPath(sp.Path); k.Name != "" && f != nil && !f.Kind().IsNumeric() {
		s.errAt(c, at+".param", "%s is %s; %s needs a numeric parameter", cn.Param, aKind(f), cn.Kind)
	}
}

// checkConclusionFields checks that a conclusion has the sides, level and
// share its kind asks for, and no others.
func (s *Scenario) checkConclusionFields(c *collector, at string, cn *Conclusion, k conclude.KindInfo) {
	if k.Sides {
		if !s.written(at + ".a") {
			s.required(c, at, at+".a", "a: required by %s (the first side, e.g. {modes: [on-device]})", cn.Kind)
		}
		if !s.written(at + ".b") {
			s.required(c, at, at+".b", "b: required by %s (the second side, e.g. {modes: [cloud]})", cn.Kind)
		}
	} else {
		for _, side := range []string{"a", "b"} {
			if s.written(at + "." + side) {
				s.errAt(c, at+"."+side, "does not apply to %s (only %s have sides)", cn.Kind, conclude.KindsWhere(func(k conclude.KindInfo) bool { return k.Sides }, "and"))
			}
		}
	}
	if k.Level && !s.written(at+".level") {
		s.required(c, at, at+".level", "level: required by %s (in the metric's base unit)", cn.Kind)
	}
	if cn.Share != "" && !k.Share {
		s.errAt(c, at+".share", "only %s reports a share", conclude.KindsWhere(func(k conclude.KindInfo) bool { return k.Share }, "and"))
	}
}

// checkSelector checks a selector's params (swept paths and their values)
// and models against the scenario.
func (s *Scenario) checkSelector(c *collector, at string, sel *Selector, swept map[string]*SweepParam) {
	for j, pv := range sel.Params {
		path, val, ok := strings.Cut(pv, "=")
		if !ok {
			continue // reported by the field check
		}
		where := fmt.Sprintf("%s.params[%d]", at, j)
		sp, found := swept[strings.TrimSpace(path)]
		if !found {
			s.errAt(c, where, "%q is not swept (sweep paths: %s)", strings.TrimSpace(path), strings.Join(sortedKeys(swept), ", "))
			continue
		}
		if s.plan != nil {
			if msg := s.sweepValueKnown(sp.Path, strings.TrimSpace(val)); msg != "" {
				s.errAt(c, where, "%s", msg)
			}
		}
	}
	for j, m := range sel.Models {
		if msg := s.modelKnown(m); msg != "" {
			s.errAt(c, fmt.Sprintf("%s.models[%d]", at, j), "%s", msg)
		}
	}
}

// sweepValueKnown checks that val is one of a swept path's values.
func (s *Scenario) sweepValueKnown(path, val string) string {
	for _, p := range s.plan.params {
		if p.path != path {
			continue
		}
		for _, l := range p.labels {
			if l == val {
				return ""
			}
		}
		return fmt.Sprintf("%s=%s: not a value of the sweep (%s)", path, val, strings.Join(p.labels, ", "))
	}
	return ""
}

// modelKnown checks a selector's model against the scenario's models and
// the swept ones.
func (s *Scenario) modelKnown(m string) string {
	for _, x := range s.Models {
		if x == m {
			return ""
		}
	}
	for _, sp := range s.Sweep.Params {
		if sp.Path == "models" || strings.HasPrefix(sp.Path, "models[") {
			return "" // the sweep decides; a model it never runs matches nothing
		}
	}
	return fmt.Sprintf("%q is not one of the scenario's models%s", m, didYouMean(m, s.Models))
}

// concludeContext is what package conclude needs to know of the scenario.
func (s *Scenario) concludeContext() conclude.Context {
	return conclude.Context{
		Replications: s.Replications, Phones: s.Phone.Count, Duration: float64(s.Workload.Duration),
		CommonSeeds: s.Sweep.Seeds != "independent",
		Fraction: func(path string) bool {
			f, _ := lookupPath(path)
			return f != nil && f.Kind() == kFraction
		},
	}
}

// Conclude computes a scenario's conclusion lines from its summaries, one
// line per entry of its conclusions section (conclude.Input.Line). The
// error reports the conclusions that cannot be computed at all (no summary
// matches their selectors), with their file and line; the other lines are
// still returned.
func Conclude(s *Scenario, sums []result.Summary) ([]string, error) {
	if s == nil || len(s.Conclusions) == 0 {
		return nil, nil
	}
	in := conclude.NewInput(s.concludeContext(), sums)
	var lines []string
	var errs ErrorList
	for i := range s.Conclusions {
		line, err := in.Line(&s.Conclusions[i])
		if err != nil {
			errs = append(errs, &Error{File: s.file, Line: s.line(fmt.Sprintf("conclusions[%d]", i)), Field: fmt.Sprintf("conclusions[%d]", i), Msg: err.Error()})
			continue
		}
		lines = append(lines, line)
	}
	lines = s.stressLabel(lines)
	if len(errs) > 0 {
		return lines, errs
	}
	return lines, nil
}

// stressLabel starts the first conclusion of a stress test (a scenario
// with a stress note) with "stress test: NOTE — ".
func (s *Scenario) stressLabel(lines []string) []string {
	if s.Stress == "" || len(lines) == 0 {
		return lines
	}
	lines[0] = "stress test: " + s.Stress + " — " + lines[0]
	return lines
}

// conclusionLines is what the runner stores in result.Run.Conclusions: the
// scenario's conclusion lines for a complete run (none for an interrupted
// one: a sweep cut short would support a different sentence), in order,
// with a line saying why in place of a conclusion that could not be
// computed.
func conclusionLines(s *Scenario, run *result.Run) []string {
	if s == nil || run == nil || !run.Complete || len(s.Conclusions) == 0 {
		return nil
	}
	in := conclude.NewInput(s.concludeContext(), run.Summaries)
	var lines []string
	for i := range s.Conclusions {
		line, err := in.Line(&s.Conclusions[i])
		if err != nil {
			line = fmt.Sprintf("(conclusions[%d] not computed: %v)", i, err)
		}
		lines = append(lines, line)
	}
	return s.stressLabel(lines)
}
