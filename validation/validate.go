package validation

import (
	"context"
	"fmt"
	"math"
	"os"
	"sort"
	"strings"

	"github.com/infersim/infersim/devices/engine"
	"github.com/infersim/infersim/models"
	"github.com/infersim/infersim/reference"
	"github.com/infersim/infersim/result"
)

// Role says what a row is to the calibration.
type Role string

// The roles of a row.
const (
	// Fit: a processor profile or a network preset was fitted to the fact
	// (directly, or through a DERIVED fact computed from it). A fitted row
	// off by more than its tolerance fails the validation.
	Fit Role = "fit"
	// Input: the model takes the fact as a parameter (a radio timer, an
	// unsupported layer); the row checks that the simulation reproduces
	// it. It fails the validation like a fitted row.
	Input Role = "input"
	// HeldOut: nothing was fitted to the fact; the row is the test of the
	// model. It is reported and never fails the validation.
	HeldOut Role = "held-out"
	// ReportOnly: a related measurement of another configuration (another
	// phone, framework or library), shown for comparison only.
	ReportOnly Role = "report"
)

// Gates reports whether a row of this role fails the validation when it is
// off.
func (r Role) Gates() bool { return r == Fit || r == Input }

// Row is one comparison: a result.ValidationRow (what validation.csv
// holds) with its role, the short key of its source and where the
// simulated value came from.
type Row struct {
	result.ValidationRow
	Role      Role
	SourceKey string // e.g. "guo2018"
	// From says how the simulated value was obtained, e.g. "guo2018 run"
	// or "processor nexus5-caffe-cpu".
	From string
	// Order is true for an ordering fact ("Caffe loads faster"): Simulated
	// is the ratio left/right, which must be below High = 1.
	Order bool
}

// NotCompared is a reference fact that no row compares, and why.
type NotCompared struct {
	ID, Reason string
}

// Options configures Validate.
type Options struct {
	// Quick runs fewer replications (for CI): QuickReplications
	// replications, and QuickNetworkRequests reference requests per
	// replication on each network preset.
	Quick bool
	// Replications overrides the number of replications (0: 10, or
	// QuickReplications with Quick).
	Replications int
	// KernelProfile replaces the embedded default kernel profile: every
	// processor profile is re-fitted against it, as `infersim run
	// --kernel-profile` does. KernelProfileName says where it came from.
	KernelProfile     *models.Profile
	KernelProfileName string
	// Workers bounds the worlds simulated at once (0: GOMAXPROCS).
	Workers int
	// Sensitivity adds the sensitivity analysis (Report.Sensitivity): each
	// fitted parameter moved across its uncertainty, the headline numbers
	// and each built-in what-if's first conclusion recomputed.
	Sensitivity bool
	// Out is the directory the guo2018 run writes its results to
	// (requests.csv, summary.csv, summary.json); "" means a temporary
	// directory removed before Validate returns.
	Out string
}

// Default sizes.
const (
	DefaultReplications = 10
	QuickReplications   = 4
	// NetworkRequests is the number of reference requests per replication
	// of the network rows (QuickNetworkRequests with Quick).
	NetworkRequests      = 1000
	QuickNetworkRequests = 200
)

// Report is what Validate found.
type Report struct {
	Rows        []Row
	NotCompared []NotCompared
	// Layers are the kernel profile's per-layer timings of the study's
	// models with their simulated times on LayersTarget, for layers.csv.
	Layers       []result.LayerTiming
	LayersTarget string
	// Run is the guo2018 run the study rows come from; RunDir where its
	// results were written ("" when they were removed).
	Run    *result.Run
	RunDir string
	// Replications and Requests are the run's sizes (Requests 0: the
	// scenario's own).
	Replications, Requests int
	// KernelProfile names the kernel profile the processors were fitted
	// against.
	KernelProfile string
	// FitWarnings are the shipped profiles' degenerate-fit warnings.
	FitWarnings []FitWarning
	// Sensitivity is the sensitivity analysis (Options.Sensitivity), or
	// nil.
	Sensitivity *Sensitivity
	// LLMCost is the LLM phone rows' held-out errors under each cost
	// model of the phone runtimes (the default's are the rows').
	LLMCost []LLMCostVariant
}

