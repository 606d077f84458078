package validation

import (
	"context"
	"fmt"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/infersim/infersim/devices/engine"
	"github.com/infersim/infersim/devices/llmphone"
	"github.com/infersim/infersim/models"
	"github.com/infersim/infersim/scenarios"
)

// Sensitivity is the one-at-a-time sensitivity analysis of `infersim
// validate --sensitivity`: every fitted parameter of every shipped
// processor profile (free, or tied to a published share) is moved to
// Value·(1 − u) and Value·(1 + u), u its uncertainty
// (engine.FitParam.Uncertainty: the largest tolerance of the rows it is
// fitted to, or 1.96 standard errors of the fit when larger; a share's
// fact tolerance),
// the others staying as fitted, and the headline numbers (G5-time,
// G5-energy as the study rows compute them) and each built-in what-if's
// first conclusion are recomputed.
//
// Cost is bounded: the guo2018 runs use Replications replications (the
// quick size), the what-ifs their quick sizes, and a what-if is only
// re-run for the parameters of profiles it uses (the others cannot move
// it). Every run uses the same seeds as the baseline, so a change is the
// parameter's effect, not sampling noise.
type Sensitivity struct {
	Replications int
	WhatIfs      []string
	// Runs is the number of simulations the analysis ran.
	Runs    int
	Outputs []SensitivityOutput
	Params  []SensitivityParam
	// LLM is the phone LLM runtimes' fitted parameters and the LLM
	// phone rows each moves (llmSensitivity).
	LLM []LLMSensitivityParam
}

// LLMSensitivityParam is one fitted parameter of a phone LLM runtime
// (llmphone.FittedParams under the default cost model) at ± its
// uncertainty (the tolerance of the row it is fitted to; for the host
// ratios, their run-to-run spread), and the LLM phone rows that move.
type LLMSensitivityParam struct {
	Runtime, Param     string
	Value, Uncertainty float64
	FittedTo           string
	// Moves is every LLM phone row whose simulated value moves by at
	// least 0.05 %, in row order.
	Moves []LLMRowMove
}

// LLMRowMove is one row's relative change at Value·(1 − u) and
// Value·(1 + u).
type LLMRowMove struct {
	ID        string
	Role      Role
	Low, High float64
}

// llmSensitivity moves each fitted parameter of the phone LLM runtimes
// one at a time (llmphone.Build's scales, the others as fitted: no
// refit) and recomputes the LLM phone rows. The runtimes are analytic,
// so this costs no simulation.
func llmSensitivity() ([]LLMSensitivityParam, error) {
	cost := llmphone.DefaultCostModel
	base, err := llmPhoneSims(cost, nil)
	if err != nil {
		return nil, err
	}
	ps, err := llmphone.FittedParams(cost)
	if err != nil {
		return nil, fmt.Errorf("validation: sensitivity: %w", err)
	}
	var out []LLMSensitivityParam
	for _, p := range ps {
		if !(p.Uncertainty > 0) || !(p.Value > 0) {
			continue
		}
		sp := LLMSensitivityParam{Runtime: p.Runtime, Param: p.Name, Value: p.Value, Uncertainty: p.Uncertainty, FittedTo: p.FittedTo}
		var moved [2][]llmSim
		for k, sign := range []float64{-1, 1} {
			scale := 1 + sign*p.Uncertainty
			if !(scale > 0) {
				scale = 0.5
			}
			moved[k], err = llmPhoneSims(cost, map[string]float64{p.Runtime + "/" + p.Name: scale})
			if err != nil {
				return nil, fmt.Errorf("validation: sensitivity: %s %s: %w", p.Runtime, p.Name, err)
			}
		}
		for i, b := range base {
			lo := (moved[0][i].sim - b.sim) / b.sim
			hi := (moved[1][i].sim - b.sim) / b.sim
			if math.Max(math.Abs(lo), math.Abs(hi)) >= 0.0005 {
				sp.Moves = append(sp.Moves, LLMRowMove{ID: b.id, Role: b.role, Low: lo, High: hi})
			}
		}
		out = append(out, sp)
	}
	return out, nil
}

