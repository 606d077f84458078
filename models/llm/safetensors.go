package llm

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strconv"
)

// Limits of ReadSafetensorsHeader.
const (
	MaxSafetensorsHeader = 64 << 20 // bytes of JSON header
	MaxTensors           = 1 << 16  // tensors in a header
	MaxTensorName        = 1024     // bytes of a tensor name
	MaxTensorDims        = 8        // dimensions of a tensor
)

// TensorInfo is one tensor of a weights file header.
type TensorInfo struct {
	Name  string
	DType string  // safetensors: F32, F16, BF16, I8, U8, …; GGUF: the ggml type name
	Shape []int64 // safetensors order: outermost first (PyTorch's)
	Bytes int64   // size of its data
}

// SafetensorsHeader is the header of a .safetensors file: the tensors,
// sorted by name, and the free-form __metadata__.
type SafetensorsHeader struct {
	Tensors  []TensorInfo
	Metadata map[string]string
	DataLen  int64 // bytes of the data section the offsets span
}

// safetensorsDTypeBytes are the element sizes of the safetensors dtypes.
var safetensorsDTypeBytes = map[string]int64{
	"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1,
	"U16": 2, "U32": 4, "U64": 8, "F8_E4M3": 1, "F8_E5M2": 1,
}

// ReadSafetensorsHeader reads the header of a safetensors file: an 8-byte
// little-endian length N (at most MaxSafetensorsHeader) followed by N bytes
// of JSON mapping each tensor name to its dtype, shape and data_offsets
// [begin, end) in the data section. It checks that every tensor's byte
// range is its dtype size times its element count and that the ranges
// tile the data section without gaps or overlaps. The data section itself
// is not read.
func ReadSafetensorsHeader(r io.Reader) (*SafetensorsHeader, error) {
	var lenBuf [8]byte
	if _, err := io.ReadFull(r, lenBuf[:]); err != nil {
		return nil, fmt.Errorf("llm: safetensors: header length: %w", err)
	}
	n := binary.LittleEndian.Uint64(lenBuf[:])
	if n < 2 || n > MaxSafetensorsHeader {
		return nil, fmt.Errorf("llm: safetensors: header length %d out of [2, %d]", n, MaxSafetensorsHeader)
	}
	// Read what is there rather than allocating n bytes up front: a
	// corrupt length must not cost 64 MiB.
	buf, err := io.ReadAll(io.LimitReader(r, int64(n)))
	if err != nil {
		return nil, fmt.Errorf("llm: safetensors: header of %d bytes: %w", n, err)
	}
	if uint64(len(buf)) != n {
		return nil, fmt.Errorf("llm: safetensors: header of %d bytes: %w after %d", n, io.ErrUnexpectedEOF, len(buf))
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(bytes.TrimRight(buf, " "), &raw); err != nil {
		return nil, fmt.Errorf("llm: safetensors: header JSON: %w", err)
	}
	if len(raw) > MaxTensors+1 {
		return nil, fmt.Errorf("llm: safetensors: %d entries, limit %d", len(raw), MaxTensors)
	}
	h := &SafetensorsHeader{}
	type span struct{ begin, end int64 }
	spans := map[string]span{}
	for name, v := range raw {
		if name == "__metadata__" {
			if err := json.Unmarshal(v, &h.Metadata); err != nil {
				return nil, fmt.Errorf("llm: safetensors: __metadata__: want an object of strings: %w", err)
			}
			continue
		}
		if len(name) == 0 || len(name) > MaxTensorName {
			return nil, fmt.Errorf("llm: safetensors: tensor name of %d bytes, want 1..%d", len(name), MaxTensorName)
		}
		var e struct {
			DType   string  `json:"dtype"`
			Shape   []int64 `json:"shape"`
			Offsets []int64 `json:"data_offsets"`
		}
		if err := json.Unmarshal(v, &e); err != nil {
			return nil, fmt.Errorf("llm: safetensors: tensor %q: %w", name, err)
		}
		size, ok := safetensorsDTypeBytes[e.DType]
		if !ok {
			return nil, fmt.Errorf("llm: safetensors: tensor %q: dtype %q unknown", name, e.DType)
		}
		if len(e.Shape) > MaxTensorDims {
			return nil, fmt.Errorf("llm: safetensors: tensor %q: %d dimensions, limit %d", name, len(e.Shape), MaxTensorDims)
		}
		elems, err := elemCount(e.Shape)
		if err != nil {
			return nil, fmt.Errorf("llm: safetensors: tensor %q: shape: %w", name, err)
		}
		if len(e.Offsets) != 2 || e.Offsets[0] < 0 || e.Offsets[1] < e.Offsets[0] {
			return nil, fmt.Errorf("llm: safetensors: tensor %q: data_offsets %v, want [begin, end] with 0 ≤ begin ≤ end", name, e.Offsets)
		}
		if elems > (1<<62)/size || e.Offsets[1]-e.Offsets[0] != elems*size {
			return nil, fmt.Errorf("llm: safetensors: tensor %q: data_offsets span %d bytes, dtype %s × shape %v needs %d",
				name, e.Offsets[1]-e.Offsets[0], e.DType, e.Shape, elems*size)
		}
		spans[name] = span{e.Offsets[0], e.Offsets[1]}
		h.Tensors = append(h.Tensors, TensorInfo{Name: name, DType: e.DType, Shape: e.Shape, Bytes: elems * size})
	}
	// The ranges must tile [0, DataLen).
	names := make([]string, 0, len(spans))
	for name := range spans {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool {
		a, b := spans[names[i]], spans[names[j]]
		if a.begin != b.begin {
			return a.begin < b.begin
		}
		return a.end < b.end
	})
	var at int64
	for _, name := range names {
		s := spans[name]
		if s.begin != at {
			return nil, fmt.Errorf("llm: safetensors: tensor %q: data starts at %d, previous tensor ends at %d", name, s.begin, at)
		}
		at = s.end
	}
	h.DataLen = at
	slices.SortFunc(h.Tensors, func(a, b TensorInfo) int {
		if a.Name < b.Name {
			return -1
		}
		if a.Name > b.Name {
			return 1
		}
		return 0
	})
	return h, nil
}

// elemCount multiplies a shape's dimensions, rejecting negative ones and
// products beyond 2^53.
func elemCount(shape []int64) (int64, error) {
	n := int64(1)
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("negative dimension %d", d)
		}
		if d > 0 && n > (1<<53)/d {
			return 0, fmt.Errorf("%v has more than 2^53 elements", shape)
		}
		n *= d
	}
	return n, nil
}

