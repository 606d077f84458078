package llmserve

import (
	"errors"
	"fmt"

	"github.com/infersim/infersim/models/llm"
	"github.com/infersim/infersim/sim"
)

// Config is a server: one model on one accelerator with vLLM's scheduler
// limits.
type Config struct {
	Model    llm.Config
	Format   llm.WeightFormat // weight storage, e.g. llm.BF16
	KVBytes  int              // bytes per KV element (2 for fp16/bf16)
	Hardware Hardware
	// MaxBatchedTokens is the token budget of one step (vLLM's
	// max_num_batched_tokens); MaxSeqs the running sequences at most
	// (max_num_seqs); BlockTokens the tokens of one KV block (block_size).
	MaxBatchedTokens, MaxSeqs, BlockTokens int
	// PrefixCache keeps the KV blocks of finished requests for later
	// requests of the same session (vLLM's automatic prefix caching;
	// prefix.go); false: every prompt is prefilled in full.
	PrefixCache bool
}

// DefaultLimits fills unset scheduler limits with vLLM's defaults for
// online serving (V1: max_num_batched_tokens 8192, max_num_seqs 256,
// block_size 16) and KVBytes with 2.
func (c Config) DefaultLimits() Config {
	if c.MaxBatchedTokens == 0 {
		c.MaxBatchedTokens = 8192
	}
	if c.MaxSeqs == 0 {
		c.MaxSeqs = 256
	}
	if c.BlockTokens == 0 {
		c.BlockTokens = 16
	}
	if c.KVBytes == 0 {
		c.KVBytes = 2
	}
	return c
}

// Request is one generation: a prompt of Prompt tokens and Output tokens
// to generate. OnToken is called at the simulated time each output token
// is produced (i from 1; i = 1 is the first token), OnDone once at the
// end, with ErrTooLong when the request can never fit the KV cache.
type Request struct {
	Prompt, Output int
	OnToken        func(i int, now float64)
	OnDone         func(now float64, err error)
	// Session names the conversation whose history the prompt begins
	// with (its earlier prompts and answers, then the new tokens); with
	// Config.PrefixCache, a request reuses the cached KV blocks of its
	// session's earlier requests. 0: no session, nothing reused.
	Session uint64

	q *seq // in the server, nil before Submit
}

// ErrTooLong is given to a request whose prompt and output cannot fit
// the server's KV cache even alone.
var ErrTooLong = errors.New("llmserve: prompt and output exceed the KV cache")

// Stats are a server's counters.
type Stats struct {
	Steps        int     // scheduler iterations run
	Busy         float64 // seconds spent in steps
	Preemptions  int     // sequences preempted (recompute)
	MaxRunning   int     // most sequences running in one step
	Tokens       int     // output tokens produced
	PrefillSteps int     // steps with at least one prefill chunk
	// PrefillTokens is the prompt positions computed (prefill chunks,
	// recomputation after a preemption included); CachedTokens the
	// positions a prefix-cache hit spared.
	PrefillTokens, CachedTokens int
	Cancelled                   int // requests withdrawn by Cancel
}

// seq is a request in the server.
type seq struct {
	r         *Request
	generated int // output tokens produced so far
	computed  int // positions with KV in the cache
	blocks    int // KV blocks held, prefix included
	order     uint64
	prefix    []*cblock // the cached blocks it reuses, positions 0…
	cancelled bool
}

// target is the positions the sequence must have in its cache before it
// produces its next token: the prompt and the tokens generated so far.
func (s *seq) target() int { return s.r.Prompt + s.generated }

// Server is a continuous-batching LLM server (see the package doc).
type Server struct {
	env      *sim.Env
	cfg      Config
	capacity int // KV blocks
	free     int
	waiting  []*seq // FIFO; preempted sequences go to the front
	running  []*seq // in admission order
	busy     bool
	admitted uint64
	stats    Stats
	costs    costTable
	batch    []chunk // the step in flight
	cache    prefixCache
}

// chunk is one sequence's work in a step: n positions from start, a
// decode or (part of) a prefill.
type chunk struct {
	s        *seq
	start, n int
	decode   bool
}

