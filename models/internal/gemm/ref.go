package gemm

// Naive reference kernels: the documentation of what the fast kernels
// compute, and the oracle of the tests. Each element is a float32 sum over
// k in increasing order, then the epilogue.

// SgemmRef is the naive Sgemm: C[i][j] = act(Σ_l A[i][l]·B[l][j] + Bias[i]).
func SgemmRef(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, ep Epilogue) {
	checkDims(m, n, k)
	checkMat("a", m, k, a, lda)
	checkMat("b", k, n, b, ldb)
	checkMat("c", m, n, c, ldc)
	checkBias(ep, m)
	for i := range m {
		for j := range n {
			var s float32
			for l := range k {
				s += a[i*lda+l] * b[l*ldb+j]
			}
			c[i*ldc+j] = ep.apply(s, i)
		}
	}
}

// SgemvRef is the naive Sgemv: y[i] = act(Σ_l A[i][l]·x[l] + Bias[i]).
func SgemvRef(m, k int, a []float32, lda int, x, y []float32, ep Epilogue) {
	checkDims(m, 1, k)
	checkMat("a", m, k, a, lda)
	if len(x) < k || len(y) < m {
		panic("gemm: vector too short")
	}
	checkBias(ep, m)
	for i := range m {
		var s float32
		for l := range k {
			s += a[i*lda+l] * x[l]
		}
		y[i] = ep.apply(s, i)
	}
}

// SgemmNTRef is the naive SgemmNT: C[i][j] = act(Σ_l A[i][l]·B[j][l] + Bias[j]).
func SgemmNTRef(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, ep Epilogue) {
	checkDims(m, n, k)
	checkMat("a", m, k, a, lda)
	checkMat("b", n, k, b, ldb)
	checkMat("c", m, n, c, ldc)
	checkBias(ep, n)
	for i := range m {
		for j := range n {
			var s float32
			for l := range k {
				s += a[i*lda+l] * b[j*ldb+l]
			}
			c[i*ldc+j] = ep.apply(s, j)
		}
	}
}
