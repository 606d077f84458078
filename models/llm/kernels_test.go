package llm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func randVec(rng *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(2*rng.Float64() - 1)
	}
	return v
}

// oddShapes are matrix shapes that exercise every remainder path: rows
// not a multiple of 4, columns odd and not a multiple of the groups.
var oddShapes = [][2]int{{1, 1}, {3, 5}, {7, 33}, {13, 65}, {31, 100}, {64, 257}, {129, 96}}

func matrices(rng *rand.Rand, rows, cols int) []Matrix {
	f := NewF32Matrix(rows, cols, randVec(rng, rows*cols))
	return []Matrix{f, QuantizeQ8(f), QuantizeQ4(f, 32), QuantizeQ4(f, 8)}
}

// dotBound is the float32 summation error bound n·u·Σ|aᵢbᵢ| (Higham,
// Accuracy and Stability of Numerical Algorithms, §3.1), u = 2⁻²⁴, with
// a factor 2 for the scale multiplications of the quantised kernels.
func dotBound(m Matrix, i int, x []float32) float64 {
	_, cols := m.Dims()
	var s float64
	for j := range cols {
		s += math.Abs(float64(m.At(i, j)) * float64(x[j]))
	}
	return 2*float64(cols+2)*math.Pow(2, -24)*s + 1e-30
}

func TestMatrixKernels(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, threads := range []int{1, 2} {
		w := NewWorkers(threads)
		for _, sh := range oddShapes {
			for _, m := range matrices(rng, sh[0], sh[1]) {
				rows, cols := m.Dims()
				for _, n := range []int{1, 3, 5} {
					x := randVec(rng, n*cols)
					got, want := make([]float32, n*rows), make([]float32, n*rows)
					m.MulMat(w, got, x, n)
					MulMatRef(m, want, x, n)
					for k := range got {
						b := dotBound(m, k%rows, x[(k/rows)*cols:])
						if d := math.Abs(float64(got[k] - want[k])); d > b {
							t.Fatalf("%s %d×%d n=%d threads=%d: y[%d] = %g, reference %g (|Δ| %g > bound %g)",
								m.Format(), rows, cols, n, threads, k, got[k], want[k], d, b)
						}
					}
				}
				// Row agrees with At exactly.
				row := make([]float32, cols)
				for i := range rows {
					m.Row(row, i)
					for j := range cols {
						if row[j] != m.At(i, j) {
							t.Fatalf("%s: Row(%d)[%d] = %g, At = %g", m.Format(), i, j, row[j], m.At(i, j))
						}
					}
				}
			}
		}
		w.Close()
	}
}

// TestQuantError holds quantisation to half a step of its scale.
func TestQuantError(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	f := NewF32Matrix(17, 75, randVec(rng, 17*75))
	q8, q4 := QuantizeQ8(f), QuantizeQ4(f, 32)
	for i := range 17 {
		for j := range 75 {
			w := float64(f.At(i, j))
			if d := math.Abs(float64(q8.At(i, j)) - w); d > float64(q8.Scale[i])/2*(1+1e-6) {
				t.Fatalf("q8 (%d,%d): error %g > scale/2 %g", i, j, d, q8.Scale[i]/2)
			}
			s := float64(q4.Scale[i*q4.groups()+j/32])
			if d := math.Abs(float64(q4.At(i, j)) - w); d > s/2*(1+1e-6) {
				t.Fatalf("q4 (%d,%d): error %g > scale/2 %g", i, j, d, s/2)
			}
		}
	}
	if got, want := q4.Bytes(), int64(17*38+17*3*4); got != want {
		t.Errorf("q4 bytes %d, want %d", got, want)
	}
}

func closeRel(t *testing.T, what string, got, want []float32, tol float64) {
	t.Helper()
	var scale float64
	for _, v := range want {
		scale = math.Max(scale, math.Abs(float64(v)))
	}
	for i := range want {
		if d := math.Abs(float64(got[i] - want[i])); d > tol*(scale+1e-30) {
			t.Fatalf("%s: [%d] = %g, reference %g (|Δ| %g > %g·%g)", what, i, got[i], want[i], d, tol, scale)
		}
	}
}

func TestNormKernels(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{1, 3, 7, 64, 577} {
		x, w, b := randVec(rng, n), randVec(rng, n), randVec(rng, n)
		for _, plus := range []bool{false, true} {
			got, want := make([]float32, n), make([]float32, n)
			RMSNormOp(got, x, w, 1e-6, plus)
			RMSNormRef(want, x, w, 1e-6, plus)
			closeRel(t, fmt.Sprintf("rmsnorm n=%d plusOne=%v", n, plus), got, want, 1e-6)
		}
		got, want := make([]float32, n), make([]float32, n)
		LayerNormOp(got, x, w, b, 1e-5)
		LayerNormRef(want, x, w, b, 1e-5)
		closeRel(t, fmt.Sprintf("layernorm n=%d", n), got, want, 1e-5)
		// In place.
		y := append([]float32(nil), x...)
		RMSNormOp(y, y, w, 1e-6, false)
		RMSNormRef(want, x, w, 1e-6, false)
		closeRel(t, "rmsnorm in place", y, want, 1e-6)
	}
}

