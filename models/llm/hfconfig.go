package llm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
)

// Limits of ParseHFConfig.
const (
	MaxConfigBytes = 1 << 20 // config.json size
	MaxConfigKeys  = 1024    // top-level keys
)

// ParseHFConfig reads a Hugging Face config.json (the transformers
// PretrainedConfig of a decoder-only model: model_type llama, qwen2,
// gemma2, phi3 or mistral) of at most MaxConfigBytes and MaxConfigKeys
// top-level keys. Absent keys take transformers' defaults for the model
// type (head_dim = hidden_size / num_attention_heads, num_key_value_heads
// = num_attention_heads, rope_theta 10000, tie_word_embeddings true for
// gemma2 and false otherwise). Errors name the offending key.
func ParseHFConfig(r io.Reader, name string) (Config, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxConfigBytes+1))
	if err != nil {
		return Config{}, fmt.Errorf("llm: %s: reading config.json: %w", name, err)
	}
	if len(data) > MaxConfigBytes {
		return Config{}, fmt.Errorf("llm: %s: config.json larger than %d bytes", name, MaxConfigBytes)
	}
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&raw); err != nil {
		return Config{}, fmt.Errorf("llm: %s: config.json: %w", name, err)
	}
	if len(raw) > MaxConfigKeys {
		return Config{}, fmt.Errorf("llm: %s: config.json has %d keys, limit %d", name, len(raw), MaxConfigKeys)
	}
	h := hfFields{raw: raw, name: name}
	c := Config{Name: name, Source: "config.json"}
	c.Arch = h.str("model_type", "")
	switch c.Arch {
	case "llama", "qwen2", "gemma2", "phi3", "mistral":
	case "":
		return Config{}, fmt.Errorf("llm: %s: model_type missing", name)
	default:
		return Config{}, fmt.Errorf("llm: %s: model_type %q not supported (llama, qwen2, gemma2, phi3, mistral)", name, c.Arch)
	}
	gemma := c.Arch == "gemma2"
	c.Layers = h.int("num_hidden_layers", 0)
	c.Hidden = h.int("hidden_size", 0)
	c.Intermediate = h.int("intermediate_size", 0)
	c.Heads = h.int("num_attention_heads", 0)
	c.KVHeads = h.int("num_key_value_heads", c.Heads)
	if c.Heads > 0 {
		c.HeadDim = h.int("head_dim", c.Hidden/c.Heads)
	}
	c.Vocab = h.int("vocab_size", 0)
	c.MaxPositions = h.int("max_position_embeddings", 0)
	c.TiedEmbeddings = h.bool("tie_word_embeddings", gemma)
	c.Norm = RMSNorm
	c.NormEps = h.float("rms_norm_eps", 1e-6)
	act := h.str("hidden_activation", h.str("hidden_act", "silu"))
	switch act {
	case "silu", "swish":
		c.Act = SiLU
	case "gelu_pytorch_tanh", "gelu_new", "gelu_fast":
		c.Act = GELUTanh
	case "gelu":
		c.Act = GELU
	default:
		h.fail("hidden_act", fmt.Sprintf("activation %q not supported", act))
	}
	c.RopeTheta = h.float("rope_theta", 10000)
	c.RopeScaling = h.ropeScaling()
	c.QKVBias = c.Arch == "qwen2" || h.bool("attention_bias", false)
	c.MLPBias = h.bool("mlp_bias", false)
	c.NormsPerLayer = 2
	if gemma {
		c.NormsPerLayer = 4
		c.EmbedScale, c.NormPlusOne = true, true
		c.AttnSoftcap = h.float("attn_logit_softcapping", 0)
		c.FinalSoftcap = h.float("final_logit_softcapping", 0)
		c.QueryPreAttnScalar = h.float("query_pre_attn_scalar", 0)
		if w := h.int("sliding_window", 0); w > 0 {
			c.SlidingWindow, c.SlidingEvery = w, 2
		}
	}
	if c.Arch == "phi3" || c.Arch == "mistral" {
		if w := h.int("sliding_window", 0); w > 0 {
			c.SlidingWindow, c.SlidingEvery = w, 1
		}
	}
	if h.err != nil {
		return Config{}, h.err
	}
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// hfFields reads typed values out of a config.json, keeping the first
// error.
type hfFields struct {
	raw  map[string]json.RawMessage
	name string
	err  error
}

func (h *hfFields) fail(key, msg string) {
	if h.err == nil {
		h.err = fmt.Errorf("llm: %s: config.json %s: %s", h.name, key, msg)
	}
}

// get returns the raw value, or nil when the key is absent or null.
func (h *hfFields) get(key string) json.RawMessage {
	v, ok := h.raw[key]
	if !ok || string(v) == "null" {
		return nil
	}
	return v
}

func (h *hfFields) int(key string, def int) int {
	if h.get(key) == nil {
		return def
	}
	f := h.float(key, math.NaN()) // NaN: not a number, already reported
	if math.IsNaN(f) {
		return def
	}
	if f != math.Trunc(f) || f < 0 || f > 1<<31 {
		h.fail(key, fmt.Sprintf("%v is not a non-negative integer", f))
		return def
	}
	return int(f)
}

func (h *hfFields) float(key string, def float64) float64 {
	v := h.get(key)
	if v == nil {
		return def
	}
	var f float64
	if err := json.Unmarshal(v, &f); err != nil {
		h.fail(key, "not a number")
		return def
	}
	return f
}

func (h *hfFields) bool(key string, def bool) bool {
	v := h.get(key)
	if v == nil {
		return def
	}
	var b bool
	if err := json.Unmarshal(v, &b); err != nil {
		h.fail(key, "not a boolean")
		return def
	}
	return b
}

func (h *hfFields) str(key, def string) string {
	v := h.get(key)
	if v == nil {
		return def
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		h.fail(key, "not a string")
		return def
	}
	return s
}

// ropeScaling reads rope_scaling ("rope_type", or the older "type").
func (h *hfFields) ropeScaling() *RopeScaling {
	v := h.get("rope_scaling")
	if v == nil {
		return nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(v, &m); err != nil {
		h.fail("rope_scaling", "not an object")
		return nil
	}
	sub := hfFields{raw: m, name: h.name}
	s := &RopeScaling{
		Type:                 sub.str("rope_type", sub.str("type", "")),
		Factor:               sub.float("factor", 1),
		LowFreqFactor:        sub.float("low_freq_factor", 0),
		HighFreqFactor:       sub.float("high_freq_factor", 0),
		OriginalMaxPositions: sub.int("original_max_position_embeddings", 0),
	}
	if sub.err != nil {
		h.fail("rope_scaling", strings.TrimPrefix(sub.err.Error(), "llm: "+h.name+": config.json "))
		return nil
	}
	if s.Type == "" {
		h.fail("rope_scaling", "no rope_type")
		return nil
	}
	if s.Type == "default" {
		return nil
	}
	if !slices.Contains([]string{"llama3", "linear", "dynamic", "yarn", "longrope", "su"}, s.Type) {
		h.fail("rope_scaling", fmt.Sprintf("rope_type %q unknown", s.Type))
		return nil
	}
	return s
}
