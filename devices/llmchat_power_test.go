package devices

import (
	"testing"

	"github.com/infersim/infersim/result"
)

// With RuntimePower, an on-device turn's CPU energy is the runtime's
// power model: PrefillEnergy of the prompt plus every decode step's
// DecodeEnergy (the phone's idle CPU is part of them, not added), and
// the turn's time is unchanged.
func TestChatRuntimePower(t *testing.T) {
	w := newChatWorld(t, 1.5e9)
	cfg := w.cfg
	cfg.RuntimePower = true
	if err := w.ph.EnableChat(cfg); err != nil {
		t.Fatal(err)
	}
	w.cfg = cfg
	const prompt, output = 64, 32
	w.run(t, ChatTurn{Mode: ChatOnDevice, Prompt: prompt, Output: output})
	if len(w.recs) != 1 {
		t.Fatalf("%d records", len(w.recs))
	}
	r := w.recs[0]
	rt, m := cfg.Runtime, cfg.Model
	want, err := rt.PrefillEnergy(m, prompt)
	if err != nil {
		t.Fatal(err)
	}
	pre, _ := rt.PrefillTime(m, prompt)
	dec := 0.0
	for k := 1; k < output; k++ {
		e, err := rt.DecodeEnergy(m, prompt+k)
		if err != nil {
			t.Fatal(err)
		}
		d, _ := rt.DecodeTime(m, prompt+k)
		want += e
		dec += d
	}
	if !near(r.Energy[result.CPU], want, 1e-9) {
		t.Errorf("cpu energy %v J, want %v J (PrefillEnergy + Σ DecodeEnergy)", r.Energy[result.CPU], want)
	}
	if !near(r.Latency(), pre+dec, 1e-12) || !near(r.TTFT, pre, 1e-12) {
		t.Errorf("latency %v, TTFT %v; want %v, %v", r.Latency(), r.TTFT, pre+dec, pre)
	}
	// The DRAM term makes decode draw more than the cores alone.
	if p := (want - rt.Power.CPU*pre) / dec; !(p > rt.Power.CPU) {
		t.Errorf("decode power %v W, want above the cores' %v W", p, rt.Power.CPU)
	}
	// The phone's cores are released: the CPU is back at idle.
	if got, idle := float64(w.ph.meter.Power(result.CPU)), w.ph.cpu.idle; !near(got, idle, 1e-12) {
		t.Errorf("cpu power after the turn %v W, want idle %v W", got, idle)
	}
}
