package gemm

import "fmt"

// Epilogue is fused into the kernel's store: after the product,
// C[i][j] = act(C[i][j] + Bias[i]) for Sgemm and PackedA.Mul (one bias per
// row of C = per output channel of a convolution), and
// C[i][j] = act(C[i][j] + Bias[j]) for SgemmNT (one bias per column of C =
// per output feature of a fully connected layer). act is max(x, 0) when ReLU
// is set (NaN passes through), the identity otherwise. A nil Bias adds
// nothing.
type Epilogue struct {
	Bias []float32
	ReLU bool
}

func (ep Epilogue) flags() uint64 {
	var f uint64
	if ep.ReLU {
		f |= flagReLU
	}
	return f
}

func (ep Epilogue) apply(v float32, bias int) float32 {
	if ep.Bias != nil {
		v += ep.Bias[bias]
	}
	if ep.ReLU && v < 0 {
		v = 0
	}
	return v
}

// checkMat panics unless s holds a rows×cols row-major matrix at stride ld.
func checkMat(name string, rows, cols int, s []float32, ld int) {
	if ld < max(1, cols) {
		panic(fmt.Sprintf("gemm: ld%s = %d < max(1, %d)", name, ld, cols))
	}
	if rows > 0 && cols > 0 && len(s) < (rows-1)*ld+cols {
		panic(fmt.Sprintf("gemm: len(%s) = %d < %d for a %d×%d matrix at stride %d",
			name, len(s), (rows-1)*ld+cols, rows, cols, ld))
	}
}

func checkDims(m, n, k int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("gemm: negative dimension m=%d n=%d k=%d", m, n, k))
	}
}

func checkBias(ep Epilogue, want int) {
	if ep.Bias != nil && len(ep.Bias) < want {
		panic(fmt.Sprintf("gemm: len(Bias) = %d < %d", len(ep.Bias), want))
	}
}

// Sgemm sets C = A·B, then applies the epilogue (bias per row of C):
// C is m×n at stride ldc, A is m×k at stride lda, B is k×n at stride ldb,
// all row-major float32. C must not overlap A or B.
//
// It panics if a dimension is negative, a stride is smaller than its row
// length, a slice is too short for its matrix, or Bias is shorter than m.
// SgemmRef documents the result; the fast kernels agree with it within
// float32 rounding (see doc.go, Invariants).
func Sgemm(p *Pool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, ep Epilogue) {
	checkDims(m, n, k)
	checkMat("a", m, k, a, lda)
	checkMat("b", k, n, b, ldb)
	checkMat("c", m, n, c, ldc)
	checkBias(ep, m)
	p.do(job{kind: jobGemm, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, ep: ep})
}

// planGemm picks the thread split for a GEMM job and returns the number of
// parts. By default the columns of C are cut into units of at least 64 (a
// multiple of 32, which every level's nr divides), about four per worker,
// claimed dynamically. A C too narrow for that (e.g. a late MobileNet layer,
// n = 49: the column units would leave a worker idle, balance below
// minColBalance) is cut by rows instead, in units of a multiple of 12
// (packMR), about two per worker: each unit packs the (narrow) B again, so
// few units.
// The k loop is never split: each element of C is summed by one worker in a
// fixed order.
func (j *job) planGemm() int {
	j.unit = max(1, j.n)
	if j.m == 0 || j.n == 0 || j.threads == 1 || flops(j.m, j.n, j.k) < parallelMinFlops {
		return 1
	}
	parts := j.threads
	nu := (j.n + 63) / 64
	mu := (j.m + 2*packMR - 1) / (2 * packMR)
	bn := balance(nu, parts)
	j.splitM = bn < minColBalance && balance(mu, parts) > bn
	if j.splitM {
		per := (j.m + 2*parts - 1) / (2 * parts)
		j.unit = (per + packMR - 1) / packMR * packMR
		return min(parts, (j.m+j.unit-1)/j.unit)
	}
	per := (j.n + 4*parts - 1) / (4 * parts)
	j.unit = min(ncMax, max(64, (per+nrAlign-1)&^(nrAlign-1)))
	return min(parts, (j.n+j.unit-1)/j.unit)
}

