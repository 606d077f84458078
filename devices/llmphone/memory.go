package llmphone

import (
	"fmt"
)

// Footprint is the memory a model takes in the app's process while it
// runs, in bytes, split by what holds it.
type Footprint struct {
	// Weights is the program's resident pages. The program is
	// memory-mapped from flash and every weight is read by every decode
	// step, so after the first token all of it is resident (file-backed,
	// counted in the process's RSS).
	Weights float64
	// KV is the key-value cache: allocated once at the program's
	// MaxContext when the runtime's cache is static (ExecuTorch's is),
	// else the cache of the context held.
	KV float64
	// Activations is the work buffers of the largest forward, the
	// prefill of the prompt (see ActivationBytes).
	Activations float64
	// Runtime is the rest: the engine, its allocator and packed kernel
	// data, the tokenizer, the process's libraries. A runtime constant
	// (Runtime.OverheadBytes).
	Runtime float64
}

// Total is the footprint's sum, bytes.
func (f Footprint) Total() float64 { return f.Weights + f.KV + f.Activations + f.Runtime }

// Fits reports whether the footprint fits in limit bytes (the memory
// the app may hold before it is refused or killed; the caller's memory
// model decides what the limit is).
func (f Footprint) Fits(limit float64) bool { return f.Total() <= limit }

// String prints the footprint in MiB, parts first.
func (f Footprint) String() string {
	const mib = 1 << 20
	return fmt.Sprintf("%.0f MiB (weights %.0f, KV %.0f, activations %.0f, runtime %.0f)",
		f.Total()/mib, f.Weights/mib, f.KV/mib, f.Activations/mib, f.Runtime/mib)
}

// ContextLimit is the longest context the model can hold on this
// runtime: the program's MaxContext when its cache is static, else the
// architecture's max_position_embeddings.
func (r Runtime) ContextLimit(m Model) int {
	if m.MaxContext > 0 {
		return m.MaxContext
	}
	return m.Config.MaxPositions
}

// kvElem is the bytes of one cached key or value element: the model's
// export, else the runtime's default.
func (r Runtime) kvElem(m Model) int {
	if m.KVElemBytes > 0 {
		return m.KVElemBytes
	}
	return r.KVBytes
}

// Footprint is the memory of model m after it has prefilled a prompt of
// prompt tokens and holds a context of ctx tokens (prompt ≤ ctx; the
// prompt is the largest single forward, which sets the activations). A
// context beyond ContextLimit is an error: the runtime refuses it.
func (r Runtime) Footprint(m Model, prompt, ctx int) (Footprint, error) {
	if prompt < 1 || ctx < prompt {
		return Footprint{}, fmt.Errorf("llmphone: footprint: want 1 ≤ prompt (%d) ≤ context (%d)", prompt, ctx)
	}
	if lim := r.ContextLimit(m); lim > 0 && ctx > lim {
		return Footprint{}, fmt.Errorf("llmphone: %s holds at most %d tokens of context, not %d", m.Config.Name, lim, ctx)
	}
	kvPos := ctx
	if m.MaxContext > 0 {
		kvPos = m.MaxContext
	}
	return Footprint{
		Weights:     m.WeightBytes,
		KV:          float64(m.Config.KVBytes(kvPos, r.kvElem(m))),
		Activations: ActivationBytes(m, prompt, ctx),
		Runtime:     r.OverheadBytes,
	}, nil
}

// ActivationBytes is the float32 work buffers of one forward of n tokens
// attending to ctx positions: per token the residual stream, the normed
// input and the attention output (Hidden each), the queries, keys and
// values ((Heads + 2·KVHeads)·HeadDim), the MLP's gate and up
// projections (2·Intermediate); the attention scores of every head
// (Heads·n·ctx); and one row of logits (Vocab: the runner keeps only the
// last token's). Buffers are assumed not to be reused across layers
// within a forward, nor kept between forwards (an upper bound on a
// planner that shares them, a lower one on nothing).
func ActivationBytes(m Model, n, ctx int) float64 {
	c := m.Config
	perTok := 3*c.Hidden + (c.Heads+2*c.KVHeads)*c.HeadDim + 2*c.Intermediate
	return 4 * (float64(n)*float64(perTok) + float64(c.Heads)*float64(n)*float64(ctx) + float64(c.Vocab))
}

// LoadTime is the time the first use of model m spends reading its
// weights from flash: every page of the memory-mapped program comes in
// once, at the phone's storage read rate (a lower bound: page faults of
// 4 KiB with the kernel's read-ahead reach less than a sequential read).
// Later uses find the pages in the page cache, unless the system has
// dropped them.
func (r Runtime) LoadTime(m Model) float64 {
	if r.StorageRead <= 0 {
		return 0
	}
	return m.WeightBytes / r.StorageRead
}
