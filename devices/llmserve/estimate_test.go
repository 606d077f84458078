package llmserve

import (
	"math"
	"testing"

	"github.com/infersim/infersim/models/llm"
	"github.com/infersim/infersim/sim"
)

// LonePrefill is a lone request's first token at an idle server: one
// step for a prompt within the token budget, ⌈n/budget⌉ chunked steps
// beyond it (a 100-token budget: 250 tokens in three steps), each
// StepTime of its chunk, and the first token at the end of the last.
func TestLonePrefill(t *testing.T) {
	m := zoo(t, "llama-3.2-1b")
	for _, tc := range []struct{ budget, prompt, steps int }{{8192, 300, 1}, {100, 250, 3}} {
		env := sim.NewEnv()
		srv, err := NewServer(env, Config{Model: m, Format: llm.BF16, Hardware: smallHW(m, 400), MaxBatchedTokens: tc.budget})
		if err != nil {
			t.Fatal(err)
		}
		want := srv.LonePrefill(tc.prompt)
		first := math.NaN()
		srv.Submit(&Request{Prompt: tc.prompt, Output: 2, OnToken: func(i int, now float64) {
			if i == 1 {
				first = now
			}
		}})
		if err := env.Run(); err != nil {
			t.Fatal(err)
		}
		if math.Abs(first-want) > 1e-12*want {
			t.Errorf("budget %d, prompt %d: first token at %v s, LonePrefill %v s", tc.budget, tc.prompt, first, want)
		}
		if st := srv.Stats(); st.PrefillSteps != tc.steps {
			t.Errorf("budget %d, prompt %d: %d prefill steps, want %d", tc.budget, tc.prompt, st.PrefillSteps, tc.steps)
		}
		env.Close()
	}
}