// writeLLMSensitivity writes the LLM part of the analysis.
func writeLLMSensitivity(b *strings.Builder, ps []LLMSensitivityParam, markdown bool) {
	if len(ps) == 0 {
		return
	}
	intro := fmt.Sprintf("Phone LLM runtimes (cost model %s): each fitted parameter moved by ± the tolerance of the row it is fitted to (the host ratios by their ±%.0f %% run-to-run spread), the others as fitted, and every LLM phone row recomputed. "+
		"Cells: the rows that move by 0.05 %% or more, with their change at −u / +u; a fit row moving only says the parameter is its own.\n\n", llmphone.DefaultCostModel, 100*llmphone.HostParamUncertainty)
	head := []string{"runtime parameter", "±", "fitted to", "held-out rows moved", "fit rows moved"}
	var rows [][]string
	for _, p := range ps {
		var held, fit []string
		for _, m := range p.Moves {
			cell := fmt.Sprintf("%s %+.1f / %+.1f %%", m.ID, 100*m.Low, 100*m.High)
			if m.Role == Fit {
				fit = append(fit, cell)
			} else if m.Role == HeldOut {
				held = append(held, cell)
			}
		}
		dash := func(s []string) string {
			if len(s) == 0 {
				return "—"
			}
			return strings.Join(s, "; ")
		}
		rows = append(rows, []string{p.Runtime + " " + p.Param, fmt.Sprintf("%.0f %%", 100*p.Uncertainty), p.FittedTo, dash(held), dash(fit)})
	}
	if markdown {
		b.WriteString("\n### LLM phone parameters\n\n" + intro)
		markdownTable(b, head, rows)
		return
	}
	b.WriteString("\nllm phone parameters:\n")
	align(b, append([][]string{head}, rows...))
}

// SensitivityOutput is one number or conclusion the analysis follows.
type SensitivityOutput struct {
	// Name is "G5-time", "G5-energy" or a what-if's name.
	Name string
	// Base is the baseline value (a G5 ratio), NaN for a conclusion.
	Base float64
	// Text is the baseline as printed: the ratio, or the what-if's first
	// conclusion.
	Text string
}

// SensitivityParam is one parameter's effect on every output.
type SensitivityParam struct {
	Profile, Param     string
	Value, Uncertainty float64
	// Low and High hold the effects, one per output (in Outputs order),
	// at Value·(1 − Uncertainty) and Value·(1 + Uncertainty).
	Low, High []SensitivityEffect
}

// SensitivityEffect is how one output moved.
type SensitivityEffect struct {
	// Change is the relative change of the output: for a conclusion, that
	// of the number in its first line that moved the most (signed).
	Change float64
	// Text is the moved output as printed.
	Text string
	// Reworded: the conclusion's words (numbers aside) changed: a
	// qualitative change, e.g. a crossing that appears or vanishes.
	Reworded bool
	// Unused: the run uses no processor of this profile, so it was not
	// re-run (Change 0 by construction).
	Unused bool
}

// Span returns the parameter's largest |Change| over the outputs.
func (p SensitivityParam) Span() float64 {
	m := 0.0
	for i := range p.Low {
		m = math.Max(m, math.Max(math.Abs(p.Low[i].Change), math.Abs(p.High[i].Change)))
	}
	return m
}

// g5IDs are the headline rows the analysis follows.
var g5IDs = []string{"G5-time", "G5-energy"}

