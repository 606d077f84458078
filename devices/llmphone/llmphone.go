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
	// KVElemBytes is the bytes of one cached key or value element in
	// the exported program (4 for fp32, 2 for bf16); 0 takes the
	// runtime's KVBytes.
	KVElemBytes int
	// MaxContext is the positions of the program's static KV cache,
	// allocated at load; 0 means the cache grows with the context, up
	// to the architecture's max_position_embeddings.
	MaxContext int
}

// bf16 is the weight format the cost model is asked for: only its
// FLOPs and KV traffic are used here (the weight bytes are the
// program's), and those do not depend on the format.
var bf16 = llm.BF16

// Runtime is an inference engine on a SoC.
type Runtime struct {
	Name string
	// SoC names the chip ("snapdragon-8-gen-3"); Processor the block of
	// it the runtime computes on (cpu, gpu or npu).
	SoC       string
	Processor Processor
	// PeakBandwidth is the SoC's DRAM bandwidth, bytes/s;
	// DecodeEfficiency the share of it decode reaches.
	PeakBandwidth, DecodeEfficiency float64
	// PrefillFLOPS is the FLOP/s prefill reaches, by kernel class.
	PrefillFLOPS map[Kernel]float64
	KVBytes      int // bytes per KV element, when the model does not say
	// OverheadBytes is the resident memory beyond weights, KV cache and
	// activations (see Footprint.Runtime).
	OverheadBytes float64
	// StorageRead is the phone's flash read rate, bytes/s (LoadTime).
	StorageRead float64
	// Power is the phone's power while the runtime computes.
	Power   PowerModel
	Sources []string
	// Cost is how DecodeTime and PrefillTime price a step (Direct or
	// HostRoofline); the fitted parameters above are fitted under it.
	Cost CostModel
	// FittedTo is every published fact a parameter above was fitted to
	// (validation calls exactly these rows "fit", never "held out").
	FittedTo []string
	// Fitted is the runtime's own fitted parameters, as fitted (before
	// a sensitivity run's scales); empty for a runtime derived from
	// another's.
	Fitted []FittedParam
	// hostRel is HostRoofline's per-class ratios to the matrix class.
	hostRel map[llm.OpClass]llm.RelativeRates
}

// DecodeTime is the time of the decode step that produces the token at
// context ctx: the weights and the KV cache read once at the achieved
// bandwidth, or the FLOPs at the prefill rate if that is longer.
func (r Runtime) DecodeTime(m Model, ctx int) (float64, error) {
	return r.DecodeTimeSlowed(m, ctx, 1) // × 1 is exact: the same bits
}

// DecodeTimeSlowed is DecodeTime with the processor's clock capped so
// that its compute takes slow (≥ 1) times as long: every compute roof
// (FLOPs over the kernel's rate) stretched by slow, every bandwidth roof
// as it is (a byte moves at the DRAM's speed, not the cores'). Under
// HostRoofline each operator class is bounded on its own, so a
// memory-bound class stays memory-bound while a compute-bound one (a
// long context's attention) slows; under Direct the step's one
// roofline. slow = 1 is DecodeTime exactly.
func (r Runtime) DecodeTimeSlowed(m Model, ctx int, slow float64) (float64, error) {
	if r.Cost == HostRoofline {
		return r.workTimeSlowed(r.stepWork(m, 1, max(ctx, 1)), m.Kernel, slow)
	}
	f, ok := r.PrefillFLOPS[m.Kernel]
	if !ok {
		return 0, r.Supports(m.Kernel)
	}
	c := m.Config.DecodeCost(bf16, r.kvElem(m), ctx)
	bytes := m.WeightBytes + float64(c.KVReadBytes+c.KVWriteBytes)
	return math.Max(bytes/(r.PeakBandwidth*r.DecodeEfficiency), float64(c.FLOPs)/f*slow), nil
}

