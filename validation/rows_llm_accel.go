package validation

import (
	"fmt"

	"github.com/infersim/infersim/devices/llmphone"
	"github.com/infersim/infersim/devices/llmserve"
	"github.com/infersim/infersim/models/llm"
)

// llmAccelSims compares devices/llmphone's GPU and NPU runtimes with the
// published rows: for each, one run fitted (its decode and its prefill
// rate) and the other runs held out. The GPU (llama.cpp OpenCL on the
// Snapdragon 8 Elite's Adreno 830) is fitted to Llama 3.2 1B F16 and
// held out on Qwen2 1.5B F16; the NPU (Genie on the 8 Elite's Hexagon)
// is fitted to Llama 3.2 3B w4a16 and held out on 1B w4a16, and its
// decode efficiency carried to the 8 Gen 3 is held out on AI Hub's Llama
// 3 8B on a Galaxy S24. Roles come from each runtime's FittedTo. The tolerances were written in facts.yaml before
// this code existed (see the note there).
func llmAccelSims(cost llmphone.CostModel, scale map[string]float64) ([]llmSim, error) {
	g, err := llmphone.Build("llamacpp-opencl-sd8elite", cost, scale)
	if err != nil {
		return nil, fmt.Errorf("validation: %w", err)
	}
	n, err := llmphone.Build("genie-htp-sd8elite", cost, scale)
	if err != nil {
		return nil, fmt.Errorf("validation: %w", err)
	}
	s24, err := llmphone.Build("qnn-htp-sd8gen3", cost, scale)
	if err != nil {
		return nil, fmt.Errorf("validation: %w", err)
	}
	out := []llmSim{{"L-sd8elite-bandwidth", g.PeakBandwidth / 1e9, Input,
		fmt.Sprintf("the 8 Elite's peak; decode reaches %.3f of it on the GPU (%s) and %.3f on the NPU (%s), both fitted",
			g.DecodeEfficiency, g.Name, n.DecodeEfficiency, n.Name)}}
	type run struct {
		rt             llmphone.Runtime
		zoo            string
		k              llmphone.Kernel
		id             string // fact id less "-decode" / "-prefill"
		prompt, decCtx int
	}
	for _, x := range []run{
		{g, "llama-3.2-1b", llmphone.F16Kernel, "L-gpu-8elite-1b-f16", 512, 64},
		{g, "qwen2.5-1.5b", llmphone.F16Kernel, "L-gpu-8elite-qwen15b-f16", 512, 64},
		{n, "llama-3.2-3b", llmphone.W4A16Kernel, "L-npu-8elite-3b-w4a16", 128, 1024},
		{n, "llama-3.2-1b", llmphone.W4A16Kernel, "L-npu-8elite-1b-w4a16", 128, 1024},
	} {
		cfg, err := llm.Zoo(x.zoo)
		if err != nil {
			return nil, fmt.Errorf("validation: %w", err)
		}
		m, err := llmphone.QuantizedModel(cfg, x.k, 2, 4096)
		if err != nil {
			return nil, fmt.Errorf("validation: %w", err)
		}
		d, err := x.rt.DecodeTime(m, x.decCtx)
		if err != nil {
			return nil, fmt.Errorf("validation: %w", err)
		}
		p, err := x.rt.PrefillTime(m, x.prompt)
		if err != nil {
			return nil, fmt.Errorf("validation: %w", err)
		}
		for _, y := range []struct {
			what, how string
			v         float64
		}{
			{"decode", fmt.Sprintf("decode at %d tokens of context, %.0f MB of %s weights a step", x.decCtx, m.WeightBytes/1e6, x.k), 1 / d},
			{"prefill", fmt.Sprintf("prefill of a %d-token prompt", x.prompt), float64(x.prompt) / p},
		} {
			id := x.id + "-" + y.what
			r := llmSim{id, y.v, roleFor(x.rt, id), fmt.Sprintf("%s (%s): %s, %s, %s", x.rt.Name, x.rt.Processor, x.zoo, y.how, costNote(cost))}
			if r.role == Fit {
				r.note += "; fitted to this row (exact by construction)"
			} else {
				r.note += fmt.Sprintf("; with the efficiencies fitted to %s's other run", x.rt.Name)
			}
			if x.zoo == "qwen2.5-1.5b" {
				r.note += "; the zoo's Qwen2.5-1.5B has the shapes of llama.cpp's qwen2 1.5B (1.54 B params)"
			}
			out = append(out, r)
		}
	}
	m8, err := llmphone.QuantizedModel(llmserve.Llama31_8B(), llmphone.W4A16Kernel, 2, 4096)
	if err != nil {
		return nil, fmt.Errorf("validation: %w", err)
	}
	d, err := s24.DecodeTime(m8, 1024)
	if err != nil {
		return nil, fmt.Errorf("validation: %w", err)
	}
	const id = "L-npu-s24-llama3-8b-decode"
	out = append(out, llmSim{id, 1 / d, roleFor(s24, id), fmt.Sprintf("%s (npu): genie-htp-sd8elite's fitted decode efficiency at the 8 Gen 3's 76.8 GB/s, %s; Llama 3 8B with Llama 3.1 8B's shapes, %.0f MB of w4a16 weights a step, decode at 1024 tokens of context (not published); the row is from June 2024, the fit from October 2024",
		s24.Name, costNote(cost), m8.WeightBytes/1e6)})
	return out, nil
}
