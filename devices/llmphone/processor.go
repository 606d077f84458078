package llmphone

import (
	"fmt"
	"sort"
	"strings"

	"github.com/infersim/infersim/models/llm"
	"github.com/infersim/infersim/reference"
)

// Processor is the block of the SoC a runtime computes on.
type Processor string

// The processors.
const (
	CPU Processor = "cpu"
	GPU Processor = "gpu"
	NPU Processor = "npu"
)

// Processors lists the processor kinds in a fixed order.
func Processors() []Processor { return []Processor{CPU, GPU, NPU} }

// The GPU and NPU precisions (kernel classes). Their names are the
// scenario's llm.format values.
const (
	// F16Kernel: fp16 weights and activations (llama.cpp's F16 GGUF on
	// the OpenCL backend).
	F16Kernel Kernel = "f16"
	// Q4_0Kernel: ggml's Q4_0 blocks (32 4-bit weights, one fp16 scale),
	// dequantized to fp16 by llama.cpp's Adreno kernels.
	Q4_0Kernel Kernel = "q4_0"
	// W4A16Kernel: 4-bit weights with 16-bit integer activations, the
	// LM head in 8 bits (Qualcomm AI Hub's "w4a16 + w8a16 (few layers)").
	W4A16Kernel Kernel = "w4a16"
	// W8A16Kernel: 8-bit weights with 16-bit integer activations.
	W8A16Kernel Kernel = "w8a16"
)

// FormatName is the scenario's llm.format name of precision k: int4-g128
// for the CPU's w4a8 kernels (its weights' format), else k's own name.
func (k Kernel) FormatName() string {
	if k == W4A8Kernel {
		return "int4-g128"
	}
	return string(k)
}

// Precisions is the runtime's supported weight precisions, sorted.
func (r Runtime) Precisions() []Kernel {
	var ks []Kernel
	for k := range r.PrefillFLOPS {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool { return ks[i] < ks[j] })
	return ks
}

// Supports returns nil when the runtime has kernels for precision k, else
// an error naming the processor, the runtime and what it does run.
func (r Runtime) Supports(k Kernel) error {
	if _, ok := r.PrefillFLOPS[k]; ok {
		return nil
	}
	var have []string
	for _, p := range r.Precisions() {
		have = append(have, string(p))
	}
	return fmt.Errorf("llmphone: the %s runtime %s runs %s weights, not %s", r.processor(), r.Name, strings.Join(have, ", "), k)
}

// processor is the runtime's processor; an unset one is the CPU (the
// runtimes written before processors existed).
func (r Runtime) processor() Processor {
	if r.Processor == "" {
		return CPU
	}
	return r.Processor
}

// QuantizedModel is model c stored in precision k as the GPU and NPU
// runtimes read it: the bytes a decode step streams (every matrix a token
// multiplies, the LM head included, and one embedding row) in the
// precision, and a static KV cache of maxContext positions of kvElem
// bytes.
//
//	f16    2 bytes a weight (llama.cpp F16 GGUF)
//	q4_0   18 bytes per 32 weights (ggml block_q4_0), vectors f32
//	w4a16  the layers' matrices 4 bits a weight and the LM head 8 bits
//	       (AI Hub: "w4a16 + w8a16 (few layers)"; which layers are w8 is
//	       not published: the LM head is our assumption), per-channel
//	       scales left out (under 0.1 %), vectors fp16
//	w8a16  every matrix 8 bits a weight, vectors fp16
func QuantizedModel(c llm.Config, k Kernel, kvElem, maxContext int) (Model, error) {
	if err := c.Validate(); err != nil {
		return Model{}, fmt.Errorf("llmphone: %w", err)
	}
	m := Model{Config: c, Kernel: k, KVElemBytes: kvElem, MaxContext: maxContext}
	p := c.Params()
	lmHead := int64(c.Vocab) * int64(c.Hidden)
	// The norm and bias vectors (the untied embedding table is looked
	// up a row a token, not streamed).
	vectors := float64(p.Total - p.Matmul - p.LMHead)
	row := 2 * float64(c.Hidden) // one fp16 embedding row
	switch k {
	case F16Kernel:
		m.WeightBytes = float64(c.DecodeCost(llm.F16, kvElem, 1).WeightBytes)
	case Q4_0Kernel:
		m.WeightBytes = float64(c.DecodeCost(llm.Q4_0, kvElem, 1).WeightBytes)
	case W4A16Kernel:
		m.WeightBytes = float64(p.Matmul-lmHead)*0.5 + float64(lmHead) + row + vectors*2
	case W8A16Kernel:
		m.WeightBytes = float64(p.Matmul) + row + vectors*2
	default:
		return Model{}, fmt.Errorf("llmphone: no GPU or NPU storage for precision %q (want f16, q4_0, w4a16 or w8a16)", k)
	}
	return m, nil
}

