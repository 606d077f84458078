package gemm

import (
	"fmt"
	"os"
)

// A level is one implementation of the kernels: AVX-512, AVX2+FMA or pure Go.
// The driver (gemm.go) is shared; only the micro-kernel, its tile size and
// the four-row dot product differ.
type level struct {
	name   string
	mr, nr int // micro-tile rows (divides packMR) and columns (divides nrAlign)
	// fullOnly kernels handle only full mr×nr tiles; the driver routes edge
	// tiles through the worker's scratch tile.
	fullOnly bool
	// kernel computes C[0:mr][0:nr] (+)= A[0:MR][0:kc]·B[0:kc][0:nr], where A
	// is read row-major at stride lda (all MR rows readable, zero beyond mr)
	// and B at stride ldb: a packed panel (ldb = nr, zero-padded to NR
	// columns) or, with directB, the caller's B, then applies the flags.
	kernel func(a *float32, lda int, b *float32, ldb int, kc int, c *float32, ldc int, mr, nr int, bias *float32, flags uint64)
	// directB kernels load only the nr valid columns of each B row (masked
	// loads), so they may read B in place instead of a packed panel.
	directB bool
	// kernel8 and kernel4, if not nil, do the same for at most 8 and 4 rows
	// (the last rows of C when m is not a multiple of mr), saving the
	// multiply-adds of the padding rows; they sum in the same order.
	kernel8, kernel4 func(a *float32, lda int, b *float32, ldb int, kc int, c *float32, ldc int, mr, nr int, bias *float32, flags uint64)
	// gemv4 sets y[r] = A[r,:k]·x for r < 4 (rows at stride lda).
	gemv4 func(a []float32, lda int, x []float32, k int, y *[4]float32)
	// dot4, if not nil, sets out[4r+c] = A[r,:k]·B[c,:k] for four rows of
	// each operand; SgemmNT then uses it for every shape (nt.go).
	dot4 func(a []float32, lda int, b []float32, ldb int, k int, out *[16]float32)
}

// Kernel flags (bit set: the kernel does it at the store).
const (
	flagAcc     = 1 << iota // add the tile to the existing C (k blocks after the first)
	flagRowBias             // add bias[r] to row r
	flagColBias             // add bias[j] to column j
	flagReLU                // max(x, 0)
)

// packMR is the row padding of A panels (PackedA, scratch copies): every
// level's mr divides it, so a PackedA serves all levels.
const packMR = 12

// nrAlign is the column granularity of the thread split; every level's nr
// divides it.
const nrAlign = 32

var levelGo = &level{name: "purego", mr: 4, nr: 4, kernel: kernGo, gemv4: gemv4Go}

// levels lists the levels usable on this CPU, fastest first, pure Go last.
var levels = append(append([]*level(nil), asmLevels...), levelGo)

// cur is the level used by all calls; chosen once at init.
var cur *level

func init() { initLevel(os.Getenv("INFERSIM_GEMM")) }

// initLevel picks the fastest level, or the one named by INFERSIM_GEMM
// ("avx512", "avx2", "purego"); an unknown or unsupported name falls back to
// the fastest, so a typo cannot turn a fast build slow without a trace in
// Dispatch().
func initLevel(want string) {
	cur = levels[0]
	for _, l := range levels {
		if l.name == want {
			cur = l
		}
	}
}

// Dispatch reports the kernel level in use: "avx512", "avx2" or "purego".
// Calibration output should record it next to its timings.
func Dispatch() string { return cur.name }

// setLevel switches the level by name and returns a function restoring the
// previous one. For tests and benchmarks only: not safe while calls run.
func setLevel(name string) (restore func(), err error) {
	old := cur
	for _, l := range levels {
		if l.name == name {
			cur = l
			return func() { cur = old }, nil
		}
	}
	return nil, fmt.Errorf("gemm: level %q not available on this CPU", name)
}

// Levels names the levels usable on this CPU, fastest first ("purego" is
// always last). For tests and benchmarks outside this package that compare
// results across levels.
func Levels() []string {
	names := make([]string, len(levels))
	for i, l := range levels {
		names[i] = l.name
	}
	return names
}

// SetLevel switches every call to the named level and returns a function
// restoring the previous one. For tests and benchmarks only: not safe while
// any call runs.
func SetLevel(name string) (restore func(), err error) { return setLevel(name) }