// sensitivity runs the analysis against the kernel profile kp.
func sensitivity(ctx context.Context, opts Options, kp *models.Profile, reports map[string]engine.FitReport, names []string) (*Sensitivity, error) {
	s := &Sensitivity{Replications: QuickReplications}
	for _, n := range scenarios.BuiltinNames() {
		if n != scenarios.DefaultScenario {
			s.WhatIfs = append(s.WhatIfs, n)
		}
	}
	uses := map[string]map[string]bool{}
	for _, n := range s.WhatIfs {
		u, err := processorsUsed(n)
		if err != nil {
			return nil, err
		}
		uses[n] = u
	}
	base, err := s.outputs(ctx, opts, kp, "", nil)
	if err != nil {
		return nil, err
	}
	for i, n := range append(append([]string{}, g5IDs...), s.WhatIfs...) {
		o := SensitivityOutput{Name: n, Base: base[i].value, Text: base[i].text}
		s.Outputs = append(s.Outputs, o)
	}
	for _, name := range names {
		for _, prm := range reports[name].Params {
			if !(prm.Uncertainty > 0) || !(prm.Value > 0) {
				continue
			}
			// handling.setup moves the named profile's setup only: a
			// profile whose setup is tied to it keeps the fitted value.
			sp := SensitivityParam{Profile: name, Param: prm.Name, Value: prm.Value, Uncertainty: prm.Uncertainty}
			for _, sign := range []float64{-1, 1} {
				scale := 1 + sign*prm.Uncertainty
				if !(scale > 0) {
					scale = 0.5 // an uncertainty ≥ 100 %: halve it instead
				}
				kp2, err := engine.Perturbed(kp, name, prm.Name, scale)
				if err != nil {
					return nil, fmt.Errorf("validation: sensitivity: %w", err)
				}
				got, err := s.outputs(ctx, opts, kp2, name, uses)
				engine.Release(kp2)
				if err != nil {
					return nil, err
				}
				effects := make([]SensitivityEffect, len(got))
				for i, g := range got {
					effects[i] = effect(base[i], g)
				}
				if sign < 0 {
					sp.Low = effects
				} else {
					sp.High = effects
				}
			}
			s.Params = append(s.Params, sp)
		}
	}
	if s.LLM, err = llmSensitivity(); err != nil {
		return nil, err
	}
	return s, nil
}

// outValue is one output of one set of runs.
type outValue struct {
	value  float64 // G5 ratio, NaN for conclusions
	text   string
	unused bool
}

// outputs runs guo2018 and the what-ifs against kp: every what-if when
// profile is "" (the baseline), else those that use profile.
func (s *Sensitivity) outputs(ctx context.Context, opts Options, kp *models.Profile, profile string, uses map[string]map[string]bool) ([]outValue, error) {
	o := opts
	o.KernelProfile, o.KernelProfileName = kp, "sensitivity"
	dir, err := os.MkdirTemp("", "infersim-sensitivity-")
	if err != nil {
		return nil, fmt.Errorf("validation: %w", err)
	}
	defer os.RemoveAll(dir)
	d, run, err := runStudy(ctx, o, kp, s.Replications, 0, dir)
	if err != nil {
		return nil, err
	}
	s.Runs++
	c, err := newCollector(kp)
	if err != nil {
		return nil, err
	}
	c.studyRows(d, run)
	var out []outValue
	for _, id := range g5IDs {
		v := outValue{value: math.NaN(), text: "—"}
		for _, r := range c.rows {
			if r.ID == id {
				v = outValue{value: r.Simulated, text: sig3(r.Simulated) + "×"}
				break
			}
		}
		out = append(out, v)
	}
	for _, n := range s.WhatIfs {
		if profile != "" && !uses[n][profile] {
			out = append(out, outValue{value: math.NaN(), unused: true})
			continue
		}
		line, err := firstConclusion(ctx, o, n)
		if err != nil {
			return nil, err
		}
		s.Runs++
		out = append(out, outValue{value: math.NaN(), text: line})
	}
	return out, nil
}

// firstConclusion runs a built-in what-if at its quick size and returns
// its first conclusion line.
func firstConclusion(ctx context.Context, opts Options, name string) (string, error) {
	sc, err := scenarios.Builtin(name)
	if err != nil {
		return "", fmt.Errorf("validation: %w", err)
	}
	if sc.HasQuick() {
		if err := sc.ApplyQuick(); err != nil {
			return "", fmt.Errorf("validation: %s: %w", name, err)
		}
	}
	sc.Outputs.Requests, sc.Outputs.Plots, sc.Outputs.Trace = false, false, false
	dir, err := os.MkdirTemp("", "infersim-sensitivity-"+name+"-")
	if err != nil {
		return "", fmt.Errorf("validation: %w", err)
	}
	defer os.RemoveAll(dir)
	res, err := scenarios.Run(ctx, sc, scenarios.Options{Out: dir, Workers: opts.Workers,
		KernelProfile: opts.KernelProfile, KernelProfileName: opts.KernelProfileName})
	if err != nil {
		return "", fmt.Errorf("validation: sensitivity: running %s: %w", name, err)
	}
	if len(res.Run.Conclusions) == 0 {
		return "(no conclusion)", nil
	}
	return res.Run.Conclusions[0], nil
}

