package validation

import (
	"fmt"
	"slices"

	"github.com/infersim/infersim/devices/llmphone"
	"github.com/infersim/infersim/devices/llmserve"
	"github.com/infersim/infersim/models/llm"
)

// llmServingRows compares the LLM server (devices/llmserve) with the
// published vLLM rows: the A100's one fit row and two held-out rows, one
// of batching on the A100 and one of the fitted efficiency carried to the
// H100. The server is deterministic, so the rows have no CI.
func (c *collector) llmServingRows() error {
	a, err := llmserve.A100()
	if err != nil {
		return fmt.Errorf("validation: %w", err)
	}
	r1, err := llmserve.Musgrave(1).Run(llmserve.Llama31_8BOn(a))
	if err != nil {
		return fmt.Errorf("validation: llm serving: %w", err)
	}
	r8, err := llmserve.Musgrave(8).Run(llmserve.Llama31_8BOn(a))
	if err != nil {
		return fmt.Errorf("validation: llm serving: %w", err)
	}
	h, err := llmserve.H100()
	if err != nil {
		return fmt.Errorf("validation: %w", err)
	}
	rh, err := llmserve.H100Alone().Run(llmserve.Llama31_8BOn(h))
	if err != nil {
		return fmt.Errorf("validation: llm serving: %w", err)
	}
	for _, x := range []struct {
		id   string
		sim  float64
		role Role
		note string
	}{
		{"L-vllm-a100-c1", 1 / r1.MeanTPOT, Fit, fmt.Sprintf("a100-40gb's bandwidth efficiency (%.3f) fitted to this row: one parameter, one row, exact by construction", a.BandwidthEfficiency)},
		{"L-vllm-a100-gain8", r8.Throughput / r1.Throughput, HeldOut, fmt.Sprintf("1 then 8 concurrent users, 1024 input / 128 output tokens, 20 requests a user: %.1f → %.1f output tok/s (TTFT %.0f → %.0f ms); the compute efficiency (%.2f) is an assumption and sets the prefill cost",
			r1.Throughput, r8.Throughput, r1.MeanTTFT*1e3, r8.MeanTTFT*1e3, a.ComputeEfficiency)},
		{"L-vllm-h100-tpot", rh.MeanTPOT, HeldOut, fmt.Sprintf("h100-80gb with a100-40gb's fitted bandwidth efficiency; the workload's prompt length is not published (%d tokens assumed)", llmserve.H100Alone().Prompt)},
	} {
		r := c.newRow(x.id)
		r.Simulated = x.sim
		r.Role, r.From, r.Note = x.role, "llm server (devices/llmserve)", x.note
		c.add(r)
	}
	return nil
}

// llmSim is one LLM phone row as a cost model simulates it.
type llmSim struct {
	id   string
	sim  float64
	role Role
	note string
}

// roleFor is Fit when the runtime fitted a parameter to fact id (its
// FittedTo), else held out: a published number a fit used is never
// called held out.
func roleFor(r llmphone.Runtime, id string) Role {
	if slices.Contains(r.FittedTo, id) {
		return Fit
	}
	return HeldOut
}

// llmPhoneRows adds the LLM phone rows (llmPhoneSims) under the default
// cost model.
func (c *collector) llmPhoneRows() error {
	sims, err := llmPhoneSims(llmphone.DefaultCostModel, nil)
	if err != nil {
		return err
	}
	for _, s := range sims {
		r := c.newRow(s.id)
		r.Simulated = s.sim
		r.Role, r.From, r.Note = s.role, "llm phone (devices/llmphone)", s.note
		c.add(r)
	}
	return nil
}

// llmPhoneSims simulates every LLM phone row under cost model cost with
// the runtimes' fitted parameters scaled by scale (llmphone.Build): the
// CPU runtime's (llmCPUSims) and then the GPU's and NPU's
// (llmAccelSims).
func llmPhoneSims(cost llmphone.CostModel, scale map[string]float64) ([]llmSim, error) {
	a, err := llmCPUSims(cost, scale)
	if err != nil {
		return nil, err
	}
	b, err := llmAccelSims(cost, scale)
	if err != nil {
		return nil, err
	}
	return append(a, b...), nil
}

// costNote says which cost model priced a row.
func costNote(cost llmphone.CostModel) string {
	if cost == llmphone.HostRoofline {
		return "per operator class on the host's roofline ratios (models/llm/host_roofline.go)"
	}
	return "one roofline over the whole step"
}

