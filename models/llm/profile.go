package llm

import (
	"context"
	"fmt"
	"math"
	"slices"
)

// TimeOpsOptions configures TimeOps. Zero values take the defaults.
type TimeOpsOptions struct {
	Threads   int // default 1
	PromptLen int // prefill length; default 64
	Decode    int // decode steps per repetition; default 32
	Reps      int // repetitions (prefill + decode); default 5
	Warmup    int // untimed repetitions first; default 1
}

// OpStat is one operator's timing in one phase, over every layer and
// repetition: each call is a sample. FLOPs and Bytes are per call, from
// the config and the matrices' storage (Bytes: weights read, and for
// attention the float32 KV cache read, at the mean context Ctx).
type OpStat struct {
	Phase               string // "prefill" or "decode"
	Op                  Op
	Calls               int
	Tokens              int // tokens per call
	Ctx                 float64
	FLOPs, Bytes        float64
	MedianS, P10S, P90S float64
	GFLOPs, GBps        float64 // per second, at the median
}

// TimeOps times every operator of m on this machine: Reps times a prefill
// of PromptLen tokens followed by Decode greedy steps, with the
// executor's hook. It is the raw material of a device calibration
// (compute-bound operators by GFLOP/s, bandwidth-bound ones by GB/s).
// The context cancels between repetitions.
func TimeOps(ctx context.Context, m *Model, o TimeOpsOptions) ([]OpStat, error) {
	o.Threads = cmp0(o.Threads, 1)
	o.PromptLen = cmp0(o.PromptLen, 64)
	o.Decode = cmp0(o.Decode, 32)
	o.Reps = cmp0(o.Reps, 5)
	if o.Warmup < 0 {
		o.Warmup = 0
	} else if o.Warmup == 0 {
		o.Warmup = 1
	}
	e, err := NewExecutor(m, o.Threads, o.PromptLen+o.Decode+1)
	if err != nil {
		return nil, err
	}
	defer e.Close()
	c := m.Config
	prompt := make([]int, o.PromptLen)
	for i := range prompt {
		prompt[i] = (31*i + 7) % c.Vocab
	}
	type key struct {
		phase string
		op    Op
	}
	samples := map[key][]Timing{}
	phase := ""
	e.Hook = func(t Timing) { k := key{phase, t.Op}; samples[k] = append(samples[k], t) }
	for r := range o.Warmup + o.Reps {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("llm: timing operators: %w", err)
		}
		timed := r >= o.Warmup
		phase = "prefill"
		if !timed {
			phase = "warmup"
		}
		logits, err := e.Prefill(prompt)
		if err != nil {
			return nil, err
		}
		if timed {
			phase = "decode"
		}
		for range o.Decode {
			if logits, err = e.Decode(Argmax(logits)); err != nil {
				return nil, err
			}
		}
	}
	var out []OpStat
	for _, ph := range []string{"prefill", "decode"} {
		for _, op := range []Op{OpEmbed, OpAttnNorm, OpQKV, OpRope, OpAttention, OpAttnOut, OpPostAttnNorm,
			OpMLPNorm, OpMLP, OpPostMLPNorm, OpFinalNorm, OpLMHead} {
			ts := samples[key{ph, op}]
			if len(ts) == 0 {
				continue
			}
			s := OpStat{Phase: ph, Op: op, Calls: len(ts), Tokens: ts[0].Tokens}
			ds := make([]float64, len(ts))
			for i, t := range ts {
				ds[i] = t.D.Seconds()
				s.Ctx += float64(t.Ctx)
			}
			s.Ctx /= float64(len(ts))
			slices.Sort(ds)
			q := func(p float64) float64 { return ds[int(math.Round(p*float64(len(ds)-1)))] }
			s.MedianS, s.P10S, s.P90S = q(0.5), q(0.1), q(0.9)
			s.FLOPs, s.Bytes = opCost(m, op, s.Tokens, s.Ctx)
			if s.MedianS > 0 {
				s.GFLOPs, s.GBps = s.FLOPs/s.MedianS/1e9, s.Bytes/s.MedianS/1e9
			}
			out = append(out, s)
		}
	}
	return out, nil
}

func cmp0(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}

// opCost is one call's FLOPs and bytes read (weights at their storage
// size; the attention's float32 KV cache at context ctx, sliding windows
// ignored). Layer-averaged: every layer has the same shapes.
func opCost(m *Model, op Op, n int, ctx float64) (flops, bytes float64) {
	c := m.Config
	h := float64(c.Hidden)
	qd, kvd := float64(c.Heads*c.HeadDim), float64(c.KVHeads*c.HeadDim)
	b := m.Blocks[0]
	nf := float64(n)
	switch op {
	case OpQKV:
		return 2 * nf * h * (qd + 2*kvd), float64(b.Q.Bytes() + b.K.Bytes() + b.V.Bytes())
	case OpAttnOut:
		return 2 * nf * h * qd, float64(b.O.Bytes())
	case OpMLP:
		return 2 * nf * 3 * h * float64(c.Intermediate), float64(b.MLP.Gate.Bytes() + b.MLP.Up.Bytes() + b.MLP.Down.Bytes())
	case OpLMHead:
		return 2 * h * float64(c.Vocab), float64(m.LMHead.Bytes())
	case OpAttention:
		// Token t of the call attends to ctx − n + t + 1 positions.
		var pos float64
		for t := range n {
			pos += ctx - nf + float64(t) + 1
		}
		return 4 * float64(c.Heads*c.HeadDim) * pos, 2 * kvd * 4 * (ctx)
	case OpEmbed:
		return 0, nf * h * 4
	case OpFinalNorm:
		// Prefill normalises only the last token, the one whose logits
		// TimeOps asks for.
		return 0, h * 4 * 2
	}
	return 0, nf * h * 4 * 2
}
