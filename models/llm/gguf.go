package llm

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
)

// Limits of ReadGGUFHeader.
const (
	MaxGGUFHeaderBytes = 256 << 20 // bytes read (a tokenizer vocabulary is tens of MB)
	MaxGGUFKVs         = 1 << 16   // metadata key-value pairs
	MaxGGUFString      = 1 << 16   // bytes of one string (key, value or tensor name)
	MaxGGUFArray       = 1 << 24   // elements of one array
	MaxGGUFTensors     = 1 << 16   // tensor infos
)

// GGUF value types (ggml's gguf.h, enum gguf_type).
const (
	ggufUint8 uint32 = iota
	ggufInt8
	ggufUint16
	ggufInt16
	ggufUint32
	ggufInt32
	ggufFloat32
	ggufBool
	ggufString
	ggufArray
	ggufUint64
	ggufInt64
	ggufFloat64
)

// GGUFHeader is what ReadGGUFHeader keeps of a GGUF file: its version,
// the scalar metadata (numbers as float64 — exact for the sizes that
// matter — strings, bools), the length of each array (arrays of tokens,
// scores and merges are skipped, not stored), and the tensor infos.
type GGUFHeader struct {
	Version   uint32
	Scalars   map[string]any // float64, string or bool
	ArrayLens map[string]int64
	Tensors   []TensorInfo // Shape as GGUF stores it: innermost (contiguous) dimension first
}

// ggmlTypes are the ggml tensor types: name, elements per block, bytes per
// block (ggml-common.h block structs, whose static_asserts give 18, 34,
// 110, 144, 176, 210 and 292 bytes for Q4_0, Q8_0, Q3_K, Q4_K, Q5_K, Q6_K
// and Q8_K; type ids from ggml.h enum ggml_type).
var ggmlTypes = map[uint32]struct {
	name          string
	block, blockB int64
}{
	0: {"F32", 1, 4}, 1: {"F16", 1, 2}, 2: {"Q4_0", 32, 18}, 3: {"Q4_1", 32, 20},
	6: {"Q5_0", 32, 22}, 7: {"Q5_1", 32, 24}, 8: {"Q8_0", 32, 34}, 9: {"Q8_1", 32, 36},
	10: {"Q2_K", 256, 84}, 11: {"Q3_K", 256, 110}, 12: {"Q4_K", 256, 144}, 13: {"Q5_K", 256, 176},
	14: {"Q6_K", 256, 210}, 15: {"Q8_K", 256, 292}, 24: {"I8", 1, 1}, 25: {"I16", 1, 2},
	26: {"I32", 1, 4}, 27: {"I64", 1, 8}, 28: {"F64", 1, 8}, 30: {"BF16", 1, 2},
}

// ggufReader reads little-endian values, counting bytes against the limit.
type ggufReader struct {
	r    *bufio.Reader
	n    int64
	buf  [8]byte
	what string // the field being read, for errors
}

var errGGUFLimit = fmt.Errorf("header larger than %d bytes", MaxGGUFHeaderBytes)

func (g *ggufReader) read(p []byte) error {
	if g.n+int64(len(p)) > MaxGGUFHeaderBytes {
		return errGGUFLimit
	}
	k, err := io.ReadFull(g.r, p)
	g.n += int64(k)
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return err
}

func (g *ggufReader) skip(n int64) error {
	if g.n+n > MaxGGUFHeaderBytes {
		return errGGUFLimit
	}
	k, err := g.r.Discard(int(n))
	g.n += int64(k)
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return err
}

func (g *ggufReader) u32() (uint32, error) {
	err := g.read(g.buf[:4])
	return binary.LittleEndian.Uint32(g.buf[:4]), err
}

func (g *ggufReader) u64() (uint64, error) {
	err := g.read(g.buf[:8])
	return binary.LittleEndian.Uint64(g.buf[:8]), err
}

func (g *ggufReader) str() (string, error) {
	n, err := g.u64()
	if err != nil {
		return "", err
	}
	if n > MaxGGUFString {
		return "", fmt.Errorf("string of %d bytes, limit %d", n, MaxGGUFString)
	}
	b := make([]byte, n)
	if err := g.read(b); err != nil {
		return "", err
	}
	return string(b), nil
}

