package llm_test

import (
	"fmt"

	"github.com/infersim/infersim/models/llm"
)

func Example() {
	c, err := llm.Zoo("llama-3.2-1b")
	if err != nil {
		panic(err)
	}
	p := c.Params()
	fmt.Printf("%s: %d parameters (%d non-embedding)\n", c.Name, p.Total, p.NonEmbedding)
	fmt.Printf("weights: bf16 %.2f GB, q4_0 %.2f GB\n", float64(c.WeightBytes(llm.BF16))/1e9, float64(c.WeightBytes(llm.Q4_0))/1e9)
	d := c.DecodeCost(llm.Q4_0, 2, 1024)
	fmt.Printf("decode at 1024: %.2f GFLOP, %.0f MB read\n", float64(d.FLOPs)/1e9, float64(d.Bytes())/1e6)
	fmt.Printf("KV cache: %d B/token\n", c.KVBytesPerToken(2))
	// Output:
	// llama-3.2-1b: 1235814400 parameters (973146112 non-embedding)
	// weights: bf16 2.47 GB, q4_0 0.70 GB
	// decode at 1024: 2.61 GFLOP, 729 MB read
	// KV cache: 32768 B/token
}

func ExampleExecutor() {
	c, _ := llm.Zoo("smollm2-135m")
	c.Layers = 2 // a shallow copy, to keep the example fast
	m, err := llm.RandomModel(c, llm.Quant{Kind: "q4", Group: 32}, 1)
	if err != nil {
		panic(err)
	}
	e, err := llm.NewExecutor(m, 1, 64)
	if err != nil {
		panic(err)
	}
	defer e.Close()
	tokens, err := e.Generate([]int{1, 2, 3, 4}, 5)
	if err != nil {
		panic(err)
	}
	fmt.Println(len(tokens), e.Pos())
	// Output: 5 8
}
