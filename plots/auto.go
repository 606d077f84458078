package plots

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/infersim/infersim/internal/suggest"
	"github.com/infersim/infersim/result"
)

// Kind is a kind of chart.
type Kind string

// The chart kinds, in the order Draw writes them.
const (
	KindBreakdown   Kind = "breakdown"   // LatencyBreakdown
	KindEnergy      Kind = "energy"      // EnergyBreakdown
	KindVersus      Kind = "versus"      // Versus: every mode on one axis per model and image
	KindSweep       Kind = "sweep"       // SweepLines, latency and energy
	KindCDF         Kind = "cdf"         // LatencyCDF
	KindTimeline    Kind = "timeline"    // Timeline
	KindCalibration Kind = "calibration" // LayerTimes and Validation
)

// Kinds lists every kind in drawing order.
func Kinds() []Kind {
	return []Kind{KindBreakdown, KindEnergy, KindVersus, KindSweep, KindCDF, KindTimeline, KindCalibration, KindThermal}
}

// ParseKinds reads a --kind value: kinds separated by commas. An empty
// string means every kind that fits (nil).
func ParseKinds(s string) ([]Kind, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var ks []Kind
	for _, f := range strings.Split(s, ",") {
		k := Kind(strings.ToLower(strings.TrimSpace(f)))
		ok := false
		for _, known := range Kinds() {
			ok = ok || k == known
		}
		if !ok {
			var names []string
			for _, known := range Kinds() {
				names = append(names, string(known))
			}
			return nil, fmt.Errorf("plots: unknown chart kind %q%s", f, suggest.DidYouMean(strings.TrimSpace(f), names))
		}
		ks = append(ks, k)
	}
	return ks, nil
}

// Options configures Draw.
type Options struct {
	// Kinds limits the charts; nil means every kind the data fits. A kind
	// asked for that the data cannot make (a CDF without records) is an
	// error.
	Kinds []Kind
	// Formats are the image formats to write; nil means PNG and SVG.
	Formats []Format
	// Log draws latency and energy axes on log scales. Without it an axis
	// is logarithmic when its values span more than LogRatio (and the
	// chart's axis label and caption say so), linear otherwise.
	Log bool
	// Metric is the latency metric of the sweep chart (empty: Mean); the
	// energy sweep is drawn as well unless Metric is Energy.
	Metric Metric
	// Spans is one replication's trace (trace.json: the runner writes one
	// world per trace file), for the timeline.
	Spans []result.Span
	// Layers are kernel timings, for the calibration chart (one per model).
	Layers []result.LayerTiming
	// Validation rows compare the run with reference measurements.
	Validation []result.ValidationRow
	// MaxSamples caps the latencies kept per CDF series
	// (DefaultMaxSamples when 0).
	MaxSamples int
	// Charts are the scenario's chart hints; nil means the hints the run
	// carries (Run.Charts, the scenario's outputs.charts), if any. A
	// sweep hint replaces the automatic sweep chart; energy and breakdown
	// hints add a chart of every point they select.
	Charts []result.ChartHint
}

// Chart is a chart Draw wrote.
type Chart struct {
	Kind  Kind   // what kind of chart
	Name  string // file name without extension, e.g. "breakdown" or "sweep-energy"
	Title string // the figure's title
	// Caption says in one line what to look at.
	Caption string
	// PNG and SVG are the files' paths relative to the output directory
	// ("plots/breakdown.png"), empty when that format was not written.
	PNG, SVG string
}

// PlotsDir is the directory under a run's output directory that Draw writes
// into.
const PlotsDir = "plots"

// Draw chooses the charts that fit a run and writes them to dir/plots as
// PNG and SVG files: the latency and energy breakdowns always; sweep lines
// (latency and energy) when a numeric parameter varies between points, or
// the sweep charts the scenario's hints ask for (Options.Charts; a hinted
// chart whose selection holds no data is left out); the
// latency CDF when records are given (streamed once; at most MaxSamples
// latencies kept per series); the timeline when spans are given; the
// calibration charts when layer timings or validation rows are given.
// Charts of a single point (breakdowns, CDF) are drawn for every point of a
// run with up to three points, else for the first and the last. It returns
// the charts written, in order, for WriteReport.
func Draw(dir string, run *result.Run, records Records, opts Options) ([]Chart, error) {
	if run == nil {
		return nil, errors.New("plots: draw: no run")
	}
	p, err := newPlan(dir, run, records, opts)
	if err != nil {
		return nil, err
	}
	for _, draw := range planners {
		if err := draw(p); err != nil {
			return nil, err
		}
	}
	return p.d.charts, nil
}

// plan is what Draw's planners share: the run, what was asked, and the
// drawer that writes the charts and remembers them in order.
type plan struct {
	d       *drawer
	run     *result.Run
	records Records
	opts    Options
	want    map[Kind]bool
	// explicit: the kinds were asked for, so a kind the data cannot make
	// is an error rather than left out.
	explicit bool
	points   []int // the points single-point charts are drawn for
	hints    []result.ChartHint
}

