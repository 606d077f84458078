package thermal

import (
	"math"
	"testing"

	"github.com/infersim/infersim/units"
)

// TestOneNodeStepResponse checks Advance against the closed form of one
// node of capacity C tied to ambient by G, heated by a power step P from
// T(0) = T0:
//
//	C dT/dt = P − G (T − Ta)  ⇒  T(t) = Ta + P/G + (T0 − Ta − P/G) e^(−G t / C)
//
// (separate variables: d(T − T∞)/(T − T∞) = −(G/C) dt with T∞ = Ta + P/G).
func TestOneNodeStepResponse(t *testing.T) {
	const (
		c, g, p, ta, t0 = 40.0, 0.25, 3.0, 25.0, 31.0
	)
	for _, tc := range []float64{0.01, 1, 17.5, 160, 1000, 1e5} {
		n, err := NewNetwork([]Node{{"soc", c}}, []Link{{0, Ambient, g}}, ta)
		if err != nil {
			t.Fatal(err)
		}
		n.SetTemps([]float64{t0})
		n.SetPower(0, units.Power(p))
		n.Advance(units.Duration(tc))
		want := ta + p/g + (t0-ta-p/g)*math.Exp(-g*tc/c)
		if got := n.Temp(0); math.Abs(got-want) > 1e-9*math.Abs(want) {
			t.Errorf("t=%g s: T = %.12f °C, closed form %.12f °C", tc, got, want)
		}
	}
}

// twoNodeClosedForm is the step response of junction j (capacity c1,
// heated by p) linked by g1 to skin s (capacity c2), linked by g2 to the
// ambient ta. With x = T − T_ss, dx/dt = A x and
//
//	A = [ −a      a    ]   a = g1/c1, b = g1/c2, c = g2/c2
//	    [  b  −(b + c) ]
//
// whose eigenvalues are μ± = (−(a+b+c) ± √((a+b+c)² − 4ac)) / 2 (both
// negative), with eigenvectors v(μ) = (a, a + μ) from the first row. The
// steady state is T_ss,s = ta + p/g2 and T_ss,j = T_ss,s + p/g1 (all of p
// crosses g1 then g2). Writing x(0) = α₁ v(μ₁) + α₂ v(μ₂):
//
//	α₁ + α₂ = x₁/a,   α₁ μ₁ + α₂ μ₂ = x₂ − x₁
//
// and x(t) = α₁ v(μ₁) e^(μ₁ t) + α₂ v(μ₂) e^(μ₂ t).
func twoNodeClosedForm(c1, c2, g1, g2, p, ta, j0, s0, t float64) (j, s float64) {
	a, b, c := g1/c1, g1/c2, g2/c2
	tr := a + b + c
	disc := math.Sqrt(tr*tr - 4*a*c)
	m1, m2 := (-tr+disc)/2, (-tr-disc)/2
	ss := ta + p/g2
	js := ss + p/g1
	x1, x2 := j0-js, s0-ss
	a1 := (x2 - x1 - m2*x1/a) / (m1 - m2)
	a2 := x1/a - a1
	e1, e2 := math.Exp(m1*t), math.Exp(m2*t)
	j = js + a1*a*e1 + a2*a*e2
	s = ss + a1*(a+m1)*e1 + a2*(a+m2)*e2
	return j, s
}

func TestTwoNodeStepResponse(t *testing.T) {
	const (
		c1, c2, g1, g2 = 2.0, 110.0, 0.12, 0.24 // a die on a phone body: τ ≈ 8 s and ≈ 700 s
		p, ta          = 4.0, 25.0
	)
	for _, tc := range []struct{ j0, s0, t float64 }{
		{25, 25, 0.5}, {25, 25, 10}, {25, 25, 600}, {25, 25, 7200},
		{80, 40, 3}, {80, 40, 300}, // a warm start
	} {
		n, err := NewNetwork([]Node{{"soc", c1}, {"skin", c2}},
			[]Link{{0, 1, g1}, {1, Ambient, g2}}, ta)
		if err != nil {
			t.Fatal(err)
		}
		n.SetTemps([]float64{tc.j0, tc.s0})
		n.SetPower(0, units.Power(p))
		n.Advance(units.Duration(tc.t))
		wj, ws := twoNodeClosedForm(c1, c2, g1, g2, p, ta, tc.j0, tc.s0, tc.t)
		if d := math.Abs(n.Temp(0) - wj); d > 1e-9*wj {
			t.Errorf("%+v: junction %.12f, closed form %.12f", tc, n.Temp(0), wj)
		}
		if d := math.Abs(n.Temp(1) - ws); d > 1e-9*ws {
			t.Errorf("%+v: skin %.12f, closed form %.12f", tc, n.Temp(1), ws)
		}
	}
}

