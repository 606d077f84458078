package llm

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// Norm is a normalisation's weights (Bias only for LayerNorm).
type Norm struct{ W, B []float32 }

// Block is one decoder layer's weights.
type Block struct {
	AttnNorm, PostAttnNorm Norm // PostAttnNorm only with 4 norms per layer (Gemma 2)
	MLPNorm, PostMLPNorm   Norm // PostMLPNorm likewise
	Q, K, V, O             Matrix
	QB, KB, VB             []float32 // biases (Qwen2), nil when absent
	MLP                    MLPWeights
}

// Model is a config with weights.
type Model struct {
	Config    Config
	Embed     Matrix // Vocab × Hidden
	Blocks    []Block
	FinalNorm Norm
	LMHead    Matrix // the Embed matrix when tied
}

// Quant selects how RandomModel stores the matrices.
type Quant struct {
	Kind  string // "f32", "int8" (per-row) or "q4" (group)
	Group int    // q4 group size; default 32
}

// RandomModel builds a model of config c with seeded random weights: each
// matrix uniform in ±1/√cols (so activations keep unit scale), norm
// weights 1 ± 0.1 (Gemma's (1 + w) form: w ± 0.1), biases ± 0.1. The same
// seed gives the same float32 weights before quantisation whatever q is.
func RandomModel(c Config, q Quant, seed uint64) (*Model, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if c.MLPBias {
		return nil, errors.New("llm: MLP biases are not implemented by the executor")
	}
	switch q.Kind {
	case "f32", "int8":
	case "q4":
		if q.Group == 0 {
			q.Group = 32
		}
		if q.Group%2 != 0 || q.Group < 0 {
			return nil, fmt.Errorf("llm: q4 group size %d, want a positive even number", q.Group)
		}
	default:
		return nil, fmt.Errorf("llm: quantisation %q unknown (f32, int8, q4)", q.Kind)
	}
	rng := rand.New(rand.NewPCG(seed, 0x11a))
	mat := func(rows, cols int) Matrix {
		d := make([]float32, rows*cols)
		a := 1 / math.Sqrt(float64(cols))
		for i := range d {
			d[i] = float32((2*rng.Float64() - 1) * a)
		}
		f := NewF32Matrix(rows, cols, d)
		switch q.Kind {
		case "int8":
			return QuantizeQ8(f)
		case "q4":
			return QuantizeQ4(f, q.Group)
		}
		return f
	}
	vec := func(n int, center float64) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(center + 0.2*rng.Float64() - 0.1)
		}
		return v
	}
	normCenter := 1.0
	if c.NormPlusOne {
		normCenter = 0
	}
	norm := func() Norm {
		n := Norm{W: vec(c.Hidden, normCenter)}
		if c.Norm == LayerNorm {
			n.B = vec(c.Hidden, 0)
		}
		return n
	}
	h, qd, kvd := c.Hidden, c.Heads*c.HeadDim, c.KVHeads*c.HeadDim
	m := &Model{Config: c}
	// The embedding is uniform in ±1, the scale of real embeddings after
	// their norm.
	{
		d := make([]float32, c.Vocab*h)
		for i := range d {
			d[i] = float32(2*rng.Float64() - 1)
		}
		var e Matrix = NewF32Matrix(c.Vocab, h, d)
		switch q.Kind {
		case "int8":
			e = QuantizeQ8(e.(*F32Matrix))
		case "q4":
			e = QuantizeQ4(e.(*F32Matrix), q.Group)
		}
		m.Embed = e
	}
	for range c.Layers {
		b := Block{AttnNorm: norm(), MLPNorm: norm()}
		if c.NormsPerLayer == 4 {
			b.PostAttnNorm, b.PostMLPNorm = norm(), norm()
		}
		b.Q, b.K, b.V, b.O = mat(qd, h), mat(kvd, h), mat(kvd, h), mat(h, qd)
		if c.QKVBias {
			b.QB, b.KB, b.VB = vec(qd, 0), vec(kvd, 0), vec(kvd, 0)
		}
		b.MLP = MLPWeights{Gate: mat(c.Intermediate, h), Up: mat(c.Intermediate, h), Down: mat(h, c.Intermediate)}
		m.Blocks = append(m.Blocks, b)
	}
	m.FinalNorm = norm()
	if c.TiedEmbeddings {
		m.LMHead = m.Embed
	} else {
		m.LMHead = mat(c.Vocab, h)
	}
	return m, nil
}

