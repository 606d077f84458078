package scenarios

import (
	"fmt"
	"math"
	"strings"

	"github.com/infersim/infersim/conclude"
	"github.com/infersim/infersim/devices"
	"github.com/infersim/infersim/devices/llmphone"
	"github.com/infersim/infersim/result"
)

// The hybrid rule's regret (issue 21): at every point, the hybrid mode's
// value of a metric against the best of the fixed choices (on-device,
// cloud) at that point, hybrid/best − 1, in the vocabulary of auto.regret
// (0: the rule did as well as the best fixed choice; it can be negative
// where choosing per turn beats both).

// hybridMetrics are the metrics the regret is reported for.
var hybridMetrics = []string{"llm.ttft", "latency.mean", "llm.energy_per_conversation"}

// hybridShort words the metrics in the regret sentence.
var hybridShort = map[string]string{"llm.ttft": "TTFT", "latency.mean": "latency", "llm.energy_per_conversation": "energy"}

// llmEnergyNote discloses where a chat's phone energy comes from: the
// runtime's power model is a prior, not a fit (devices/llmphone).
const llmEnergyNote = "the phone's energy: prefill and decode draw devices/llmphone's power model of the runtime (the OnePlus 12 power profile's four busy big cores at an assumed 3.87 V, plus an assumed 4 pJ/bit of DRAM traffic), a labelled prior: no published power of a phone running an LLM was verified; screen and radio are the phone and network presets'."

// llmEnergyNoteFor is llmEnergyNote for the runtime the scenario's
// on-device turns run on: a GPU or NPU runtime's power is its
// processor's labelled prior (devices/llmphone's acceleratorPower), not
// the CPU's busy cores. An unresolvable runtime (the scenario's checks
// report it) keeps the CPU's note.
func llmEnergyNoteFor(s *Scenario) string {
	rt, _, err := s.llmRuntime()
	if err != nil || rt.Processor == "" || rt.Processor == llmphone.CPU || len(rt.Power.Sources) == 0 {
		return llmEnergyNote
	}
	return fmt.Sprintf("the phone's energy: prefill and decode draw devices/llmphone's power model of the %s runtime %s, %.2f W while it computes (%s; plus the OnePlus 12 power profile's cpu.awake at an assumed 3.87 V) and an assumed 4 pJ/bit of DRAM traffic, a labelled prior: no published power of a phone running an LLM was verified; screen and radio are the phone and network presets'.",
		rt.Processor, rt.Name, rt.Power.CPU, rt.Power.Sources[0])
}

// noteLLMEnergy adds llmEnergyNoteFor to each of run's computed
// conclusions about an energy or battery metric.
func noteLLMEnergy(s *Scenario, run *result.Run) {
	if len(run.ConclusionDetails) == 0 {
		return
	}
	specs := s.conclusionsFor(conclude.NewInput(s.concludeContext(), run.Summaries))
	for i := range specs {
		if i >= len(run.ConclusionDetails) || !llmEnergyMetric(specs[i].Metric) {
			continue
		}
		c := &run.ConclusionDetails[i]
		c.Notes = append(c.Notes, llmEnergyNoteFor(s))
	}
}

// llmEnergyMetric reports whether a metric is an energy or battery one.
func llmEnergyMetric(name string) bool {
	return strings.Contains(name, "energy") || strings.Contains(name, "battery")
}