// planners draw the charts that fit, one per family of charts, in the
// order Draw writes them: a new chart kind is a planner here.
var planners = []func(*plan) error{
	planPointBars,   // breakdown and energy of each chart point
	planHintedBars,  // breakdown and energy hints
	planVersus,      // on-device against cloud on one axis, each chart point
	planSweeps,      // sweep hints, else the automatic sweep
	planCDF,         // the latency CDF
	planTimeline,    // the timeline of one replication
	planCalibration, // layer times and validation
}

func newPlan(dir string, run *result.Run, records Records, opts Options) (*plan, error) {
	p := &plan{run: run, records: records, opts: opts, want: map[Kind]bool{}, explicit: opts.Kinds != nil}
	for _, k := range opts.Kinds {
		p.want[k] = true
	}
	if !p.explicit {
		for _, k := range Kinds() {
			p.want[k] = true
		}
	}
	formats := opts.Formats
	if formats == nil {
		formats = []Format{PNG, SVG}
	}
	if err := os.MkdirAll(filepath.Join(dir, PlotsDir), 0o755); err != nil {
		return nil, fmt.Errorf("plots: %w", err)
	}
	p.d = &drawer{dir: dir, formats: formats}
	p.points = chartPoints(run.Summaries)
	p.hints = opts.Charts
	if p.hints == nil {
		p.hints = run.Charts
	}
	if err := checkHints(p.hints); err != nil {
		return nil, err
	}
	return p, nil
}

// planPointBars draws the latency and energy breakdowns of each chart
// point.
func planPointBars(p *plan) error {
	if !p.want[KindBreakdown] && !p.want[KindEnergy] {
		return nil
	}
	run, opts := p.run, p.opts
	if len(run.Summaries) == 0 {
		return empty("breakdown: the run has no summaries")
	}
	for _, pt := range p.points {
		sums := summariesAt(run.Summaries, pt)
		suffix, where := pointSuffix(run, pt, len(p.points))
		want := map[Kind]bool{KindBreakdown: p.want[KindBreakdown], KindEnergy: p.want[KindEnergy]}
		if err := p.d.drawBars(sums, want, opts.Log, where, suffix, ""); err != nil {
			return err
		}
	}
	return nil
}

// planVersus draws on-device against cloud on one axis (Versus) for each
// chart point that has both a successful on-device and a successful remote
// mode.
func planVersus(p *plan) error {
	if !p.want[KindVersus] {
		return nil
	}
	drawn := false
	for _, pt := range p.points {
		sums := summariesAt(p.run.Summaries, pt)
		if !hasBothSides(sums) {
			continue
		}
		suffix, where := pointSuffix(p.run, pt, len(p.points))
		if err := p.d.drawBars(sums, map[Kind]bool{KindVersus: true}, p.opts.Log, where, suffix, ""); err != nil {
			return err
		}
		drawn = true
	}
	if !drawn && p.explicit {
		return empty("versus: no point has both a successful on-device and a successful cloud or split mode")
	}
	return nil
}

// planHintedBars draws the energy, breakdown and versus hints; a hint
// whose selection holds no data is left out.
func planHintedBars(p *plan) error {
	for i, h := range p.hints {
		if k := Kind(h.Kind); (k != KindBreakdown && k != KindEnergy && k != KindVersus) || !p.want[k] {
			continue
		}
		if err := p.d.drawHintedBars(p.run, h, i, p.opts); err != nil && !errors.Is(err, ErrEmpty) {
			return err
		}
	}
	return nil
}

// planSweeps draws the sweep hints, or without any the automatic sweep
// charts (latency and energy) when a numeric parameter varies.
func planSweeps(p *plan) error {
	if !p.want[KindSweep] {
		return nil
	}
	sweepHints := 0
	for i, h := range p.hints {
		if Kind(h.Kind) != KindSweep {
			continue
		}
		sweepHints++
		if err := p.d.drawHintedSweep(p.run, h, i, p.opts); err != nil && !errors.Is(err, ErrEmpty) {
			return err
		}
	}
	if sweepHints > 0 {
		return nil
	}
	run, opts := p.run, p.opts
	param := sweptParam(run.Summaries)
	if param == "" {
		if p.explicit {
			return empty("sweep: no numeric parameter varies between the run's points")
		}
		return nil
	}
	logX := paramSpread(run.Summaries, param) >= 10
	metrics := []Metric{opts.Metric, Energy}
	if opts.Metric == "" {
		metrics[0] = Mean
	}
	if opts.Metric == Energy {
		metrics = metrics[:1]
	}
	for _, m := range metrics {
		ys := metricSpread(run.Summaries, m)
		so := SweepOptions{Param: param, Metric: m, LogX: logX, LogY: opts.Log || ys > LogRatio}
		fig, err := SweepLines(run.Summaries, so)
		if err != nil {
			return err
		}
		cs, err := Crossovers(run.Summaries, so)
		if err != nil {
			return err
		}
		name := "sweep-latency"
		if m == Energy {
			name = "sweep-energy"
		}
		c := sweepCaption(m, param, cs)
		if so.LogY && !opts.Log {
			c += fmt.Sprintf(" Log scale: the values span %s× (more than %d×).", fmtNum(ys), LogRatio)
		}
		if err := p.d.write(KindSweep, name, fig, c); err != nil {
			return err
		}
	}
	return nil
}

