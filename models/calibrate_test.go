package models

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestCalibrate runs a small calibration (SqueezeNet v1.1, 2 reps, the
// smallest study image) and checks the profile round-trips through YAML.
func TestCalibrate(t *testing.T) {
	var steps []Progress
	p, err := Calibrate(context.Background(), CalibrateOptions{
		Models: []string{"squeezenet-v1.1"}, Warmup: 1, Reps: 2,
		PreprocessSizes: [][2]int{{960, 540}}, TempDir: t.TempDir(), Version: "test",
		Progress: func(s Progress) { steps = append(steps, s) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) == 0 || steps[len(steps)-1].Step != steps[len(steps)-1].Steps {
		t.Errorf("progress %v does not reach its end", steps)
	}
	m := p.Model("squeezenet-v1.1")
	if m == nil || len(m.Layers) != len(must(Zoo("squeezenet-v1.1")).Layers()) {
		t.Fatalf("profile lacks the model or its layers: %+v", m)
	}
	for _, l := range m.Layers {
		if l.FusedInto != "" && l.MedianS != 0 {
			t.Errorf("fused layer %s has time %g", l.Name, l.MedianS)
		}
		if l.Kind == "Convolution" && (l.MedianS <= 0 || l.GFLOPs <= 0) {
			t.Errorf("conv layer %s: median %g, GFLOP/s %g", l.Name, l.MedianS, l.GFLOPs)
		}
	}
	if m.Load.Bytes != m.WeightFileBytes || m.Load.Seconds <= 0 {
		t.Errorf("load %+v", m.Load)
	}
	if len(p.Preprocess) != 1 || p.Preprocess[0].JPEGBytes <= 0 {
		t.Errorf("preprocess %+v", p.Preprocess)
	}
	var buf bytes.Buffer
	if err := p.Write(&buf); err != nil {
		t.Fatal(err)
	}
	q, err := ReadProfile(bytes.NewReader(buf.Bytes()), "p.yaml")
	if err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	var buf2 bytes.Buffer
	q.Write(&buf2)
	if buf.String() != buf2.String() {
		t.Errorf("profile does not round-trip:\n%s\nvs\n%s", buf.String(), buf2.String())
	}
	if !strings.Contains(buf.String(), "- {name: data, kind: Input") {
		t.Errorf("layers are not one flow map per line:\n%s", buf.String()[:min(buf.Len(), 2000)])
	}
}

func TestCalibrateCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Calibrate(ctx, CalibrateOptions{Models: []string{"squeezenet-v1.1"}, Warmup: 1, Reps: 2, SkipLoad: true, SkipPreprocess: true})
	if err == nil {
		t.Fatal("no error after cancel")
	}
}

// TestSummariseRobustCV: the CV read off the interdecile spread recovers a
// log-normal's CV, and a few outliers (passes the OS preempted) barely move
// it, where the plain standard deviation would explode.
func TestSummariseRobustCV(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const sigma = 0.1
	want := math.Sqrt(math.Expm1(sigma * sigma)) // 0.10025
	xs := make([]float64, 20000)
	for i := range xs {
		xs[i] = 1e-3 * math.Exp(sigma*rng.NormFloat64())
	}
	_, cv := summarise(xs)
	// The sample p10 and p90 of 20,000 draws are within about 1 % of the
	// true ones, so the CV is within a few per cent.
	if math.Abs(cv-want) > 0.05*want {
		t.Errorf("cv = %.4f, want %.4f ± 5 %%", cv, want)
	}
	for i := 0; i < len(xs)/50; i++ { // 2 % of passes 20× slower
		xs[i*50] = 20e-3
	}
	_, cvOut := summarise(xs)
	if math.Abs(cvOut-want) > 0.15*want {
		t.Errorf("with 2 %% outliers cv = %.4f, want %.4f ± 15 %%", cvOut, want)
	}
	if st, cv := summarise([]float64{2e-3, 2e-3, 2e-3}); cv != 0 || st.Median != 2e-3 {
		t.Errorf("constant timings: %+v cv %v", st, cv)
	}
}
