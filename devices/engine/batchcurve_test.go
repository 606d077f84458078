package engine

import (
	"math"
	"testing"
)

// TestK80BatchCurve: the curve fitted to the MXNet K80 AlexNet table
// reproduces its fitted rows within 15 % and predicts the held-out rows of
// the same run (b = 16, 256) within 20 %. Both tolerances were written
// before the held-out rows were compared. The older cuDNN 5.1 run (a
// different software stack, 25 % stated) is reported, not asserted: it
// misses at b = 2, 16 and 32 (+27 %, -30 %, -36 %; its b = 1 row is
// the normaliser and matches by construction), which the
// validation report shows as failing held-out rows.
func TestK80BatchCurve(t *testing.T) {
	pp, err := ShippedProcessorProfile("cloud-gpu-k80")
	if err != nil {
		t.Fatal(err)
	}
	spec := pp.Batch.Curve
	if spec == nil {
		t.Fatal("cloud-gpu-k80 has no batch curve")
	}
	c, err := FitBatchCurve(*spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("r(b) = %.3f·b + %.3f·b^%.3f", c.Alpha, 1-c.Alpha, c.Gamma)
	checks, err := CheckBatchCurve(*spec, c)
	if err != nil {
		t.Fatal(err)
	}
	heldOut := 0
	for _, k := range checks {
		t.Logf("b=%3d %-9s %-8s published %7.1f img/s, curve %7.1f (%+.1f %%, tolerance %.0f %%)", k.Row.Batch, k.Row.Run, k.Row.Role, k.Row.Throughput, k.Predicted, 100*k.Error, 100*k.Row.Tolerance)
		if k.Row.Run != "" {
			continue
		}
		if k.Row.Role == RoleHeldOut {
			heldOut++
		}
		if !k.Pass() {
			t.Errorf("b=%d (%s): %+.1f %%, beyond %.0f %%", k.Row.Batch, k.Row.Role, 100*k.Error, 100*k.Row.Tolerance)
		}
	}
	if heldOut != 2 {
		t.Errorf("%d held-out rows of the fitted run, want 2 (b = 16, 256)", heldOut)
	}
	// The batching it gives: several times batch 1 at b = 16, against the
	// 1.47× at b = 8 the batch-1 roofline gave.
	if g := c.Gain(8); !(g > 2.5 && g < 3.1) {
		t.Errorf("gain at b=8 %v, want near the published 2.80", g)
	}
	if r := c.Ratio(1); math.Abs(r-1) > 1e-12 {
		t.Errorf("r(1) = %v", r)
	}
}

// TestFitBatchCurveErrors: too few rows or a run without batch 1 are errors.
func TestFitBatchCurveErrors(t *testing.T) {
	for _, spec := range []BatchCurveSpec{
		{Rows: []BatchCurveRow{{Batch: 1, Throughput: 10, Role: RoleFit}, {Batch: 2, Throughput: 15, Role: RoleFit}}},
		{Rows: []BatchCurveRow{{Batch: 2, Throughput: 15, Role: RoleFit}, {Batch: 4, Throughput: 20, Role: RoleFit}}},
		{Rows: []BatchCurveRow{{Batch: 1, Throughput: 0, Role: RoleFit}, {Batch: 2, Throughput: 15, Role: RoleFit}, {Batch: 4, Throughput: 20, Role: RoleFit}}},
	} {
		if _, err := FitBatchCurve(spec); err == nil {
			t.Errorf("%+v: no error", spec.Rows)
		}
	}
}