// planCDF draws the latency CDF of the chart points' records (streamed
// once; at most MaxSamples latencies kept per series).
func planCDF(p *plan) error {
	if !p.want[KindCDF] {
		return nil
	}
	if p.records == nil {
		if p.explicit {
			return empty("cdf: no request records (requests.csv)")
		}
		return nil
	}
	keep := map[int]bool{}
	for _, pt := range p.points {
		keep[pt] = true
	}
	series, err := CollectLatencies(p.records, p.opts.MaxSamples, func(r *result.Record) bool { return keep[r.Point] })
	if err != nil {
		return err
	}
	setSplitLayers(series, p.run.Summaries)
	lo, hi := math.Inf(1), math.Inf(-1)
	total, drawn := 0, 0
	for _, s := range series {
		for _, v := range s.Seconds {
			lo, hi = min(lo, v), max(hi, v)
		}
		total += s.Count
		drawn += len(s.Seconds)
	}
	if drawn == 0 {
		if p.explicit {
			return empty("cdf: no successful request in the records")
		}
		return nil
	}
	logX := p.opts.Log && lo > 0 || lo > 0 && hi/lo > LogRatio
	fig, err := LatencyCDF(series, CDFOptions{LogX: logX})
	if err != nil {
		return err
	}
	cap := "Distribution of end-to-end latency, one panel per model (and start): colour is the mode, dash the image size; further left is faster; markers at p50, p95 and p99; a long flat tail is queueing."
	if logX {
		cap += fmt.Sprintf(" Log scale: latencies span %s× (more than %d×).", fmtNum(hi/lo), LogRatio)
	}
	if drawn < total {
		cap += fmt.Sprintf(" Drawn from a fixed-seed random sample of %s of %s requests.", thousands(drawn), thousands(total))
	}
	return p.d.write(KindCDF, "cdf", fig, cap)
}

// planTimeline draws the trace's timeline (its first MaxTimelineSpans
// spans' window when longer).
func planTimeline(p *plan) error {
	if !p.want[KindTimeline] {
		return nil
	}
	spans := p.opts.Spans
	if len(spans) == 0 {
		if p.explicit {
			return empty("timeline: no trace spans (trace.json)")
		}
		return nil
	}
	note := ""
	to := TimelineOptions{}
	if len(spans) > MaxTimelineSpans {
		to.From, to.To = timelineWindow(spans)
		note += fmt.Sprintf(" Showing the first %s s, the time of the first %d spans.", fmtNum(to.To-to.From), MaxTimelineSpans)
	}
	fig, err := Timeline(spans, to)
	if err != nil {
		return err
	}
	return p.d.write(KindTimeline, "timeline", fig, "What each resource was doing in one replication: look for long load and GC bars on the phone, radio tails after uploads, and idle gaps."+note)
}

// planCalibration draws each model's layer times and the validation
// chart.
func planCalibration(p *plan) error {
	if !p.want[KindCalibration] {
		return nil
	}
	opts := p.opts
	if p.explicit && len(opts.Layers) == 0 && len(opts.Validation) == 0 {
		return empty("calibration: no layer timings or validation rows")
	}
	var models []string
	seen := map[string]bool{}
	for _, l := range opts.Layers {
		if !seen[l.Model] {
			seen[l.Model] = true
			models = append(models, l.Model)
		}
	}
	for _, m := range models {
		fig, err := LayerTimes(opts.Layers, LayerOptions{Model: m, Log: true})
		if err != nil {
			return err
		}
		if err := p.d.write(KindCalibration, "layers-"+fileSafe(m), fig, layersCaption(opts.Layers, m)); err != nil {
			return err
		}
	}
	if len(opts.Validation) == 0 {
		return nil
	}
	fig, err := Validation(opts.Validation, ValidationOptions{})
	if err != nil {
		return err
	}
	return p.d.write(KindCalibration, "validation", fig, validationCaption(opts.Validation))
}

// MaxTimelineSpans is how many spans Draw's timeline shows at most: beyond
// that, bars are thinner than a pixel and the chart says nothing. Draw
// shows the window covering the first MaxTimelineSpans spans instead.
const MaxTimelineSpans = 2000

