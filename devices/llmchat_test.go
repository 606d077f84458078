package devices

import (
	"math"
	"testing"

	"github.com/infersim/infersim/devices/llmphone"
	"github.com/infersim/infersim/devices/llmserve"
	"github.com/infersim/infersim/models/llm"
	"github.com/infersim/infersim/network"
	"github.com/infersim/infersim/result"
	"github.com/infersim/infersim/sim"
	"github.com/infersim/infersim/units"
)

// chatWorld is one phone with a constant link (no radio, no jitter) and
// a Llama 3.2 1B bf16 server on the fitted A100.
type chatWorld struct {
	env   *sim.Env
	ph    *Phone
	srv   *llmserve.Server
	cfg   ChatConfig
	recs  []result.Record
	link  network.LinkConfig
	model llm.Config
}

func newChatWorld(t *testing.T, footprint float64) *chatWorld {
	t.Helper()
	return newChatWorldLink(t, footprint, network.LinkConfig{
		Up:   network.ChannelConfig{Bandwidth: units.BitRate(8e6), Latency: units.Duration(0.02)},
		Down: network.ChannelConfig{Bandwidth: units.BitRate(16e6), Latency: units.Duration(0.03)},
	})
}

// newChatWorldLink is newChatWorld over the link lc.
func newChatWorldLink(t *testing.T, footprint float64, lc network.LinkConfig) *chatWorld {
	t.Helper()
	env := sim.NewEnv()
	t.Cleanup(env.Close)
	streams := sim.NewStreams(1)
	spec, err := LookupPhone("pixel4")
	if err != nil {
		t.Fatal(err)
	}
	ph, err := NewPhone(env, streams, "phone[0]", spec, PhoneOptions{})
	if err != nil {
		t.Fatal(err)
	}
	link, err := network.NewLink(env, streams, "link[0]", lc)
	if err != nil {
		t.Fatal(err)
	}
	if err := ph.Connect(link); err != nil {
		t.Fatal(err)
	}
	model, err := llm.Zoo("llama-3.2-1b")
	if err != nil {
		t.Fatal(err)
	}
	hw, err := llmserve.A100()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := llmserve.NewServer(env, llmserve.Config{Model: model, Format: llm.BF16, Hardware: hw})
	if err != nil {
		t.Fatal(err)
	}
	rt, pm := llama1BOnePlus12(t)
	cfg := ChatConfig{Label: "llama-3.2-1b", Runtime: rt, Model: pm, Threads: 4,
		Footprint: func(int, int) (float64, error) { return footprint, nil }, Server: srv, Preloaded: true,
		RequestBytes: 500, UpBytesPerToken: 4, DownBytesPerToken: 200, Battery: 1,
		Policy: ChatPolicy{MaxPrompt: 300, MinBattery: 0.2}}
	if err := ph.EnableChat(cfg); err != nil {
		t.Fatal(err)
	}
	w := &chatWorld{env: env, ph: ph, srv: srv, cfg: cfg, link: lc, model: model}
	ph.OnRecord(func(r *result.Record) { w.recs = append(w.recs, *r) })
	return w
}

func (w *chatWorld) run(t *testing.T, turns ...ChatTurn) {
	t.Helper()
	for _, tu := range turns {
		if err := w.ph.Chat(tu); err != nil {
			t.Fatal(err)
		}
		if err := w.env.Run(); err != nil {
			t.Fatal(err)
		}
	}
	w.ph.FlushChats()
}

// One turn on the phone: TTFT is the prefill, the rest Output − 1 decode
// steps at their contexts, all of it on the CPU at Threads cores.
func TestChatOnDeviceKnownAnswer(t *testing.T) {
	w := newChatWorld(t, 1.5e9)
	w.run(t, ChatTurn{Mode: ChatOnDevice, Context: 0, Prompt: 64, Output: 32})
	if len(w.recs) != 1 {
		t.Fatalf("%d records", len(w.recs))
	}
	r := w.recs[0]
	pre, _ := w.cfg.Runtime.PrefillTime(w.cfg.Model, 64)
	dec := 0.0
	for k := 1; k < 32; k++ {
		d, _ := w.cfg.Runtime.DecodeTime(w.cfg.Model, 64+k)
		dec += d
	}
	if r.Outcome != result.OK || !near(r.TTFT, pre, 1e-12) || !near(r.Latency(), pre+dec, 1e-12) || r.Tokens != 32 {
		t.Errorf("record: outcome %v, TTFT %v (want %v), latency %v (want %v), %d tokens", r.Outcome, r.TTFT, pre, r.Latency(), pre+dec, r.Tokens)
	}
	// The card's 1B SpinQuant rates: 260.5 tok/s prefill, 50.2 tok/s decode
	// (fitted; the decode here is at contexts 65–95, the card's at 96).
	if got := 64 / pre; math.Abs(got-260.5) > 0.5 {
		t.Errorf("prefill %.1f tok/s, want the card's 260.5", got)
	}
	if tpot := dec / 31; math.Abs(1/tpot-50.2) > 0.5 {
		t.Errorf("decode %.1f tok/s, want about the card's 50.2", 1/tpot)
	}
	spec := w.ph.Spec()
	cpu := float64(spec.Power.CPUIdle) + float64(spec.Power.CPUShared) + 4*float64(spec.Power.CPUPerCore)
	if want := cpu * (pre + dec); !near(r.Energy[result.CPU], want, 1e-9) {
		t.Errorf("cpu energy %v J, want %v J (4 cores for the turn)", r.Energy[result.CPU], want)
	}
	if r.UpBytes != 0 || r.Energy[result.Radio] != 0 {
		t.Errorf("an on-device turn used the network: %+v", r)
	}
}

