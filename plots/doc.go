// Package plots draws charts from simulation results with gonum/plot, as
// PNG and SVG, and writes the HTML report a user opens first.
//
// # Overview
//
// plots reads only the result types of package result (Summary, Record,
// Run, Span, ValidationRow, LayerTiming); it never runs a simulation. Each
// chart kind has its own file and function returning a *Figure:
//
//	breakdown_stacked.go  LatencyBreakdown  mean latency per model × mode, stacked by phase
//	energy_bars.go        EnergyBreakdown   joules per request by component, battery per 1,000 requests
//	versus.go             Versus            every mode on one axis per model and image: on-device vs cloud
//	sweep_lines.go        SweepLines        a metric against a swept parameter, CI bands, crossovers
//	latency_cdf.go        LatencyCDF        distribution of end-to-end latency, p50/p95/p99 marked
//	timeline.go           Timeline          one replication's trace as lanes (Gantt)
//	calibration.go        LayerTimes        per-layer kernel time and GFLOP/s of a model
//	                      Validation        simulated vs reference, fitted and held-out rows
//
// Draw picks the charts a run fits and writes them; WriteReport writes
// index.html around them; ReadResults reads a results directory for
// `infersim plot`.
//
// # Usage
//
// One chart:
//
//	fig, err := plots.LatencyBreakdown(run.Summaries, plots.BreakdownOptions{Log: true})
//	if err != nil {
//		return err // ErrEmpty or a *NotFiniteError naming the field
//	}
//	err = fig.Save("out/breakdown.png") // or fig.Render(w, plots.SVG)
//
// Everything a run fits, and the report:
//
//	charts, err := plots.Draw(outDir, run, plots.RecordsFile("out/requests.csv"), plots.Options{})
//	if err == nil {
//		err = plots.WriteReport(outDir, run, charts)
//	}
//
// # Reading the charts honestly
//
// On-device and cloud latencies differ by two orders of magnitude: an 89 s
// cold CNNdroid start flattens every warm bar of a linear axis into a
// sliver. So Draw makes an axis logarithmic when its values span more than
// LogRatio (30×), and the axis label and the caption say so. Stacking bars
// on a log axis misleads (a segment's length depends on where it starts),
// so a log breakdown draws each group's mean as a dot on the log axis and
// its phases (or energy components) beside it as 100 % stacked shares on a
// linear axis (dots.go). BreakdownOptions.Split, one linear panel per mode
// family, remains for absolute linear axes. Versus puts every mode on one
// shared axis per model and image: the study's central comparison.
//
// Charts keep their point sizes of text at any width: Figure.SetWidth lays
// a chart out at ColumnWidth (8.5 cm, one column of a paper) as well as at
// FigureWidth; legends flow into fewer columns, titles wrap, x tick labels
// thin out to fit, facets and side panels go one under another.
//
// Confidence intervals are those of result.Stat: the 95 % interval of the
// mean across replications. Percentiles have none, so sweep lines of p50
// or p95 carry no band rather than a wrong one.
//
// A crossover is where the best on-device mode's line meets the best remote
// (cloud or split) mode's: the difference is interpolated linearly between
// neighbouring sweep points, in log x on a log axis (see result.Crossings).
//
// The CDF keeps at most DefaultMaxSamples latencies per series, a reservoir
// sample with a fixed seed per series; the legend and the caption say when
// a curve is drawn from a sample.
//
// # Invariants
//
//   - Bad data is rejected before drawing: no data is an error wrapping
//     ErrEmpty; a NaN or infinite value a chart needs is a *NotFiniteError
//     (errors.Is(err, ErrNotFinite)) naming the field. Undefined values
//     that result documents are drawn as such: a NaN CI95 (one replication)
//     draws no error bar, a group with no successful request is an empty
//     labelled row.
//   - Rendering is deterministic: the same input gives byte-identical PNG
//     and SVG (fonts are Liberation, embedded in gonum/plot).
//   - Colours come from palette.go (Okabe–Ito): a phase, component or mode
//     has the same colour in every chart.
//   - Legends sit outside the data area, above the panels.
//   - Files are written atomically (a temporary file renamed into place)
//     and a failed Close is an error.
//
// # Build tags
//
// Built with the svgonly tag, the package draws SVG only: Render and Save
// return an error for PNG, and gonum/plot's raster back-end (vgimg, gg,
// freetype, the TIFF and PNG encoders) stays out of the binary. The lab's
// WebAssembly simulator is built so (lab.WriteSite, with gonum/plot's own
// minimal tag); its SVG is byte for byte the native build's.
//
// # Tests
//
// Each chart's Example writes testdata/NAME.png; TestXGolden runs the same
// Example and compares the image with testdata/NAME_golden.png using
// gonum/plot's cmpimg; TestColumnGolden does the same for every chart kind
// at ColumnWidth (testdata/NAME_column_golden.png). After an intended
// change, regenerate with
//
//	go test ./plots -run Golden -regen
//
// and look at every golden image before committing it.
package plots