// timelineWindow returns the time range of the first MaxTimelineSpans spans
// by start.
func timelineWindow(spans []result.Span) (from, to float64) {
	starts := make([]float64, len(spans))
	from = math.Inf(1)
	for i, s := range spans {
		starts[i] = s.Start
		from = min(from, s.Start)
	}
	sort.Float64s(starts)
	return from, starts[MaxTimelineSpans-1]
}

// drawer writes figures and remembers them.
type drawer struct {
	dir     string
	formats []Format
	charts  []Chart
}

func (d *drawer) write(kind Kind, name string, fig *Figure, caption string) error {
	c := Chart{Kind: kind, Name: name, Title: fig.Title, Caption: caption}
	for _, f := range d.formats {
		rel := filepath.ToSlash(filepath.Join(PlotsDir, name+"."+string(f)))
		if err := fig.Save(filepath.Join(d.dir, filepath.FromSlash(rel))); err != nil {
			return err
		}
		switch f {
		case PNG:
			c.PNG = rel
		case SVG:
			c.SVG = rel
		}
	}
	d.charts = append(d.charts, c)
	return nil
}

// chartPoints returns the points single-point charts are drawn for.
func chartPoints(sums []result.Summary) []int {
	seen := map[int]bool{}
	var pts []int
	for i := range sums {
		if !seen[sums[i].Point] {
			seen[sums[i].Point] = true
			pts = append(pts, sums[i].Point)
		}
	}
	sort.Ints(pts)
	if len(pts) > 3 {
		pts = []int{pts[0], pts[len(pts)-1]}
	}
	if len(pts) == 0 {
		pts = []int{0}
	}
	return pts
}

func summariesAt(sums []result.Summary, point int) []result.Summary {
	var out []result.Summary
	for i := range sums {
		if sums[i].Point == point {
			out = append(out, sums[i])
		}
	}
	return out
}

// pointSuffix names a point's chart files and titles when the run has
// several points: "-p3" and " (bandwidth 2Mbps)".
func pointSuffix(run *result.Run, point, n int) (suffix, where string) {
	if n <= 1 && len(run.Points) <= 1 {
		return "", ""
	}
	suffix = "-p" + strconv.Itoa(point)
	for _, p := range run.Points {
		if p.Index != point {
			continue
		}
		var parts []string
		for _, q := range p.Params {
			parts = append(parts, shortParam(q.Name)+" "+q.Value)
		}
		if len(parts) > 0 {
			where = " (" + strings.Join(parts, ", ") + ")"
		}
	}
	if where == "" {
		where = " (point " + strconv.Itoa(point) + ")"
	}
	return suffix, where
}

// spread is the ratio of the longest to the shortest mean latency.
func spread(sums []result.Summary) float64 {
	return ratio(sums, func(s *result.Summary) float64 { return s.Latency.Mean })
}

// metricSpread is the ratio of the largest to the smallest value of a
// group metric (1 for a per-world metric, which can be 0).
func metricSpread(sums []result.Summary, m Metric) float64 {
	if m.world() {
		return 1
	}
	return ratio(sums, func(s *result.Summary) float64 { v, _ := m.value(s); return v })
}

func energySpread(sums []result.Summary) float64 {
	return ratio(sums, func(s *result.Summary) float64 { return s.EnergyTotal.Mean })
}

func ratio(sums []result.Summary, f func(*result.Summary) float64) float64 {
	lo, hi := math.Inf(1), 0.0
	for i := range sums {
		if sums[i].OK() == 0 {
			continue
		}
		if v := f(&sums[i]); v > 0 && !math.IsInf(v, 0) {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	if hi == 0 {
		return 1
	}
	return hi / lo
}

func paramSpread(sums []result.Summary, param string) float64 {
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range sums {
		for _, p := range sums[i].Params {
			if p.Name == param && p.IsNumeric() {
				lo, hi = min(lo, p.Number), max(hi, p.Number)
			}
		}
	}
	if lo <= 0 {
		return 0
	}
	return hi / lo
}

// fileSafe keeps letters, digits, '-' and '_' of a name.
func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return '_'
	}, s)
}

// Captions: one line on what to look at, from the data.

func dominantPhase(s *result.Summary) (result.Phase, float64) {
	best, share := result.Load, -1.0
	for _, p := range result.Phases() {
		if v := statMean(s.Phases[p]) / s.Latency.Mean; v > share {
			best, share = p, v
		}
	}
	return best, share
}

