package engine

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/infersim/infersim/models"
	"github.com/infersim/infersim/reference"
	"github.com/infersim/infersim/units"
	"gonum.org/v1/gonum/mat"
)

// testKernelProfile returns the kernel profile the shipped-profile tests
// fit against: the embedded default when it is complete (every zoo model
// the shipped rows use, with layers, load and preprocessing timings), else
// testdata/processor-kernel-profile.yaml (a `infersim calibrate` output of
// the development machine). Either way the fitted rows must land within
// their tolerances.
func testKernelProfile(t testing.TB) *models.Profile {
	t.Helper()
	testKPOnce.Do(func() {
		if d := defaultKernelProfile(); kernelProfileComplete(d) {
			testKP = d
			return
		}
		f, err := os.Open("../testdata/processor-kernel-profile.yaml")
		if err != nil {
			testKPErr = err
			return
		}
		defer f.Close()
		testKP, testKPErr = models.ReadProfile(f, "../testdata/processor-kernel-profile.yaml")
	})
	if testKPErr != nil {
		t.Fatal(testKPErr)
	}
	return testKP
}

var (
	testKPOnce sync.Once
	testKP     *models.Profile
	testKPErr  error
)

func kernelProfileComplete(kp *models.Profile) bool {
	for _, name := range []string{"alexnet", "mobilenet-v1", "nin", "squeezenet-v1.0"} {
		m := kp.Model(name)
		if m == nil || len(m.Layers) == 0 || m.Load.Seconds <= 0 {
			return false
		}
	}
	return len(kp.Preprocess) > 0
}

// slowKernelProfile returns a deep copy of kp whose host times are all
// factor × slower: a user's calibration on a slower machine.
func slowKernelProfile(kp *models.Profile, factor float64) *models.Profile {
	s := *kp
	s.Models = make([]models.ProfileModel, len(kp.Models))
	for i, m := range kp.Models {
		m.Layers = append([]models.ProfileLayer(nil), m.Layers...)
		for j := range m.Layers {
			l := &m.Layers[j]
			l.MedianS *= factor
			l.P10S *= factor
			l.P90S *= factor
			l.GFLOPs /= factor
		}
		m.ForwardS.Threads1.Median *= factor
		m.ForwardS.Threads2.Median *= factor
		m.Load.Seconds *= factor
		m.Load.MBPerS /= factor
		s.Models[i] = m
	}
	s.Preprocess = append([]models.ProfilePreprocess(nil), kp.Preprocess...)
	for i := range s.Preprocess {
		p := &s.Preprocess[i]
		p.DecodeS *= factor
		p.ResizeS *= factor
		p.TotalS *= factor
		p.SPerMPixel *= factor
	}
	return &s
}

func TestShippedProfilesRead(t *testing.T) {
	names := ProcessorNames()
	want := []string{"cloud-cpu", "cloud-gpu-k80", "guo2018-cloud-cpu", "nexus5-caffe-cpu", "nexus5-cnndroid-gpu", "pixel4-tflite-cpu", "pixel4-tflite-gpu"}
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Fatalf("ProcessorNames() = %v, want %v", names, want)
	}
	for _, n := range names {
		if _, err := shippedProfile(n); err != nil {
			t.Errorf("%s: %v", n, err)
		}
	}
	if _, err := LoadProcessor("no-such-phone", testKernelProfile(t)); err == nil || !strings.Contains(err.Error(), "no processor profile") {
		t.Errorf("unknown name: %v", err)
	}
}

// Each shipped profile reproduces the reference rows it was fitted to
// within the tolerance its provenance states, against the test kernel
// profile and against one whose host times are all twice as slow; the
// fitted rows' errors are the same on both (the target times are anchored
// to the reference, not to the host). Held-out and report rows are
// logged, not asserted.
func TestShippedProfilesFitTheirRows(t *testing.T) {
	kp := testKernelProfile(t)
	slow := slowKernelProfile(kp, 2)
	for _, name := range ProcessorNames() {
		t.Run(name, func(t *testing.T) {
			base, err := LoadProcessor(name, kp)
			if err != nil {
				t.Fatal(err)
			}
			slowP, err := LoadProcessor(name, slow)
			if err != nil {
				t.Fatal(err)
			}
			rb, rs := base.Fit(), slowP.Fit()
			if len(rb.Rows) != len(rs.Rows) {
				t.Fatalf("row counts differ: %d and %d", len(rb.Rows), len(rs.Rows))
			}
			fitted := 0
			for i, row := range rb.Rows {
				srow := rs.Rows[i]
				switch {
				case row.Role == RoleFit && row.Tolerance > 0:
					fitted++
					for _, r := range []FitRow{row, srow} {
						if math.IsNaN(r.Error) || math.Abs(r.Error) > r.Tolerance {
							t.Errorf("%s %s %s: simulated %g, reference %g: error %.1f%% beyond ±%.0f%%",
								r.Fact, r.Model, r.Quantity, r.Simulated, r.Reference, 100*r.Error, 100*r.Tolerance)
						}
					}
					if math.Abs(row.Error-srow.Error) > 1e-6 {
						t.Errorf("%s %s: error %.6f on the kernel profile, %.6f on the 2× slower one: not anchored",
							row.Fact, row.Model, row.Error, srow.Error)
					}
				default:
					t.Logf("%-8s %-24s %-16s %-15s ref %-10g sim %-10.4g err %s %s",
						row.Role, row.Fact, row.Model, row.Quantity, row.Reference, row.Simulated, fitPct(row.Error), row.Status)
				}
			}
			if fitted == 0 {
				t.Error("no fitted row with a tolerance")
			}
			t.Logf("worst fitted error %.2f%%", 100*rb.WorstFitError())
		})
	}
}

