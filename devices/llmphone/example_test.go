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
	// first token after 1.35 s, 200 tokens after 6.2 s
}

// Whether Llama 3.2 1B fits beside the other apps, how long its first
// load reads flash, and the energy of a 200-token answer on a OnePlus 12
// (above the phone's base power).
func ExampleRuntime_Footprint() {
	r, err := llmphone.ExecuTorchSD8Gen3()
	if err != nil {
		panic(err)
	}
	m, err := llmphone.OnePlus12("llama-3.2-1b", "spinquant")
	if err != nil {
		panic(err)
	}
	f, err := r.Footprint(m, 300, 500)
	if err != nil {
		panic(err)
	}
	fmt.Println(f)
	fmt.Println("fits in 2 GiB:", f.Fits(2<<30), "load", fmt.Sprintf("%.2f s", r.LoadTime(m)))
	e, _ := r.PrefillEnergy(m, 300)
	for ctx := 301; ctx < 500; ctx++ {
		d, _ := r.DecodeEnergy(m, ctx)
		e += d
	}
	fmt.Printf("answer energy %.1f J\n", e)
	// Output:
	// 1961 MiB (weights 1083, KV 128, activations 48, runtime 702)
	// fits in 2 GiB: true load 0.27 s
	// answer energy 44.1 J
}
