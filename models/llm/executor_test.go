package llm

import (
	"fmt"
	"math"
	"testing"
)

// refForward runs the whole sequence through the reference kernels,
// without a cache: token t attends to the keys of tokens 0…t recomputed
// from scratch. It returns each layer's residual stream (layer −1 first)
// and the logits of every token.
func refForward(m *Model, tokens []int) (hidden [][]float32, logits []float32) {
	c := m.Config
	n, h := len(tokens), c.Hidden
	qd, kvd := c.Heads*c.HeadDim, c.KVHeads*c.HeadDim
	x := make([]float32, n*h)
	scale := float32(1)
	if c.EmbedScale {
		scale = float32(math.Sqrt(float64(h)))
	}
	for t, tok := range tokens {
		EmbedRef(x[t*h:(t+1)*h], m.Embed, tok, scale)
	}
	snap := func() { hidden = append(hidden, append([]float32(nil), x...)) }
	snap()
	norm := func(dst, src []float32, nw Norm) {
		if c.Norm == LayerNorm {
			LayerNormRef(dst, src, nw.W, nw.B, float32(c.NormEps))
		} else {
			RMSNormRef(dst, src, nw.W, float32(c.NormEps), c.NormPlusOne)
		}
	}
	as := 1 / math.Sqrt(float64(c.HeadDim))
	if c.QueryPreAttnScalar > 0 {
		as = 1 / math.Sqrt(c.QueryPreAttnScalar)
	}
	p := AttnParams{Heads: c.Heads, KVHeads: c.KVHeads, HeadDim: c.HeadDim, Scale: float32(as), Softcap: float32(c.AttnSoftcap)}
	for l, b := range m.Blocks {
		q, k, v := make([]float32, n*qd), make([]float32, n*kvd), make([]float32, n*kvd)
		xn := make([]float32, h)
		for t := range n {
			norm(xn, x[t*h:(t+1)*h], b.AttnNorm)
			MulVecRef(b.Q, q[t*qd:(t+1)*qd], xn)
			MulVecRef(b.K, k[t*kvd:(t+1)*kvd], xn)
			MulVecRef(b.V, v[t*kvd:(t+1)*kvd], xn)
			if b.QB != nil {
				addBias(q[t*qd:(t+1)*qd], b.QB)
				addBias(k[t*kvd:(t+1)*kvd], b.KB)
				addBias(v[t*kvd:(t+1)*kvd], b.VB)
			}
			RopeRef(q[t*qd:(t+1)*qd], c.Heads, c.HeadDim, t, c.RopeTheta, c.RopeScaling)
			RopeRef(k[t*kvd:(t+1)*kvd], c.KVHeads, c.HeadDim, t, c.RopeTheta, c.RopeScaling)
		}
		o, att, mo := make([]float32, h), make([]float32, qd), make([]float32, h)
		for t := range n {
			start := 0
			if c.LocalLayer(l) {
				start = max(0, t+1-c.SlidingWindow)
			}
			AttentionRef(att, q[t*qd:(t+1)*qd], k, v, start, t+1, p)
			MulVecRef(b.O, o, att)
			if c.NormsPerLayer == 4 {
				norm(o, o, b.PostAttnNorm)
			}
			addInto(x[t*h:(t+1)*h], o)
			norm(xn, x[t*h:(t+1)*h], b.MLPNorm)
			MLPRef(mo, xn, b.MLP, c.Act)
			if c.NormsPerLayer == 4 {
				norm(mo, mo, b.PostMLPNorm)
			}
			addInto(x[t*h:(t+1)*h], mo)
		}
		snap()
	}
	logits = make([]float32, n*c.Vocab)
	xn := make([]float32, h)
	for t := range n {
		norm(xn, x[t*h:(t+1)*h], m.FinalNorm)
		LMHeadRef(logits[t*c.Vocab:(t+1)*c.Vocab], xn, m.LMHead, float32(c.FinalSoftcap))
	}
	return hidden, logits
}