// A 2× slower host halves every fitted class factor (the target times do
// not move).
func TestFitFactorsScaleWithHost(t *testing.T) {
	kp := testKernelProfile(t)
	slow := slowKernelProfile(kp, 2)
	for _, name := range []string{"nexus5-caffe-cpu", "cloud-cpu"} {
		a, err := LoadProcessor(name, kp)
		if err != nil {
			t.Fatal(err)
		}
		b, err := LoadProcessor(name, slow)
		if err != nil {
			t.Fatal(err)
		}
		ca, cb := a.Fit().param(classConv), b.Fit().param(classConv)
		if math.Abs(cb.Value-ca.Value/2) > 1e-9*ca.Value {
			t.Errorf("%s: conv %g on the host, %g on the 2× slower host, want half", name, ca.Value, cb.Value)
		}
		for _, m := range []string{"alexnet", "mobilenet-v1"} {
			ta, _ := a.ComputeTime(m, 0, len(mustLayers(t, a, m)))
			tb, _ := b.ComputeTime(m, 0, len(mustLayers(t, b, m)))
			if math.Abs(ta-tb) > 1e-9*ta {
				t.Errorf("%s %s: %g s vs %g s on the 2× slower host", name, m, ta, tb)
			}
		}
	}
}

func mustLayers(t *testing.T, p *Processor, model string) []LayerCost {
	t.Helper()
	ls, err := p.Layers(model)
	if err != nil {
		t.Fatal(err)
	}
	return ls
}

// synthKP builds a kernel profile by hand: each model is a list of
// (kind, median seconds) layers.
func synthKP(ms map[string][]models.ProfileLayer) *models.Profile {
	kp := &models.Profile{Format: models.ProfileFormat, Settings: models.ProfileSettings{Threads: 1, Reps: 1}}
	for _, name := range procSortedKeys(ms) {
		var params int64
		for _, l := range ms[name] {
			params += l.ParamBytes
		}
		kp.Models = append(kp.Models, models.ProfileModel{Name: name, Input: []int{1, 3, 8, 8}, Layers: ms[name],
			WeightFileBytes: params, Load: models.ProfileLoad{Bytes: params, Seconds: float64(params) / 1e9}})
	}
	kp.Preprocess = []models.ProfilePreprocess{
		{Width: 960, Height: 540, JPEGBytes: 1, TotalS: 0.008, DecodeS: 0.007, ResizeS: 0.001, SPerMPixel: 0.008 / 0.5184},
		{Width: 1920, Height: 1080, JPEGBytes: 1, TotalS: 0.033, DecodeS: 0.03, ResizeS: 0.003, SPerMPixel: 0.033 / 2.0736},
	}
	return kp
}

func layer(name, kind string, median, cv float64) models.ProfileLayer {
	return models.ProfileLayer{Name: name, Kind: kind, MedianS: median, P10S: median, P90S: median, CV: cv}
}

