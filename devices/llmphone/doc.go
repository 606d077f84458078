// Package llmphone prices language-model inference on a phone (issue 21,
// the phone half of "chat on the phone or in the cloud"): prefill is
// compute-bound, so its time is the prompt's FLOPs over the rate the
// runtime achieves with its weight scheme; decode is bound by memory
// bandwidth, so each token costs one read of the model's weights and KV
// cache at the bandwidth the runtime achieves.
//
// A Runtime is one inference engine on one SoC (ExecuTorch's XNNPACK CPU
// backend on a Snapdragon 8 Gen 3, say): the SoC's peak DRAM bandwidth
// from its data sheet, the share of it decode reaches, and the prefill
// FLOP/s for each kernel class (bf16, or 4-bit weights with 8-bit
// activations). ExecuTorchSD8Gen3 is fitted to four published rows of
// Meta's Llama 3.2 model card (1B bf16 prefill, 1B SpinQuant prefill,
// decode and RSS) and tested in `infersim validate` against the rows it
// was not fitted to (the 3B model, QLoRA, 1B bf16 decode, the other RSS
// figures, and the ExecuTorch README's Llama 3 8B decode).
//
// Processors: a runtime names its SoC and the processor it computes on
// (cpu, gpu or npu) and runs only its precisions (Runtime.Supports
// refuses the others): ExecuTorchSD8Gen3 on the CPU (bf16, w4a8),
// LlamaCppOpenCLSD8Elite on the Adreno 830 GPU (f16, q4_0),
// GenieHTPSD8Elite and QNNHTPSD8Gen3 on the Hexagon NPU (w4a16, w8a16).
// Decode on each is the bytes a step streams (QuantizedModel) over the
// SoC's LPDDR5X peak (facts L-sd8gen3-bandwidth, L-sd8elite-bandwidth)
// times a fitted efficiency; prefill is a fitted achieved FLOP/s, since
// Qualcomm publishes no GPU or NPU peak. The GPU is fitted to one
// llama.cpp run (Llama 3.2 1B F16) and the 8 Elite's NPU to one AI Hub run
// (Llama 3.2 3B w4a16); the 8 Gen 3's NPU carries the 8 Elite's
// efficiency and Qualcomm's "45 % faster" claim and is fitted to nothing.
// ForProcessor finds a SoC's runtime of a processor; the GPU's and NPU's
// powers are labelled priors.
//
// Cost models (Runtime.Cost, CostModel): Direct prices a whole step as
// one roofline, max(FLOPs / rate, bytes / (peak × efficiency));
// HostRoofline, the default (DefaultCostModel), splits the step into the
// operator classes of models/llm's roofline (matrix products, attention,
// vector operators) and prices each on its own roofline, the matrix
// class at the fitted rate and bandwidth, the others at those times the
// host's ratios (llm.HostRoofline, shipped constants fitted to a shipped
// run of `infersim models llm calibrate`), as the CNN path maps host
// layer times to a device. Either way the same parameters are fitted to
// the same published rows (Runtime.FittedTo, Runtime.Fitted); Build
// constructs a runtime under either model with a sensitivity run's
// parameter scales, and FittedParams lists what `validate
// --sensitivity` moves. `infersim validate` reports both models'
// held-out errors by study; the default is the lower.
//
// Memory: Runtime.Footprint splits what a model holds in the app's
// process — the memory-mapped program's resident pages (all of them,
// since every decode step reads every weight), the KV cache (static at
// the program's MaxContext for ExecuTorch, else growing with the
// context), the activations of the prompt's forward, and a runtime
// overhead fitted to the card's 1B SpinQuant RSS; Footprint.Fits checks
// a limit, and a context beyond the program's cache is refused. The
// card's other five RSS figures are held out. LoadTime is the first
// use's read of the program from flash at the phone's storage rate.
//
// Energy: PhasePower, DecodeEnergy and PrefillEnergy price the busy CPU
// cores from the OnePlus 12's Android power profile and the DRAM traffic
// at an assumed energy per byte. No published power of a phone running
// an LLM was verified, so this is a labelled prior (OnePlus12Power), not
// a fit, and the phone's base power (screen, radio) is the caller's.
//
// The scenario that puts the phone beside devices/llmserve's cloud is
// not here: it calls this package.
package llmphone
