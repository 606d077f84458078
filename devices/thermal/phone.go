package thermal

import (
	"bytes"
	"embed"
	"fmt"
	"math"
	"sort"

	"github.com/infersim/infersim/internal/suggest"
	"github.com/infersim/infersim/units"
	"go.yaml.in/yaml/v3"
)

//go:embed data/opp.yaml data/phones.yaml
var dataFS embed.FS

// PhoneSpec is a phone's thermal preset (data/phones.yaml): its network,
// its processors' power models and their governors.
type PhoneSpec struct {
	Name       string                  `yaml:"name"`
	Ambient    float64                 `yaml:"ambient"` // °C
	Nodes      []Node                  `yaml:"nodes"`
	Links      []Link                  `yaml:"links"`
	Processors []ProcessorSpec         `yaml:"processors"`
	Governors  map[string]GovernorSpec `yaml:"governors"` // by processor name
	// Placement is the CPU domain each thread of a multi-threaded CPU job
	// runs on, the first thread first (pixel4: prime, gold, gold, gold,
	// the four big cores). Empty: the CPU is one domain (package devices
	// takes "cpu", else the first non-GPU processor).
	Placement []string          `yaml:"placement"`
	Sources   map[string]string `yaml:"sources"`
}

type tablesFile struct {
	Tables []Table `yaml:"tables"`
}

type phonesFile struct {
	Phones []PhoneSpec `yaml:"phones"`
}

func decodeStrict(b []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	return dec.Decode(v)
}

// ParseTables parses an OPP table file (the format of data/opp.yaml) and
// validates every table.
func ParseTables(b []byte) (map[string]Table, error) {
	var f tablesFile
	if err := decodeStrict(b, &f); err != nil {
		return nil, fmt.Errorf("thermal: opp tables: %w", err)
	}
	m := make(map[string]Table, len(f.Tables))
	for _, t := range f.Tables {
		if err := t.validate(); err != nil {
			return nil, err
		}
		if _, dup := m[t.Name]; dup {
			return nil, fmt.Errorf("thermal: opp table %q defined twice", t.Name)
		}
		m[t.Name] = t
	}
	return m, nil
}

// ParsePhones parses a phone preset file (the format of data/phones.yaml).
// It checks the structure only; Build checks the physics.
func ParsePhones(b []byte) ([]PhoneSpec, error) {
	var f phonesFile
	if err := decodeStrict(b, &f); err != nil {
		return nil, fmt.Errorf("thermal: phone presets: %w", err)
	}
	seen := map[string]bool{}
	for _, p := range f.Phones {
		if p.Name == "" || seen[p.Name] {
			return nil, fmt.Errorf("thermal: phone preset name %q empty or repeated", p.Name)
		}
		seen[p.Name] = true
	}
	return f.Phones, nil
}

// Tables returns the embedded OPP tables (data/opp.yaml) by name.
func Tables() (map[string]Table, error) {
	b, err := dataFS.ReadFile("data/opp.yaml")
	if err != nil {
		return nil, fmt.Errorf("thermal: %w", err)
	}
	return ParseTables(b)
}

// Presets returns the embedded phone presets (data/phones.yaml).
func Presets() ([]PhoneSpec, error) {
	b, err := dataFS.ReadFile("data/phones.yaml")
	if err != nil {
		return nil, fmt.Errorf("thermal: %w", err)
	}
	return ParsePhones(b)
}

// Preset returns the embedded preset called name.
func Preset(name string) (PhoneSpec, error) {
	ps, err := Presets()
	if err != nil {
		return PhoneSpec{}, err
	}
	var names []string
	for _, p := range ps {
		if p.Name == name {
			return p, nil
		}
		names = append(names, p.Name)
	}
	return PhoneSpec{}, fmt.Errorf("thermal: no thermal preset %q%s", name, suggest.DidYouMean(name, names))
}

// Domain is one frequency domain of a Phone: its power model, its
// governor and its present load.
type Domain struct {
	Proc *Processor
	Gov  *Governor
	node int
	busy float64 // busy cores
	util float64 // demand, share of the top OPP's capacity
	// threads > 0: the load is threads each needing util of a core's
	// top-OPP capacity, so the busy cores follow the OPP (SetDemand)
	threads float64
	next    float64 // time of the next governor tick, s
	opp     int
}

// Phone couples a thermal network with the frequency domains that heat
// it. Between governor ticks every domain's power is constant; at a tick
// the governor picks the OPP from the temperatures, and the domain's
// power is recomputed with the leakage at the node's temperature then
// (explicit in T: the leakage error is of order dT/dt × period, under
// 0.1 K for the presets' ≥ 8 s time constants and ≤ 1 s periods).
type Phone struct {
	Name    string
	Net     *Network
	Domains []*Domain
	now     float64
}

