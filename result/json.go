package result

import (
	"encoding/json"
	"math"
)

// JSON has no NaN or infinity; a statistic that is undefined (the confidence
// interval of a single replication, the latency of a group with no successful
// request) is written as null and read back as NaN.

// nullable returns a pointer to x, or nil when x is not finite.
func nullable(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

// orNaN is the inverse of nullable.
func orNaN(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

type statJSON struct {
	N    int      `json:"n"`
	Mean *float64 `json:"mean"`
	SD   *float64 `json:"sd"`
	CI95 *float64 `json:"ci95"`
	Min  *float64 `json:"min"`
	P50  *float64 `json:"p50"`
	P95  *float64 `json:"p95"`
	P99  *float64 `json:"p99"`
	Max  *float64 `json:"max"`
	// The percentiles' intervals, left out where there are none (the
	// phases, energy; one replication).
	P50CI95 *float64 `json:"p50_ci95,omitempty"`
	P95CI95 *float64 `json:"p95_ci95,omitempty"`
	P99CI95 *float64 `json:"p99_ci95,omitempty"`
}

// MarshalJSON writes undefined statistics as null, and leaves out the
// percentiles' intervals where there are none.
func (s Stat) MarshalJSON() ([]byte, error) {
	return json.Marshal(statJSON{s.N, nullable(s.Mean), nullable(s.SD), nullable(s.CI95), nullable(s.Min),
		nullable(s.P50), nullable(s.P95), nullable(s.P99), nullable(s.Max),
		nullable(s.P50CI95), nullable(s.P95CI95), nullable(s.P99CI95)})
}

// UnmarshalJSON reads null as NaN.
func (s *Stat) UnmarshalJSON(b []byte) error {
	var j statJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*s = Stat{j.N, orNaN(j.Mean), orNaN(j.SD), orNaN(j.CI95), orNaN(j.Min), orNaN(j.P50), orNaN(j.P95), orNaN(j.P99), orNaN(j.Max),
		orNaN(j.P50CI95), orNaN(j.P95CI95), orNaN(j.P99CI95)}
	return nil
}

type metricJSON struct {
	Name string     `json:"name"`
	Stat Stat       `json:"stat"`
	Reps []*float64 `json:"replications,omitempty"`
}

// MarshalJSON writes a replication without a value as null.
func (m Metric) MarshalJSON() ([]byte, error) {
	j := metricJSON{Name: m.Name, Stat: m.Stat}
	for _, x := range m.Reps {
		j.Reps = append(j.Reps, nullable(x))
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads null as NaN.
func (m *Metric) UnmarshalJSON(b []byte) error {
	var j metricJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*m = Metric{Name: j.Name, Stat: j.Stat}
	for _, x := range j.Reps {
		m.Reps = append(m.Reps, orNaN(x))
	}
	return nil
}

type paramJSON struct {
	Name   string   `json:"name"`
	Value  string   `json:"value"`
	Number *float64 `json:"number"`
}

// MarshalJSON writes a non-numeric parameter's Number as null.
func (p Param) MarshalJSON() ([]byte, error) {
	return json.Marshal(paramJSON{p.Name, p.Value, nullable(p.Number)})
}

// UnmarshalJSON reads a null Number as NaN.
func (p *Param) UnmarshalJSON(b []byte) error {
	var j paramJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*p = Param{j.Name, j.Value, orNaN(j.Number)}
	return nil
}

// validationJSON mirrors ValidationRow with nullable numbers.
type validationJSON struct {
	ID        string   `json:"id"`
	What      string   `json:"what"`
	Source    string   `json:"source"`
	Reference *float64 `json:"reference"`
	Low       *float64 `json:"low"`
	High      *float64 `json:"high"`
	Simulated *float64 `json:"simulated"`
	CI95      *float64 `json:"ci95"`
	Error     *float64 `json:"error"`
	Unit      string   `json:"unit"`
	Fitted    bool     `json:"fitted"`
	Tolerance float64  `json:"tolerance"`
	Pass      bool     `json:"pass"`
	Note      string   `json:"note,omitempty"`
}

// MarshalJSON writes undefined numbers as null.
func (v ValidationRow) MarshalJSON() ([]byte, error) {
	return json.Marshal(validationJSON{v.ID, v.What, v.Source, nullable(v.Reference), nullable(v.Low), nullable(v.High),
		nullable(v.Simulated), nullable(v.CI95), nullable(v.Error), v.Unit, v.Fitted, v.Tolerance, v.Pass, v.Note})
}

// UnmarshalJSON reads null as NaN.
func (v *ValidationRow) UnmarshalJSON(b []byte) error {
	var j validationJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*v = ValidationRow{j.ID, j.What, j.Source, orNaN(j.Reference), orNaN(j.Low), orNaN(j.High), orNaN(j.Simulated),
		orNaN(j.CI95), orNaN(j.Error), j.Unit, j.Fitted, j.Tolerance, j.Pass, j.Note}
	return nil
}

// summaryJSON mirrors Summary with nullable rates.
type summaryJSON struct {
	Key
	Params         []Param         `json:"params"`
	Requests       int             `json:"requests"`
	Outcomes       map[string]int  `json:"outcomes"`
	Latency        Stat            `json:"latency"`
	LatencyAll     Stat            `json:"latency_with_failures"`
	Success        Stat            `json:"success_rate"`
	Phases         map[string]Stat `json:"phases"`
	Energy         map[string]Stat `json:"energy"`
	EnergyTotal    Stat            `json:"energy_total"`
	Throughput     *float64        `json:"throughput"`
	BatteryPer1000 *float64        `json:"battery_per_1000"`
	Metrics        []Metric        `json:"metrics,omitempty"`
	Reps           []repJSON       `json:"replications,omitempty"`
	SplitLayers    int             `json:"split_layers,omitempty"`
}

// repJSON mirrors RepMeans with nullable means.
type repJSON struct {
	Requests   int      `json:"requests"`
	OK         int      `json:"ok"`
	Latency    *float64 `json:"latency"`
	LatencyAll *float64 `json:"latency_with_failures"`
	Energy     *float64 `json:"energy"`
	LatencyP50 *float64 `json:"latency_p50"`
	LatencyP95 *float64 `json:"latency_p95"`
	LatencyP99 *float64 `json:"latency_p99"`
	AllP95     *float64 `json:"latency_with_failures_p95"`
	AllP99     *float64 `json:"latency_with_failures_p99"`
	Throughput *float64 `json:"throughput"`
}

// MarshalJSON writes outcomes, phases and energy components by name, and an
// undefined throughput or battery drain (a group with no successful request)
// as null.
func (s Summary) MarshalJSON() ([]byte, error) {
	j := summaryJSON{Key: s.Key, Params: s.Params, Requests: s.Requests, Latency: s.Latency, LatencyAll: s.LatencyAll, Success: s.Success, EnergyTotal: s.EnergyTotal,
		Throughput: nullable(s.Throughput), BatteryPer1000: nullable(s.BatteryPer1000), Metrics: s.Metrics, SplitLayers: s.SplitLayers,
		Outcomes: map[string]int{}, Phases: map[string]Stat{}, Energy: map[string]Stat{}}
	for i, n := range s.Outcomes {
		j.Outcomes[Outcome(i).String()] = n
	}
	for _, r := range s.Reps {
		j.Reps = append(j.Reps, repJSON{r.Requests, r.OK, nullable(r.Latency), nullable(r.LatencyAll), nullable(r.Energy),
			nullable(r.LatencyP50), nullable(r.LatencyP95), nullable(r.LatencyP99), nullable(r.LatencyAllP95), nullable(r.LatencyAllP99),
			nullable(r.Throughput)})
	}
	for i, st := range s.Phases {
		j.Phases[Phase(i).String()] = st
	}
	for i, st := range s.Energy {
		j.Energy[Component(i).String()] = st
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads what MarshalJSON writes; a name it does not know is an
// error, so a file from a newer infersim is not silently misread.
func (s *Summary) UnmarshalJSON(b []byte) error {
	var j summaryJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*s = Summary{Key: j.Key, Params: j.Params, Requests: j.Requests, Latency: j.Latency, LatencyAll: j.LatencyAll, Success: j.Success,
		EnergyTotal: j.EnergyTotal, Throughput: orNaN(j.Throughput), BatteryPer1000: orNaN(j.BatteryPer1000), Metrics: j.Metrics,
		SplitLayers: j.SplitLayers}
	for _, r := range j.Reps {
		s.Reps = append(s.Reps, RepMeans{r.Requests, r.OK, orNaN(r.Latency), orNaN(r.LatencyAll), orNaN(r.Energy),
			orNaN(r.LatencyP50), orNaN(r.LatencyP95), orNaN(r.LatencyP99), orNaN(r.AllP95), orNaN(r.AllP99), orNaN(r.Throughput)})
	}
	for name, n := range j.Outcomes {
		o, err := ParseOutcome(name)
		if err != nil {
			return err
		}
		s.Outcomes[o] = n
	}
	for i := range s.Phases {
		s.Phases[i] = NaNStat()
	}
	for name, st := range j.Phases {
		p, err := ParsePhase(name)
		if err != nil {
			return err
		}
		s.Phases[p] = st
	}
	for name, st := range j.Energy {
		c, err := ParseComponent(name)
		if err != nil {
			return err
		}
		s.Energy[c] = st
	}
	return nil
}
