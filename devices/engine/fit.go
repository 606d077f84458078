package engine

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/infersim/infersim/units"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"
)

// FitReport is the provenance of a compiled processor: every parameter
// with its value and where it came from, and every reference row the
// profile names, with the reference value, the simulated value and the
// relative error. It is recomputed whenever a profile is compiled against
// a kernel profile.
type FitReport struct {
	Profile     string
	Description string
	Model       string // scaled or roofline
	Kernel      string // the kernel profile's host, e.g. "AMD EPYC, 2 cores, go1.26.8, gemm avx512, 2026-11-25"
	Params      []FitParam
	Rows        []FitRow
	Unchecked   []UncheckedSpec
	Notes       []string // remarks on the fit
	// Warnings are the degenerate-fit findings: as many free parameters
	// as fitted rows (exactly determined, nothing checked), a parameter
	// driven to its bound (and the prior it was tied to instead).
	// `infersim profiles` and `infersim validate` print them.
	Warnings []string
}

// FitParam is one parameter of a compiled processor.
type FitParam struct {
	Name     string  // conv, depthwise, fc, pool, lrn, elementwise, overhead, efficiency, image, parse, convert, noise_scale, batch_slope, ...
	Status   string  // free (fitted), fixed, tied, bandwidth, derived
	Value    float64 // SI units: a factor, seconds, bytes per second or a fraction
	Text     string  // the value with its unit, e.g. "38.2", "20 µs", "6.4 GB/s"
	Reason   string  // why it is fixed or tied, and the source of the number
	FittedTo []string
	// Uncertainty is a fitted parameter's relative uncertainty (0 for the
	// others): for a free one the largest tolerance of the rows it is
	// fitted to, or 1.96 standard errors of the least-squares estimate when
	// larger; for a share-tied class factor its fact's tolerance. The
	// sensitivity analysis moves the parameter by ± this fraction.
	Uncertainty float64
}

// FitRow is one reference row compared with the simulation.
type FitRow struct {
	Fact      string
	What      string // the fact's description
	Model     string
	Quantity  string // compute, compute-sd, load, preprocess, batch-per-image, compute-ratio, load-order
	Role      string // fit, held-out or report
	Reference float64
	Low, High float64 // the published range, 0 if none
	Simulated float64 // NaN when it cannot be simulated
	Error     float64 // (simulated − reference) / reference; NaN for order facts and skipped rows
	Tolerance float64 // relative; 0 when none is stated
	Status    string  // ok, off, holds, fails, — (no tolerance), skipped
	Note      string
	Unit      string // "s" or "" (ratios)
}

// WorstFitError returns the largest |relative error| among the fitted
// mean rows (compute, load, preprocess, batch-per-image), 0 if none.
func (r FitReport) WorstFitError() float64 {
	worst := 0.0
	for _, row := range r.Rows {
		if row.Role == RoleFit && row.Quantity != QComputeSD && !math.IsNaN(row.Error) {
			worst = math.Max(worst, math.Abs(row.Error))
		}
	}
	return worst
}

// FittedRows returns the number of rows the fit used.
func (r FitReport) FittedRows() int {
	n := 0
	for _, row := range r.Rows {
		if row.Role == RoleFit {
			n++
		}
	}
	return n
}

func (r FitReport) param(name string) *FitParam {
	for i := range r.Params {
		if r.Params[i].Name == name {
			return &r.Params[i]
		}
	}
	return nil
}

func (r FitReport) clone() FitReport {
	c := r
	c.Params = append([]FitParam(nil), r.Params...)
	for i := range c.Params {
		c.Params[i].FittedTo = append([]string(nil), r.Params[i].FittedTo...)
	}
	c.Rows = append([]FitRow(nil), r.Rows...)
	c.Unchecked = append([]UncheckedSpec(nil), r.Unchecked...)
	c.Notes = append([]string(nil), r.Notes...)
	c.Warnings = append([]string(nil), r.Warnings...)
	return c
}

