package llmserve

import (
	"fmt"
	"math"

	"github.com/infersim/infersim/models/llm"
	"github.com/infersim/infersim/reference"
)

// Hardware is the roofline of an accelerator serving a model: peak rates
// from its data sheet, achieved fractions fitted to published serving
// measurements, and a fixed cost per step (scheduler, kernel launches,
// sampling).
type Hardware struct {
	Name      string
	PeakFLOPS float64 // dense fp16/bf16 FLOP/s, data sheet
	Bandwidth float64 // memory bytes/s, data sheet
	Memory    float64 // device memory, bytes
	// ComputeEfficiency and BandwidthEfficiency are the achieved
	// fractions of PeakFLOPS and Bandwidth.
	ComputeEfficiency, BandwidthEfficiency float64
	// StepOverhead is the fixed time of one scheduler iteration, seconds.
	StepOverhead float64
	// MemoryUtilization is the share of Memory the server may use for
	// weights and KV cache (vLLM's gpu_memory_utilization).
	MemoryUtilization float64
	Sources           []string
}

// Validate reports the first field out of range.
func (h Hardware) Validate() error {
	for _, f := range []struct {
		name string
		v    float64
		max  float64
	}{
		{"peak_flops", h.PeakFLOPS, math.Inf(1)}, {"bandwidth", h.Bandwidth, math.Inf(1)}, {"memory", h.Memory, math.Inf(1)},
		{"compute_efficiency", h.ComputeEfficiency, 1}, {"bandwidth_efficiency", h.BandwidthEfficiency, 1},
		{"memory_utilization", h.MemoryUtilization, 1},
	} {
		if !(f.v > 0) || f.v > f.max {
			return fmt.Errorf("llmserve: hardware %s: %s = %v, want in (0, %v]", h.Name, f.name, f.v, f.max)
		}
	}
	if !(h.StepOverhead >= 0) || math.IsInf(h.StepOverhead, 0) {
		return fmt.Errorf("llmserve: hardware %s: step_overhead = %v, want ≥ 0", h.Name, h.StepOverhead)
	}
	return nil
}

// StepTime is the time of a step with the given FLOPs and memory bytes.
func (h Hardware) StepTime(flops, bytes float64) float64 {
	return h.StepOverhead + math.Max(flops/(h.PeakFLOPS*h.ComputeEfficiency), bytes/(h.Bandwidth*h.BandwidthEfficiency))
}

// FitBandwidthEfficiency returns h with the BandwidthEfficiency at which
// a lone request of prompt and output tokens decodes at tokPerSec tokens
// per second (1 / mean time per output token): the mean decode step's
// bytes over the bandwidth times the time left after the step overhead.
// It is an error when that step would be compute-bound instead (the fit
// would not be of the bandwidth) or the efficiency leaves (0, 1].
func FitBandwidthEfficiency(h Hardware, m llm.Config, f llm.WeightFormat, prompt, output int, tokPerSec float64) (Hardware, error) {
	if output < 2 || prompt < 1 || !(tokPerSec > 0) {
		return h, fmt.Errorf("llmserve: fitting %s: want prompt ≥ 1, output ≥ 2, a positive rate", h.Name)
	}
	var bytes, flops float64
	for k := 2; k <= output; k++ {
		c := m.DecodeCost(f, 2, prompt+k-1)
		bytes += float64(c.Bytes())
		flops += float64(c.FLOPs)
	}
	n := float64(output - 1)
	left := 1/tokPerSec - h.StepOverhead
	h.BandwidthEfficiency = bytes / n / (h.Bandwidth * left)
	if !(h.BandwidthEfficiency > 0 && h.BandwidthEfficiency <= 1) {
		return h, fmt.Errorf("llmserve: fitting %s to %g tokens/s: bandwidth efficiency %.3g is outside (0, 1]", h.Name, tokPerSec, h.BandwidthEfficiency)
	}
	if flops/n/(h.PeakFLOPS*h.ComputeEfficiency) > left {
		return h, fmt.Errorf("llmserve: fitting %s: the decode step is compute-bound, the rate does not fix the bandwidth", h.Name)
	}
	return h, nil
}

