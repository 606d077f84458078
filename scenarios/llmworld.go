package scenarios

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/infersim/infersim/devices"
	"github.com/infersim/infersim/devices/llmserve"
	"github.com/infersim/infersim/network"
	"github.com/infersim/infersim/result"
	"github.com/infersim/infersim/sim"
)

// The world of an llm scenario (llm.go): the same phones, links, seeds
// and records as a world of photos, with chat turns instead of
// inferences and one language-model server shared by every phone of the
// world. Its records go through the same sink (summaries, requests.csv,
// worlds.bin); its llm.* metrics (result's metrics table) are measured
// here from the records that pass the warm-up, and every other
// per-world metric as in any world.

// llmSources are the per-world metrics a chat world measures, read from
// its tally.
var llmSources = map[string]func(*llmTally) float64{
	"llm.ttft":                    func(t *llmTally) float64 { return ratio(t.ttft, float64(len(t.ttfts))) },
	"llm.ttft.p95":                func(t *llmTally) float64 { return t.p95() },
	"llm.tpot":                    func(t *llmTally) float64 { return ratio(t.tpot, float64(t.tpotN)) },
	"llm.tokens_per_s":            func(t *llmTally) float64 { return ratio(float64(t.tokens), t.okTime) },
	"llm.energy_per_token":        func(t *llmTally) float64 { return ratio(t.energy, float64(t.tokens)) },
	"llm.energy_per_conversation": func(t *llmTally) float64 { return ratio(t.energy, float64(t.convs)) },
	"llm.battery_per_100":         func(t *llmTally) float64 { return 100 * 100 * ratio(t.energy, float64(t.convs)) / t.battery },
	"llm.on_phone":                func(t *llmTally) float64 { return ratio(float64(t.onPhone), float64(t.turns)) },
	"llm.server.max_running":      func(t *llmTally) float64 { return float64(t.srv.MaxRunning) },
	"llm.server.preemptions":      func(t *llmTally) float64 { return float64(t.srv.Preemptions) },
	"llm.server.cancelled":        func(t *llmTally) float64 { return float64(t.srv.Cancelled) },
	"llm.server.prefix_hit": func(t *llmTally) float64 {
		return ratio(float64(t.srv.CachedTokens), float64(t.srv.CachedTokens+t.srv.PrefillTokens))
	},
}

// ratio is a/b, NaN when b is 0 (the world does not measure it).
func ratio(a, b float64) float64 {
	if b == 0 {
		return math.NaN()
	}
	return a / b
}

// llmTally is a chat world's sums over its records past the warm-up.
type llmTally struct {
	ttft          float64
	ttfts         []float64
	tpot          float64
	tpotN         int
	tokens        int
	okTime        float64 // Σ latency of the successful turns
	energy        float64 // Σ energy of every turn
	convs         int     // conversations with a turn in the tally
	lastConv      []int   // per phone, the last conversation counted
	turns         int     // turns on the phones (hybrid's share)
	onPhone       int
	battery       float64 // J
	srv           llmserve.Stats
	warmup        cellWarmup
	pd            *pointData
	conversations []int // per phone, FIFO of the conversation of each turn in flight
}

func (t *llmTally) add(r *result.Record, conv int) {
	if t.warmup.drops(t.pd, r) {
		return
	}
	for len(t.lastConv) <= r.Phone {
		t.lastConv = append(t.lastConv, -1)
	}
	if t.lastConv[r.Phone] != conv {
		t.lastConv[r.Phone] = conv
		t.convs++
	}
	t.energy += r.TotalEnergy()
	if r.Outcome != result.OK {
		return
	}
	t.okTime += r.Latency()
	t.tokens += r.Tokens
	if r.Tokens > 0 {
		t.ttft += r.TTFT
		t.ttfts = append(t.ttfts, r.TTFT)
	}
	if r.Tokens >= 2 {
		t.tpot += (r.Latency() - r.TTFT) / float64(r.Tokens-1)
		t.tpotN++
	}
}

