package gemm

// Sgemv sets y = A·x, then applies the epilogue (y[i] = act(y[i] + Bias[i])):
// A is m×k at stride lda, x has k elements, y has m. This is a fully
// connected layer at batch 1 with weights stored [out][in]. It is bound by
// memory bandwidth (each weight is used once), so rows are split across the
// pool's workers and each streams its rows once, four at a time with x
// reused from L1 (Goto's GEMV argument: the matrix is the only large stream).
//
// It panics if a dimension is negative, lda < k, a slice is too short, or
// Bias is shorter than m. y must not overlap A or x.
func Sgemv(p *Pool, m, k int, a []float32, lda int, x, y []float32, ep Epilogue) {
	checkDims(m, 1, k)
	checkMat("a", m, k, a, lda)
	if len(x) < k {
		panic("gemm: len(x) < k")
	}
	if len(y) < m {
		panic("gemm: len(y) < m")
	}
	checkBias(ep, m)
	p.do(job{kind: jobGemv, m: m, n: 1, k: k, a: a, lda: lda, b: x, c: y, ep: ep})
}

// planRows splits the m rows (Sgemv) or the n rows of B (SgemmNT's dot
// path) into units of a multiple of 4 rows, about eight per worker, claimed
// dynamically, when the matrix is large enough to pay for waking a worker.
func (j *job) planRows() int {
	rows := j.m
	if j.kind != jobGemv {
		rows = j.n
	}
	j.unit = max(1, rows)
	if j.threads == 1 || flops(j.m, j.n, j.k) < parallelMinFlops/4 {
		return 1
	}
	per := (rows + 8*j.threads - 1) / (8 * j.threads)
	j.unit = max(16, (per+3)&^3)
	return min(j.threads, (rows+j.unit-1)/j.unit)
}

// gemv is one worker's share of Sgemv: the row units it claims.
func (j *job) gemv(w int, ws *workspace) {
	for {
		i0, i1, ok := j.claim(j.m)
		if !ok {
			return
		}
		dotRows(j.lv, &ws.y, j.a, j.lda, i0, i1, j.b, j.k, j.c[i0:i1], j.ep, i0)
	}
}

// dotRows sets out[i-i0] = act(A[i,:k]·x + Bias[biasOff+i-i0]) for rows
// [i0, i1) of A, four rows per kernel call; a leftover row runs through the
// same four-row kernel with stride 0 (so its sum is computed in the same
// order as any other row).
func dotRows(lv *level, y *[4]float32, a []float32, lda, i0, i1 int, x []float32, k int, out []float32, ep Epilogue, biasOff int) {
	if k == 0 {
		for i := i0; i < i1; i++ {
			out[i-i0] = ep.apply(0, biasOff+i-i0)
		}
		return
	}
	i := i0
	for ; i+4 <= i1; i += 4 {
		lv.gemv4(a[i*lda:], lda, x, k, y)
		for r := range 4 {
			out[i-i0+r] = ep.apply(y[r], biasOff+i-i0+r)
		}
	}
	for ; i < i1; i++ {
		lv.gemv4(a[i*lda:], 0, x, k, y)
		out[i-i0] = ep.apply(y[0], biasOff+i-i0)
	}
}
