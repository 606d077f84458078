package llm

import (
	"errors"
	"fmt"
	"math"
)

// NormKind is the normalisation a layer uses.
type NormKind string

// Norm kinds. Gemma's RMSNorm multiplies by (1 + w) instead of w; that is
// a Config flag (NormPlusOne), not a separate kind.
const (
	RMSNorm   NormKind = "rmsnorm"
	LayerNorm NormKind = "layernorm"
)

// Activation is the gate activation of the gated MLP.
type Activation string

// Activations: SiLU gives SwiGLU (Llama, Qwen2, Phi-3, SmolLM2); GELUTanh
// (transformers' "gelu_pytorch_tanh") gives GeGLU (Gemma 2); GELU is the
// exact erf form.
const (
	SiLU     Activation = "silu"
	GELUTanh Activation = "gelu_tanh"
	GELU     Activation = "gelu"
)

// RopeScaling is a config.json "rope_scaling" object. Only the "llama3"
// type (Llama 3.1/3.2) changes the frequencies in this package; other
// types are kept by name and rejected by the executor.
type RopeScaling struct {
	Type                 string  `json:"rope_type"`
	Factor               float64 `json:"factor"`
	LowFreqFactor        float64 `json:"low_freq_factor"`
	HighFreqFactor       float64 `json:"high_freq_factor"`
	OriginalMaxPositions int     `json:"original_max_position_embeddings"`
}

// Config is a decoder-only transformer as its published config.json
// describes it. Every block is pre-norm: x += Attn(Norm(x)); x +=
// MLP(Norm(x)), the MLP gated (down(act(gate(x)) · up(x))); attention is
// grouped-query with rotary position embedding on all of HeadDim.
type Config struct {
	Name         string // zoo name, e.g. "llama-3.2-1b"
	Arch         string // config.json model_type: llama, qwen2, gemma2, phi3
	Layers       int    // num_hidden_layers
	Hidden       int    // hidden_size
	Intermediate int    // intermediate_size
	Heads        int    // num_attention_heads
	KVHeads      int    // num_key_value_heads (= Heads when absent)
	HeadDim      int    // head_dim (= Hidden/Heads when absent)
	Vocab        int    // vocab_size
	MaxPositions int    // max_position_embeddings

	TiedEmbeddings bool       // tie_word_embeddings: the LM head is the embedding matrix
	Norm           NormKind   // rmsnorm or layernorm
	NormEps        float64    // rms_norm_eps / layer_norm_eps
	NormPlusOne    bool       // Gemma: RMSNorm scales by (1 + w)
	Act            Activation // hidden_act / hidden_activation

	RopeTheta   float64      // rope_theta
	RopeScaling *RopeScaling // rope_scaling; nil = none

	QKVBias bool // Qwen2: biases on the q, k and v projections (attention_bias for Llama)
	MLPBias bool // mlp_bias

	// Gemma 2: four norms per layer (pre and post attention, pre and post
	// MLP), embeddings scaled by √Hidden, tanh soft-capping of attention
	// scores and final logits, the query scaled by QueryPreAttnScalar^-½,
	// and a sliding window on every other layer.
	NormsPerLayer      int     // 2, or 4 for Gemma 2
	EmbedScale         bool    // multiply embeddings by √Hidden
	AttnSoftcap        float64 // attn_logit_softcapping; 0 = none
	FinalSoftcap       float64 // final_logit_softcapping; 0 = none
	QueryPreAttnScalar float64 // query_pre_attn_scalar; 0 = HeadDim
	// SlidingWindow limits the keys a query sees on the layers
	// SlidingEvery selects (layer l is local when l % SlidingEvery == 0:
	// Gemma 2 uses 2, i.e. even layers, as transformers does); 0 = none.
	SlidingWindow int
	SlidingEvery  int

	Source string // where the numbers come from
}