// p95 is the world's 95th percentile TTFT (linear interpolation between
// order statistics, as result.Stat's exact percentiles).
func (t *llmTally) p95() float64 {
	n := len(t.ttfts)
	if n == 0 {
		return math.NaN()
	}
	xs := append([]float64(nil), t.ttfts...)
	sort.Float64s(xs)
	h := 0.95 * float64(n-1)
	i := int(h)
	if i+1 >= n {
		return xs[n-1]
	}
	return xs[i] + (h-float64(i))*(xs[i+1]-xs[i])
}

// chatDriver holds one phone's conversations: closed loop, each turn
// after the previous one's end and the think time, a failed turn ending
// its conversation.
type chatDriver struct {
	w        *world
	ph       *devices.Phone
	mode     devices.ChatMode
	tally    *llmTally
	n        int // conversations; 0: until the duration
	until    float64
	think    float64
	rng      *rand.Rand
	conv     int // conversations started
	turn     int // the next turn of the current conversation, 0: a new one
	ctx      int // the conversation's tokens so far
	prompt   int // the turn in flight
	output   int
	inflight []int // conversations of the turns whose records are not in
	issued   int
	closed   int
	waiting  bool
	finished bool
}

// runLLMWorld builds and runs one chat world.
func runLLMWorld(ctx context.Context, pd *pointData, rep int, cell Cell, sink devices.SpanSink, emit func(*result.Record)) (worldStats, error) {
	env := sim.NewEnv()
	defer env.Close()
	streams := sim.NewStreams(pd.seeds[rep])
	w := &world{ctx: ctx, env: env, pd: pd, rep: rep, cell: cell, emit: emit}
	fail := func(err error) (worldStats, error) {
		return worldStats{}, fmt.Errorf("scenarios: point %d, replication %d, %s %s: %w", pd.index, rep, cell.Model, cell.Mode, err)
	}
	mode, err := devices.ParseChatMode(cell.Mode)
	if err != nil {
		return fail(err)
	}
	s, lp, l := pd.s, pd.llm, pd.s.LLM
	var srv *llmserve.Server
	if mode != devices.ChatOnDevice {
		if srv, err = llmserve.NewServer(env, lp.server); err != nil {
			return fail(err)
		}
	}
	tally := &llmTally{battery: pd.battery, warmup: warmupOf(s, cell), pd: pd}
	// Prefill and decode draw the runtime's power model (llmphone, a
	// labelled prior), not the phone preset's CNN power table.
	cfg := devices.ChatConfig{Label: cell.Model, Runtime: lp.runtime, Model: lp.model, Threads: l.Threads, RuntimePower: true,
		Footprint: func(prompt, ctx int) (float64, error) { return llmFootprint(lp, prompt, ctx) }, Server: srv,
		LoadTime: lp.runtime.LoadTime(lp.model), Preloaded: s.Workload.Start == "warm",
		RequestBytes: float64(l.RequestBytes), UpBytesPerToken: float64(l.TokenBytes), DownBytesPerToken: float64(l.ChunkBytes),
		Policy: s.chatPolicy(), Battery: float64(l.Battery)}
	until := math.Inf(1)
	if cell.Requests == 0 {
		until = float64(s.Workload.Duration)
	}
	var drivers []*chatDriver
	var starts []func()
	for i := 0; i < s.Phone.Count; i++ {
		name := fmt.Sprintf("phone[%d]", i)
		ph, err := devices.NewPhone(env, streams, name, s.res.phone, devices.PhoneOptions{Index: i, Sink: sink, Thermal: w.thermalOptions(i)})
		if err != nil {
			return fail(err)
		}
		link, err := network.NewLink(env, streams, fmt.Sprintf("link[%d]", i), s.res.link)
		if err != nil {
			return fail(err)
		}
		if err := ph.Connect(link); err != nil {
			return fail(err)
		}
		if err := ph.EnableChat(cfg); err != nil {
			return fail(err)
		}
		if s.llmOwnDriver() { // llmturn.go
			cd, err := newConvDriver(w, ph, i, mode, tally, cell.Requests, until, streams, name)
			if err != nil {
				return fail(err)
			}
			w.phones = append(w.phones, ph)
			starts = append(starts, cd.start)
			continue
		}
		d := &chatDriver{w: w, ph: ph, mode: mode, tally: tally, n: cell.Requests, until: until,
			think: float64(s.Workload.Arrivals.Think), rng: streams.Stream(name + "/chat")}
		ph.OnRecord(d.onRecord)
		ph.OnEnd(d.onEnd)
		w.phones = append(w.phones, ph)
		drivers = append(drivers, d)
	}
	for _, start := range starts {
		start()
	}
	for _, d := range drivers {
		d.schedule(0)
	}
	runErr := env.Run()
	if w.err != nil {
		return worldStats{}, w.err
	}
	if runErr != nil {
		return fail(runErr)
	}
	for _, ph := range w.phones {
		ph.Flush()
		ph.FlushChats()
	}
	if w.err != nil {
		return worldStats{}, w.err
	}
	for _, ph := range w.phones {
		on, n := ph.ChatShare()
		tally.onPhone += on
		tally.turns += n
	}
	if srv != nil {
		tally.srv = srv.Stats()
	}
	events := int64(env.Processed())
	if w.thermal != nil {
		w.thermal.finish(w.phones)
	}
	m := w.metrics(events)
	for k, mi := range worldMetrics {
		if f, ok := llmSources[mi.Name]; ok {
			m[k] = f(tally)
		}
	}
	return worldStats{events: events, metrics: m, thermal: w.thermal}, nil
}