func breakdownCaption(sums []result.Summary) string {
	var lo, hi *result.Summary
	for i := range sums {
		s := &sums[i]
		if s.OK() == 0 {
			continue
		}
		if lo == nil || s.Latency.Mean < lo.Latency.Mean {
			lo = s
		}
		if hi == nil || s.Latency.Mean > hi.Latency.Mean {
			hi = s
		}
	}
	if hi == nil {
		return "No group had a successful request."
	}
	desc := func(s *result.Summary) string {
		d := fmt.Sprintf("%s %s (%s), %s", s.Model, s.ModeLabel(), s.Start, fmtSeconds(s.Latency.Mean))
		if p, share := dominantPhase(s); share > 0 {
			d += fmt.Sprintf(", %.0f %% of it %s", share*100, p)
		}
		return d
	}
	return "Slowest: " + desc(hi) + "; fastest: " + desc(lo) + ". Compare the phase that dominates each bar."
}

func energyCaption(sums []result.Summary) string {
	var lo, hi *result.Summary
	for i := range sums {
		s := &sums[i]
		if s.OK() == 0 {
			continue
		}
		if lo == nil || s.EnergyTotal.Mean < lo.EnergyTotal.Mean {
			lo = s
		}
		if hi == nil || s.EnergyTotal.Mean > hi.EnergyTotal.Mean {
			hi = s
		}
	}
	if hi == nil {
		return "No group had a successful request."
	}
	return fmt.Sprintf("Most expensive: %s %s (%s), %s per request, %s %% of the battery; cheapest: %s %s (%s), %s. The radio's share is what the cloud costs the phone.",
		hi.Model, hi.ModeLabel(), hi.Start, fmtJoules(hi.EnergyTotal.Mean), fmtNum(hi.BatteryPer1000/1000),
		lo.Model, lo.ModeLabel(), lo.Start, fmtJoules(lo.EnergyTotal.Mean))
}

func sweepCaption(m Metric, param string, cs []Crossover) string {
	what := capitalize(m.describe()) + " per mode against " + axisLabel(param)
	if len(cs) == 0 {
		return what + ": the lines do not cross, one side wins across the whole sweep."
	}
	var ls []string
	for _, c := range cs {
		ls = append(ls, c.Label)
	}
	return what + ": " + strings.Join(ls, "; ") + " (dashed line)."
}

func layersCaption(layers []result.LayerTiming, model string) string {
	var ls []result.LayerTiming
	total := 0.0
	for _, l := range layers {
		if l.Model == model {
			ls = append(ls, l)
			total += l.Median
		}
	}
	sort.SliceStable(ls, func(i, j int) bool { return ls[i].Median > ls[j].Median })
	var top []string
	share := 0.0
	for i := 0; i < len(ls) && i < 3; i++ {
		top = append(top, ls[i].Layer+" "+fmtSeconds(ls[i].Median))
		share += ls[i].Median
	}
	return fmt.Sprintf("%s: the three longest layers (%s) take %.0f %% of the time; GFLOP/s shows how well each kernel uses this machine.",
		model, strings.Join(top, ", "), share/total*100)
}

func validationCaption(rows []result.ValidationRow) string {
	pass, n := 0, 0
	worst, werr := "", 0.0
	for _, r := range rows {
		n++
		if r.Pass {
			pass++
		}
		if !math.IsNaN(r.Reference) && r.Reference != 0 {
			if e := (r.Simulated - r.Reference) / r.Reference; math.Abs(e) > math.Abs(werr) {
				worst, werr = r.ID, e
			}
		}
	}
	c := fmt.Sprintf("%d of %d reference rows within tolerance", pass, n)
	if worst != "" {
		c += "; largest error " + worst + " " + fmtSignedPercent(werr)
	}
	return c + ". Held-out rows (diamonds) are the test: the profiles were not fitted to them."
}

// Results is what a results directory holds for charts.
type Results struct {
	Run *result.Run // summary.json
	// Records streams requests.csv; nil when the file is absent.
	Records    Records
	Spans      []result.Span          // trace.json, nil when absent
	Layers     []result.LayerTiming   // layers.csv, nil when absent
	Validation []result.ValidationRow // validation.csv, nil when absent
	// Notes says which optional files were absent.
	Notes []string
	// Manifest is the result set's manifest (ReadResults; nil from
	// ReadFiles).
	Manifest *result.Manifest
}

// The files ReadResults looks for; package result defines their formats.
const (
	SummaryFile    = result.SummaryFile
	RequestsFile   = result.RequestsFile
	TraceFile      = result.TraceFile
	ValidationFile = result.ValidationFile
	LayersFile     = result.LayersFile
)

// ReadResults reads a result set: its manifest (result.ManifestFile,
// required), checked against the files (a file missing or changed is an
// error, *result.MismatchError), then the files it names, and only those
// (ReadFiles).
func ReadResults(dir string) (*Results, error) {
	m, err := result.ReadManifestDir(dir)
	if err != nil {
		if errors.Is(err, result.ErrNoManifest) {
			return nil, fmt.Errorf("plots: %w (a folder of an older infersim, or not a results folder: run the scenario again)", err)
		}
		return nil, fmt.Errorf("plots: %w", err)
	}
	if err := m.Verify(dir); err != nil {
		return nil, fmt.Errorf("plots: %w", err)
	}
	res, err := ReadFiles(dir, m.Names())
	if err != nil {
		return nil, err
	}
	res.Manifest = m
	return res, nil
}

