package devices

import (
	"errors"
	"fmt"
	"math"

	"github.com/infersim/infersim/devices/llmphone"
	"github.com/infersim/infersim/devices/llmserve"
	"github.com/infersim/infersim/network"
	"github.com/infersim/infersim/result"
	"github.com/infersim/infersim/sim"
	"github.com/infersim/infersim/units"
)

// Chat with a language model (issue 21): a phone's chat turns, each run on
// the phone (llmphone prices prefill and decode; the CPU's power, the
// phone's table or the runtime's model, is charged for their duration) or in the cloud (the prompt goes up the
// phone's link, one llmserve.Server shared by every phone generates, and
// each token comes back as a small server-sent-events chunk over the
// downlink, so the radio stays in its high-power state for the whole
// answer and pays its tail after it). A turn's record has the usual
// phases and energy, and TTFT and Tokens.
//
// A turn on the phone:
//
//	memory: Footprint(context after the turn) must fit in the free RAM
//	        above the foreground low-memory-killer threshold, else the
//	        turn ends at once with outcome oom (it is counted, never
//	        dropped); the footprint is held for the turn
//	prefill: the new prompt tokens after the conversation's context (the
//	        runtime keeps the conversation's KV cache between turns):
//	        PrefillTime(ctx+prompt) − PrefillTime(ctx), at least one
//	        read of the weights; it produces the first token (TTFT)
//	decode: Output − 1 steps, step k at context ctx+prompt+k
//	        (DecodeTime), Threads cores busy throughout
//	energy: with RuntimePower, each phase draws the runtime's power
//	        model (llmphone: the busy cores and the DRAM traffic):
//	        prefill Power.CPU over its time plus one read of the weights
//	        at DRAMJoulesPerByte (PhasePower's prefill), decode the sum
//	        of the steps' DecodeEnergy, each charged as its mean power
//	        over the phase (less the phone's idle CPU, which the meter
//	        charges anyway); else the phone's table for Threads cores
//
// A turn in the cloud:
//
//	upload: RequestBytes + (ctx+prompt)·UpBytesPerToken (a chat API is
//	        stateless: every turn sends the whole history)
//	server: the whole history is prefilled again, unless the server's
//	        prefix cache still holds the conversation's blocks, then
//	        decoded with the other phones' requests; a turn that ends
//	        early (timeout, kill) is cancelled there
//	stream: every token produced is sent down as DownBytesPerToken; the
//	        tokens produced while a chunk is on the air go down together
//	        in the next transfer; TTFT is the first chunk's arrival
//
// Phases: on the phone, compute (prefill and decode); in the cloud wake
// and upload, server (from the request reaching the server to its last
// token, queueing included) and download (the stream's end after the
// last token). They do not overlap, so they add up to the latency.

// ChatMode says where a chat turn runs.
type ChatMode uint8

// The chat modes.
const (
	ChatOnDevice ChatMode = iota // on the phone's CPU
	ChatCloud                    // on the shared server
	ChatHybrid                   // where the phone's ChatPolicy says, per turn
)

var chatModeNames = []string{"on-device", "cloud", "hybrid"}

// String returns the mode's name: on-device, cloud or hybrid.
func (m ChatMode) String() string {
	if int(m) < len(chatModeNames) {
		return chatModeNames[m]
	}
	return fmt.Sprintf("chat-mode(%d)", m)
}

// ChatModes lists the chat modes' names.
func ChatModes() []string { return append([]string(nil), chatModeNames...) }

// ParseChatMode returns the chat mode named s.
func ParseChatMode(s string) (ChatMode, error) {
	for i, n := range chatModeNames {
		if n == s {
			return ChatMode(i), nil
		}
	}
	return 0, fmt.Errorf("devices: unknown chat mode %q (on-device, cloud, hybrid)", s)
}

