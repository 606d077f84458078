package llm

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

// tinyConfig is a small Llama-shaped config for reader and kernel tests.
func tinyConfig(arch string) Config {
	c := Config{Name: "tiny-" + arch, Arch: arch, Layers: 2, Hidden: 64, Intermediate: 96, Heads: 4, KVHeads: 2,
		HeadDim: 16, Vocab: 100, MaxPositions: 256, TiedEmbeddings: true, Norm: RMSNorm, NormEps: 1e-5, Act: SiLU,
		RopeTheta: 10000, NormsPerLayer: 2}
	switch arch {
	case "qwen2":
		c.QKVBias, c.NormEps, c.RopeTheta = true, 1e-6, 1e6
	case "gemma2":
		c.NormsPerLayer, c.EmbedScale, c.NormPlusOne, c.Act, c.NormEps = 4, true, true, GELUTanh, 1e-6
	case "phi3":
		c.TiedEmbeddings = false
	}
	return c
}

func TestParseHFConfigZooRoundTrip(t *testing.T) {
	for _, name := range ZooNames() {
		c, err := Zoo(name)
		if err != nil {
			t.Fatal(err)
		}
		if c.Name != name || c.Source == "" {
			t.Errorf("%s: name %q source %q", name, c.Name, c.Source)
		}
	}
	c, _ := Zoo("gemma-2-2b")
	if !c.TiedEmbeddings || c.NormsPerLayer != 4 || c.AttnSoftcap != 50 || c.FinalSoftcap != 30 || c.SlidingWindow != 4096 || c.Act != GELUTanh {
		t.Errorf("gemma-2-2b: %+v", c)
	}
	c, _ = Zoo("llama-3.2-1b")
	if c.RopeScaling == nil || c.RopeScaling.Type != "llama3" || c.RopeScaling.Factor != 32 || c.RopeScaling.OriginalMaxPositions != 8192 {
		t.Errorf("llama-3.2-1b rope scaling: %+v", c.RopeScaling)
	}
	c, _ = Zoo("qwen2.5-0.5b")
	if !c.QKVBias || c.HeadDim != 64 || c.SlidingWindow != 0 {
		t.Errorf("qwen2.5-0.5b: %+v", c)
	}
}

func TestParseHFConfigErrors(t *testing.T) {
	base := `"model_type":"llama","num_hidden_layers":2,"hidden_size":64,"intermediate_size":96,"num_attention_heads":4,"vocab_size":100`
	tests := []struct{ in, want string }{
		{`{` + base + `,"num_hidden_layers":2.5}`, "num_hidden_layers"},
		{`{` + base + `,"hidden_act":"relu"}`, "hidden_act"},
		{`{` + base + `,"tie_word_embeddings":"yes"}`, "tie_word_embeddings"},
		{`{` + base + `,"rope_scaling":{"rope_type":"magic"}}`, "rope_scaling"},
		{`{` + base + `,"rope_scaling":{"rope_type":"llama3","factor":0.5}}`, "llama3"},
		{`{"model_type":"bert"}`, "model_type"},
		{`{"num_hidden_layers":2}`, "model_type missing"},
		{`{` + strings.Replace(base, `"vocab_size":100`, `"vocab_size":0`, 1) + `}`, "vocab_size"},
		{`[1,2]`, "config.json"},
		{`{` + base + `,"x":"` + strings.Repeat("a", MaxConfigBytes) + `"}`, "larger than"},
	}
	for _, tt := range tests {
		_, err := ParseHFConfig(strings.NewReader(tt.in), "t")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseHFConfig(%.60s…) = %v, want an error naming %q", tt.in, err, tt.want)
		}
	}
	// Duplicate keys: the last wins, as in json.Unmarshal; defaults fill the rest.
	c, err := ParseHFConfig(strings.NewReader(`{`+base+`}`), "t")
	if err != nil {
		t.Fatal(err)
	}
	if c.KVHeads != 4 || c.HeadDim != 16 || c.TiedEmbeddings || c.RopeTheta != 10000 {
		t.Errorf("defaults: %+v", c)
	}
}

