package thermal

import (
	"fmt"
	"math"
)

// zone is one power_allocator thermal zone: its PID state and its actors
// (see Allocator). The first member runs the controller at its tick; the
// others take the grant of the last run.
type zone struct {
	spec     Allocator
	node     int
	members  []*Governor
	req      []float64 // requested power per member, W
	integral float64   // Σ err, K
	prevErr  float64
}

func newZone(a Allocator, net *Network) (*zone, error) {
	node := net.NodeIndex(a.Node)
	if node < 0 {
		return nil, fmt.Errorf("allocator zone %q on unknown node %q", a.Zone, a.Node)
	}
	for _, v := range []float64{a.SwitchOn, a.Control, a.SustainablePower, a.KPo, a.KPu, a.KI, a.IntegralCutoff} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("allocator zone %q: parameters must be finite", a.Zone)
		}
	}
	if !(a.SustainablePower > 0) || a.KPo < 0 || a.KPu < 0 || a.KI < 0 {
		return nil, fmt.Errorf("allocator zone %q: sustainable power %g W must be positive and gains non-negative", a.Zone, a.SustainablePower)
	}
	if a.KPo == 0 && a.KPu == 0 && a.KI == 0 {
		// estimate_pid_constants
		d := a.Control - a.SwitchOn
		if !(d > 0) {
			return nil, fmt.Errorf("allocator zone %q: control %g °C must be above switch-on %g °C to estimate the gains", a.Zone, a.Control, a.SwitchOn)
		}
		a.KPo = a.SustainablePower / d
		a.KPu = 2 * a.SustainablePower / d
		a.KI = a.KPu / 10
	}
	return &zone{spec: a, node: node}, nil
}

// joinZones links the zones of govs that name the same zone into one; the
// first named is the controller. It fails if their parameters differ.
func joinZones(govs []*Governor) error {
	byName := map[string]*zone{}
	for _, g := range govs {
		if g.zone == nil {
			continue
		}
		z, ok := byName[g.spec.Allocator.Zone]
		if !ok {
			byName[g.spec.Allocator.Zone] = g.zone
			continue
		}
		if *g.spec.Allocator != *z.members[0].spec.Allocator {
			return fmt.Errorf("allocator zone %q: %q's parameters differ from %q's", g.spec.Allocator.Zone, g.proc.Spec.Name, z.members[0].proc.Spec.Name)
		}
		z.members = append(z.members, g)
		g.zone = z
	}
	for _, z := range byName {
		z.req = make([]float64, len(z.members))
	}
	return nil
}

// actorPower is member g's power at OPP i with a share u of its online
// cores busy, at the processor's reference temperature: the kernel's
// energy model (em_perf_state.power) has no temperature term either.
func actorPower(g *Governor, i int, u float64) float64 {
	return float64(g.online) * u * g.proc.CorePower(i, g.proc.Spec.RefTemp)
}

// tick updates member g's request, runs the controller if g leads, and
// returns g's cap from its grant.
func (z *zone) tick(g *Governor, net *Network, u float64) int {
	top := g.proc.Len() - 1
	k := 0
	for k < len(z.members) && z.members[k] != g {
		k++
	}
	if len(z.req) != len(z.members) {
		z.req = make([]float64, len(z.members))
	}
	// get_requested_power: the power at the present frequency (the cap
	// in force, which a saturating load runs at) with the load
	z.req[k] = actorPower(g, g.eff, u)
	if k == 0 {
		z.allocate(net)
	}
	if math.IsInf(g.granted, 1) {
		return top
	}
	// power2state: the highest OPP whose power fits the grant. The
	// kernel's cpufreq_cooling divides the grant by the present load
	// first; here the power is the busy cores' (u = 1), so a domain idle
	// at one poll is not released to its top OPP for the next.
	cap := 0
	for i := top; i >= 0; i-- {
		if actorPower(g, i, 1) <= g.granted*(1+1e-12) {
			cap = i
			break
		}
	}
	return cap
}

// allocate runs the PID and divides the budget (pid_controller,
// divvy_up_power, allocate_power).
func (z *zone) allocate(net *Network) {
	a := z.spec
	t := net.Temp(z.node)
	if t < a.SwitchOn {
		// reset_pid_controller and allow_maximum_power
		z.integral, z.prevErr = 0, 0
		for _, m := range z.members {
			m.granted = math.Inf(1)
		}
		return
	}
	maxPow := make([]float64, len(z.members))
	total, totalReq := 0.0, 0.0
	for k, m := range z.members {
		maxPow[k] = actorPower(m, m.proc.Len()-1, 1)
		total += maxPow[k]
		totalReq += z.req[k]
	}
	err := a.Control - t
	p := a.KPu * err
	if err < 0 {
		p = a.KPo * err
	}
	i := a.KI * z.integral
	if err < a.IntegralCutoff {
		if next := i + a.KI*err; math.Abs(next) < total {
			i = next
			z.integral += err
		}
	}
	z.prevErr = err
	budget := math.Max(0, math.Min(a.SustainablePower+p+i, total))
	// divvy_up_power
	if totalReq <= 0 {
		totalReq = 1
	}
	granted := make([]float64, len(z.members))
	extra, capped := 0.0, 0.0
	room := make([]float64, len(z.members))
	for k := range z.members {
		granted[k] = z.req[k] * budget / totalReq
		if granted[k] > maxPow[k] {
			extra += granted[k] - maxPow[k]
			granted[k] = maxPow[k]
		}
		room[k] = maxPow[k] - granted[k]
		capped += room[k]
	}
	if extra > 0 && capped > 0 {
		extra = math.Min(extra, capped)
		for k := range z.members {
			granted[k] += room[k] * extra / capped
		}
	}
	for k, m := range z.members {
		m.granted = granted[k]
	}
}

// Zone returns the allocator's parameters in force for g (the estimated
// gains filled in) and whether g has an allocator.
func (g *Governor) Zone() (Allocator, bool) {
	if g.zone == nil {
		return Allocator{}, false
	}
	return g.zone.spec, true
}
