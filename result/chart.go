package result

// ChartHint is a scenario's request for a chart that tells its story (an
// entry of outputs.charts in the scenario file), carried in summary.json
// (Run.Charts) so that package plots and `infersim plot` redraw the same
// charts without reading the scenario.
type ChartHint struct {
	// Kind is "sweep" (a metric against a swept parameter, one line per
	// mode), "energy" or "breakdown" (bars of every point it selects).
	Kind string `json:"kind"`
	// Param is the sweep chart's x axis: a swept path, or "split" (the K
	// of the split:K modes).
	Param string `json:"param,omitempty"`
	// Metric is the sweep chart's y axis, a chart metric of the metrics
	// table (MetricInfo.ChartName: mean, p95, energy, model.loads, ...);
	// empty: mean.
	Metric string `json:"metric,omitempty"`
	// Start picks cold or warm groups; a cell without that start gives its
	// other group. Empty: warm where there is one.
	Start Start `json:"start,omitempty"`
	// Models, Modes and Params keep the summaries they match; Modes may
	// name a family (on-device, cloud, split, remote, auto, any); Params
	// are "path=value" with the value as the sweep labels it.
	Models []string `json:"models,omitempty"`
	Modes  []string `json:"modes,omitempty"`
	Params []string `json:"params,omitempty"`
	// Log draws the metric axis on a log scale.
	Log bool `json:"log,omitempty"`
}
