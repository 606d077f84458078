package scenarios

import (
	"fmt"
	"math/rand/v2"

	"github.com/infersim/infersim/devices"
	"github.com/infersim/infersim/result"
	"github.com/infersim/infersim/sim"
	"github.com/infersim/infersim/units"
)

// A chat turn's life beside its work (issue 21; devices/llmturn.go): a
// per-turn timeout that cancels the turn's request at the server, the
// server's prefix cache, open conversation arrivals (poisson, or times:
// each phone's conversations start at the listed times), a think time of
// the llm section's own and a trace of turn lengths (llmtrace.go). All
// are off by default, and then nothing changes.

// llmTurnFields are the llm section's fields on a turn's life.
func llmTurnFields() []*field {
	return append(llmWorkloadFields(),
		fld("timeout", "Timeout", kDuration, "A turn not done this long after it starts ends with outcome timeout; a cloud turn is then cancelled at the server (vLLM's abort: it leaves the batch and its KV blocks are freed for the requests waiting). 0s: workload.timeout applies.", def("0s"), checks(nonNegative), example("30s")),
	)
}

// llmServerTurnFields are the llm.server fields on a request's life.
func llmServerTurnFields() []*field {
	return []*field{
		fld("prefix_cache", "PrefixCache", kBool, "Automatic prefix caching (vLLM enable_prefix_caching): the full KV blocks of a conversation's earlier turns stay cached after they end, so a later turn prefills only the tokens past the blocks still cached; cached blocks no request holds count as free and are evicted least recently used first, a turn's tail blocks before its head.", def("false")),
	}
}

// turnTimeout is a chat turn's timeout: llm.timeout, else
// workload.timeout.
func (s *Scenario) turnTimeout() units.Duration {
	if s.LLM.Timeout > 0 {
		return s.LLM.Timeout
	}
	return s.Workload.Timeout
}

// llmWorkloadFields are the llm section's fields on when turns come.
func llmWorkloadFields() []*field {
	return []*field{
		fld("think", "Think", kDuration, "Pause between a turn's end and the conversation's next turn. Default: workload.arrivals.think (which poisson and times arrivals do not take: with them, conversations start at workload.arrivals.rate per phone, or at the times of workload.arrivals.at, independently of completions, several at once if they overlap, and their turns are this far apart; 0s if not given).", checks(nonNegative), example("5s")),
		fld("trace", "Trace", kText, "A CSV file of turns, relative to the scenario file, read instead of drawing llm.prompt and llm.output: a header prompt_tokens,output_tokens[,think_s], then one row per turn (think_s: the pause after it, instead of the think time); phone i replays the rows from row i mod n, wrapping around; llm.turns groups them into conversations.", example("turns.csv")),
	}
}

// llmOwnDriver reports whether the scenario's conversations need the
// driver of this file (poisson or times arrivals, a trace, llm.think)
// rather than the closed loop of llmworld.go.
func (s *Scenario) llmOwnDriver() bool {
	t := s.Workload.Arrivals.Type
	return t == "poisson" || t == "times" || s.LLM.Trace != "" || s.written("llm.think")
}

// turnThink is the pause between two turns of a conversation.
func (s *Scenario) turnThink() float64 {
	if s.written("llm.think") {
		return float64(s.LLM.Think)
	}
	return float64(s.Workload.Arrivals.Think)
}

// convDriver holds one phone's conversations when they arrive open
// (poisson: at rate; times: at the listed times; each its own turns,
// overlapping ones at once) or closed (the next conversation the think time after the previous one
// ends), with turn lengths drawn or read from a trace. A failed turn
// ends its conversation, as in the closed loop.
type convDriver struct {
	w        *world
	ph       *devices.Phone
	index    int // the phone's
	mode     devices.ChatMode
	tally    *llmTally
	n        int // conversations; 0: until the duration
	until    float64
	think    float64   // between conversations (closed)
	turnGap  float64   // between turns
	rate     float64   // poisson: conversations per second; 0: closed
	at       []float64 // times: the conversations' starts, s; nil: not times
	rng, arr *rand.Rand
	trace    *chatTrace
	row      int
	started  int
	live     int // conversations not ended
	issued   int
	closed   int
	arriving int // conversations' arrivals scheduled
	counted  map[int]bool
	finished bool
}

// chatConv is a conversation in flight.
type chatConv struct {
	d                         *convDriver
	id, turn, ctx, prompt, op int
	think                     float64 // after the turn in flight
}

