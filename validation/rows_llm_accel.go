package validation

import (
	"fmt"

	"github.com/infersim/infersim/devices/llmphone"
	"github.com/infersim/infersim/devices/llmserve"
	"github.com/infersim/infersim/models/llm"
)

// llmAccelRows compares devices/llmphone's GPU and NPU runtimes with the
// published rows: for each, one run fitted (its decode and its prefill
// rate) and the other runs held out. The GPU (llama.cpp OpenCL on the
// Snapdragon 8 Elite's Adreno 830) is fitted to Llama 3.2 1B F16 and
// held out on Qwen2 1.5B F16; the NPU (Genie on the 8 Elite's Hexagon)
// is fitted to Llama 3.2 3B w4a16 and held out on 1B w4a16, and its
// decode efficiency carried to the 8 Gen 3 is held out on AI Hub's Llama
// 3 8B on a Galaxy S24. The tolerances were written in facts.yaml before
// this code existed (see the note there).
func (c *collector) llmAccelRows() error {
	bw := c.newRow("L-sd8elite-bandwidth")
	g, err := llmphone.LlamaCppOpenCLSD8Elite()
	if err != nil {
		return fmt.Errorf("validation: %w", err)
	}
	n, err := llmphone.GenieHTPSD8Elite()
	if err != nil {
		return fmt.Errorf("validation: %w", err)
	}
	s24, err := llmphone.QNNHTPSD8Gen3()
	if err != nil {
		return fmt.Errorf("validation: %w", err)
	}
	bw.Simulated = g.PeakBandwidth / 1e9
	bw.Role, bw.From = Input, "llm phone (devices/llmphone)"
	bw.Note = fmt.Sprintf("the 8 Elite's peak; decode reaches %.3f of it on the GPU (%s) and %.3f on the NPU (%s), both fitted",
		g.DecodeEfficiency, g.Name, n.DecodeEfficiency, n.Name)
	c.add(bw)
	type run struct {
		rt             llmphone.Runtime
		zoo            string
		k              llmphone.Kernel
		id             string // fact id less "-decode" / "-prefill"
		prompt, decCtx int
		fit            bool
	}
	for _, x := range []run{
		{g, "llama-3.2-1b", llmphone.F16Kernel, "L-gpu-8elite-1b-f16", 512, 64, true},
		{g, "qwen2.5-1.5b", llmphone.F16Kernel, "L-gpu-8elite-qwen15b-f16", 512, 64, false},
		{n, "llama-3.2-3b", llmphone.W4A16Kernel, "L-npu-8elite-3b-w4a16", 128, 1024, true},
		{n, "llama-3.2-1b", llmphone.W4A16Kernel, "L-npu-8elite-1b-w4a16", 128, 1024, false},
	} {
		cfg, err := llm.Zoo(x.zoo)
		if err != nil {
			return fmt.Errorf("validation: %w", err)
		}
		m, err := llmphone.QuantizedModel(cfg, x.k, 2, 4096)
		if err != nil {
			return fmt.Errorf("validation: %w", err)
		}
		d, err := x.rt.DecodeTime(m, x.decCtx)
		if err != nil {
			return fmt.Errorf("validation: %w", err)
		}
		p, err := x.rt.PrefillTime(m, x.prompt)
		if err != nil {
			return fmt.Errorf("validation: %w", err)
		}
		for _, y := range []struct {
			what, how string
			v         float64
		}{
			{"decode", fmt.Sprintf("decode at %d tokens of context, %.0f MB of %s weights a step", x.decCtx, m.WeightBytes/1e6, x.k), 1 / d},
			{"prefill", fmt.Sprintf("prefill of a %d-token prompt", x.prompt), float64(x.prompt) / p},
		} {
			r := c.newRow(x.id + "-" + y.what)
			r.Simulated = y.v
			r.Role, r.From = HeldOut, "llm phone (devices/llmphone)"
			r.Note = fmt.Sprintf("%s (%s): %s, %s", x.rt.Name, x.rt.Processor, x.zoo, y.how)
			if x.fit {
				r.Role = Fit
				r.Note += "; fitted to this row (exact by construction)"
			} else {
				r.Note += fmt.Sprintf("; with the efficiencies fitted to %s's other run", x.rt.Name)
			}
			if x.zoo == "qwen2.5-1.5b" {
				r.Note += "; the zoo's Qwen2.5-1.5B has the shapes of llama.cpp's qwen2 1.5B (1.54 B params)"
			}
			c.add(r)
		}
	}
	m8, err := llmphone.QuantizedModel(llmserve.Llama31_8B(), llmphone.W4A16Kernel, 2, 4096)
	if err != nil {
		return fmt.Errorf("validation: %w", err)
	}
	d, err := s24.DecodeTime(m8, 1024)
	if err != nil {
		return fmt.Errorf("validation: %w", err)
	}
	r := c.newRow("L-npu-s24-llama3-8b-decode")
	r.Simulated = 1 / d
	r.Role, r.From = HeldOut, "llm phone (devices/llmphone)"
	r.Note = fmt.Sprintf("%s (npu): genie-htp-sd8elite's fitted decode efficiency at the 8 Gen 3's 76.8 GB/s; Llama 3 8B with Llama 3.1 8B's shapes, %.0f MB of w4a16 weights a step, decode at 1024 tokens of context (not published); the row is from June 2024, the fit from October 2024",
		s24.Name, m8.WeightBytes/1e6)
	c.add(r)
	return nil
}