// TestAdvanceComposes: stepping at arbitrary points (power changes,
// governor ticks) gives the same temperatures as one step, since the exact
// solution is a semigroup.
func TestAdvanceComposes(t *testing.T) {
	mk := func() *Network {
		n, err := NewNetwork([]Node{{"soc", 2}, {"board", 60}, {"skin", 50}},
			[]Link{{0, 1, 0.3}, {1, 2, 1.5}, {2, Ambient, 0.24}, {0, 2, 0.02}}, 22)
		if err != nil {
			t.Fatal(err)
		}
		n.SetPower(0, 3.5)
		n.SetPower(1, 0.5)
		return n
	}
	a, b := mk(), mk()
	a.Advance(900)
	for i := 0; i < 900; i++ {
		b.Advance(0.25)
		b.Advance(0.75)
	}
	for i := range a.Temps() {
		if d := math.Abs(a.Temp(i) - b.Temp(i)); d > 1e-9 {
			t.Errorf("node %d: one step %.12f, 1800 steps %.12f", i, a.Temp(i), b.Temp(i))
		}
	}
}

func TestSteadyStateAndEnclosure(t *testing.T) {
	n, err := NewNetwork([]Node{{"soc", 2}, {"skin", 100}}, []Link{{0, 1, 0.1}, {1, Ambient, 0.25}}, 25)
	if err != nil {
		t.Fatal(err)
	}
	n.SetPower(0, 2)
	ss := n.SteadyState()
	// all 2 W cross 0.25 W/K then 0.1 W/K: skin 25 + 8, junction 33 + 20
	if math.Abs(ss[1]-33) > 1e-9 || math.Abs(ss[0]-53) > 1e-9 {
		t.Errorf("steady state %v, want [53 33]", ss)
	}
	if err := n.SetEnclosure(Pocket); err != nil {
		t.Fatal(err)
	}
	ss = n.SteadyState()
	if want := 25 + 2/(0.25*Pocket.AmbientFactor); math.Abs(ss[1]-want) > 1e-9 {
		t.Errorf("pocket skin %g, want %g", ss[1], want)
	}
	tc := n.TimeConstants()
	if len(tc) != 2 || !(tc[0] > tc[1]) {
		t.Errorf("time constants %v: want two, slowest first", tc)
	}
}

func TestNewNetworkErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		nodes []Node
		links []Link
	}{
		"no nodes":      {nil, nil},
		"zero capacity": {[]Node{{"a", 0}}, []Link{{0, Ambient, 1}}},
		"bad link":      {[]Node{{"a", 1}}, []Link{{0, 3, 1}}},
		"self link":     {[]Node{{"a", 1}}, []Link{{0, 0, 1}, {0, Ambient, 1}}},
		"negative G":    {[]Node{{"a", 1}}, []Link{{0, Ambient, -1}}},
		"floating node": {[]Node{{"a", 1}, {"b", 1}}, []Link{{0, Ambient, 1}}},
		"NaN G":         {[]Node{{"a", 1}}, []Link{{0, Ambient, math.NaN()}}},
	} {
		if _, err := NewNetwork(tc.nodes, tc.links, 25); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	n, _ := NewNetwork([]Node{{"a", 1}}, []Link{{0, Ambient, 1}}, 25)
	if err := n.SetEnclosure(Enclosure{"vacuum", 0}); err == nil {
		t.Error("zero enclosure factor: no error")
	}
	if _, err := EnclosureByName("fridge"); err == nil {
		t.Error("unknown enclosure: no error")
	}
}
