package llmphone

import (
	"fmt"
	"math"

	"github.com/infersim/infersim/models/llm"
	"github.com/infersim/infersim/reference"
)

// Kernel is a runtime's class of matrix kernels, which sets its prefill
// rate.
type Kernel string

// The kernel classes.
const (
	BF16Kernel Kernel = "bf16" // bf16 weights and activations
	W4A8Kernel Kernel = "w4a8" // 4-bit groupwise weights, 8-bit dynamic activations
)

// Model is a model as a runtime stores it: its architecture and the
// bytes decode reads per token for its weights (the program file's size
// when the runtime memory-maps all of it).
type Model struct {
	Config      llm.Config
	Kernel      Kernel
	WeightBytes float64
}

// Runtime is an inference engine on a SoC.
type Runtime struct {
	Name string
	// PeakBandwidth is the SoC's DRAM bandwidth, bytes/s;
	// DecodeEfficiency the share of it decode reaches.
	PeakBandwidth, DecodeEfficiency float64
	// PrefillFLOPS is the FLOP/s prefill reaches, by kernel class.
	PrefillFLOPS map[Kernel]float64
	KVBytes      int // bytes per KV element
	Sources      []string
}

// DecodeTime is the time of the decode step that produces the token at
// context ctx: the weights and the KV cache read once at the achieved
// bandwidth, or the FLOPs at the prefill rate if that is longer.
func (r Runtime) DecodeTime(m Model, ctx int) (float64, error) {
	f, ok := r.PrefillFLOPS[m.Kernel]
	if !ok {
		return 0, fmt.Errorf("llmphone: %s has no %s kernels", r.Name, m.Kernel)
	}
	c := m.Config.DecodeCost(llm.BF16, r.KVBytes, ctx)
	bytes := m.WeightBytes + float64(c.KVReadBytes+c.KVWriteBytes)
	return math.Max(bytes/(r.PeakBandwidth*r.DecodeEfficiency), float64(c.FLOPs)/f), nil
}

// PrefillTime is the time to prefill a prompt of n tokens: its FLOPs at
// the kernel class's rate, or one read of the weights if that is longer.
func (r Runtime) PrefillTime(m Model, n int) (float64, error) {
	f, ok := r.PrefillFLOPS[m.Kernel]
	if !ok {
		return 0, fmt.Errorf("llmphone: %s has no %s kernels", r.Name, m.Kernel)
	}
	c := m.Config.PrefillCost(llm.BF16, r.KVBytes, n)
	return math.Max(float64(c.FLOPs)/f, m.WeightBytes/(r.PeakBandwidth*r.DecodeEfficiency)), nil
}

// OnePlus12 is a model of the card's rows (facts L-et-op12-*): the zoo's
// config, its kernel class, and the published .pte size as the bytes a
// token reads.
func OnePlus12(zoo, variant string) (Model, error) {
	c, err := llm.Zoo(zoo)
	if err != nil {
		return Model{}, fmt.Errorf("llmphone: %w", err)
	}
	size, ok := reference.Lookup(CardFact(zoo, variant, "size"))
	if !ok {
		return Model{}, fmt.Errorf("llmphone: no published size for %s %s", zoo, variant)
	}
	k := W4A8Kernel
	if variant == "bf16" {
		k = BF16Kernel
	}
	return Model{Config: c, Kernel: k, WeightBytes: size.Value}, nil
}

// CardFact is the fact id of a card row: zoo "llama-3.2-1b", variant
// "spinquant", what "decode", "prefill" or "size".
func CardFact(zoo, variant, what string) string {
	size := map[string]string{"llama-3.2-1b": "1b", "llama-3.2-3b": "3b"}[zoo]
	return fmt.Sprintf("L-et-op12-%s-%s-%s", size, variant, what)
}

// CardPrompt is the card's prompt length.
const CardPrompt = 64

// cardDecodeCtx is the context at which a card decode rate is read: the
// card does not give its output length; 64 prompt tokens plus 64 output
// tokens, the middle at 96 (the KV term is under 1 % of a step's bytes
// at this length either way).
const cardDecodeCtx = 96

// ExecuTorchSD8Gen3 is ExecuTorch's XNNPACK CPU backend on a Snapdragon
// 8 Gen 3, fitted to three rows of the Llama 3.2 card: decode efficiency
// to 1B SpinQuant's 50.2 tok/s, the w4a8 prefill rate to its 260.5 tok/s,
// the bf16 prefill rate to 1B bf16's 60.3 tok/s (three parameters, three
// rows, exact by construction).
func ExecuTorchSD8Gen3() (Runtime, error) {
	r := Runtime{Name: "executorch-xnnpack-sd8gen3", PeakBandwidth: reference.MustLookup("L-sd8gen3-bandwidth").Value * 1e9, KVBytes: 4,
		PrefillFLOPS: map[Kernel]float64{},
		Sources: []string{
			"peak_bandwidth: fact L-sd8gen3-bandwidth (LPDDR5X 4800 MHz, 64-bit bus: 76.8 GB/s)",
			"decode_efficiency: fitted to L-et-op12-1b-spinquant-decode (50.2 tok/s with its 1083 MB program)",
			"prefill w4a8: fitted to L-et-op12-1b-spinquant-prefill (260.5 tok/s); prefill bf16: fitted to L-et-op12-1b-bf16-prefill (60.3 tok/s)",
			"kv_bytes 4: ExecuTorch's Llama export keeps an fp32 KV cache by default (assumption; immaterial at the card's lengths)",
		}}
	sq, err := OnePlus12("llama-3.2-1b", "spinquant")
	if err != nil {
		return r, err
	}
	dec := reference.MustLookup(CardFact("llama-3.2-1b", "spinquant", "decode")).Value
	c := sq.Config.DecodeCost(llm.BF16, r.KVBytes, cardDecodeCtx)
	r.DecodeEfficiency = (sq.WeightBytes + float64(c.KVReadBytes+c.KVWriteBytes)) * dec / r.PeakBandwidth
	for _, x := range []struct {
		variant string
		k       Kernel
	}{{"spinquant", W4A8Kernel}, {"bf16", BF16Kernel}} {
		m, err := OnePlus12("llama-3.2-1b", x.variant)
		if err != nil {
			return r, err
		}
		rate := reference.MustLookup(CardFact("llama-3.2-1b", x.variant, "prefill")).Value
		flops := float64(m.Config.PrefillCost(llm.BF16, r.KVBytes, CardPrompt).FLOPs)
		r.PrefillFLOPS[x.k] = flops / CardPrompt * rate
	}
	if !(r.DecodeEfficiency > 0 && r.DecodeEfficiency <= 1) {
		return r, fmt.Errorf("llmphone: %s: decode efficiency %.3g outside (0, 1]", r.Name, r.DecodeEfficiency)
	}
	return r, nil
}

// CardRates returns the runtime's decode and prefill rates (tokens/s)
// for a card row, read as the card reads them: prefill of the 64-token
// prompt, decode at the middle of a 64-token answer.
func CardRates(r Runtime, m Model) (decode, prefill float64, err error) {
	d, err := r.DecodeTime(m, cardDecodeCtx)
	if err != nil {
		return 0, 0, err
	}
	p, err := r.PrefillTime(m, CardPrompt)
	if err != nil {
		return 0, 0, err
	}
	return 1 / d, CardPrompt / p, nil
}