func readProfileString(t *testing.T, y string) *ProcessorProfile {
	t.Helper()
	pp, err := ReadProcessorProfile(strings.NewReader(y), "test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return pp
}

// The whole fit on a hand-made problem with a known solution: two classes
// (conv, pool), three models, three reference rows made so that conv = 2
// and pool = 3 reproduce them exactly: 2·0.3 + 3·0.286 = 1.458 (P6-openblas),
// 2·0.2 + 3·0.15 = 0.85 (P1), 2·0.6 + 3·0.281 = 2.043 (P6-eigen).
func TestFitKnownSolution(t *testing.T) {
	kp := synthKP(map[string][]models.ProfileLayer{
		"a": {layer("c", "Convolution", 0.3, 0), layer("p", "Pooling", 0.286, 0)},
		"b": {layer("c", "Convolution", 0.2, 0), layer("p", "Pooling", 0.15, 0)},
		"c": {layer("c", "Convolution", 0.6, 0), layer("p", "Pooling", 0.281, 0)},
	})
	pp := readProfileString(t, `name: known
description: two classes, three rows
target: phone-cpu
framework: {name: f}
model: scaled
scaled:
  factors:
    conv: {free: true}
    pool: {free: true, value: "10"}
  overhead: {value: 0s, reason: none}
rows:
  - {fact: P6-openblas, model: a, quantity: compute, role: fit}
  - {fact: P1, model: b, quantity: compute, role: fit}
  - {fact: P6-eigen, model: c, quantity: compute, role: fit, tolerance: 0.01}
`)
	p, err := pp.Compile(kp)
	if err != nil {
		t.Fatal(err)
	}
	r := p.Fit()
	if got := r.param(classConv).Value; math.Abs(got-2) > 1e-9 {
		t.Errorf("conv = %v, want 2", got)
	}
	if got := r.param(classPool).Value; math.Abs(got-3) > 1e-9 {
		t.Errorf("pool = %v, want 3", got)
	}
	for _, row := range r.Rows {
		if math.Abs(row.Error) > 1e-9 {
			t.Errorf("%s: error %v, want 0", row.Fact, row.Error)
		}
	}
	if got := r.param(classConv).FittedTo; len(got) != 3 {
		t.Errorf("conv fitted to %v, want all three rows", got)
	}
}

// With the rows inconsistent (no exact solution) the fit is the weighted
// least-squares one: minimising Σ((sim − ref)/ref)². One class and two
// models with host times 1 s and 1 s against references 1.458 s and
// 0.85 s: s minimises (s/1.458 − 1)² + (s/0.85 − 1)², so
// s = (1/1.458 + 1/0.85) / (1/1.458² + 1/0.85²).
func TestFitWeightedLeastSquares(t *testing.T) {
	kp := synthKP(map[string][]models.ProfileLayer{
		"a": {layer("c", "Convolution", 1, 0)},
		"b": {layer("c", "Convolution", 1, 0)},
	})
	pp := readProfileString(t, `name: wls
description: one class, two rows
target: phone-cpu
framework: {name: f}
model: scaled
scaled:
  factors: {conv: {free: true}}
  overhead: {value: 0s, reason: none}
rows:
  - {fact: P6-openblas, model: a, quantity: compute, role: fit}
  - {fact: P1, model: b, quantity: compute, role: fit, tolerance: 0.5}
`)
	p, err := pp.Compile(kp)
	if err != nil {
		t.Fatal(err)
	}
	a, b := 1.458, 0.85
	want := (1/a + 1/b) / (1/(a*a) + 1/(b*b))
	if got := p.Fit().param(classConv).Value; math.Abs(got-want) > 1e-12 {
		t.Errorf("conv = %.12g, want %.12g", got, want)
	}
}

func TestLeastSquaresByHand(t *testing.T) {
	// x₁ = 1, x₂ = 2, x₁ + x₂ = 3.3: the normal equations [[2,1],[1,2]]x =
	// [4.3, 5.3] give x = (1.1, 2.1).
	x, err := leastSquares([][]float64{{1, 0}, {0, 1}, {1, 1}}, []float64{1, 2, 3.3}, []float64{1, 1, 1})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(x[0]-1.1) > 1e-12 || math.Abs(x[1]-2.1) > 1e-12 {
		t.Errorf("x = %v, want [1.1 2.1]", x)
	}
	// Weights: a heavy third row pulls the solution onto x₁ + x₂ = 3.3.
	x, _ = leastSquares([][]float64{{1, 0}, {0, 1}, {1, 1}}, []float64{1, 2, 3.3}, []float64{1, 1, 1e4})
	if math.Abs(x[0]+x[1]-3.3) > 1e-6 || math.Abs(x[0]-1.15) > 1e-6 {
		t.Errorf("weighted x = %v, want [1.15 2.15]", x)
	}
	if _, err := leastSquares([][]float64{{1, 0}, {2, 0}}, []float64{1, 2}, []float64{1, 1}); err == nil {
		t.Error("a column that appears in no row: want an error")
	}
	if _, err := leastSquares([][]float64{{1, 1}}, []float64{1}, []float64{1}); err == nil {
		t.Error("fewer rows than unknowns: want an error")
	}
	if _, err := leastSquares([][]float64{{1, 1}, {2, 2}}, []float64{1, 2}, []float64{1, 1}); err == nil {
		t.Error("rank-deficient rows: want an error")
	}
}

func TestMinimizePositive(t *testing.T) {
	// r(x) = (x₁·x₂ − 6, x₁ − 2): minimum at (2, 3).
	x, err := minimizePositive(func(x []float64) []float64 { return []float64{x[0]*x[1] - 6, x[0] - 2} }, []float64{1, 1})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(x[0]-2) > 1e-5 || math.Abs(x[1]-3) > 1e-5 {
		t.Errorf("x = %v, want [2 3]", x)
	}
}

// Scaled and roofline layer times by hand.
func TestLayerTimesByHand(t *testing.T) {
	kp := synthKP(map[string][]models.ProfileLayer{
		"m": {
			{Name: "data", Kind: "Input", MedianS: 1e-6, P10S: 1e-6, P90S: 1e-6},
			{Name: "conv", Kind: "Convolution", MedianS: 0.010, P10S: 0.010, P90S: 0.010, CV: 0.1, FLOPs: 1e9, InBytes: 4e6, OutBytes: 4e6, ParamBytes: 2e6},
			{Name: "relu", Kind: "ReLU", FusedInto: "conv", Ops: 1e6, InBytes: 4e6, OutBytes: 4e6},
			{Name: "fc", Kind: "InnerProduct", MedianS: 0.004, P10S: 0.004, P90S: 0.004, CV: 0.2, FLOPs: 2e7, InBytes: 4e4, OutBytes: 4e3, ParamBytes: 4e7 - 44e3},
			{Name: "drop", Kind: "Dropout", InBytes: 4e3, OutBytes: 4e3},
		},
	})
	pp := readProfileString(t, `name: byhand
description: scaled
target: phone-cpu
framework: {name: f}
model: scaled
scaled:
  factors:
    conv: {value: "3", reason: by hand}
    fc: {bandwidth: 10GB/s, reason: by hand}
  overhead: {value: 1ms, reason: by hand}
noise: {scale: {value: "2", reason: by hand}}
`)
	p, err := pp.Compile(kp)
	if err != nil {
		t.Fatal(err)
	}
	ls := mustLayers(t, p, "m")
	// conv: 3 × 10 ms + 1 ms; relu fused: 0; fc: 40 MB / 10 GB/s + 1 ms = 5 ms;
	// input and dropout: 0.
	want := []float64{0, 0.031, 0, 0.005, 0}
	for i, w := range want {
		if math.Abs(ls[i].Mean-w) > 1e-12 {
			t.Errorf("scaled %s: %v s, want %v s", ls[i].Name, ls[i].Mean, w)
		}
	}
	if ls[1].CV != 0.2 || ls[3].CV != 0.4 || ls[2].CV != 0 {
		t.Errorf("CVs %v %v %v, want 0.2 0 0.4 (host CV × noise scale 2)", ls[1].CV, ls[2].CV, ls[3].CV)
	}
	if tot, _ := p.ComputeTime("m", 0, 5); math.Abs(tot-0.036) > 1e-12 {
		t.Errorf("ComputeTime = %v, want 0.036", tot)
	}
	if part, _ := p.ComputeTime("m", 0, 2); math.Abs(part-0.031) > 1e-12 {
		t.Errorf("ComputeTime(0, 2) = %v, want 0.031", part)
	}

	pp = readProfileString(t, `name: byhand-roofline
description: roofline
target: server-gpu
framework: {name: f}
model: roofline
roofline:
  peak: 1TFLOP/s
  peak_source: by hand
  bandwidth: 100GB/s
  bandwidth_source: by hand
  efficiency: {value: "0.5", reason: by hand}
  overhead: {value: 20us, reason: by hand}
  unfused: true
  unfused_reason: by hand
`)
	p, err = pp.Compile(kp)
	if err != nil {
		t.Fatal(err)
	}
	ls = mustLayers(t, p, "m")
	// conv: max(1e9/(0.5·1e12), 10e6/1e11) + 20 µs = 2.02 ms.
	// relu (unfused): max(1e6/5e11, 8e6/1e11) + 20 µs = 0.1 ms.
	// fc: max(2e7/5e11, 4e7/1e11) + 20 µs = 0.42 ms.
	want = []float64{0, 2.02e-3, 0.1e-3, 0.42e-3, 0}
	for i, w := range want {
		if math.Abs(ls[i].Mean-w) > 1e-12 {
			t.Errorf("roofline %s: %v s, want %v s", ls[i].Name, ls[i].Mean, w)
		}
	}
	// Batch 4: conv max(4e9/5e11, (4·8e6 + 2e6)/1e11) + 20 µs = 8.02 ms; relu
	// max(4e6/5e11, 32e6/1e11) + 20 µs = 0.34 ms; fc max(8e7/5e11,
	// (4·44e3 + 4e7 − 44e3)/1e11) + 20 µs = 0.42132 ms.
	if got, _ := p.BatchTime("m", 4); math.Abs(got-(8.02e-3+0.34e-3+0.42132e-3)) > 1e-12 {
		t.Errorf("roofline BatchTime(4) = %v", got)
	}
}

func TestBatchTimeSlope(t *testing.T) {
	kp := synthKP(map[string][]models.ProfileLayer{"m": {layer("c", "Convolution", 0.040, 0)}})
	pp := readProfileString(t, `name: batch
description: slope
target: server-cpu
framework: {name: f}
model: scaled
scaled:
  factors: {conv: {value: "1", reason: by hand}}
  overhead: {value: 0s, reason: by hand}
batch: {slope: 0.9, reason: by hand}
`)
	p, err := pp.Compile(kp)
	if err != nil {
		t.Fatal(err)
	}
	// t(4) = 40 ms · (1 + 3 · 0.9) = 148 ms, as in BatchTime's doc.
	if got, _ := p.BatchTime("m", 4); math.Abs(got-0.148) > 1e-12 {
		t.Errorf("BatchTime(4) = %v, want 0.148", got)
	}
	if _, err := p.BatchTime("m", 0); err == nil {
		t.Error("batch 0: want an error")
	}
}

// Preprocess interpolates per megapixel, as in its doc comment: host
// 8 ms at 960×540 and 33 ms at 1920×1080; 1280×720 takes 14.48 ms on the
// host and 3× that on a target with image factor 3.
func TestPreprocessInterpolation(t *testing.T) {
	kp := synthKP(map[string][]models.ProfileLayer{"m": {layer("c", "Convolution", 0.01, 0)}})
	pp := readProfileString(t, `name: pre
description: preprocessing
target: phone-cpu
framework: {name: f}
model: scaled
scaled:
  factors: {conv: {value: "1", reason: by hand}}
  overhead: {value: 0s, reason: by hand}
image: {value: "3", reason: by hand}
`)
	p, err := pp.Compile(kp)
	if err != nil {
		t.Fatal(err)
	}
	host := 0.008 + 0.025*(0.9216-0.5184)/(2.0736-0.5184)
	if got := float64(p.Preprocess(1280, 720)); math.Abs(got-3*host) > 1e-12 {
		t.Errorf("Preprocess(1280, 720) = %v, want %v", got, 3*host)
	}
	// Outside the measured sizes: the nearest size's seconds per megapixel.
	if got := float64(p.Preprocess(3840, 2160)); math.Abs(got-3*0.033*4) > 1e-12 {
		t.Errorf("Preprocess(3840, 2160) = %v, want %v", got, 3*0.033*4)
	}
	if got := float64(p.Preprocess(480, 270)); math.Abs(got-3*0.008/4) > 1e-12 {
		t.Errorf("Preprocess(480, 270) = %v, want %v", got, 3*0.008/4)
	}
	if got := p.Preprocess(0, 10); got != 0 {
		t.Errorf("Preprocess(0, 10) = %v, want 0", got)
	}
}

// SampleLayer's draws have the stated mean and CV within sampling error.
// For n draws of a log-normal with mean m and CV c, the sample mean has
// standard error m·c/√n and the sample variance s² has standard error
// √((μ₄ − σ⁴)/n), with the central moments from E[X^k] = exp(kμ + k²σ²/2).
// The test allows 4 standard errors.
func TestSampleLayerMoments(t *testing.T) {
	p := &Processor{name: "t"}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct{ mean, cv float64 }{{0.010, 0.2}, {2.5e-4, 0.05}, {1.3, 0.6}} {
		const n = 200000
		c := &LayerCost{Mean: tc.mean, CV: tc.cv}
		var sum, sq float64
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = p.SampleLayer(c, rng)
			sum += xs[i]
		}
		mean := sum / n
		for _, x := range xs {
			sq += (x - mean) * (x - mean)
		}
		variance := sq / (n - 1)
		s2 := math.Log1p(tc.cv * tc.cv)
		mu := math.Log(tc.mean) - s2/2
		raw := func(k float64) float64 { return math.Exp(k*mu + k*k*s2/2) }
		m1 := raw(1)
		m4 := raw(4) - 4*m1*raw(3) + 6*m1*m1*raw(2) - 3*math.Pow(m1, 4)
		sigma2 := math.Pow(tc.mean*tc.cv, 2)
		seMean := tc.mean * tc.cv / math.Sqrt(n)
		seVar := math.Sqrt((m4 - sigma2*sigma2) / n)
		if math.Abs(mean-tc.mean) > 4*seMean {
			t.Errorf("mean %v, CV %v: sample mean %v, off by %.1f standard errors", tc.mean, tc.cv, mean, (mean-tc.mean)/seMean)
		}
		if math.Abs(variance-sigma2) > 4*seVar {
			t.Errorf("mean %v, CV %v: sample variance %v, want %v, off by %.1f standard errors", tc.mean, tc.cv, variance, sigma2, (variance-sigma2)/seVar)
		}
	}
	if got := p.SampleLayer(&LayerCost{Mean: 0.01}, rng); got != 0.01 {
		t.Errorf("CV 0: %v, want the mean", got)
	}
	if got := p.SampleLayer(&LayerCost{}, rng); got != 0 {
		t.Errorf("mean 0: %v, want 0", got)
	}
}

