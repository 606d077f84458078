package validation

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/infersim/infersim/devices/llmphone"
)

// A published number a runtime was fitted to is a fit row and every
// other LLM phone speed or memory row is held out (or an input), under
// every cost model; the fit rows are exactly the runtimes' FittedTo.
func TestLLMRolesFromFittedTo(t *testing.T) {
	for _, cm := range llmphone.CostModels() {
		fitted := map[string]bool{}
		for _, n := range llmphone.Names() {
			r, err := llmphone.Build(n, cm, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range r.FittedTo {
				fitted[id] = true
			}
		}
		sims, err := llmPhoneSims(cm, nil)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, s := range sims {
			if seen[s.id] {
				t.Errorf("%s: row %s twice", cm, s.id)
			}
			seen[s.id] = true
			switch {
			case s.role == Fit && !fitted[s.id]:
				t.Errorf("%s: %s is a fit row but no runtime was fitted to it", cm, s.id)
			case s.role == HeldOut && fitted[s.id]:
				t.Errorf("%s: %s is held out but a runtime was fitted to it", cm, s.id)
			case s.role == Input && !strings.HasSuffix(s.id, "-bandwidth") && !strings.HasSuffix(s.id, "-size"):
				t.Errorf("%s: %s is an input", cm, s.id)
			}
		}
		for id := range fitted {
			if !seen[id] {
				t.Errorf("%s: fitted to %s, which no row shows", cm, id)
			}
		}
	}
}

// The cost models are compared on the same held-out rows, and the
// default is the host-roofline model: the method (this host's
// per-operator timings price the phone's operators), not the table's
// winner. The table is a report; a test that required the default to
// win it would fit the choice to the held-out rows.
func TestLLMCostVariants(t *testing.T) {
	vs, err := llmCostVariants()
	if err != nil {
		t.Fatal(err)
	}
	defaults := 0
	for _, v := range vs {
		if v.Default {
			defaults++
			if !strings.HasPrefix(v.Name, "host-roofline") || strings.Contains(v.Name, ",") {
				t.Errorf("default variant %q, want host-roofline", v.Name)
			}
		}
	}
	if defaults != 1 {
		t.Errorf("%d default variants, want 1", defaults)
	}
	// Every variant is judged on the same held-out rows.
	for _, v := range vs[1:] {
		if v.All().Rows != vs[0].All().Rows {
			t.Errorf("%s: %d held-out rows, %s %d", v.Name, v.All().Rows, vs[0].Name, vs[0].All().Rows)
		}
	}
}

// The LLM sensitivity moves every fitted parameter, and what it moves
// follows from the model: a decode efficiency moves its own runtime's
// decode rows by the factor exactly (decode is bandwidth-bound on the
// weights), the 8 Gen 3's NPU row with the 8 Elite's (it carries it);
// a prefill rate moves a decode row only through attention's compute
// roof (the host's attention FLOP/s ratio times the rate), a small part
// of a step that the weights' bytes dominate: under a tenth of its own
// move; the memory overhead only RSS rows.
func TestLLMSensitivity(t *testing.T) {
	ps, err := llmSensitivity()
	if err != nil {
		t.Fatal(err)
	}
	want, _ := llmphone.FittedParams(llmphone.DefaultCostModel)
	if len(ps) != len(want) {
		t.Errorf("%d parameters, want %d", len(ps), len(want))
	}
	for _, p := range ps {
		if len(p.Moves) == 0 {
			t.Errorf("%s %s moves no row", p.Runtime, p.Param)
		}
		ids := []string{}
		for _, m := range p.Moves {
			ids = append(ids, m.ID)
		}
		switch {
		case p.Runtime == "genie-htp-sd8elite" && p.Param == llmphone.ParamDecodeEfficiency:
			if !slices.Contains(ids, "L-npu-s24-llama3-8b-decode") {
				t.Errorf("genie's efficiency does not move the S24 row: %v", ids)
			}
			for _, m := range p.Moves {
				if m.ID == "L-npu-8elite-3b-w4a16-decode" {
					if lo, hi := 1-p.Uncertainty-1, 1+p.Uncertainty-1; math.Abs(m.Low-lo) > 1e-9 || math.Abs(m.High-hi) > 1e-9 {
						t.Errorf("3B decode moves %+.4f / %+.4f, want %+.4f / %+.4f", m.Low, m.High, lo, hi)
					}
				}
			}
		case p.Param == llmphone.ParamOverhead:
			for _, id := range ids {
				if !strings.HasSuffix(id, "-rss") {
					t.Errorf("the overhead moves %s", id)
				}
			}
		case strings.HasPrefix(p.Param, "prefill.") && p.Runtime != llmphone.HostRuntime:
			for _, m := range p.Moves {
				if strings.HasSuffix(m.ID, "-decode") && math.Max(math.Abs(m.Low), math.Abs(m.High)) > p.Uncertainty/10 {
					t.Errorf("%s %s moves %s by %+.3f / %+.3f", p.Runtime, p.Param, m.ID, m.Low, m.High)
				}
			}
		}
	}
}
