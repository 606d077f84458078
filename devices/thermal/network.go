package thermal

import (
	"errors"
	"fmt"
	"math"

	"github.com/infersim/infersim/internal/suggest"
	"github.com/infersim/infersim/units"
	"gonum.org/v1/gonum/mat"
)

// Ambient is the pseudo node index that stands for the surroundings in a
// Link: a link from a node to Ambient carries heat to the ambient air
// (or the hand, the pocket, the desk) held at the ambient temperature.
const Ambient = -1

// Node is one lumped thermal mass of the network.
type Node struct {
	Name     string  `yaml:"name"`
	Capacity float64 `yaml:"capacity"` // heat capacity C, J/K
}

// Link is a thermal conductance between two nodes, or between a node and
// Ambient (B = Ambient). Conductances are symmetric.
type Link struct {
	A           int     `yaml:"a"`
	B           int     `yaml:"b"`
	Conductance float64 `yaml:"conductance"` // G, W/K (1/G is the thermal resistance in K/W)
}

// Network is a lumped RC thermal network with piecewise-constant heat
// inputs:
//
//	C_i dT_i/dt = P_i − Σ_j G_ij (T_i − T_j) − G_i,amb (T_i − T_amb)
//
// or, in matrix form, C dT/dt = P + g·T_amb − L T with L the conductance
// Laplacian (ambient links on its diagonal). For constant P the solution
// is exact:
//
//	T(t) = T_ss + exp(−C⁻¹L t) (T(0) − T_ss),   T_ss = L⁻¹ (P + g·T_amb)
//
// Advance evaluates it through the eigendecomposition of the symmetric
// matrix S = C^(−1/2) L C^(−1/2) = Q Λ Qᵀ, so that
// exp(−C⁻¹L t) = C^(−1/2) Q e^(−Λt) Qᵀ C^(1/2): no time step, no
// truncation error, and one factorisation per change of the conductances
// (the enclosure). The caller steps the network only where the power
// changes (a kernel starts or ends, the governor changes an operating
// point) and where it needs a reading.
type Network struct {
	nodes   []Node
	links   []Link
	scale   float64 // factor on every ambient link (the enclosure)
	ambient float64 // °C

	temp  []float64 // °C
	power []float64 // W

	// factorisation, rebuilt by factor when the conductances change
	ok     bool
	sqrtC  []float64
	q      *mat.Dense
	lambda []float64 // eigenvalues of S, 1/s, all > 0
	gAmb   []float64 // effective ambient conductance per node, W/K
}

// Bounds on the network's parameters: far beyond any phone (a die is
// ~1 J/K, a phone ~100 J/K; contacts ~0.01–10 W/K), they keep the
// eigendecomposition well conditioned.
const (
	minCapacity, maxCapacity       = 1e-6, 1e9 // J/K
	minConductance, maxConductance = 1e-9, 1e6 // W/K
)

// NewNetwork returns a network of the given nodes and links, every node at
// the ambient temperature (°C) and no heat input. It fails if a capacity
// or conductance is not positive and finite, a link names a node that does
// not exist, or some node has no path to Ambient (its temperature would
// grow without bound).
func NewNetwork(nodes []Node, links []Link, ambient float64) (*Network, error) {
	if len(nodes) == 0 {
		return nil, errors.New("thermal: network has no nodes")
	}
	for i, n := range nodes {
		if !(n.Capacity >= minCapacity && n.Capacity <= maxCapacity) {
			return nil, fmt.Errorf("thermal: node %d (%s): capacity %g J/K outside [%g, %g]", i, n.Name, n.Capacity, minCapacity, maxCapacity)
		}
	}
	for i, l := range links {
		if l.A < 0 || l.A >= len(nodes) || (l.B != Ambient && (l.B < 0 || l.B >= len(nodes))) || l.A == l.B {
			return nil, fmt.Errorf("thermal: link %d joins %d and %d: no such pair of nodes", i, l.A, l.B)
		}
		if !(l.Conductance >= minConductance && l.Conductance <= maxConductance) {
			return nil, fmt.Errorf("thermal: link %d: conductance %g W/K outside [%g, %g]", i, l.Conductance, minConductance, maxConductance)
		}
	}
	if !(ambient > -100 && ambient < 200) {
		return nil, fmt.Errorf("thermal: ambient temperature %g °C outside (−100, 200)", ambient)
	}
	n := &Network{
		nodes:   append([]Node(nil), nodes...),
		links:   append([]Link(nil), links...),
		scale:   1,
		ambient: ambient,
		temp:    make([]float64, len(nodes)),
		power:   make([]float64, len(nodes)),
	}
	if err := n.checkGrounded(); err != nil {
		return nil, err
	}
	for i := range n.temp {
		n.temp[i] = ambient
	}
	return n, nil
}

