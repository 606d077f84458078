package llmserve

import (
	"fmt"

	"github.com/infersim/infersim/models/llm"
	"github.com/infersim/infersim/sim"
)

// ClosedLoop is a benchmark client like `vllm bench serve
// --max-concurrency C --request-rate inf`: Concurrency users each send a
// request of Prompt and Output tokens, and the next as soon as theirs
// ends, until Requests have been sent.
type ClosedLoop struct {
	Concurrency, Requests, Prompt, Output int
}

// ClosedLoopResult is what the client measures.
type ClosedLoopResult struct {
	Makespan   float64 // first submit to last token, seconds
	Throughput float64 // output tokens per second over the makespan
	MeanTTFT   float64 // seconds
	MeanTPOT   float64 // mean over requests of (end − first token)/(Output − 1)
	Stats      Stats
}

// Run runs the client against a fresh server of cfg.
func (c ClosedLoop) Run(cfg Config) (ClosedLoopResult, error) {
	if c.Concurrency < 1 || c.Requests < c.Concurrency || c.Prompt < 1 || c.Output < 2 {
		return ClosedLoopResult{}, fmt.Errorf("llmserve: closed loop %+v: want concurrency ≥ 1, requests ≥ concurrency, prompt ≥ 1, output ≥ 2", c)
	}
	env := sim.NewEnv()
	defer env.Close()
	srv, err := NewServer(env, cfg)
	if err != nil {
		return ClosedLoopResult{}, err
	}
	var res ClosedLoopResult
	sent, done := 0, 0
	var failed error
	var send func()
	send = func() {
		sent++
		start, first := env.Now(), 0.0
		srv.Submit(&Request{Prompt: c.Prompt, Output: c.Output,
			OnToken: func(i int, now float64) {
				if i == 1 {
					first = now
					res.MeanTTFT += now - start
				}
			},
			OnDone: func(now float64, err error) {
				if err != nil {
					failed = err
					return
				}
				done++
				res.MeanTPOT += (now - first) / float64(c.Output-1)
				res.Makespan = now
				if sent < c.Requests {
					send()
				}
			}})
	}
	for range c.Concurrency {
		send()
	}
	if err := env.Run(); err != nil {
		return res, err
	}
	if failed != nil {
		return res, failed
	}
	res.Throughput = float64(done*c.Output) / res.Makespan
	res.MeanTTFT /= float64(done)
	res.MeanTPOT /= float64(done)
	res.Stats = srv.Stats()
	return res, nil
}

// Musgrave is the published A100 sweep's client at concurrency c:
// 1024-token prompts, 128 output tokens, c × 20 requests (fact source
// musgrave-vllm).
func Musgrave(c int) ClosedLoop {
	return ClosedLoop{Concurrency: c, Requests: 20 * c, Prompt: 1024, Output: 128}
}

// Llama31_8BOn is the published rows' server: Llama-3.1-8B in bf16 on hw
// with vLLM's default limits.
func Llama31_8BOn(hw Hardware) Config {
	return Config{Model: Llama31_8B(), Format: llm.BF16, Hardware: hw}
}

// H100Alone is the client of the H100 row (fact L-vllm-h100-tpot) at
// concurrency 1. Its workload's prompt length is not published: 256
// tokens stand for a short chat prompt (an assumption; at this size the
// KV cache is under 0.3 % of a decode step's bytes, so the TPOT hardly
// depends on it).
func H100Alone() ClosedLoop {
	return ClosedLoop{Concurrency: 1, Requests: 20, Prompt: 256, Output: 128}
}