func TestCNNdroidFramework(t *testing.T) {
	p, err := LoadProcessor("nexus5-cnndroid-gpu", testKernelProfile(t))
	if err != nil {
		t.Fatal(err)
	}
	var ue *UnsupportedError
	if err := p.Supports("squeezenet-v1.0"); !errors.As(err, &ue) || ue.Kind != "Concat" {
		t.Errorf("Supports(squeezenet-v1.0) = %v, want an UnsupportedError for Concat", err)
	}
	if _, err := p.Layers("squeezenet-v1.0"); !errors.As(err, &ue) {
		t.Errorf("Layers(squeezenet-v1.0) = %v, want an UnsupportedError", err)
	}
	if err := p.Supports("alexnet"); err != nil {
		t.Errorf("Supports(alexnet) = %v", err)
	}
	if err := p.Supports("resnet"); err == nil || errors.As(err, &ue) {
		t.Errorf("Supports(resnet) = %v, want a missing-model error", err)
	}
	fw := p.Framework()
	if !fw.JavaHeap || !fw.UsesGPU || fw.BudgetFor("alexnet") != 350e6 || fw.BudgetFor("nin") != 50e6 || fw.BudgetFor("mobilenet-v1") != 400e6 {
		t.Errorf("framework %+v", fw)
	}
	fw.ParamBudgets["alexnet"] = 1 // a copy: the processor must not change
	if p.Framework().BudgetFor("alexnet") != 350e6 {
		t.Error("Framework() shares its budget map")
	}
	lc, err := p.Load("alexnet")
	if err != nil {
		t.Fatal(err)
	}
	ls := mustLayers(t, p, "alexnet")
	var params int64
	for _, l := range ls {
		params += l.ParamBytes
	}
	if float64(lc.ResidentBytes) != float64(params) || lc.Convert <= 0 || lc.Parse <= 0 || lc.FileBytes <= 0 {
		t.Errorf("Load(alexnet) = %+v (params %d)", lc, params)
	}
	if got, want := p.ConvertTime(units.Bytes(params)), lc.Convert; math.Abs(float64(got-want)) > 1e-9*float64(want) {
		t.Errorf("ConvertTime(params) = %v, Load's Convert = %v", got, want)
	}
}

