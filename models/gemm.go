package models

import "github.com/infersim/infersim/models/internal/gemm"

// This file is the only place that calls the GEMM library
// (models/internal/gemm): thin wrappers, so the kernels read the same
// whatever the library's spelling.

// epilogue is applied to each output: c[i][j] = act(c[i][j] + bias[i]).
type epilogue struct {
	bias []float32 // one per output row; nil for none
	relu bool
}

func (e epilogue) lib() gemm.Epilogue { return gemm.Epilogue{Bias: e.bias, ReLU: e.relu} }

// gemmPool owns the GEMM threads and workspaces of one executor.
type gemmPool struct{ p *gemm.Pool }

func newGemmPool(threads int) *gemmPool { return &gemmPool{p: gemm.NewPool(threads)} }
func (p *gemmPool) close()              { p.p.Close() }

// packedA is an m×k row-major left operand (a weight matrix) packed once at
// load; read-only and shareable.
type packedA struct{ pa *gemm.PackedA }

func packA(m, k int, a []float32, lda int) *packedA {
	return &packedA{pa: gemm.PackA(m, k, a, lda)}
}

// mul sets C (m×n) = A·B (B is k×n) and applies ep.
func (p *packedA) mul(pool *gemmPool, n int, b []float32, ldb int, c []float32, ldc int, ep epilogue) {
	p.pa.Mul(pool.p, n, b, ldb, c, ldc, ep.lib())
}

// mulPacked sets C (m×n) = A·B like mul, B's blocks packed by pk (see
// gemm.BPacker), and applies ep.
func (p *packedA) mulPacked(pool *gemmPool, n int, pk gemm.BPacker, c []float32, ldc int, ep epilogue) {
	p.pa.MulPacked(pool.p, n, pk, c, ldc, ep.lib())
}

// sgemv sets y (m) = A·x (A is m×k) and applies ep.
func sgemv(pool *gemmPool, m, k int, a []float32, lda int, x, y []float32, ep epilogue) {
	gemm.Sgemv(pool.p, m, k, a, lda, x, y, ep.lib())
}

// gemmName names the GEMM kernel level in use, for profiles.
func gemmName() string { return gemm.Dispatch() }

// sgemmNT sets C (m×n) = A·Bᵀ (A is m×k, B is n×k) and adds ep.bias per
// column (ep.bias has n entries): a fully connected layer at batch m > 1.
func sgemmNT(pool *gemmPool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, ep epilogue) {
	gemm.SgemmNT(pool.p, m, n, k, a, lda, b, ldb, c, ldc, ep.lib())
}
