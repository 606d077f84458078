package llm

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// OpClass groups operators that run on the same kind of kernel, so that
// one roofline describes all of them: a GEMM's rate says nothing about a
// norm's.
type OpClass string

// The operator classes of a Roofline.
const (
	// ClassMatrix is the weight products (qkv, attn_out, mlp, lm_head):
	// compute-bound GEMMs in prefill, bandwidth-bound matrix-vector
	// products in decode.
	ClassMatrix OpClass = "matrix"
	// ClassAttention is the scores and weighted sum over the KV cache.
	ClassAttention OpClass = "attention"
	// ClassVector is the per-token operators without weights to speak of
	// (embedding row, norms, RoPE): bandwidth-bound, no FLOPs counted.
	ClassVector OpClass = "vector"
)

// Bound names the roof a call sits under.
type Bound string

// The two roofs.
const (
	ComputeBound   Bound = "compute"
	BandwidthBound Bound = "bandwidth"
)

// ClassOf is the class an operator's kernel belongs to.
func ClassOf(op Op) OpClass {
	switch op {
	case OpQKV, OpAttnOut, OpMLP, OpLMHead:
		return ClassMatrix
	case OpAttention:
		return ClassAttention
	}
	return ClassVector
}

// ClassFit is one class's roofline: a call of FLOPs and Bytes takes
// max(FLOPs/F, Bytes/B). GFLOPs (F) is fitted on the class's
// compute-bound calls and GBps (B) on its bandwidth-bound ones; either
// is 0 when no call of the fit was on that side (the roof is then
// unknown and left out of predictions).
type ClassFit struct {
	Class              OpClass
	GFLOPs, GBps       float64
	Compute, Bandwidth int     // operator statistics on each side of the split
	RMSLogErr          float64 // time-weighted RMS of ln(predicted/measured) over the fit's calls
	computeOps, bwOps  []string
}

// Sides lists the phase/op statistics the fit put on each roof, for reports.
func (f ClassFit) Sides() (compute, bandwidth []string) { return f.computeOps, f.bwOps }

// Roofline is a host's fitted per-class rooflines (FitRoofline).
type Roofline struct {
	Classes []ClassFit // in the order matrix, attention, vector; classes without calls absent
}

// FitRoofline fits a roofline per operator class to TimeOps statistics.
//
// The model: each call of an operator takes max(FLOPs/F, Bytes/B), with
// F and B per class, shared by both phases (one kernel, one machine) and
// no per-call overhead: the matrix and attention classes, nearly all of a
// token's time, fit their own calls to an RMS log error of 0.06–0.10
// without one on the development machine (BENCHMARKS.md), and a third
// parameter fitted to the handful of statistics a model gives would fit
// noise. The vector operators (microsecond calls, under 1% of a token)
// are overhead more than bandwidth; their class's error shows it.
//
// The fit: least squares on ln(time), each statistic weighted by its
// measured total time (calls × median). Log time because a time is
// positive and its error multiplicative: the same relative miss counts
// the same on a 10 µs call as on a 10 ms one, and the roofline's
// parameters have a closed form on each side (ln F is the weighted mean
// of ln(FLOPs/time) over the compute-bound calls). Weighted by time
// because the prediction that matters is a token's total, which the
// largest operators dominate. Which calls are compute-bound is fitted
// too: sorted by arithmetic intensity (FLOPs/Bytes), every split into a
// compute-bound high-intensity side and a bandwidth-bound rest is tried,
// and the split whose roofline (evaluated with the max, not the split)
// has the least weighted squared log error wins; ties go to the split
// with fewer compute-bound calls.
func FitRoofline(stats []OpStat) (Roofline, error) {
	byClass := map[OpClass][]OpStat{}
	for _, s := range stats {
		if s.Calls <= 0 || s.MedianS <= 0 || math.IsNaN(s.MedianS) {
			return Roofline{}, fmt.Errorf("llm: roofline: %s %s: median %g s over %d calls, want a positive time", s.Phase, s.Op, s.MedianS, s.Calls)
		}
		if s.FLOPs <= 0 && s.Bytes <= 0 {
			continue // nothing to explain its time by
		}
		c := ClassOf(s.Op)
		byClass[c] = append(byClass[c], s)
	}
	var r Roofline
	for _, c := range []OpClass{ClassMatrix, ClassAttention, ClassVector} {
		if len(byClass[c]) == 0 {
			continue
		}
		r.Classes = append(r.Classes, fitClass(c, byClass[c]))
	}
	if len(r.Classes) == 0 {
		return Roofline{}, errors.New("llm: roofline: no operator with FLOPs or bytes to fit")
	}
	return r, nil
}

