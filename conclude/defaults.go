package conclude

import "strings"

// Defaults returns the conclusions a run gets when its scenario writes
// none (and what a conclusions entry of kind defaults stands for), chosen
// from what the run holds:
//
//   - the best mode by mean latency, and by energy per request, of each
//     point and group: along the first swept numeric parameter (best with
//     that param), else per group (every swept value is a group);
//   - when the run has on-device and remote (cloud, else split) modes: for
//     each swept numeric parameter, the on-device vs cloud crossover along
//     it of the mean latency (warm, and cold when on-device requests start
//     cold) and of the energy per request, each with the 95 % CI of where
//     the replications cross;
//   - without a swept numeric parameter: on-device vs cloud, mean latency
//     (warm, and cold when they start cold) and energy per request.
func (in *Input) Defaults() []Conclusion {
	var onDevice, cloud, split, cold bool
	var numeric []string
	seen := map[string]map[string]bool{}
	for _, c := range in.cells {
		switch {
		case strings.HasPrefix(c.mode, "on-device"):
			onDevice = true
			if g, _, _ := c.byStart(); g != nil {
				cold = true
			}
		case strings.HasPrefix(c.mode, "cloud"):
			cloud = true
		case strings.HasPrefix(c.mode, "split:"):
			split = true
		}
		for _, p := range c.params {
			if !p.IsNumeric() || cellParam(p.Name) {
				continue
			}
			if seen[p.Name] == nil {
				seen[p.Name] = map[string]bool{}
				numeric = append(numeric, p.Name)
			}
			seen[p.Name][p.Value] = true
		}
	}
	// The best mode per point: along the first swept numeric parameter
	// (the others, and every other swept value, make groups).
	along := ""
	for _, p := range numeric {
		if len(seen[p]) >= 2 {
			along = p
			break
		}
	}
	out := []Conclusion{
		{Kind: KindBest, Metric: "latency.mean", Param: along},
		{Kind: KindBest, Metric: "energy", Param: along},
	}
	remote := Selector{Modes: []string{"cloud"}}
	switch {
	case cloud:
	case split:
		remote = Selector{Modes: []string{"split"}}
	default:
		return out
	}
	if !onDevice {
		return out
	}
	local := Selector{Modes: []string{"on-device"}}
	starts := []string{"warm"}
	if cold {
		starts = append(starts, "cold")
	}
	swept := false
	for _, p := range numeric {
		if len(seen[p]) < 2 {
			continue
		}
		swept = true
		for _, st := range starts {
			out = append(out, Conclusion{Kind: KindCrossover, Metric: "latency.mean", Param: p, Where: Selector{Start: st}, A: local, B: remote})
		}
		out = append(out, Conclusion{Kind: KindCrossover, Metric: "energy", Param: p, Where: Selector{Start: "warm"}, A: local, B: remote})
	}
	if !swept {
		for _, st := range starts {
			out = append(out, Conclusion{Kind: KindCompare, Metric: "latency.mean", Where: Selector{Start: st}, A: local, B: remote})
		}
		out = append(out, Conclusion{Kind: KindCompare, Metric: "energy", Where: Selector{Start: "warm"}, A: local, B: remote})
	}
	return out
}

// Expand returns cns with each entry of kind defaults replaced by the
// default conclusions (Defaults).
func (in *Input) Expand(cns []Conclusion) []Conclusion {
	var out []Conclusion
	for _, cn := range cns {
		if cn.Kind == KindDefaults {
			out = append(out, in.Defaults()...)
			continue
		}
		out = append(out, cn)
	}
	return out
}
