package llmserve

import (
	"errors"
	"math"
	"testing"

	"github.com/infersim/infersim/models/llm"
	"github.com/infersim/infersim/sim"
)

func zoo(t *testing.T, name string) llm.Config {
	t.Helper()
	c, err := llm.Zoo(name)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// roundHW is a made-up accelerator with round numbers, so that the hand
// computations below read easily.
var roundHW = Hardware{Name: "round", PeakFLOPS: 100e12, Bandwidth: 1e12, Memory: 80e9,
	ComputeEfficiency: 0.5, BandwidthEfficiency: 0.8, StepOverhead: 0.001, MemoryUtilization: 0.9}

// byHand is the roofline time of a step from llm's own counts, written
// out independently of the server's cost table.
func byHand(h Hardware, flops, bytes int64) float64 {
	return h.StepOverhead + math.Max(float64(flops)/(h.PeakFLOPS*h.ComputeEfficiency), float64(bytes)/(h.Bandwidth*h.BandwidthEfficiency))
}

type trace struct {
	tokens []float64
	done   float64
	err    error
}

func submit(srv *Server, prompt, output int) *trace {
	tr := &trace{done: math.NaN()}
	srv.Submit(&Request{Prompt: prompt, Output: output,
		OnToken: func(i int, now float64) {
			if i != len(tr.tokens)+1 {
				panic("tokens out of order")
			}
			tr.tokens = append(tr.tokens, now)
		},
		OnDone: func(now float64, err error) { tr.done, tr.err = now, err }})
	return tr
}

// One request alone: its time to first token is one prefill step of the
// whole prompt, and each later token one decode step at its context,
// exactly as the roofline of llm's PrefillCost and DecodeCost gives them.
func TestSingleRequest(t *testing.T) {
	for _, name := range []string{"llama-3.2-1b", "qwen2.5-0.5b"} {
		m := zoo(t, name)
		env := sim.NewEnv()
		srv, err := NewServer(env, Config{Model: m, Format: llm.BF16, Hardware: roundHW})
		if err != nil {
			t.Fatal(err)
		}
		const P, O = 300, 6
		tr := submit(srv, P, O)
		if err := env.Run(); err != nil {
			t.Fatal(err)
		}
		pc := m.PrefillCost(llm.BF16, 2, P)
		want := byHand(roundHW, pc.FLOPs, pc.Bytes())
		if len(tr.tokens) != O || math.Abs(tr.tokens[0]-want) > 1e-12 {
			t.Fatalf("%s: tokens %v, TTFT want %v", name, tr.tokens, want)
		}
		for k := 2; k <= O; k++ {
			dc := m.DecodeCost(llm.BF16, 2, P+k-1)
			step := byHand(roundHW, dc.FLOPs, dc.Bytes())
			if got := tr.tokens[k-1] - tr.tokens[k-2]; math.Abs(got-step) > 1e-12 {
				t.Errorf("%s: token %d after %v, want %v", name, k, got, step)
			}
		}
		if tr.done != tr.tokens[O-1] || tr.err != nil {
			t.Errorf("%s: done %v (%v), last token %v", name, tr.done, tr.err, tr.tokens[O-1])
		}
		if srv.free != srv.capacity {
			t.Errorf("%s: %d of %d blocks free at the end", name, srv.free, srv.capacity)
		}
	}
}

// N identical requests at once share every step: the first step
// prefills all N prompts (reading the weights once), each later step
// decodes N tokens; all finish together at the hand-summed time. Decode
// reads the weights once per step, so N sequences cost far less than N
// times one.
func TestBatchSharesWeights(t *testing.T) {
	m := zoo(t, "llama-3.2-1b")
	const N, P, O = 8, 64, 20
	env := sim.NewEnv()
	srv, err := NewServer(env, Config{Model: m, Format: llm.BF16, Hardware: roundHW})
	if err != nil {
		t.Fatal(err)
	}
	var trs []*trace
	for range N {
		trs = append(trs, submit(srv, P, O))
	}
	if err := env.Run(); err != nil {
		t.Fatal(err)
	}
	pc := m.PrefillCost(llm.BF16, 2, P)
	w1 := m.DecodeCost(llm.BF16, 2, 1).WeightBytes // weights with one embedding row
	row := llm.BF16.MatrixBytes(1, int64(m.Hidden))
	// Step 1: N prompts, weights once with N·P rows looked up.
	total := byHand(roundHW, N*pc.FLOPs, N*(pc.KVWriteBytes)+w1+(N*P-1)*row)
	for k := 2; k <= O; k++ {
		dc := m.DecodeCost(llm.BF16, 2, P+k-1)
		total += byHand(roundHW, N*dc.FLOPs, N*(dc.KVReadBytes+dc.KVWriteBytes)+w1+(N-1)*row)
	}
	for i, tr := range trs {
		if math.Abs(tr.done-total) > 1e-9 {
			t.Errorf("request %d done at %v, want %v", i, tr.done, total)
		}
	}
	st := srv.Stats()
	if st.Steps != O || st.MaxRunning != N || st.Tokens != N*O || st.Preemptions != 0 {
		t.Errorf("stats %+v", st)
	}
}

// Throughput saturates at the compute roofline: with enough sequences
// every decode step is compute-bound, and tokens per second approach
// PeakFLOPS·ComputeEfficiency over one token's FLOPs.
func TestThroughputSaturates(t *testing.T) {
	m := zoo(t, "qwen2.5-0.5b")
	hw := roundHW
	hw.StepOverhead = 0
	rate := func(n int) float64 {
		env := sim.NewEnv()
		srv, err := NewServer(env, Config{Model: m, Format: llm.BF16, Hardware: hw, MaxSeqs: n, MaxBatchedTokens: 1 << 20})
		if err != nil {
			t.Fatal(err)
		}
		var trs []*trace
		for range n {
			trs = append(trs, submit(srv, 8, 40))
		}
		if err := env.Run(); err != nil {
			t.Fatal(err)
		}
		// Decode rate: the 39 tokens after the first, over their time.
		first, last := 0.0, 0.0
		for _, tr := range trs {
			first, last = math.Max(first, tr.tokens[0]), math.Max(last, tr.done)
		}
		return float64(n*39) / (last - first)
	}
	perToken := float64(m.DecodeCost(llm.BF16, 2, 30).FLOPs)
	bound := hw.PeakFLOPS * hw.ComputeEfficiency / perToken
	r1, r512, r2048 := rate(1), rate(512), rate(2048)
	t.Logf("decode tok/s: batch 1 %.0f, 512 %.0f, 2048 %.0f; compute bound %.0f", r1, r512, r2048, bound)
	if !(r512 > 50*r1) {
		t.Errorf("batch 512 gives %.0f tok/s, batch 1 %.0f: batching does not pay", r512, r1)
	}
	if r2048 > bound*1.001 || r2048 < bound*0.9 {
		t.Errorf("batch 2048: %.0f tok/s, compute bound %.0f", r2048, bound)
	}
}

// A cache too small for the crowd preempts the newest sequence, which
// recomputes later; every request still gets all its tokens, in order,
// and every block comes back.
func TestPreemption(t *testing.T) {
	m := zoo(t, "llama-3.2-1b")
	hw := roundHW
	weights := float64(m.WeightBytes(llm.BF16))
	perBlock := float64(m.KVBytesPerToken(2) * 16)
	hw.Memory = (weights + 40*perBlock) / hw.MemoryUtilization // 40 blocks: 640 tokens
	env := sim.NewEnv()
	srv, err := NewServer(env, Config{Model: m, Format: llm.BF16, Hardware: hw})
	if err != nil {
		t.Fatal(err)
	}
	if srv.KVBlocks() != 40 {
		t.Fatalf("%d blocks", srv.KVBlocks())
	}
	var trs []*trace
	for range 6 {
		trs = append(trs, submit(srv, 100, 60)) // 160 tokens = 10 blocks each, 60 blocks for all
	}
	if err := env.Run(); err != nil {
		t.Fatal(err)
	}
	for i, tr := range trs {
		if len(tr.tokens) != 60 || tr.err != nil {
			t.Errorf("request %d: %d tokens, %v", i, len(tr.tokens), tr.err)
		}
	}
	if st := srv.Stats(); st.Preemptions == 0 {
		t.Errorf("no preemption with 60 blocks wanted of 40: %+v", st)
	}
	if srv.free != srv.capacity || len(srv.running) != 0 || len(srv.waiting) != 0 {
		t.Errorf("free %d of %d, running %d, waiting %d", srv.free, srv.capacity, len(srv.running), len(srv.waiting))
	}
	// A request that cannot fit even alone is refused at once.
	tr := submit(srv, 600, 100)
	if !errors.Is(tr.err, ErrTooLong) || tr.done != env.Now() {
		t.Errorf("oversized request: %v at %v", tr.err, tr.done)
	}
}

// Chunked prefill: a prompt longer than the token budget is prefilled
// over several steps, and decoding sequences keep producing tokens
// meanwhile instead of waiting for the whole prompt.
func TestChunkedPrefill(t *testing.T) {
	m := zoo(t, "qwen2.5-0.5b")
	env := sim.NewEnv()
	srv, err := NewServer(env, Config{Model: m, Format: llm.BF16, Hardware: roundHW, MaxBatchedTokens: 256})
	if err != nil {
		t.Fatal(err)
	}
	short := submit(srv, 16, 50)
	var long *trace
	env.Schedule(0.01, func() { long = submit(srv, 1000, 2) })
	if err := env.Run(); err != nil {
		t.Fatal(err)
	}
	during := 0
	for _, at := range short.tokens {
		if at > 0.01 && at < long.tokens[0] {
			during++
		}
	}
	// 1000 prompt tokens at 255 a step (one goes to the decoding request):
	// four chunks, so the short request gets at least three tokens before
	// the long one's first.
	if during < 3 {
		t.Errorf("%d tokens of the short request during the long prefill", during)
	}
	if len(long.tokens) != 2 || len(short.tokens) != 50 {
		t.Errorf("long %d tokens, short %d", len(long.tokens), len(short.tokens))
	}
}

func TestServerErrors(t *testing.T) {
	m := zoo(t, "llama-3.2-3b")
	env := sim.NewEnv()
	small := roundHW
	small.Memory = 4e9 // 3B in bf16 is 6.4 GB
	if _, err := NewServer(env, Config{Model: m, Format: llm.BF16, Hardware: small}); err == nil {
		t.Error("a model larger than the memory was accepted")
	}
	bad := roundHW
	bad.BandwidthEfficiency = 1.5
	if _, err := NewServer(env, Config{Model: m, Format: llm.BF16, Hardware: bad}); err == nil {
		t.Error("an efficiency above 1 was accepted")
	}
}

// The fit refuses what it cannot fit: a rate the bandwidth cannot reach
// (efficiency above 1), a compute-bound decode, and degenerate input.
func TestFitBandwidthEfficiency(t *testing.T) {
	m := Llama31_8B()
	h := a100Peak
	if got, err := FitBandwidthEfficiency(h, m, llm.BF16, 1024, 128, 75); err != nil || math.Abs(got.BandwidthEfficiency-0.7308) > 5e-4 {
		t.Errorf("fit: %v, %v", got.BandwidthEfficiency, err)
	}
	if _, err := FitBandwidthEfficiency(h, m, llm.BF16, 1024, 128, 200); err == nil {
		t.Error("200 tok/s needs more than the A100's bandwidth: accepted")
	}
	slow := h
	slow.PeakFLOPS = 1e9
	if _, err := FitBandwidthEfficiency(slow, m, llm.BF16, 1024, 128, 75); err == nil {
		t.Error("a compute-bound decode was fitted as bandwidth")
	}
	for _, bad := range [][2]int{{0, 128}, {1024, 1}} {
		if _, err := FitBandwidthEfficiency(h, m, llm.BF16, bad[0], bad[1], 75); err == nil {
			t.Errorf("prompt %d, output %d accepted", bad[0], bad[1])
		}
	}
}