// Published runs the GPU and NPU runtimes are fitted to (one run each:
// its decode and its prefill rate).
const (
	// gpuFitPrompt, gpuFitDecodeCtx: llama-bench's pp512 and tg128, the
	// latter read at the middle of its 128 generated tokens.
	gpuFitPrompt    = 512
	gpuFitDecodeCtx = 64
	// npuFitPrompt is one pass of AI Hub's 128-token prompt processor.
	npuFitPrompt = 128
	// npuFitDecodeCtx is an assumption: AI Hub gives the token
	// generator's rate for a 4096-token context without the position it
	// was read at; 1024 is taken (the KV read at 1024 is 3 % of a 3B
	// w4a16 step's bytes with an fp16 cache).
	npuFitDecodeCtx = 1024
	// gpuMaxContext is llama.cpp's default context, 4096 (assumption
	// for a chat; llama-bench sizes it to the test).
	gpuMaxContext = 4096
	// npuMaxContext is the AI Hub programs' context length.
	npuMaxContext = 4096
)

// Priors of the power a GPU or NPU draws above the phone's base while it
// runs an LLM. No published measurement of either was verified (issue 21's
// search: MELT, arXiv 2410.03613 and llm.npu were read as abstracts
// only), so these are labelled priors, not fits; the DRAM energy per byte
// is the CPU runtime's prior.
const (
	gpuPowerPrior = 3.0 // W, Adreno under a sustained compute load (assumption)
	npuPowerPrior = 1.5 // W, Hexagon NPU and its share of the fabric (assumption)
)

// fitDecode fits the decode efficiency: the share of the peak bandwidth
// that reads a step's bytes (weights and KV cache at decodeCtx) at the
// published rate decodeID.
func (r *Runtime) fitDecode(m Model, decodeID string, decodeCtx int) error {
	dec := reference.MustLookup(decodeID).Value
	c := m.Config.DecodeCost(bf16, r.kvElem(m), decodeCtx)
	r.DecodeEfficiency = (m.WeightBytes + float64(c.KVReadBytes+c.KVWriteBytes)) * dec / r.PeakBandwidth
	if !(r.DecodeEfficiency > 0 && r.DecodeEfficiency <= 1) {
		return fmt.Errorf("llmphone: %s: decode efficiency %.3g outside (0, 1]", r.Name, r.DecodeEfficiency)
	}
	return nil
}

// fitPrefill fits m's kernel class's prefill rate (FLOP/s) to the
// published rate prefillID over a prompt of prompt tokens.
func (r *Runtime) fitPrefill(m Model, prefillID string, prompt int) {
	pre := reference.MustLookup(prefillID).Value
	flops := float64(m.Config.PrefillCost(bf16, r.kvElem(m), prompt).FLOPs)
	r.PrefillFLOPS[m.Kernel] = flops / float64(prompt) * pre
}

// LlamaCppOpenCLSD8Elite is llama.cpp's OpenCL backend on the Adreno 830
// GPU of a Snapdragon 8 Elite, fitted to one published run (PR 14987's
// Llama 3.2 1B F16, flash attention off): decode efficiency to its tg128
// (21.88 tok/s), the f16 prefill rate to its pp512 (198.69 tok/s). The
// SoC's bandwidth is L-sd8elite-bandwidth. Qualcomm publishes no FLOP/s
// peak for the Adreno 830 (nor could a third-party figure be verified),
// so the prefill rate is fitted as achieved FLOP/s, not as a peak times
// an efficiency. q4_0 is taken at the f16 rate (assumption: the Adreno
// kernels dequantize Q4_0 to fp16 for the matrix products); its decode
// reads its own, smaller bytes.
func LlamaCppOpenCLSD8Elite() (Runtime, error) { return llamaCppOpenCLSD8Elite(defaultBuild) }

