package validation

import (
	"fmt"

	"github.com/infersim/infersim/devices/llmserve"
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