// ValidationRows returns the rows as validation.csv holds them.
func (r *Report) ValidationRows() []result.ValidationRow {
	out := make([]result.ValidationRow, len(r.Rows))
	for i, row := range r.Rows {
		out[i] = row.ValidationRow
	}
	return out
}

// ChartRows returns the rows the validation chart shows: the fitted,
// input and held-out rows that are judged (by a tolerance, a range or an
// order). Report-only rows (other phones and frameworks, errors of
// hundreds of per cent) and spreads without a tolerance would stretch the
// axis; validation.csv keeps them.
func (r *Report) ChartRows() []result.ValidationRow {
	var out []result.ValidationRow
	for _, row := range r.Rows {
		if row.Role == ReportOnly || status(row) == "—" {
			continue
		}
		out = append(out, row.ValidationRow)
	}
	return out
}

// Failed returns the rows that fail the validation: fitted or input rows
// that are off.
func (r *Report) Failed() []Row {
	var out []Row
	for _, row := range r.Rows {
		if row.Role.Gates() && !row.Pass {
			out = append(out, row)
		}
	}
	return out
}

// Err returns a *FailedError when a fitted or input row is off by more
// than its tolerance, and nil otherwise (held-out and report rows never
// fail the validation).
func (r *Report) Err() error {
	if f := r.Failed(); len(f) > 0 {
		return &FailedError{Rows: f}
	}
	return nil
}

// FailedError says which fitted rows are off. Its exit code is 1.
type FailedError struct {
	Rows []Row
}

// Error lists the rows with their errors.
func (e *FailedError) Error() string {
	var parts []string
	for _, r := range e.Rows {
		parts = append(parts, fmt.Sprintf("%s %s (%s)", r.ID, signedPercent(r.Error), tolText(r)))
	}
	return fmt.Sprintf("validation: %d fitted row(s) off: %s", len(e.Rows), strings.Join(parts, "; "))
}

// ExitCode is the process exit status `infersim validate` ends with.
func (e *FailedError) ExitCode() int { return 1 }

// Judge fills a row's Error and Pass from its Reference, Simulated, CI95,
// range and tolerance:
//
//   - an order row (Order) passes when Simulated < High;
//   - with a tolerance, when |Error| ≤ Tolerance, or when the tolerance
//     band still overlaps the 95 % confidence interval of the simulated
//     mean (|Error| − CI95/|Reference| ≤ Tolerance): a row is off only when
//     the replications show it off, so sampling noise alone (a quick run's
//     few replications) does not fail it, while a bias beyond the tolerance
//     does;
//   - else with a published range [Low, High], when the CI overlaps it;
//   - else nothing is checked and the row passes.
//
// A row whose simulated value is not a number fails.
func Judge(r *Row) {
	r.Error = math.NaN()
	if !math.IsNaN(r.Reference) && r.Reference != 0 && !math.IsNaN(r.Simulated) {
		r.Error = (r.Simulated - r.Reference) / r.Reference
	}
	ci := r.CI95
	if math.IsNaN(ci) || math.IsInf(ci, 0) || ci < 0 {
		ci = 0
	}
	switch {
	case math.IsNaN(r.Simulated) || math.IsInf(r.Simulated, 0):
		r.Pass = false
	case r.Order:
		r.Pass = r.Simulated < r.High
	case r.Tolerance > 0:
		r.Pass = math.Abs(r.Error)-ci/math.Abs(r.Reference) <= r.Tolerance
	case hasRange(r.ValidationRow):
		r.Pass = r.Simulated+ci >= r.Low && r.Simulated-ci <= r.High
	default:
		r.Pass = true
	}
}

