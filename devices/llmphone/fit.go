package llmphone

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/infersim/infersim/models/llm"
	"github.com/infersim/infersim/reference"
)

// The names of a runtime's fitted parameters (FittedParam.Name); a
// prefill rate is "prefill." and its kernel class, e.g. "prefill.w4a8".
const (
	ParamDecodeEfficiency = "decode_efficiency"
	ParamOverhead         = "overhead"
	paramPrefill          = "prefill."
)

// HostParams are the host roofline's ratios a HostRoofline runtime
// reads, as sensitivity parameters of the pseudo-runtime "host": the
// attention class's FLOP/s and bytes/s and the vector class's bytes/s,
// each relative to the matrix class's (the matrix class's own rates
// cancel: the fitted FLOP/s and efficiency stand in for them).
var HostParams = []string{"attention.F", "attention.B", "vector.B"}

// HostParamUncertainty is the relative uncertainty of a host ratio: the
// ±10 % the calibration's rates move between runs on the shared
// development machine (models/llm/BENCHMARKS.md, three runs).
const HostParamUncertainty = 0.10

// HostRuntime is the pseudo-runtime name of HostParams: Build's scale
// key "host/attention.F" moves that ratio after the fit (the fitted
// parameters kept), "refit/attention.F" before it (the parameters
// refitted to the moved ratio).
const (
	HostRuntime = "host"
	RefitRatios = "refit"
)

// FittedParam is one fitted parameter of a runtime: its value, the
// published row it was fitted to, and its uncertainty (that row's
// tolerance), by which `validate --sensitivity` moves it.
type FittedParam struct {
	Runtime, Name string
	Value         float64
	FittedTo      string
	Uncertainty   float64
}

// build is how a runtime is constructed: its cost model and the factors
// a sensitivity run multiplies fitted parameters by (key "runtime/param",
// or "host/attention.F" and the other HostParams).
type build struct {
	cost  CostModel
	scale map[string]float64
}

var defaultBuild = build{cost: DefaultCostModel}

func (b build) scaleOf(runtime, param string) float64 {
	if s, ok := b.scale[runtime+"/"+param]; ok {
		return s
	}
	return 1
}

// Build constructs the named runtime under cost model cost, each fitted
// parameter p of runtime r (and each host ratio, "host/attention.F")
// multiplied by scale["r/p"] after the fit: a one-at-a-time sensitivity
// run, the others as fitted. A host ratio under "refit/" is moved before
// the fit instead, and the parameters are refitted to it. A runtime derived from another (the 8 Gen
// 3's NPU from the 8 Elite's) follows its source's scaled parameters.
func Build(name string, cost CostModel, scale map[string]float64) (Runtime, error) {
	f, ok := builders[name]
	if !ok {
		return Runtime{}, fmt.Errorf("llmphone: no runtime %q (have %s)", name, strings.Join(Names(), ", "))
	}
	if cost != Direct && cost != HostRoofline {
		return Runtime{}, fmt.Errorf("llmphone: no cost model %q (want %s or %s)", cost, Direct, HostRoofline)
	}
	return f(build{cost: cost, scale: scale})
}

// FittedParams lists every runtime's own fitted parameters under cost,
// sorted by runtime and name, and under HostRoofline the host ratios.
func FittedParams(cost CostModel) ([]FittedParam, error) {
	var out []FittedParam
	for _, n := range Names() {
		r, err := Build(n, cost, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, r.Fitted...)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Runtime != out[j].Runtime {
			return out[i].Runtime < out[j].Runtime
		}
		return out[i].Name < out[j].Name
	})
	if cost == HostRoofline {
		rel, err := hostRatios(nil)
		if err != nil {
			return nil, err
		}
		for _, p := range HostParams {
			cls, roof, _ := strings.Cut(p, ".")
			v := rel[llm.OpClass(cls)].Bytes
			if roof == "F" {
				v = rel[llm.OpClass(cls)].FLOPs
			}
			out = append(out, FittedParam{Runtime: HostRuntime, Name: p, Value: v, FittedTo: llm.HostCalibrationFile, Uncertainty: HostParamUncertainty})
		}
	}
	return out, nil
}

// fitRow is one published rate a runtime is fitted to: a decode row
// (decodeCtx > 0) fits the decode efficiency, a prefill row (prompt > 0)
// the prefill rate of the model's kernel class.
type fitRow struct {
	m                 Model
	id                string
	decodeCtx, prompt int
}

