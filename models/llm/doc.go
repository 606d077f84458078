// Package llm is the foundation of infersim's language-model work (issue
// 21, "chat on the phone or in the cloud"): it describes decoder-only
// transformers (Llama, Qwen2, Gemma 2, Phi-3, SmolLM2, TinyLlama) the way
// package models describes CNNs — from their published configuration,
// with exact parameter counts, weight bytes per storage format, and
// FLOPs and bytes moved per token for prefill and for decode at a given
// context length — and runs them natively on this machine with timed
// operators, so that device profiles can be calibrated from them.
//
// # Configs and counts
//
// A Config holds the fields of a Hugging Face config.json. The zoo (Zoo,
// ZooNames, ZooInfo) embeds the configs of ten open models a phone can
// run, each with the copy it was transcribed from and the publisher's
// stated count. Params, WeightBytes, KVBytesPerToken, KVBytes, DecodeCost
// and PrefillCost derive the counts; a WeightFormat (F32, F16, BF16,
// Int8, Q8_0, Q4_0, Int4G128) gives the storage of the matrices.
// Conventions: FLOPs are 2 × multiply-adds of the projections, the LM
// head and the two attention products (norms, RoPE, softmax and
// activations left out); bytes moved assume each weight is read once per
// step (the tied LM head re-reads the embedding matrix), activations stay
// in cache, and decode reads the whole KV cache.
//
// # What a user brings
//
// ParseHFConfig reads a config.json; ReadSafetensorsHeader reads a
// .safetensors header (InferConfig derives the sizes from the tensor
// shapes, CheckConfig checks a config against them); ReadGGUFHeader reads
// a GGUF v2/v3 header (metadata and tensor infos, never the data) and
// GGUFHeader.Config derives a llama or qwen2 config. Each reader takes an
// io.Reader, enforces the limits stated next to it (Max* constants) and
// names the offending field in its errors; each has a fuzz test.
//
// # Kernels and executor
//
// Weight matrices (Matrix) are fp32 (F32Matrix, products by
// models/internal/gemm), int8 with a scale per row (Q8Matrix) or 4-bit
// group-quantised (Q4Matrix); the quantised products dequantise inside
// the kernel, a row or a group at a time. The operators — Embed,
// RMSNormOp, LayerNormOp, Rope (with llama3 frequency scaling), Attention
// (grouped-query, over a KV cache, with soft-capping and sliding
// windows), MLP (SwiGLU, GeGLU), LMHead — each have a float64 reference
// (suffix Ref) the tests hold them to on odd shapes. An Executor runs a
// Model: a batched prefill of the prompt, then greedy decode one token
// at a time; its Hook sees every operator's wall time and TimeOps
// summarises them per phase with each call's FLOPs and bytes, the
// material of a calibration. RandomModel makes seeded models of any
// config for timing; Model.Tensors exports the weights under
// transformers' names.
//
// Parity: testdata/torch_ref.py is an independent PyTorch implementation
// of the same models; TestTorchParity (run when python3 with torch is
// found, skipped with a message otherwise) checks the residual stream
// after every layer and the logits within float32 error and the greedy
// tokens exactly. BENCHMARKS.md gives decode tokens/s of both.
//
// # Calibrating this host
//
// FitRoofline fits TimeOps statistics with a roofline per operator class
// (ClassOf: matrix products, attention, vector operators): a call takes
// max(FLOPs/F, Bytes/B), fitted by least squares on log time weighted by
// each operator's measured time, the compute-bound split fitted too.
// Roofline.Predict predicts another model's operators and its time per
// prefill and decode token. `infersim models llm calibrate` fits one
// model and checks the fit on a held-out model of another shape
// (BENCHMARKS.md gives the figures on the development machine). These
// rates are the host's and the executor's kernels', as the CNN kernel
// profile of `infersim calibrate` is. One run is shipped
// (ShippedHostCalibration, hostcal.json) with the roofline fitted to it
// as constants (HostRoofline, host_roofline.go; HostCalibrationCommand
// regenerates both, TestShippedHostRoofline re-fits them): the phone
// runtimes of devices/llmphone take from it each class's rates relative
// to the matrix class's (Roofline.Relative), never a timing of the
// machine they run on.
//
// # Where the rest lives, and what is not built
//
// devices/llmserve prices a cloud server's continuous-batching steps and
// devices/llmphone a phone runtime's prefill, decode and memory footprint
// (memory-mapped weights' resident pages and the KV cache against the
// app's limit) from DecodeCost and PrefillCost, each validated against
// published rows in `infersim validate`; devices/llmchat.go runs chat
// turns on the phone, in the cloud with the answer streamed back over the
// radio, or by the hybrid rule; the llm section of a scenario
// (scenarios/llm*.go, the llm-chat and llm-crowd built-ins) asks the
// question and its what-ifs. Not built: the host roofline is not turned
// into a phone runtime (a phone's rates come from published rows, not
// from running this executor there), and no scenario uses it. The
// executor computes in float32 with a float32 KV cache; fp16/bf16 exist
// only as storage formats for the counts, and RoPE scalings other than
// llama3 (Phi-3.5's longrope, yarn) and MLP biases are parsed but not
// executed.
package llm