// withinCIOnly reports whether a row passes only because of its confidence
// interval.
func withinCIOnly(r Row) bool {
	if !r.Pass || r.Order {
		return false
	}
	switch {
	case r.Tolerance > 0:
		return math.Abs(r.Error) > r.Tolerance
	case hasRange(r.ValidationRow):
		return r.Simulated < r.Low || r.Simulated > r.High
	}
	return false
}

func hasRange(v result.ValidationRow) bool {
	return !math.IsNaN(v.High) && v.High > 0 && !math.IsNaN(v.Low)
}

// Validate runs the simulations the reference facts need — the guo2018
// scenario, a small cloud run on MDInference's servers, the network
// presets' reference request, an isolated transfer on each radio — and
// compares every fact it can check; see the package documentation for the
// rows and how each is computed.
func Validate(ctx context.Context, opts Options) (*Report, error) {
	kp := opts.KernelProfile
	kpName := opts.KernelProfileName
	if kp == nil {
		kp = models.DefaultProfile()
		kpName = "embedded default (" + kp.Host.CPU + ", " + kp.Host.Date + ")"
	} else if kpName == "" {
		kpName = "user-supplied (" + kp.Host.CPU + ", " + kp.Host.Date + ")"
	}
	reps, requests := DefaultReplications, 0
	netN := NetworkRequests
	if opts.Quick {
		reps, netN = QuickReplications, QuickNetworkRequests
	}
	if opts.Replications > 0 {
		reps = opts.Replications
	}
	rep := &Report{Replications: reps, Requests: requests, KernelProfile: kpName}
	c, err := newCollector(kp)
	if err != nil {
		return nil, err
	}

	dir := opts.Out
	if dir == "" {
		tmp, err := os.MkdirTemp("", "infersim-validate-")
		if err != nil {
			return nil, fmt.Errorf("validation: %w", err)
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	} else {
		rep.RunDir = dir
	}
	study, run, err := runStudy(ctx, opts, kp, reps, requests, dir)
	if err != nil {
		return nil, err
	}
	rep.Run = run
	c.studyRows(study, run)

	cloud, err := runCloud(ctx, opts, kp, reps, requests)
	if err != nil {
		return nil, err
	}
	c.cloudRows(cloud)
	if err := c.networkRows(reps, netN); err != nil {
		return nil, err
	}
	if err := c.handlingRows(reps, netN); err != nil {
		return nil, err
	}
	if err := c.radioRows(); err != nil {
		return nil, err
	}
	c.zooRows()
	if err := c.shareRows(); err != nil {
		return nil, err
	}
	c.batchRows()
	if err := c.llmServingRows(); err != nil {
		return nil, err
	}
	if err := c.llmPhoneRows(); err != nil {
		return nil, err
	}
	if err := c.thermalRows(ctx, opts); err != nil {
		return nil, err
	}
	if err := c.thermalBlindRows(); err != nil {
		return nil, err
	}
	c.profileRows()
	c.notCompared()

	rep.Rows, rep.NotCompared = c.rows, c.skipped
	rep.FitWarnings = c.fitWarnings()
	if rep.LLMCost, err = llmCostVariants(); err != nil {
		return nil, err
	}
	if opts.Sensitivity {
		if rep.Sensitivity, err = sensitivity(ctx, opts, kp, c.reports, c.names); err != nil {
			return nil, err
		}
	}
	rep.Layers, rep.LayersTarget, err = layerTimings(kp, LayersTarget, studyModels)
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// LayersTarget is the processor whose simulated layer times layers.csv
// gives: the study's phone CPU framework.
const LayersTarget = "nexus5-caffe-cpu"

// studyModels are the study's three CNNs (fact G1).
var studyModels = []string{"alexnet", "nin", "squeezenet-v1.0"}

// collector builds the rows.
type collector struct {
	kp      *models.Profile
	rows    []Row
	skipped []NotCompared
	// roles: (fact, model) → role from the fit reports; "" model keys a
	// fact used for every model.
	roles map[[2]string]Role
	// reports are every shipped processor's fit report, by name.
	reports map[string]engine.FitReport
	names   []string
	// done marks (fact, model, quantity) compared by a simulation row, so
	// the profile rows do not repeat them.
	done map[[4]string]bool
	// seen marks facts that have at least one row.
	seen map[string]bool
}

func newCollector(kp *models.Profile) (*collector, error) {
	c := &collector{kp: kp, roles: map[[2]string]Role{}, reports: map[string]engine.FitReport{},
		done: map[[4]string]bool{}, seen: map[string]bool{}}
	c.names = engine.ProcessorNames()
	for _, n := range c.names {
		p, err := engine.LoadProcessor(n, kp)
		if err != nil {
			return nil, fmt.Errorf("validation: processor %s: %w", n, err)
		}
		rep := p.Fit()
		c.reports[n] = rep
		for _, r := range rep.Rows {
			if r.Role != engine.RoleFit {
				continue
			}
			// A fitted row fits its fact and, for a DERIVED fact, the
			// facts it was computed from, for that model.
			c.roles[[2]string{r.Fact, r.Model}] = Fit
			if f, ok := reference.Lookup(r.Fact); ok {
				for _, id := range f.From {
					c.roles[[2]string{id, r.Model}] = Fit
				}
			}
		}
	}
	return c, nil
}

// role returns the role of (fact, model) from the fit reports: Fit when
// some profile was fitted to it, else def.
func (c *collector) role(fact, model string, def Role) Role {
	if r, ok := c.roles[[2]string{fact, model}]; ok {
		return r
	}
	return def
}

// newRow starts a row for a fact: its reference value, range, tolerance,
// source and unit. The caller sets Simulated and CI95 and calls add.
func (c *collector) newRow(id string) Row {
	f := reference.MustLookup(id)
	r := Row{ValidationRow: result.ValidationRow{ID: f.ID, What: f.What, Source: f.Source.Citation,
		Reference: f.Value, Low: math.NaN(), High: math.NaN(), Simulated: math.NaN(), CI95: math.NaN(),
		Tolerance: f.Tolerance}, SourceKey: f.Source.Key}
	if f.HasRange() {
		r.Low, r.High = f.Low, f.High
	}
	if f.Kind == reference.Order {
		r.Reference = math.NaN()
		r.Order = true
	}
	r.Unit = unitOf(f.Kind)
	if r.Unit == "MB" {
		r.Reference /= 1e6
		if !math.IsNaN(r.Low) {
			r.Low, r.High = r.Low/1e6, r.High/1e6
		}
	}
	return r
}

// unitOf is how a kind's values are stored and printed in a row: base units,
// except sizes, which are in MB.
func unitOf(k reference.Kind) string {
	switch k {
	case reference.Time:
		return "s"
	case reference.Power:
		return "W"
	case reference.Bytes:
		return "MB"
	case reference.Ratio:
		return "×"
	case reference.Rate:
		return "bit/s"
	}
	return ""
}

// add judges a row and keeps it.
func (c *collector) add(r Row) {
	r.Fitted = r.Role.Gates()
	Judge(&r)
	c.rows = append(c.rows, r)
	c.seen[r.ID] = true
}

// skip records a fact no row compares.
func (c *collector) skip(id, reason string) {
	for _, s := range c.skipped {
		if s.ID == id {
			return
		}
	}
	c.skipped = append(c.skipped, NotCompared{ID: id, Reason: reason})
}

// meanCI returns the mean of per-replication values and the half-width of
// its 95 % confidence interval (NaN with fewer than two).
func meanCI(xs []float64) (float64, float64) {
	xs = finite(xs)
	if len(xs) == 0 {
		return math.NaN(), math.NaN()
	}
	return result.ConfidenceInterval(xs, 0.95)
}

// setSim sets a row's simulated value and CI from per-replication values.
func (r *Row) setSim(xs []float64) {
	r.Simulated, r.CI95 = meanCI(xs)
}

func signedPercent(x float64) string {
	if math.IsNaN(x) {
		return "–"
	}
	return fmt.Sprintf("%+.1f %%", 100*x)
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