// a100Peak is the NVIDIA A100 40 GB SXM before its fit.
var a100Peak = Hardware{
	Name: "a100-40gb", PeakFLOPS: 312e12, Bandwidth: 1555e9, Memory: 40e9,
	ComputeEfficiency: 0.5, StepOverhead: 0, MemoryUtilization: 0.9,
	Sources: []string{
		"peak_flops, bandwidth, memory: NVIDIA A100 Tensor Core GPU datasheet (2020): 312 TFLOP/s bf16 dense, 1555 GB/s HBM2, 40 GB",
		"bandwidth_efficiency: fitted to fact L-vllm-a100-c1 (vLLM, Llama-3.1-8B bf16, one request decodes at 75 tok/s): one row, one parameter, exact by construction",
		"step_overhead 0: the fixed cost of a step is absorbed into the fitted bandwidth efficiency (a separate overhead would need a second row at another size)",
		"compute_efficiency 0.5: assumption (no published row here fixes it): about half the tensor peak is what large bf16 GEMMs reach",
		"memory_utilization 0.9: vLLM's default gpu_memory_utilization",
	},
}

// h100Peak is the NVIDIA H100 80 GB SXM (HBM3) before its efficiency is
// set.
var h100Peak = Hardware{
	Name: "h100-80gb", PeakFLOPS: 989.4e12, Bandwidth: 3.35e12, Memory: 80e9,
	ComputeEfficiency: 0.5, StepOverhead: 0, MemoryUtilization: 0.9,
	Sources: []string{
		"peak_flops, bandwidth, memory: NVIDIA H100 Tensor Core GPU datasheet (SXM5): 989.4 TFLOP/s bf16 dense, 3.35 TB/s HBM3, 80 GB",
		"bandwidth_efficiency: the A100's, fitted to L-vllm-a100-c1 (the same vLLM decode kernels; held out against L-vllm-h100-tpot)",
		"compute_efficiency 0.5, step_overhead 0, memory_utilization 0.9: as a100-40gb",
	},
}

// A100 returns the A100 40 GB with its bandwidth efficiency fitted to
// fact L-vllm-a100-c1 (Llama-3.1-8B bf16, 1024 input / 128 output
// tokens, 75 tokens/s alone).
func A100() (Hardware, error) {
	f := reference.MustLookup("L-vllm-a100-c1")
	return FitBandwidthEfficiency(a100Peak, Llama31_8B(), llm.BF16, 1024, 128, f.Value)
}

// H100 returns the H100 80 GB with the A100's fitted bandwidth
// efficiency.
func H100() (Hardware, error) {
	a, err := A100()
	if err != nil {
		return Hardware{}, err
	}
	h := h100Peak
	h.BandwidthEfficiency = a.BandwidthEfficiency
	return h, nil
}

// Llama31_8B is Llama-3.1-8B as its config.json gives it (meta-llama/
// Llama-3.1-8B-Instruct: 32 layers, hidden 4096, intermediate 14336, 32
// heads, 8 KV heads, vocab 128256, untied embeddings, RoPE θ 500000 with
// llama3 scaling): the model of the published A100 serving rows; it is
// not a phone model, so it is not in the llm zoo.
func Llama31_8B() llm.Config {
	return llm.Config{
		Name: "llama-3.1-8b", Arch: "llama", Layers: 32, Hidden: 4096, Intermediate: 14336, Heads: 32, KVHeads: 8, HeadDim: 128,
		Vocab: 128256, MaxPositions: 131072, Norm: llm.RMSNorm, NormEps: 1e-5, Act: llm.SiLU, RopeTheta: 500000, NormsPerLayer: 2,
		Source: "meta-llama/Llama-3.1-8B-Instruct config.json",
	}
}