// Validate reports the first field that is missing or inconsistent.
func (c *Config) Validate() error {
	pos := []struct {
		name string
		v    int
	}{
		{"num_hidden_layers", c.Layers}, {"hidden_size", c.Hidden}, {"intermediate_size", c.Intermediate},
		{"num_attention_heads", c.Heads}, {"num_key_value_heads", c.KVHeads}, {"head_dim", c.HeadDim},
		{"vocab_size", c.Vocab},
	}
	for _, p := range pos {
		if p.v <= 0 {
			return fmt.Errorf("llm: %s: %s = %d, want > 0", c.Name, p.name, p.v)
		}
		if p.v > 1<<24 {
			return fmt.Errorf("llm: %s: %s = %d is implausibly large", c.Name, p.name, p.v)
		}
	}
	if c.Heads%c.KVHeads != 0 {
		return fmt.Errorf("llm: %s: num_attention_heads %d not a multiple of num_key_value_heads %d", c.Name, c.Heads, c.KVHeads)
	}
	if c.HeadDim%2 != 0 {
		return fmt.Errorf("llm: %s: head_dim %d is odd (RoPE rotates pairs)", c.Name, c.HeadDim)
	}
	if c.Norm != RMSNorm && c.Norm != LayerNorm {
		return fmt.Errorf("llm: %s: norm %q unknown", c.Name, c.Norm)
	}
	if !(c.NormEps > 0 && c.NormEps < 1) {
		return fmt.Errorf("llm: %s: norm eps %g out of (0, 1)", c.Name, c.NormEps)
	}
	switch c.Act {
	case SiLU, GELUTanh, GELU:
	default:
		return fmt.Errorf("llm: %s: activation %q unknown", c.Name, c.Act)
	}
	if !(c.RopeTheta > 1) || math.IsInf(c.RopeTheta, 0) {
		return fmt.Errorf("llm: %s: rope_theta %g, want > 1", c.Name, c.RopeTheta)
	}
	if s := c.RopeScaling; s != nil && s.Type == "llama3" {
		if !(s.Factor >= 1) || !(s.LowFreqFactor > 0) || !(s.HighFreqFactor > s.LowFreqFactor) || s.OriginalMaxPositions <= 0 {
			return fmt.Errorf("llm: %s: rope_scaling llama3 needs factor ≥ 1, 0 < low_freq_factor < high_freq_factor, original_max_position_embeddings > 0", c.Name)
		}
	}
	if c.NormsPerLayer != 2 && c.NormsPerLayer != 4 {
		return fmt.Errorf("llm: %s: norms per layer %d, want 2 or 4", c.Name, c.NormsPerLayer)
	}
	if c.AttnSoftcap < 0 || c.FinalSoftcap < 0 || c.QueryPreAttnScalar < 0 || c.SlidingWindow < 0 || c.SlidingEvery < 0 {
		return errors.New("llm: " + c.Name + ": softcaps, query_pre_attn_scalar and sliding window must be ≥ 0")
	}
	if c.SlidingWindow > 0 && c.SlidingEvery == 0 {
		return fmt.Errorf("llm: %s: sliding window %d without SlidingEvery", c.Name, c.SlidingWindow)
	}
	return nil
}

// LocalLayer reports whether layer l attends only to the last
// SlidingWindow positions.
func (c *Config) LocalLayer(l int) bool {
	return c.SlidingWindow > 0 && c.SlidingEvery > 0 && l%c.SlidingEvery == 0
}

// span is how many positions a query at context length ctx (itself
// included) attends to on layer l.
func (c *Config) span(l, ctx int) int {
	if c.LocalLayer(l) && ctx > c.SlidingWindow {
		return c.SlidingWindow
	}
	return ctx
}

