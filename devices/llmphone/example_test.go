package llmphone_test

import (
	"fmt"

	"github.com/infersim/infersim/devices/llmphone"
)

// Time to first token and answer time of a chat with Llama 3.2 1B
// (SpinQuant) on a OnePlus 12 under ExecuTorch: 300 prompt tokens, 200
// answer tokens.
func ExampleRuntime() {
	r, err := llmphone.ExecuTorchSD8Gen3()
	if err != nil {
		panic(err)
	}
	m, err := llmphone.OnePlus12("llama-3.2-1b", "spinquant")
	if err != nil {
		panic(err)
	}
	ttft, _ := r.PrefillTime(m, 300)
	total := ttft
	for ctx := 301; ctx < 500; ctx++ {
		d, _ := r.DecodeTime(m, ctx)
		total += d
	}
	fmt.Printf("first token after %.2f s, 200 tokens after %.1f s\n", ttft, total)
	// Output:
	// first token after 1.16 s, 200 tokens after 5.2 s
}