// minColBalance is the balance (see balance) below which planGemm considers
// cutting rows instead of columns. Every row unit packs all of B again, which
// costs more than the product when m per unit is small and B is gathered
// (a BPacker): SqueezeNet v1.0's conv1 (m = 96, n = 12321, k = 147), cut in
// four row units for a balance of 1.0 instead of 0.995, took 3.3 ms at two
// threads, 1.5 ms in column units (BenchmarkConvPaths, medians of 6).
const minColBalance = 0.9

// flops is 2·m·n·k, in 64 bits (int may be 32).
func flops(m, n, k int) int64 { return 2 * int64(m) * int64(n) * int64(k) }

// kBlock returns the depth of the k blocks for a product of depth k: the
// fewest blocks of at most kcMax, of equal size rounded up to 4 (the kernels'
// unrolling). It depends on k alone, so the summation order does too.
func kBlock(k int) int {
	nb := max(1, (k+kcMax-1)/kcMax)
	return ((k+nb-1)/nb + 3) &^ 3
}

// gemm is one worker's share of a GEMM: the loop nest of Goto & van de Geijn
// (2008), "Anatomy of high-performance matrix multiplication", ACM TOMS 34(3),
// as restated by BLIS (Van Zee & van de Geijn 2015): for each NC-wide block
// of columns, for each KC-deep block of k, pack B into the worker's
// workspace, then for each MR-row micro-panel of A run the micro-kernel over
// every NR-wide panel of the packed block.
//
// Row-major C makes B's rows the vector direction, so B is packed in
// NR-wide panels and A is read as rows (a 12-row copy per micro-panel, or the
// PackedA rows directly) and broadcast.
func (j *job) gemm(ws *workspace) {
	for j.splitM {
		m0, m1, ok := j.claim(j.m)
		if !ok {
			return
		}
		j.gemmBlock(ws, m0, m1, 0, j.n)
	}
	for {
		n0, n1, ok := j.claim(j.n)
		if !ok {
			return
		}
		j.gemmBlock(ws, 0, j.m, n0, n1)
	}
}

// gemmBlock computes the block C[m0:m1, n0:n1].
func (j *job) gemmBlock(ws *workspace, m0, m1, n0, n1 int) {
	lv := j.lv
	if m0 >= m1 || n0 >= n1 {
		return
	}
	if j.k == 0 {
		j.fillEpilogue(m0, m1, n0, n1)
		return
	}
	kb := kBlock(j.k)
	mr, nr := lv.mr, lv.nr
	// With at most two row panels each element of B is loaded once or
	// twice, so packing it would cost as much as the product (SqueezeNet's
	// squeeze layers: m = 16): kernels that can read B in place do so.
	// A BPacker has no B in memory to read in place, only panels to fill.
	direct := lv.directB && !j.bt && j.pk == nil && m1-m0 <= 2*mr
	for jc := n0; jc < n1; jc += ncMax {
		nc := min(ncMax, n1-jc)
		for pc := 0; pc < j.k; pc += kb {
			kc := min(kb, j.k-pc)
			switch {
			case direct:
			case j.pk != nil:
				j.pk.PackB(ws.b[:(nc+nr-1)/nr*nr*kc], pc, kc, jc, nc, nr)
			case j.bt:
				packBT(ws.b, j.b, j.ldb, pc, kc, jc, nc, nr)
			default:
				packB(ws.b, j.b, j.ldb, pc, kc, jc, nc, nr)
			}
			var flags uint64
			if pc > 0 {
				flags = flagAcc
			}
			last := pc+kc == j.k
			if last {
				flags |= j.ep.flags()
				if j.ep.Bias != nil {
					if j.colBias {
						flags |= flagColBias
					} else {
						flags |= flagRowBias
					}
				}
			}
			for ir := m0; ir < m1; ir += mr {
				mv := min(mr, m1-ir)
				var ap *float32
				var alda int
				if j.pa != nil {
					ap, alda = &j.pa.data[ir*j.pa.ld+pc], j.pa.ld
				} else {
					copyA(ws.a, j.a, j.lda, ir, mv, mr, pc, kc)
					ap, alda = &ws.a[0], aStride
				}
				kern := lv.kernel
				switch {
				case mv <= 4 && lv.kernel4 != nil:
					kern = lv.kernel4
				case mv <= 8 && lv.kernel8 != nil:
					kern = lv.kernel8
				}
				for jr := 0; jr < nc; jr += nr {
					nv := min(nr, nc-jr)
					var bias *float32
					switch {
					case flags&flagRowBias != 0:
						bias = &j.ep.Bias[ir]
					case flags&flagColBias != 0:
						bias = &j.ep.Bias[jc+jr]
					}
					bp, bld := &ws.b[jr*kc], nr
					if direct {
						bp, bld = &j.b[pc*j.ldb+jc+jr], j.ldb
					}
					ci := ir*j.ldc + jc + jr
					if lv.fullOnly && (mv < mr || nv < nr) {
						// Edge tile: compute the full tile into scratch, store
						// the valid part with the same flags in Go.
						lv.kernel(ap, alda, bp, bld, kc, &ws.tile[0], nr, mr, nr, nil, 0)
						for r := range mv {
							storeRow(j.c[ci+r*j.ldc:ci+r*j.ldc+nv], ws.tile[r*nr:r*nr+nv], r, bias, flags)
						}
						continue
					}
					kern(ap, alda, bp, bld, kc, &j.c[ci], j.ldc, mv, nv, bias, flags)
				}
			}
		}
	}
}

