package llmphone

import (
	"math"
	"testing"

	"github.com/infersim/infersim/models/llm"
	"github.com/infersim/infersim/reference"
)

// Under either cost model the fitted rows come back exactly and every
// other row of the card is predicted within its fact's tolerance.
func TestCardRows(t *testing.T) {
	for _, cm := range CostModels() {
		t.Run(string(cm), func(t *testing.T) { testCardRows(t, cm) })
	}
}

func testCardRows(t *testing.T, cm CostModel) {
	r, err := Build("executorch-xnnpack-sd8gen3", cm, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("decode efficiency %.3f (%.1f GB/s); prefill %.0f GFLOP/s w4a8, %.0f GFLOP/s bf16",
		r.DecodeEfficiency, r.DecodeEfficiency*r.PeakBandwidth/1e9, r.PrefillFLOPS[W4A8Kernel]/1e9, r.PrefillFLOPS[BF16Kernel]/1e9)
	fitted := map[string]bool{"L-et-op12-1b-spinquant-decode": true, "L-et-op12-1b-spinquant-prefill": true, "L-et-op12-1b-bf16-prefill": true}
	for _, zoo := range []string{"llama-3.2-1b", "llama-3.2-3b"} {
		for _, v := range []string{"bf16", "spinquant", "qlora"} {
			m, err := OnePlus12(zoo, v)
			if err != nil {
				t.Fatal(err)
			}
			dec, pre, err := CardRates(r, m)
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range []struct {
				what string
				got  float64
			}{{"decode", dec}, {"prefill", pre}} {
				id := CardFact(zoo, v, x.what)
				f := reference.MustLookup(id)
				e := x.got/f.Value - 1
				t.Logf("%-32s %7.1f tok/s, published %7.1f (%+.1f %%)", id, x.got, f.Value, 100*e)
				tol := f.Tolerance
				if fitted[id] {
					tol = 1e-9
				}
				if math.Abs(e) > tol {
					t.Errorf("%s: %.2f tok/s, published %v ± %.0f %%", id, x.got, f.Value, 100*tol)
				}
			}
		}
	}
}

// Under the Direct cost model decode slows as the context grows (the KV
// cache is read every token), prefill is compute-bound, and a kernel
// class the runtime lacks is an error.
func TestRuntimeShape(t *testing.T) {
	r, err := Build("executorch-xnnpack-sd8gen3", Direct, nil)
	if err != nil {
		t.Fatal(err)
	}
	m, err := OnePlus12("llama-3.2-1b", "spinquant")
	if err != nil {
		t.Fatal(err)
	}
	d1, _ := r.DecodeTime(m, 100)
	d2, _ := r.DecodeTime(m, 4000)
	kv := float64(m.Config.KVBytes(3999, 4) - m.Config.KVBytes(99, 4))
	if want := kv / (r.PeakBandwidth * r.DecodeEfficiency); math.Abs((d2-d1)-want) > 1e-12 {
		t.Errorf("decode at 4000 − at 100 = %v, want the extra KV read %v", d2-d1, want)
	}
	p, _ := r.PrefillTime(m, 640)
	if want := float64(m.Config.PrefillCost(llm.BF16, 4, 640).FLOPs) / r.PrefillFLOPS[W4A8Kernel]; math.Abs(p-want) > 1e-12 {
		t.Errorf("prefill %v, want %v", p, want)
	}
	m.Kernel = "fp8"
	if _, err := r.DecodeTime(m, 10); err == nil {
		t.Error("an unknown kernel class was accepted")
	}
}