// Bytes is the memory the weights occupy.
func (m *Model) Bytes() int64 {
	n := m.Embed.Bytes()
	if m.LMHead != m.Embed {
		n += m.LMHead.Bytes()
	}
	vec := func(v []float32) int64 { return 4 * int64(len(v)) }
	norm := func(x Norm) int64 { return vec(x.W) + vec(x.B) }
	for _, b := range m.Blocks {
		for _, x := range []Matrix{b.Q, b.K, b.V, b.O, b.MLP.Gate, b.MLP.Up, b.MLP.Down} {
			n += x.Bytes()
		}
		n += vec(b.QB) + vec(b.KB) + vec(b.VB) + norm(b.AttnNorm) + norm(b.PostAttnNorm) + norm(b.MLPNorm) + norm(b.PostMLPNorm)
	}
	return n + norm(m.FinalNorm)
}

// Op names an operator the executor times.
type Op string

// The timed operators, in execution order within a layer.
const (
	OpEmbed        Op = "embed"
	OpAttnNorm     Op = "attn_norm"
	OpQKV          Op = "qkv"       // the q, k and v projections (with biases)
	OpRope         Op = "rope"      // rotary embedding of q and k
	OpAttention    Op = "attention" // scores, softmax and the weighted sum over the cache
	OpAttnOut      Op = "attn_out"  // the o projection
	OpPostAttnNorm Op = "post_attn_norm"
	OpMLPNorm      Op = "mlp_norm"
	OpMLP          Op = "mlp" // gate, up, activation, down
	OpPostMLPNorm  Op = "post_mlp_norm"
	OpFinalNorm    Op = "final_norm"
	OpLMHead       Op = "lm_head"
)

// Timing is one operator call as the timing hook sees it.
type Timing struct {
	Op     Op
	Layer  int // −1 outside the layers
	Tokens int // tokens processed by the call (the prompt length in prefill, 1 in decode)
	Ctx    int // context length after the call
	D      time.Duration
}

// Executor runs a Model on this machine: prefill of a prompt in one
// batched pass, then decode one token at a time, with a KV cache of
// MaxCtx positions per layer (float32).
type Executor struct {
	m       *Model
	w       *Workers
	rope    *Rope
	maxCtx  int
	k, v    [][]float32 // per layer: maxCtx × KVHeads·HeadDim
	pos     int         // tokens in the cache
	attn    AttnParams
	scratch struct {
		x, xn, q, kk, vv, att, o, g, u, logits, scores []float32
		cap                                            int
	}

	// Hook, if set, is called after every operator with its wall time.
	Hook func(Timing)
	// Trace, if set, is called after each layer with the residual stream
	// of the tokens of this call (n × Hidden); layer −1 is the embedding
	// output.
	Trace func(layer int, h []float32)
}

// NewExecutor prepares m for contexts of up to maxCtx tokens on threads
// threads. Close releases the threads.
func NewExecutor(m *Model, threads, maxCtx int) (*Executor, error) {
	c := m.Config
	if maxCtx <= 0 {
		return nil, fmt.Errorf("llm: max context %d, want > 0", maxCtx)
	}
	rope, err := NewRope(c.HeadDim, maxCtx, c.RopeTheta, c.RopeScaling)
	if err != nil {
		return nil, err
	}
	e := &Executor{m: m, w: NewWorkers(threads), rope: rope, maxCtx: maxCtx}
	kvd := c.KVHeads * c.HeadDim
	for range c.Layers {
		e.k = append(e.k, make([]float32, maxCtx*kvd))
		e.v = append(e.v, make([]float32, maxCtx*kvd))
	}
	scale := 1 / math.Sqrt(float64(c.HeadDim))
	if c.QueryPreAttnScalar > 0 {
		scale = 1 / math.Sqrt(c.QueryPreAttnScalar)
	}
	e.attn = AttnParams{Heads: c.Heads, KVHeads: c.KVHeads, HeadDim: c.HeadDim, Scale: float32(scale), Softcap: float32(c.AttnSoftcap)}
	e.scratch.logits = make([]float32, c.Vocab)
	e.scratch.scores = make([]float32, maxCtx)
	return e, nil
}

