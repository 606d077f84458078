package llmphone

import (
	"math"
	"strings"
	"testing"

	"github.com/infersim/infersim/models/llm"
	"github.com/infersim/infersim/reference"
)

// Under the Direct cost model a decode step on the GPU and NPU runtimes
// takes the bytes it streams over the bandwidth the runtime reaches:
// (weights + KV read + KV write) / (peak × efficiency). The byte counts are worked by hand from the
// parameter counts of ../shared/reference/llm.md §1 (Llama 3.2 1B: 1 235
// 746 816 matmul weights, 67 584 vector elements, 32 768 B of fp16 KV a
// token; 3B: 3 212 574 720 matmul weights, of which the 128 256 × 3072 LM
// head, 175 104 vector elements, 114 688 B of KV a token), not by the
// code under test.
func TestDecodeBandwidthBound(t *testing.T) {
	gpu, err := Build("llamacpp-opencl-sd8elite", Direct, nil)
	if err != nil {
		t.Fatal(err)
	}
	npu, err := Build("genie-htp-sd8elite", Direct, nil)
	if err != nil {
		t.Fatal(err)
	}
	s24, err := Build("qnn-htp-sd8gen3", Direct, nil)
	if err != nil {
		t.Fatal(err)
	}
	const (
		mat1B, vec1B, kv1B = 1235746816, 67584, 32768
		mat3B, vec3B, kv3B = 3212574720, 175104, 114688
		head3B             = 128256 * 3072
	)
	for _, tc := range []struct {
		name    string
		rt      Runtime
		zoo     string
		k       Kernel
		ctx     int
		weights float64 // bytes of weights a step reads, by hand
		kv      float64 // bytes of KV read and written, by hand
	}{
		// f16: 2 B a matrix weight, one fp16 embedding row, vectors fp16.
		{"gpu 1B f16 ctx 64", gpu, "llama-3.2-1b", F16Kernel, 64, 2*mat1B + 2*2048 + 2*vec1B, 64 * kv1B},
		{"gpu 1B f16 ctx 2000", gpu, "llama-3.2-1b", F16Kernel, 2000, 2*mat1B + 2*2048 + 2*vec1B, 2000 * kv1B},
		// w4a16: the layers' weights half a byte, the LM head one byte.
		{"npu 3B w4a16 ctx 1024", npu, "llama-3.2-3b", W4A16Kernel, 1024, 0.5*(mat3B-head3B) + head3B + 2*3072 + 2*vec3B, 1024 * kv3B},
		{"npu 8 Gen 3 3B w4a16 ctx 10", s24, "llama-3.2-3b", W4A16Kernel, 10, 0.5*(mat3B-head3B) + head3B + 2*3072 + 2*vec3B, 10 * kv3B},
		// w8a16: every matrix weight a byte.
		{"npu 1B w8a16 ctx 512", npu, "llama-3.2-1b", W8A16Kernel, 512, mat1B + 2*2048 + 2*vec1B, 512 * kv1B},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := llm.Zoo(tc.zoo)
			if err != nil {
				t.Fatal(err)
			}
			m, err := QuantizedModel(c, tc.k, 2, 4096)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(m.WeightBytes-tc.weights) > 0.5 {
				t.Errorf("weights %.0f B, by hand %.0f B", m.WeightBytes, tc.weights)
			}
			got, err := tc.rt.DecodeTime(m, tc.ctx)
			if err != nil {
				t.Fatal(err)
			}
			want := (tc.weights + tc.kv) / (tc.rt.PeakBandwidth * tc.rt.DecodeEfficiency)
			if math.Abs(got/want-1) > 1e-9 {
				t.Errorf("decode %.6g s, want (%.0f + %.0f) B / (%.4g B/s × %.4f) = %.6g s", got, tc.weights, tc.kv, tc.rt.PeakBandwidth, tc.rt.DecodeEfficiency, want)
			}
		})
	}
}

// The fitted runs come back exactly under either cost model: a runtime
// reproduces the row it was fitted to, and the efficiencies are in (0, 1].
func TestAcceleratorFits(t *testing.T) {
	type fitCase struct {
		name        string
		zoo         string
		k           Kernel
		id          string
		prompt, ctx int
	}
	var cases []struct {
		fitCase
		cost CostModel
	}
	for _, cm := range CostModels() {
		for _, f := range []fitCase{
			{"llamacpp-opencl-sd8elite", "llama-3.2-1b", F16Kernel, "L-gpu-8elite-1b-f16", gpuFitPrompt, gpuFitDecodeCtx},
			{"genie-htp-sd8elite", "llama-3.2-3b", W4A16Kernel, "L-npu-8elite-3b-w4a16", npuFitPrompt, npuFitDecodeCtx},
		} {
			cases = append(cases, struct {
				fitCase
				cost CostModel
			}{f, cm})
		}
	}
	for _, tc := range cases {
		r, err := Build(tc.name, tc.cost, nil)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := llm.Zoo(tc.zoo)
		m, err := QuantizedModel(c, tc.k, 2, 4096)
		if err != nil {
			t.Fatal(err)
		}
		d, _ := r.DecodeTime(m, tc.ctx)
		p, _ := r.PrefillTime(m, tc.prompt)
		if want := reference.MustLookup(tc.id + "-decode").Value; math.Abs(1/d/want-1) > 1e-9 {
			t.Errorf("%s: decode %.4g tok/s, fitted to %v", r.Name, 1/d, want)
		}
		if want := reference.MustLookup(tc.id + "-prefill").Value; math.Abs(float64(tc.prompt)/p/want-1) > 1e-9 {
			t.Errorf("%s: prefill %.4g tok/s, fitted to %v", r.Name, float64(tc.prompt)/p, want)
		}
		if !(r.DecodeEfficiency > 0 && r.DecodeEfficiency <= 1) {
			t.Errorf("%s: decode efficiency %v", r.Name, r.DecodeEfficiency)
		}
	}
}

