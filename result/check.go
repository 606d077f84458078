package result

import (
	"fmt"
	"math"
)

// Plausibility bounds ReadRunJSON holds a summary.json to. A value outside
// them cannot come from a simulation (the longest built-in scenario
// simulates hours, not years) and would only reach a chart's axis as
// nonsense, so the file is refused with the field, the value and the range.
const (
	// MaxSeconds bounds latency and phase statistics: [0, 1e9] s (about
	// 32 years).
	MaxSeconds = 1e9
	// MaxJoules bounds energy statistics: [0, 1e9] J (a phone battery
	// holds about 4e4 J: 3,000 mAh at 3.85 V).
	MaxJoules = 1e9
	// MaxRate bounds throughput (requests/s) and battery drain (% per 1,000
	// requests): [0, 1e12].
	MaxRate = 1e12
	// MaxMetric bounds the statistics of other per-world metrics:
	// [−1e15, 1e15].
	MaxMetric = 1e15
	// MaxReplications bounds Run.Replications: [0, 1e6].
	MaxReplications = 1_000_000
)

// checkRun refuses a Run with a value no simulation writes: a negative
// point or count, a point the run does not have, or a statistic outside
// its range (undefined statistics, null in the file, are allowed).
func checkRun(run *Run) error {
	if run.Replications < 0 || run.Replications > MaxReplications {
		return fmt.Errorf("replications: %d is out of range [0, %d]", run.Replications, MaxReplications)
	}
	for i, p := range run.Points {
		if p.Index < 0 {
			return fmt.Errorf("points[%d].index: %d is out of range [0, ∞)", i, p.Index)
		}
	}
	for i := range run.Summaries {
		s := &run.Summaries[i]
		at := func(field string) string { return fmt.Sprintf("summaries[%d] (%s %s).%s", i, s.Model, s.Mode, field) }
		if s.Point < 0 || len(run.Points) > 0 && s.Point >= len(run.Points) {
			hi := "∞)"
			if len(run.Points) > 0 {
				hi = fmt.Sprintf("%d]", len(run.Points)-1)
			}
			return fmt.Errorf("%s: %d is out of range [0, %s", at("point"), s.Point, hi)
		}
		if s.Requests < 0 {
			return fmt.Errorf("%s: %d is out of range [0, ∞)", at("requests"), s.Requests)
		}
		for k, n := range s.Outcomes {
			if n < 0 {
				return fmt.Errorf("%s: %d is out of range [0, ∞)", at(fmt.Sprintf("outcomes[%d]", k)), n)
			}
		}
		if err := checkStat(s.Latency, 0, MaxSeconds, at("latency")); err != nil {
			return err
		}
		for k, st := range s.Phases {
			if err := checkStat(st, 0, MaxSeconds, at("phases."+Phase(k).String())); err != nil {
				return err
			}
		}
		for k, st := range s.Energy {
			if err := checkStat(st, 0, MaxJoules, at("energy."+Component(k).String())); err != nil {
				return err
			}
		}
		if err := checkStat(s.EnergyTotal, 0, MaxJoules, at("energy_total")); err != nil {
			return err
		}
		if err := checkValue(s.Throughput, 0, MaxRate, at("throughput")); err != nil {
			return err
		}
		if err := checkValue(s.BatteryPer1000, 0, MaxRate, at("battery_per_1000")); err != nil {
			return err
		}
		for _, m := range s.Metrics {
			if err := checkStat(m.Stat, -MaxMetric, MaxMetric, at("metrics."+m.Name)); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkStat checks every defined value of st against [lo, hi]; the spread
// (SD, CI95, the percentiles' CIs) against [0, hi − lo].
func checkStat(st Stat, lo, hi float64, field string) error {
	if st.N < 0 {
		return fmt.Errorf("%s.n: %d is out of range [0, ∞)", field, st.N)
	}
	for _, v := range []struct {
		name string
		x    float64
	}{{"mean", st.Mean}, {"min", st.Min}, {"p50", st.P50}, {"p95", st.P95}, {"p99", st.P99}, {"max", st.Max}} {
		if err := checkValue(v.x, lo, hi, field+"."+v.name); err != nil {
			return err
		}
	}
	for _, v := range []struct {
		name string
		x    float64
	}{{"sd", st.SD}, {"p50_ci95", st.P50CI95}, {"p95_ci95", st.P95CI95}, {"p99_ci95", st.P99CI95}} {
		if err := checkValue(v.x, 0, hi-lo, field+"."+v.name); err != nil {
			return err
		}
	}
	return checkValue(st.CI95, 0, hi-lo, field+".ci95")
}

// checkValue checks x against [lo, hi]; NaN (null in the file: undefined)
// passes.
func checkValue(x, lo, hi float64, field string) error {
	if math.IsNaN(x) || x >= lo && x <= hi {
		return nil
	}
	return fmt.Errorf("%s: %g is out of range [%g, %g]", field, x, lo, hi)
}