// ReadFiles reads the files of a results directory among names (slash
// paths, e.g. a manifest's): summary.json (required), and requests.csv,
// trace.json, validation.csv and layers.csv when named. A file in dir
// that names does not list is not read. Records are not read here but
// streamed when drawn.
func ReadFiles(dir string, names []string) (*Results, error) {
	named := map[string]bool{}
	for _, n := range names {
		named[n] = true
	}
	if !named[SummaryFile] {
		return nil, fmt.Errorf("plots: %s: the result set has no %s", dir, SummaryFile)
	}
	f, err := os.Open(filepath.Join(dir, SummaryFile))
	if err != nil {
		return nil, fmt.Errorf("plots: %w", err)
	}
	run, err := result.ReadRunJSON(f, filepath.Join(dir, SummaryFile))
	f.Close()
	if err != nil {
		return nil, err
	}
	res := &Results{Run: run}
	if named[RequestsFile] {
		res.Records = RecordsFile(filepath.Join(dir, RequestsFile))
	} else if named[result.RequestsParquetFile] {
		res.Records = RecordsFile(filepath.Join(dir, result.RequestsParquetFile))
	} else {
		res.Notes = append(res.Notes, RequestsFile+" absent: no latency CDF")
	}
	optional := func(name string) string {
		if named[name] {
			return name
		}
		return ""
	}
	if res.Spans, err = readOptional(dir, optional(TraceFile), result.ReadTrace); err != nil {
		return nil, err
	}
	if res.Validation, err = readOptional(dir, optional(ValidationFile), result.ReadValidationCSV); err != nil {
		return nil, err
	}
	if res.Layers, err = readOptional(dir, optional(LayersFile), result.ReadLayersCSV); err != nil {
		return nil, err
	}
	return res, nil
}

// readOptional reads dir/name with read; a missing file, or name "",
// gives nil and no error.
func readOptional[T any](dir, name string, read func(io.Reader, string) ([]T, error)) ([]T, error) {
	if name == "" {
		return nil, nil
	}
	path := filepath.Join(dir, name)
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("plots: %w", err)
	}
	defer f.Close()
	return read(f, path)
}

// SplitParam is the x axis of a sweep hint that plots the cut K of the
// split:K modes at each point: layers run on the phone.
const SplitParam = "split"

// splitAxis names the split chart's x axis.
const splitAxis = "layers on the phone, K"

// checkHints checks the chart hints a run carries: kinds plots draws
// from hints and metrics it knows.
func checkHints(hints []result.ChartHint) error {
	for i, h := range hints {
		switch Kind(h.Kind) {
		case KindSweep, KindEnergy, KindBreakdown, KindVersus:
		default:
			return fmt.Errorf("plots: outputs.charts[%d]: kind %q is not sweep, energy, breakdown or versus", i, h.Kind)
		}
		if h.Metric != "" {
			if _, err := ParseMetric(h.Metric); err != nil {
				return fmt.Errorf("plots: outputs.charts[%d]: %s", i, strings.TrimPrefix(err.Error(), "plots: "))
			}
		}
	}
	return nil
}

// hintMode reports whether mode matches a hint's mode entry (a mode or a
// family).
func hintMode(entry, mode string) bool {
	switch entry {
	case "on-device":
		return family(mode) == familyPhone
	case "cloud":
		return family(mode) == familyCloud
	case "split":
		return family(mode) == familySplit
	case "remote":
		return family(mode) == familyCloud || family(mode) == familySplit
	case "any":
		return true
	}
	return entry == mode
}

// selectHint returns the summaries a hint keeps (copies), one group per
// cell when the hint or the metric asks for one start.
func selectHint(sums []result.Summary, h result.ChartHint) []result.Summary {
	in := func(list []string, v string, match func(a, b string) bool) bool {
		if len(list) == 0 {
			return true
		}
		for _, x := range list {
			if match(strings.TrimSpace(x), v) {
				return true
			}
		}
		return false
	}
	eq := func(a, b string) bool { return a == b }
	var out []result.Summary
	for i := range sums {
		s := sums[i]
		if !in(h.Models, s.Model, eq) || !in(h.Modes, s.Mode, hintMode) {
			continue
		}
		ok := true
		for _, pv := range h.Params {
			path, val, _ := strings.Cut(pv, "=")
			found := false
			for _, p := range s.Params {
				found = found || (p.Name == strings.TrimSpace(path) && p.Value == strings.TrimSpace(val))
			}
			ok = ok && found
		}
		if ok {
			out = append(out, s)
		}
	}
	if h.Start == "" && !Metric(h.Metric).world() {
		return out
	}
	// One group per cell: the start asked for, else the cell's other.
	want := h.Start
	if want == "" {
		want = result.Warm
	}
	type cell struct {
		point              int
		model, mode, image string
	}
	best := map[cell]int{}
	var order []cell
	for i := range out {
		k := cell{out[i].Point, out[i].Model, out[i].Mode, out[i].Image}
		j, seen := best[k]
		if !seen {
			best[k] = i
			order = append(order, k)
			continue
		}
		if out[j].Start != want && out[i].Start == want {
			best[k] = i
		}
	}
	picked := make([]result.Summary, 0, len(order))
	for _, k := range order {
		s := out[best[k]]
		s.Start = want
		picked = append(picked, s)
	}
	return picked
}