// newConvDriver builds phone index's driver.
func newConvDriver(w *world, ph *devices.Phone, index int, mode devices.ChatMode, tally *llmTally, n int, until float64, streams *sim.Streams, name string) (*convDriver, error) {
	s := w.pd.s
	d := &convDriver{w: w, ph: ph, index: index, mode: mode, tally: tally, n: n, until: until,
		think: float64(s.Workload.Arrivals.Think), turnGap: s.turnThink(), trace: w.pd.llm.trace,
		rng: streams.Stream(name + "/chat"), counted: map[int]bool{}}
	if s.Workload.Arrivals.Type == "poisson" {
		d.rate = float64(s.Workload.Arrivals.Rate)
		if !(d.rate > 0) {
			return nil, fmt.Errorf("scenarios: %s: workload.arrivals.rate %v: want > 0", s.file, d.rate)
		}
		d.arr = streams.Stream(name + "/conversations")
	}
	if s.Workload.Arrivals.Type == "times" {
		for _, t := range s.Workload.Arrivals.At {
			d.at = append(d.at, float64(t))
		}
		if n > 0 && n < len(d.at) {
			d.at = d.at[:n]
		}
	}
	return d, nil
}

// open reports whether conversations arrive independently of
// completions (poisson or times).
func (d *convDriver) open() bool { return d.rate > 0 || d.at != nil }

// start schedules the first conversation: at once (closed) or after the
// first gap (poisson), or every conversation at its time (times).
func (d *convDriver) start() {
	if d.at != nil {
		for _, t := range d.at {
			d.arriving++
			d.w.env.Schedule(t, d.arrive)
		}
		d.maybeFinish()
		return
	}
	d.arriving++
	gap := 0.0
	if d.rate > 0 {
		gap = d.arr.ExpFloat64() / d.rate
	}
	d.w.env.Schedule(gap, d.arrive)
}

func (d *convDriver) more() bool {
	if d.n > 0 {
		return d.started < d.n
	}
	return d.w.env.Now() < d.until
}

// arrive starts a conversation and, with poisson arrivals, schedules
// the next one.
func (d *convDriver) arrive() {
	d.arriving--
	if d.w.err != nil {
		return
	}
	if err := d.w.ctx.Err(); err != nil {
		d.w.stop(err)
		return
	}
	if !d.more() {
		d.maybeFinish()
		return
	}
	d.started++
	d.live++
	c := &chatConv{d: d, id: d.started}
	if d.rate > 0 && d.more() {
		d.arriving++
		d.w.env.Schedule(d.arr.ExpFloat64()/d.rate, d.arrive)
	}
	c.next()
}

// next issues the conversation's next turn.
func (c *chatConv) next() {
	d := c.d
	w := d.w
	if w.err != nil {
		return
	}
	l := &w.pd.s.LLM
	c.think = d.turnGap
	if tr := d.trace; tr != nil {
		row := tr.rows[(d.index+d.row)%len(tr.rows)]
		d.row++
		c.prompt, c.op = row.prompt, row.output
		if tr.think {
			c.think = row.think
		}
	} else {
		c.prompt = drawTokens(l.Prompt, d.rng.Float64, d.rng.NormFloat64)
		c.op = drawTokens(l.Output, d.rng.Float64, d.rng.NormFloat64)
	}
	d.issued++
	err := d.ph.Chat(devices.ChatTurn{Mode: d.mode, Context: c.ctx, Prompt: c.prompt, Output: c.op,
		Timeout: w.pd.s.turnTimeout(), Conversation: c.id, OnEnd: c.onEnd, OnRecord: c.onRecord})
	if err != nil {
		w.stop(fmt.Errorf("scenarios: point %d, replication %d: %w", w.pd.index, w.rep, err))
	}
}

// onEnd moves the conversation on: its next turn after the think time,
// or its end (and, closed, the next conversation after the think time).
func (c *chatConv) onEnd(r *result.Record) {
	d := c.d
	c.turn++
	c.ctx += c.prompt + c.op
	if r.Outcome == result.OK && c.turn < d.w.pd.s.LLM.Turns {
		d.w.env.Schedule(c.think, c.next)
		return
	}
	d.live--
	if !d.open() && d.more() {
		d.arriving++
		gap := d.think
		if d.trace != nil && d.trace.think {
			gap = c.think
		}
		d.w.env.Schedule(gap, d.arrive)
	}
}

func (c *chatConv) onRecord(r *result.Record) {
	d := c.d
	w := d.w
	r.Point, r.Replication, r.Image = w.pd.index, w.rep, llmImage
	// The tally counts a conversation at its first record it keeps; its
	// records interleave with other conversations' here.
	t, conv := d.tally, c.id
	if !t.warmup.drops(t.pd, r) {
		if d.counted[conv] {
			conv = t.lastConv[r.Phone]
		} else {
			d.counted[conv] = true
		}
	}
	t.add(r, conv)
	if w.thermal != nil {
		w.thermal.record(r)
	}
	w.emit(r)
	d.closed++
	d.maybeFinish()
}

// maybeFinish stops the phone once no conversation is live or coming
// and every turn is closed.
func (d *convDriver) maybeFinish() {
	if d.finished || d.arriving > 0 || d.live > 0 || d.closed < d.issued || d.more() {
		return
	}
	d.finished = true
	d.ph.Stop()
}
