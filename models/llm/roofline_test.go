package llm

import (
	"math"
	"strings"
	"testing"
)

// synthStats are TimeOps-shaped statistics of a 2-layer model, 3
// repetitions of a 64-token prefill and 16 decode steps, whose medians
// were worked by hand from a matrix roofline of F = 50 GFLOP/s and
// B = 10 GB/s, attention F = 4 GFLOP/s and B = 2 GB/s, and vector
// operators at B = 5 GB/s: each time is max(FLOPs/F, Bytes/B).
func synthStats() []OpStat {
	st := func(ph string, op Op, calls, tokens int, flops, bytes, median float64) OpStat {
		return OpStat{Phase: ph, Op: op, Calls: calls, Tokens: tokens, FLOPs: flops, Bytes: bytes, MedianS: median}
	}
	return []OpStat{
		st("prefill", OpEmbed, 3, 64, 0, 5e3, 1e-6),       // 5e3 B / 5 GB/s
		st("prefill", OpAttnNorm, 6, 64, 0, 1e5, 2e-5),    // 1e5 B / 5 GB/s
		st("prefill", OpQKV, 6, 64, 2e8, 8e6, 0.004),      // 2e8 / 50e9 > 8e6 / 10e9
		st("prefill", OpAttention, 6, 64, 4e7, 1e6, 0.01), // 4e7 / 4e9 > 1e6 / 2e9
		st("prefill", OpMLPNorm, 6, 64, 0, 1e5, 2e-5),     //
		st("prefill", OpMLP, 6, 64, 1e9, 2e7, 0.02),       // 1e9 / 50e9 > 2e7 / 10e9
		st("prefill", OpFinalNorm, 3, 64, 0, 1e5, 2e-5),   //
		st("prefill", OpLMHead, 3, 64, 1e8, 2e8, 0.02),    // 2e8 / 10e9 > 1e8 / 50e9
		st("decode", OpEmbed, 48, 1, 0, 5e3, 1e-6),        //
		st("decode", OpAttnNorm, 96, 1, 0, 1e5, 2e-5),     //
		st("decode", OpAttention, 96, 1, 1e6, 2e6, 0.001), // 2e6 / 2e9 > 1e6 / 4e9
		st("decode", OpMLPNorm, 96, 1, 0, 1e5, 2e-5),      //
		st("decode", OpMLP, 96, 1, 4e7, 8e7, 0.008),       // 8e7 / 10e9 > 4e7 / 50e9
		st("decode", OpFinalNorm, 48, 1, 0, 1e5, 2e-5),    //
		st("decode", OpLMHead, 48, 1, 1e8, 2e8, 0.02),     //
	}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Abs(b) }

// The fit recovers the rooflines the statistics were made from, and
// predicts their phases' times per token (hand sums below).
func TestFitRooflineRecovers(t *testing.T) {
	r, err := FitRoofline(synthStats())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		c            OpClass
		gflops, gbps float64
		compute      int
	}{
		{ClassMatrix, 50, 10, 2},
		{ClassAttention, 4, 2, 1},
		{ClassVector, 0, 5, 0}, // no FLOPs: no compute roof
	} {
		f, ok := r.Class(tc.c)
		if !ok {
			t.Fatalf("no %s fit", tc.c)
		}
		if !near(f.GFLOPs, tc.gflops) && !(tc.gflops == 0 && f.GFLOPs == 0) || !near(f.GBps, tc.gbps) || f.Compute != tc.compute {
			t.Errorf("%s: F %g GFLOP/s, B %g GB/s, %d compute-bound; want %g, %g, %d", tc.c, f.GFLOPs, f.GBps, f.Compute, tc.gflops, tc.gbps, tc.compute)
		}
		if f.RMSLogErr > 1e-9 {
			t.Errorf("%s: RMS log error %g on exact data", tc.c, f.RMSLogErr)
		}
	}
	p, err := r.Predict(synthStats())
	if err != nil {
		t.Fatal(err)
	}
	// Prefill: per layer (×6 calls) qkv 0.004 + attention 0.01 + mlp 0.02 +
	// two norms 2e-5 = 0.03404 → 0.20424; lm_head 3 × 0.02, embed 3 × 1e-6,
	// final norm 3 × 2e-5: 0.264303 s over 3 × 64 tokens.
	// Decode: per layer (×96) mlp 0.008 + attention 0.001 + norms 4e-5 →
	// 0.86784; lm_head 48 × 0.02, embed 48e-6, final norm 48 × 2e-5:
	// 1.828848 s over 48 tokens.
	want := []PhaseTime{
		{Phase: "prefill", Passes: 3, Tokens: 64, MeasuredS: 0.264303 / 192, PredictedS: 0.264303 / 192},
		{Phase: "decode", Passes: 48, Tokens: 1, MeasuredS: 1.828848 / 48, PredictedS: 1.828848 / 48},
	}
	if len(p.Phases) != len(want) {
		t.Fatalf("phases %+v", p.Phases)
	}
	for i, w := range want {
		g := p.Phases[i]
		if g.Phase != w.Phase || g.Passes != w.Passes || g.Tokens != w.Tokens || !near(g.MeasuredS, w.MeasuredS) || !near(g.PredictedS, w.PredictedS) {
			t.Errorf("phase %d: %+v, want %+v", i, g, w)
		}
	}
}

