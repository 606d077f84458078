package llm

import (
	"context"
	"testing"
)

func TestTimeOps(t *testing.T) {
	c := tinyConfig("qwen2")
	m, err := RandomModel(c, Quant{Kind: "q4"}, 3)
	if err != nil {
		t.Fatal(err)
	}
	stats, err := TimeOps(context.Background(), m, TimeOpsOptions{PromptLen: 8, Decode: 4, Reps: 2})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]OpStat{}
	for _, s := range stats {
		got[s.Phase+"/"+string(s.Op)] = s
		if s.P10S > s.MedianS || s.MedianS > s.P90S {
			t.Errorf("%s/%s: quantiles %g %g %g out of order", s.Phase, s.Op, s.P10S, s.MedianS, s.P90S)
		}
	}
	qkv := got["prefill/qkv"]
	// 8 tokens · 2 · hidden 64 · (q 64 + 2 · kv 32) = 131,072 FLOPs per call, 2 layers × 2 reps.
	if qkv.Calls != 4 || qkv.Tokens != 8 || qkv.FLOPs != 131072 {
		t.Errorf("prefill qkv %+v", qkv)
	}
	dec := got["decode/mlp"]
	// 2 · 64 · 3 · 96 = 36,864 FLOPs per token; 4 steps × 2 layers × 2 reps.
	if dec.Calls != 16 || dec.Tokens != 1 || dec.FLOPs != 36864 {
		t.Errorf("decode mlp %+v", dec)
	}
	if _, ok := got["decode/post_mlp_norm"]; ok {
		t.Error("a 2-norm model timed a post-MLP norm")
	}
	if got["decode/lm_head"].Calls != 8 {
		t.Errorf("decode lm_head %+v", got["decode/lm_head"])
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := TimeOps(ctx, m, TimeOpsOptions{}); err == nil {
		t.Error("cancelled context ignored")
	}
}
