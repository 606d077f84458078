package llm

import (
	"fmt"
	"math"
	"sync"

	"github.com/infersim/infersim/models/internal/gemm"
)

// Matrix is a weight matrix stored [out][in] (Rows output features of
// Cols inputs each, PyTorch's Linear layout) in some format. The fast
// products dequantise inside the kernel, a row or a group at a time; no
// dequantised copy of the matrix is ever made.
type Matrix interface {
	Dims() (rows, cols int)
	// At dequantises one element (slow; the reference kernels use it).
	At(i, j int) float32
	// Row dequantises row i into dst[:cols].
	Row(dst []float32, i int)
	// MulVec sets y[:rows] = W·x.
	MulVec(w *Workers, y, x []float32)
	// MulMat sets y (n × rows) = x (n × cols) · Wᵀ: n tokens at once.
	MulMat(w *Workers, y, x []float32, n int)
	// Bytes is the memory the matrix occupies in this package.
	Bytes() int64
	// Format names the storage.
	Format() string
}

// Workers runs the kernels on a number of threads: the fp32 products on
// a gemm pool, the quantised ones by splitting rows across goroutines.
type Workers struct {
	threads int
	pool    *gemm.Pool
}

// NewWorkers starts threads workers (≤ 0: one).
func NewWorkers(threads int) *Workers {
	threads = max(threads, 1)
	return &Workers{threads: threads, pool: gemm.NewPool(threads)}
}

// Threads is the worker count.
func (w *Workers) Threads() int { return w.threads }

// Close stops the workers.
func (w *Workers) Close() { w.pool.Close() }

// parallelWork is the number of multiply-adds under which a kernel runs
// on the calling goroutine alone: waking a goroutine costs about a
// microsecond, a few thousand multiply-adds.
const parallelWork = 1 << 15

// rows runs f over [0, n) split into contiguous chunks, one per thread,
// when work (multiply-adds) is large enough.
func (w *Workers) rows(n int, work int64, f func(lo, hi int)) {
	t := w.threads
	if t <= 1 || work < parallelWork || n < 2 {
		f(0, n)
		return
	}
	t = min(t, n)
	var wg sync.WaitGroup
	for k := range t {
		lo, hi := k*n/t, (k+1)*n/t
		if k == t-1 {
			f(lo, hi)
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(lo, hi)
		}()
	}
	wg.Wait()
}

// F32Matrix is a float32 matrix.
type F32Matrix struct {
	R, C int
	Data []float32 // R·C, row-major
}

// NewF32Matrix wraps data (rows·cols values, row-major).
func NewF32Matrix(rows, cols int, data []float32) *F32Matrix {
	if len(data) != rows*cols {
		panic(fmt.Sprintf("llm: NewF32Matrix: %d values for %d×%d", len(data), rows, cols))
	}
	return &F32Matrix{rows, cols, data}
}

// Dims implements Matrix.
func (m *F32Matrix) Dims() (int, int) { return m.R, m.C }

// At implements Matrix.
func (m *F32Matrix) At(i, j int) float32 { return m.Data[i*m.C+j] }

// Row implements Matrix.
func (m *F32Matrix) Row(dst []float32, i int) { copy(dst[:m.C], m.Data[i*m.C:(i+1)*m.C]) }

// MulVec implements Matrix with the gemm package's Sgemv.
func (m *F32Matrix) MulVec(w *Workers, y, x []float32) {
	gemm.Sgemv(w.pool, m.R, m.C, m.Data, m.C, x, y, gemm.Epilogue{})
}

// MulMat implements Matrix with the gemm package's SgemmNT.
func (m *F32Matrix) MulMat(w *Workers, y, x []float32, n int) {
	if n == 1 {
		m.MulVec(w, y, x)
		return
	}
	gemm.SgemmNT(w.pool, n, m.R, m.C, x, m.C, m.Data, m.C, y, m.R, gemm.Epilogue{})
}

// Bytes implements Matrix.
func (m *F32Matrix) Bytes() int64 { return 4 * int64(len(m.Data)) }

// Format implements Matrix.
func (m *F32Matrix) Format() string { return "f32" }

// Q8Matrix is symmetric int8 with one float32 scale per row: W[i][j] =
// Scale[i] · Q[i·C + j].
type Q8Matrix struct {
	R, C  int
	Q     []int8
	Scale []float32
}

// QuantizeQ8 quantises a float32 matrix to int8 per row (round to
// nearest, scale = max |w| / 127).
func QuantizeQ8(m *F32Matrix) *Q8Matrix {
	q := &Q8Matrix{R: m.R, C: m.C, Q: make([]int8, m.R*m.C), Scale: make([]float32, m.R)}
	for i := range m.R {
		row := m.Data[i*m.C : (i+1)*m.C]
		var amax float32
		for _, v := range row {
			amax = max(amax, float32(math.Abs(float64(v))))
		}
		s := amax / 127
		q.Scale[i] = s
		if s == 0 {
			continue
		}
		inv := 1 / s
		for j, v := range row {
			q.Q[i*m.C+j] = int8(max(-127, min(127, math.Round(float64(v*inv)))))
		}
	}
	return q
}