// ChatPolicy is the hybrid rule: a turn runs on the phone when its
// prompt (the context and the new tokens) is at most MaxPrompt tokens
// and the battery is at least MinBattery charged (and, with Network,
// its estimated time to first token on the phone is at most the
// cloud's; llmhybrid.go), in the cloud otherwise.
type ChatPolicy struct {
	MaxPrompt  int
	MinBattery float64 // fraction of a full charge
	// Network adds the link's condition (llmhybrid.go).
	Network bool
	// Load, with Network, adds to the cloud's estimate the delay beyond
	// it the phone saw at its last cloud turn's first token, unless that
	// sight is more than Forget seconds old (llmhybrid.go).
	Load   bool
	Forget float64
}

// OnPhone reports whether the rule runs a turn of prompt tokens on the
// phone at battery level battery (a fraction).
func (p ChatPolicy) OnPhone(prompt int, battery float64) bool {
	return prompt <= p.MaxPrompt && battery >= p.MinBattery
}

// String states the rule.
func (p ChatPolicy) String() string {
	if p.Network && p.Load {
		return fmt.Sprintf("on the phone when the prompt (context and new tokens) is at most %d tokens, the battery at least %.0f %% charged and the estimated time to first token on the phone (its prefill) at most the cloud's (the upload over the link as it is now, the server's prefill when idle, one chunk down, plus the delay beyond that estimate the phone saw at its last cloud turn's first token, forgotten once %g s old, none when none was seen), in the cloud otherwise", p.MaxPrompt, 100*p.MinBattery, p.Forget)
	}
	if p.Network {
		return fmt.Sprintf("on the phone when the prompt (context and new tokens) is at most %d tokens, the battery at least %.0f %% charged and the estimated time to first token on the phone (its prefill) at most the cloud's (the upload over the link as it is now, the server's prefill when idle, one chunk down), in the cloud otherwise", p.MaxPrompt, 100*p.MinBattery)
	}
	return fmt.Sprintf("on the phone when the prompt (context and new tokens) is at most %d tokens and the battery at least %.0f %% charged, in the cloud otherwise", p.MaxPrompt, 100*p.MinBattery)
}

// ChatConfig is what a phone needs to chat.
type ChatConfig struct {
	// Label names the model in records ("llama-3.2-1b").
	Label string
	// Runtime and Model price a turn on the phone.
	Runtime llmphone.Runtime
	Model   llmphone.Model
	// Threads is the cores prefill and decode keep busy.
	Threads int
	// RuntimePower charges prefill and decode at the runtime's power
	// model (llmphone's PhasePower and DecodeEnergy, a labelled prior)
	// instead of the phone's per-core power table.
	RuntimePower bool
	// Footprint is the memory the app holds to prefill prompt tokens
	// and hold a context of ctx tokens (weights, KV cache, activations,
	// the runtime), bytes; an error when the runtime cannot hold that
	// context (the turn is refused as oom).
	Footprint func(prompt, ctx int) (float64, error)
	// LoadTime is the first on-phone turn's read of the weights from
	// flash (phase load, the record cold), unless Preloaded; the model
	// then stays resident.
	LoadTime  float64
	Preloaded bool
	// Server is the shared cloud server; nil: no cloud turn is possible.
	Server *llmserve.Server
	// RequestBytes is a cloud request's fixed upload (HTTP headers and
	// JSON); UpBytesPerToken the prompt's bytes per token;
	// DownBytesPerToken one streamed token's chunk.
	RequestBytes, UpBytesPerToken, DownBytesPerToken float64
	// Policy is the hybrid rule; Battery the charge the phone starts
	// with, a fraction (the hybrid rule reads the charge left).
	Policy  ChatPolicy
	Battery float64
}

