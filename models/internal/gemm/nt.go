package gemm

// ntDotMaxM is the largest m for which SgemmNT uses dot products instead of
// the packed GEMM: with few rows of A (a small batch), transposing B into
// packed panels costs more than the product, while dot products read B
// straight from its rows. Chosen with BenchmarkSgemmNT.
const ntDotMaxM = 16

// SgemmNT sets C = A·Bᵀ, then applies the epilogue with the bias per COLUMN
// of C (C[i][j] = act(C[i][j] + Bias[j])): A is m×k at stride lda, B is n×k
// at stride ldb, C is m×n at stride ldc. This is a fully connected layer at
// batch m > 1: X (batch×in) · Wᵀ with W stored [out][in], Bias per output
// feature.
//
// It panics if a dimension is negative, a stride is smaller than its row
// length, a slice is too short for its matrix, or Bias is shorter than n.
func SgemmNT(p *Pool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, ep Epilogue) {
	checkDims(m, n, k)
	checkMat("a", m, k, a, lda)
	checkMat("b", n, k, b, ldb)
	checkMat("c", m, n, c, ldc)
	checkBias(ep, n)
	kind := jobGemm
	if m <= ntDotMaxM {
		kind = jobNTDot
	}
	p.do(job{kind: kind, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, bt: true, c: c, ldc: ldc, ep: ep, colBias: true})
}

// ntDot is one worker's share of SgemmNT by dot products: the units of rows
// of B it claims, four rows at a time; each group of four rows (≤ 4·k floats, L2-resident) is
// dotted with every row of A before moving on, so B is read from memory once.
func (j *job) ntDot(w int, ws *workspace) {
	for {
		j0, j1, ok := j.claim(j.n)
		if !ok {
			return
		}
		j.ntDotBlock(ws, j0, j1)
	}
}

func (j *job) ntDotBlock(ws *workspace, j0, j1 int) {
	for jb := j0; jb < j1; jb += 4 {
		je := min(jb+4, j1)
		for i := range j.m {
			x := j.a[i*j.lda : i*j.lda+j.k]
			dotRows(j.lv, &ws.y, j.b, j.ldb, jb, je, x, j.k, j.c[i*j.ldc+jb:i*j.ldc+je], j.ep, jb)
		}
	}
}
