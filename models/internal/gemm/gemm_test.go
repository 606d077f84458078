package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// The tolerance. Both the fast kernels and the references sum k float32
// products, in different orders (blocked k, FMA vs separate multiply-add,
// SIMD lanes). Each differs from the exact sum by at most γ·Σ|a·b| with
// γ = n·u/(1-n·u) ≈ n·2⁻²⁴ for n = k+2 roundings (k products and sums, the
// block accumulation into C and the bias), Higham, "Accuracy and Stability of
// Numerical Algorithms", §3.1. So |fast − ref| ≤ 2·(k+2)·2⁻²⁴·Σ_l|a_il·b_lj|
// (+ |bias|·2⁻²³), computed per element in float64. ReLU is 1-Lipschitz and
// keeps the bound. This is a worst-case bound; a bug (a wrong index, a
// missed tile) breaks it by orders of magnitude.
func tolerance(k int, absDot, bias float64) float64 {
	const u = 1.0 / (1 << 24)
	return 2*float64(k+2)*u*absDot + 2*u*math.Abs(bias) + 1e-30
}

func randSlice(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(rng.NormFloat64())
	}
	return s
}

// withLevels runs f once per dispatch level available here (avx512, avx2 and
// purego on this machine), so one `go test` exercises the fallback too.
func withLevels(t *testing.T, f func(t *testing.T)) {
	for _, l := range levels {
		t.Run(l.name, func(t *testing.T) {
			restore, err := setLevel(l.name)
			if err != nil {
				t.Fatal(err)
			}
			defer restore()
			f(t)
		})
	}
}

type gemmCase struct {
	m, n, k          int
	lda, ldb, ldc    int
	bias, relu, tran bool
}

func (c gemmCase) String() string {
	return fmt.Sprintf("m%d_n%d_k%d_ld%d,%d,%d_bias%v_relu%v", c.m, c.n, c.k, c.lda, c.ldb, c.ldc, c.bias, c.relu)
}

// checkGemm runs Sgemm (or PackedA.Mul when packed, SgemmNT when c.tran) on
// random data and compares with the reference element by element.
func checkGemm(t *testing.T, p *Pool, c gemmCase, packed bool, seed uint64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	a := randSlice(rng, max(1, (c.m-1)*c.lda+c.k))
	var b []float32
	if c.tran {
		b = randSlice(rng, max(1, (c.n-1)*c.ldb+c.k))
	} else {
		b = randSlice(rng, max(1, (c.k-1)*c.ldb+c.n))
	}
	var ep Epilogue
	nb := c.m
	if c.tran {
		nb = c.n
	}
	if c.bias {
		ep.Bias = randSlice(rng, nb)
	}
	ep.ReLU = c.relu
	size := max(1, (c.m-1)*c.ldc+c.n)
	got := randSlice(rng, size) // garbage: the kernels must overwrite, not accumulate
	want := make([]float32, size)
	copy(want, got)
	switch {
	case c.tran:
		SgemmNT(p, c.m, c.n, c.k, a, c.lda, b, c.ldb, got, c.ldc, ep)
		SgemmNTRef(c.m, c.n, c.k, a, c.lda, b, c.ldb, want, c.ldc, ep)
	case packed:
		PackA(c.m, c.k, a, c.lda).Mul(p, c.n, b, c.ldb, got, c.ldc, ep)
		SgemmRef(c.m, c.n, c.k, a, c.lda, b, c.ldb, want, c.ldc, ep)
	default:
		Sgemm(p, c.m, c.n, c.k, a, c.lda, b, c.ldb, got, c.ldc, ep)
		SgemmRef(c.m, c.n, c.k, a, c.lda, b, c.ldb, want, c.ldc, ep)
	}
	bad := 0
	for i := range size {
		row, col := i/c.ldc, i%c.ldc
		if row >= c.m || col >= c.n {
			if got[i] != want[i] {
				t.Fatalf("%v: wrote outside C at (%d,%d)", c, row, col)
			}
			continue
		}
		var abs, bias float64
		for l := range c.k {
			var bv float32
			if c.tran {
				bv = b[col*c.ldb+l]
			} else {
				bv = b[l*c.ldb+col]
			}
			abs += math.Abs(float64(a[row*c.lda+l]) * float64(bv))
		}
		if c.bias {
			if c.tran {
				bias = float64(ep.Bias[col])
			} else {
				bias = float64(ep.Bias[row])
			}
		}
		if d := math.Abs(float64(got[i]) - float64(want[i])); !(d <= tolerance(c.k, abs, bias)) {
			if bad++; bad < 5 {
				t.Errorf("%v packed=%v: C[%d][%d] = %v, want %v (diff %g > tol %g)",
					c, packed, row, col, got[i], want[i], d, tolerance(c.k, abs, bias))
			}
		}
	}
	if bad > 0 {
		t.Fatalf("%v: %d elements off", c, bad)
	}
}