// fillEpilogue handles k = 0: C = act(0 + bias).
func (j *job) fillEpilogue(m0, m1, n0, n1 int) {
	for i := m0; i < m1; i++ {
		row := j.c[i*j.ldc : i*j.ldc+n1]
		for jj := n0; jj < n1; jj++ {
			bi := i
			if j.colBias {
				bi = jj
			}
			row[jj] = j.ep.apply(0, bi)
		}
	}
}

// copyA copies rows [ir, ir+mv) × columns [pc, pc+kc) of A into dst at stride
// aStride and zeroes the rows up to mr, so the kernel may read mr full rows.
// A plain row copy (memmove), not an interleaving pack: the kernels broadcast
// A elements from rows, so this only buys L1 residency, no aliasing between
// rows, and zero padding; it costs m·k per NC block of columns.
func copyA(dst, a []float32, lda, ir, mv, mr, pc, kc int) {
	for r := range mv {
		copy(dst[r*aStride:r*aStride+kc], a[(ir+r)*lda+pc:(ir+r)*lda+pc+kc])
	}
	for r := mv; r < mr; r++ {
		clear(dst[r*aStride : r*aStride+kc])
	}
}

// packB packs B[pc:pc+kc, jc:jc+nc] into dst as ⌈nc/nr⌉ panels of kc rows of
// nr floats (panel p at p·nr·kc), zero-padding the last panel's columns.
func packB(dst, b []float32, ldb, pc, kc, jc, nc, nr int) {
	for kk := range kc {
		src := b[(pc+kk)*ldb+jc : (pc+kk)*ldb+jc+nc]
		for jr := 0; jr < nc; jr += nr {
			d := dst[jr*kc+kk*nr : jr*kc+kk*nr+nr]
			n := copy(d, src[jr:])
			clear(d[n:])
		}
	}
}

// A BPacker supplies the right operand B (k×n) of PackedA.MulPacked already
// packed, one block at a time, instead of as a matrix in memory: a product
// whose B is a function of other data (the im2col matrix of a convolution)
// is then computed without B ever being stored whole, and each worker reads
// the data behind its own columns of C only.
type BPacker interface {
	// PackB writes B[pc:pc+kc, jc:jc+nc] into dst in the layout of packB:
	// ⌈nc/nr⌉ panels of kc rows of nr floats, panel p at p·nr·kc, row kk of
	// panel p holding B[pc+kk][jc+p·nr : jc+p·nr+nr], with zeros past
	// column nc. len(dst) is ⌈nc/nr⌉·nr·kc; nr ≤ 32. Workers call PackB
	// concurrently on disjoint dst, so it must only read shared state.
	PackB(dst []float32, pc, kc, jc, nc, nr int)
}