// Framework.Resident by hand, the example of its doc comment.
func TestFrameworkResident(t *testing.T) {
	kp := testKernelProfile(t)
	p, err := LoadProcessor("nexus5-caffe-cpu", kp)
	if err != nil {
		t.Fatal(err)
	}
	ls := mustLayers(t, p, "alexnet")
	fw := Framework{ParamBudget: 200e6}
	res := fw.Resident("alexnet", ls)
	for i, l := range ls {
		want := !(l.Name == "fc7" || l.Name == "fc8")
		if l.ParamBytes > 0 && res[i] != want {
			t.Errorf("%s resident = %v, want %v", l.Name, res[i], want)
		}
	}
	for i, r := range (Framework{}).Resident("alexnet", ls) {
		if !r {
			t.Errorf("no budget: layer %d not resident", i)
		}
	}
}

func TestProcessorConcurrentLoad(t *testing.T) {
	kp := slowKernelProfile(testKernelProfile(t), 3)
	var wg sync.WaitGroup
	ps := make([]*Processor, 8)
	for i := range ps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, err := LoadProcessor("cloud-gpu-k80", kp)
			if err != nil {
				t.Error(err)
				return
			}
			ls, _ := p.Layers("alexnet")
			rng := rand.New(rand.NewPCG(uint64(i), 0))
			for j := range ls {
				p.SampleLayer(&ls[j], rng)
			}
			ps[i] = p
		}()
	}
	wg.Wait()
	for _, p := range ps[1:] {
		if p != ps[0] {
			t.Fatal("LoadProcessor did not share the compiled processor")
		}
	}
}

func TestComputeTimeRange(t *testing.T) {
	p, err := LoadProcessor("cloud-cpu", testKernelProfile(t))
	if err != nil {
		t.Fatal(err)
	}
	n := len(mustLayers(t, p, "nin"))
	for _, r := range [][2]int{{-1, 2}, {0, n + 1}, {3, 2}} {
		if _, err := p.ComputeTime("nin", r[0], r[1]); err == nil {
			t.Errorf("ComputeTime(%d, %d): want an error", r[0], r[1])
		}
	}
	whole, _ := p.ComputeTime("nin", 0, n)
	a, _ := p.ComputeTime("nin", 0, n/2)
	b, _ := p.ComputeTime("nin", n/2, n)
	if math.Abs(a+b-whole) > 1e-12 {
		t.Errorf("split %v + %v != whole %v", a, b, whole)
	}
}

// A compile error names the profile and the problem.
func TestCompileErrors(t *testing.T) {
	kp := synthKP(map[string][]models.ProfileLayer{"m": {layer("c", "Convolution", 0.01, 0)}})
	for _, tc := range []struct{ yaml, want string }{
		{`name: e1
description: d
target: phone-cpu
framework: {name: f}
model: scaled
scaled:
  factors: {conv: {free: true}}
  overhead: {value: 0s, reason: r}
rows:
  - {fact: P6-openblas, model: alexnet, quantity: compute, role: fit}
`, "lacks"},
		{`name: e2
description: d
target: phone-cpu
framework: {name: f}
model: scaled
scaled:
  factors: {conv: {free: true}, pool: {free: true}}
  overhead: {value: 0s, reason: r}
rows:
  - {fact: P6-openblas, model: m, quantity: compute, role: fit}
`, "2 free parameters"},
	} {
		pp := readProfileString(t, tc.yaml)
		_, err := pp.Compile(kp)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "devices: profile "+pp.Name) {
			t.Errorf("%s: got %v, want an error naming the profile and containing %q", pp.Name, err, tc.want)
		}
	}
}