// scalarSize is the byte width of a fixed-size value type; 0 for string,
// array and unknown types.
func scalarSize(t uint32) int64 {
	switch t {
	case ggufUint8, ggufInt8, ggufBool:
		return 1
	case ggufUint16, ggufInt16:
		return 2
	case ggufUint32, ggufInt32, ggufFloat32:
		return 4
	case ggufUint64, ggufInt64, ggufFloat64:
		return 8
	}
	return 0
}

// scalar reads a fixed-size value as float64 (bool as bool).
func (g *ggufReader) scalar(t uint32) (any, error) {
	sz := scalarSize(t)
	if err := g.read(g.buf[:sz]); err != nil {
		return nil, err
	}
	b := g.buf[:sz]
	switch t {
	case ggufUint8:
		return float64(b[0]), nil
	case ggufInt8:
		return float64(int8(b[0])), nil
	case ggufBool:
		if b[0] > 1 {
			return nil, fmt.Errorf("bool value %d", b[0])
		}
		return b[0] == 1, nil
	case ggufUint16:
		return float64(binary.LittleEndian.Uint16(b)), nil
	case ggufInt16:
		return float64(int16(binary.LittleEndian.Uint16(b))), nil
	case ggufUint32:
		return float64(binary.LittleEndian.Uint32(b)), nil
	case ggufInt32:
		return float64(int32(binary.LittleEndian.Uint32(b))), nil
	case ggufFloat32:
		return float64(math.Float32frombits(binary.LittleEndian.Uint32(b))), nil
	case ggufUint64:
		return float64(binary.LittleEndian.Uint64(b)), nil
	case ggufInt64:
		return float64(int64(binary.LittleEndian.Uint64(b))), nil
	default: // ggufFloat64
		return math.Float64frombits(binary.LittleEndian.Uint64(b)), nil
	}
}

// ReadGGUFHeader reads the header of a GGUF file (version 2 or 3): the
// magic "GGUF", the version, the tensor and metadata counts, every
// metadata key-value pair and every tensor info, and nothing of the tensor
// data. It reads at most MaxGGUFHeaderBytes, MaxGGUFKVs pairs,
// MaxGGUFTensors tensors, strings of MaxGGUFString bytes and arrays of
// MaxGGUFArray elements (nested arrays are rejected). Errors name the key
// or tensor being read.
func ReadGGUFHeader(r io.Reader) (*GGUFHeader, error) {
	g := &ggufReader{r: bufio.NewReaderSize(r, 1<<16)}
	h, err := g.header()
	if err != nil {
		return nil, fmt.Errorf("llm: gguf: %s: %w", g.what, err)
	}
	return h, nil
}