// Close stops the executor's workers.
func (e *Executor) Close() { e.w.Close() }

// Reset empties the KV cache.
func (e *Executor) Reset() { e.pos = 0 }

// Pos is the number of tokens in the cache.
func (e *Executor) Pos() int { return e.pos }

// grow sizes the per-call buffers for n tokens.
func (e *Executor) grow(n int) {
	s := &e.scratch
	if n <= s.cap {
		return
	}
	c := e.m.Config
	qd, kvd := c.Heads*c.HeadDim, c.KVHeads*c.HeadDim
	s.x, s.xn, s.o = make([]float32, n*c.Hidden), make([]float32, n*c.Hidden), make([]float32, n*c.Hidden)
	s.q, s.att = make([]float32, n*qd), make([]float32, n*qd)
	s.kk, s.vv = make([]float32, n*kvd), make([]float32, n*kvd)
	s.g, s.u = make([]float32, n*c.Intermediate), make([]float32, n*c.Intermediate)
	s.cap = n
}

// timer measures operators for the hook.
type timer struct {
	e      *Executor
	t0     time.Time
	tokens int
}

func (t *timer) start() {
	if t.e.Hook != nil {
		t.t0 = time.Now()
	}
}

func (t *timer) done(op Op, layer int) {
	if t.e.Hook != nil {
		t.e.Hook(Timing{Op: op, Layer: layer, Tokens: t.tokens, Ctx: t.e.pos + t.tokens, D: time.Since(t.t0)})
	}
}

// Forward runs tokens through the model at the next positions of the
// cache and returns the logits of the last one (Vocab values, owned by
// the executor until the next call), or of every token (n × Vocab, newly
// allocated) when all is set.
func (e *Executor) Forward(tokens []int, all bool) ([]float32, error) {
	c := e.m.Config
	n := len(tokens)
	if n == 0 {
		return nil, errors.New("llm: no tokens")
	}
	if e.pos+n > e.maxCtx {
		return nil, fmt.Errorf("llm: context %d + %d tokens exceeds the cache of %d", e.pos, n, e.maxCtx)
	}
	for _, t := range tokens {
		if t < 0 || t >= c.Vocab {
			return nil, fmt.Errorf("llm: token %d outside the vocabulary of %d", t, c.Vocab)
		}
	}
	e.grow(n)
	s := &e.scratch
	h, qd, kvd := c.Hidden, c.Heads*c.HeadDim, c.KVHeads*c.HeadDim
	x, xn, o := s.x[:n*h], s.xn[:n*h], s.o[:n*h]
	eps := float32(c.NormEps)
	norm := func(dst, src []float32, nw Norm) {
		for t := range n {
			if c.Norm == LayerNorm {
				LayerNormOp(dst[t*h:(t+1)*h], src[t*h:(t+1)*h], nw.W, nw.B, eps)
			} else {
				RMSNormOp(dst[t*h:(t+1)*h], src[t*h:(t+1)*h], nw.W, eps, c.NormPlusOne)
			}
		}
	}
	tm := &timer{e: e, tokens: n}

	tm.start()
	embScale := float32(1)
	if c.EmbedScale {
		// Gemma scales by √Hidden rounded to the activation dtype; float32 here.
		embScale = float32(math.Sqrt(float64(h)))
	}
	for t, tok := range tokens {
		Embed(x[t*h:(t+1)*h], e.m.Embed, tok, embScale)
	}
	tm.done(OpEmbed, -1)
	if e.Trace != nil {
		e.Trace(-1, x)
	}

	for l, b := range e.m.Blocks {
		tm.start()
		norm(xn, x, b.AttnNorm)
		tm.done(OpAttnNorm, l)

		tm.start()
		q, kk, vv := s.q[:n*qd], s.kk[:n*kvd], s.vv[:n*kvd]
		b.Q.MulMat(e.w, q, xn, n)
		b.K.MulMat(e.w, kk, xn, n)
		b.V.MulMat(e.w, vv, xn, n)
		if b.QB != nil {
			addBias(q, b.QB)
			addBias(kk, b.KB)
			addBias(vv, b.VB)
		}
		tm.done(OpQKV, l)

		tm.start()
		for t := range n {
			e.rope.Apply(q[t*qd:(t+1)*qd], c.Heads, e.pos+t)
			e.rope.Apply(kk[t*kvd:(t+1)*kvd], c.KVHeads, e.pos+t)
		}
		copy(e.k[l][e.pos*kvd:], kk)
		copy(e.v[l][e.pos*kvd:], vv)
		tm.done(OpRope, l)

		tm.start()
		att := s.att[:n*qd]
		e.attend(l, att, q, n)
		tm.done(OpAttention, l)

		tm.start()
		b.O.MulMat(e.w, o, att, n)
		tm.done(OpAttnOut, l)
		if c.NormsPerLayer == 4 {
			tm.start()
			norm(o, o, b.PostAttnNorm)
			tm.done(OpPostAttnNorm, l)
		}
		addInto(x, o)

		tm.start()
		norm(xn, x, b.MLPNorm)
		tm.done(OpMLPNorm, l)

		tm.start()
		MLP(e.w, o, xn, n, b.MLP, c.Act, s.g, s.u)
		tm.done(OpMLP, l)
		if c.NormsPerLayer == 4 {
			tm.start()
			norm(o, o, b.PostMLPNorm)
			tm.done(OpPostMLPNorm, l)
		}
		addInto(x, o)
		if e.Trace != nil {
			e.Trace(l, x)
		}
	}

	tm.start()
	first := n - 1
	if all {
		first = 0
	}
	for t := first; t < n; t++ {
		if c.Norm == LayerNorm {
			LayerNormOp(xn[t*h:(t+1)*h], x[t*h:(t+1)*h], e.m.FinalNorm.W, e.m.FinalNorm.B, eps)
		} else {
			RMSNormOp(xn[t*h:(t+1)*h], x[t*h:(t+1)*h], e.m.FinalNorm.W, eps, c.NormPlusOne)
		}
	}
	tm.done(OpFinalNorm, -1)

	tm.start()
	var out []float32
	if all {
		out = make([]float32, n*c.Vocab)
		for t := range n {
			LMHead(e.w, out[t*c.Vocab:(t+1)*c.Vocab], xn[t*h:(t+1)*h], e.m.LMHead, float32(c.FinalSoftcap))
		}
	} else {
		out = s.logits
		LMHead(e.w, out, xn[(n-1)*h:n*h], e.m.LMHead, float32(c.FinalSoftcap))
	}
	tm.done(OpLMHead, -1)
	e.pos += n
	return out, nil
}