// WriteText writes the report as plain-text tables.
func (r FitReport) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n", r.Profile, r.Description)
	fmt.Fprintf(&b, "model: %s; fitted against kernel profile: %s\n\n", r.Model, r.Kernel)
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PARAMETER\tSTATUS\tVALUE\t±\tFITTED TO\tREASON / SOURCE")
	for _, p := range r.Params {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", p.Name, p.Status, p.Text, fitTol(p.Uncertainty), fitDash(strings.Join(p.FittedTo, ", ")), fitOneLine(p.Reason))
	}
	tw.Flush()
	b.WriteString("\n")
	tw = tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FACT\tROLE\tMODEL\tQUANTITY\tREFERENCE\tSIMULATED\tERROR\tTOLERANCE\tSTATUS\tNOTE")
	for _, row := range r.Rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", row.Fact, row.Role, fitDash(row.Model), row.Quantity,
			row.refText(), row.valueText(row.Simulated), fitPct(row.Error), fitTol(row.Tolerance), row.Status, fitOneLine(row.Note))
	}
	tw.Flush()
	if len(r.Unchecked) > 0 {
		b.WriteString("\nnot checked:\n")
		for _, u := range r.Unchecked {
			fmt.Fprintf(&b, "  %s: %s\n", u.Fact, fitOneLine(u.Reason))
		}
	}
	if len(r.Warnings) > 0 {
		b.WriteString("\nwarnings (degenerate fit):\n")
		for _, n := range r.Warnings {
			fmt.Fprintf(&b, "  %s\n", n)
		}
	}
	if len(r.Notes) > 0 {
		b.WriteString("\nnotes:\n")
		for _, n := range r.Notes {
			fmt.Fprintf(&b, "  %s\n", n)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (row FitRow) valueText(v float64) string {
	switch {
	case math.IsNaN(v):
		return "—"
	case row.Unit == "s":
		return units.Duration(v).String()
	default:
		return fmt.Sprintf("%.3g", v)
	}
}

func (row FitRow) refText() string {
	if row.Quantity == QLoadOrder {
		return "< 1"
	}
	s := row.valueText(row.Reference)
	if row.High > 0 {
		s += " [" + row.valueText(row.Low) + ", " + row.valueText(row.High) + "]"
	}
	return s
}

func fitPct(e float64) string {
	if math.IsNaN(e) {
		return "—"
	}
	return fmt.Sprintf("%+.1f%%", 100*e)
}

func fitTol(t float64) string {
	if t <= 0 {
		return "—"
	}
	return fmt.Sprintf("±%.0f%%", 100*t)
}

func fitDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func fitOneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// leastSquares solves the weighted linear least-squares problem
//
//	minimise over x  Σ_i w_i² (Σ_j A_ij x_j − b_i)²
//
// with gonum's QR-based Dense.Solve on the rows scaled by w, and returns x.
// A is given row by row (len(a) rows of len(a[0]) columns); there must be
// at least as many rows as columns and A·diag(w) must have full column
// rank. For example, the rows x₁ = 1, x₂ = 2, x₁ + x₂ = 3.3 with unit
// weights give x = (1.1, 2.1): the residuals (0.1, 0.1, −0.1) are
// orthogonal to both columns.
func leastSquares(a [][]float64, b, w []float64) ([]float64, error) {
	m := len(a)
	if m == 0 {
		return nil, errors.New("no rows")
	}
	n := len(a[0])
	if n == 0 {
		return nil, errors.New("no unknowns")
	}
	if m < n {
		return nil, fmt.Errorf("%d unknowns but only %d rows", n, m)
	}
	A := mat.NewDense(m, n, nil)
	B := mat.NewDense(m, 1, nil)
	for i := range a {
		if len(a[i]) != n {
			return nil, fmt.Errorf("row %d has %d columns, want %d", i, len(a[i]), n)
		}
		for j, v := range a[i] {
			A.Set(i, j, w[i]*v)
		}
		B.Set(i, 0, w[i]*b[i])
	}
	for j := 0; j < n; j++ {
		zero := true
		for i := 0; i < m; i++ {
			if A.At(i, j) != 0 {
				zero = false
				break
			}
		}
		if zero {
			return nil, fmt.Errorf("unknown %d does not appear in any row", j)
		}
	}
	var x mat.Dense
	if err := x.Solve(A, B); err != nil {
		var c mat.Condition
		if !errors.As(err, &c) || float64(c) > 1e12 {
			return nil, fmt.Errorf("the rows do not determine the unknowns (%v)", err)
		}
	}
	out := make([]float64, n)
	for j := range out {
		out[j] = x.At(j, 0)
		if math.IsNaN(out[j]) || math.IsInf(out[j], 0) {
			return nil, errors.New("no finite solution")
		}
	}
	return out, nil
}

// minimizePositive minimises Σ r_i(x)² over positive x by Nelder–Mead
// (gonum optimize) on log x, starting from x0 (all positive). It is used
// where the model is not linear in its free parameters (the roofline's
// efficiency sits inside a max) and as the fallback when a linear fit
// would make a factor non-positive.
func minimizePositive(resid func(x []float64) []float64, x0 []float64) ([]float64, error) {
	n := len(x0)
	u0 := make([]float64, n)
	for i, v := range x0 {
		if !(v > 0) {
			return nil, fmt.Errorf("start value %d is %v, not positive", i, v)
		}
		u0[i] = math.Log(v)
	}
	x := make([]float64, n)
	f := func(u []float64) float64 {
		for i := range u {
			x[i] = math.Exp(u[i])
		}
		s := 0.0
		for _, r := range resid(x) {
			s += r * r
		}
		if math.IsNaN(s) {
			return math.Inf(1)
		}
		return s
	}
	best := u0
	// Nelder–Mead can stall on a flat ridge; restarting from its result
	// (with a fresh simplex) costs little and settles it.
	for range 4 {
		res, err := optimize.Minimize(optimize.Problem{Func: f}, best, &optimize.Settings{
			FuncEvaluations: 20000,
			Converger:       &optimize.FunctionConverge{Absolute: 1e-14, Relative: 1e-12, Iterations: 200},
		}, &optimize.NelderMead{})
		if err != nil && res == nil {
			return nil, err
		}
		best = res.X
	}
	out := make([]float64, n)
	for i := range best {
		out[i] = math.Exp(best[i])
	}
	return out, nil
}

// WriteReport writes the processor's fit report (FitReport.WriteText) and
// then, per model, its compute time (the sum of the layer means), its load
// costs and the batch time of 8 for servers.
func (p *Processor) WriteReport(w io.Writer) error {
	if err := p.report.WriteText(w); err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("\nper model on this processor:\n")
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	if p.target.IsPhone() {
		fmt.Fprintln(tw, "MODEL\tCOMPUTE\tFILE\tPARSE\tCONVERT\tRESIDENT")
	} else {
		fmt.Fprintln(tw, "MODEL\tCOMPUTE\tBATCH OF 8\tFILE\tPARSE\tRESIDENT")
	}
	for _, name := range p.order {
		m := p.models[name]
		if m.unsupp != nil {
			fmt.Fprintf(tw, "%s\tunsupported (%s layer %s)\t\t\t\t\n", name, m.unsupp.Kind, m.unsupp.Layer)
			continue
		}
		t := units.Duration(m.prefix[len(m.layers)])
		if p.target.IsPhone() {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", name, t, m.load.FileBytes, m.load.Parse, m.load.Convert, m.load.ResidentBytes)
		} else {
			b8, _ := p.BatchTime(name, 8)
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", name, t, units.Duration(b8), m.load.FileBytes, m.load.Parse, m.load.ResidentBytes)
		}
	}
	tw.Flush()
	if p.target.IsPhone() && len(p.preproc) > 0 {
		fmt.Fprintf(&b, "\npreprocess (decode + resize) on this processor: 3840×2160 %s, 1920×1080 %s, 960×540 %s\n",
			p.Preprocess(3840, 2160), p.Preprocess(1920, 1080), p.Preprocess(960, 540))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