// Every fact a shipped profile names exists, and its rows' models are zoo
// models.
func TestShippedRowsNameZooModels(t *testing.T) {
	zoo := map[string]bool{}
	for _, n := range models.ZooNames() {
		zoo[n] = true
	}
	for _, name := range ProcessorNames() {
		pp, _ := shippedProfile(name)
		for _, r := range pp.Rows {
			if _, ok := reference.Lookup(r.Fact); !ok {
				t.Errorf("%s: unknown fact %s", name, r.Fact)
			}
			if r.Model != "" && !zoo[r.Model] {
				t.Errorf("%s: row %s names %s, not a zoo model", name, r.Fact, r.Model)
			}
		}
	}
}

// A degenerate fit: two rows, two free class factors, and the
// least-squares solution drives pool negative (conv = 1.458 from model a,
// then pool = 0.85 − 1.458 < 0 from model b). The fit warns that pool was
// driven to its bound and ties it to its prior instead: with the default
// prior (the host's ratio, pool = conv) conv is the one-parameter weighted
// least-squares value for the rows s = 1.458 and 2s = 0.85; with a stated
// prior pool = 0.5·conv, the rows s = 1.458 and 1.5s = 0.85. One free
// parameter is left for two rows, so the only warning is the bound.
func TestDegenerateFitTiesPrior(t *testing.T) {
	kp := synthKP(map[string][]models.ProfileLayer{
		"a": {layer("c", "Convolution", 1, 0)},
		"b": {layer("c", "Convolution", 1, 0), layer("p", "Pooling", 1, 0)},
	})
	a, b := 1.458, 0.85
	// s minimising (k₁s/a − 1)² + (k₂s/b − 1)².
	wls := func(k1, k2 float64) float64 { return (k1/a + k2/b) / (k1*k1/(a*a) + k2*k2/(b*b)) }
	for _, tc := range []struct {
		name, pool string
		ratio      float64
	}{
		{"host ratio", `{free: true}`, 1},
		{"stated prior", `{free: true, prior: {tie: conv, ratio: 0.5, reason: a stated prior}}`, 0.5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pp := readProfileString(t, `name: degenerate
description: two rows, two parameters, one driven negative
target: phone-cpu
framework: {name: f}
model: scaled
scaled:
  factors: {conv: {free: true}, pool: `+tc.pool+`}
  overhead: {value: 0s, reason: none}
rows:
  - {fact: P6-openblas, model: a, quantity: compute, role: fit}
  - {fact: P1, model: b, quantity: compute, role: fit}
`)
			p, err := pp.Compile(kp)
			if err != nil {
				t.Fatal(err)
			}
			r := p.Fit()
			want := wls(1, 1+tc.ratio)
			conv, pool := r.param(classConv), r.param(classPool)
			if math.Abs(conv.Value-want) > 1e-9*want || math.Abs(pool.Value-tc.ratio*want) > 1e-9*want {
				t.Errorf("conv = %v, pool = %v; want %v and %v", conv.Value, pool.Value, want, tc.ratio*want)
			}
			if pool.Status != "tied" || !strings.Contains(pool.Text, "prior") {
				t.Errorf("pool: status %q, text %q; want tied to its prior", pool.Status, pool.Text)
			}
			if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "pool driven to its bound") || !strings.Contains(r.Warnings[0], "tied to its prior") {
				t.Errorf("warnings %q: want one, that pool was driven to its bound and tied to its prior", r.Warnings)
			}
		})
	}
}

// When the least-squares solution makes a parameter without a prior
// non-positive (here conv: s + ov = 1.458 and 2s + ov = 0.85 give
// s = −0.608), the fit keeps every parameter positive instead: conv goes
// to (nearly) 0 and the overhead takes the one-parameter weighted
// least-squares value; the notes say so and a warning says conv was
// driven to its bound.
func TestFitKeepsParametersPositive(t *testing.T) {
	kp := synthKP(map[string][]models.ProfileLayer{
		"a": {layer("c", "Convolution", 1, 0)},
		"b": {layer("c", "Convolution", 2, 0)},
	})
	pp := readProfileString(t, `name: positive
description: an inconsistent pair of rows
target: phone-cpu
framework: {name: f}
model: scaled
scaled:
  factors: {conv: {free: true}}
  overhead: {free: true, value: 1s}
rows:
  - {fact: P6-openblas, model: a, quantity: compute, role: fit}
  - {fact: P1, model: b, quantity: compute, role: fit}
`)
	p, err := pp.Compile(kp)
	if err != nil {
		t.Fatal(err)
	}
	r := p.Fit()
	a, b := 1.458, 0.85
	want := (1/a + 1/b) / (1/(a*a) + 1/(b*b))
	conv, ov := r.param(classConv).Value, r.param("overhead").Value
	if !(conv > 0) || conv > 1e-4 || math.Abs(ov-want) > 1e-3*want {
		t.Errorf("conv = %v (want just above 0), overhead = %v (want %v)", conv, ov, want)
	}
	if len(r.Notes) == 0 || !strings.Contains(r.Notes[0], "non-positive") {
		t.Errorf("notes %v do not report the constrained fit", r.Notes)
	}
	if !slices.ContainsFunc(r.Warnings, func(w string) bool { return strings.HasPrefix(w, "conv driven to its bound") }) {
		t.Errorf("warnings %q: want conv driven to its bound", r.Warnings)
	}
}

