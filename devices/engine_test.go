package devices

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/infersim/infersim/devices/engine"
)

// TestSampleMatchesProcessor: the precomputed draws of a shared engine
// model give bit for bit what Processor.SampleLayer gives, consuming the
// same random numbers, for every layer of every shipped profile.
func TestSampleMatchesProcessor(t *testing.T) {
	kp := testKernelProfile(t)
	for _, name := range engine.ProcessorNames() {
		p, err := engine.LoadProcessor(name, kp)
		if err != nil {
			t.Fatal(err)
		}
		c := newEngineCache(p)
		if c.shared == nil {
			t.Fatalf("%s: a *Processor's cache is not shared", name)
		}
		for _, model := range p.Models() {
			em := c.model(model)
			if em.err != nil {
				continue
			}
			if em.draws == nil {
				t.Fatalf("%s %s: no precomputed draws", name, model)
			}
			a, b := rand.New(rand.NewPCG(1, 2)), rand.New(rand.NewPCG(1, 2))
			for rep := 0; rep < 3; rep++ {
				for i := range em.layers {
					want := p.SampleLayer(&em.layers[i], a)
					if got := em.sample(p, i, b); math.Float64bits(got) != math.Float64bits(want) {
						t.Fatalf("%s %s layer %d: sample %v, SampleLayer %v", name, model, i, got, want)
					}
				}
			}
			if a.Uint64() != b.Uint64() {
				t.Fatalf("%s %s: the streams diverged", name, model)
			}
		}
	}
}

// TestSampleSumMatches: sampleSum is the layer-by-layer sum of
// Processor.SampleLayer from any first layer, bit for bit, consuming the
// same random numbers, for every model of every shipped profile.
func TestSampleSumMatches(t *testing.T) {
	kp := testKernelProfile(t)
	var scratch []float64
	for _, name := range engine.ProcessorNames() {
		p, err := engine.LoadProcessor(name, kp)
		if err != nil {
			t.Fatal(err)
		}
		c := newEngineCache(p)
		for _, model := range p.Models() {
			em := c.model(model)
			if em.err != nil {
				continue
			}
			a, b := rand.New(rand.NewPCG(3, 4)), rand.New(rand.NewPCG(3, 4))
			n := len(em.layers)
			for _, from := range []int{0, 0, 1, n / 3, n / 2, n - 1, n} {
				want := 0.0
				for i := from; i < n; i++ {
					want += p.SampleLayer(&em.layers[i], a)
				}
				if got := em.sampleSum(p, from, b, &scratch); math.Float64bits(got) != math.Float64bits(want) {
					t.Fatalf("%s %s from %d: sampleSum %v, Σ SampleLayer %v", name, model, from, got, want)
				}
			}
			if a.Uint64() != b.Uint64() {
				t.Fatalf("%s %s: the streams diverged", name, model)
			}
		}
	}
}

// TestEngineCacheShared: two caches of one processor share their model
// data (no per-world copy); a stand-in engine gets its own.
func TestEngineCacheShared(t *testing.T) {
	p, err := engine.LoadProcessor("nexus5-caffe-cpu", testKernelProfile(t))
	if err != nil {
		t.Fatal(err)
	}
	a, b := newEngineCache(p), newEngineCache(p)
	if a.model("alexnet") != b.model("alexnet") || &a.model("alexnet").layers[0] != &b.model("alexnet").layers[0] {
		t.Error("two worlds' caches of one processor do not share the model")
	}
	s := stubCaffe()
	if x, y := newEngineCache(s), newEngineCache(s); x.shared != nil || x.model("alexnet") == y.model("alexnet") {
		t.Error("a stand-in engine's answers are shared")
	}
}

// BenchmarkSampleSum: one cloud-GPU server job of SqueezeNet v1.0 (67
// layers, 39 of them log-normal), the batch time Server.run draws.
func BenchmarkSampleSum(b *testing.B) {
	p, err := engine.LoadProcessor("cloud-gpu-k80", testKernelProfile(b))
	if err != nil {
		b.Fatal(err)
	}
	em := newEngineCache(p).model("squeezenet-v1.0")
	if em.err != nil {
		b.Fatal(em.err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var sc []float64
	t := 0.0
	for b.Loop() {
		t += em.sampleSum(p, 0, rng, &sc)
	}
	if !(t > 0) {
		b.Fatal("no time drawn")
	}
}
