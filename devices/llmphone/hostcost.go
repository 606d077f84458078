package llmphone

import (
	"fmt"
	"math"

	"github.com/infersim/infersim/models/llm"
)

// CostModel is how a runtime prices a prefill or a decode step.
type CostModel string

// The cost models.
const (
	// Direct prices a step as one roofline over the whole step: its
	// FLOPs at the kernel class's fitted rate, or its bytes (weights and
	// KV cache) at the SoC's peak bandwidth times the fitted decode
	// efficiency, whichever is longer.
	Direct CostModel = "direct"
	// HostRoofline prices each operator class of the step on its own
	// roofline, derived from the host's (llm.HostRoofline), as the CNN
	// path derives a device's layer times from the host's: the matrix
	// products at the fitted FLOP/s and the SoC's bandwidth times the
	// fitted efficiency, attention and the vector operators at those
	// rates times the host's ratios to its matrix class (on the
	// development host attention runs at 4 % of the matrices' FLOP/s and
	// 7 % of their bytes/s, the norms at 29 % of their bytes/s). Each
	// class is compute- or bandwidth-bound by its own max. The LM head
	// of a prefill multiplies the last token only, as the executor does.
	HostRoofline CostModel = "host-roofline"
)

// DefaultCostModel is the cost model Named's runtimes use: host-roofline,
// the calibration the CNN path also uses (this host's per-operator
// timings give the relative cost of the operators). `infersim validate`
// compares it with Direct on the held-out rows; that table was read
// before this default was fixed, so the rows are not blind to the choice.
const DefaultCostModel = HostRoofline

// CostModels lists the cost models, the default first.
func CostModels() []CostModel { return []CostModel{Direct, HostRoofline} }

// classWork is one operator class's arithmetic and traffic in a step.
type classWork struct {
	class        llm.OpClass
	flops, bytes float64
}

// activationBytes is the bytes of one activation element the vector
// operators read and write: fp32 on the CPU (XNNPACK's norms run in
// fp32), fp16 on the GPU and NPU (assumption: their programs keep fp16
// activations). Under 1 % of a step's traffic either way.
func (r Runtime) activationBytes() float64 {
	if r.processor() == CPU {
		return 4
	}
	return 2
}

// stepWork splits a step of n tokens ending at position ctx (a prefill:
// n = ctx = the prompt; a decode step: n = 1) into operator classes:
//
//	matrix     the projections of every layer over n tokens and the LM
//	           head over the last token (2 FLOPs a multiply-add); the
//	           program's weight bytes, shared out by element count (the
//	           card gives only a program's total size)
//	attention  q·k and p·v over the positions each token attends to; the
//	           cache read (ctx − n positions) and written (n)
//	vector     the embedding rows, the norms and RoPE: no FLOPs counted,
//	           one read and one write of an activation row each
func (r Runtime) stepWork(m Model, n, ctx int) [3]classWork {
	c := m.Config
	p := c.Params()
	var cost llm.Cost
	if n == 1 {
		cost = c.DecodeCost(bf16, r.kvElem(m), ctx)
	} else {
		cost = c.PrefillCost(bf16, r.kvElem(m), n)
	}
	head := int64(c.Vocab) * int64(c.Hidden)
	layers := p.Matmul - head
	nf := float64(n)
	attn := float64(cost.FLOPs) - 2*float64(p.Matmul)*nf
	// The weight bytes a token streams, shared out: the embedding row
	// and the norm vectors are the vector class's.
	vecParams := float64(p.Total - p.Matmul)
	if !c.TiedEmbeddings {
		vecParams -= float64(p.Embedding)
	}
	vecParams += float64(c.Hidden) // one embedding row
	perParam := m.WeightBytes / (float64(p.Matmul) + vecParams)
	act := r.activationBytes()
	h := float64(c.Hidden)
	vecOps := nf * (float64(c.Layers)*float64(c.NormsPerLayer+1) + 1) // norms and RoPE a layer, the embedding row
	return [3]classWork{
		{llm.ClassMatrix, 2 * (float64(layers)*nf + float64(head)), float64(p.Matmul) * perParam},
		{llm.ClassAttention, attn, float64(cost.KVReadBytes + cost.KVWriteBytes)},
		{llm.ClassVector, 0, vecParams*perParam + (vecOps+1)*2*h*act}, // +1: the final norm of the last token
	}
}

// hostTime is a step's time under HostRoofline: the sum over classes of
// max(FLOPs/F, bytes/B), F and B the matrix class's (the kernel's fitted
// FLOP/s, the SoC's bandwidth times the fitted efficiency) scaled by the
// host's ratios. A roof the host has no fit for does not bound.
func (r Runtime) hostTime(m Model, n, ctx int) (float64, error) {
	return r.workTime(r.stepWork(m, n, ctx), m.Kernel)
}

// workTime is hostTime of a step's work w with kernel class k.
func (r Runtime) workTime(w [3]classWork, k Kernel) (float64, error) {
	return r.workTimeSlowed(w, k, 1)
}

// workTimeSlowed is workTime with every class's compute roof slowed by
// the factor slow (its FLOPs time times slow) and its bandwidth roof as
// it is; slow = 1 is workTime exactly.
func (r Runtime) workTimeSlowed(w [3]classWork, k Kernel, slow float64) (float64, error) {
	f, ok := r.PrefillFLOPS[k]
	if !ok {
		return 0, r.Supports(k)
	}
	rel := r.hostRel
	if rel == nil {
		return 0, fmt.Errorf("llmphone: %s: no host roofline ratios", r.Name)
	}
	bw := r.PeakBandwidth * r.DecodeEfficiency
	var t float64
	for _, w := range w {
		q := rel[w.class]
		var tc, tb float64
		if w.flops > 0 && q.FLOPs > 0 {
			tc = w.flops / (f * q.FLOPs)
		}
		if w.bytes > 0 && q.Bytes > 0 {
			tb = w.bytes / (bw * q.Bytes)
		}
		t += math.Max(tc*slow, tb)
	}
	return t, nil
}

// hostRatios is llm.HostRoofline's per-class ratios, with the optional
// scales of a sensitivity run applied (keys "attention.F",
// "attention.B", "vector.B").
func hostRatios(scale map[string]float64) (map[llm.OpClass]llm.RelativeRates, error) {
	rel, err := llm.HostRoofline().Relative()
	if err != nil {
		return nil, fmt.Errorf("llmphone: %w", err)
	}
	for k, v := range rel {
		if s, ok := scale[string(k)+".F"]; ok {
			v.FLOPs *= s
		}
		if s, ok := scale[string(k)+".B"]; ok {
			v.Bytes *= s
		}
		rel[k] = v
	}
	return rel, nil
}

// solveScale finds x > 0 with t(x) = target for a t that does not
// increase with x (a rate: a faster rate, a shorter step), by bisection
// on ln x over [lo, hi]; an error when the target is outside t's range
// there.
func solveScale(t func(x float64) (float64, error), target, lo, hi float64) (float64, error) {
	tl, err := t(lo)
	if err != nil {
		return 0, err
	}
	th, err := t(hi)
	if err != nil {
		return 0, err
	}
	if !(target <= tl && target >= th) {
		return 0, fmt.Errorf("a time of %.4g s is outside [%.4g, %.4g] s over the range searched", target, th, tl)
	}
	a, b := math.Log(lo), math.Log(hi)
	for range 200 {
		mid := (a + b) / 2
		tm, err := t(math.Exp(mid))
		if err != nil {
			return 0, err
		}
		if tm > target {
			a = mid
		} else {
			b = mid
		}
	}
	return math.Exp((a + b) / 2), nil
}