// NewServer returns a server on env. Its KV cache takes what the memory
// budget leaves after the weights.
func NewServer(env *sim.Env, cfg Config) (*Server, error) {
	cfg = cfg.DefaultLimits()
	if err := cfg.Model.Validate(); err != nil {
		return nil, fmt.Errorf("llmserve: %w", err)
	}
	if err := cfg.Hardware.Validate(); err != nil {
		return nil, err
	}
	if cfg.MaxBatchedTokens < 1 || cfg.MaxSeqs < 1 || cfg.BlockTokens < 1 {
		return nil, fmt.Errorf("llmserve: scheduler limits %d tokens, %d seqs, %d-token blocks: want ≥ 1", cfg.MaxBatchedTokens, cfg.MaxSeqs, cfg.BlockTokens)
	}
	weights := float64(cfg.Model.WeightBytes(cfg.Format))
	budget := cfg.Hardware.Memory*cfg.Hardware.MemoryUtilization - weights
	perBlock := float64(cfg.Model.KVBytesPerToken(cfg.KVBytes)) * float64(cfg.BlockTokens)
	blocks := int(budget / perBlock)
	if blocks < 1 {
		return nil, fmt.Errorf("llmserve: %s in %s takes %.3g GB of the %.3g GB budget: no room for a KV block",
			cfg.Model.Name, cfg.Format.Name, weights/1e9, cfg.Hardware.Memory*cfg.Hardware.MemoryUtilization/1e9)
	}
	srv := &Server{env: env, cfg: cfg, capacity: blocks, free: blocks, costs: costTable{c: &cfg.Model, f: cfg.Format, kv: cfg.KVBytes}}
	if cfg.PrefixCache {
		srv.cache.init()
	}
	return srv, nil
}

// KVBlocks is the cache's size in blocks.
func (s *Server) KVBlocks() int { return s.capacity }

// Stats returns the counters so far.
func (s *Server) Stats() Stats { return s.stats }

// Submit queues a request at the current time.
func (s *Server) Submit(r *Request) {
	if s.blocksFor(r.Prompt+r.Output) > s.capacity {
		if r.OnDone != nil {
			r.OnDone(s.env.Now(), ErrTooLong)
		}
		return
	}
	q := &seq{r: r}
	r.q = q
	s.waiting = append(s.waiting, q)
	if !s.busy {
		s.busy = true
		s.env.Schedule(0, s.step)
	}
}

func (s *Server) blocksFor(tokens int) int {
	return (tokens + s.cfg.BlockTokens - 1) / s.cfg.BlockTokens
}

// grow gives q blocks for n positions, preempting the most recently
// admitted other sequences when the cache is full; false when q itself
// had to go.
func (s *Server) grow(q *seq, n int) bool {
	need := s.blocksFor(n) - q.blocks
	for need > s.free {
		victim := s.running[len(s.running)-1]
		s.preempt(victim)
		if victim == q {
			return false
		}
	}
	s.take(max(need, 0))
	q.blocks += max(need, 0)
	return true
}

// preempt drops v's cache and puts it back at the head of the queue.
func (s *Server) preempt(v *seq) {
	for i, r := range s.running {
		if r == v {
			s.running = append(s.running[:i], s.running[i+1:]...)
			break
		}
	}
	s.release(v)
	v.computed = 0
	s.waiting = append([]*seq{v}, s.waiting...)
	s.stats.Preemptions++
}

