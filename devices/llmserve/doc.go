// Package llmserve simulates a language-model inference server the way
// vLLM runs one (issue 21): iteration-level continuous batching with
// chunked prefill, a paged KV cache with a memory limit, and preemption by
// recompute when the cache runs out. It is the cloud half of "chat on the
// phone or in the cloud"; the phone half and the scenarios that put both
// in one simulation build on it.
//
// # Cost of a step
//
// A Hardware is a roofline: a step's time is its fixed overhead plus the
// larger of its FLOPs over the achieved compute rate and its memory
// traffic over the achieved bandwidth. The FLOPs and bytes come from
// package models/llm's counts (Config.DecodeCost, Config.PrefillCost): the
// weights are read once per step, however many sequences share it — the
// reason batching pays — each decoding sequence reads its whole KV cache,
// and a prefill chunk reads the cache before it and writes its own.
//
// # Scheduling
//
// Each step the scheduler (Server) gives every running sequence that is
// decoding one token, then continues running prefills in chunks, then
// admits waiting requests first come first served, all within a token
// budget per step (MaxBatchedTokens) and a sequence limit (MaxSeqs), the
// policy of vLLM's V1 scheduler with chunked prefill. KV space is held in
// blocks of BlockTokens tokens; a running sequence that needs a block
// when none is free preempts the most recently admitted sequence, which
// loses its cache and waits at the head of the queue to recompute its
// prompt and the tokens it had generated. The step that finishes a
// request's prefill produces its first token; every later step one more.
//
// A request whose client goes away is withdrawn (Server.Cancel, vLLM's
// abort): it leaves the queue or the batch and its blocks are freed at
// once. With Config.PrefixCache the full blocks of an ended request stay
// cached for the later requests of its session, so a chat's next turn
// prefills only what is past them; cached blocks count as free and are
// evicted least recently released first (prefix.go).
//
// The server is driven by scheduled callbacks (sim.Env.Schedule), not a
// process per request: a crowd of phones costs one event per step plus
// one per token delivered.
package llmserve