// splitSummaries turns the split:K summaries into one line per model
// against K: the cut becomes a numeric parameter, the line is named after
// the model, and the parameters that only restate the cell (swept models
// or modes) are dropped.
func splitSummaries(sums []result.Summary) []result.Summary {
	var out []result.Summary
	for _, s := range sums {
		k, ok := strings.CutPrefix(s.Mode, "split:")
		if !ok {
			continue
		}
		n, err := strconv.Atoi(k)
		if err != nil {
			continue
		}
		var ps []result.Param
		for _, p := range s.Params {
			if p.Name == "models" || strings.HasPrefix(p.Name, "models[") || p.Name == "workload.modes" || strings.HasPrefix(p.Name, "workload.modes[") {
				continue
			}
			ps = append(ps, p)
		}
		s.Params = append(ps, result.Param{Name: splitAxis, Value: k, Number: float64(n)})
		// One line per model: the model names the line (its "mode"),
		// under one common model name.
		s.Mode, s.Model = s.Model, "split"
		out = append(out, s)
	}
	return out
}

// dropDependentParams removes from every summary the swept parameters
// whose value follows from an earlier one's (a zipped sweep's companions:
// phone.cpu follows phone.device), so that labels name each point once.
func dropDependentParams(sums []result.Summary) []result.Summary {
	var names []string
	seen := map[string]bool{}
	for _, s := range sums {
		for _, p := range s.Params {
			if !seen[p.Name] {
				seen[p.Name] = true
				names = append(names, p.Name)
			}
		}
	}
	value := func(s *result.Summary, n string) (string, bool) {
		for _, p := range s.Params {
			if p.Name == n {
				return p.Value, true
			}
		}
		return "", false
	}
	drop := map[string]bool{}
	for j, b := range names {
		for _, a := range names[:j] {
			if drop[a] {
				continue
			}
			f := map[string]string{}
			dependent := true
			for i := range sums {
				va, okA := value(&sums[i], a)
				vb, okB := value(&sums[i], b)
				if !okA || !okB {
					dependent = false
					break
				}
				if old, ok := f[va]; ok && old != vb {
					dependent = false
					break
				}
				f[va] = vb
			}
			if dependent {
				drop[b] = true
				break
			}
		}
	}
	if len(drop) == 0 {
		return sums
	}
	out := make([]result.Summary, len(sums))
	for i, s := range sums {
		var ps []result.Param
		for _, p := range s.Params {
			if !drop[p.Name] {
				ps = append(ps, p)
			}
		}
		s.Params = ps
		out[i] = s
	}
	return out
}