// A share tie: depthwise takes the fact's fraction f of model m's time.
// With host times conv 1 s and depthwise 2 s and the row 1.458 s on m,
// s_conv + 2·s_dw = 1.458 and 2·s_dw = f/(1−f)·s_conv, so
// s_conv = 1.458·(1−f) and s_dw = 1.458·f/2. One parameter, one row:
// the fit warns that it is exactly determined.
func TestShareTie(t *testing.T) {
	// Named after the zoo's MobileNet so that its layer conv2_1/dw is
	// classed depthwise (classOf reads the zoo's classes by layer name).
	kp := synthKP(map[string][]models.ProfileLayer{
		"mobilenet-v1": {layer("conv1", "Convolution", 1, 0), layer("conv2_1/dw", "Convolution", 2, 0)},
	})
	pp := readProfileString(t, `name: share
description: a share tie
target: phone-cpu
framework: {name: f}
model: scaled
scaled:
  factors:
    conv: {free: true}
    depthwise: {tie: conv, share: {model: mobilenet-v1, fact: P9-tflite-dw-share-cpu}, reason: the published split}
  overhead: {value: 0s, reason: none}
rows:
  - {fact: P6-openblas, model: mobilenet-v1, quantity: compute, role: fit}
`)
	p, err := pp.Compile(kp)
	if err != nil {
		t.Fatal(err)
	}
	r := p.Fit()
	f := reference.MustLookup("P9-tflite-dw-share-cpu").Value
	if got, want := r.param(classConv).Value, 1.458*(1-f); math.Abs(got-want) > 1e-9 {
		t.Errorf("conv = %v, want %v", got, want)
	}
	if got, want := r.param("depthwise").Value, 1.458*f/2; math.Abs(got-want) > 1e-9 {
		t.Errorf("depthwise = %v, want %v", got, want)
	}
	if len(r.Warnings) != 1 || !strings.HasPrefix(r.Warnings[0], "exactly determined") {
		t.Errorf("warnings %q: want exactly determined", r.Warnings)
	}
}

// No shipped profile has a degenerate fit without a warning: one with as
// many free mean parameters as fitted mean rows warns "exactly
// determined", and a free parameter at (or below) 1e-6 of any sensible
// value warns that it was driven to its bound. No class factor is left
// clamped near 0 (the 1.158e-16 depthwise factor of issue 11).
func TestShippedDegenerateFitsWarn(t *testing.T) {
	kp := testKernelProfile(t)
	for _, name := range ProcessorNames() {
		p, err := LoadProcessor(name, kp)
		if err != nil {
			t.Fatal(err)
		}
		r := p.Fit()
		free := 0
		for _, prm := range r.Params {
			if strings.HasPrefix(prm.Name, "handling.") {
				// The handling setup is its own one-row fit (handling.go).
				if prm.Status == "free" && !slices.ContainsFunc(r.Warnings, func(w string) bool { return strings.HasPrefix(w, prm.Name+" exactly determined") }) {
					t.Errorf("%s: free %s without its exactly-determined warning", name, prm.Name)
				}
				if prm.Status == "free" && !(prm.Uncertainty > 0) {
					t.Errorf("%s: free %s has no uncertainty", name, prm.Name)
				}
				continue
			}
			if prm.Status == "free" && prm.Name != "noise_scale" {
				free++
				if !(prm.Value > 1e-9) && !slices.ContainsFunc(r.Warnings, func(w string) bool { return strings.HasPrefix(w, prm.Name+" driven") }) {
					t.Errorf("%s: %s = %v at its bound without a warning", name, prm.Name, prm.Value)
				}
				if !(prm.Uncertainty > 0) {
					t.Errorf("%s: free %s has no uncertainty", name, prm.Name)
				}
			}
			if isClass(prm.Name) && prm.Status != "bandwidth" && !(prm.Value > 1e-6) {
				t.Errorf("%s: class factor %s = %v: clamped", name, prm.Name, prm.Value)
			}
		}
		rows := 0
		for _, row := range r.Rows {
			if row.Role == RoleFit && isMeanQuantity(row.Quantity) {
				rows++
			}
		}
		exact := slices.ContainsFunc(r.Warnings, func(w string) bool { return strings.HasPrefix(w, "exactly determined") })
		if (free > 0 && free == rows) != exact {
			t.Errorf("%s: %d free parameters, %d fitted rows, warnings %q", name, free, rows, r.Warnings)
		}
	}
}

// P9-tflite-dw-share-cpu is what its DERIVED note says: a/(a+b) of the
// relative least-squares fit T = a·α·ρ² + b·α²·ρ² over the seven Pixel 3
// cells, every cell within 10 %, and its tolerance covers 1.96 standard
// errors.
func TestDepthwiseShareFact(t *testing.T) {
	share := reference.MustLookup("P9-tflite-dw-share-cpu")
	var A [][]float64
	var y, w []float64
	for _, id := range share.From {
		var alpha, res float64
		if _, err := fmt.Sscanf(strings.TrimPrefix(id, "P9-pixel3-mnv1-"), "%3f-%3f-cpu", &alpha, &res); err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		alpha /= 100
		rho := res / 224
		v := reference.MustLookup(id).Value
		A = append(A, []float64{alpha * rho * rho, alpha * alpha * rho * rho})
		y = append(y, v)
		w = append(w, 1/v)
	}
	x, err := leastSquares(A, y, w)
	if err != nil {
		t.Fatal(err)
	}
	got := x[0] / (x[0] + x[1])
	if math.Abs(got-share.Value) > 0.0005 {
		t.Errorf("share = %.4f, fact says %.4f", got, share.Value)
	}
	// Standard error of the share by the delta method: s² (JᵀJ)⁻¹ with J
	// the weighted design matrix, s² the residual variance (7 − 2 dof).
	J := mat.NewDense(len(A), 2, nil)
	var rss float64
	for i := range A {
		J.Set(i, 0, w[i]*A[i][0])
		J.Set(i, 1, w[i]*A[i][1])
		e := w[i]*(A[i][0]*x[0]+A[i][1]*x[1]) - 1
		rss += e * e
	}
	var jtj, inv mat.Dense
	jtj.Mul(J.T(), J)
	if err := inv.Inverse(&jtj); err != nil {
		t.Fatal(err)
	}
	s2 := rss / float64(len(A)-2)
	a, b := x[0], x[1]
	ga, gb := b/((a+b)*(a+b)), -a/((a+b)*(a+b))
	se := math.Sqrt(s2 * (ga*ga*inv.At(0, 0) + 2*ga*gb*inv.At(0, 1) + gb*gb*inv.At(1, 1)))
	if rel := 1.96 * se / got; rel > share.Tolerance || rel < share.Tolerance-0.05 {
		t.Errorf("1.96 standard errors are %.3f of the share; the fact's tolerance is %.2f", rel, share.Tolerance)
	}
	for i := range A {
		if e := (A[i][0]*x[0] + A[i][1]*x[1] - y[i]) / y[i]; math.Abs(e) > 0.1 {
			t.Errorf("%s: the two-term fit is off by %.1f%%", share.From[i], 100*e)
		}
	}
}