// Dims implements Matrix.
func (m *Q8Matrix) Dims() (int, int) { return m.R, m.C }

// At implements Matrix.
func (m *Q8Matrix) At(i, j int) float32 { return m.Scale[i] * float32(m.Q[i*m.C+j]) }

// Row implements Matrix.
func (m *Q8Matrix) Row(dst []float32, i int) {
	s, q := m.Scale[i], m.Q[i*m.C:(i+1)*m.C]
	for j, v := range q {
		dst[j] = s * float32(v)
	}
}

// dotQ8 is Σ q[j]·x[j] with eight accumulators (bounds checks hoisted
// by reslicing each block of eight).
func dotQ8(q []int8, x []float32) float32 {
	x = x[:len(q)]
	var a0, a1, a2, a3, a4, a5, a6, a7 float32
	j := 0
	for ; j+8 <= len(q); j += 8 {
		qq, xx := q[j:j+8:j+8], x[j:j+8:j+8]
		a0 += float32(qq[0]) * xx[0]
		a1 += float32(qq[1]) * xx[1]
		a2 += float32(qq[2]) * xx[2]
		a3 += float32(qq[3]) * xx[3]
		a4 += float32(qq[4]) * xx[4]
		a5 += float32(qq[5]) * xx[5]
		a6 += float32(qq[6]) * xx[6]
		a7 += float32(qq[7]) * xx[7]
	}
	for ; j < len(q); j++ {
		a0 += float32(q[j]) * x[j]
	}
	return ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))
}

// MulVec implements Matrix: one fused dequantise-and-dot per row.
func (m *Q8Matrix) MulVec(w *Workers, y, x []float32) {
	w.rows(m.R, int64(m.R)*int64(m.C), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			y[i] = m.Scale[i] * dotQ8(m.Q[i*m.C:(i+1)*m.C], x)
		}
	})
}

// MulMat implements Matrix: panels of rows are dequantised and
// multiplied by the fp32 GEMM (mulMatPanel).
func (m *Q8Matrix) MulMat(w *Workers, y, x []float32, n int) {
	if n == 1 {
		m.MulVec(w, y, x)
		return
	}
	mulMatPanel(w, m, y, x, n)
}

// Bytes implements Matrix.
func (m *Q8Matrix) Bytes() int64 { return int64(len(m.Q)) + 4*int64(len(m.Scale)) }

// Format implements Matrix.
func (m *Q8Matrix) Format() string { return "int8" }

// Q4Matrix is 4-bit symmetric group quantisation: each row is cut into
// groups of G consecutive elements (the last may be shorter), each with a
// float32 scale; W[i][j] = Scale[i·groups + j/G] · (q − 8), q a nibble,
// element j of a row in the low nibble of byte j/2 when j is even, the high
// nibble when odd. Rows start on a byte boundary.
type Q4Matrix struct {
	R, C, G int
	Q       []byte // R rows of (C+1)/2 bytes
	Scale   []float32
}

func (m *Q4Matrix) stride() int { return (m.C + 1) / 2 }
func (m *Q4Matrix) groups() int { return (m.C + m.G - 1) / m.G }

// QuantizeQ4 quantises a float32 matrix to 4 bits in groups of g (even)
// elements: scale = max |w| / 7 per group, q = round(w/scale) + 8 in
// [1, 15].
func QuantizeQ4(m *F32Matrix, g int) *Q4Matrix {
	if g <= 0 || g%2 != 0 {
		panic(fmt.Sprintf("llm: QuantizeQ4: group size %d, want a positive even number", g))
	}
	q := &Q4Matrix{R: m.R, C: m.C, G: g}
	q.Q = make([]byte, m.R*q.stride())
	q.Scale = make([]float32, m.R*q.groups())
	for i := range m.R {
		row := m.Data[i*m.C : (i+1)*m.C]
		for k := range q.groups() {
			grp := row[k*g : min((k+1)*g, m.C)]
			var amax float32
			for _, v := range grp {
				amax = max(amax, float32(math.Abs(float64(v))))
			}
			s := amax / 7
			q.Scale[i*q.groups()+k] = s
			for jj, v := range grp {
				j := k*g + jj
				n := 8
				if s != 0 {
					n = int(max(-7, min(7, math.Round(float64(v/s))))) + 8
				}
				b := &q.Q[i*q.stride()+j/2]
				if j%2 == 0 {
					*b = *b&0xF0 | byte(n)
				} else {
					*b = *b&0x0F | byte(n)<<4
				}
			}
		}
	}
	return q
}

// Dims implements Matrix.
func (m *Q4Matrix) Dims() (int, int) { return m.R, m.C }

// At implements Matrix.
func (m *Q4Matrix) At(i, j int) float32 {
	b := m.Q[i*m.stride()+j/2]
	n := b & 0x0F
	if j%2 == 1 {
		n = b >> 4
	}
	return m.Scale[i*m.groups()+j/m.G] * float32(int(n)-8)
}

// nib is the signed value of each nibble.
var nib = [16]float32{-8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7}

