package llmphone

import (
	"math"
	"strings"
	"testing"

	"github.com/infersim/infersim/models/llm"
	"github.com/infersim/infersim/reference"
)

// Footprints computed by hand from the configs (llm.md §1 gives the
// per-token KV bytes: 32,768 B at fp16 for Llama 3.2 1B, 12,288 B for
// Qwen2.5 0.5B): a static fp32 cache of 2048 positions, and a dynamic
// bf16 cache that grows with the context.
func TestFootprintByHand(t *testing.T) {
	r, err := ExecuTorchSD8Gen3()
	if err != nil {
		t.Fatal(err)
	}
	sq, err := OnePlus12("llama-3.2-1b", "spinquant")
	if err != nil {
		t.Fatal(err)
	}
	qwen, err := llm.Zoo("qwen2.5-0.5b")
	if err != nil {
		t.Fatal(err)
	}
	dyn := Model{Config: qwen, Kernel: W4A8Kernel, WeightBytes: 400e6, KVElemBytes: 2}
	for _, c := range []struct {
		name        string
		m           Model
		prompt, ctx int
		weights     float64
		kv          float64
		act         float64
	}{
		// 16 layers × 2 (K, V) × 8 heads × 64 × 4 B × 2048 positions;
		// activations 4 B × (64 × (3·2048 + 48·64 + 2·8192) + 32·64·128 + 128256).
		{"llama-3.2-1b spinquant", sq, 64, 128, 1083 * (1 << 20), 16 * 2 * 8 * 64 * 4 * 2048, 4 * (64*25600 + 32*64*128 + 128256)},
		// 24 layers × 2 × 2 heads × 64 × 2 B × 1000 positions;
		// activations 4 B × (100 × (3·896 + 18·64 + 2·4864) + 14·100·1000 + 151936).
		{"qwen2.5-0.5b dynamic", dyn, 100, 1000, 400e6, 24 * 2 * 2 * 64 * 2 * 1000, 4 * (100*13568 + 14*100*1000 + 151936)},
	} {
		f, err := r.Footprint(c.m, c.prompt, c.ctx)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for _, x := range []struct {
			what      string
			got, want float64
		}{{"weights", f.Weights, c.weights}, {"kv", f.KV, c.kv}, {"activations", f.Activations, c.act}, {"runtime", f.Runtime, r.OverheadBytes}} {
			if math.Abs(x.got-x.want) > 1e-6*x.want {
				t.Errorf("%s: %s %.0f B, want %.0f B", c.name, x.what, x.got, x.want)
			}
		}
		if want := c.weights + c.kv + c.act + r.OverheadBytes; f.Total() != want {
			t.Errorf("%s: total %.0f, want %.0f", c.name, f.Total(), want)
		}
		if !f.Fits(f.Total()) || f.Fits(f.Total()-1) {
			t.Errorf("%s: Fits is not total ≤ limit", c.name)
		}
		t.Logf("%s: %v", c.name, f)
	}
	// The dynamic cache grows by 12,288 B a token; the static one does not.
	a, _ := r.Footprint(dyn, 100, 1000)
	b, _ := r.Footprint(dyn, 100, 1001)
	if d := b.KV - a.KV; d != 12288 {
		t.Errorf("dynamic cache grew %v B for a token, want 12288", d)
	}
	a, _ = r.Footprint(sq, 64, 100)
	b, _ = r.Footprint(sq, 64, 2000)
	if a.KV != b.KV {
		t.Errorf("static cache changed with the context: %v → %v", a.KV, b.KV)
	}
}

// A context beyond the program's cache, or a prompt longer than the
// context, is refused.
func TestFootprintRefuses(t *testing.T) {
	r, _ := ExecuTorchSD8Gen3()
	sq, _ := OnePlus12("llama-3.2-1b", "spinquant")
	bf, _ := OnePlus12("llama-3.2-1b", "bf16")
	for _, c := range []struct {
		m           Model
		prompt, ctx int
		want        string
	}{
		{sq, 64, 2049, "at most 2048"},
		{bf, 64, 129, "at most 128"},
		{sq, 65, 64, "prompt"},
		{sq, 0, 10, "prompt"},
	} {
		_, err := r.Footprint(c.m, c.prompt, c.ctx)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Footprint(%s, %d, %d) = %v, want an error with %q", c.m.Config.Name, c.prompt, c.ctx, err, c.want)
		}
	}
	if got := r.ContextLimit(Model{Config: llm.Config{MaxPositions: 4096}}); got != 4096 {
		t.Errorf("a dynamic cache's limit is %d, want max_position_embeddings 4096", got)
	}
}

// The card's RSS: the fitted row comes back exactly, the five held-out
// rows within their fact's tolerance (15 %, set before this test ran).
func TestCardRSS(t *testing.T) {
	r, err := ExecuTorchSD8Gen3()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("runtime overhead %.1f MiB (fitted to 1B SpinQuant)", r.OverheadBytes/(1<<20))
	for _, zoo := range []string{"llama-3.2-1b", "llama-3.2-3b"} {
		for _, v := range []string{"bf16", "spinquant", "qlora"} {
			m, err := OnePlus12(zoo, v)
			if err != nil {
				t.Fatal(err)
			}
			got, err := CardRSS(r, m)
			if err != nil {
				t.Fatal(err)
			}
			f := reference.MustLookup(CardFact(zoo, v, "rss"))
			e := got/f.Value - 1
			tol := f.Tolerance
			if zoo == "llama-3.2-1b" && v == "spinquant" {
				tol = 1e-9
			}
			t.Logf("%-28s %6.0f MiB, published %6.0f (%+.1f %%)", f.ID, got/(1<<20), f.Value/(1<<20), 100*e)
			if math.Abs(e) > tol {
				t.Errorf("%s: %.0f MiB, published %.0f ± %.0f %%", f.ID, got/(1<<20), f.Value/(1<<20), 100*tol)
			}
		}
	}
}

// The first use reads the whole program at the storage rate: 1083 MiB
// at 4200 MB/s.
func TestLoadTime(t *testing.T) {
	r, _ := ExecuTorchSD8Gen3()
	sq, _ := OnePlus12("llama-3.2-1b", "spinquant")
	if got, want := r.LoadTime(sq), 1083.0*(1<<20)/4200e6; math.Abs(got-want) > 1e-12 {
		t.Errorf("load time %v s, want %v s", got, want)
	}
	if got := (Runtime{}).LoadTime(sq); got != 0 {
		t.Errorf("a runtime without a storage rate loads in %v s, want 0", got)
	}
}
