// Package llm describes decoder-only transformer language models (Llama,
// Qwen2, Gemma 2, Phi-3, SmolLM2) the way infersim describes CNNs: from
// their published configuration, with exact parameter counts, weight
// bytes per storage format, and FLOPs and bytes moved per token for
// prefill and for decode at a given context length.
//
// # Overview
//
// A Config holds the fields of a Hugging Face config.json (ParseHFConfig
// reads one); the zoo (Zoo, ZooNames) embeds the configs of ten open
// models a phone can run, each with the copy it was transcribed from.
// Params, WeightBytes, KVBytesPerToken, DecodeCost and PrefillCost derive
// the counts; WeightFormat gives the storage of fp32, fp16/bf16, int8 per
// channel, Q8_0, Q4_0 and 4-bit group-quantised weights.
//
// Conventions: FLOPs are 2 × multiply-adds of the projections, the LM
// head and the two attention products; everything else is left out.
// Bytes moved assume each weight is read once per step and activations
// stay in cache.
//
// # Not yet integrated
//
// Nothing else in infersim uses this package yet: there is no phone or
// cloud simulation of LLM inference, no scenario, no validation row and
// no device profile built from its timings. Those come later (issue 21).
package llm