// llmCPUSims compares devices/llmphone's ExecuTorch runtime on the
// Snapdragon 8 Gen 3 with the Llama 3.2 card's OnePlus 12 rows: four
// fitted (1B SpinQuant decode, prefill and RSS, 1B bf16 prefill: the
// runtime's FittedTo), the other fourteen held out; and with the
// ExecuTorch README's two Llama 3 8B decode rates on the same phone,
// held out. The program sizes and the SoC's bandwidth are inputs.
func llmCPUSims(cost llmphone.CostModel, scale map[string]float64) ([]llmSim, error) {
	r, err := llmphone.Build("executorch-xnnpack-sd8gen3", cost, scale)
	if err != nil {
		return nil, fmt.Errorf("validation: %w", err)
	}
	var out []llmSim
	out = append(out, llmSim{"L-sd8gen3-bandwidth", r.PeakBandwidth / 1e9, Input,
		fmt.Sprintf("%s's peak; decode reaches %.3f of it (%.1f GB/s), fitted", r.Name, r.DecodeEfficiency, r.DecodeEfficiency*r.PeakBandwidth/1e9)})
	for _, zoo := range []string{"llama-3.2-1b", "llama-3.2-3b"} {
		for _, v := range []string{"bf16", "spinquant", "qlora"} {
			m, err := llmphone.OnePlus12(zoo, v)
			if err != nil {
				return nil, fmt.Errorf("validation: %w", err)
			}
			dec, pre, err := llmphone.CardRates(r, m)
			if err != nil {
				return nil, fmt.Errorf("validation: %w", err)
			}
			rss, err := llmphone.CardRSS(r, m)
			if err != nil {
				return nil, fmt.Errorf("validation: %w", err)
			}
			fp, _ := r.Footprint(m, llmphone.CardPrompt, llmphone.CardContext)
			id := llmphone.CardFact(zoo, v, "rss")
			mem := llmSim{id, rss / 1e6, roleFor(r, id), fmt.Sprintf("footprint after the %d-token prompt: %v", llmphone.CardPrompt, fp)}
			if mem.role == Fit {
				mem.note += "; the runtime overhead is fitted to this row (exact by construction)"
			}
			out = append(out, mem)
			out = append(out, llmSim{llmphone.CardFact(zoo, v, "size"), m.WeightBytes / 1e6, Input,
				fmt.Sprintf("the bytes a %s %s decode step reads for its weights (the whole program, memory-mapped); the zoo's config gives %.0f MB in bf16",
					zoo, v, float64(m.Config.WeightBytes(llm.BF16))/1e6)})
			for _, x := range []struct {
				what string
				v    float64
			}{{"decode", dec}, {"prefill", pre}} {
				id := llmphone.CardFact(zoo, v, x.what)
				row := llmSim{id, x.v, roleFor(r, id), fmt.Sprintf("%s: %s at a %d-token prompt, %s", r.Name, x.what, llmphone.CardPrompt, costNote(cost))}
				if row.role == Fit {
					row.note += "; fitted to this row (exact by construction)"
				}
				out = append(out, row)
			}
		}
	}
	l3, err := llama3OnePlus12Sims(r)
	return append(out, l3...), err
}

// llama3OnePlus12Sims compares the runtime with the ExecuTorch README's
// Llama 3 8B decode rates on the OnePlus 12 (4-bit groupwise, groups of
// 128 and 256). Llama 3 8B has Llama 3.1 8B's shapes (the server's
// config); its program size is not published, so it is computed from
// the export recipe (llmphone.Groupwise4Bit).
func llama3OnePlus12Sims(r llmphone.Runtime) ([]llmSim, error) {
	var out []llmSim
	for _, g := range []int{128, 256} {
		id := fmt.Sprintf("L-et-op12-llama3-8b-g%d-decode", g)
		m, err := llmphone.Groupwise4Bit(llmserve.Llama31_8B(), g)
		if err != nil {
			return nil, fmt.Errorf("validation: %w", err)
		}
		d, err := r.DecodeTime(m, llmphone.CardContext)
		if err != nil {
			return nil, fmt.Errorf("validation: %w", err)
		}
		out = append(out, llmSim{id, 1 / d, roleFor(r, id), fmt.Sprintf("%s with the card's fitted decode efficiency, %s; a %.0f MB program computed from the recipe (fp32 scales assumed), decode at %d tokens of context (the README gives no lengths); the README's 8B table may predate the KleidiAI kernels the card's rows used",
			r.Name, costNote(r.Cost), m.WeightBytes/1e6, llmphone.CardContext)})
	}
	return out, nil
}