// A comparison row whose model the other profile cannot run is skipped,
// not a panic.
func TestComparisonRowSkipped(t *testing.T) {
	kp := testKernelProfile(t)
	pp := readProfileString(t, `name: cmp
description: compares SqueezeNet with CNNdroid, which cannot run it
target: server-cpu
framework: {name: f}
model: scaled
scaled:
  factors: {conv: {value: "1", reason: r}}
  overhead: {value: 0s, reason: r}
rows:
  - {fact: G8, model: squeezenet-v1.0, quantity: compute-ratio, versus: nexus5-cnndroid-gpu, role: report}
  - {fact: G8, model: no-such-model, quantity: compute-ratio, versus: nexus5-cnndroid-gpu, role: report}
  - {fact: G8, model: alexnet, quantity: compute-ratio, versus: no-such-profile, role: report}
`)
	p, err := pp.Compile(kp)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range p.Fit().Rows {
		if row.Status != "skipped" || !math.IsNaN(row.Simulated) {
			t.Errorf("%s %s versus: status %q, simulated %v; want skipped", row.Fact, row.Model, row.Status, row.Simulated)
		}
	}
}

// Perturbed scales one fitted parameter of one profile and leaves the
// others alone: nexus5-caffe-cpu's conv ×1.1 makes every layer priced by
// conv (and the classes tied to it) 10 % slower, and nexus5-cnndroid-gpu
// compiled against the perturbed identity is the unperturbed one's twin.
func TestPerturbed(t *testing.T) {
	kp := testKernelProfile(t)
	base, err := LoadProcessor("nexus5-caffe-cpu", kp)
	if err != nil {
		t.Fatal(err)
	}
	kp2, err := Perturbed(kp, "nexus5-caffe-cpu", "conv", 1.1)
	if err != nil {
		t.Fatal(err)
	}
	defer Release(kp2)
	pert, err := LoadProcessor("nexus5-caffe-cpu", kp2)
	if err != nil {
		t.Fatal(err)
	}
	n := len(mustLayers(t, base, "alexnet"))
	t0, _ := base.ComputeTime("alexnet", 0, n)
	t1, _ := pert.ComputeTime("alexnet", 0, n)
	if t0 <= 0 || math.Abs(t1/t0-1.1) > 0.01 {
		t.Errorf("alexnet compute %v → %v: want ×1.1", t0, t1)
	}
	g0, _ := LoadProcessor("nexus5-cnndroid-gpu", kp)
	g1, _ := LoadProcessor("nexus5-cnndroid-gpu", kp2)
	a, _ := g0.ComputeTime("alexnet", 0, n)
	b, _ := g1.ComputeTime("alexnet", 0, n)
	if a != b {
		t.Errorf("another profile moved: %v → %v", a, b)
	}
	if _, err := Perturbed(kp, "nexus5-caffe-cpu", "pool", 1.1); err == nil {
		t.Error("perturbing a tied parameter: no error")
	}
	// A share-tied factor is scaled itself: pixel4-tflite-cpu's
	// depthwise layers ×1.3, its other layers unchanged.
	kp3, err := Perturbed(kp, "pixel4-tflite-cpu", "depthwise", 1.3)
	if err != nil {
		t.Fatal(err)
	}
	defer Release(kp3)
	p0, _ := LoadProcessor("pixel4-tflite-cpu", kp)
	p1, _ := LoadProcessor("pixel4-tflite-cpu", kp3)
	l0, l1 := mustLayers(t, p0, "mobilenet-v1"), mustLayers(t, p1, "mobilenet-v1")
	for i := range l0 {
		want := l0[i].Mean
		if l0[i].Class == "depthwise" {
			want *= 1.3
		}
		if math.Abs(l1[i].Mean-want) > 1e-12 {
			t.Errorf("%s (%s): %v → %v, want %v", l0[i].Name, l0[i].Class, l0[i].Mean, l1[i].Mean, want)
		}
	}
}

// A perturbed server keeps its request handling (a perturbed profile
// once lost it, so every sensitivity run of cloud-gpu-k80 dropped its
// 175 ms setup and G5 moved by +196 % for a 10 % efficiency change), and
// handling.setup is itself a parameter Perturbed scales.
func TestPerturbedKeepsHandling(t *testing.T) {
	kp := testKernelProfile(t)
	base, err := LoadProcessor("cloud-gpu-k80", kp)
	if err != nil {
		t.Fatal(err)
	}
	if base.Handling() == nil {
		t.Fatal("cloud-gpu-k80 has no handling")
	}
	h0 := base.HandlingTime(15e3, 600e3)
	for _, tc := range []struct {
		param string
		scale float64
		// want is the handling time over the baseline's.
		check func(h float64) bool
	}{
		{"efficiency", 1.1, func(h float64) bool { return h == float64(h0) }},
		{"handling.setup", 1.1, func(h float64) bool {
			s := base.Handling().Setup
			return math.Abs(h-(float64(h0)+0.1*s)) < 1e-12
		}},
	} {
		kp2, err := Perturbed(kp, "cloud-gpu-k80", tc.param, tc.scale)
		if err != nil {
			t.Fatalf("%s: %v", tc.param, err)
		}
		p, err := LoadProcessor("cloud-gpu-k80", kp2)
		if err != nil {
			t.Fatal(err)
		}
		if p.Handling() == nil {
			t.Errorf("%s ×%g: the perturbed server lost its handling", tc.param, tc.scale)
		} else if h := float64(p.HandlingTime(15e3, 600e3)); !tc.check(h) {
			t.Errorf("%s ×%g: handling %v (baseline %v)", tc.param, tc.scale, h, h0)
		}
		Release(kp2)
	}
}
