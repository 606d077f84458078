package devices

import (
	"testing"

	"github.com/infersim/infersim/devices/llmserve"
	"github.com/infersim/infersim/models/llm"
	"github.com/infersim/infersim/sim"
)

// The delay the load rule adds to the cloud's estimate: the one seen,
// while it is at most forget seconds old; nothing before one is seen or
// after it is forgotten.
func TestCloudSightDelay(t *testing.T) {
	seen := cloudSight{excess: 2.5, at: 10, ok: true}
	for _, tc := range []struct {
		name        string
		s           cloudSight
		now, forget float64
		want        float64
	}{
		{"none seen", cloudSight{}, 10, 60, 0},
		{"just seen", seen, 10, 60, 2.5},
		{"at the limit", seen, 70, 60, 2.5},
		{"forgotten", seen, 70.001, 60, 0},
		{"forget 0", seen, 10.5, 0, 0},
	} {
		if got := tc.s.delay(tc.now, tc.forget); got != tc.want {
			t.Errorf("%s: delay %v, want %v", tc.name, got, tc.want)
		}
	}
}

// A known server state: a server of one running sequence (max_seqs 1)
// busy with a background request of bgOutput tokens submitted at 0, and
// a phone's hybrid turn at 0. Over chatWorld's constant link (no radio,
// no jitter) the idle estimate is exact (TestChatHybridNetwork), so the
// turn's first token comes late by exactly the background's remaining
// time when the phone's request arrives: B − upload, B the background's
// end in a replay of it alone, upload 20 ms + (500 + 4·100) B at 8 Mbit/s.
// The phone's estimate of its own prefill of 100 tokens is about 0.38 s
// (260 tok/s), the idle cloud's about 0.05 s; so the second turn goes to
// the phone only with the load rule, a delay that tips the comparison
// and a memory that still holds it.
func TestChatHybridLoad(t *testing.T) {
	turn := ChatTurn{Mode: ChatHybrid, Prompt: 100, Output: 4}
	const bgPrompt = 64
	for _, tc := range []struct {
		name     string
		bgOutput int
		load     bool
		forget   float64
		second   bool // the second turn on the phone
	}{
		{"load off", 1024, false, 60, false},
		{"load, long queue", 1024, true, 60, true},
		{"load, forgotten", 1024, true, 1e-3, false},
		{"load, short queue", 64, true, 60, false},
	} {
		// The background alone: its end.
		env := sim.NewEnv()
		hw, err := llmserve.A100()
		if err != nil {
			t.Fatal(err)
		}
		model, err := llm.Zoo("llama-3.2-1b")
		if err != nil {
			t.Fatal(err)
		}
		scfg := llmserve.Config{Model: model, Format: llm.BF16, Hardware: hw, MaxSeqs: 1}
		alone, err := llmserve.NewServer(env, scfg)
		if err != nil {
			t.Fatal(err)
		}
		var bgEnd float64
		alone.Submit(&llmserve.Request{Prompt: bgPrompt, Output: tc.bgOutput, OnDone: func(now float64, _ error) { bgEnd = now }})
		if err := env.Run(); err != nil {
			t.Fatal(err)
		}
		env.Close()
		upload := 0.02 + 8*(500+4*100)/8e6
		wantExcess := max(0, bgEnd-upload)

		w := newChatWorld(t, 1.5e9)
		srv, err := llmserve.NewServer(w.env, scfg)
		if err != nil {
			t.Fatal(err)
		}
		w.ph.chat.cfg.Server = srv
		w.ph.chat.cfg.Policy.Network = true
		w.ph.chat.cfg.Policy.Load = tc.load
		w.ph.chat.cfg.Policy.Forget = tc.forget
		srv.Submit(&llmserve.Request{Prompt: bgPrompt, Output: tc.bgOutput})
		est := &chatTurn{ph: w.ph, t: turn}
		phone, cloud, err := est.ttftEstimates()
		if err != nil {
			t.Fatal(err)
		}
		w.run(t, turn)
		if on, n := w.ph.ChatShare(); on != 0 || n != 1 {
			t.Fatalf("%s: first turn on the phone (%d of %d); estimates phone %v s, cloud %v s", tc.name, on, n, phone, cloud)
		}
		seen := w.ph.chat.seen
		if tc.load {
			if !seen.ok || !near(seen.excess, wantExcess, 1e-9) {
				t.Errorf("%s: delay seen %+v, want %v s (background ends at %v s)", tc.name, seen, wantExcess, bgEnd)
			}
			if tips := phone <= cloud+wantExcess; tips != (tc.bgOutput == 1024) {
				t.Fatalf("%s: phone %v s ≤ cloud %v s + delay %v s is %v: pick another background", tc.name, phone, cloud, wantExcess, tips)
			}
		} else if seen.ok {
			t.Errorf("%s: the rule without load kept a delay %+v", tc.name, seen)
		}
		t.Logf("%s: estimates phone %.4f s, cloud %.4f s; delay seen %.4f s (want %.4f)", tc.name, phone, cloud, seen.excess, wantExcess)
		w.run(t, turn)
		if on, n := w.ph.ChatShare(); (on == 1) != tc.second || n != 2 {
			t.Errorf("%s: second turn on the phone %v (%d of %d), want %v", tc.name, on == 1, on, n, tc.second)
		}
	}
}