// fit fits r's decode efficiency and prefill rates to rows under b's
// cost model, records them (Fitted, FittedTo), then applies b's scales.
//
// Direct: each parameter has a closed form from its own row (the decode
// step is bandwidth-bound, the prefill compute-bound). HostRoofline: a
// step's time is a sum of per-class maxes in both parameters, so each row
// is solved for its parameter with the others fixed (bisection: the time
// falls as the rate rises), starting from the closed forms and sweeping
// the rows until a sweep leaves the decode efficiency unchanged (at most
// 60 sweeps; it settles in a handful).
func (b build) fit(r *Runtime, rows []fitRow) error {
	r.Cost = b.cost
	if b.cost == HostRoofline {
		rel, err := hostRatios(hostScales(b.scale, RefitRatios))
		if err != nil {
			return err
		}
		r.hostRel = rel
	}
	for _, x := range rows {
		if x.decodeCtx > 0 {
			if err := r.fitDecode(x.m, x.id, x.decodeCtx); err != nil {
				return err
			}
		} else {
			r.fitPrefill(x.m, x.id, x.prompt)
		}
	}
	if b.cost == HostRoofline {
		for range 60 {
			before := r.DecodeEfficiency
			for _, x := range rows {
				if err := r.solveRow(x); err != nil {
					return fmt.Errorf("llmphone: %s: fitting %s under %s: %w", r.Name, x.id, b.cost, err)
				}
			}
			if r.DecodeEfficiency == before {
				break // bisection's fixed point: another sweep changes nothing
			}
		}
		if !(r.DecodeEfficiency > 0 && r.DecodeEfficiency <= 1) {
			return fmt.Errorf("llmphone: %s: decode efficiency %.3g outside (0, 1] under %s", r.Name, r.DecodeEfficiency, b.cost)
		}
	}
	for _, x := range rows {
		tol := reference.MustLookup(x.id).Tolerance
		if x.decodeCtx > 0 {
			r.Fitted = append(r.Fitted, FittedParam{Runtime: r.Name, Name: ParamDecodeEfficiency, Value: r.DecodeEfficiency, FittedTo: x.id, Uncertainty: tol})
		} else {
			k := x.m.Kernel
			r.Fitted = append(r.Fitted, FittedParam{Runtime: r.Name, Name: paramPrefill + string(k), Value: r.PrefillFLOPS[k], FittedTo: x.id, Uncertainty: tol})
		}
		r.FittedTo = append(r.FittedTo, x.id)
	}
	r.DecodeEfficiency *= b.scaleOf(r.Name, ParamDecodeEfficiency)
	for k := range r.PrefillFLOPS {
		r.PrefillFLOPS[k] *= b.scaleOf(r.Name, paramPrefill+string(k))
	}
	if b.cost == HostRoofline {
		if hs := hostScales(b.scale, HostRuntime); len(hs) > 0 {
			// A new map: r.hostRel may be shared with another runtime.
			rel := map[llm.OpClass]llm.RelativeRates{}
			for k, v := range r.hostRel {
				if s, ok := hs[string(k)+".F"]; ok {
					v.FLOPs *= s
				}
				if s, ok := hs[string(k)+".B"]; ok {
					v.Bytes *= s
				}
				rel[k] = v
			}
			r.hostRel = rel
		}
	}
	return nil
}

// hostScales is the host ratios' part of a scale map under prefix
// (HostRuntime or RefitRatios), keyed by class and roof ("attention.F").
func hostScales(scale map[string]float64, prefix string) map[string]float64 {
	out := map[string]float64{}
	for _, p := range HostParams {
		if s, ok := scale[prefix+"/"+p]; ok {
			out[p] = s
		}
	}
	return out
}

// solveRow sets row x's parameter so that the runtime reproduces the
// published rate, the other parameters fixed: bisection finds which
// classes are compute- and which bandwidth-bound at the answer, and the
// step's time is then linear in the parameter's inverse, so one closed
// form settles it to rounding (a fit row then reads back exactly).
func (r *Runtime) solveRow(x fitRow) error {
	rate := reference.MustLookup(x.id).Value
	k := x.m.Kernel
	decode := x.decodeCtx > 0
	var w [3]classWork
	target := 1 / rate
	if decode {
		w = r.stepWork(x.m, 1, x.decodeCtx)
	} else {
		n := max(x.prompt, 1)
		w = r.stepWork(x.m, n, n)
		if n == 1 {
			w = r.stepWork(x.m, 1, 1)
		}
		target = float64(x.prompt) / rate
	}
	with := func(v float64) Runtime {
		s := *r
		if decode {
			s.DecodeEfficiency = v
		} else {
			s.PrefillFLOPS = map[Kernel]float64{k: v}
		}
		return s
	}
	lo, hi := 1e6, 1e17
	if decode {
		lo, hi = 1e-6, 1e3
	}
	v, err := solveScale(func(v float64) (float64, error) {
		s := with(v)
		return s.workTime(w, k)
	}, target, lo, hi)
	if err != nil {
		return err
	}
	// t(v) = A/v + C at v: A the terms on the parameter's roof, C the
	// others'.
	s := with(v)
	f, bw := s.PrefillFLOPS[k], s.PeakBandwidth*s.DecodeEfficiency
	var a, c float64
	for _, cw := range w {
		q := s.hostRel[cw.class]
		var tc, tb float64
		if cw.flops > 0 && q.FLOPs > 0 {
			tc = cw.flops / (f * q.FLOPs)
		}
		if cw.bytes > 0 && q.Bytes > 0 {
			tb = cw.bytes / (bw * q.Bytes)
		}
		switch {
		case decode && tb >= tc:
			a += tb * v
		case !decode && tc > tb:
			a += tc * v
		default:
			c += math.Max(tc, tb)
		}
	}
	if a > 0 && target > c {
		v = a / (target - c)
	}
	// Rounding can leave the rate an ulp below the published one, which
	// prints as a −0.0 % error; step up to it.
	for range 4 {
		s := with(v)
		if t, err := s.workTime(w, k); err != nil || t <= target {
			break
		}
		v = math.Nextafter(v, math.Inf(1))
	}
	if decode {
		r.DecodeEfficiency = v
	} else {
		r.PrefillFLOPS[k] = v
	}
	return nil
}

// UnitRatios is the Build scale that sets every host ratio to 1, each
// operator class at the matrix class's rates (the per-class split
// without the host's timings: validate's ablation).
func UnitRatios() (map[string]float64, error) {
	hp, err := FittedParams(HostRoofline)
	if err != nil {
		return nil, err
	}
	unit := map[string]float64{}
	for _, p := range hp {
		if p.Runtime == HostRuntime {
			unit[RefitRatios+"/"+p.Name] = 1 / p.Value
		}
	}
	return unit, nil
}