// processorsUsed returns the processor profiles any point of a built-in
// what-if uses.
func processorsUsed(name string) (map[string]bool, error) {
	sc, err := scenarios.Builtin(name)
	if err != nil {
		return nil, fmt.Errorf("validation: %w", err)
	}
	if sc.HasQuick() {
		if err := sc.ApplyQuick(); err != nil {
			return nil, fmt.Errorf("validation: %s: %w", name, err)
		}
	}
	used := map[string]bool{}
	for i := 0; i < sc.Points(); i++ {
		pt, err := sc.Point(i)
		if err != nil {
			return nil, fmt.Errorf("validation: %s: %w", name, err)
		}
		ps := pt.Scenario
		for _, p := range []string{ps.Phone.CPU, ps.Phone.GPU, ps.Cloud.CPU, ps.Cloud.GPU} {
			if p != "" && p != "none" {
				used[p] = true
			}
		}
	}
	return used, nil
}

// number matches the numbers in a conclusion line, with a unit of time,
// energy or power when one follows ("985 ms" and "1.07 s" are the same
// kind of number).
var number = regexp.MustCompile(`([0-9]+(?:\.[0-9]+)?)(?: ?(ns|µs|us|ms|s|mJ|J|kJ|mW|W)\b)?`)

// unitScale converts a conclusion number's unit to base units and names
// its dimension.
var unitScale = map[string]struct {
	f   float64
	dim string
}{
	"": {1, ""}, "ns": {1e-9, "t"}, "µs": {1e-6, "t"}, "us": {1e-6, "t"}, "ms": {1e-3, "t"}, "s": {1, "t"},
	"mJ": {1e-3, "e"}, "J": {1, "e"}, "kJ": {1e3, "e"}, "mW": {1e-3, "p"}, "W": {1, "p"},
}

// numbers returns a conclusion line's numbers in base units and the line
// with each number replaced by its dimension.
func numbers(line string) ([]float64, string) {
	var xs []float64
	mask := number.ReplaceAllStringFunc(line, func(m string) string {
		sm := number.FindStringSubmatch(m)
		v, _ := strconv.ParseFloat(sm[1], 64)
		u := unitScale[sm[2]]
		xs = append(xs, v*u.f)
		return "#" + u.dim
	})
	return xs, mask
}

// effect compares an output with its baseline.
func effect(base, got outValue) SensitivityEffect {
	if got.unused {
		return SensitivityEffect{Unused: true, Text: base.text}
	}
	e := SensitivityEffect{Text: got.text}
	if !math.IsNaN(base.value) {
		e.Change = (got.value - base.value) / base.value
		return e
	}
	bs, bm := numbers(base.text)
	gs, gm := numbers(got.text)
	if bm != gm {
		e.Reworded = true
		return e
	}
	for i, b := range bs {
		g := gs[i]
		if b == 0 {
			continue
		}
		if c := (g - b) / b; math.Abs(c) > math.Abs(e.Change) {
			e.Change = c
		}
	}
	return e
}

// sensitivityText is an effect as a table cell: "+12 %", "reworded",
// "not used".
func sensitivityText(e SensitivityEffect) string {
	switch {
	case e.Unused:
		return "·"
	case e.Reworded:
		return "reworded"
	case e.Change == 0:
		return "0"
	}
	return fmt.Sprintf("%+.1f %%", 100*e.Change)
}

