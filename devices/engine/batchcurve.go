package engine

import (
	"fmt"
	"math"
)

// BatchCurveSpec is a batch-size-dependent efficiency curve fitted to a
// published batch-throughput table of the profile's GPU generation
// (issue 17, finding 4). A roofline fitted at batch 1 applies its
// efficiency at every batch size and so barely batches; the curve
// instead gives the latency of a batch of b relative to batch 1,
//
//	r(b) = L(b)/L(1) = alpha·b + (1 − alpha)·b^gamma      (r(1) = 1)
//
// and BatchTime(model, b) = t(1) · r(b), with t(1) the model's batch-1
// time from the profile's fit. alpha is the per-image share of a large
// batch (the linear regime); b^gamma is the slow ramp-up of small batches
// (the K80 gains 1.39× from batch 1 to 2, not the ≈1.8× a fixed overhead
// plus a per-image cost would give). alpha and gamma are fitted when the
// profile is compiled, by least squares on log r over the rows whose role
// is fit; the held-out rows are the validation's (BatchCurveRows).
type BatchCurveSpec struct {
	// Model is the network the table measured ("alexnet").
	Model string `yaml:"model"`
	// Source cites the table: repository, file, commit, section.
	Source string `yaml:"source"`
	// Note says what the benchmark times and leaves out.
	Note string `yaml:"note"`
	// Rows are the table's points.
	Rows []BatchCurveRow `yaml:"rows"`
}

// BatchCurveRow is one point of a batch-throughput table.
type BatchCurveRow struct {
	Batch int `yaml:"batch"`
	// Throughput is the published images per second at that batch.
	Throughput float64 `yaml:"throughput"`
	// Role is fit or held-out.
	Role string `yaml:"role"`
	// Tolerance is the largest relative error the row may show: the
	// fit's stated error for a fitted row, the prediction's for a
	// held-out one.
	Tolerance float64 `yaml:"tolerance"`
	// Run names the table a row comes from when one profile carries two
	// runs of the same benchmark ("cudnn 5.1"); its r(b) is taken
	// relative to that run's own batch-1 row.
	Run string `yaml:"run"`
}

// BatchCurve is a fitted curve.
type BatchCurve struct {
	Alpha, Gamma float64
}

// Ratio is r(b) = L(b)/L(1).
func (c BatchCurve) Ratio(b int) float64 {
	x := float64(b)
	return c.Alpha*x + (1-c.Alpha)*math.Pow(x, c.Gamma)
}

// Gain is the throughput at batch b over batch 1's: b / r(b).
func (c BatchCurve) Gain(b int) float64 { return float64(b) / c.Ratio(b) }

// batchRatios returns each row's published r(b) = (b/T(b)) / (1/T(1)) of
// its own run.
func batchRatios(rows []BatchCurveRow) ([]float64, error) {
	one := map[string]float64{}
	for _, r := range rows {
		if r.Batch == 1 {
			one[r.Run] = r.Throughput
		}
	}
	out := make([]float64, len(rows))
	for i, r := range rows {
		t1, ok := one[r.Run]
		if !ok || !(t1 > 0) || !(r.Throughput > 0) || r.Batch < 1 {
			return nil, fmt.Errorf("engine: batch curve row %d (batch %d, run %q): needs a positive throughput and a batch-1 row of its run", i, r.Batch, r.Run)
		}
		out[i] = float64(r.Batch) / r.Throughput * t1
	}
	return out, nil
}

// FitBatchCurve fits alpha and gamma to the fit rows by least squares on
// log r(b): a grid over alpha ∈ (0, 1) and gamma ∈ [0, 1) at a step of
// 0.01, then one at 0.001 around its best cell (deterministic).
func FitBatchCurve(spec BatchCurveSpec) (BatchCurve, error) {
	ratios, err := batchRatios(spec.Rows)
	if err != nil {
		return BatchCurve{}, err
	}
	var bs []int
	var rs []float64
	for i, r := range spec.Rows {
		if r.Role == RoleFit && r.Batch > 1 {
			bs, rs = append(bs, r.Batch), append(rs, math.Log(ratios[i]))
		}
	}
	if len(bs) < 2 {
		return BatchCurve{}, fmt.Errorf("engine: batch curve: %d fit rows above batch 1, want at least 2 for two parameters", len(bs))
	}
	sse := func(c BatchCurve) float64 {
		e := 0.0
		for j, b := range bs {
			d := math.Log(c.Ratio(b)) - rs[j]
			e += d * d
		}
		return e
	}
	// A coarse grid (step 0.01), then a fine one (0.001) around its best.
	best, bestE := BatchCurve{}, math.Inf(1)
	search := func(a0, a1, g0, g1, step float64) {
		for a := a0; a <= a1+step/2; a += step {
			for g := g0; g <= g1+step/2; g += step {
				if !(a > 0 && a < 1 && g >= 0 && g < 1) {
					continue
				}
				c := BatchCurve{math.Round(a*1000) / 1000, math.Round(g*1000) / 1000}
				if e := sse(c); e < bestE {
					best, bestE = c, e
				}
			}
		}
	}
	search(0.01, 0.99, 0, 0.99, 0.01)
	search(best.Alpha-0.01, best.Alpha+0.01, best.Gamma-0.01, best.Gamma+0.01, 0.001)
	return best, nil
}

// BatchCurveCheck is one table row against the fitted curve.
type BatchCurveCheck struct {
	Row BatchCurveRow
	// Predicted is the curve's throughput: T(1) of the row's run × Gain(b).
	Predicted float64
	// Error is Predicted/Throughput − 1.
	Error float64
}

// Pass reports whether the row is within its tolerance.
func (k BatchCurveCheck) Pass() bool { return math.Abs(k.Error) <= k.Row.Tolerance }

// CheckBatchCurve compares every row of spec with curve c.
func CheckBatchCurve(spec BatchCurveSpec, c BatchCurve) ([]BatchCurveCheck, error) {
	ratios, err := batchRatios(spec.Rows)
	if err != nil {
		return nil, err
	}
	out := make([]BatchCurveCheck, len(spec.Rows))
	for i, r := range spec.Rows {
		l1 := float64(r.Batch) / r.Throughput / ratios[i] // L(1) of the row's run, = 1/T(1)
		pred := c.Gain(r.Batch) / l1
		out[i] = BatchCurveCheck{Row: r, Predicted: pred, Error: pred/r.Throughput - 1}
	}
	return out, nil
}