// ParamCount splits a model's parameters.
type ParamCount struct {
	Total        int64 // every element of every tensor
	Embedding    int64 // the token embedding matrix, Vocab × Hidden
	LMHead       int64 // the separate output matrix; 0 when tied
	NonEmbedding int64 // Total − Embedding − LMHead (Kaplan et al.'s N)
	// Matmul is the elements of every matrix a token is multiplied by:
	// the projections of every layer and the LM head (the embedding
	// matrix when tied). 2 × Matmul is the linear FLOPs of one token.
	Matmul int64
}

// perLayer returns the matrix elements and the vector elements (norms and
// biases) of one block.
func (c *Config) perLayer() (mat, vec int64) {
	h, hd := int64(c.Hidden), int64(c.HeadDim)
	q, kv := int64(c.Heads)*hd, int64(c.KVHeads)*hd
	mat = h*q + 2*h*kv + q*h + 3*h*int64(c.Intermediate)
	normW := h
	if c.Norm == LayerNorm {
		normW = 2 * h // weight and bias
	}
	vec = int64(c.NormsPerLayer) * normW
	if c.QKVBias {
		vec += q + 2*kv
	}
	if c.MLPBias {
		vec += 2*int64(c.Intermediate) + h
	}
	return mat, vec
}

// Params counts the parameters the config implies.
func (c *Config) Params() ParamCount {
	mat, vec := c.perLayer()
	L := int64(c.Layers)
	emb := int64(c.Vocab) * int64(c.Hidden)
	final := int64(c.Hidden)
	if c.Norm == LayerNorm {
		final *= 2
	}
	p := ParamCount{Embedding: emb}
	if !c.TiedEmbeddings {
		p.LMHead = emb
	}
	p.Total = emb + p.LMHead + L*(mat+vec) + final
	p.NonEmbedding = p.Total - emb - p.LMHead
	p.Matmul = L*mat + emb
	return p
}

// KVBytesPerToken is the key and value cache one token adds, over all
// layers, at kvElemBytes per element (2 for fp16).
func (c *Config) KVBytesPerToken(kvElemBytes int) int64 {
	return 2 * int64(c.Layers) * int64(c.KVHeads) * int64(c.HeadDim) * int64(kvElemBytes)
}

// KVBytes is the cache held at context length ctx. Local (sliding-window)
// layers keep at most SlidingWindow positions, as a ring buffer would.
func (c *Config) KVBytes(ctx, kvElemBytes int) int64 {
	per := 2 * int64(c.KVHeads) * int64(c.HeadDim) * int64(kvElemBytes)
	var n int64
	for l := range c.Layers {
		n += int64(c.span(l, ctx))
	}
	return n * per
}

// Cost is the arithmetic and memory traffic of a step.
//
// FLOPs are 2 × multiply-adds of the projections, the LM head and the two
// attention products (q·k and p·v); norms, RoPE, softmax, activations and
// soft-caps are left out (together < 1% for the zoo models at contexts up
// to 4k). WeightBytes is every weight the step reads once from memory:
// all matrices in the weight format (the LM head — the embedding matrix
// when tied — included), the embedding rows looked up, and the norm and
// bias vectors. KVReadBytes is the cache the attention reads and
// KVWriteBytes what the step appends. Activations are assumed to stay in
// cache and are not counted.
type Cost struct {
	Tokens       int   // tokens processed
	FLOPs        int64 // over all Tokens
	WeightBytes  int64
	KVReadBytes  int64
	KVWriteBytes int64
}

// Bytes is the total traffic.
func (c Cost) Bytes() int64 { return c.WeightBytes + c.KVReadBytes + c.KVWriteBytes }

// Intensity is FLOPs per byte of traffic.
func (c Cost) Intensity() float64 {
	if c.Bytes() == 0 {
		return 0
	}
	return float64(c.FLOPs) / float64(c.Bytes())
}

// attnFLOPs is 4 · Heads · HeadDim multiply-add pairs per attended
// position per layer: q·k over HeadDim and p·v over HeadDim.
func (c *Config) attnFLOPs(l, ctx int) int64 {
	return 4 * int64(c.Heads) * int64(c.HeadDim) * int64(c.span(l, ctx))
}