// Context growth: a second turn prefills only its own tokens.
func TestChatOnDeviceContext(t *testing.T) {
	w := newChatWorld(t, 1.5e9)
	w.run(t, ChatTurn{Mode: ChatOnDevice, Context: 1000, Prompt: 64, Output: 2})
	pre1000, _ := w.cfg.Runtime.PrefillTime(w.cfg.Model, 1064)
	pre0, _ := w.cfg.Runtime.PrefillTime(w.cfg.Model, 1000)
	if r := w.recs[0]; !near(r.TTFT, pre1000-pre0, 1e-12) {
		t.Errorf("TTFT %v, want %v", r.TTFT, pre1000-pre0)
	}
}

// A conversation that does not fit is refused with outcome oom and
// spends next to nothing.
func TestChatOnDeviceOOM(t *testing.T) {
	w := newChatWorld(t, 64e9)
	w.run(t, ChatTurn{Mode: ChatOnDevice, Prompt: 64, Output: 32})
	if r := w.recs[0]; r.Outcome != result.OOM || r.Latency() != 0 || r.Tokens != 0 || r.TTFT != 0 {
		t.Errorf("record %+v", r)
	}
	if w.ph.Stats().OOMs != 1 {
		t.Errorf("stats %+v", w.ph.Stats())
	}
}

// One turn in the cloud on an idle server: TTFT = upload + the server's
// first step (the prefill) + the first chunk's download; then every token
// comes down as it is produced.
func TestChatCloudKnownAnswer(t *testing.T) {
	w := newChatWorld(t, 1.5e9)
	const prompt, output = 200, 16
	w.run(t, ChatTurn{Mode: ChatCloud, Context: 0, Prompt: prompt, Output: output})
	r := w.recs[0]
	up := 8 * (500 + 4*prompt) / 8e6
	upload := 0.02 + up
	// The server alone: its step times, from an isolated replay.
	env := sim.NewEnv()
	defer env.Close()
	hw, _ := llmserve.A100()
	srv, _ := llmserve.NewServer(env, llmserve.Config{Model: w.model, Format: llm.BF16, Hardware: hw})
	var times []float64
	srv.Submit(&llmserve.Request{Prompt: prompt, Output: output, OnToken: func(i int, now float64) { times = append(times, now) }})
	if err := env.Run(); err != nil {
		t.Fatal(err)
	}
	chunk := 0.03 + 8*200/16e6
	if want := upload + times[0] + chunk; !near(r.TTFT, want, 1e-9) {
		t.Errorf("TTFT %v, want upload %v + prefill %v + chunk %v = %v", r.TTFT, upload, times[0], chunk, want)
	}
	// Each decode step (under 10 ms) is shorter than a chunk's 31 ms, so
	// later chunks carry the tokens produced meanwhile; the last one ends
	// no earlier than the last token plus a chunk.
	if last := upload + times[len(times)-1] + chunk; r.Latency() < last-1e-9 {
		t.Errorf("latency %v < last token + chunk %v", r.Latency(), last)
	}
	if r.Outcome != result.OK || r.Tokens != output || !near(r.DownBytes, 200*output, 0) || !near(r.UpBytes, 500+4*prompt, 0) {
		t.Errorf("record %+v", r)
	}
	// The phases add up to the latency.
	sum := 0.0
	for _, p := range r.Phases {
		sum += p.Duration
	}
	if !near(sum, r.Latency(), 1e-9) {
		t.Errorf("phases sum to %v, latency %v: %+v", sum, r.Latency(), r.Phases)
	}
}

// The hybrid rule decides per turn from the prompt and the battery.
func TestChatHybridRule(t *testing.T) {
	for _, tc := range []struct {
		ctx, prompt int
		battery     float64
		onPhone     bool
	}{
		{0, 100, 1, true},
		{250, 100, 1, false}, // 350 > 300 tokens
		{0, 100, 0.1, false}, // battery under 20 %
		{0, 300, 0.2, true},  // both at their limits
	} {
		w := newChatWorld(t, 1.5e9)
		w.ph.chat.cfg.Battery = tc.battery
		w.run(t, ChatTurn{Mode: ChatHybrid, Context: tc.ctx, Prompt: tc.prompt, Output: 4})
		on, n := w.ph.ChatShare()
		if n != 1 || (on == 1) != tc.onPhone {
			t.Errorf("%+v: on the phone %d of %d", tc, on, n)
		}
		if r := w.recs[0]; (r.UpBytes == 0) != tc.onPhone || r.Mode != "hybrid" {
			t.Errorf("%+v: record %+v", tc, r)
		}
	}
}