// Tensor returns the named tensor.
func (h *SafetensorsHeader) Tensor(name string) (TensorInfo, bool) {
	i, ok := slices.BinarySearchFunc(h.Tensors, name, func(t TensorInfo, n string) int {
		switch {
		case t.Name < n:
			return -1
		case t.Name > n:
			return 1
		}
		return 0
	})
	if !ok {
		return TensorInfo{}, false
	}
	return h.Tensors[i], true
}

var layerRe = regexp.MustCompile(`^model\.layers\.(\d+)\.`)

// InferConfig derives a config from the tensor shapes of a Hugging Face
// checkpoint (transformers' names: model.embed_tokens.weight,
// model.layers.N.self_attn.q_proj.weight, …, lm_head.weight). Shapes fix
// every size but how the projection width splits into heads, so headDim
// must be given (64 or 128 for the zoo models; 256 for Gemma 2); the
// result's norm eps, RoPE and activation are the defaults of the detected
// architecture and should be taken from config.json when there is one.
// The config is then checked against the header (CheckConfig).
func (h *SafetensorsHeader) InferConfig(name string, headDim int) (Config, error) {
	if headDim <= 0 || headDim%2 != 0 {
		return Config{}, fmt.Errorf("llm: safetensors: head_dim %d, want a positive even number", headDim)
	}
	emb, ok := h.Tensor("model.embed_tokens.weight")
	if !ok || len(emb.Shape) != 2 {
		return Config{}, fmt.Errorf("llm: safetensors: no 2-D model.embed_tokens.weight")
	}
	c := Config{Name: name, Arch: "llama", Vocab: int(emb.Shape[0]), Hidden: int(emb.Shape[1]), Norm: RMSNorm,
		NormEps: 1e-5, Act: SiLU, RopeTheta: 10000, NormsPerLayer: 2, Source: "safetensors header"}
	layers := -1
	for _, t := range h.Tensors {
		if m := layerRe.FindStringSubmatch(t.Name); m != nil {
			l, err := strconv.Atoi(m[1])
			if err != nil || l > 1<<20 {
				return Config{}, fmt.Errorf("llm: safetensors: tensor %q: bad layer index", t.Name)
			}
			layers = max(layers, l)
		}
	}
	c.Layers = layers + 1
	dim := func(tensor string, i int) (int, error) {
		t, ok := h.Tensor(tensor)
		if !ok {
			return 0, fmt.Errorf("llm: safetensors: tensor %s missing", tensor)
		}
		if len(t.Shape) != 2 {
			return 0, fmt.Errorf("llm: safetensors: tensor %s has shape %v, want 2-D", tensor, t.Shape)
		}
		return int(t.Shape[i]), nil
	}
	p := "model.layers.0."
	var q, kv int
	var err error
	if _, fused := h.Tensor(p + "self_attn.qkv_proj.weight"); fused { // Phi-3
		c.Arch = "phi3"
		qkv, err := dim(p+"self_attn.qkv_proj.weight", 0)
		if err != nil {
			return Config{}, err
		}
		q, err = dim(p+"self_attn.o_proj.weight", 1)
		if err != nil {
			return Config{}, err
		}
		kv = (qkv - q) / 2
		gu, err := dim(p+"mlp.gate_up_proj.weight", 0)
		if err != nil {
			return Config{}, err
		}
		c.Intermediate = gu / 2
	} else {
		if q, err = dim(p+"self_attn.q_proj.weight", 0); err != nil {
			return Config{}, err
		}
		if kv, err = dim(p+"self_attn.k_proj.weight", 0); err != nil {
			return Config{}, err
		}
		if c.Intermediate, err = dim(p+"mlp.gate_proj.weight", 0); err != nil {
			return Config{}, err
		}
	}
	if q%headDim != 0 || kv%headDim != 0 {
		return Config{}, fmt.Errorf("llm: safetensors: projection widths q %d, kv %d not multiples of head_dim %d", q, kv, headDim)
	}
	c.HeadDim, c.Heads, c.KVHeads = headDim, q/headDim, kv/headDim
	_, c.QKVBias = h.Tensor(p + "self_attn.q_proj.bias")
	_, c.MLPBias = h.Tensor(p + "mlp.gate_proj.bias")
	_, lmHead := h.Tensor("lm_head.weight")
	c.TiedEmbeddings = !lmHead
	if c.QKVBias && c.Arch == "llama" {
		c.Arch, c.NormEps, c.RopeTheta = "qwen2", 1e-6, 1e6
	}
	if _, ok := h.Tensor(p + "post_feedforward_layernorm.weight"); ok {
		c.Arch, c.NormsPerLayer, c.EmbedScale, c.NormPlusOne, c.Act, c.NormEps = "gemma2", 4, true, true, GELUTanh, 1e-6
	}
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	if err := h.CheckConfig(c); err != nil {
		return Config{}, err
	}
	return c, nil
}

