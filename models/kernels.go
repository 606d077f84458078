package models

// kernels.go holds what every fast kernel shares: the per-executor context
// (thread pools, scratch memory, reusable job descriptors) handed to Forward.

// fwdCtx is the execution context of one Executor. It is owned by one
// goroutine; the job fields are reused by every layer so that starting a
// parallel kernel allocates nothing.
type fwdCtx struct {
	pool    *workPool
	gemm    *gemmPool
	col     []float32   // im2col scratch, sized for the largest convolution
	tmp     [][]float32 // one scratch row per thread (pooling, LRN)
	im2col  im2colJob
	dw      depthwiseJob
	pooling poolJob
	lrn     lrnJob
	relu    reluJob
}

func newFwdCtx(threads, colLen, tmpLen int) *fwdCtx {
	c := &fwdCtx{pool: newWorkPool(threads), gemm: newGemmPool(threads), col: make([]float32, colLen)}
	for range threads {
		c.tmp = append(c.tmp, make([]float32, tmpLen))
	}
	return c
}

func (c *fwdCtx) close() {
	c.pool.close()
	c.gemm.close()
}