// writeSensitivity writes the analysis as a table (markdown: a Markdown
// table) with the baselines and the reworded conclusions.
func (s *Sensitivity) write(b *strings.Builder, markdown bool) {
	if markdown {
		b.WriteString("\n## Sensitivity\n\n")
	} else {
		b.WriteString("\nsensitivity:\n")
	}
	fmt.Fprintf(b, "Each fitted parameter moved by ± its uncertainty (the largest tolerance of the rows it is fitted to, or 1.96 standard errors of the fit if larger; for a factor tied to a published share, that fact's tolerance), the others kept as fitted; "+
		"the change of each headline number (guo2018 at %d replications, the same seeds) and of the largest-moving number in each built-in what-if's first conclusion (at its quick size). "+
		"\"·\": the what-if uses no processor of that profile, so it was not re-run; \"reworded\": the conclusion's words changed, not just its numbers. Not moved: the servers' request-handling setup (a one-row fit of its own). %d simulations in all.\n\n",
		s.Replications, s.Runs)
	head := []string{"parameter", "±"}
	for _, o := range s.Outputs {
		head = append(head, o.Name)
	}
	var rows [][]string
	for _, p := range s.Params {
		row := []string{p.Profile + " " + p.Param, fmt.Sprintf("%.0f %%", 100*p.Uncertainty)}
		for i := range s.Outputs {
			row = append(row, sensitivityText(p.Low[i])+" / "+sensitivityText(p.High[i]))
		}
		rows = append(rows, row)
	}
	if markdown {
		markdownTable(b, head, rows)
		b.WriteString("\nCells: the change with the parameter at −u / +u. Baselines:\n\n")
		for _, o := range s.Outputs {
			fmt.Fprintf(b, "- **%s**: %s\n", o.Name, mdEscape(o.Text))
		}
	} else {
		align(b, append([][]string{head}, rows...))
		b.WriteString("baselines:\n")
		for _, o := range s.Outputs {
			fmt.Fprintf(b, "  %s: %s\n", o.Name, o.Text)
		}
	}
	var rew []string
	for _, p := range s.Params {
		for i, o := range s.Outputs {
			for k, e := range []SensitivityEffect{p.Low[i], p.High[i]} {
				if e.Reworded {
					rew = append(rew, fmt.Sprintf("%s %s %s: %s", p.Profile, p.Param, []string{"−u", "+u"}[k], o.Name+": "+e.Text))
				}
			}
		}
	}
	if len(rew) > 0 {
		if markdown {
			b.WriteString("\nReworded conclusions:\n\n")
			for _, r := range rew {
				b.WriteString("- " + mdEscape(r) + "\n")
			}
		} else {
			b.WriteString("reworded conclusions:\n")
			for _, r := range rew {
				b.WriteString("  " + r + "\n")
			}
		}
	}
	writeLLMSensitivity(b, s.LLM, markdown)
}

// headline says, per output, which parameter moves it most and by how
// much: "G5-time: nexus5-cnndroid-gpu convert (±15 %) moves it −14.1 % /
// +14.1 %; …"; outputs no parameter moves by 0.1 % are named together.
func (s *Sensitivity) headline() string {
	var parts, still []string
	for i, o := range s.Outputs {
		best, span := -1, 0.0
		reworded := ""
		for k, p := range s.Params {
			for _, e := range []SensitivityEffect{p.Low[i], p.High[i]} {
				if e.Reworded && reworded == "" {
					reworded = p.Profile + " " + p.Param
				}
				if math.Abs(e.Change) > span {
					best, span = k, math.Abs(e.Change)
				}
			}
		}
		switch {
		case reworded != "":
			parts = append(parts, fmt.Sprintf("%s: reworded by %s", o.Name, reworded))
		case best < 0 || span < 0.001:
			still = append(still, o.Name)
		default:
			p := s.Params[best]
			parts = append(parts, fmt.Sprintf("%s: %s %s (±%.0f %%) moves it %s / %s", o.Name, p.Profile, p.Param, 100*p.Uncertainty,
				sensitivityText(p.Low[i]), sensitivityText(p.High[i])))
		}
	}
	if len(still) > 0 {
		parts = append(parts, "no parameter moves "+strings.Join(still, ", ")+" by 0.1 %")
	}
	return strings.Join(parts, "; ") + "."
}