// ExpectedTensors lists the tensors, with shapes, that a transformers
// checkpoint of config c holds (Phi-3's fused qkv_proj and gate_up_proj
// when c.Arch is phi3).
func (c *Config) ExpectedTensors() map[string][]int64 {
	h, hd := int64(c.Hidden), int64(c.HeadDim)
	q, kv, in := int64(c.Heads)*hd, int64(c.KVHeads)*hd, int64(c.Intermediate)
	t := map[string][]int64{"model.embed_tokens.weight": {int64(c.Vocab), h}, "model.norm.weight": {h}}
	if !c.TiedEmbeddings {
		t["lm_head.weight"] = []int64{int64(c.Vocab), h}
	}
	norms := []string{"input_layernorm", "post_attention_layernorm"}
	if c.NormsPerLayer == 4 {
		norms = append(norms, "pre_feedforward_layernorm", "post_feedforward_layernorm")
	}
	for l := range c.Layers {
		p := fmt.Sprintf("model.layers.%d.", l)
		for _, n := range norms {
			t[p+n+".weight"] = []int64{h}
		}
		if c.Arch == "phi3" {
			t[p+"self_attn.qkv_proj.weight"] = []int64{q + 2*kv, h}
			t[p+"mlp.gate_up_proj.weight"] = []int64{2 * in, h}
		} else {
			t[p+"self_attn.q_proj.weight"] = []int64{q, h}
			t[p+"self_attn.k_proj.weight"] = []int64{kv, h}
			t[p+"self_attn.v_proj.weight"] = []int64{kv, h}
			t[p+"mlp.gate_proj.weight"] = []int64{in, h}
			t[p+"mlp.up_proj.weight"] = []int64{in, h}
			if c.QKVBias {
				t[p+"self_attn.q_proj.bias"] = []int64{q}
				t[p+"self_attn.k_proj.bias"] = []int64{kv}
				t[p+"self_attn.v_proj.bias"] = []int64{kv}
			}
		}
		t[p+"self_attn.o_proj.weight"] = []int64{h, q}
		t[p+"mlp.down_proj.weight"] = []int64{h, in}
	}
	return t
}