// Which roof each call sits under: the weight products are compute-bound
// in prefill and bandwidth-bound as matrix-vector products (decode, and
// prefill's single-token LM head).
func TestRooflineBounds(t *testing.T) {
	r, err := FitRoofline(synthStats())
	if err != nil {
		t.Fatal(err)
	}
	p, err := r.Predict(synthStats())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Bound{
		"prefill qkv": ComputeBound, "prefill attention": ComputeBound, "prefill mlp": ComputeBound,
		"prefill lm_head": BandwidthBound, "prefill embed": BandwidthBound, "prefill attn_norm": BandwidthBound,
		"decode mlp": BandwidthBound, "decode lm_head": BandwidthBound, "decode attention": BandwidthBound,
		"decode final_norm": BandwidthBound,
	}
	for _, o := range p.Ops {
		k := o.Stat.Phase + " " + string(o.Stat.Op)
		if b, ok := want[k]; ok && o.Bound != b {
			t.Errorf("%s: %s-bound, want %s", k, o.Bound, b)
		}
		if !near(o.PredictedS, o.Stat.MedianS) {
			t.Errorf("%s: predicted %g s, made from %g", k, o.PredictedS, o.Stat.MedianS)
		}
	}
	for _, tc := range []struct {
		op   Op
		want OpClass
	}{
		{OpQKV, ClassMatrix}, {OpAttnOut, ClassMatrix}, {OpMLP, ClassMatrix}, {OpLMHead, ClassMatrix},
		{OpAttention, ClassAttention},
		{OpEmbed, ClassVector}, {OpAttnNorm, ClassVector}, {OpRope, ClassVector}, {OpPostMLPNorm, ClassVector}, {OpFinalNorm, ClassVector},
	} {
		if g := ClassOf(tc.op); g != tc.want {
			t.Errorf("ClassOf(%s) = %s, want %s", tc.op, g, tc.want)
		}
	}
}

func TestRooflineErrors(t *testing.T) {
	bad := synthStats()
	bad[2].MedianS = 0
	if _, err := FitRoofline(bad); err == nil || !strings.Contains(err.Error(), "prefill qkv") {
		t.Errorf("zero median: %v", err)
	}
	if _, err := FitRoofline(nil); err == nil {
		t.Error("no statistics accepted")
	}
	// A roofline fitted without attention cannot predict it.
	var noAttn []OpStat
	for _, s := range synthStats() {
		if s.Op != OpAttention {
			noAttn = append(noAttn, s)
		}
	}
	r, err := FitRoofline(noAttn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Predict(synthStats()); err == nil || !strings.Contains(err.Error(), "no attention fit") {
		t.Errorf("predict without an attention fit: %v", err)
	}
	if _, err := r.Predict(synthStats()[1:3]); err == nil || !strings.Contains(err.Error(), "embed") {
		t.Errorf("predict without embed: %v", err)
	}
}
