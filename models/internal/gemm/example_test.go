package gemm_test

import (
	"fmt"

	"github.com/infersim/infersim/models/internal/gemm"
)

// A 1×1 convolution with 2 output channels over 3 input channels and 2
// pixels: C = W·X + bias, then ReLU. Row 0: 1·1 + 2·3 + 3·5 = 22, plus
// bias 1 → 23; 1·2 + 2·4 + 3·6 = 28 → 29. Row 1: −22 and −28, plus bias
// −1, clamp to 0.
func ExampleSgemm() {
	p := gemm.NewPool(1)
	defer p.Close()
	w := []float32{1, 2, 3, -1, -2, -3} // 2×3
	x := []float32{1, 2, 3, 4, 5, 6}    // 3×2
	c := make([]float32, 4)
	gemm.Sgemm(p, 2, 2, 3, w, 3, x, 2, c, 2, gemm.Epilogue{Bias: []float32{1, -1}, ReLU: true})
	fmt.Println(c)
	// Output: [23 29 0 0]
}

// A fully connected layer at batch 1: y = W·x + b with W stored [out][in].
func ExampleSgemv() {
	p := gemm.NewPool(0)
	defer p.Close()
	w := []float32{1, 0, 2, 0, 1, 1} // 2 outputs × 3 inputs
	x := []float32{3, 4, 5}
	y := make([]float32, 2)
	gemm.Sgemv(p, 2, 3, w, 3, x, y, gemm.Epilogue{Bias: []float32{0.5, -0.5}})
	fmt.Println(y)
	// Output: [13.5 8.5]
}

// The same layer at batch 2: Y = X·Wᵀ + b, the bias now per column of Y.
func ExampleSgemmNT() {
	p := gemm.NewPool(0)
	defer p.Close()
	w := []float32{1, 0, 2, 0, 1, 1} // 2 outputs × 3 inputs
	x := []float32{3, 4, 5, 1, 1, 1} // 2 samples × 3 inputs
	y := make([]float32, 4)          // 2 samples × 2 outputs
	gemm.SgemmNT(p, 2, 2, 3, x, 3, w, 3, y, 2, gemm.Epilogue{Bias: []float32{0.5, -0.5}})
	fmt.Println(y)
	// Output: [13.5 8.5 3.5 1.5]
}
