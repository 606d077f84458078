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
// activations). ExecuTorchSD8Gen3 is fitted to three published rows of
// Meta's Llama 3.2 model card (1B in bf16 and SpinQuant) and tested in
// `infersim validate` against the rows it was not fitted to (the 3B
// model, QLoRA, and 1B bf16 decode).
//
// Memory (weights memory-mapped, KV cache and activations against the
// app's limit), energy and the scenario that puts the phone beside
// devices/llmserve's cloud are not here yet.
package llmphone