func (g *ggufReader) header() (*GGUFHeader, error) {
	g.what = "magic"
	var magic [4]byte
	if err := g.read(magic[:]); err != nil {
		return nil, err
	}
	if string(magic[:]) != "GGUF" {
		return nil, fmt.Errorf("%q, want \"GGUF\"", magic[:])
	}
	g.what = "version"
	v, err := g.u32()
	if err != nil {
		return nil, err
	}
	if v != 2 && v != 3 {
		return nil, fmt.Errorf("%d, want 2 or 3", v)
	}
	h := &GGUFHeader{Version: v, Scalars: map[string]any{}, ArrayLens: map[string]int64{}}
	g.what = "tensor count"
	nt, err := g.u64()
	if err != nil {
		return nil, err
	}
	if nt > MaxGGUFTensors {
		return nil, fmt.Errorf("%d, limit %d", nt, MaxGGUFTensors)
	}
	g.what = "metadata count"
	nkv, err := g.u64()
	if err != nil {
		return nil, err
	}
	if nkv > MaxGGUFKVs {
		return nil, fmt.Errorf("%d, limit %d", nkv, MaxGGUFKVs)
	}
	for i := range nkv {
		g.what = fmt.Sprintf("metadata key %d", i)
		key, err := g.str()
		if err != nil {
			return nil, err
		}
		g.what = fmt.Sprintf("metadata %q", key)
		if _, dup := h.Scalars[key]; dup {
			return nil, errors.New("duplicate key")
		}
		if _, dup := h.ArrayLens[key]; dup {
			return nil, errors.New("duplicate key")
		}
		t, err := g.u32()
		if err != nil {
			return nil, err
		}
		switch {
		case t == ggufString:
			s, err := g.str()
			if err != nil {
				return nil, err
			}
			h.Scalars[key] = s
		case t == ggufArray:
			n, err := g.array()
			if err != nil {
				return nil, err
			}
			h.ArrayLens[key] = n
		case scalarSize(t) > 0:
			x, err := g.scalar(t)
			if err != nil {
				return nil, err
			}
			h.Scalars[key] = x
		default:
			return nil, fmt.Errorf("value type %d unknown", t)
		}
	}
	seen := map[string]bool{}
	for i := range nt {
		g.what = fmt.Sprintf("tensor info %d", i)
		name, err := g.str()
		if err != nil {
			return nil, err
		}
		g.what = fmt.Sprintf("tensor %q", name)
		if seen[name] {
			return nil, errors.New("duplicate tensor name")
		}
		seen[name] = true
		nd, err := g.u32()
		if err != nil {
			return nil, err
		}
		if nd == 0 || nd > 4 {
			return nil, fmt.Errorf("%d dimensions, want 1..4", nd)
		}
		shape := make([]int64, nd)
		for d := range shape {
			x, err := g.u64()
			if err != nil {
				return nil, err
			}
			if x > 1<<40 {
				return nil, fmt.Errorf("dimension %d = %d is implausibly large", d, x)
			}
			shape[d] = int64(x)
		}
		tt, err := g.u32()
		if err != nil {
			return nil, err
		}
		typ, ok := ggmlTypes[tt]
		if !ok {
			return nil, fmt.Errorf("ggml type %d unknown", tt)
		}
		if _, err := g.u64(); err != nil { // offset in the data section
			return nil, err
		}
		elems, err := elemCount(shape)
		if err != nil {
			return nil, err
		}
		if shape[0]%typ.block != 0 {
			return nil, fmt.Errorf("row of %d elements not a multiple of the %s block of %d", shape[0], typ.name, typ.block)
		}
		h.Tensors = append(h.Tensors, TensorInfo{Name: name, DType: typ.name, Shape: shape, Bytes: elems / typ.block * typ.blockB})
	}
	return h, nil
}

// array skips an array's elements and returns its length.
func (g *ggufReader) array() (int64, error) {
	et, err := g.u32()
	if err != nil {
		return 0, err
	}
	n, err := g.u64()
	if err != nil {
		return 0, err
	}
	if n > MaxGGUFArray {
		return 0, fmt.Errorf("array of %d elements, limit %d", n, MaxGGUFArray)
	}
	switch {
	case et == ggufString:
		for range n {
			l, err := g.u64()
			if err != nil {
				return 0, err
			}
			if l > MaxGGUFString {
				return 0, fmt.Errorf("array string of %d bytes, limit %d", l, MaxGGUFString)
			}
			if err := g.skip(int64(l)); err != nil {
				return 0, err
			}
		}
	case scalarSize(et) > 0:
		if err := g.skip(int64(n) * scalarSize(et)); err != nil {
			return 0, err
		}
	default:
		return 0, fmt.Errorf("array element type %d not supported", et)
	}
	return int64(n), nil
}