// testConfigs are small models covering every feature the executor has.
func testConfigs() []Config {
	llama3 := tinyConfig("llama")
	llama3.Name = "tiny-llama3"
	llama3.RopeTheta = 500000
	llama3.RopeScaling = &RopeScaling{Type: "llama3", Factor: 32, LowFreqFactor: 1, HighFreqFactor: 4, OriginalMaxPositions: 16}
	gemma := tinyConfig("gemma2")
	gemma.AttnSoftcap, gemma.FinalSoftcap, gemma.QueryPreAttnScalar = 5, 3, 24
	gemma.SlidingWindow, gemma.SlidingEvery = 4, 2
	untied := tinyConfig("phi3")
	untied.Arch = "llama"
	untied.Name = "tiny-untied"
	ln := tinyConfig("llama")
	ln.Name, ln.Norm = "tiny-layernorm", LayerNorm
	return []Config{tinyConfig("llama"), llama3, tinyConfig("qwen2"), gemma, untied, ln}
}

func TestExecutorMatchesReference(t *testing.T) {
	prompt := []int{1, 17, 42, 99, 5, 63, 2, 8, 71}
	for _, c := range testConfigs() {
		for _, q := range []Quant{{Kind: "f32"}, {Kind: "int8"}, {Kind: "q4", Group: 16}} {
			t.Run(fmt.Sprintf("%s/%s", c.Name, q.Kind), func(t *testing.T) {
				m, err := RandomModel(c, q, 1)
				if err != nil {
					t.Fatal(err)
				}
				wantH, wantL := refForward(m, prompt)
				for _, threads := range []int{1, 2} {
					e, err := NewExecutor(m, threads, 32)
					if err != nil {
						t.Fatal(err)
					}
					var gotH [][]float32
					e.Trace = func(l int, h []float32) { gotH = append(gotH, append([]float32(nil), h...)) }
					// Prefill 5 tokens in one batch, then decode the rest one at a time.
					if _, err := e.Forward(prompt[:5], true); err != nil {
						t.Fatal(err)
					}
					split := gotH
					gotH = nil
					var logits []float32
					for _, tok := range prompt[5:] {
						lg, err := e.Decode(tok)
						if err != nil {
							t.Fatal(err)
						}
						logits = append([]float32(nil), lg...)
					}
					for l := range wantH {
						h := c.Hidden
						got := append([]float32(nil), split[l]...)
						for s := 0; s < len(prompt)-5; s++ {
							got = append(got, gotH[s*len(wantH)+l]...)
						}
						closeRel(t, fmt.Sprintf("threads %d layer %d hidden", threads, l-1), got, wantH[l][:len(prompt)*h], 2e-5)
					}
					last := wantL[(len(prompt)-1)*c.Vocab:]
					closeRel(t, fmt.Sprintf("threads %d last logits", threads), logits, last, 2e-5)
					e.Close()
				}
			})
		}
	}
}

func TestExecutorGenerateAndHook(t *testing.T) {
	c := tinyConfig("llama")
	m, err := RandomModel(c, Quant{Kind: "f32"}, 7)
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewExecutor(m, 1, 20)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	counts := map[Op]int{}
	e.Hook = func(tm Timing) {
		counts[tm.Op]++
		if tm.D < 0 || tm.Tokens < 1 || tm.Ctx > 20 {
			t.Errorf("timing %+v", tm)
		}
	}
	prompt := []int{3, 1, 4, 1, 5}
	out, err := e.Generate(prompt, 6)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 6 || e.Pos() != len(prompt)+5 {
		t.Fatalf("generated %v, cache at %d", out, e.Pos())
	}
	// Six forward passes (one prefill, five decodes), each with every op once per layer.
	for _, op := range []Op{OpAttnNorm, OpQKV, OpRope, OpAttention, OpAttnOut, OpMLPNorm, OpMLP} {
		if counts[op] != 6*c.Layers {
			t.Errorf("%s timed %d times, want %d", op, counts[op], 6*c.Layers)
		}
	}
	if counts[OpLMHead] != 6 || counts[OpEmbed] != 6 {
		t.Errorf("counts %v", counts)
	}
	// Greedy decoding is the argmax of the reference logits at every step.
	seq := append([]int(nil), prompt...)
	for i, tok := range out {
		_, lg := refForward(m, seq)
		if want := Argmax(lg[(len(seq)-1)*c.Vocab:]); tok != want {
			t.Fatalf("token %d = %d, reference argmax %d", i, tok, want)
		}
		seq = append(seq, tok)
	}
	// Errors: context overflow and bad tokens.
	if _, err := e.Forward(make([]int, 11), false); err == nil {
		t.Error("overflow accepted")
	}
	if _, err := e.Prefill([]int{c.Vocab}); err == nil {
		t.Error("token outside the vocabulary accepted")
	}
}
