package thermal

import (
	"fmt"
	"math"
)

// OPP is one DVFS operating point of a processor.
type OPP struct {
	KHz    float64 `yaml:"khz"`     // frequency, kHz (as the kernel writes it)
	UV     float64 `yaml:"uv"`      // supply voltage, µV; 0 when the source gives none
	CoreMA float64 `yaml:"core_ma"` // per-core battery current, mA (AOSP power_profile.xml); 0 when none
}

// Freq returns the frequency in Hz.
func (o OPP) Freq() float64 { return o.KHz * 1e3 }

// Volt returns the voltage in V (0 when unknown).
func (o OPP) Volt() float64 { return o.UV * 1e-6 }

// Source is where a table was read.
type Source struct {
	Repo   string `yaml:"repo"`
	Path   string `yaml:"path"`
	Commit string `yaml:"commit"`
	Symbol string `yaml:"symbol"`
}

// Table is a processor's operating points, ascending in frequency, with
// their provenance (data/opp.yaml).
type Table struct {
	Name      string   `yaml:"name"`
	Processor string   `yaml:"processor"`
	Sources   []Source `yaml:"sources"`
	Notes     string   `yaml:"notes"`
	OPPs      []OPP    `yaml:"opps"`
}

func (t Table) validate() error {
	if len(t.OPPs) == 0 {
		return fmt.Errorf("thermal: table %q has no operating points", t.Name)
	}
	if len(t.Sources) == 0 {
		return fmt.Errorf("thermal: table %q cites no source", t.Name)
	}
	for i, o := range t.OPPs {
		if !(o.KHz > 0 && o.KHz < 1e9) || !(o.UV >= 0 && o.UV < 1e8) || !(o.CoreMA >= 0 && o.CoreMA < 1e6) {
			return fmt.Errorf("thermal: table %q row %d: invalid %+v", t.Name, i, o)
		}
		if i > 0 && !(o.KHz > t.OPPs[i-1].KHz) {
			return fmt.Errorf("thermal: table %q row %d: frequencies must ascend", t.Name, i)
		}
		if (o.UV > 0) != (t.OPPs[0].UV > 0) || (o.CoreMA > 0) != (t.OPPs[0].CoreMA > 0) {
			return fmt.Errorf("thermal: table %q row %d: voltage or current given on some rows only", t.Name, i)
		}
	}
	return nil
}

// ProcessorSpec is the power model of one frequency domain (a CPU
// cluster, or the GPU) on a phone.
type ProcessorSpec struct {
	Name  string `yaml:"name"`
	Table string `yaml:"table"` // a Table name in data/opp.yaml
	Cores int    `yaml:"cores"` // cores in the domain
	Node  string `yaml:"node"`  // the network node it heats
	// TopPower is one busy core's power at the top OPP at RefTemp, W,
	// for tables without a per-core current.
	TopPower float64 `yaml:"top_power"`
	// BatteryVolts converts a table's core_ma to watts.
	BatteryVolts float64 `yaml:"battery_volts"`
	// LeakShare is the leakage share of a core's power at the top OPP
	// at RefTemp.
	LeakShare float64 `yaml:"leak_share"`
	RefTemp   float64 `yaml:"ref_temp"` // °C
	// LeakActivation is a = q·Vth/(n·k) in kelvin in the leakage law
	// θ(T) = T² e^(−a/T) (T in kelvin).
	LeakActivation float64 `yaml:"leak_activation"`
}

// Processor is a resolved power model: per OPP, one busy core's dynamic
// power and its leakage at the reference temperature.
//
//	P_core(i, T) = D_i + L_i · θ(T)/θ(T_ref),   θ(T) = T² e^(−a/T)
//
// where, with λ the leakage share and P_top the top OPP's core power at
// T_ref:
//
//	voltages known:  C_eff = (1 − λ) P_top / (V_top² f_top),
//	                 D_i = C_eff V_i² f_i,  L_i = λ P_top V_i / V_top
//	currents known:  P_i = I_i · V_batt,  D_i = (1 − λ) P_i,  L_i = λ P_i
//	neither:         D_i = (1 − λ) P_top f_i / f_top,  L_i = λ P_top
//	                 (constant voltage: a lower bound on what throttling saves)
type Processor struct {
	Spec  ProcessorSpec
	Table Table
	Ceff  float64   // F, when the table has voltages
	Dyn   []float64 // W per busy core
	Leak  []float64 // W per busy core at RefTemp
}

