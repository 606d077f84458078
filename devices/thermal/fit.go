package thermal

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/optimize"
)

// Point is one reading of a sustained-performance curve: the performance
// relative to the cold start, averaged over the Window before minute Min.
type Point struct {
	Min   float64 `yaml:"min"`
	Ratio float64 `yaml:"ratio"`
}

// Curve is a sustained-performance curve: a constant load on one domain
// of a phone preset, and the performance it kept over time.
type Curve struct {
	Name    string
	Domain  string  // processor name in the preset
	Busy    float64 // busy cores
	MemFrac float64 // memory-bound share of the work (Speed)
	Ambient float64 // °C
	Window  float64 // s over which a point averages (a benchmark run); 0 means 60
	Points  []Point
}

// Simulate runs c on a phone built from spec and returns the predicted
// ratio at every point: the mean over the window of
// Speed(f(t), f_top, MemFrac), sampled every second.
func Simulate(spec PhoneSpec, tables map[string]Table, c Curve) ([]float64, error) {
	spec.Ambient = c.Ambient
	ph, err := Build(spec, tables)
	if err != nil {
		return nil, err
	}
	d := ph.Domain(c.Domain)
	if d == nil {
		return nil, fmt.Errorf("thermal: curve %q: no domain %q on %q", c.Name, c.Domain, spec.Name)
	}
	w := c.Window
	if w <= 0 {
		w = 60
	}
	d.SetLoad(ph, c.Busy, 1)
	top := d.Proc.Freq(d.Proc.Len() - 1)
	out := make([]float64, len(c.Points))
	for i, p := range c.Points {
		end := p.Min * 60
		start := math.Max(0, end-w)
		if ph.Now() < start {
			ph.RunUntil(start)
		}
		var sum float64
		var n int
		for t := math.Max(start, ph.Now()); t < end || n == 0; t++ {
			ph.RunUntil(t)
			sum += Speed(d.Freq(), top, c.MemFrac)
			n++
		}
		out[i] = sum / float64(n)
	}
	return out, nil
}

// RMS returns the root-mean-square error of the predicted ratios of c.
func RMS(spec PhoneSpec, tables map[string]Table, c Curve) (float64, error) {
	pred, err := Simulate(spec, tables, c)
	if err != nil {
		return 0, err
	}
	var s float64
	for i, p := range c.Points {
		d := pred[i] - p.Ratio
		s += d * d
	}
	return math.Sqrt(s / float64(len(c.Points))), nil
}

// param returns a pointer to the number a path names in spec:
// "nodes.I.capacity" or "links.I.conductance".
func param(spec *PhoneSpec, path string) (*float64, error) {
	f := strings.Split(path, ".")
	if len(f) != 3 {
		return nil, fmt.Errorf("thermal: parameter %q: want nodes.I.capacity or links.I.conductance", path)
	}
	i, err := strconv.Atoi(f[1])
	if err != nil || i < 0 {
		return nil, fmt.Errorf("thermal: parameter %q: bad index", path)
	}
	switch {
	case f[0] == "nodes" && f[2] == "capacity" && i < len(spec.Nodes):
		return &spec.Nodes[i].Capacity, nil
	case f[0] == "links" && f[2] == "conductance" && i < len(spec.Links):
		return &spec.Links[i].Conductance, nil
	}
	return nil, fmt.Errorf("thermal: parameter %q does not exist in %q", path, spec.Name)
}

// FitResult is the outcome of Fit.
type FitResult struct {
	Spec   PhoneSpec          // the preset with the fitted values
	Values map[string]float64 // fitted value per parameter path
	RMS    float64            // root-mean-square error over the fitting curves' points
	Evals  int
}

// Fit adjusts the named parameters of spec (paths as in param) to
// minimise the squared error of the fitting curves, by Nelder–Mead over
// the logarithms of the parameters (so they stay positive), each held
// within a factor of 10 of its prior. The objective is piecewise flat
// (discrete OPPs), which Nelder–Mead tolerates; at most maxEvals
// simulations are run, so the result is deterministic.
func Fit(spec PhoneSpec, tables map[string]Table, curves []Curve, params []string, maxEvals int) (FitResult, error) {
	if len(params) == 0 || len(curves) == 0 {
		return FitResult{}, fmt.Errorf("thermal: fit needs parameters and curves")
	}
	base := clone(spec)
	prior := make([]float64, len(params))
	for k, p := range params {
		v, err := param(&base, p)
		if err != nil {
			return FitResult{}, err
		}
		prior[k] = *v
	}
	var npts int
	for _, c := range curves {
		npts += len(c.Points)
	}
	at := func(x []float64) PhoneSpec {
		s := clone(base)
		for k, p := range params {
			v, _ := param(&s, p)
			lx := math.Max(-math.Ln10, math.Min(math.Ln10, x[k]))
			*v = prior[k] * math.Exp(lx)
		}
		return s
	}
	var simErr error
	obj := func(x []float64) float64 {
		s := at(x)
		var sse float64
		for _, c := range curves {
			pred, err := Simulate(s, tables, c)
			if err != nil {
				simErr = err
				return math.Inf(1)
			}
			for i, p := range c.Points {
				d := pred[i] - p.Ratio
				sse += d * d
			}
		}
		return sse
	}
	res, err := optimize.Minimize(optimize.Problem{Func: obj}, make([]float64, len(params)),
		&optimize.Settings{FuncEvaluations: maxEvals, Converger: &optimize.FunctionConverge{Absolute: 1e-8, Iterations: 40}},
		&optimize.NelderMead{SimplexSize: 0.5})
	if simErr != nil {
		return FitResult{}, simErr
	}
	if res == nil {
		return FitResult{}, fmt.Errorf("thermal: fit: %w", err)
	}
	out := FitResult{Spec: at(res.X), Values: map[string]float64{}, RMS: math.Sqrt(res.F / float64(npts)), Evals: res.Stats.FuncEvaluations}
	for _, p := range params {
		v, _ := param(&out.Spec, p)
		out.Values[p] = *v
	}
	return out, nil
}

// clone deep-copies the slices of spec that Fit changes.
func clone(s PhoneSpec) PhoneSpec {
	s.Nodes = append([]Node(nil), s.Nodes...)
	s.Links = append([]Link(nil), s.Links...)
	return s
}
