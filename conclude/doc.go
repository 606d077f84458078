// Package conclude computes a scenario's conclusions from a run's
// summaries. It is a reader of results, like package plots: it imports
// only result (and no package of the simulation), and what it needs of the
// scenario besides the conclusions themselves is a Context.
//
// Each entry of a scenario's `conclusions:` section (a Conclusion) says
// how one conclusion is computed from the run's summaries, so that every
// number and every direction in it comes from the results
// (Input.Conclusion): one short sentence (at most MaxSentence characters)
// that summarises its groups — the range of their ratios, crossings or
// changes, a ratio below 1 turned around ("4× less energy"), and how many
// groups are not distinguishable at these replications — and a table with
// one row per group that holds each group's numbers and 95 % CIs
// (result.Conclusion; Text prints it). Each kind words its sentence at
// decreasing detail; the most detailed that fits is used. Defaults are
// the conclusions of a scenario that writes none (kind defaults stands for
// them in a list, Expand).
//
// The kinds (one row each of the kinds table, kinds.go, with one
// evaluation function):
//
//	crossover  where metric(a) − metric(b) changes sign along a swept numeric
//	           param (interpolated in log param when the sweep spans a decade
//	           or more; result.Crossings, the sweep charts' rule): "on-device
//	           beats cloud below 1.8 Mbps uplink"; no crossing: "cloud wins
//	           everywhere in 0.25–100 Mbps"
//	trend      how a metric moves along a swept param, first to last value:
//	           "as the GC pause scale goes 1 → 16: grows 1.3–5.7×"
//	compare    metric(a) / metric(b), per group, or at the first and the last
//	           value of param: "on-device is 3.6–22× slower than cloud", "lte
//	           uses 5.5× more energy than campus-wifi at 1 s think time, 22×
//	           more at 60 s think time"
//	threshold  the first value of param where the metric reaches level
//	           (interpolated between the two sweep values around it)
//	best       which mode has the lowest metric (highest with better: higher)
//	           along param: "split:13 below 2.1 Mbps uplink, split:0 above"
//	headline   the study's headline by HeadlineDefinition, against its range
//	defaults   the default conclusions in its place (Defaults, Expand)
//
// Groups: `where` keeps the cells it matches; the cells left are split
// into groups by every dimension (model, mode, image, swept parameter)
// that still varies, except param and the dimensions the sides a and b
// restrict (within a side, the cells of a group are an envelope: the best
// value at each param value, as the sweep chart's crossover compares the
// best on-device mode with the best remote one). Each group is one row of
// the table; groups that read alike make one clause of the sentence,
// named by what they share ("for phone pixel4") or counted ("in 2 of 6
// groups").
//
// Starts: a cell's requests are summarised in a cold group (the model had
// to load) and a warm one. A selector's start picks which: warm (the
// default; a cell with only cold requests gives those), cold (a cell that
// never loads, such as a cloud mode, gives its warm requests), or all
// (both merged; percentiles are then undefined).
//
// Metrics: a conclusion names one metric (metrics.go): the group
// statistics and per-world metrics of result's metrics table, and the
// metrics computed from a whole cell (outcome shares, rates per hour,
// model reloads and what they cost, the app's kill rate).
//
// Checking a conclusion against the scenario it belongs to (params that
// are swept, models that exist) is package scenarios' job.
package conclude