// NewProcessor resolves spec against table.
func NewProcessor(spec ProcessorSpec, table Table) (*Processor, error) {
	if err := table.validate(); err != nil {
		return nil, err
	}
	if spec.Cores < 1 || spec.Cores > 1024 {
		return nil, fmt.Errorf("thermal: processor %q: cores %d outside [1, 1024]", spec.Name, spec.Cores)
	}
	if spec.TopPower < 0 || spec.TopPower > 1e3 || spec.BatteryVolts < 0 || spec.BatteryVolts > 100 {
		return nil, fmt.Errorf("thermal: processor %q: top_power %g W or battery_volts %g V out of range", spec.Name, spec.TopPower, spec.BatteryVolts)
	}
	if !(spec.LeakShare >= 0 && spec.LeakShare < 1) {
		return nil, fmt.Errorf("thermal: processor %q: leak_share %g not in [0, 1)", spec.Name, spec.LeakShare)
	}
	if !(spec.LeakActivation >= 0 && spec.LeakActivation <= 20000) || !(spec.RefTemp > -100 && spec.RefTemp < 150) {
		return nil, fmt.Errorf("thermal: processor %q: invalid leakage law (a = %g K, ref %g °C)", spec.Name, spec.LeakActivation, spec.RefTemp)
	}
	p := &Processor{Spec: spec, Table: table}
	n := len(table.OPPs)
	p.Dyn, p.Leak = make([]float64, n), make([]float64, n)
	top := table.OPPs[n-1]
	lam := spec.LeakShare
	switch {
	case top.CoreMA > 0:
		if !(spec.BatteryVolts > 0) {
			return nil, fmt.Errorf("thermal: processor %q: table %q gives currents; battery_volts must be positive", spec.Name, table.Name)
		}
		for i, o := range table.OPPs {
			pi := o.CoreMA * 1e-3 * spec.BatteryVolts
			p.Dyn[i], p.Leak[i] = (1-lam)*pi, lam*pi
		}
	case !(spec.TopPower > 0) || math.IsInf(spec.TopPower, 0):
		return nil, fmt.Errorf("thermal: processor %q: top_power %g W must be positive", spec.Name, spec.TopPower)
	case top.UV > 0:
		p.Ceff = (1 - lam) * spec.TopPower / (top.Volt() * top.Volt() * top.Freq())
		for i, o := range table.OPPs {
			p.Dyn[i] = p.Ceff * o.Volt() * o.Volt() * o.Freq()
			p.Leak[i] = lam * spec.TopPower * o.Volt() / top.Volt()
		}
	default:
		for i, o := range table.OPPs {
			p.Dyn[i] = (1 - lam) * spec.TopPower * o.Freq() / top.Freq()
			p.Leak[i] = lam * spec.TopPower
		}
	}
	return p, nil
}

// Len returns the number of operating points.
func (p *Processor) Len() int { return len(p.Table.OPPs) }

// Freq returns the frequency of OPP i in Hz.
func (p *Processor) Freq(i int) float64 { return p.Table.OPPs[i].Freq() }

// LeakFactor returns θ(T)/θ(T_ref), the leakage at T (°C) relative to the
// reference temperature. T is clamped to 150 °C, past every phone's
// thermal reset (115 °C on the MSM8974), so a runaway stays finite.
func (p *Processor) LeakFactor(t float64) float64 {
	a := p.Spec.LeakActivation
	tk, rk := math.Min(t, 150)+273.15, p.Spec.RefTemp+273.15
	if tk <= 0 {
		return 0
	}
	return (tk * tk) / (rk * rk) * math.Exp(a*(1/rk-1/tk))
}

// CorePower returns one busy core's power at OPP i and junction
// temperature t (°C), W.
func (p *Processor) CorePower(i int, t float64) float64 {
	return p.Dyn[i] + p.Leak[i]*p.LeakFactor(t)
}

// Power returns the domain's power with busy cores busy (0 ≤ busy ≤
// Cores, fractional for partly busy cores) at OPP i and temperature t.
// Idle cores are power-collapsed and draw nothing here (the phone's
// energy model keeps its idle floor).
func (p *Processor) Power(i int, busy, t float64) float64 {
	busy = math.Max(0, math.Min(busy, float64(p.Spec.Cores)))
	return busy * p.CorePower(i, t)
}

// Speed is the throughput at frequency f relative to fTop for work whose
// share memFrac (at fTop) is memory-bound and does not scale with the
// core clock:
//
//	time(f)/time(f_top) = (1 − m)·f_top/f + m,   Speed = 1 / that
//
// m = 0 is compute-bound (speed ∝ f); m = 1 is memory-bound (no change).
// The roofline split of a processor profile (the share of a layer's time
// bound by memory bandwidth) gives m.
func Speed(f, fTop, memFrac float64) float64 {
	m := math.Max(0, math.Min(memFrac, 1))
	if !(f > 0) {
		return 0
	}
	return 1 / ((1-m)*fTop/f + m)
}
