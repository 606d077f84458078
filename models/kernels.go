package models

// kernels.go holds what every fast kernel shares: the per-executor context
// (its one set of worker goroutines, scratch memory, reusable job
// descriptors) handed to Forward.

// fwdCtx is the execution context of one Executor. It is owned by one
// goroutine; the job fields are reused by every layer so that starting a
// parallel kernel allocates nothing.
type fwdCtx struct {
	pool    *workPool // runs element, pooling and LRN jobs on gemm's workers
	gemm    *gemmPool
	tmp     [][]float32 // one scratch row per thread (pooling, LRN)
	packer  convPacker
	dw      depthwiseJob
	pooling poolJob
	lrn     lrnJob
	relu    reluJob

	// twoPass selects the previous convolution path (convTwoPass), for
	// tests and benchmarks that compare it with the fused one; col is its
	// im2col scratch, allocated on first use.
	twoPass bool
	col     []float32
	im2col  im2colJob
}

func newFwdCtx(threads, tmpLen int) *fwdCtx {
	g := newGemmPool(threads)
	c := &fwdCtx{pool: newWorkPool(g), gemm: g}
	for range threads {
		c.tmp = append(c.tmp, make([]float32, tmpLen))
	}
	return c
}

func (c *fwdCtx) close() {
	c.gemm.close() // also stops pool's workers: they are the GEMM's
}