var oddSizes = []int{1, 3, 13, 17, 31, 127, 129, 255}

// oddCases mixes every (m, n, k) of oddSizes with strides wider than the
// rows and the four epilogues, plus shapes crossing the k (kcMax) and n
// (ncMax) blocks and the CNN shapes' awkward edges.
func oddCases(short bool) []gemmCase {
	var cs []gemmCase
	i := 0
	for _, m := range oddSizes {
		for _, n := range oddSizes {
			for _, k := range oddSizes {
				i++
				if short && i%7 != 0 {
					continue
				}
				cs = append(cs, gemmCase{m: m, n: n, k: k,
					lda: k + i%5, ldb: n + i%3, ldc: n + i%4,
					bias: i%2 == 0, relu: i%4 < 2})
			}
		}
	}
	cs = append(cs,
		gemmCase{m: 37, n: 75, k: 700, lda: 701, ldb: 80, ldc: 75, bias: true, relu: true},
		gemmCase{m: 128, n: 729, k: 1200, lda: 1200, ldb: 729, ldc: 729, bias: true},
		gemmCase{m: 13, n: 1100, k: 513, lda: 520, ldb: 1100, ldc: 1101, relu: true},
		gemmCase{m: 96, n: 100, k: 363, lda: 363, ldb: 100, ldc: 100, bias: true, relu: true},
		gemmCase{m: 5, n: 7, k: 0, lda: 1, ldb: 7, ldc: 7, bias: true, relu: true},
		// narrow C: split across workers by rows (planGemm)
		gemmCase{m: 301, n: 20, k: 400, lda: 405, ldb: 21, ldc: 20, bias: true, relu: true},
		gemmCase{m: 0, n: 7, k: 3, lda: 3, ldb: 7, ldc: 7},
	)
	return cs
}

func TestSgemmOddShapes(t *testing.T) {
	p := NewPool(2)
	defer p.Close()
	cases := oddCases(testing.Short())
	withLevels(t, func(t *testing.T) {
		for i, c := range cases {
			checkGemm(t, p, c, i%3 == 1, uint64(i))
		}
	})
}

func TestSgemmNTOddShapes(t *testing.T) {
	p := NewPool(2)
	defer p.Close()
	cases := oddCases(testing.Short())
	cases = append(cases,
		gemmCase{m: 40, n: 300, k: 600, lda: 600, ldb: 601, ldc: 300, bias: true, relu: true},
		// k blocked by ntTile (4·(m+4)·k > ntWholeK), odd m and n edges.
		gemmCase{m: 101, n: 39, k: 2100, lda: 2101, ldb: 2100, ldc: 40, bias: true, relu: true})
	withLevels(t, func(t *testing.T) {
		for i, c := range cases {
			if i%2 == 1 && !testing.Short() || i%8 == 1 || i >= len(cases)-2 {
				c.tran = true
				c.ldb = c.k + i%3
				checkGemm(t, p, c, false, uint64(i))
			}
		}
	})
}