// checkGrounded reports a node with no path to Ambient.
func (n *Network) checkGrounded() error {
	reach := make([]bool, len(n.nodes))
	for changed := true; changed; {
		changed = false
		for _, l := range n.links {
			a := l.B == Ambient || reach[l.B]
			if a && !reach[l.A] {
				reach[l.A], changed = true, true
			}
			if l.B != Ambient && reach[l.A] && !reach[l.B] {
				reach[l.B], changed = true, true
			}
		}
	}
	for i, r := range reach {
		if !r {
			return fmt.Errorf("thermal: node %d (%s) has no heat path to ambient", i, n.nodes[i].Name)
		}
	}
	return nil
}

// factor builds the eigendecomposition of S = C^(−1/2) L C^(−1/2).
func (n *Network) factor() {
	k := len(n.nodes)
	lap := mat.NewSymDense(k, nil)
	n.gAmb = make([]float64, k)
	for _, l := range n.links {
		g := l.Conductance
		if l.B == Ambient {
			g *= n.scale
			n.gAmb[l.A] += g
			lap.SetSym(l.A, l.A, lap.At(l.A, l.A)+g)
			continue
		}
		lap.SetSym(l.A, l.A, lap.At(l.A, l.A)+g)
		lap.SetSym(l.B, l.B, lap.At(l.B, l.B)+g)
		lap.SetSym(l.A, l.B, lap.At(l.A, l.B)-g)
	}
	n.sqrtC = make([]float64, k)
	for i, nd := range n.nodes {
		n.sqrtC[i] = math.Sqrt(nd.Capacity)
	}
	s := mat.NewSymDense(k, nil)
	for i := 0; i < k; i++ {
		for j := i; j < k; j++ {
			s.SetSym(i, j, lap.At(i, j)/(n.sqrtC[i]*n.sqrtC[j]))
		}
	}
	var e mat.EigenSym
	if !e.Factorize(s, true) {
		// A symmetric positive definite matrix with the bounded
		// entries NewNetwork admits always factorises.
		panic("thermal: eigendecomposition failed on a validated network")
	}
	n.lambda = e.Values(nil)
	n.q = mat.NewDense(k, k, nil)
	e.VectorsTo(n.q)
	n.ok = true
}

// Len returns the number of nodes.
func (n *Network) Len() int { return len(n.nodes) }

// NodeIndex returns the index of the node called name, or −1.
func (n *Network) NodeIndex(name string) int {
	for i, nd := range n.nodes {
		if nd.Name == name {
			return i
		}
	}
	return -1
}

// Nodes returns a copy of the network's nodes.
func (n *Network) Nodes() []Node { return append([]Node(nil), n.nodes...) }

// SetAmbient sets the ambient temperature (°C) from now on.
func (n *Network) SetAmbient(t float64) { n.ambient = t }

// AmbientTemp returns the ambient temperature, °C.
func (n *Network) AmbientTemp() float64 { return n.ambient }

// SetEnclosure multiplies every conductance to Ambient by e.AmbientFactor
// (relative to the network as built) from now on. The factor must lie in
// [0.01, 100].
func (n *Network) SetEnclosure(e Enclosure) error {
	if !(e.AmbientFactor >= 0.01 && e.AmbientFactor <= 100) {
		return fmt.Errorf("thermal: enclosure %q: factor %g outside [0.01, 100]", e.Name, e.AmbientFactor)
	}
	if e.AmbientFactor != n.scale {
		n.scale = e.AmbientFactor
		n.ok = false
	}
	return nil
}

// SetPower sets the heat input of node i from now on.
func (n *Network) SetPower(i int, p units.Power) { n.power[i] = float64(p) }

// Power returns the heat input of node i.
func (n *Network) Power(i int) units.Power { return units.Power(n.power[i]) }

// Temp returns the temperature of node i, °C.
func (n *Network) Temp(i int) float64 { return n.temp[i] }

// Temps returns a copy of all node temperatures, °C.
func (n *Network) Temps() []float64 { return append([]float64(nil), n.temp...) }

