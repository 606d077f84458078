package llmserve_test

import (
	"fmt"

	"github.com/infersim/infersim/devices/llmserve"
	"github.com/infersim/infersim/models/llm"
	"github.com/infersim/infersim/sim"
)

// A Llama 3.2 1B server on the fitted A100 answers two chats that arrive
// together: both prefill in the first step, then decode side by side.
func ExampleServer() {
	hw, err := llmserve.A100()
	if err != nil {
		panic(err)
	}
	model, err := llm.Zoo("llama-3.2-1b")
	if err != nil {
		panic(err)
	}
	env := sim.NewEnv()
	srv, err := llmserve.NewServer(env, llmserve.Config{Model: model, Format: llm.BF16, Hardware: hw})
	if err != nil {
		panic(err)
	}
	for _, prompt := range []int{200, 800} {
		var first float64
		srv.Submit(&llmserve.Request{Prompt: prompt, Output: 64,
			OnToken: func(i int, now float64) {
				if i == 1 {
					first = now
				}
			},
			OnDone: func(now float64, err error) {
				fmt.Printf("prompt %d: first token %.1f ms, 64 tokens in %.0f ms\n", prompt, first*1e3, now*1e3)
			}})
	}
	if err := env.Run(); err != nil {
		panic(err)
	}
	st := srv.Stats()
	fmt.Printf("%d steps, %d tokens, %d preemptions\n", st.Steps, st.Tokens, st.Preemptions)
	// Output:
	// prompt 200: first token 16.1 ms, 64 tokens in 155 ms
	// prompt 800: first token 16.1 ms, 64 tokens in 155 ms
	// 64 steps, 128 tokens, 0 preemptions
}