// A precision the processor lacks is refused, naming the runtime, its
// processor and what it runs.
func TestPrecisionRefusal(t *testing.T) {
	for _, tc := range []struct {
		name string
		mk   func() (Runtime, error)
		k    Kernel
		want string // "" accepts
	}{
		{"npu bf16", GenieHTPSD8Elite, BF16Kernel, "the npu runtime genie-htp-sd8elite runs w4a16, w8a16 weights, not bf16"},
		{"npu f16", QNNHTPSD8Gen3, F16Kernel, "the npu runtime qnn-htp-sd8gen3 runs w4a16, w8a16 weights, not f16"},
		{"gpu w4a16", LlamaCppOpenCLSD8Elite, W4A16Kernel, "the gpu runtime llamacpp-opencl-sd8elite runs f16, q4_0 weights, not w4a16"},
		{"cpu w4a16", ExecuTorchSD8Gen3, W4A16Kernel, "the cpu runtime executorch-xnnpack-sd8gen3 runs bf16, w4a8 weights, not w4a16"},
		{"gpu q4_0", LlamaCppOpenCLSD8Elite, Q4_0Kernel, ""},
		{"npu w8a16", GenieHTPSD8Elite, W8A16Kernel, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := tc.mk()
			if err != nil {
				t.Fatal(err)
			}
			err = r.Supports(tc.k)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("error %v, want %q", err, tc.want)
			}
			if tc.want == "" {
				return
			}
			c, _ := llm.Zoo("llama-3.2-1b")
			m := Model{Config: c, Kernel: tc.k, WeightBytes: 1e9}
			if _, err := r.DecodeTime(m, 10); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("DecodeTime: error %v, want %q", err, tc.want)
			}
			if _, err := r.PrefillTime(m, 10); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("PrefillTime: error %v, want %q", err, tc.want)
			}
		})
	}
}

// ForProcessor finds the SoC's runtime of a processor, or says which the
// SoC has.
func TestForProcessor(t *testing.T) {
	cpu, err := ExecuTorchSD8Gen3()
	if err != nil {
		t.Fatal(err)
	}
	gpu, err := LlamaCppOpenCLSD8Elite()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		from      Runtime
		p         Processor
		want, err string
	}{
		{cpu, CPU, "executorch-xnnpack-sd8gen3", ""},
		{cpu, NPU, "qnn-htp-sd8gen3", ""},
		{cpu, GPU, "", "snapdragon-8-gen-3 has no gpu runtime (it has: cpu executorch-xnnpack-sd8gen3, npu qnn-htp-sd8gen3)"},
		{gpu, NPU, "genie-htp-sd8elite", ""},
		{gpu, CPU, "", "snapdragon-8-elite has no cpu runtime"},
	} {
		r, err := ForProcessor(tc.from, tc.p)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s → %s: error %v, want %q", tc.from.Name, tc.p, err, tc.err)
			}
			continue
		}
		if err != nil || r.Name != tc.want || r.Processor != tc.p {
			t.Errorf("%s → %s: %s (%s), %v; want %s", tc.from.Name, tc.p, r.Name, r.Processor, err, tc.want)
		}
	}
}

// The 8 Gen 3's NPU carries the 8 Elite's decode efficiency and 1/1.45 of
// its prefill rate (Qualcomm's "45 % faster" claim), at its own bandwidth.
func TestSD8Gen3NPUCarried(t *testing.T) {
	e, _ := GenieHTPSD8Elite()
	g, err := QNNHTPSD8Gen3()
	if err != nil {
		t.Fatal(err)
	}
	if g.DecodeEfficiency != e.DecodeEfficiency || g.PeakBandwidth != 76.8e9 {
		t.Errorf("efficiency %v (8 Elite %v), bandwidth %v", g.DecodeEfficiency, e.DecodeEfficiency, g.PeakBandwidth)
	}
	if r := e.PrefillFLOPS[W4A16Kernel] / g.PrefillFLOPS[W4A16Kernel]; math.Abs(r-1.45) > 1e-12 {
		t.Errorf("8 Elite over 8 Gen 3 prefill %v, want 1.45", r)
	}
}