// fitClass tries every split of ss by intensity (see FitRoofline).
func fitClass(c OpClass, ss []OpStat) ClassFit {
	ss = slices.Clone(ss)
	intensity := func(s OpStat) float64 {
		if s.Bytes <= 0 {
			return math.Inf(1)
		}
		return s.FLOPs / s.Bytes
	}
	// Highest intensity first; ties in a fixed order so the fit is deterministic.
	slices.SortStableFunc(ss, func(a, b OpStat) int {
		if ia, ib := intensity(a), intensity(b); ia != ib {
			if ia > ib {
				return -1
			}
			return 1
		}
		if a.Phase != b.Phase {
			if a.Phase < b.Phase {
				return -1
			}
			return 1
		}
		if a.Op < b.Op {
			return -1
		} else if a.Op > b.Op {
			return 1
		}
		return 0
	})
	w := make([]float64, len(ss))
	var wsum float64
	for i, s := range ss {
		w[i] = float64(s.Calls) * s.MedianS
		wsum += w[i]
	}
	// logMean is the weighted mean of ln(num/time) over ss[lo:hi], or NaN
	// when a call there cannot be on that roof (no FLOPs, no bytes).
	logMean := func(lo, hi int, num func(OpStat) float64) float64 {
		if lo == hi {
			return math.NaN()
		}
		var sw, sl float64
		for i := lo; i < hi; i++ {
			n := num(ss[i])
			if n <= 0 {
				return math.NaN()
			}
			sw += w[i]
			sl += w[i] * math.Log(n/ss[i].MedianS)
		}
		return sl / sw
	}
	flops := func(s OpStat) float64 { return s.FLOPs }
	bytes := func(s OpStat) float64 { return s.Bytes }
	best := ClassFit{Class: c, RMSLogErr: math.Inf(1)}
	bestCost := math.Inf(1)
	for k := 0; k <= len(ss); k++ {
		lf, lb := logMean(0, k, flops), logMean(k, len(ss), bytes)
		if (k > 0 && math.IsNaN(lf)) || (k < len(ss) && math.IsNaN(lb)) {
			continue // a call on a roof it has no work for
		}
		f := ClassFit{Class: c, Compute: k, Bandwidth: len(ss) - k}
		if k > 0 {
			f.GFLOPs = math.Exp(lf) / 1e9
		}
		if k < len(ss) {
			f.GBps = math.Exp(lb) / 1e9
		}
		var cost float64
		for i, s := range ss {
			p, _ := f.predict(s)
			d := math.Log(p / s.MedianS)
			cost += w[i] * d * d
		}
		if cost < bestCost {
			bestCost, best = cost, f
		}
	}
	best.RMSLogErr = math.Sqrt(bestCost / wsum)
	for i, s := range ss {
		name := s.Phase + " " + string(s.Op)
		if i < best.Compute {
			best.computeOps = append(best.computeOps, name)
		} else {
			best.bwOps = append(best.bwOps, name)
		}
	}
	return best
}

// predict is one call's time under the class's roofline, and the roof
// that sets it. An unknown roof (0) does not bound.
func (f ClassFit) predict(s OpStat) (float64, Bound) {
	var tc, tb float64
	if f.GFLOPs > 0 {
		tc = s.FLOPs / (f.GFLOPs * 1e9)
	}
	if f.GBps > 0 {
		tb = s.Bytes / (f.GBps * 1e9)
	}
	if tc > tb {
		return tc, ComputeBound
	}
	return tb, BandwidthBound
}

// Class returns the fit of class c, if the roofline has one.
func (r Roofline) Class(c OpClass) (ClassFit, bool) {
	for _, f := range r.Classes {
		if f.Class == c {
			return f, true
		}
	}
	return ClassFit{}, false
}

// OpPrediction is one operator statistic's predicted median call time.
type OpPrediction struct {
	Stat       OpStat
	Class      OpClass
	Bound      Bound
	PredictedS float64
}

// PhaseTime is a phase's time per token, measured and predicted: the sum
// over operators of calls × median call time, divided by the tokens the
// phase processed (prefill: passes × prompt length; decode: steps). It
// leaves out the executor's work between operators (residual adds), the
// same on both sides.
type PhaseTime struct {
	Phase                 string
	Passes, Tokens        int // Forward calls, tokens per call
	MeasuredS, PredictedS float64
}

// ErrPct is the prediction's error, percent of the measurement.
func (p PhaseTime) ErrPct() float64 { return 100 * (p.PredictedS - p.MeasuredS) / p.MeasuredS }

// Prediction is a Roofline's prediction of a model's TimeOps statistics.
type Prediction struct {
	Ops    []OpPrediction
	Phases []PhaseTime // prefill, then decode, those present
}

// Predict predicts each statistic's median call time from its FLOPs and
// bytes, and each phase's time per token. A statistic whose class the
// roofline has no fit for is an error; so is a phase without an embed
// call (which counts its passes).
func (r Roofline) Predict(stats []OpStat) (Prediction, error) {
	var p Prediction
	type acc struct {
		passes, tokens int
		meas, pred     float64
	}
	phases := map[string]*acc{}
	var order []string
	for _, s := range stats {
		a := phases[s.Phase]
		if a == nil {
			a = &acc{}
			phases[s.Phase] = a
			order = append(order, s.Phase)
		}
		op := OpPrediction{Stat: s, Class: ClassOf(s.Op)}
		if s.FLOPs > 0 || s.Bytes > 0 {
			f, ok := r.Class(op.Class)
			if !ok {
				return Prediction{}, fmt.Errorf("llm: roofline: %s %s: no %s fit", s.Phase, s.Op, op.Class)
			}
			op.PredictedS, op.Bound = f.predict(s)
		}
		if s.Op == OpEmbed {
			a.passes, a.tokens = s.Calls, s.Tokens
		}
		a.meas += float64(s.Calls) * s.MedianS
		a.pred += float64(s.Calls) * op.PredictedS
		p.Ops = append(p.Ops, op)
	}
	for _, ph := range order {
		a := phases[ph]
		if a.passes == 0 || a.tokens == 0 {
			return Prediction{}, fmt.Errorf("llm: roofline: phase %s has no embed call to count its passes", ph)
		}
		n := float64(a.passes * a.tokens)
		p.Phases = append(p.Phases, PhaseTime{Phase: ph, Passes: a.passes, Tokens: a.tokens, MeasuredS: a.meas / n, PredictedS: a.pred / n})
	}
	return p, nil
}
