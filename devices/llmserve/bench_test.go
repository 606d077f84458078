package llmserve

import (
	"testing"

	"github.com/infersim/infersim/models/llm"
)

// BenchmarkClosedLoop64 is 64 concurrent chats (512 in, 128 out, 4 each)
// on a Llama 3.2 1B server: the cost of simulating a crowd, per run.
func BenchmarkClosedLoop64(b *testing.B) {
	m, err := llm.Zoo("llama-3.2-1b")
	if err != nil {
		b.Fatal(err)
	}
	hw, err := A100()
	if err != nil {
		b.Fatal(err)
	}
	cfg := Config{Model: m, Format: llm.BF16, Hardware: hw}
	c := ClosedLoop{Concurrency: 64, Requests: 256, Prompt: 512, Output: 128}
	b.ReportAllocs()
	for b.Loop() {
		r, err := c.Run(cfg)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(r.Stats.Tokens), "tokens/op")
	}
}
