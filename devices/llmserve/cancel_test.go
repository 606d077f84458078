package llmserve

import (
	"math"
	"testing"

	"github.com/infersim/infersim/models/llm"
	"github.com/infersim/infersim/sim"
)

// smallHW is roundHW with room for about blocks KV blocks of 16 tokens
// of m in bf16 after its weights.
func smallHW(m llm.Config, blocks float64) Hardware {
	h := roundHW
	per := float64(m.KVBytesPerToken(2)) * 16
	h.Memory = (float64(m.WeightBytes(llm.BF16)) + (blocks+0.5)*per) / h.MemoryUtilization
	return h
}

// smallServer is a Llama 3.2 1B server with room for 40 KV blocks, in a
// new environment closed when the test ends.
func smallServer(t *testing.T, prefixCache bool) (*sim.Env, *Server, llm.Config) {
	t.Helper()
	m := zoo(t, "llama-3.2-1b")
	env := sim.NewEnv()
	t.Cleanup(env.Close)
	srv, err := NewServer(env, Config{Model: m, Format: llm.BF16, Hardware: smallHW(m, 40), PrefixCache: prefixCache})
	if err != nil {
		t.Fatal(err)
	}
	return env, srv, m
}

// A cancelled running request frees its KV blocks at once: the request
// waiting for them is admitted at the next step and finishes; the
// cancelled one gets no token after the cancel and no OnDone.
func TestCancelFreesKV(t *testing.T) {
	env, srv, m := smallServer(t, false)
	if srv.KVBlocks() != 40 {
		t.Fatalf("%d blocks, want 40", srv.KVBlocks())
	}
	var aTokens []float64
	aDone := false
	a := &Request{Prompt: 400, Output: 100,
		OnToken: func(i int, now float64) { aTokens = append(aTokens, now) },
		OnDone:  func(float64, error) { aDone = true }}
	srv.Submit(a)
	b := submit(srv, 400, 10) // 25 blocks: waits while a holds 25 of 40
	var usedBefore, usedAfter int
	var at float64
	cancelled := false
	a.OnToken = func(i int, now float64) {
		aTokens = append(aTokens, now)
		if i == 5 {
			usedBefore = srv.KVUsed()
			at = now
			cancelled = srv.Cancel(a)
			usedAfter = srv.KVUsed()
		}
	}
	if err := env.Run(); err != nil {
		t.Fatal(err)
	}
	if !cancelled || usedBefore != 26 || usedAfter != 0 {
		t.Errorf("cancel %v: KV blocks used %d before (want 26: 405 positions), %d after (want 0)", cancelled, usedBefore, usedAfter)
	}
	if len(aTokens) != 5 || aDone {
		t.Errorf("cancelled request: %d tokens (want 5), done %v", len(aTokens), aDone)
	}
	if len(b.tokens) != 10 || b.err != nil || !(b.tokens[0] > at) {
		t.Fatalf("waiting request: %d tokens, err %v, first at %v (cancel at %v)", len(b.tokens), b.err, b.tokens, at)
	}
	// b alone from the cancel on: its prefill is the next step.
	pc := m.PrefillCost(llm.BF16, 2, 400)
	if want := at + byHand(roundHW, pc.FLOPs, pc.Bytes()); math.Abs(b.tokens[0]-want) > 1e-12 {
		t.Errorf("waiting request's first token at %v, want the cancel %v + its prefill = %v", b.tokens[0], at, want)
	}
	if st := srv.Stats(); st.Cancelled != 1 || st.Tokens != 15 || srv.KVUsed() != 0 {
		t.Errorf("stats %+v, %d blocks used at the end", st, srv.KVUsed())
	}
	if srv.Cancel(a) || srv.Cancel(&Request{}) {
		t.Error("a second cancel, or one of a request never submitted, reported true")
	}
}

// A waiting request cancelled never runs; the others are not affected.
func TestCancelWaiting(t *testing.T) {
	env, srv, _ := smallServer(t, false)
	a := submit(srv, 400, 3)
	r := &Request{Prompt: 400, Output: 3, OnToken: func(int, float64) { t.Error("a cancelled request produced a token") }}
	srv.Submit(r)
	c := submit(srv, 100, 3)
	if !srv.Cancel(r) {
		t.Fatal("cancel of a waiting request reported false")
	}
	if err := env.Run(); err != nil {
		t.Fatal(err)
	}
	if len(a.tokens) != 3 || len(c.tokens) != 3 || srv.Stats().Cancelled != 1 {
		t.Errorf("a %d tokens, c %d tokens, stats %+v", len(a.tokens), len(c.tokens), srv.Stats())
	}
}