func TestChatRefuses(t *testing.T) {
	w := newChatWorld(t, 1.5e9)
	for _, tu := range []ChatTurn{{Prompt: 0, Output: 1}, {Prompt: 1, Output: 0}, {Prompt: 1, Output: 1, Context: -1}, {Mode: 7, Prompt: 1, Output: 1}} {
		if err := w.ph.Chat(tu); err == nil {
			t.Errorf("%+v: no error", tu)
		}
	}
	if _, err := ParseChatMode("phone"); err == nil {
		t.Error("ParseChatMode(phone): no error")
	}
	for _, n := range ChatModes() {
		if m, err := ParseChatMode(n); err != nil || m.String() != n {
			t.Errorf("%s: %v %v", n, m, err)
		}
	}
}

// llama1BOnePlus12 is ExecuTorch on the Snapdragon 8 Gen 3 and Llama 3.2 1B
// (SpinQuant) as measured on the OnePlus 12: the runtime and model of the
// on-phone chat tests. The runtime prices steps with llmphone's Direct
// cost model, whatever the default: these tests check the turn and its
// thermal stretch against that model's formulas (a step's FLOPs at the
// kernel's rate, its bytes at the fitted bandwidth, the KV term
// negligible at the card's contexts).
func llama1BOnePlus12(t *testing.T) (llmphone.Runtime, llmphone.Model) {
	t.Helper()
	rt, err := llmphone.Build("executorch-xnnpack-sd8gen3", llmphone.Direct, nil)
	if err != nil {
		t.Fatal(err)
	}
	pm, err := llmphone.OnePlus12("llama-3.2-1b", "spinquant")
	if err != nil {
		t.Fatal(err)
	}
	return rt, pm
}

// The hybrid rule's network condition: on a constant link with no radio
// and an idle server the cloud's estimated time to first token is the
// upload, the server's lone prefill and one chunk down, exactly what a
// cloud turn measures, and the phone's is its prefill, exactly what an
// on-device turn measures; a short prompt goes to the phone over a poor
// link (0.05 Mbps up, 0.5 s each way) and to the cloud over a good one
// (50 Mbps, 5 ms), each where its first token comes sooner. Without
// Network both go to the phone (the prompt is short, the battery full).
func TestChatHybridNetwork(t *testing.T) {
	link := func(mbps, lat float64) network.LinkConfig {
		return network.LinkConfig{
			Up:   network.ChannelConfig{Bandwidth: units.BitRate(mbps * 1e6), Latency: units.Duration(lat)},
			Down: network.ChannelConfig{Bandwidth: units.BitRate(2 * mbps * 1e6), Latency: units.Duration(lat)},
		}
	}
	turn := ChatTurn{Prompt: 100, Output: 4}
	for _, tc := range []struct {
		name    string
		lc      network.LinkConfig
		onPhone bool
	}{
		{"poor", link(0.05, 0.5), true},
		{"good", link(50, 0.005), false},
	} {
		ttft := func(mode ChatMode) float64 {
			w := newChatWorldLink(t, 1.5e9, tc.lc)
			tu := turn
			tu.Mode = mode
			w.run(t, tu)
			return w.recs[0].TTFT
		}
		phone, cloud := ttft(ChatOnDevice), ttft(ChatCloud)
		w := newChatWorldLink(t, 1.5e9, tc.lc)
		est := &chatTurn{ph: w.ph, t: turn}
		ep, ec, err := est.ttftEstimates()
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: TTFT phone %.4f s (estimate %.4f), cloud %.4f s (estimate %.4f)", tc.name, phone, ep, cloud, ec)
		if !near(ep, phone, 1e-9) || !near(ec, cloud, 1e-9) {
			t.Errorf("%s: estimates phone %v, cloud %v; measured %v, %v", tc.name, ep, ec, phone, cloud)
		}
		if (phone <= cloud) != tc.onPhone {
			t.Fatalf("%s: measured phone %v s, cloud %v s: pick another link for this case", tc.name, phone, cloud)
		}
		for _, network := range []bool{false, true} {
			w := newChatWorldLink(t, 1.5e9, tc.lc)
			w.ph.chat.cfg.Policy.Network = network
			tu := turn
			tu.Mode = ChatHybrid
			w.run(t, tu)
			on, _ := w.ph.ChatShare()
			if want := !network || tc.onPhone; (on == 1) != want {
				t.Errorf("%s link, network %v: on the phone %v, want %v", tc.name, network, on == 1, want)
			}
		}
	}
}