// Config derives a model config from the metadata of a llama or qwen2
// GGUF file (keys ARCH.block_count, ARCH.embedding_length,
// ARCH.feed_forward_length, ARCH.attention.head_count, …_kv,
// ARCH.attention.key_length, ARCH.attention.layer_norm_rms_epsilon,
// ARCH.rope.freq_base, ARCH.context_length; the vocabulary from
// token_embd.weight) and checks it against the tensor infos
// (llama.cpp's names: token_embd, blk.N.attn_q, …, output).
func (h *GGUFHeader) Config(name string) (Config, error) {
	arch, _ := h.Scalars["general.architecture"].(string)
	if arch != "llama" && arch != "qwen2" {
		return Config{}, fmt.Errorf("llm: gguf: general.architecture %q, want llama or qwen2", arch)
	}
	var missing []string
	num := func(key string, def float64) float64 {
		v, ok := h.Scalars[arch+"."+key].(float64)
		if !ok {
			if def < 0 {
				missing = append(missing, arch+"."+key)
			}
			return def
		}
		return v
	}
	toInt := func(f float64) int {
		if f < 0 || f > 1<<30 || f != math.Trunc(f) {
			return -1
		}
		return int(f)
	}
	c := Config{Name: name, Arch: arch, Norm: RMSNorm, Act: SiLU, NormsPerLayer: 2, Source: "GGUF header"}
	c.Layers = toInt(num("block_count", -1))
	c.Hidden = toInt(num("embedding_length", -1))
	c.Intermediate = toInt(num("feed_forward_length", -1))
	c.Heads = toInt(num("attention.head_count", -1))
	c.KVHeads = toInt(num("attention.head_count_kv", float64(max(c.Heads, 0))))
	c.MaxPositions = toInt(num("context_length", 0))
	c.NormEps = num("attention.layer_norm_rms_epsilon", -1)
	c.RopeTheta = num("rope.freq_base", 10000)
	if len(missing) > 0 {
		return Config{}, fmt.Errorf("llm: gguf: missing %s", strings.Join(missing, ", "))
	}
	if c.Heads > 0 {
		c.HeadDim = toInt(num("attention.key_length", float64(c.Hidden/c.Heads)))
	}
	c.QKVBias = arch == "qwen2"
	emb, ok := h.tensor("token_embd.weight")
	if !ok || len(emb.Shape) != 2 {
		return Config{}, errors.New("llm: gguf: no 2-D token_embd.weight")
	}
	c.Vocab = int(emb.Shape[1])
	_, hasOut := h.tensor("output.weight")
	c.TiedEmbeddings = !hasOut
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	if int64(c.Layers)*9 > int64(len(h.Tensors)) {
		return Config{}, fmt.Errorf("llm: gguf: %s: %s.block_count %d needs at least %d tensors, the header has %d",
			name, arch, c.Layers, 9*c.Layers, len(h.Tensors))
	}
	// Check shapes (GGUF order: input dimension first).
	hd := int64(c.Hidden)
	q, kv, in := int64(c.Heads*c.HeadDim), int64(c.KVHeads*c.HeadDim), int64(c.Intermediate)
	want := map[string][]int64{"token_embd.weight": {hd, int64(c.Vocab)}, "output_norm.weight": {hd}}
	if hasOut {
		want["output.weight"] = []int64{hd, int64(c.Vocab)}
	}
	for l := range c.Layers {
		p := fmt.Sprintf("blk.%d.", l)
		want[p+"attn_norm.weight"] = []int64{hd}
		want[p+"ffn_norm.weight"] = []int64{hd}
		want[p+"attn_q.weight"] = []int64{hd, q}
		want[p+"attn_k.weight"] = []int64{hd, kv}
		want[p+"attn_v.weight"] = []int64{hd, kv}
		want[p+"attn_output.weight"] = []int64{q, hd}
		want[p+"ffn_gate.weight"] = []int64{hd, in}
		want[p+"ffn_up.weight"] = []int64{hd, in}
		want[p+"ffn_down.weight"] = []int64{in, hd}
		if c.QKVBias {
			want[p+"attn_q.bias"] = []int64{q}
			want[p+"attn_k.bias"] = []int64{kv}
			want[p+"attn_v.bias"] = []int64{kv}
		}
	}
	names := make([]string, 0, len(want))
	for n := range want {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		t, ok := h.tensor(n)
		if !ok {
			return Config{}, fmt.Errorf("llm: gguf: %s: tensor %s missing", name, n)
		}
		if !slices.Equal(t.Shape, want[n]) {
			return Config{}, fmt.Errorf("llm: gguf: %s: tensor %s has shape %v, metadata implies %v", name, n, t.Shape, want[n])
		}
	}
	return c, nil
}

func (h *GGUFHeader) tensor(name string) (TensorInfo, bool) {
	for _, t := range h.Tensors {
		if t.Name == name {
			return t, true
		}
	}
	return TensorInfo{}, false
}

// TensorBytes is the data size of all tensors.
func (h *GGUFHeader) TensorBytes() int64 {
	var n int64
	for _, t := range h.Tensors {
		n += t.Bytes
	}
	return n
}
