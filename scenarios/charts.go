package scenarios

import (
	"fmt"
	"slices"
	"strings"

	"github.com/infersim/infersim/result"
)

// ChartHint asks for a chart that tells the scenario's story: an entry of
// outputs.charts as the scenario file writes it. Run carries the hints in
// summary.json as result.ChartHint (Hint), where plots.Draw reads them.
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

// Hint returns the hint as summary.json carries it.
func (h ChartHint) Hint() result.ChartHint {
	return result.ChartHint{Kind: h.Kind, Param: h.Param, Metric: h.Metric, Start: result.Start(h.Start),
		Models: h.Models, Modes: h.Modes, Params: h.Params, Log: h.Log}
}

// chartHints returns the scenario's chart hints as summary.json carries
// them (nil without any).
func (s *Scenario) chartHints() []result.ChartHint {
	var hs []result.ChartHint
	for _, h := range s.Outputs.Charts {
		hs = append(hs, h.Hint())
	}
	return hs
}

// ChartMetrics are the group statistics a sweep chart hint may plot (the
// chart names of result's metrics table: mean, p50, p95, p99, energy);
// a hint may also name a per-world metric (result.WorldMetrics).
var ChartMetrics = chartMetrics()

func chartMetrics() []string {
	var ms []string
	for _, m := range result.Metrics() {
		if m.Scope == result.ScopeGroup && m.Chart != "" {
			ms = append(ms, m.Chart)
		}
	}
	return ms
}

// chartMetricNames lists what a chart hint's metric may be: ChartMetrics,
// then the per-world metrics.
func chartMetricNames() []string {
	names := append([]string{}, ChartMetrics...)
	for _, m := range worldMetrics {
		names = append(names, m.Name)
	}
	return names
}

// chartsField registers outputs.charts.
func chartsField() *field {
	return list("charts", "Charts", obj("", "", "A chart to draw.",
		fld("kind", "Kind", kEnum, "sweep (a metric against a swept parameter, one line per mode), energy (energy bars by component, every point matching params in one chart), breakdown (latency bars by phase, likewise), versus (every mode's latency and energy on one axis per model and image; drawn by default for each chart point).", enum("sweep", "energy", "breakdown", "versus")),
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
	names := chartMetricNames()
	for _, m := range names {
		if s == m {
			return ""
		}
	}
	return fmt.Sprintf("unknown chart metric %q%s", s, didYouMean(s, names))
}

// checkCharts checks the chart hints against the sweep.
func (s *Scenario) checkCharts(c *collector) {
	swept, paths := s.sweptPaths()
	for i, h := range s.Outputs.Charts {
		at := fmt.Sprintf("outputs.charts[%d]", i)
		if h.Kind == "" {
			s.required(c, at, at+".kind", "kind: required (sweep, energy, breakdown or versus)")
		}
		if h.Kind == "sweep" {
			switch _, ok := swept[h.Param]; {
			case h.Param == "":
				s.errAt(c, at, "param: required by a sweep chart (%s, or split)", strings.Join(paths, ", "))
			case h.Param != "split" && !ok:
				s.errAt(c, at+".param", "%s", notSwept(h.Param, append(slices.Clip(paths), "split")))
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
				s.errAt(c, fmt.Sprintf("%s.params[%d]", at, j), "%s", notSwept(strings.TrimSpace(path), paths))
			} else if s.plan != nil {
				if msg := s.sweepValueKnown(strings.TrimSpace(path), strings.TrimSpace(val)); msg != "" {
					s.errAt(c, fmt.Sprintf("%s.params[%d]", at, j), "%s", msg)
				}
			}
		}
	}
}