func TestSgemv(t *testing.T) {
	p := NewPool(2)
	defer p.Close()
	withLevels(t, func(t *testing.T) {
		for i, m := range []int{1, 3, 4, 13, 17, 31, 127, 129, 255, 1000, 4096} {
			for _, k := range []int{0, 1, 3, 13, 17, 31, 127, 129, 255, 4096} {
				rng := rand.New(rand.NewPCG(uint64(m), uint64(k)))
				lda := max(1, k+i%3)
				a := randSlice(rng, max(1, (m-1)*lda+k))
				x := randSlice(rng, k)
				ep := Epilogue{ReLU: i%2 == 0}
				if k%2 == 1 {
					ep.Bias = randSlice(rng, m)
				}
				got, want := randSlice(rng, m+1), make([]float32, m+1)
				want[m] = got[m]
				Sgemv(p, m, k, a, lda, x, got, ep)
				SgemvRef(m, k, a, lda, x, want, ep)
				for r := range m {
					var abs, bias float64
					for l := range k {
						abs += math.Abs(float64(a[r*lda+l]) * float64(x[l]))
					}
					if ep.Bias != nil {
						bias = float64(ep.Bias[r])
					}
					if d := math.Abs(float64(got[r] - want[r])); !(d <= tolerance(k, abs, bias)) {
						t.Fatalf("m=%d k=%d: y[%d] = %v, want %v", m, k, r, got[r], want[r])
					}
				}
				if got[m] != want[m] {
					t.Fatalf("m=%d k=%d: wrote past y", m, k)
				}
			}
		}
	})
}

// TestDeterministicThreads checks the Determinism section of doc.go: for a
// given level, 1, 2 and 3 workers give bit-identical results, because the k
// loop is never split between workers.
func TestDeterministicThreads(t *testing.T) {
	for _, s := range []struct{ m, n, k int }{
		{100, 333, 700}, // split by columns
		{300, 20, 500},  // split by rows
	} {
		t.Run(fmt.Sprintf("%dx%dx%d", s.m, s.n, s.k), func(t *testing.T) {
			checkDeterministic(t, s.m, s.n, s.k)
		})
	}
}

func checkDeterministic(t *testing.T, m, n, k int) {
	rng := rand.New(rand.NewPCG(1, 2))
	a, b := randSlice(rng, m*k), randSlice(rng, k*n)
	bt := randSlice(rng, n*k)
	bias := randSlice(rng, max(m, n))
	ep := Epilogue{Bias: bias, ReLU: true}
	withLevels(t, func(t *testing.T) {
		var ref [4][]float32
		for _, threads := range []int{1, 2, 3} {
			p := NewPool(threads)
			outs := [4][]float32{make([]float32, m*n), make([]float32, m*n), make([]float32, m), make([]float32, 5*n)}
			Sgemm(p, m, n, k, a, k, b, n, outs[0], n, ep)
			SgemmNT(p, m, n, k, a, k, bt, k, outs[1], n, ep)
			Sgemv(p, m, k, a, k, b[:k], outs[2], ep)
			SgemmNT(p, 5, n, k, a, k, bt, k, outs[3], n, ep)
			p.Close()
			if threads == 1 {
				ref = outs
				continue
			}
			for o := range outs {
				for i := range outs[o] {
					if math.Float32bits(outs[o][i]) != math.Float32bits(ref[o][i]) {
						t.Fatalf("output %d, %d threads: element %d = %v, 1 thread %v", o, threads, i, outs[o][i], ref[o][i])
					}
				}
			}
		}
	})
}

// TestPackedAMatchesSgemm: PackedA.Mul is bit-identical to Sgemm (same
// kernels, same k blocks, same summation order).
func TestPackedAMatchesSgemm(t *testing.T) {
	p := NewPool(2)
	defer p.Close()
	rng := rand.New(rand.NewPCG(3, 4))
	const m, n, k = 50, 301, 1024
	a, b := randSlice(rng, m*k), randSlice(rng, k*n)
	withLevels(t, func(t *testing.T) {
		c1, c2 := make([]float32, m*n), make([]float32, m*n)
		Sgemm(p, m, n, k, a, k, b, n, c1, n, Epilogue{})
		PackA(m, k, a, k).Mul(p, n, b, n, c2, n, Epilogue{})
		for i := range c1 {
			if c1[i] != c2[i] {
				t.Fatalf("element %d: Sgemm %v, PackedA.Mul %v", i, c1[i], c2[i])
			}
		}
	})
}