// ChatTurn is one turn of a conversation.
type ChatTurn struct {
	Mode ChatMode
	// Context is the conversation's tokens before the turn (its earlier
	// prompts and answers); Prompt the user's new tokens; Output the
	// answer's tokens.
	Context, Prompt, Output int
	// Timeout ends the turn with outcome timeout; 0: none. A cloud turn
	// that times out is cancelled at the server (its KV blocks freed).
	Timeout units.Duration
	// Conversation numbers the turn's conversation on this phone, from
	// 1 (its turns share a history the server's prefix cache can reuse);
	// 0: none.
	Conversation int
	// OnEnd and OnRecord, if set, receive this turn's end and record
	// instead of the phone's OnEnd and OnRecord (a driver of concurrent
	// conversations tells its turns apart so).
	OnEnd, OnRecord func(*result.Record)
}

// chatTurn is a turn in flight.
type chatTurn struct {
	ph        *Phone
	t         ChatTurn
	rec       result.Record
	proc      *sim.Process
	start     energyReading
	end       energyReading
	usedRadio bool
	ended     bool
	deadline  float64
	// held is the app memory the turn holds (its footprint), bytes; a
	// kill frees it with the app's (llmturn.go).
	held float64
	// decided and cloudEst are when a hybrid turn of the Load rule chose
	// and its idle estimate of the cloud's time to first token, s
	// (llmhybrid.go); estimated says they are set.
	decided, cloudEst float64
	estimated         bool
}

// chatState is a phone's chat set-up and its turns waiting for the radio
// to idle.
type chatState struct {
	cfg     ChatConfig
	loaded  bool
	pending []*chatTurn
	active  []*chatTurn // turns in flight, in start order (llmturn.go)
	onPhone int         // turns run on the phone
	turns   int
	seen    cloudSight // the last cloud turn's delay (llmhybrid.go)
}

// EnableChat gives the phone a chat configuration (after Connect, whose
// link a cloud turn uses). It returns an error for a configuration that
// cannot price a turn.
func (ph *Phone) EnableChat(cfg ChatConfig) error {
	if cfg.Threads < 1 {
		return fmt.Errorf("devices: phone %s: chat: threads %d, want ≥ 1", ph.name, cfg.Threads)
	}
	if cfg.Footprint == nil {
		return fmt.Errorf("devices: phone %s: chat: no footprint", ph.name)
	}
	if _, err := cfg.Runtime.PrefillTime(cfg.Model, 1); err != nil {
		return fmt.Errorf("devices: phone %s: chat: %w", ph.name, err)
	}
	ph.chat = &chatState{cfg: cfg, loaded: cfg.Preloaded}
	if ph.link != nil && ph.link.Radio() != nil {
		ph.link.Radio().OnPower(chatRadio{ph})
	}
	return nil
}

// chatRadio observes the radio for a chatting phone: the phone's own
// observer, then the turns waiting for the radio to idle are closed.
type chatRadio struct{ ph *Phone }

func (c chatRadio) PowerChanged(now float64, p units.Power, state string) {
	c.ph.PowerChanged(now, p, state)
	if state == c.ph.radioIdle {
		c.ph.closeChats()
	}
}

// ChatShare returns the turns the phone ran on the phone and all its
// turns so far.
func (ph *Phone) ChatShare() (onPhone, turns int) {
	if ph.chat == nil {
		return 0, 0
	}
	return ph.chat.onPhone, ph.chat.turns
}

// BatteryLevel returns the battery's charge now, a fraction: the chat's
// starting charge less what the phone has spent.
func (ph *Phone) BatteryLevel() float64 {
	start := 1.0
	if ph.chat != nil {
		start = ph.chat.cfg.Battery
	}
	return start - ph.batteryDrain()/100
}