// Row implements Matrix.
func (m *Q4Matrix) Row(dst []float32, i int) {
	q := m.Q[i*m.stride() : (i+1)*m.stride()]
	sc := m.Scale[i*m.groups() : (i+1)*m.groups()]
	for k, s := range sc {
		lo, hi := k*m.G, min((k+1)*m.G, m.C)
		j := lo
		for ; j+1 < hi; j += 2 {
			b := q[j/2]
			dst[j] = s * nib[b&0x0F]
			dst[j+1] = s * nib[b>>4]
		}
		if j < hi {
			dst[j] = s * nib[q[j/2]&0x0F]
		}
	}
}

// nibPair holds the two signed values of each byte, low nibble first.
var nibPair = func() (t [256][2]float32) {
	for b := range 256 {
		t[b] = [2]float32{nib[b&0x0F], nib[b>>4]}
	}
	return t
}()

// dotQ4Row is Σ_j W[i][j]·x[j] for row i: per group, the nibble dot
// product (eight accumulators, one table load per byte) times the group's
// scale.
func (m *Q4Matrix) dotQ4Row(i int, x []float32) float32 {
	q := m.Q[i*m.stride() : (i+1)*m.stride()]
	sc := m.Scale[i*m.groups() : (i+1)*m.groups()]
	var total float32
	for k, s := range sc {
		lo, hi := k*m.G, min((k+1)*m.G, m.C)
		var a0, a1, a2, a3, a4, a5, a6, a7 float32
		j := lo
		for ; j+8 <= hi; j += 8 {
			qq, xx := q[j/2:j/2+4:j/2+4], x[j:j+8:j+8]
			p0, p1, p2, p3 := &nibPair[qq[0]], &nibPair[qq[1]], &nibPair[qq[2]], &nibPair[qq[3]]
			a0 += p0[0] * xx[0]
			a1 += p0[1] * xx[1]
			a2 += p1[0] * xx[2]
			a3 += p1[1] * xx[3]
			a4 += p2[0] * xx[4]
			a5 += p2[1] * xx[5]
			a6 += p3[0] * xx[6]
			a7 += p3[1] * xx[7]
		}
		for ; j < hi; j++ {
			a0 += nibPair[q[j/2]][j%2] * x[j]
		}
		total += s * (((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)))
	}
	return total
}

// MulVec implements Matrix.
func (m *Q4Matrix) MulVec(w *Workers, y, x []float32) {
	x = x[:m.C]
	w.rows(m.R, int64(m.R)*int64(m.C), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			y[i] = m.dotQ4Row(i, x)
		}
	})
}

// MulMat implements Matrix.
func (m *Q4Matrix) MulMat(w *Workers, y, x []float32, n int) {
	if n == 1 {
		m.MulVec(w, y, x)
		return
	}
	mulMatPanel(w, m, y, x, n)
}

// Bytes implements Matrix.
func (m *Q4Matrix) Bytes() int64 { return int64(len(m.Q)) + 4*int64(len(m.Scale)) }

// Format implements Matrix.
func (m *Q4Matrix) Format() string { return fmt.Sprintf("q4-g%d", m.G) }

// mulMatPanel is the batched product of a quantised matrix: panels of
// panelRows rows are dequantised into one buffer (a few hundred KB, never
// the whole matrix) and multiplied with all n inputs by the fp32 SgemmNT,
// so the dequantisation is paid once per call and the arithmetic runs on
// the SIMD kernel.
func mulMatPanel(w *Workers, m Matrix, y, x []float32, n int) {
	rows, cols := m.Dims()
	const panelRows = 64
	buf := make([]float32, min(panelRows, rows)*cols)
	for r0 := 0; r0 < rows; r0 += panelRows {
		r1 := min(r0+panelRows, rows)
		for i := r0; i < r1; i++ {
			m.Row(buf[(i-r0)*cols:(i-r0+1)*cols], i)
		}
		// C = y[r0:], n rows of r1−r0 at stride rows.
		gemm.SgemmNT(w.pool, n, r1-r0, cols, x, cols, buf, cols, y[r0:], rows, gemm.Epilogue{})
	}
}

// dot is Σ a[i]·b[i] with eight accumulators.
func dot(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3, s4, s5, s6, s7 float32
	i := 0
	for ; i+8 <= len(a); i += 8 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
		s4 += a[i+4] * b[i+4]
		s5 += a[i+5] * b[i+5]
		s6 += a[i+6] * b[i+6]
		s7 += a[i+7] * b[i+7]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
}

// MulVecRef is the reference y = W·x: element by element through At, in
// float64.
func MulVecRef(m Matrix, y, x []float32) {
	rows, cols := m.Dims()
	for i := range rows {
		var s float64
		for j := range cols {
			s += float64(m.At(i, j)) * float64(x[j])
		}
		y[i] = float32(s)
	}
}

// MulMatRef is the reference y (n × rows) = x (n × cols) · Wᵀ.
func MulMatRef(m Matrix, y, x []float32, n int) {
	rows, cols := m.Dims()
	for t := range n {
		MulVecRef(m, y[t*rows:(t+1)*rows], x[t*cols:(t+1)*cols])
	}
}