// schedule arranges the next turn after delay.
func (d *chatDriver) schedule(delay float64) {
	d.waiting = true
	d.w.env.Schedule(math.Max(0, delay), d.next)
}

// more reports whether another conversation may start now.
func (d *chatDriver) more() bool {
	if d.n > 0 {
		return d.conv < d.n
	}
	return d.w.env.Now() < d.until
}

// next starts the next turn, or a new conversation.
func (d *chatDriver) next() {
	d.waiting = false
	w := d.w
	if w.err != nil {
		return
	}
	if err := w.ctx.Err(); err != nil {
		w.stop(err)
		return
	}
	l := &w.pd.s.LLM
	if d.turn == 0 {
		if !d.more() {
			d.maybeFinish()
			return
		}
		d.conv++
		d.ctx = 0
	}
	d.prompt = drawTokens(l.Prompt, d.rng.Float64, d.rng.NormFloat64)
	d.output = drawTokens(l.Output, d.rng.Float64, d.rng.NormFloat64)
	d.issued++
	d.inflight = append(d.inflight, d.conv)
	err := d.ph.Chat(devices.ChatTurn{Mode: d.mode, Context: d.ctx, Prompt: d.prompt, Output: d.output, Timeout: w.pd.s.turnTimeout(), Conversation: d.conv})
	if err != nil {
		w.stop(fmt.Errorf("scenarios: point %d, replication %d: %w", w.pd.index, w.rep, err))
	}
}

// onEnd moves the conversation on and times the next turn from the end.
func (d *chatDriver) onEnd(r *result.Record) {
	d.turn++
	d.ctx += d.prompt + d.output
	if r.Outcome != result.OK || d.turn >= d.w.pd.s.LLM.Turns {
		d.turn = 0
	}
	if d.turn > 0 || d.more() {
		d.schedule(d.think)
	}
}

func (d *chatDriver) onRecord(r *result.Record) {
	w := d.w
	r.Point, r.Replication, r.Image = w.pd.index, w.rep, llmImage
	conv := d.inflight[0]
	d.inflight = d.inflight[1:]
	d.tally.add(r, conv)
	if w.thermal != nil {
		w.thermal.record(r)
	}
	w.emit(r)
	d.closed++
	d.maybeFinish()
}

// maybeFinish stops the phone once every turn is closed and none is
// coming.
func (d *chatDriver) maybeFinish() {
	if d.finished || d.waiting || d.closed < d.issued || d.turn > 0 || d.more() {
		return
	}
	d.finished = true
	d.ph.Stop()
}

// IsChat reports whether the scenario chats with a language model (it
// has an llm section): its cells are llm.modes, not workload.modes, and
// the CNN fields are not used.
func (s *Scenario) IsChat() bool { return s.isLLM() }