// PrefillTime is the time to prefill a prompt of n tokens: its FLOPs at
// the kernel class's rate, or one read of the weights if that is longer.
func (r Runtime) PrefillTime(m Model, n int) (float64, error) {
	if r.Cost == HostRoofline {
		n = max(n, 1)
		if n == 1 {
			// One token is a decode step's work at position 1.
			return r.hostTime(m, 1, 1)
		}
		return r.hostTime(m, n, n)
	}
	f, ok := r.PrefillFLOPS[m.Kernel]
	if !ok {
		return 0, r.Supports(m.Kernel)
	}
	c := m.Config.PrefillCost(bf16, r.kvElem(m), n)
	return math.Max(float64(c.FLOPs)/f, m.WeightBytes/(r.PeakBandwidth*r.DecodeEfficiency)), nil
}

// OnePlus12 is a model of the card's rows (facts L-et-op12-*): the zoo's
// config, its kernel class, the published .pte size as the bytes a token
// reads, and the KV cache of the ExecuTorch README's export recipes
// (executorch-llama-readme): the quantized programs are exported with
// -d fp32 --max_seq_length 2048 (an fp32 cache of 2048 positions), the
// bf16 one with -d bf16 and no --max_seq_length, so export_llama's
// default of 128 positions (a bf16 cache). That the card's programs were
// built by these recipes is an assumption; the card does not say.
func OnePlus12(zoo, variant string) (Model, error) {
	c, err := llm.Zoo(zoo)
	if err != nil {
		return Model{}, fmt.Errorf("llmphone: %w", err)
	}
	size, ok := reference.Lookup(CardFact(zoo, variant, "size"))
	if !ok {
		return Model{}, fmt.Errorf("llmphone: no published size for %s %s", zoo, variant)
	}
	m := Model{Config: c, Kernel: W4A8Kernel, WeightBytes: size.Value, KVElemBytes: 4, MaxContext: 2048}
	if variant == "bf16" {
		m.Kernel, m.KVElemBytes, m.MaxContext = BF16Kernel, 2, 128
	}
	return m, nil
}

// CardFact is the fact id of a card row: zoo "llama-3.2-1b", variant
// "spinquant", what "decode", "prefill" or "size".
func CardFact(zoo, variant, what string) string {
	size := map[string]string{"llama-3.2-1b": "1b", "llama-3.2-3b": "3b"}[zoo]
	return fmt.Sprintf("L-et-op12-%s-%s-%s", size, variant, what)
}

// CardPrompt is the card's prompt length.
const CardPrompt = 64

// CardContext is the context at which a card's RSS is read: the prompt
// and a 64-token answer (the card gives no output length; with a static
// cache only the activations' attention scores depend on it, under
// 1 MiB).
const CardContext = 2 * CardPrompt

// cardDecodeCtx is the context at which a card decode rate is read: the
// card does not give its output length; 64 prompt tokens plus 64 output
// tokens, the middle at 96 (the KV term is under 1 % of a step's bytes
// at this length either way).
const cardDecodeCtx = 96

// ExecuTorchSD8Gen3 is ExecuTorch's XNNPACK CPU backend on a Snapdragon
// 8 Gen 3 (in a OnePlus 12), fitted to four rows of the Llama 3.2 card:
// decode efficiency to 1B SpinQuant's 50.2 tok/s, the w4a8 prefill rate
// to its 260.5 tok/s, the bf16 prefill rate to 1B bf16's 60.3 tok/s, and
// the memory overhead to 1B SpinQuant's 1921 MiB of RSS (four
// parameters, four rows, exact by construction). Storage and power are
// the OnePlus 12's (M-op12-storage-read, OnePlus12Power).
func ExecuTorchSD8Gen3() (Runtime, error) { return executorchSD8Gen3(defaultBuild) }