// attend runs causal attention for the n new tokens of layer l, whose
// keys and values are already in the cache at e.pos…e.pos+n−1.
func (e *Executor) attend(l int, out, q []float32, n int) {
	c := e.m.Config
	qd := c.Heads * c.HeadDim
	ctxWork := int64(e.pos+n) * int64(qd) * int64(n)
	e.w.rows(n, ctxWork, func(lo, hi int) {
		scores := e.scratch.scores
		if lo != 0 || hi != n {
			scores = make([]float32, e.maxCtx)
		}
		for t := lo; t < hi; t++ {
			end := e.pos + t + 1
			start := 0
			if c.LocalLayer(l) {
				start = max(0, end-c.SlidingWindow)
			}
			Attention(out[t*qd:(t+1)*qd], q[t*qd:(t+1)*qd], e.k[l], e.v[l], start, end, e.attn, scores)
		}
	})
}

func addBias(x, b []float32) {
	for i := range x {
		x[i] += b[i%len(b)]
	}
}

func addInto(x, y []float32) {
	for i := range x {
		x[i] += y[i]
	}
}

// Prefill resets the cache, runs the prompt and returns the logits of its
// last token.
func (e *Executor) Prefill(prompt []int) ([]float32, error) {
	e.Reset()
	return e.Forward(prompt, false)
}

// Decode appends one token and returns the next logits.
func (e *Executor) Decode(token int) ([]float32, error) { return e.Forward([]int{token}, false) }

// Generate prefills the prompt and decodes n tokens greedily (argmax).
func (e *Executor) Generate(prompt []int, n int) ([]int, error) {
	logits, err := e.Prefill(prompt)
	if err != nil {
		return nil, err
	}
	out := make([]int, 0, n)
	for len(out) < n {
		tok := Argmax(logits)
		out = append(out, tok)
		if len(out) == n {
			break
		}
		if logits, err = e.Decode(tok); err != nil {
			return out, err
		}
	}
	return out, nil
}