func TestInvFreqLlama3(t *testing.T) {
	c, _ := Zoo("llama-3.2-1b")
	inv, err := InvFreq(c.HeadDim, c.RopeTheta, c.RopeScaling)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := InvFreq(c.HeadDim, c.RopeTheta, nil)
	// i = 0: wavelength 2π < 8192/4, kept. i = 31: 500000^(−62/64) ≈ 3.0e-6,
	// wavelength ≈ 2.1e6 > 8192/1: divided by 32. A wavelength between
	// 2048 and 8192 (i = 16: 500000^(−1/2) ≈ 1.41e-3, wavelength ≈ 4443)
	// is interpolated: smooth = (8192/4443 − 1)/3 ≈ 0.281.
	if inv[0] != 1 || math.Abs(inv[31]-plain[31]/32) > 1e-18 {
		t.Errorf("inv[0] = %g, inv[31] = %g (plain %g)", inv[0], inv[31], plain[31])
	}
	wave := 2 * math.Pi / plain[16]
	smooth := (8192/wave - 1) / 3
	if want := (1-smooth)*plain[16]/32 + smooth*plain[16]; math.Abs(inv[16]-want) > 1e-15 || smooth < 0.2 || smooth > 0.35 {
		t.Errorf("inv[16] = %g, want %g (smooth %g)", inv[16], want, smooth)
	}
	for i := 1; i < len(inv); i++ {
		if inv[i] >= inv[i-1] {
			t.Errorf("inv freq not decreasing at %d", i)
		}
	}
	if _, err := InvFreq(64, 1e4, &RopeScaling{Type: "yarn"}); err == nil {
		t.Error("yarn accepted")
	}
}

func TestRope(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	llama3 := &RopeScaling{Type: "llama3", Factor: 32, LowFreqFactor: 1, HighFreqFactor: 4, OriginalMaxPositions: 8192}
	for _, hd := range []int{2, 16, 64, 96} {
		for _, s := range []*RopeScaling{nil, llama3} {
			r, err := NewRope(hd, 1200, 500000, s)
			if err != nil {
				t.Fatal(err)
			}
			for _, pos := range []int{0, 1, 17, 1199} {
				x := randVec(rng, 3*hd)
				want := append([]float32(nil), x...)
				r.Apply(x, 3, pos)
				if err := RopeRef(want, 3, hd, pos, 500000, s); err != nil {
					t.Fatal(err)
				}
				// The table's angle is rounded to float32: |Δangle| ≤ pos·2⁻²³.
				closeRel(t, fmt.Sprintf("rope hd=%d pos=%d scaled=%v", hd, pos, s != nil), x, want, 2e-6+float64(pos)*2.4e-7)
			}
		}
	}
}

func TestAttentionKernel(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, p := range []AttnParams{
		{Heads: 4, KVHeads: 2, HeadDim: 16, Scale: 0.25},
		{Heads: 3, KVHeads: 1, HeadDim: 6, Scale: 0.4, Softcap: 5},
		{Heads: 8, KVHeads: 8, HeadDim: 10, Scale: 0.3},
	} {
		kvd := p.KVHeads * p.HeadDim
		for _, se := range [][2]int{{0, 1}, {0, 7}, {3, 40}, {10, 11}} {
			k, v := randVec(rng, 40*kvd), randVec(rng, 40*kvd)
			q := randVec(rng, p.Heads*p.HeadDim)
			for i := range q {
				q[i] *= 4 // sharpen the softmax
			}
			got, want := make([]float32, len(q)), make([]float32, len(q))
			Attention(got, q, k, v, se[0], se[1], p, make([]float32, 40))
			AttentionRef(want, q, k, v, se[0], se[1], p)
			closeRel(t, fmt.Sprintf("attention %+v [%d,%d)", p, se[0], se[1]), got, want, 1e-5)
		}
	}
}

func TestMLPAndHead(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	w := NewWorkers(2)
	defer w.Close()
	const h, inter, n = 37, 53, 3
	for _, act := range []Activation{SiLU, GELUTanh, GELU} {
		for k := range 3 {
			gate, up, down := matrices(rng, inter, h)[k], matrices(rng, inter, h)[k], matrices(rng, h, inter)[k]
			m := MLPWeights{gate, up, down}
			x := randVec(rng, n*h)
			got := make([]float32, n*h)
			MLP(w, got, x, n, m, act, make([]float32, n*inter), make([]float32, n*inter))
			for tok := range n {
				want := make([]float32, h)
				MLPRef(want, x[tok*h:(tok+1)*h], m, act)
				closeRel(t, fmt.Sprintf("mlp %s %s token %d", act, gate.Format(), tok), got[tok*h:(tok+1)*h], want, 1e-5)
			}
		}
	}
	for _, m := range matrices(rng, 101, 37) {
		x := randVec(rng, 37)
		for _, cap := range []float32{0, 0.5} {
			got, want := make([]float32, 101), make([]float32, 101)
			LMHead(w, got, x, m, cap)
			LMHeadRef(want, x, m, cap)
			closeRel(t, "lm head "+m.Format(), got, want, 1e-5)
			if cap > 0 {
				for _, v := range got {
					if math.Abs(float64(v)) > float64(cap) {
						t.Fatalf("soft-capped logit %g beyond %g", v, cap)
					}
				}
			}
		}
		got, want := make([]float32, 37), make([]float32, 37)
		Embed(got, m, 100, 3)
		EmbedRef(want, m, 100, 3)
		closeRel(t, "embed "+m.Format(), got, want, 1e-7)
	}
}