func executorchSD8Gen3(b build) (Runtime, error) {
	r := Runtime{Name: "executorch-xnnpack-sd8gen3", SoC: "snapdragon-8-gen-3", Processor: CPU, PeakBandwidth: reference.MustLookup("L-sd8gen3-bandwidth").Value * 1e9, KVBytes: 4,
		PrefillFLOPS: map[Kernel]float64{},
		StorageRead:  reference.MustLookup("M-op12-storage-read").Value / 8,
		Power:        OnePlus12Power(),
		Sources: []string{
			"overhead: fitted to L-et-op12-1b-spinquant-rss (1921 MiB) less its weights, fp32 KV cache of 2048 positions and activations",
			"storage_read: fact M-op12-storage-read (UFS 4.0 peak, 4200 MB/s)",
			"peak_bandwidth: fact L-sd8gen3-bandwidth (LPDDR5X 4800 MHz, 64-bit bus: 76.8 GB/s)",
			"decode_efficiency: fitted to L-et-op12-1b-spinquant-decode (50.2 tok/s with its 1083 MB program)",
			"prefill w4a8: fitted to L-et-op12-1b-spinquant-prefill (260.5 tok/s); prefill bf16: fitted to L-et-op12-1b-bf16-prefill (60.3 tok/s)",
			"kv_bytes 4: ExecuTorch's Llama export keeps an fp32 KV cache by default (assumption; immaterial at the card's lengths)",
		}}
	sq, err := OnePlus12("llama-3.2-1b", "spinquant")
	if err != nil {
		return r, err
	}
	bf, err := OnePlus12("llama-3.2-1b", "bf16")
	if err != nil {
		return r, err
	}
	if err := b.fit(&r, []fitRow{
		{sq, CardFact("llama-3.2-1b", "spinquant", "decode"), cardDecodeCtx, 0},
		{sq, CardFact("llama-3.2-1b", "spinquant", "prefill"), 0, CardPrompt},
		{bf, CardFact("llama-3.2-1b", "bf16", "prefill"), 0, CardPrompt},
	}); err != nil {
		return r, err
	}
	fp, err := r.Footprint(sq, CardPrompt, CardContext)
	if err != nil {
		return r, err
	}
	rss := CardFact("llama-3.2-1b", "spinquant", "rss")
	r.OverheadBytes = reference.MustLookup(rss).Value - fp.Total()
	if !(r.OverheadBytes >= 0) {
		return r, fmt.Errorf("llmphone: %s: memory overhead %.3g B is negative", r.Name, r.OverheadBytes)
	}
	r.FittedTo = append(r.FittedTo, rss)
	r.Fitted = append(r.Fitted, FittedParam{Runtime: r.Name, Name: ParamOverhead, Value: r.OverheadBytes, FittedTo: rss, Uncertainty: reference.MustLookup(rss).Tolerance})
	r.OverheadBytes *= b.scaleOf(r.Name, ParamOverhead)
	return r, nil
}

// CardRSS is the runtime's resident memory for a card row, bytes: the
// footprint after the card's 64-token prompt, at CardContext.
func CardRSS(r Runtime, m Model) (float64, error) {
	f, err := r.Footprint(m, CardPrompt, CardContext)
	return f.Total(), err
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

// Groupwise4Bit is model c as the ExecuTorch README's Llama 3 8B recipe
// exports it (executorch-llama-readme: -qmode 8da4w --group_size G
// --embedding-quantize 4,32 -d fp32, no --max_seq_length): every matrix a
// token multiplies (the layers' projections and the LM head) in 4 bits
// with one scale per group of group weights, the embedding table in 4
// bits with one scale per 32, norm vectors in fp32, and an fp32 KV cache
// of export_llama's default 128 positions. The scales are taken as fp32
// with no zero point (an assumption: torchao's symmetric groupwise
// scheme; the README gives no program size). As for the card's rows,
// the program's whole size is the bytes a decode step reads.
func Groupwise4Bit(c llm.Config, group int) (Model, error) {
	if group < 1 {
		return Model{}, fmt.Errorf("llmphone: group size %d must be positive", group)
	}
	if err := c.Validate(); err != nil {
		return Model{}, fmt.Errorf("llmphone: %w", err)
	}
	p := c.Params()
	const scale = 4 // bytes of an fp32 scale
	vectors := p.Total - p.Matmul
	if !c.TiedEmbeddings {
		vectors -= p.Embedding
	}
	// A tied table is stored twice, as ExecuTorch's export unties it (an
	// embedding op and an output linear), so Matmul's LM head and the
	// table are both counted.
	bytes := float64(p.Matmul)*(0.5+scale/float64(group)) +
		float64(p.Embedding)*(0.5+scale/32.0) +
		float64(vectors)*4
	return Model{Config: c, Kernel: W4A8Kernel, WeightBytes: bytes, KVElemBytes: 4, MaxContext: 128}, nil
}
