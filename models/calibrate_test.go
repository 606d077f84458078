package models

import (
	"bytes"
	"context"
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
