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
	), "Conclusions computed from the results after a run, each one short sentence with a table of its groups (printed after the table, in summary.json and on top of index.html). Without this section a run gets the defaults (kind defaults); conclusions: [] asks for none.")
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
		if cn.Kind == conclude.KindDefaults {
			for _, f := range []string{"metric", "param", "where", "a", "b", "level", "share", "better"} {
				if s.written(at + "." + f) {
					s.errAt(c, at+"."+f, "does not apply to defaults (it stands for the default conclusions as they are)")
				}
			}
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
		s.errAt(c, at+".param", "%s", notSwept(cn.Param, sortedKeys(swept)))
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
			s.errAt(c, where, "%s", notSwept(strings.TrimSpace(path), sortedKeys(swept)))
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

// concludes reports whether a run of the scenario has conclusions: those
// it writes, or the defaults when it writes no conclusions section (an
// explicit empty list, conclusions: [], asks for none).
func (s *Scenario) concludes() bool {
	return s != nil && (len(s.Conclusions) > 0 || !s.written("conclusions"))
}

// conclusionsFor returns the conclusions a run computes: the scenario's,
// with an entry of kind defaults replaced by the defaults; the defaults
// when it writes no conclusions section (conclude.Input.Defaults).
func (s *Scenario) conclusionsFor(in *conclude.Input) []Conclusion {
	if len(s.Conclusions) == 0 {
		if !s.concludes() {
			return nil
		}
		return in.Defaults()
	}
	return in.Expand(s.Conclusions)
}

// conclusionAt names the entry of the scenario behind the i-th conclusion
// a run computes (defaults expand to several).
func (s *Scenario) conclusionAt(in *conclude.Input, i int) (field string, line int) {
	if len(s.Conclusions) == 0 {
		return "conclusions (defaults)", 0
	}
	k := 0
	for j := range s.Conclusions {
		n := 1
		if s.Conclusions[j].Kind == conclude.KindDefaults {
			n = len(in.Defaults())
		}
		if i < k+n {
			f := fmt.Sprintf("conclusions[%d]", j)
			return f, s.line(f)
		}
		k += n
	}
	return "conclusions", s.line("conclusions")
}

// Conclude computes a scenario's conclusion sentences from its summaries
// (ConcludeDetails has their tables).
func Conclude(s *Scenario, sums []result.Summary) ([]string, error) {
	cs, err := ConcludeDetails(s, sums)
	var lines []string
	for _, c := range cs {
		lines = append(lines, c.Sentence)
	}
	return lines, err
}

// ConcludeDetails computes a scenario's conclusions from its summaries,
// one per entry of its conclusions section, or the defaults
// (conclude.Input.Defaults) when it has none; each is a sentence of at most
// conclude.MaxSentence characters and the table of its groups. The error
// reports the conclusions that cannot be computed at all (no summary
// matches their selectors), with their file and line; the others are
// still returned.
func ConcludeDetails(s *Scenario, sums []result.Summary) ([]result.Conclusion, error) {
	if !s.concludes() {
		return nil, nil
	}
	in := conclude.NewInput(s.concludeContext(), sums)
	var out []result.Conclusion
	var errs ErrorList
	for i, cn := range s.conclusionsFor(in) {
		c, err := in.Conclusion(&cn, s.budget(len(out)))
		if err != nil {
			field, line := s.conclusionAt(in, i)
			errs = append(errs, &Error{File: s.file, Line: line, Field: field, Msg: err.Error()})
			continue
		}
		out = append(out, c)
	}
	out = s.stressLabel(out)
	if len(errs) > 0 {
		return out, errs
	}
	return out, nil
}

// stressPrefix is what the first conclusion of a stress test starts with:
// "stress test: NOTE — ", or "stress test — " with the note below the
// sentence when the note would leave the sentence too little room.
func (s *Scenario) stressPrefix() (prefix string, note bool) {
	p := "stress test: " + s.Stress + " — "
	if len([]rune(p)) <= conclude.MaxSentence/2 {
		return p, false
	}
	return "stress test — ", true
}

// budget is the length the i-th conclusion's sentence may take.
func (s *Scenario) budget(i int) int {
	if i > 0 || s.Stress == "" {
		return conclude.MaxSentence
	}
	p, _ := s.stressPrefix()
	return conclude.MaxSentence - len([]rune(p))
}

// stressLabel starts the first conclusion of a stress test (a scenario
// with a stress note) with "stress test: NOTE — " (stressPrefix).
func (s *Scenario) stressLabel(cs []result.Conclusion) []result.Conclusion {
	if s.Stress == "" || len(cs) == 0 {
		return cs
	}
	p, note := s.stressPrefix()
	cs[0].Sentence = p + cs[0].Sentence
	if note {
		cs[0].Notes = append([]string{"stress test: " + s.Stress}, cs[0].Notes...)
	}
	return cs
}

// conclusionsOf is what the runner stores in result.Run: the conclusions
// of a complete run (none for an interrupted one: a sweep cut short would
// support a different sentence), in order, their sentences and their
// details, with a sentence saying why in place of a conclusion that could
// not be computed.
func conclusionsOf(s *Scenario, run *result.Run) ([]string, []result.Conclusion) {
	if s == nil || run == nil || !run.Complete || !s.concludes() {
		return nil, nil
	}
	in := conclude.NewInput(s.concludeContext(), run.Summaries)
	var cs []result.Conclusion
	for i, cn := range s.conclusionsFor(in) {
		c, err := in.Conclusion(&cn, s.budget(i))
		if err != nil {
			field, _ := s.conclusionAt(in, i)
			c = result.Conclusion{Kind: cn.Kind, Sentence: fmt.Sprintf("(%s not computed: %v)", field, err)}
		}
		cs = append(cs, c)
	}
	cs = s.stressLabel(cs)
	var lines []string
	for _, c := range cs {
		lines = append(lines, c.Sentence)
	}
	return lines, cs
}

// WriteConclusions prints a run's conclusions as the table does: each
// sentence with its table and notes under it (conclude.Text); a run whose
// details are missing (an older summary.json) prints its sentences alone.
func WriteConclusions(b *strings.Builder, run *result.Run) {
	if len(run.Conclusions) == 0 {
		return
	}
	b.WriteString("\nconclusions:\n")
	for i, c := range run.Conclusions {
		if i < len(run.ConclusionDetails) && run.ConclusionDetails[i].Sentence == c {
			b.WriteString(conclude.TextRows(run.ConclusionDetails[i], conclude.MaxScreenRows))
			continue
		}
		b.WriteString("  - " + c + "\n")
	}
}