// matPacker is a BPacker over a B matrix in memory: what Mul packs.
type matPacker struct {
	b   []float32
	ldb int
}

func (p *matPacker) PackB(dst []float32, pc, kc, jc, nc, nr int) {
	packB(dst, p.b, p.ldb, pc, kc, jc, nc, nr)
}

// TestMulPackedMatchesMul: MulPacked with a BPacker that packs a matrix B is
// bit-identical to Mul on B, for every level and thread count, including a
// small m (where Mul reads B in place on directB levels) and an n that is
// not a multiple of any nr.
func TestMulPackedMatchesMul(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, s := range []struct{ m, n, k int }{{7, 301, 600}, {24, 77, 33}, {50, 1100, 300}, {130, 45, 9}} {
		a, b := randSlice(rng, s.m*s.k), randSlice(rng, s.k*s.n)
		ep := Epilogue{Bias: randSlice(rng, s.m), ReLU: true}
		pa := PackA(s.m, s.k, a, s.k)
		t.Run(fmt.Sprintf("%dx%dx%d", s.m, s.n, s.k), func(t *testing.T) {
			withLevels(t, func(t *testing.T) {
				for _, threads := range []int{1, 2} {
					p := NewPool(threads)
					c1, c2 := make([]float32, s.m*s.n), make([]float32, s.m*s.n)
					pa.Mul(p, s.n, b, s.n, c1, s.n, ep)
					pa.MulPacked(p, s.n, &matPacker{b, s.n}, c2, s.n, ep)
					p.Close()
					for i := range c1 {
						if math.Float32bits(c1[i]) != math.Float32bits(c2[i]) {
							t.Fatalf("%d threads, element %d: Mul %v, MulPacked %v", threads, i, c1[i], c2[i])
						}
					}
				}
			})
		})
	}
}

func TestZeroAllocs(t *testing.T) {
	if testing.CoverMode() != "" {
		t.Skip("coverage instrumentation")
	}
	p := NewPool(2)
	defer p.Close()
	rng := rand.New(rand.NewPCG(5, 6))
	const m, n, k = 96, 700, 363
	a, b, c := randSlice(rng, m*k), randSlice(rng, k*n), make([]float32, m*n)
	bt := randSlice(rng, n*k)
	ep := Epilogue{Bias: randSlice(rng, n), ReLU: true}
	pa := PackA(m, k, a, k)
	mp := &matPacker{b, n}
	withLevels(t, func(t *testing.T) {
		for name, f := range map[string]func(){
			"Sgemm":        func() { Sgemm(p, m, n, k, a, k, b, n, c, n, ep) },
			"PackedA.Mul":  func() { pa.Mul(p, n, b, n, c, n, ep) },
			"MulPacked":    func() { pa.MulPacked(p, n, mp, c, n, ep) },
			"Sgemv":        func() { Sgemv(p, m, k, a, k, b, c, ep) },
			"SgemmNT":      func() { SgemmNT(p, m, n, k, a, k, bt, k, c, n, ep) },
			"SgemmNT/dots": func() { SgemmNT(p, 4, n, k, a, k, bt, k, c, n, ep) },
		} {
			if allocs := testing.AllocsPerRun(20, f); allocs != 0 {
				t.Errorf("%s: %v allocations per call, want 0", name, allocs)
			}
		}
	})
}

