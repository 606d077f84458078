package gemm

// SgemmNT has three strategies, by level and shape:
//
//   - levels with a 4×4 dot kernel (avx512): 4×4 tiles of dot products over
//     k blocks of at most ntKC, reading both operands along their rows —
//     nothing is packed or transposed (ntTile);
//   - otherwise, for m ≤ ntDotMaxM (a small batch): the four-row dot product
//     of Sgemv, each group of four rows of B dotted with every row of A
//     (ntDot);
//   - otherwise the packed GEMM, packing Bᵀ (packBT).
//
// Each is deterministic in the sense of doc.go. The thresholds below are
// reasoned from cache sizes, not tuned: the development machine was too
// noisy while they were written; BenchmarkSgemmNT measures batch 8 and 64.
const (
	ntDotMaxM = 16
	// ntKC bounds the k block of ntTile when A is large: four rows of B
	// (16 KiB) stay in L1 while the m×ntKC block of A streams from L2.
	ntKC = 1024
	// ntWholeK is the L2 budget under which ntTile does not block k at all
	// (small batches): whole rows stream better than page-sized pieces, which
	// restart the hardware prefetcher at every 4 KiB.
	ntWholeK = 768 << 10
)

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
	switch {
	case cur.dot4 != nil:
		kind = jobNTTile
	case m <= ntDotMaxM:
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

// kBlockNT returns the k block of ntTile: all of k if the rows of A and
// four rows of B fit in ntWholeK, else the fewest blocks of at most ntKC, of
// equal size rounded up to 16 (one zmm). It depends on m and k alone.
func kBlockNT(m, k int) int {
	if 4*int64(m+4)*int64(k) <= ntWholeK {
		return k
	}
	nb := max(1, (k+ntKC-1)/ntKC)
	return ((k+nb-1)/nb + 15) &^ 15
}

// ntTile is one worker's share of SgemmNT by 4×4 dot tiles: the units of
// rows of B (columns of C) it claims.
func (j *job) ntTile(ws *workspace) {
	for {
		j0, j1, ok := j.claim(j.n)
		if !ok {
			return
		}
		if j.k == 0 {
			j.fillEpilogue(0, j.m, j0, j1)
			continue
		}
		kb := kBlockNT(j.m, j.k)
		for pc := 0; pc < j.k; pc += kb {
			j.ntTileBlock(ws, j0, j1, pc, min(kb, j.k-pc))
		}
	}
}

// ntTileBlock adds the k block [pc, pc+kc) of C[:, j0:j1] (overwriting on
// the first block, applying the epilogue on the last). Four rows of B stay
// in L1 while all rows of A stream past them. A group of fewer than four
// rows at the end of A or B is computed as the last four rows (an overlap,
// stored once), or, if the operand has fewer than four rows, one row at a
// time with stride 0; every element is still summed by the same
// instructions in the same order.
func (j *job) ntTileBlock(ws *workspace, j0, j1, pc, kc int) {
	acc, last := pc > 0, pc+kc == j.k
	mStep, aStride := 4, j.lda
	if j.m < 4 {
		mStep, aStride = 1, 0
	}
	nStep, bStride := 4, j.ldb
	if j.n < 4 {
		nStep, bStride = 1, 0
	}
	t := &ws.t16
	for jb := j0; jb < j1; jb += nStep {
		bs, nv := jb, min(nStep, j1-jb)
		if nStep == 4 {
			bs = min(jb, j.n-4)
		}
		for ib := 0; ib < j.m; ib += mStep {
			as, mv := ib, min(mStep, j.m-ib)
			if mStep == 4 {
				as = min(ib, j.m-4)
			}
			j.lv.dot4(j.a[as*j.lda+pc:], aStride, j.b[bs*j.ldb+pc:], bStride, kc, t)
			for r := range mv {
				tr := t[(ib-as+r)*4+jb-bs:]
				crow := j.c[(ib+r)*j.ldc+jb : (ib+r)*j.ldc+jb+nv]
				for c := range crow {
					v := tr[c]
					if acc {
						v += crow[c]
					}
					if last {
						v = j.ep.apply(v, jb+c)
					}
					crow[c] = v
				}
			}
		}
	}
}