// Chat starts a turn now, as a process of its own; its record comes
// through OnRecord (once the radio tail it caused is over), its end
// through OnEnd. It returns an error, and starts nothing, for a turn the
// phone cannot run: no chat configuration, a cloud turn without a server
// or a link, non-positive lengths.
func (ph *Phone) Chat(t ChatTurn) error {
	c := ph.chat
	if c == nil {
		return fmt.Errorf("devices: phone %s: chat: EnableChat first", ph.name)
	}
	if t.Prompt < 1 || t.Output < 1 || t.Context < 0 {
		return fmt.Errorf("devices: phone %s: chat: context %d, prompt %d, output %d tokens: want prompt and output ≥ 1", ph.name, t.Context, t.Prompt, t.Output)
	}
	if t.Mode != ChatOnDevice && (c.cfg.Server == nil || ph.link == nil) {
		return fmt.Errorf("devices: phone %s: chat: a %s turn needs a server and a link", ph.name, t.Mode)
	}
	if t.Mode > ChatHybrid {
		return fmt.Errorf("devices: phone %s: chat: %v", ph.name, t.Mode)
	}
	ph.closeChats()
	now := ph.env.Now()
	r := &chatTurn{ph: ph, t: t, rec: result.NewRecord(), deadline: math.Inf(1)}
	rec := &r.rec
	rec.Phone, rec.Request = ph.opt.Index, ph.nreq
	ph.nreq++
	rec.Model, rec.Mode, rec.Arrival = c.cfg.Label, t.Mode.String(), now
	r.start = ph.meter.Read()
	if d := float64(t.Timeout); d > 0 {
		r.deadline = now + d
		ph.env.Schedule(d, func() {
			if !r.ended && r.proc != nil && r.proc.IsAlive() {
				_ = r.proc.Interrupt(errTimeout)
			}
		})
	}
	r.proc = ph.env.Process(ph.ln().req, r.run)
	c.active = append(c.active, r)
	return nil
}

func (r *chatTurn) run(p *sim.Proc) error {
	ph := r.ph
	c := ph.chat
	c.turns++
	err := r.foreground(p)
	onPhone := r.t.Mode == ChatOnDevice
	if err == nil && r.t.Mode == ChatHybrid {
		onPhone, err = r.hybridOnPhone() // llmhybrid.go
	}
	if err == nil {
		if onPhone {
			c.onPhone++
			err = r.onPhone(p)
		} else {
			err = r.inCloud(p)
		}
	}
	r.finish(p, err)
	if err != nil && !knownOutcome(err) {
		return fmt.Errorf("devices: phone %s: chat turn %d: %w", ph.name, r.rec.Request, err)
	}
	return nil
}