// safetensorsFor writes a header (and no data) with the tensors config c
// implies, in F16.
func safetensorsFor(t testing.TB, c Config, mutate func(map[string][]int64)) []byte {
	want := c.ExpectedTensors()
	if mutate != nil {
		mutate(want)
	}
	names := make([]string, 0, len(want))
	for n := range want {
		names = append(names, n)
	}
	slices.Sort(names)
	hdr := map[string]any{"__metadata__": map[string]string{"format": "pt"}}
	var off int64
	for _, n := range names {
		e, _ := elemCount(want[n])
		hdr[n] = map[string]any{"dtype": "F16", "shape": want[n], "data_offsets": []int64{off, off + 2*e}}
		off += 2 * e
	}
	js, err := json.Marshal(hdr)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, uint64(len(js)))
	b.Write(js)
	return b.Bytes()
}

func TestSafetensorsInfer(t *testing.T) {
	for _, arch := range []string{"llama", "qwen2", "gemma2", "phi3"} {
		c := tinyConfig(arch)
		h, err := ReadSafetensorsHeader(bytes.NewReader(safetensorsFor(t, c, nil)))
		if err != nil {
			t.Fatalf("%s: %v", arch, err)
		}
		if h.Metadata["format"] != "pt" {
			t.Errorf("%s: metadata %v", arch, h.Metadata)
		}
		got, err := h.InferConfig(c.Name, c.HeadDim)
		if err != nil {
			t.Fatalf("%s: %v", arch, err)
		}
		if got.Layers != c.Layers || got.Hidden != c.Hidden || got.Intermediate != c.Intermediate || got.Heads != c.Heads ||
			got.KVHeads != c.KVHeads || got.Vocab != c.Vocab || got.TiedEmbeddings != c.TiedEmbeddings ||
			got.QKVBias != c.QKVBias || got.NormsPerLayer != c.NormsPerLayer || got.Arch != c.Arch {
			t.Errorf("%s: inferred %+v, want %+v", arch, got, c)
		}
		if got.Params() != c.Params() {
			t.Errorf("%s: params %+v, want %+v", arch, got.Params(), c.Params())
		}
	}
	// A zoo model's full header checks against its config.
	c, _ := Zoo("qwen2.5-0.5b")
	h, err := ReadSafetensorsHeader(bytes.NewReader(safetensorsFor(t, c, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if err := h.CheckConfig(c); err != nil {
		t.Error(err)
	}
	var total int64
	for _, ti := range h.Tensors {
		e, _ := elemCount(ti.Shape)
		total += e
	}
	if total != c.Params().Total {
		t.Errorf("header holds %d elements, Params says %d", total, c.Params().Total)
	}
	// Mismatches are named.
	bad, err := ReadSafetensorsHeader(bytes.NewReader(safetensorsFor(t, c, func(m map[string][]int64) {
		m["model.layers.3.mlp.up_proj.weight"] = []int64{4800, 896}
	})))
	if err != nil {
		t.Fatal(err)
	}
	if err := bad.CheckConfig(c); err == nil || !strings.Contains(err.Error(), "model.layers.3.mlp.up_proj.weight") {
		t.Errorf("CheckConfig = %v, want the tensor named", err)
	}
}

func TestSafetensorsErrors(t *testing.T) {
	mk := func(js string) []byte {
		var b bytes.Buffer
		binary.Write(&b, binary.LittleEndian, uint64(len(js)))
		b.WriteString(js)
		return b.Bytes()
	}
	tests := []struct {
		in   []byte
		want string
	}{
		{[]byte{1, 2, 3}, "header length"},
		{mk(`{}`)[:9], "header of 2 bytes"},
		{func() []byte { b := mk(`{}`); b[7] = 1; return b }(), "out of"},
		{mk(`{"a":{"dtype":"F99","shape":[1],"data_offsets":[0,4]}}`), "dtype"},
		{mk(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}`), `tensor "a": data_offsets span 4`},
		{mk(`{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}`), "negative"},
		{mk(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`), "starts at 4"},
		{mk(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`), "starts at 0"},
		{mk(`{"a":{"dtype":"F32","shape":[1,1,1,1,1,1,1,1,1],"data_offsets":[0,4]}}`), "dimensions"},
		{mk(`{"__metadata__":{"a":1}}`), "__metadata__"},
	}
	for _, tt := range tests {
		_, err := ReadSafetensorsHeader(bytes.NewReader(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ReadSafetensorsHeader(%q) = %v, want %q", tt.in, err, tt.want)
		}
	}
}

func TestWriteSafetensorsRoundTrip(t *testing.T) {
	var b bytes.Buffer
	ts := []SafetensorsTensor{{"x", []int64{2, 3}, []float32{1, 2, 3, 4, 5, 6}}, {"y", []int64{1}, []float32{7}}}
	if err := WriteSafetensors(&b, ts); err != nil {
		t.Fatal(err)
	}
	h, err := ReadSafetensorsHeader(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Tensors) != 2 || h.DataLen != 28 || !slices.Equal(h.Tensors[0].Shape, []int64{2, 3}) {
		t.Errorf("header %+v", h)
	}
	hdrLen := binary.LittleEndian.Uint64(b.Bytes())
	if hdrLen%8 != 0 || int(8+hdrLen+28) != b.Len() {
		t.Errorf("header length %d, file %d bytes", hdrLen, b.Len())
	}
	data := b.Bytes()[8+hdrLen:]
	if math.Float32frombits(binary.LittleEndian.Uint32(data[24:])) != 7 {
		t.Error("y's value not at its offset")
	}
	if err := WriteSafetensors(&b, []SafetensorsTensor{{"z", []int64{2}, []float32{1}}}); err == nil {
		t.Error("shape mismatch accepted")
	}
}

// ggufWriter builds GGUF headers for tests.
type ggufWriter struct{ bytes.Buffer }

func (w *ggufWriter) u32(x uint32) { binary.Write(w, binary.LittleEndian, x) }
func (w *ggufWriter) u64(x uint64) { binary.Write(w, binary.LittleEndian, x) }
func (w *ggufWriter) str(s string) { w.u64(uint64(len(s))); w.WriteString(s) }

// ggufFor writes a GGUF v3 header for a llama or qwen2 config, with a
// tokenizer array of vocab strings, F16 tensors (Q4_0 for the matrices
// when q4).
func ggufFor(c Config, q4 bool) []byte {
	w := &ggufWriter{}
	w.WriteString("GGUF")
	w.u32(3)
	type tensor struct {
		name  string
		shape []uint64
	}
	hd := uint64(c.Hidden)
	q, kv, in := uint64(c.Heads*c.HeadDim), uint64(c.KVHeads*c.HeadDim), uint64(c.Intermediate)
	ts := []tensor{{"token_embd.weight", []uint64{hd, uint64(c.Vocab)}}, {"output_norm.weight", []uint64{hd}}}
	if !c.TiedEmbeddings {
		ts = append(ts, tensor{"output.weight", []uint64{hd, uint64(c.Vocab)}})
	}
	for l := range c.Layers {
		p := fmt.Sprintf("blk.%d.", l)
		ts = append(ts, tensor{p + "attn_norm.weight", []uint64{hd}}, tensor{p + "ffn_norm.weight", []uint64{hd}},
			tensor{p + "attn_q.weight", []uint64{hd, q}}, tensor{p + "attn_k.weight", []uint64{hd, kv}},
			tensor{p + "attn_v.weight", []uint64{hd, kv}}, tensor{p + "attn_output.weight", []uint64{q, hd}},
			tensor{p + "ffn_gate.weight", []uint64{hd, in}}, tensor{p + "ffn_up.weight", []uint64{hd, in}},
			tensor{p + "ffn_down.weight", []uint64{in, hd}})
		if c.QKVBias {
			ts = append(ts, tensor{p + "attn_q.bias", []uint64{q}}, tensor{p + "attn_k.bias", []uint64{kv}}, tensor{p + "attn_v.bias", []uint64{kv}})
		}
	}
	w.u64(uint64(len(ts)))
	w.u64(9)
	a := c.Arch + "."
	w.str("general.architecture")
	w.u32(ggufString)
	w.str(c.Arch)
	for _, kv := range []struct {
		k string
		v uint32
	}{{"block_count", uint32(c.Layers)}, {"embedding_length", uint32(c.Hidden)}, {"feed_forward_length", uint32(c.Intermediate)},
		{"attention.head_count", uint32(c.Heads)}, {"attention.head_count_kv", uint32(c.KVHeads)}, {"context_length", uint32(c.MaxPositions)}} {
		w.str(a + kv.k)
		w.u32(ggufUint32)
		w.u32(kv.v)
	}
	w.str(a + "attention.layer_norm_rms_epsilon")
	w.u32(ggufFloat32)
	w.u32(math.Float32bits(float32(c.NormEps)))
	w.str("tokenizer.ggml.tokens")
	w.u32(ggufArray)
	w.u32(ggufString)
	w.u64(uint64(c.Vocab))
	for i := range c.Vocab {
		w.str(fmt.Sprintf("tok%d", i))
	}
	var off uint64
	for _, t := range ts {
		w.str(t.name)
		w.u32(uint32(len(t.shape)))
		for _, d := range t.shape {
			w.u64(d)
		}
		typ := uint32(1)
		if q4 && len(t.shape) == 2 {
			typ = 2
		}
		w.u32(typ)
		w.u64(off)
		off += 1024
	}
	return w.Bytes()
}

func TestGGUFConfig(t *testing.T) {
	for _, arch := range []string{"llama", "qwen2"} {
		c := tinyConfig(arch)
		h, err := ReadGGUFHeader(bytes.NewReader(ggufFor(c, true)))
		if err != nil {
			t.Fatalf("%s: %v", arch, err)
		}
		if h.Version != 3 || h.ArrayLens["tokenizer.ggml.tokens"] != int64(c.Vocab) {
			t.Errorf("%s: header %d %v", arch, h.Version, h.ArrayLens)
		}
		got, err := h.Config(c.Name)
		if err != nil {
			t.Fatalf("%s: %v", arch, err)
		}
		if got.Params() != c.Params() || got.KVHeads != c.KVHeads || got.HeadDim != c.HeadDim || math.Abs(got.NormEps-c.NormEps) > 1e-9 {
			t.Errorf("%s: %+v, want %+v", arch, got, c)
		}
		// Q4_0 matrices: 18 bytes per 32 elements; F16 vectors.
		var want int64
		for _, ti := range h.Tensors {
			e, _ := elemCount(ti.Shape)
			if len(ti.Shape) == 2 {
				want += e / 32 * 18
			} else {
				want += 2 * e
			}
		}
		if h.TensorBytes() != want {
			t.Errorf("%s: tensor bytes %d, want %d", arch, h.TensorBytes(), want)
		}
	}
}

func TestGGUFErrors(t *testing.T) {
	good := ggufFor(tinyConfig("llama"), false)
	tests := []struct {
		in   []byte
		want string
	}{
		{[]byte("GGU"), "magic"},
		{[]byte("GGML\x03\x00\x00\x00"), "magic"},
		{[]byte("GGUF\x01\x00\x00\x00"), "version: 1"},
		{good[:30], "metadata"},
		{good[:len(good)-5], "tensor"},
		{func() []byte { b := slices.Clone(good); binary.LittleEndian.PutUint64(b[8:], 1<<40); return b }(), "tensor count"},
		{func() []byte { b := slices.Clone(good); binary.LittleEndian.PutUint64(b[24:], 1<<40); return b }(), "metadata key 0"},
	}
	for _, tt := range tests {
		_, err := ReadGGUFHeader(bytes.NewReader(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ReadGGUFHeader(%.20q) = %v, want %q", tt.in, err, tt.want)
		}
	}
	// Metadata that disagrees with a tensor is named.
	c := tinyConfig("llama")
	c2 := c
	c2.Intermediate = 128
	h, err := ReadGGUFHeader(bytes.NewReader(ggufFor(c2, false)))
	if err != nil {
		t.Fatal(err)
	}
	h.Scalars["llama.feed_forward_length"] = float64(96)
	if _, err := h.Config("x"); err == nil || !strings.Contains(err.Error(), "ffn_") {
		t.Errorf("Config = %v, want an ffn tensor named", err)
	}
	delete(h.Scalars, "llama.block_count")
	if _, err := h.Config("x"); err == nil || !strings.Contains(err.Error(), "llama.block_count") {
		t.Errorf("Config = %v, want llama.block_count named", err)
	}
}

func FuzzParseHFConfig(f *testing.F) {
	for _, name := range ZooNames() {
		data, _ := zooFS.ReadFile("zoo/" + name + ".json")
		f.Add(data)
	}
	f.Add([]byte(`{"model_type":"llama","rope_scaling":{"rope_type":"llama3"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseHFConfig(bytes.NewReader(data), "fuzz")
		if err == nil {
			if err := c.Validate(); err != nil {
				t.Fatalf("accepted an invalid config: %v", err)
			}
			_ = c.Params()
			_ = c.DecodeCost(Q4_0, 2, 100)
		}
	})
}

func FuzzSafetensorsHeader(f *testing.F) {
	// One-layer seeds keep inputs short, so that minimising an
	// interesting input (a few candidates per byte) stays quick.
	for _, arch := range []string{"llama", "phi3"} {
		c := tinyConfig(arch)
		c.Layers = 1
		f.Add(safetensorsFor(f, c, nil))
	}
	var b bytes.Buffer
	WriteSafetensors(&b, []SafetensorsTensor{{"x", []int64{2}, []float32{1, 2}}})
	f.Add(b.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := ReadSafetensorsHeader(bytes.NewReader(data))
		if err != nil {
			return
		}
		var sum int64
		for _, ti := range h.Tensors {
			if ti.Bytes < 0 {
				t.Fatalf("negative size %+v", ti)
			}
			sum += ti.Bytes
		}
		if sum != h.DataLen {
			t.Fatalf("tensors hold %d bytes, data section %d", sum, h.DataLen)
		}
		if c, err := h.InferConfig("fuzz", 16); err == nil {
			if err := h.CheckConfig(c); err != nil {
				t.Fatalf("inferred config fails its own check: %v", err)
			}
		}
	})
}

func FuzzGGUFHeader(f *testing.F) {
	for _, arch := range []string{"llama", "qwen2"} {
		c := tinyConfig(arch)
		c.Layers, c.Vocab = 1, 4
		f.Add(ggufFor(c, arch == "llama"))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := ReadGGUFHeader(bytes.NewReader(data))
		if err != nil {
			return
		}
		if h.TensorBytes() < 0 {
			t.Fatal("negative tensor bytes")
		}
		if c, err := h.Config("fuzz"); err == nil {
			if err := c.Validate(); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// TestTensorsMatchHeaderCheck writes a random model's tensors as a
// safetensors file and checks the header against the config, tying the
// exporter and the reader to the same transformers names.
func TestTensorsMatchHeaderCheck(t *testing.T) {
	for _, arch := range []string{"llama", "qwen2", "gemma2"} {
		c := tinyConfig(arch)
		m, err := RandomModel(c, Quant{Kind: "q4", Group: 16}, 5)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := WriteSafetensors(&b, m.Tensors()); err != nil {
			t.Fatal(err)
		}
		h, err := ReadSafetensorsHeader(bytes.NewReader(b.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		if err := h.CheckConfig(c); err != nil {
			t.Errorf("%s: %v", arch, err)
		}
		got, err := h.InferConfig(c.Name, c.HeadDim)
		if err != nil {
			t.Fatalf("%s: %v", arch, err)
		}
		if got.Params() != c.Params() {
			t.Errorf("%s: inferred params %+v, want %+v", arch, got.Params(), c.Params())
		}
	}
}