func llamaCppOpenCLSD8Elite(b build) (Runtime, error) {
	r := Runtime{Name: "llamacpp-opencl-sd8elite", SoC: "snapdragon-8-elite", Processor: GPU,
		PeakBandwidth: reference.MustLookup("L-sd8elite-bandwidth").Value * 1e9, KVBytes: 2,
		PrefillFLOPS: map[Kernel]float64{},
		StorageRead:  reference.MustLookup("M-op12-storage-read").Value / 8,
		Power:        acceleratorPower(gpuPowerPrior, "gpu: assumption, 3.0 W above base for the Adreno under sustained compute (no verified source)"),
		Sources: []string{
			"peak_bandwidth: fact L-sd8elite-bandwidth (LPDDR5X 5300 MHz, 84.8 GB/s)",
			"decode_efficiency: fitted to L-gpu-8elite-1b-f16-decode (21.88 tok/s, Llama 3.2 1B F16, tg128 read at 64 tokens of context)",
			"prefill f16: fitted to L-gpu-8elite-1b-f16-prefill (198.69 tok/s at pp512); q4_0 at the f16 rate (assumption)",
			"kv_bytes 2: llama.cpp's default f16 KV cache",
			"storage_read: the OnePlus 12's UFS 4.0 (M-op12-storage-read; the 8 Elite phone is not named, UFS 4.0 assumed)",
			"power: a labelled prior (3.0 W), not a measurement",
		}}
	c, err := llm.Zoo("llama-3.2-1b")
	if err != nil {
		return r, fmt.Errorf("llmphone: %w", err)
	}
	m, err := QuantizedModel(c, F16Kernel, 2, gpuMaxContext)
	if err != nil {
		return r, err
	}
	if err := b.fit(&r, []fitRow{
		{m, "L-gpu-8elite-1b-f16-decode", gpuFitDecodeCtx, 0},
		{m, "L-gpu-8elite-1b-f16-prefill", 0, gpuFitPrompt},
	}); err != nil {
		return r, err
	}
	r.PrefillFLOPS[Q4_0Kernel] = r.PrefillFLOPS[F16Kernel]
	return r, nil
}

// GenieHTPSD8Elite is Qualcomm's Genie runtime on the Hexagon NPU of a
// Snapdragon 8 Elite (AI Hub's QRD), fitted to one published run (Llama
// 3.2 3B w4a16): decode efficiency to its 23.47 tok/s, the w4a16 prefill
// rate to one 128-token prompt-processor pass in 88.195 ms. Qualcomm
// publishes no TOPS for the NPU (third-party figures conflict), so the
// prefill rate is fitted as achieved operations/s. w8a16 is taken at the
// w4a16 rate (assumption: both multiply 16-bit activations on the same
// tensor unit); its decode reads twice the layer bytes.
func GenieHTPSD8Elite() (Runtime, error) { return genieHTPSD8Elite(defaultBuild) }

func genieHTPSD8Elite(b build) (Runtime, error) {
	r := Runtime{Name: "genie-htp-sd8elite", SoC: "snapdragon-8-elite", Processor: NPU,
		PeakBandwidth: reference.MustLookup("L-sd8elite-bandwidth").Value * 1e9, KVBytes: 2,
		PrefillFLOPS: map[Kernel]float64{},
		StorageRead:  reference.MustLookup("M-op12-storage-read").Value / 8,
		Power:        acceleratorPower(npuPowerPrior, "npu: assumption, 1.5 W above base for the Hexagon NPU (no verified source)"),
		Sources: []string{
			"peak_bandwidth: fact L-sd8elite-bandwidth (LPDDR5X 5300 MHz, 84.8 GB/s)",
			"decode_efficiency: fitted to L-npu-8elite-3b-w4a16-decode (23.47 tok/s, read at 1024 tokens of context: assumption)",
			"prefill w4a16: fitted to L-npu-8elite-3b-w4a16-prefill (128 tokens in 88.195 ms); w8a16 at the w4a16 rate (assumption)",
			"kv_bytes 2: a 16-bit KV cache (assumption; AI Hub does not state it)",
			"weights: layers 4-bit, LM head 8-bit (assumption for AI Hub's 'w8a16 (few layers)')",
			"power: a labelled prior (1.5 W), not a measurement",
		}}
	c, err := llm.Zoo("llama-3.2-3b")
	if err != nil {
		return r, fmt.Errorf("llmphone: %w", err)
	}
	m, err := QuantizedModel(c, W4A16Kernel, 2, npuMaxContext)
	if err != nil {
		return r, err
	}
	if err := b.fit(&r, []fitRow{
		{m, "L-npu-8elite-3b-w4a16-decode", npuFitDecodeCtx, 0},
		{m, "L-npu-8elite-3b-w4a16-prefill", 0, npuFitPrompt},
	}); err != nil {
		return r, err
	}
	r.PrefillFLOPS[W8A16Kernel] = r.PrefillFLOPS[W4A16Kernel]
	return r, nil
}