// CheckConfig reports the first tensor config c implies that the header
// lacks or holds with another shape, and any tensor the header has that
// c does not imply (rotary caches, model.layers.N.self_attn.rotary_emb.*,
// are ignored).
func (h *SafetensorsHeader) CheckConfig(c Config) error {
	// Four tensors per layer at least (fused qkv and gate_up, o, down, …):
	// refuse before listing millions of names.
	if int64(c.Layers)*4 > int64(len(h.Tensors)) {
		return fmt.Errorf("llm: %s: %d layers need at least %d tensors, the safetensors header has %d", c.Name, c.Layers, 4*c.Layers, len(h.Tensors))
	}
	want := c.ExpectedTensors()
	names := make([]string, 0, len(want))
	for n := range want {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		t, ok := h.Tensor(n)
		if !ok {
			return fmt.Errorf("llm: %s: tensor %s missing from the safetensors header", c.Name, n)
		}
		if !slices.Equal(t.Shape, want[n]) {
			return fmt.Errorf("llm: %s: tensor %s has shape %v, config implies %v", c.Name, n, t.Shape, want[n])
		}
	}
	for _, t := range h.Tensors {
		if _, ok := want[t.Name]; !ok && !rotaryRe.MatchString(t.Name) {
			return fmt.Errorf("llm: %s: tensor %s in the safetensors header is not implied by the config", c.Name, t.Name)
		}
	}
	return nil
}

var rotaryRe = regexp.MustCompile(`rotary_emb\.`)

// SafetensorsTensor is a float32 tensor to write with WriteSafetensors.
type SafetensorsTensor struct {
	Name  string
	Shape []int64
	Data  []float32
}

// WriteSafetensors writes float32 tensors as a safetensors file (header
// padded with spaces to a multiple of 8 bytes, as the format allows), in
// the order given.
func WriteSafetensors(w io.Writer, tensors []SafetensorsTensor) error {
	hdr := map[string]any{}
	var off int64
	for _, t := range tensors {
		n, err := elemCount(t.Shape)
		if err != nil || n != int64(len(t.Data)) {
			return fmt.Errorf("llm: safetensors: tensor %q: shape %v does not hold %d values", t.Name, t.Shape, len(t.Data))
		}
		hdr[t.Name] = map[string]any{"dtype": "F32", "shape": t.Shape, "data_offsets": []int64{off, off + 4*n}}
		off += 4 * n
	}
	js, err := json.Marshal(hdr)
	if err != nil {
		return fmt.Errorf("llm: safetensors: %w", err)
	}
	for len(js)%8 != 0 {
		js = append(js, ' ')
	}
	var lenBuf [8]byte
	binary.LittleEndian.PutUint64(lenBuf[:], uint64(len(js)))
	if _, err := w.Write(lenBuf[:]); err != nil {
		return fmt.Errorf("llm: safetensors: %w", err)
	}
	if _, err := w.Write(js); err != nil {
		return fmt.Errorf("llm: safetensors: %w", err)
	}
	for _, t := range tensors {
		if err := binary.Write(w, binary.LittleEndian, t.Data); err != nil {
			return fmt.Errorf("llm: safetensors: tensor %q: %w", t.Name, err)
		}
	}
	return nil
}