// onPhone runs the turn on the phone's CPU.
func (r *chatTurn) onPhone(p *sim.Proc) error {
	ph, cfg, t, rec := r.ph, &r.ph.chat.cfg, r.t, &r.rec
	w := r.queueFirst() // llmturn.go
	if w != nil {
		defer w.Release()
		if _, err := p.Wait(w); err != nil {
			return err
		}
	}
	need, err := cfg.Footprint(t.Prompt, t.Context+t.Prompt+t.Output)
	if err != nil || need > ph.mem.free()-ph.mem.fgMinfree {
		ph.stats.OOMs++
		if ph.opt.Sink != nil {
			now := ph.env.Now()
			what := "chat: out of memory: " + units.Bytes(need).String()
			if err != nil {
				what = "chat: " + err.Error()
			}
			ph.span(ph.ln().memory, what, now, now, nil)
		}
		return errOOM
	}
	ph.mem.native += need
	r.held = need
	defer r.release()
	ph.memoryChanged()
	if !ph.mem.alive {
		return errKilled // the turn's own footprint had the app killed
	}
	if w == nil {
		w = ph.worker.Request()
		defer w.Release()
		if _, err := p.Wait(w); err != nil {
			return err
		}
	}
	if c := ph.chat; !c.loaded && cfg.LoadTime > 0 {
		rec.Cold = true
		start := p.Now()
		sreq := ph.storage.Request()
		if _, err := p.Wait(sreq); err != nil {
			sreq.Cancel()
			return err
		}
		err := p.Sleep(cfg.LoadTime)
		sreq.Release()
		rec.AddPhase(result.Load, start, p.Now())
		if err != nil {
			return err
		}
		c.loaded = true
		ph.stats.Loads++
	}
	prefill, err := chatPrefill(cfg, t.Context, t.Prompt)
	if err != nil {
		return err
	}
	if ph.heat != nil {
		return r.computeHeated(p, prefill) // llmturn.go
	}
	decode, decodeJ := 0.0, 0.0
	for k := 1; k < t.Output; k++ {
		d, err := cfg.Runtime.DecodeTime(cfg.Model, t.Context+t.Prompt+k)
		if err != nil {
			return err
		}
		decode += d
		if cfg.RuntimePower {
			e, err := cfg.Runtime.DecodeEnergy(cfg.Model, t.Context+t.Prompt+k)
			if err != nil {
				return err
			}
			decodeJ += e
		}
	}
	// The phases' powers above the idle CPU under the runtime's model.
	var power [2]float64
	if cfg.RuntimePower {
		pw := cfg.Runtime.Power
		power[0] = pw.CPU + pw.DRAMJoulesPerByte*cfg.Model.WeightBytes/prefill
		if decode > 0 {
			power[1] = decodeJ / decode
		}
		for i := range power {
			power[i] = math.Max(0, power[i]-ph.cpu.idle)
		}
	}
	threads := float64(cfg.Threads)
	for i, d := range []float64{ph.heat.stretch(prefill, 0, false, threads), ph.heat.stretch(decode, 1, false, threads)} {
		if d <= 0 {
			continue
		}
		start := p.Now()
		if cfg.RuntimePower {
			ph.cpu.addPhase(threads, power[i])
		} else {
			ph.cpu.add(threads)
		}
		err := p.Sleep(d)
		if cfg.RuntimePower {
			ph.cpu.addPhase(-threads, 0)
		} else {
			ph.cpu.add(-threads)
		}
		rec.AddPhase(result.Compute, start, p.Now())
		if ph.opt.Sink != nil {
			ph.span(ph.ln().cpu, []string{"prefill", "decode"}[i]+" "+cfg.Label, start, p.Now(), nil)
		}
		if err != nil {
			return err
		}
		if i == 0 {
			rec.TTFT = p.Now() - rec.Arrival
			rec.Tokens = 1
		}
	}
	rec.Tokens = t.Output
	return nil
}

// chatPrefill is the time to prefill prompt tokens after ctx tokens of
// context: the difference of the runtime's prefill times, at least one
// read of the weights (PrefillTime of one token).
func chatPrefill(cfg *ChatConfig, ctx, prompt int) (float64, error) {
	one, err := cfg.Runtime.PrefillTime(cfg.Model, 1)
	if err != nil {
		return 0, err
	}
	all, err := cfg.Runtime.PrefillTime(cfg.Model, ctx+prompt)
	if err != nil {
		return 0, err
	}
	before := 0.0
	if ctx > 0 {
		if before, err = cfg.Runtime.PrefillTime(cfg.Model, ctx); err != nil {
			return 0, err
		}
	}
	return math.Max(all-before, one), nil
}