// Build makes a Phone from spec and the OPP tables.
func Build(spec PhoneSpec, tables map[string]Table) (*Phone, error) {
	net, err := NewNetwork(spec.Nodes, spec.Links, spec.Ambient)
	if err != nil {
		return nil, fmt.Errorf("thermal: phone %q: %w", spec.Name, err)
	}
	ph := &Phone{Name: spec.Name, Net: net}
	for _, ps := range spec.Processors {
		t, ok := tables[ps.Table]
		if !ok {
			return nil, fmt.Errorf("thermal: phone %q: processor %q: no OPP table %q", spec.Name, ps.Name, ps.Table)
		}
		p, err := NewProcessor(ps, t)
		if err != nil {
			return nil, fmt.Errorf("thermal: phone %q: %w", spec.Name, err)
		}
		node := net.NodeIndex(ps.Node)
		if node < 0 {
			return nil, fmt.Errorf("thermal: phone %q: processor %q heats unknown node %q", spec.Name, ps.Name, ps.Node)
		}
		gs, ok := spec.Governors[ps.Name]
		if !ok {
			return nil, fmt.Errorf("thermal: phone %q: no governor for processor %q", spec.Name, ps.Name)
		}
		g, err := NewGovernor(gs, p, net)
		if err != nil {
			return nil, fmt.Errorf("thermal: phone %q: %w", spec.Name, err)
		}
		ph.Domains = append(ph.Domains, &Domain{Proc: p, Gov: g, node: node})
	}
	govs := make([]*Governor, len(ph.Domains))
	for i, d := range ph.Domains {
		govs[i] = d.Gov
	}
	if err := joinZones(govs); err != nil {
		return nil, fmt.Errorf("thermal: phone %q: %w", spec.Name, err)
	}
	for i, name := range spec.Placement {
		if d := ph.Domain(name); d == nil || name == "gpu" {
			return nil, fmt.Errorf("thermal: phone %q: placement[%d]: %q is not a CPU domain", spec.Name, i, name)
		}
	}
	var extra []string
	for name := range spec.Governors {
		found := false
		for _, d := range ph.Domains {
			found = found || d.Proc.Spec.Name == name
		}
		if !found {
			extra = append(extra, name)
		}
	}
	if len(extra) > 0 {
		sort.Strings(extra)
		return nil, fmt.Errorf("thermal: phone %q: governors for unknown processors %v", spec.Name, extra)
	}
	return ph, nil
}

// NewPhone builds the embedded preset called name.
func NewPhone(name string) (*Phone, error) {
	spec, err := Preset(name)
	if err != nil {
		return nil, err
	}
	tables, err := Tables()
	if err != nil {
		return nil, err
	}
	return Build(spec, tables)
}

// Domain returns the domain whose processor is called name, or nil.
func (p *Phone) Domain(name string) *Domain {
	for _, d := range p.Domains {
		if d.Proc.Spec.Name == name {
			return d
		}
	}
	return nil
}

// Now returns the phone's clock, s.
func (p *Phone) Now() float64 { return p.now }

// SetLoad sets domain d's load from now on: busy cores (0..Cores) and the
// demand util as a share of the top OPP's capacity (1 = a saturating
// load, which asks for the top OPP). The power changes at once at the
// present OPP.
func (d *Domain) SetLoad(p *Phone, busy, util float64) {
	d.busy, d.util, d.threads = busy, util, 0
	p.setPower()
}

// SetDemand sets domain d's load from now on to threads threads, each
// needing util of one core's top-OPP capacity (a render thread that has
// a frame's work to do each period, not a saturating loop): at OPP i each
// thread keeps its core busy min(1, util·f_top/f_i) of the time, so the
// busy cores follow the OPP the governor picks, and the governor's demand
// is util.
func (d *Domain) SetDemand(p *Phone, threads, util float64) {
	d.busy, d.util, d.threads = 0, util, threads
	p.setPower()
}

// busyCores returns the cores busy at the present OPP.
func (d *Domain) busyCores() float64 {
	if d.threads > 0 {
		return d.threads * math.Min(1, d.util*d.Proc.Freq(d.Proc.Len()-1)/d.Proc.Freq(d.opp))
	}
	return d.busy
}

// OPP returns the domain's present operating point.
func (d *Domain) OPP() int { return d.opp }

// Freq returns the domain's present frequency, Hz.
func (d *Domain) Freq() float64 { return d.Proc.Freq(d.opp) }

// Power returns the domain's present power, W (busy cores beyond those
// online do not draw: their work waits).
func (d *Domain) Power(p *Phone) float64 {
	return d.Proc.Power(d.opp, math.Min(d.busyCores(), float64(d.Gov.Online())), p.Net.Temp(d.node))
}

// setPower recomputes every node's heat input from the domains.
func (p *Phone) setPower() {
	heat := make([]float64, p.Net.Len())
	for _, d := range p.Domains {
		heat[d.node] += d.Power(p)
	}
	for i, h := range heat {
		p.Net.SetPower(i, units.Power(h))
	}
}

// RunUntil advances the phone to time t (s), ticking every governor at its
// period on the way and changing the power only at ticks.
func (p *Phone) RunUntil(t float64) {
	for {
		next := math.Inf(1)
		for _, d := range p.Domains {
			next = math.Min(next, d.next)
		}
		if next > t {
			break
		}
		p.Net.Advance(units.Duration(next - p.now))
		p.now = next
		for _, d := range p.Domains {
			if d.next <= p.now {
				d.opp = d.Gov.Tick(p.Net, d.util)
				d.next = p.now + d.Gov.Period()
			}
		}
		p.setPower()
	}
	p.Net.Advance(units.Duration(t - p.now))
	p.now = math.Max(p.now, t)
}