// SetTemps sets every node's temperature (°C), e.g. a warm start.
func (n *Network) SetTemps(t []float64) { copy(n.temp, t) }

// SteadyState returns the temperatures the network tends to under the
// current inputs, T_ss = L⁻¹ (P + g·T_amb).
func (n *Network) SteadyState() []float64 {
	if !n.ok {
		n.factor()
	}
	k := len(n.nodes)
	// L⁻¹ = C^(−1/2) Q Λ⁻¹ Qᵀ C^(−1/2)
	rhs := make([]float64, k)
	for i := range rhs {
		rhs[i] = (n.power[i] + n.gAmb[i]*n.ambient) / n.sqrtC[i]
	}
	return n.apply(rhs, func(l float64) float64 { return 1 / l }, true)
}

// apply returns C^(−1/2) Q f(Λ) Qᵀ x when outScale, else Q f(Λ) Qᵀ x.
func (n *Network) apply(x []float64, f func(float64) float64, outScale bool) []float64 {
	k := len(x)
	y := make([]float64, k)
	for m := 0; m < k; m++ {
		var d float64
		for i := 0; i < k; i++ {
			d += n.q.At(i, m) * x[i]
		}
		d *= f(n.lambda[m])
		for i := 0; i < k; i++ {
			y[i] += n.q.At(i, m) * d
		}
	}
	if outScale {
		for i := range y {
			y[i] /= n.sqrtC[i]
		}
	}
	return y
}

// Advance moves the network dt forward under the current inputs, exactly.
// A non-positive dt changes nothing.
func (n *Network) Advance(dt units.Duration) {
	if !(dt > 0) {
		return
	}
	ss := n.SteadyState()
	t := float64(dt)
	y := make([]float64, len(ss))
	for i := range y {
		y[i] = n.sqrtC[i] * (n.temp[i] - ss[i])
	}
	y = n.apply(y, func(l float64) float64 { return math.Exp(-l * t) }, true)
	for i := range n.temp {
		n.temp[i] = ss[i] + y[i]
	}
}

// TimeConstants returns the network's time constants 1/λ in seconds,
// slowest first.
func (n *Network) TimeConstants() []float64 {
	if !n.ok {
		n.factor()
	}
	tc := make([]float64, len(n.lambda))
	for i, l := range n.lambda { // gonum returns λ ascending
		tc[i] = 1 / l
	}
	return tc
}

// Enclosure is where the phone sits: it scales the conductance from the
// phone's surface to its surroundings.
type Enclosure struct {
	Name string
	// AmbientFactor multiplies every conductance to Ambient (1 = the
	// network as calibrated, a phone held in free air).
	AmbientFactor float64
}

// Enclosure presets. The free-air skin-to-ambient conductance of the
// presets in data/phones.yaml is natural convection plus radiation from
// both faces (h ≈ 5 + 6 W/m²K). The factors are physical priors, not
// measurements (no published per-enclosure phone measurement was found):
//
//	desk    0.8  the back face lies on a desk: radiation and convection
//	             from that face are mostly lost, conduction into wood or
//	             plastic (k ≈ 0.15–0.2 W/mK) returns part of it
//	hand    1.2  palm contact conducts into a perfused hand at ~34 °C
//	             (the ambient then means the hand-and-air mix)
//	case    0.7  a 1–1.5 mm TPU case (k ≈ 0.2 W/mK) adds ≈ 0.3 K/W in
//	             series with the free-air ≈ 4 K/W path
//	pocket  0.35 fabric on both faces, still air, little radiation;
//	             set the ambient to the pocket's air (≈ 30–34 °C)
var (
	Desk   = Enclosure{Name: "desk", AmbientFactor: 0.8}
	Hand   = Enclosure{Name: "hand", AmbientFactor: 1.2}
	Case   = Enclosure{Name: "case", AmbientFactor: 0.7}
	Pocket = Enclosure{Name: "pocket", AmbientFactor: 0.35}
	Free   = Enclosure{Name: "free", AmbientFactor: 1}
)

// EnclosureByName returns the preset called name.
func EnclosureByName(name string) (Enclosure, error) {
	var names []string
	for _, e := range []Enclosure{Free, Desk, Hand, Case, Pocket} {
		if e.Name == name {
			return e, nil
		}
		names = append(names, e.Name)
	}
	return Enclosure{}, fmt.Errorf("thermal: unknown enclosure %q%s", name, suggest.DidYouMean(name, names))
}