// inCloud uploads the prompt, has the server generate and receives the
// stream.
func (r *chatTurn) inCloud(p *sim.Proc) error {
	ph, cfg, t, rec := r.ph, &r.ph.chat.cfg, r.t, &r.rec
	r.usedRadio = true
	up := cfg.RequestBytes + float64(t.Context+t.Prompt)*cfg.UpBytesPerToken
	tr, err := ph.link.Upload(p, units.Bytes(up))
	r.transfer(tr, result.Upload)
	if err != nil {
		return err
	}
	rec.UpBytes = up
	// The server's callbacks wake this process through ev.
	st := &chatStream{env: ph.env}
	submitted := p.Now()
	req := &llmserve.Request{Prompt: t.Context + t.Prompt, Output: t.Output, Session: r.session(),
		OnToken: func(i int, now float64) {
			st.produced, st.last = i, now
			st.wake()
		},
		OnDone: func(now float64, err error) {
			st.done, st.err, st.last = true, err, now
			st.wake()
		}}
	cfg.Server.Submit(req)
	defer r.cancel(req, st)
	received := 0
	for received < t.Output {
		if st.err != nil {
			if errors.Is(st.err, llmserve.ErrTooLong) {
				return errDropped
			}
			return st.err
		}
		if st.produced == received {
			st.ev = ph.env.NewEvent()
			if _, err := p.Wait(st.ev); err != nil {
				st.ev = nil
				return err
			}
			st.ev = nil
			continue
		}
		n := st.produced - received
		if st.produced == t.Output && !rec.Phases[result.Server].Occurred() {
			rec.AddPhase(result.Server, submitted, st.last)
		}
		_, err := ph.link.Download(p, units.Bytes(float64(n)*cfg.DownBytesPerToken))
		if err != nil {
			return err
		}
		if received == 0 {
			rec.TTFT = p.Now() - rec.Arrival
			r.sawFirstToken(p.Now()) // llmhybrid.go
		}
		received += n
		rec.Tokens = received
		rec.DownBytes += float64(n) * cfg.DownBytesPerToken
		if st.produced == t.Output && received == t.Output {
			// The part of the stream after the server's last token.
			if from := rec.Phases[result.Server].End; p.Now() > from {
				rec.AddPhase(result.Download, from, p.Now())
			}
		}
	}
	return nil
}

// chatStream is what a cloud turn knows of its generation.
type chatStream struct {
	env      *sim.Env
	produced int
	last     float64
	done     bool
	err      error
	ev       *sim.Event // the turn waits on it, nil when it does not
}

func (s *chatStream) wake() {
	if s.ev != nil {
		ev := s.ev
		s.ev = nil
		ev.Succeed(nil)
	}
}

// transfer records an upload's wake and data phases.
func (r *chatTurn) transfer(t network.Transfer, data result.Phase) {
	if t.End == 0 && t.Start == 0 {
		return
	}
	if t.Connected > t.Start {
		r.rec.AddPhase(result.Wake, t.Start, t.Connected)
	}
	if t.End > t.Connected {
		r.rec.AddPhase(data, t.Connected, t.End)
	}
}

// finish ends the turn: outcome and end; the accounting closes now, or
// when the radio idles or the next turn starts.
func (r *chatTurn) finish(p *sim.Proc, err error) {
	ph, rec := r.ph, &r.rec
	r.ended = true
	ph.chat.retire(r)
	rec.End = p.Now()
	rec.Outcome = outcomeOf(err)
	if rec.Outcome != result.OK {
		rec.Tokens, rec.TTFT = 0, 0
	}
	ph.stats.Requests++
	r.end = ph.meter.Read()
	if ph.opt.Sink != nil {
		ph.span(ph.ln().req, rec.Model+" "+rec.Mode+" "+rec.Outcome.String(), rec.Arrival, rec.End, nil)
	}
	onEnd := ph.onEnd
	if r.t.OnEnd != nil {
		onEnd = r.t.OnEnd
	}
	if !r.usedRadio || ph.radioState == ph.radioIdle {
		if onEnd != nil {
			onEnd(rec)
		}
		ph.closeChat(r)
		return
	}
	ph.chat.pending = append(ph.chat.pending, r)
	if onEnd != nil {
		onEnd(rec)
	}
}

// closeChat closes a turn's accounting now, as close does a request's.
func (ph *Phone) closeChat(r *chatTurn) {
	ph.chargeEnergy(&r.rec, r.start, r.end)
	if r.t.OnRecord != nil {
		r.t.OnRecord(&r.rec)
	} else if ph.onRecord != nil {
		ph.onRecord(&r.rec)
	}
}

// closeChats closes the turns waiting for the radio.
func (ph *Phone) closeChats() {
	if ph.chat == nil || len(ph.chat.pending) == 0 {
		return
	}
	list := ph.chat.pending
	ph.chat.pending = nil
	for _, r := range list {
		ph.closeChat(r)
	}
}

// FlushChats closes every ended turn still waiting for the radio; call
// it at the end of the simulation, as Flush.
func (ph *Phone) FlushChats() { ph.closeChats() }