// QNNHTPSD8Gen3 is the Hexagon NPU of the Snapdragon 8 Gen 3 (OnePlus 12,
// Galaxy S24) with Genie's fitted decode efficiency on the 8 Elite carried
// over to this SoC's bandwidth (L-sd8gen3-bandwidth), and the 8 Elite's
// prefill rate divided by 1.45: Qualcomm's launch claim that the 8
// Elite's Hexagon NPU is 45 % faster than the 8 Gen 3's (sd8elite). Not
// fitted to any 8 Gen 3 row; its decode is held out against AI Hub's
// Llama 3 8B on a Galaxy S24.
func QNNHTPSD8Gen3() (Runtime, error) { return qnnHTPSD8Gen3(defaultBuild) }

func qnnHTPSD8Gen3(b build) (Runtime, error) {
	e, err := genieHTPSD8Elite(b)
	if err != nil {
		return Runtime{}, err
	}
	r := e
	r.Name, r.SoC = "qnn-htp-sd8gen3", "snapdragon-8-gen-3"
	r.PeakBandwidth = reference.MustLookup("L-sd8gen3-bandwidth").Value * 1e9
	r.Power = acceleratorPower(npuPowerPrior, "npu: assumption, 1.5 W above base for the Hexagon NPU (no verified source)")
	r.PrefillFLOPS = map[Kernel]float64{}
	for k, v := range e.PrefillFLOPS {
		r.PrefillFLOPS[k] = v / npuGenGain
	}
	r.Sources = []string{
		"peak_bandwidth: fact L-sd8gen3-bandwidth (LPDDR5X 4800 MHz, 76.8 GB/s)",
		fmt.Sprintf("decode_efficiency: genie-htp-sd8elite's (%.3f), not fitted here", e.DecodeEfficiency),
		"prefill: genie-htp-sd8elite's over 1.45 (Qualcomm: the 8 Elite's NPU is 45 % faster), not fitted here",
		"kv_bytes, weights, power: as genie-htp-sd8elite",
		"storage_read: fact M-op12-storage-read",
	}
	r.Fitted = nil // its parameters are genie-htp-sd8elite's (FittedTo kept: the rows they came from)
	return r, nil
}

// npuGenGain is Qualcomm's claim for the 8 Elite's Hexagon NPU over the
// 8 Gen 3's, "45% faster" (sd8elite launch reports).
const npuGenGain = 1.45

// acceleratorPower is the power model of a GPU or NPU runtime: the
// processor's prior in place of the CPU cores, the CPU runtime's DRAM
// prior, and the OnePlus 12's cpu.awake (the CPU stays awake to drive
// the accelerator).
func acceleratorPower(w float64, why string) PowerModel {
	return PowerModel{
		CPU:               w + op12AwakeMA/1000*op12Volts,
		DRAMJoulesPerByte: dramJoulesPerByte,
		Sources: []string{why,
			fmt.Sprintf("plus cpu.awake %.2f mA at an assumed %.2f V (OnePlus 12 power profile)", op12AwakeMA, op12Volts),
			"dram: assumption, 4 pJ/bit (as the CPU runtime)"},
	}
}

// Named is every phone LLM runtime by name, under DefaultCostModel.
var Named = map[string]func() (Runtime, error){
	"executorch-xnnpack-sd8gen3": ExecuTorchSD8Gen3,
	"qnn-htp-sd8gen3":            QNNHTPSD8Gen3,
	"llamacpp-opencl-sd8elite":   LlamaCppOpenCLSD8Elite,
	"genie-htp-sd8elite":         GenieHTPSD8Elite,
}

// builders is Named's constructors with their build options.
var builders = map[string]func(build) (Runtime, error){
	"executorch-xnnpack-sd8gen3": executorchSD8Gen3,
	"qnn-htp-sd8gen3":            qnnHTPSD8Gen3,
	"llamacpp-opencl-sd8elite":   llamaCppOpenCLSD8Elite,
	"genie-htp-sd8elite":         genieHTPSD8Elite,
}

// Names is the sorted names of Named.
func Names() []string {
	var n []string
	for k := range Named {
		n = append(n, k)
	}
	sort.Strings(n)
	return n
}

// ForProcessor is the runtime of processor p on the SoC of runtime r: r
// itself when it runs on p, else the named runtime on r's SoC that does,
// or an error listing what the SoC has.
func ForProcessor(r Runtime, p Processor) (Runtime, error) {
	if r.processor() == p {
		return r, nil
	}
	var have []string
	for _, n := range Names() {
		o, err := Named[n]()
		if err != nil {
			return Runtime{}, err
		}
		if o.SoC != r.SoC {
			continue
		}
		if o.processor() == p {
			return o, nil
		}
		have = append(have, fmt.Sprintf("%s %s", o.processor(), o.Name))
	}
	return Runtime{}, fmt.Errorf("llmphone: %s has no %s runtime (it has: %s)", r.SoC, p, strings.Join(have, ", "))
}
