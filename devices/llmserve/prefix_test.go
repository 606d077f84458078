package llmserve

import (
	"testing"

	"github.com/infersim/infersim/models/llm"
	"github.com/infersim/infersim/sim"
)

// Two turns of one session with the prefix cache: turn 1 (100 prompt
// tokens, 20 answer tokens) computes positions 1–119 (its last token is
// never fed back), so 7 full 16-token blocks (112 positions) are kept;
// turn 2's prompt is the 120-token history and 50 new tokens, so it
// prefills 170 − 112 = 58 positions. When other requests have evicted
// e blocks in between (tail first), it reuses 7 − e; with all evicted,
// or with the cache off, it prefills all 170.
func TestPrefixCacheTwoTurns(t *testing.T) {
	m := zoo(t, "llama-3.2-1b")
	const session = 7
	for _, tc := range []struct {
		name          string
		cache         bool
		evict         int // blocks the other request's growth takes from the kept ones
		prefill, kept int // turn 2's prefill positions; kept after turn 1
	}{
		{"cached", true, 0, 58, 7},
		{"three evicted", true, 3, 170 - 4*16, 7},
		{"all evicted", true, 7, 170, 7},
		{"cache off", false, 0, 170, 0},
	} {
		env := sim.NewEnv()
		srv, err := NewServer(env, Config{Model: m, Format: llm.BF16, Hardware: smallHW(m, 40), PrefixCache: tc.cache})
		if err != nil {
			t.Fatal(err)
		}
		srv.Submit(&Request{Prompt: 100, Output: 20, Session: session})
		if err := env.Run(); err != nil {
			t.Fatal(err)
		}
		if k, _ := srv.KVKept(); k != tc.kept || srv.KVUsed() != 0 {
			t.Fatalf("%s: %d blocks kept after turn 1 (want %d), %d used", tc.name, k, tc.kept, srv.KVUsed())
		}
		if tc.evict > 0 {
			// Another request holding 33 + evict blocks at its end (its
			// prompt and output fill them): the 33 empty ones, then
			// evict of the kept ones.
			srv.Submit(&Request{Prompt: 16*(33+tc.evict) - 1, Output: 1})
			if err := env.Run(); err != nil {
				t.Fatal(err)
			}
			if k, ev := srv.KVKept(); ev != tc.evict || k != 7-tc.evict {
				t.Fatalf("%s: %d kept, %d evicted, want %d evicted (a request without a session keeps nothing)", tc.name, k, ev, tc.evict)
			}
		}
		before := srv.Stats()
		tr := &trace{}
		srv.Submit(&Request{Prompt: 170, Output: 5, Session: session,
			OnToken: func(i int, now float64) { tr.tokens = append(tr.tokens, now) }})
		if err := env.Run(); err != nil {
			t.Fatal(err)
		}
		st := srv.Stats()
		if got := st.PrefillTokens - before.PrefillTokens; got != tc.prefill {
			t.Errorf("%s: turn 2 prefilled %d positions, want %d", tc.name, got, tc.prefill)
		}
		if got := st.CachedTokens - before.CachedTokens; got != 170-tc.prefill {
			t.Errorf("%s: turn 2 reused %d positions, want %d", tc.name, got, 170-tc.prefill)
		}
		if len(tr.tokens) != 5 {
			t.Errorf("%s: turn 2 produced %d tokens", tc.name, len(tr.tokens))
		}
		env.Close()
	}
}

// The cache is accounted as free memory: kept blocks never stop a
// request that needs the room, and the books balance after every run.
func TestPrefixCacheAccounting(t *testing.T) {
	env, srv, _ := smallServer(t, true)
	var trs []*trace
	for i := 0; i < 12; i++ {
		tr := &trace{}
		trs = append(trs, tr)
		srv.Submit(&Request{Prompt: 150 + 10*i, Output: 30, Session: uint64(1 + i%3),
			OnToken: func(_ int, now float64) { tr.tokens = append(tr.tokens, now) },
			OnDone:  func(now float64, err error) { tr.done, tr.err = now, err }})
	}
	if err := env.Run(); err != nil {
		t.Fatal(err)
	}
	for i, tr := range trs {
		if len(tr.tokens) != 30 || tr.err != nil {
			t.Errorf("request %d: %d tokens, %v", i, len(tr.tokens), tr.err)
		}
	}
	kept, _ := srv.KVKept()
	if srv.KVUsed() != 0 || kept > srv.KVBlocks() || srv.free != srv.KVBlocks() {
		t.Errorf("after the run: %d used, %d kept, %d free of %d", srv.KVUsed(), kept, srv.free, srv.KVBlocks())
	}
	if srv.Stats().Preemptions == 0 {
		t.Error("no preemption: the test does not exercise the cache under pressure")
	}
}
