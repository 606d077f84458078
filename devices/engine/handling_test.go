package engine

import (
	"math"
	"testing"

	"github.com/infersim/infersim/reference"
)

func TestHandlingTime(t *testing.T) {
	h := &Handling{Fixed: 0.002, Setup: 0.170, DecodeRate: 20e6, CopyRate: 6.5e9}
	for _, c := range []struct {
		name                string
		h                   *Handling
		image, tensor, want float64
	}{
		{"doc example", h, 24e3, 1.07e6, 0.002 + 0.170 + 24e3/20e6 + 1.07e6/6.5e9},
		{"activation: no decode", h, 0, 1e6, 0.172 + 1e6/6.5e9},
		{"cpu: no copy", &Handling{Fixed: 0.002, DecodeRate: 20e6}, 20e3, 1e6, 0.003},
		{"none", nil, 1e6, 1e6, 0},
	} {
		if got := c.h.Time(c.image, c.tensor); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// cloud-gpu-k80's handling is fitted exactly to MODI-infer (one row, one
// parameter), with the model time taken from C-inception-gpu; the CPU
// servers tie their set-up to it.
func TestShippedHandlingFit(t *testing.T) {
	gpu, err := LoadProcessor("cloud-gpu-k80", nil)
	if err != nil {
		t.Fatal(err)
	}
	h := gpu.Handling()
	if h == nil || h.FitFact != "MODI-infer" || h.ModelFact != "C-inception-gpu" {
		t.Fatalf("handling %+v", h)
	}
	ref := reference.MustLookup("MODI-infer").Value
	if got := h.FitValue + h.ModelTime; math.Abs(got-ref) > 1e-9 {
		t.Errorf("fit row %v, want %v", got, ref)
	}
	if !(h.Setup > 0.1 && h.Setup < ref) {
		t.Errorf("setup %v", h.Setup)
	}
	for _, name := range []string{"cloud-cpu", "guo2018-cloud-cpu"} {
		p, err := LoadProcessor(name, nil)
		if err != nil {
			t.Fatal(err)
		}
		ch := p.Handling()
		if ch == nil || ch.Setup != h.Setup || ch.CopyRate != 0 {
			t.Errorf("%s: handling %+v, want setup tied to %v and no copy", name, ch, h.Setup)
		}
	}
	for _, name := range []string{"nexus5-caffe-cpu", "pixel4-tflite-gpu"} {
		p, err := LoadProcessor(name, nil)
		if err != nil {
			t.Fatal(err)
		}
		if p.Handling() != nil {
			t.Errorf("%s: a phone processor has a handling model", name)
		}
	}
}

// A fit whose model time exceeds the reference would need a negative
// set-up: an error, not a clamp.
func TestHandlingNegativeFit(t *testing.T) {
	pp, err := ShippedProcessorProfile("cloud-gpu-k80")
	if err != nil {
		t.Fatal(err)
	}
	q := *pp
	hs := *pp.Handling
	fit := *hs.Fit
	fit.ModelTime = "C-inception-cpu" // 262 ms > 207 ms
	hs.Fit = &fit
	q.Handling = &hs
	if _, err := q.Compile(nil); err == nil {
		t.Fatal("a negative set-up compiled")
	}
}
