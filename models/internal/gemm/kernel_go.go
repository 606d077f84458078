package gemm

import "unsafe"

// Pure-Go kernels: the fallback level for CPUs without AVX2 (and other
// architectures), forced by the purego build tag or INFERSIM_GEMM=purego.

// kernGo is a 4×4 register-blocked micro-kernel: each loaded value is used
// four times. On amd64 the Go compiler (no FMA at GOAMD64=v1, 15 float
// registers) spills a few accumulators, yet a 2×8 tile that fits the
// registers measured slower (2.9 vs 3.5 GFLOP/s on sq1024; see
// BenchmarkGEMM/*/impl=purego). About 3× the naive loop; the fallback only.
// It reads packed B only (ldb = 4; the level has no directB).
func kernGo(a *float32, lda int, b *float32, ldb int, kc int, c *float32, ldc int, mr, nr int, bias *float32, flags uint64) {
	if kc <= 0 {
		return
	}
	row := func(r int) []float32 {
		return unsafe.Slice((*float32)(unsafe.Add(unsafe.Pointer(a), r*lda*4)), kc)
	}
	a0, a1, a2, a3 := row(0), row(1), row(2), row(3)
	bp := unsafe.Slice(b, kc*4)
	var c00, c01, c02, c03, c10, c11, c12, c13 float32
	var c20, c21, c22, c23, c30, c31, c32, c33 float32
	for kk := 0; kk < kc; kk++ {
		bk := bp[kk*4 : kk*4+4 : kk*4+4]
		b0, b1, b2, b3 := bk[0], bk[1], bk[2], bk[3]
		x := a0[kk]
		c00 += x * b0
		c01 += x * b1
		c02 += x * b2
		c03 += x * b3
		x = a1[kk]
		c10 += x * b0
		c11 += x * b1
		c12 += x * b2
		c13 += x * b3
		x = a2[kk]
		c20 += x * b0
		c21 += x * b1
		c22 += x * b2
		c23 += x * b3
		x = a3[kk]
		c30 += x * b0
		c31 += x * b1
		c32 += x * b2
		c33 += x * b3
	}
	t := [4][4]float32{
		{c00, c01, c02, c03},
		{c10, c11, c12, c13},
		{c20, c21, c22, c23},
		{c30, c31, c32, c33},
	}
	for r := 0; r < mr; r++ {
		crow := unsafe.Slice((*float32)(unsafe.Add(unsafe.Pointer(c), r*ldc*4)), nr)
		storeRow(crow, t[r][:nr], r, bias, flags)
	}
}

// storeRow writes one row of a finished tile into C with the kernel flags:
// the Go twin of the assembly store sequence, also used for edge tiles of
// fullOnly levels. r is the row within the tile (for the row bias).
func storeRow(crow, t []float32, r int, bias *float32, flags uint64) {
	var rb float32
	var cb []float32
	if flags&flagRowBias != 0 {
		rb = *(*float32)(unsafe.Add(unsafe.Pointer(bias), r*4))
	}
	if flags&flagColBias != 0 {
		cb = unsafe.Slice(bias, len(t))
	}
	for j, v := range t {
		if flags&flagAcc != 0 {
			v += crow[j]
		}
		if flags&flagRowBias != 0 {
			v += rb
		}
		if flags&flagColBias != 0 {
			v += cb[j]
		}
		if flags&flagReLU != 0 && v < 0 {
			v = 0
		}
		crow[j] = v
	}
}

// gemv4Go sets y[r] = A[r,:k]·x for four rows, unrolled 4× along the rows so
// that each x element is loaded once for four products.
func gemv4Go(a []float32, lda int, x []float32, k int, y *[4]float32) {
	x = x[:k]
	r0 := a[0:k]
	r1 := a[lda : lda+k]
	r2 := a[2*lda : 2*lda+k]
	r3 := a[3*lda : 3*lda+k]
	var s0, s1, s2, s3 float32
	for i, xv := range x {
		s0 += r0[i] * xv
		s1 += r1[i] * xv
		s2 += r2[i] * xv
		s3 += r3[i] * xv
	}
	*y = [4]float32{s0, s1, s2, s3}
}

// sumGo sums x with eight independent accumulators (unrolled 8×, so the loop
// is not bound by add latency).
func sumGo(x []float32) float32 {
	var s [8]float32
	i := 0
	for ; i+8 <= len(x); i += 8 {
		v := x[i : i+8 : i+8]
		s[0] += v[0]
		s[1] += v[1]
		s[2] += v[2]
		s[3] += v[3]
		s[4] += v[4]
		s[5] += v[5]
		s[6] += v[6]
		s[7] += v[7]
	}
	for ; i < len(x); i++ {
		s[0] += x[i]
	}
	return (s[0] + s[1]) + (s[2] + s[3]) + (s[4] + s[5]) + (s[6] + s[7])
}