// hintNote describes a hint's filters for titles: " (upload original, warm)".
func hintNote(h result.ChartHint) string {
	var parts []string
	for _, pv := range h.Params {
		path, val, _ := strings.Cut(pv, "=")
		parts = append(parts, shortParam(strings.TrimSpace(path))+" "+strings.TrimSpace(val))
	}
	if len(h.Models) > 0 {
		parts = append(parts, strings.Join(h.Models, ", "))
	}
	if len(h.Modes) > 0 {
		parts = append(parts, strings.Join(h.Modes, ", "))
	}
	if h.Start != "" {
		parts = append(parts, string(h.Start))
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// hintName makes a chart file name unique among those drawn.
func (d *drawer) hintName(base string) string {
	name := fileSafe(base)
	for n := 2; ; n++ {
		taken := false
		for _, c := range d.charts {
			taken = taken || c.Name == name
		}
		if !taken {
			return name
		}
		name = fileSafe(base) + "-" + strconv.Itoa(n)
	}
}

// drawHintedSweep draws a sweep hint: its metric against its parameter
// over the summaries it selects.
func (d *drawer) drawHintedSweep(run *result.Run, h result.ChartHint, i int, opts Options) error {
	m := Metric(h.Metric)
	if m == "" {
		m = Mean
	}
	sums := selectHint(run.Summaries, h)
	param := h.Param
	if param == SplitParam {
		sums = splitSummaries(sums)
		param = splitAxis
	}
	if len(sums) == 0 {
		return empty("outputs.charts[%d]: no summary matches the chart's selection", i)
	}
	ys := 1.0
	if !m.world() {
		ys = metricSpread(sums, m)
	}
	so := SweepOptions{Param: param, Metric: m, LogX: paramSpread(sums, param) >= 10, LogY: opts.Log || h.Log || ys > LogRatio, Start: h.Start,
		Title: capitalize(m.describe()) + " vs " + axisLabel(param) + hintNote(h)}
	if h.Start == "" && m.world() {
		so.Start = result.Warm
	}
	modes := map[string]bool{}
	for _, s := range sums {
		modes[s.Mode] = true
	}
	so.ColorByLine = param == splitAxis || len(modes) == 1
	fig, err := SweepLines(sums, so)
	if err != nil {
		return fmt.Errorf("outputs.charts[%d]: %w", i, err)
	}
	var caption string
	if m.world() {
		caption = capitalize(m.describe()) + " against " + axisLabel(param) + ", one line per model and mode; the shaded band is the 95 % CI across replications."
	} else {
		cs, err := Crossovers(sums, so)
		if err != nil {
			return fmt.Errorf("outputs.charts[%d]: %w", i, err)
		}
		caption = sweepCaption(m, param, cs)
		if param == splitAxis {
			caption = capitalize(m.describe()) + " against the cut K, one line per model: K = 0 sends the photo to the cloud, the last K runs every layer on the phone; the lowest point is the best cut."
		}
	}
	if ys > LogRatio && !opts.Log && !h.Log {
		caption += fmt.Sprintf(" Log scale: the values span %s× (more than %d×).", fmtNum(ys), LogRatio)
	}
	base := "sweep-" + string(m) + "-" + shortParam(h.Param)
	if len(h.Models) > 0 {
		base += "-" + strings.Join(h.Models, "-")
	}
	name := d.hintName(base)
	return d.write(KindSweep, name, fig, caption)
}

// drawHintedBars draws an energy or breakdown hint: one chart of every
// summary it selects, across points.
func (d *drawer) drawHintedBars(run *result.Run, h result.ChartHint, i int, opts Options) error {
	sums := dropDependentParams(selectHint(run.Summaries, h))
	if len(sums) == 0 {
		return empty("outputs.charts[%d]: no summary matches the chart's selection", i)
	}
	k := Kind(h.Kind)
	if err := d.drawBars(sums, map[Kind]bool{k: true}, opts.Log || h.Log, hintNote(h), "", d.hintName(string(k)+"-"+strconv.Itoa(i))); err != nil {
		return fmt.Errorf("outputs.charts[%d]: %w", i, err)
	}
	return nil
}

// drawBars draws the breakdown, energy and versus charts of sums that want
// asks for, titled with where, named after the kind and suffix (or name,
// when not empty). An axis is logarithmic when log is set or its values
// span more than LogRatio; the caption then says so.
func (d *drawer) drawBars(sums []result.Summary, want map[Kind]bool, log bool, where, suffix, name string) error {
	named := func(k Kind) string {
		if name != "" {
			return name
		}
		return string(k) + suffix
	}
	if want[KindBreakdown] {
		lg := log || spread(sums) > LogRatio
		fig, err := LatencyBreakdown(sums, BreakdownOptions{Log: lg, Title: "Where the time goes: mean end-to-end latency by phase" + where})
		if err != nil {
			return err
		}
		c := breakdownCaption(sums)
		if lg {
			c += logNote(spread(sums), "means", "each phase's share of the time")
		}
		if err := d.write(KindBreakdown, named(KindBreakdown), fig, c); err != nil {
			return err
		}
	}
	if want[KindEnergy] {
		lg := log || energySpread(sums) > LogRatio
		fig, err := EnergyBreakdown(sums, EnergyOptions{Log: lg, Title: "What it costs the phone: energy per request" + where})
		if err != nil {
			return err
		}
		c := energyCaption(sums)
		if lg {
			c += logNote(energySpread(sums), "totals", "each component's share of the energy")
		}
		if err := d.write(KindEnergy, named(KindEnergy), fig, c); err != nil {
			return err
		}
	}
	if want[KindVersus] {
		fig, err := Versus(sums, VersusOptions{Title: "Phone or cloud? Every mode on one axis per model and image" + where})
		if err != nil {
			return err
		}
		c := versusCaption(sums)
		if spread(sums) > LogRatio || energySpread(sums) > LogRatio {
			c += fmt.Sprintf(" Log scale where the values span more than %d×.", LogRatio)
		}
		if err := d.write(KindVersus, named(KindVersus), fig, c); err != nil {
			return err
		}
	}
	return nil
}

// logNote is the caption's sentence on a log axis: why, and where the
// parts are.
func logNote(ratio float64, what, parts string) string {
	return fmt.Sprintf(" Log scale: the %s span %s× (more than %d×), so each is a dot on a log axis; the bars beside give %s on a linear axis.", what, fmtNum(ratio), LogRatio, parts)
}