// DecodeCost is one decode step that produces the token at position ctx
// (ctx−1 tokens already cached, so the query attends to ctx positions,
// itself included). ctx must be ≥ 1.
func (c *Config) DecodeCost(f WeightFormat, kvElemBytes, ctx int) Cost {
	ctx = max(ctx, 1)
	p := c.Params()
	cost := Cost{Tokens: 1, FLOPs: 2 * p.Matmul}
	for l := range c.Layers {
		cost.FLOPs += c.attnFLOPs(l, ctx)
	}
	cost.WeightBytes = c.streamedWeightBytes(f, 1)
	cost.KVReadBytes = c.KVBytes(ctx-1, kvElemBytes)
	cost.KVWriteBytes = c.KVBytesPerToken(kvElemBytes)
	return cost
}

// PrefillCost is one pass over a prompt of n tokens, computed as a batch:
// the weights are read once, every token's keys and values are written,
// and the causal attention of token i (1-based) covers i positions (the
// scores are assumed to stay on chip, as flash attention does, so no
// cache is re-read).
func (c *Config) PrefillCost(f WeightFormat, kvElemBytes, n int) Cost {
	n = max(n, 1)
	p := c.Params()
	cost := Cost{Tokens: n, FLOPs: 2 * p.Matmul * int64(n)}
	for l := range c.Layers {
		for i := 1; i <= n; i++ {
			cost.FLOPs += c.attnFLOPs(l, i)
		}
	}
	cost.WeightBytes = c.streamedWeightBytes(f, n)
	cost.KVWriteBytes = int64(n) * c.KVBytesPerToken(kvElemBytes)
	return cost
}

// streamedWeightBytes is every matrix in format f, n embedding rows, and
// the vectors.
func (c *Config) streamedWeightBytes(f WeightFormat, n int) int64 {
	mats := c.matrices()
	var b int64
	for _, m := range mats {
		if m.embedding && !c.TiedEmbeddings {
			continue // looked up by row, counted below
		}
		b += f.MatrixBytes(m.rows, m.cols) * int64(m.count)
	}
	rows := min(int64(n), int64(c.Vocab))
	b += rows * f.MatrixBytes(1, int64(c.Hidden))
	b += c.vectorElems() * int64(f.VectorBytes())
	return b
}

// WeightBytes is the size of all weights in format f: every matrix in
// the format, norm and bias vectors at f.VectorBytes each.
func (c *Config) WeightBytes(f WeightFormat) int64 {
	var b int64
	for _, m := range c.matrices() {
		b += f.MatrixBytes(m.rows, m.cols) * int64(m.count)
	}
	return b + c.vectorElems()*int64(f.VectorBytes())
}

type matrixShape struct {
	rows, cols int64
	count      int
	embedding  bool // the token embedding (also the LM head when tied)
}

// matrices lists the weight matrices, [out][in], with multiplicity.
func (c *Config) matrices() []matrixShape {
	h, hd := int64(c.Hidden), int64(c.HeadDim)
	q, kv, in := int64(c.Heads)*hd, int64(c.KVHeads)*hd, int64(c.Intermediate)
	L := c.Layers
	m := []matrixShape{
		{int64(c.Vocab), h, 1, true},
		{q, h, L, false}, {kv, h, 2 * L, false}, {h, q, L, false},
		{in, h, 2 * L, false}, {h, in, L, false},
	}
	if !c.TiedEmbeddings {
		m = append(m, matrixShape{int64(c.Vocab), h, 1, false})
	}
	return m
}

// vectorElems counts norm and bias elements.
func (c *Config) vectorElems() int64 {
	_, vec := c.perLayer()
	final := int64(c.Hidden)
	if c.Norm == LayerNorm {
		final *= 2
	}
	return int64(c.Layers)*vec + final
}
