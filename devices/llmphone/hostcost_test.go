package llmphone

import (
	"math"
	"strings"
	"testing"

	"github.com/infersim/infersim/models/llm"
)

// stepWork shares a step between the classes without losing or inventing
// work: matrix + attention FLOPs are the Cost's FLOPs less the LM head of
// every prompt token but the last, matrix + vector weight bytes are the
// program's weight bytes, and the attention bytes are the KV traffic.
// The FLOPs of the LM head, 2 × vocab × hidden a token, and the
// activation rows, (layers × (norms + 1) + 2) × 2 × hidden × bytes, are
// worked by hand for Llama 3.2 1B (16 layers, 2 norms a layer, hidden
// 2048, vocab 128 256).
func TestStepWorkConserves(t *testing.T) {
	r, err := Build("llamacpp-opencl-sd8elite", HostRoofline, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := llm.Zoo("llama-3.2-1b")
	m, err := QuantizedModel(c, F16Kernel, 2, 4096)
	if err != nil {
		t.Fatal(err)
	}
	const head = 2 * 128256 * 2048 // FLOPs of the LM head a token
	for _, tc := range []struct {
		name   string
		n, ctx int
		cost   llm.Cost
	}{
		{"decode ctx 300", 1, 300, c.DecodeCost(llm.BF16, 2, 300)},
		{"prefill 128", 128, 128, c.PrefillCost(llm.BF16, 2, 128)},
	} {
		w := r.stepWork(m, tc.n, tc.ctx)
		flops := w[0].flops + w[1].flops + w[2].flops
		want := float64(tc.cost.FLOPs) - head*float64(tc.n-1)
		if math.Abs(flops/want-1) > 1e-12 {
			t.Errorf("%s: FLOPs %.6g, want %.6g", tc.name, flops, want)
		}
		act := float64(tc.n*(16*3+1)+1) * 2 * 2048 * 2
		if got := w[0].bytes + w[2].bytes - act; math.Abs(got/m.WeightBytes-1) > 1e-12 {
			t.Errorf("%s: weight bytes %.6g, want %.6g", tc.name, got, m.WeightBytes)
		}
		if kv := float64(tc.cost.KVReadBytes + tc.cost.KVWriteBytes); w[1].bytes != kv {
			t.Errorf("%s: attention bytes %v, want the KV traffic %v", tc.name, w[1].bytes, kv)
		}
	}
}

// Under HostRoofline the KV cache is read at the attention class's
// bandwidth, the host's attention-to-matrix ratio of the matrices': each
// extra position of context costs its KV bytes / (peak × efficiency ×
// ratio), as long as attention stays bandwidth-bound. With the host's
// ratios set to 1 (every class at the matrix class's rates) a decode step
// is the Direct model's bytes / (peak × efficiency) plus the vector
// operators' activation rows.
func TestHostRooflineDecode(t *testing.T) {
	rel, err := llm.HostRoofline().Relative()
	if err != nil {
		t.Fatal(err)
	}
	r, err := Build("genie-htp-sd8elite", HostRoofline, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := llm.Zoo("llama-3.2-3b")
	m, err := QuantizedModel(c, W4A16Kernel, 2, 4096)
	if err != nil {
		t.Fatal(err)
	}
	bw := r.PeakBandwidth * r.DecodeEfficiency
	d1, _ := r.DecodeTime(m, 1000)
	d2, _ := r.DecodeTime(m, 2000)
	const kvTok = 114688 // B of fp16 KV a token, 3B (TestDecodeBandwidthBound)
	if want := 1000 * kvTok / (bw * rel[llm.ClassAttention].Bytes); math.Abs((d2-d1)/want-1) > 1e-9 {
		t.Errorf("decode at 2000 − at 1000 = %.6g s, want 1000 × %d B / (%.4g B/s × %.4f) = %.6g s", d2-d1, kvTok, bw, rel[llm.ClassAttention].Bytes, want)
	}

	u, err := Build("genie-htp-sd8elite", HostRoofline, mustUnitRatios(t))
	if err != nil {
		t.Fatal(err)
	}
	d, _ := u.DecodeTime(m, 1024)
	act := float64(28*3+2) * 2 * 3072 * 2 // (layers × (norms + 1) + 2) rows of fp16, read and written
	want := (m.WeightBytes + 1024*kvTok + act) / (u.PeakBandwidth * u.DecodeEfficiency)
	if math.Abs(d/want-1) > 1e-9 {
		t.Errorf("ratios 1: decode %.6g s, want %.6g s", d, want)
	}
}

// Every runtime's FittedTo is exactly the rows of its Fitted parameters
// (and of the runtime it carries them from), and Build's scale moves a
// fitted parameter by its factor after the fit, the others as fitted.
func TestFittedAndScale(t *testing.T) {
	for _, cm := range CostModels() {
		for _, n := range Names() {
			r, err := Build(n, cm, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(r.FittedTo) == 0 {
				t.Errorf("%s %s: fitted to nothing", cm, n)
			}
			for _, p := range r.Fitted {
				if !strings.Contains(strings.Join(r.FittedTo, " "), p.FittedTo) || !(p.Uncertainty > 0) {
					t.Errorf("%s %s: %s fitted to %s (uncertainty %v), FittedTo %v", cm, n, p.Name, p.FittedTo, p.Uncertainty, r.FittedTo)
				}
			}
		}
		base, _ := Build("genie-htp-sd8elite", cm, nil)
		s, _ := Build("genie-htp-sd8elite", cm, map[string]float64{"genie-htp-sd8elite/" + ParamDecodeEfficiency: 1.25})
		if math.Abs(s.DecodeEfficiency/base.DecodeEfficiency-1.25) > 1e-12 || s.PrefillFLOPS[W4A16Kernel] != base.PrefillFLOPS[W4A16Kernel] {
			t.Errorf("%s: scaled efficiency %v (base %v), prefill %v (base %v)", cm, s.DecodeEfficiency, base.DecodeEfficiency, s.PrefillFLOPS[W4A16Kernel], base.PrefillFLOPS[W4A16Kernel])
		}
		q, _ := Build("qnn-htp-sd8gen3", cm, map[string]float64{"genie-htp-sd8elite/" + ParamDecodeEfficiency: 1.25})
		if q.DecodeEfficiency != s.DecodeEfficiency {
			t.Errorf("%s: the 8 Gen 3's NPU carries %v, not its source's scaled %v", cm, q.DecodeEfficiency, s.DecodeEfficiency)
		}
	}
	if _, err := Build("no-such", Direct, nil); err == nil {
		t.Error("an unknown runtime was built")
	}
	if _, err := Build("genie-htp-sd8elite", "magic", nil); err == nil {
		t.Error("an unknown cost model was accepted")
	}
}

// solveScale finds the rate of a known step: 10 GB over 4 s is 2.5 GB/s.
func TestSolveScale(t *testing.T) {
	x, err := solveScale(func(v float64) (float64, error) { return 1e10 / v, nil }, 4, 1e6, 1e12)
	if err != nil || math.Abs(x/2.5e9-1) > 1e-12 {
		t.Errorf("got %v, %v; want 2.5e9", x, err)
	}
	if _, err := solveScale(func(v float64) (float64, error) { return 1e10 / v, nil }, 1e-9, 1e6, 1e12); err == nil {
		t.Error("a target outside the range was solved")
	}
}

// DecodeTimeSlowed at slow 1 is DecodeTime bit for bit under both cost
// models; slowing never speeds a step up nor slows it more than the
// factor (each roof max(FLOPs·s/F, bytes/B) lies between its value at
// s = 1 and s times it); and once every class with FLOPs is
// compute-bound the time grows by the step's FLOPs over the kernel's
// rate per unit of slow (with the host's ratios set to 1, every class
// at the matrix class's rate; a decode step's classes share its Cost's
// FLOPs, TestStepWorkConserves).
func TestDecodeTimeSlowed(t *testing.T) {
	c, _ := llm.Zoo("llama-3.2-1b")
	m, err := QuantizedModel(c, W4A16Kernel, 2, 4096)
	if err != nil {
		t.Fatal(err)
	}
	for _, cost := range CostModels() {
		r, err := Build("genie-htp-sd8elite", cost, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, ctx := range []int{1, 64, 1000, 4000} {
			d, err := r.DecodeTime(m, ctx)
			if err != nil {
				t.Fatal(err)
			}
			if s, _ := r.DecodeTimeSlowed(m, ctx, 1); math.Float64bits(s) != math.Float64bits(d) {
				t.Errorf("%s ctx %d: slowed by 1 %v, DecodeTime %v", cost, ctx, s, d)
			}
			prev := d
			for _, slow := range []float64{1.1, 1.5, 2, 4, 16} {
				s, _ := r.DecodeTimeSlowed(m, ctx, slow)
				if s < prev*(1-1e-12) || s > slow*d*(1+1e-12) {
					t.Errorf("%s ctx %d slow %g: %v, want in [%v, %v]", cost, ctx, slow, s, prev, slow*d)
				}
				prev = s
			}
		}
	}

	u, err := Build("genie-htp-sd8elite", HostRoofline, mustUnitRatios(t))
	if err != nil {
		t.Fatal(err)
	}
	const ctx = 2000
	flops := float64(c.DecodeCost(llm.BF16, 2, ctx).FLOPs)
	s1, _ := u.DecodeTimeSlowed(m, ctx, 1e4)
	s2, _ := u.DecodeTimeSlowed(m, ctx, 2e4)
	if want := 1e4 * flops / u.PrefillFLOPS[W4A16Kernel]; math.Abs((s2-s1)/want-1) > 1e-9 {
		t.Errorf("slow 2e4 − 1e4: %.6g s, want 1e4 × %.4g FLOPs / %.4g FLOP/s = %.6g s", s2-s1, flops, u.PrefillFLOPS[W4A16Kernel], want)
	}
}

// mustUnitRatios is UnitRatios or the test's end.
func mustUnitRatios(t *testing.T) map[string]float64 {
	t.Helper()
	u, err := UnitRatios()
	if err != nil {
		t.Fatal(err)
	}
	return u
}