// step forms the next batch and schedules its end.
func (s *Server) step() {
	budget := s.cfg.MaxBatchedTokens
	s.batch = s.batch[:0]
	// Running sequences in admission order: decode one token, or continue
	// the prefill. A sequence preempted while the batch forms leaves it.
	for i := 0; i < len(s.running) && budget > 0; i++ {
		q := s.running[i]
		n := min(q.target()-q.computed, budget)
		if !s.grow(q, q.computed+n) {
			i--
			continue
		}
		// Decoding: the one position left is the token just produced.
		decode := q.generated > 0 && q.computed == q.target()-1
		s.batch = append(s.batch, chunk{s: q, start: q.computed, n: n, decode: decode})
		budget -= n
	}
	for len(s.waiting) > 0 && budget > 0 && len(s.running) < s.cfg.MaxSeqs {
		q := s.waiting[0]
		hits, reuse := s.lookup(q)
		start := len(hits) * s.cfg.BlockTokens
		n := min(q.target()-start, budget)
		need := s.blocksFor(start+n) - len(hits)
		if need+reuse > s.free {
			break
		}
		s.waiting = s.waiting[1:]
		s.acquire(q, hits)
		s.take(need)
		q.blocks = len(hits) + need
		q.computed = start
		s.stats.CachedTokens += start
		s.admitted++
		q.order = s.admitted
		s.running = append(s.running, q)
		s.batch = append(s.batch, chunk{s: q, start: start, n: n})
		budget -= n
	}
	if len(s.batch) == 0 {
		s.busy = false
		return
	}
	flops, bytes, tokens, prefill := 0.0, 0.0, 0, false
	for _, c := range s.batch {
		f, b := s.costs.chunk(c.start, c.n)
		flops += f
		bytes += b
		tokens += c.n
		prefill = prefill || !c.decode
		if !c.decode {
			s.stats.PrefillTokens += c.n
		}
	}
	bytes += float64(s.costs.weightBytes(tokens))
	d := s.cfg.Hardware.StepTime(flops, bytes)
	s.stats.Steps++
	s.stats.Busy += d
	s.stats.MaxRunning = max(s.stats.MaxRunning, len(s.running))
	if prefill {
		s.stats.PrefillSteps++
	}
	s.env.Schedule(d, s.finish)
}

// finish applies the step: caches advance, sequences whose cache reached
// their target produce a token, finished ones leave.
func (s *Server) finish() {
	now := s.env.Now()
	for _, c := range s.batch {
		q := c.s
		if q.cancelled {
			continue // withdrawn while its step ran
		}
		q.computed = c.start + c.n
		if q.computed < q.target() {
			continue // a prefill chunk short of the end
		}
		q.generated++
		s.stats.Tokens++
		if q.r.OnToken != nil {
			q.r.OnToken(q.generated, now)
		}
	}
	kept := s.running[:0]
	for _, q := range s.running {
		if q.generated >= q.r.Output {
			s.release(q)
			if q.r.OnDone != nil {
				q.r.OnDone(now, nil)
			}
			continue
		}
		kept = append(kept, q)
	}
	s.running = kept
	s.step()
}

// costTable prices chunks of one model: cumulative attention FLOPs by
// context length, grown as longer contexts are seen.
type costTable struct {
	c      *llm.Config
	f      llm.WeightFormat
	kv     int
	cum    []float64 // cum[i] = attention FLOPs of positions 1..i
	linear float64   // 2 × matmul elements: linear FLOPs per token
	// base is the weights a step reads besides the embedding rows it
	// looks up, row one row's bytes.
	base, row int64
}

// attnCum returns the attention FLOPs of positions 1..n.
func (t *costTable) attnCum(n int) float64 {
	if t.cum == nil {
		t.cum = []float64{0}
		t.linear = float64(2 * t.c.Params().Matmul)
	}
	for i := len(t.cum); i <= n; i++ {
		a := float64(t.c.DecodeCost(t.f, t.kv, i).FLOPs) - t.linear
		t.cum = append(t.cum, t.cum[i-1]+a)
	}
	return t.cum[n]
}

// chunk returns the FLOPs and the KV traffic of computing positions
// start+1..start+n: each position's projections and its attention over
// the positions up to it; the cache before the chunk is read once, the
// chunk's own positions written.
func (t *costTable) chunk(start, n int) (flops, bytes float64) {
	flops = t.attnCum(start+n) - t.attnCum(start) + t.linear*float64(n)
	bytes = float64(t.c.KVBytes(start, t.kv)) + float64(int64(n)*t.c.KVBytesPerToken(t.kv))
	return flops, bytes
}

// weightBytes is the weights a step of n tokens reads: every matrix once,
// and n embedding rows looked up (at most the vocabulary).
func (t *costTable) weightBytes(n int) int64 {
	if t.row == 0 {
		t.row = t.f.MatrixBytes(1, int64(t.c.Hidden))
		t.base = t.c.DecodeCost(t.f, t.kv, 1).WeightBytes - t.row
	}
	return t.base + int64(min(n, t.c.Vocab))*t.row
}