// llmConclusions returns the regret conclusion of a complete run whose
// modes include hybrid and both fixed choices, nil otherwise; it adds
// llmEnergyNote to the run's energy conclusions (and to the regret's,
// which weighs energy).
func llmConclusions(s *Scenario, run *result.Run) []result.Conclusion {
	noteLLMEnergy(s, run)
	type cellKey struct {
		point int
		mode  string
	}
	groups := map[cellKey]*result.Summary{}
	var points []int
	seen := map[int]bool{}
	for i := range run.Summaries {
		sm := &run.Summaries[i]
		k := cellKey{sm.Point, sm.Mode}
		// The warm group when there is one: a cold group is a first
		// on-phone turn's load, not the rule's choice.
		if g, ok := groups[k]; !ok || g.Start != result.Warm && sm.Start == result.Warm {
			groups[k] = sm
		}
		if !seen[sm.Point] {
			seen[sm.Point] = true
			points = append(points, sm.Point)
		}
	}
	fixed := []string{devices.ChatOnDevice.String(), devices.ChatCloud.String()}
	hybrid := devices.ChatHybrid.String()
	policy := s.chatPolicy()
	c := result.Conclusion{Kind: "regret", Columns: []string{"group", "metric", "hybrid", "best fixed choice", "regret"}}
	regrets := map[string][]float64{}
	for _, p := range points {
		h := groups[cellKey{p, hybrid}]
		if h == nil {
			continue
		}
		// The table names every swept field; without their section prefixes
		// a row fits the 160-column limit with three sweeps.
		where := strings.NewReplacer("llm.", "", "network.", "").Replace(pointWhere(h.Params))
		for _, name := range hybridMetrics {
			mi, ok := result.LookupMetric(name)
			if !ok {
				continue
			}
			hv, _, ok := mi.Value(h)
			if !ok || math.IsNaN(hv) {
				continue
			}
			best, bestMode := math.Inf(1), ""
			for _, m := range fixed {
				g := groups[cellKey{p, m}]
				if g == nil {
					continue
				}
				if v, _, ok := mi.Value(g); ok && v < best {
					best, bestMode = v, m
				}
			}
			if bestMode == "" || !(best > 0) {
				continue
			}
			r := hv/best - 1
			regrets[name] = append(regrets[name], r)
			c.Rows = append(c.Rows, []string{where, mi.Phrase, conclude.Format(mi.Unit, hv),
				bestMode + " " + conclude.Format(mi.Unit, best), fmt.Sprintf("%+.0f %%", 100*r)})
		}
	}
	if len(c.Rows) == 0 {
		return nil
	}
	var parts []string
	for _, name := range hybridMetrics {
		rs := regrets[name]
		if len(rs) == 0 {
			continue
		}
		lo, hi := minMax(rs)
		txt := fmt.Sprintf("%+.0f %%", 100*lo)
		if math.Round(100*hi) != math.Round(100*lo) {
			txt = fmt.Sprintf("%+.0f to %+.0f %%", 100*lo, 100*hi)
		}
		parts = append(parts, hybridShort[name]+" "+txt)
	}
	rule := fmt.Sprintf("phone if prompt ≤ %d tokens, battery ≥ %.0f %%", policy.MaxPrompt, 100*policy.MinBattery)
	if policy.Network {
		// The rule in full is the first note; the sentence keeps to the
		// 160-column line.
		rule = fmt.Sprintf("prompt ≤ %d tokens, battery ≥ %.0f %%, TTFT est.", policy.MaxPrompt, 100*policy.MinBattery)
		if policy.Load {
			rule = fmt.Sprintf("prompt ≤ %d, battery ≥ %.0f %%, TTFT + delay seen", policy.MaxPrompt, 100*policy.MinBattery)
		}
	}
	c.Sentence = fmt.Sprintf("hybrid (%s), regret vs the best fixed choice: %s", rule, strings.Join(parts, ", "))
	c.Notes = []string{"hybrid's rule: " + policy.String() + ".",
		"regret: hybrid's value over the better of on-device and cloud at the same point, minus 1; TTFT is the mean time to first token, latency the mean turn time, energy the phone's per conversation.", llmEnergyNoteFor(s)}
	return []result.Conclusion{c}
}

// pointWhere words a point's parameters for a table's group column.
func pointWhere(ps []result.Param) string {
	if len(ps) == 0 {
		return "all"
	}
	var w []string
	for _, p := range ps {
		w = append(w, p.Name+" "+p.Value)
	}
	return strings.Join(w, ", ")
}