// packBT packs the same block of Bᵀ when B is stored n×k (SgemmNT): panel
// column jj of row kk is B[jc+jr+jj][pc+kk].
func packBT(dst, b []float32, ldb, pc, kc, jc, nc, nr int) {
	for jr := 0; jr < nc; jr += nr {
		panel := dst[jr*kc : jr*kc+kc*nr]
		nv := min(nr, nc-jr)
		for jj := range nv {
			src := b[(jc+jr+jj)*ldb+pc : (jc+jr+jj)*ldb+pc+kc]
			for kk, v := range src {
				panel[kk*nr+jj] = v
			}
		}
		for jj := nv; jj < nr; jj++ {
			for kk := range kc {
				panel[kk*nr+jj] = 0
			}
		}
	}
}

// PackedA holds a constant left operand in the layout the kernels read
// (rows padded to a multiple of 12 with zeros, stride chosen to avoid L1 set
// aliasing), packed once — e.g. the weights of one convolution group,
// outC/g × inC/g·kh·kw, at model load. It is read-only after PackA and safe to
// share between goroutines and Pools; it serves every dispatch level.
type PackedA struct {
	m, k, ld int
	data     []float32
}

// PackA copies the m×k matrix A (stride lda) into a PackedA.
// It panics on inconsistent dimensions, like Sgemm.
func PackA(m, k int, a []float32, lda int) *PackedA {
	checkDims(m, 0, k)
	checkMat("a", m, k, a, lda)
	ld := max(16, (k+15)&^15)
	if ld%1024 == 0 {
		ld += 16 // rows 4 KiB apart would all map to the same L1 sets
	}
	rows := (m + packMR - 1) / packMR * packMR
	pa := &PackedA{m: m, k: k, ld: ld, data: alignedFloats(max(1, rows*ld))}
	for i := range m {
		copy(pa.data[i*ld:i*ld+k], a[i*lda:i*lda+k])
	}
	return pa
}

// Rows and Cols report the shape m×k of the packed matrix.
func (pa *PackedA) Rows() int { return pa.m }
func (pa *PackedA) Cols() int { return pa.k }

// Mul sets C = A·B with the packed A (m×k), then applies the epilogue (bias
// per row of C): B is k×n at stride ldb, C is m×n at stride ldc. It computes
// exactly what Sgemm computes on the original A, bit for bit. Panics as
// Sgemm does.
func (pa *PackedA) Mul(p *Pool, n int, b []float32, ldb int, c []float32, ldc int, ep Epilogue) {
	m, k := pa.m, pa.k
	checkDims(m, n, k)
	checkMat("b", k, n, b, ldb)
	checkMat("c", m, n, c, ldc)
	checkBias(ep, m)
	p.do(job{kind: jobGemm, m: m, n: n, k: k, pa: pa, b: b, ldb: ldb, c: c, ldc: ldc, ep: ep})
}

// MulPacked sets C = A·B with the packed A (m×k), then applies the epilogue
// (bias per row of C), where B (k×n) is supplied block by block by b (see
// BPacker) and C is m×n at stride ldc. The blocking, summation order and
// epilogue are those of Mul: if b packs the values a matrix B holds, the
// result is bit-identical to Mul on that B. Panics as Mul does.
func (pa *PackedA) MulPacked(p *Pool, n int, b BPacker, c []float32, ldc int, ep Epilogue) {
	m, k := pa.m, pa.k
	checkDims(m, n, k)
	if b == nil {
		panic("gemm: nil BPacker")
	}
	checkMat("c", m, n, c, ldc)
	checkBias(ep, m)
	p.do(job{kind: jobGemm, m: m, n: n, k: k, pa: pa, pk: b, c: c, ldc: ldc, ep: ep})
}