func TestPanics(t *testing.T) {
	p := NewPool(1)
	defer p.Close()
	s := make([]float32, 100)
	for name, f := range map[string]func(){
		"negative m":  func() { Sgemm(p, -1, 2, 2, s, 2, s, 2, s, 2, Epilogue{}) },
		"lda < k":     func() { Sgemm(p, 2, 2, 3, s, 2, s, 2, s, 2, Epilogue{}) },
		"short c":     func() { Sgemm(p, 10, 10, 1, s, 1, s, 10, s[:50], 10, Epilogue{}) },
		"short bias":  func() { Sgemm(p, 4, 2, 2, s, 2, s, 2, s, 2, Epilogue{Bias: s[:3]}) },
		"NT bias":     func() { SgemmNT(p, 2, 5, 2, s, 2, s, 2, s, 5, Epilogue{Bias: s[:4]}) },
		"gemv short":  func() { Sgemv(p, 3, 4, s, 4, s[:3], s, Epilogue{}) },
		"packed ldb":  func() { PackA(2, 3, s, 3).Mul(p, 4, s, 3, s, 4, Epilogue{}) },
		"nil packer":  func() { PackA(2, 3, s, 3).MulPacked(p, 4, nil, s, 4, Epilogue{}) },
		"nil pool":    func() { Sgemm(nil, 1, 1, 1, s, 1, s, 1, s, 1, Epilogue{}) },
		"after Close": func() { q := NewPool(2); q.Close(); Sgemv(q, 1, 1, s, 1, s, s, Epilogue{}) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

func TestDispatch(t *testing.T) {
	t.Logf("dispatch level: %s (available: %d)", Dispatch(), len(levels))
	if levels[len(levels)-1] != levelGo {
		t.Fatal("purego level missing")
	}
	if _, err := setLevel("nonsense"); err == nil {
		t.Fatal("setLevel accepted an unknown level")
	}
	old := cur
	initLevel("purego")
	if Dispatch() != "purego" {
		t.Errorf("INFERSIM_GEMM=purego gave %s", Dispatch())
	}
	initLevel("typo")
	if cur != levels[0] {
		t.Errorf("unknown name gave %s, want the fastest %s", cur.name, levels[0].name)
	}
	cur = old
}

// FuzzSgemm compares Sgemm, SgemmNT and Sgemv with the references on shapes
// up to 80×80×600 for the default level and the pure-Go one.
func FuzzSgemm(f *testing.F) {
	f.Add(uint8(13), uint8(17), uint16(31), uint8(3), uint8(1))
	f.Add(uint8(1), uint8(33), uint16(257), uint8(0), uint8(2))
	p := NewPool(2)
	f.Fuzz(func(t *testing.T, m, n uint8, k uint16, pad, mode uint8) {
		c := gemmCase{m: int(m % 80), n: int(n % 80), k: int(k % 600)}
		c.lda, c.ldb, c.ldc = max(1, c.k+int(pad%5)), max(1, c.n+int(pad%3)), max(1, c.n+int(pad%7))
		c.bias, c.relu = mode&1 != 0, mode&2 != 0
		for _, l := range []string{levels[0].name, "purego"} {
			restore, _ := setLevel(l)
			checkGemm(t, p, c, mode&4 != 0, uint64(mode))
			ct := c
			ct.tran, ct.ldb = true, max(1, c.k+int(pad%3))
			checkGemm(t, p, ct, false, uint64(pad))
			restore()
		}
	})
}

// TestPoolCleanup: a Pool dropped without Close stops its workers once
// collected.
func TestPoolCleanup(t *testing.T) {
	before := runtime.NumGoroutine()
	for range 10 {
		p := NewPool(3)
		Sgemv(p, 1, 1, []float32{1}, 1, []float32{1}, []float32{0}, Epilogue{})
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after dropping 10 pools, %d before", n, before)
	}
}

// countTask records which workers ran it.
type countTask struct{ calls [8]atomic.Int32 }

func (c *countTask) RunWorker(w int) { c.calls[w].Add(1) }

// TestPoolRun: Run calls each of min(parts, Threads()) workers exactly once,
// interleaved with GEMMs on the same workers, whether the workers are
// spinning (back to back) or parked (after a pause longer than Spin).
func TestPoolRun(t *testing.T) {
	p := NewPool(4)
	defer p.Close()
	a, x, y := []float32{1, 2, 3, 4}, []float32{1, 1}, make([]float32, 2)
	for i := range 200 {
		parts := i%6 + 1
		var c countTask
		p.Run(parts, &c)
		for w := range c.calls {
			want := int32(0)
			if w < min(parts, 4) {
				want = 1
			}
			if got := c.calls[w].Load(); got != want {
				t.Fatalf("run %d (parts %d): worker %d called %d times, want %d", i, parts, w, got, want)
			}
		}
		Sgemv(p, 2, 2, a, 2, x, y, Epilogue{})
		if i%50 == 49 {
			time.Sleep(2 * time.Millisecond) // let the workers park
		}
	}
	var c countTask
	if n := testing.AllocsPerRun(100, func() { p.Run(4, &c) }); n != 0 {
		t.Errorf("Run allocates %v times per call", n)
	}
}

// withWatchdog runs f on its own goroutine and fails the test if it has not
// returned within limit: a lost wake-up would otherwise hang the package's
// tests until go test's own timeout (CI hung 600 s in this package once).
func withWatchdog(t *testing.T, limit time.Duration, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(limit):
		t.Fatalf("still running after %v: a Pool call hung", limit)
	}
}

// TestPoolCallWhileCollected: a Pool that only the call in progress still
// references (the handle dropped, a collection running) is not closed under
// that call by its cleanup. That was CI's 600 s hang: the cleanup closed the
// workers' channels mid-call, the workers left without running their share,
// and the caller waited for them forever. Two-thread products (above
// parallelMinFlops) on pools made for the one call, with the collector
// running throughout.
func TestPoolCallWhileCollected(t *testing.T) {
	const m, n, k = 384, 512, 384 // 151 MFLOP, about a millisecond: split across both workers
	rng := rand.New(rand.NewPCG(21, 22))
	a, b := randSlice(rng, m*k), randSlice(rng, k*n)
	want := make([]float32, m*n)
	SgemmRef(m, n, k, a, k, b, n, want, n, Epilogue{})
	var stop atomic.Bool
	gcDone := make(chan struct{})
	go func() {
		defer close(gcDone)
		for !stop.Load() {
			runtime.GC()
		}
	}()
	defer func() { stop.Store(true); <-gcDone }()
	withWatchdog(t, 60*time.Second, func() {
		c := make([]float32, m*n)
		for i := range 300 {
			Sgemm(NewPool(2), m, n, k, a, k, b, n, c, n, Epilogue{})
			if i%50 == 0 {
				for j := range c {
					if d := math.Abs(float64(c[j] - want[j])); d > 1e-3 {
						t.Errorf("call %d: element %d = %v, want %v", i, j, c[j], want[j])
						return
					}
				}
			}
		}
	})
}

// TestPoolParkWake drives the wake-up protocol through its transitions: calls
// back to back (workers spinning), after pauses around Spin (workers about
// to park, or parking), and after pauses long enough to park and to see
// backstop wake-ups, with 2 to 4 threads and every part count, and checks
// each call's work was done once per worker. A lost wake-up fails it by the
// watchdog instead of hanging.
func TestPoolParkWake(t *testing.T) {
	pauses := []time.Duration{0, 10 * time.Microsecond, Spin - 5*time.Microsecond, Spin + 5*time.Microsecond, 300 * time.Microsecond, 3 * time.Millisecond}
	withWatchdog(t, 60*time.Second, func() {
		for threads := 2; threads <= 4; threads++ {
			p := NewPool(threads)
			for i := range 240 {
				parts := i%threads + 1
				var c countTask
				p.Run(parts, &c)
				for w := range threads {
					want := int32(0)
					if w < parts {
						want = 1
					}
					if got := c.calls[w].Load(); got != want {
						t.Errorf("threads %d run %d (parts %d): worker %d ran %d times, want %d", threads, i, parts, w, got, want)
					}
				}
				if d := pauses[(i/3)%len(pauses)]; d > 0 {
					time.Sleep(d)
				}
			}
			p.Close()
		}
	})
}
