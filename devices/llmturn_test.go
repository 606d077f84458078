package devices

import (
	"math"
	"testing"

	"github.com/infersim/infersim/devices/llmphone"
	"github.com/infersim/infersim/devices/llmserve"
	"github.com/infersim/infersim/models/llm"
	"github.com/infersim/infersim/result"
	"github.com/infersim/infersim/sim"
)

// squeeze sends the app to the background and raises the other apps'
// memory until free memory is under the background threshold: the
// low-memory killer takes the app.
func (w *chatWorld) squeeze(t *testing.T, back float64) {
	t.Helper()
	ph := w.ph
	ph.Background(0)
	bg := float64(ph.spec.LMK.Minfree[lmkState(ph.spec.LMK.BackgroundState)])
	ph.setOther(ph.mem.other + ph.mem.free() - bg/2)
	if back > 0 {
		ph.env.Schedule(back, ph.foreground)
	}
}

// A kill reaches a turn decoding on the phone: it ends killed at the
// kill, its CPU energy so far charged, the memory it held gone with the
// app's; the next turn on the phone waits for the app's return, which
// restarts it, and reads the model from flash again (cold).
func TestChatKilledOnPhone(t *testing.T) {
	w := newChatWorld(t, 1.5e9)
	cfg := w.cfg
	cfg.Preloaded, cfg.LoadTime = true, 2
	if err := w.ph.EnableChat(cfg); err != nil {
		t.Fatal(err)
	}
	const at, back = 3.0, 5.0
	w.env.Schedule(at, func() { w.squeeze(t, back) })
	w.env.Schedule(at+1, func() {
		if w.ph.alive() || w.ph.mem.native != 0 || w.ph.chat.loaded || len(w.ph.chat.active) != 0 {
			t.Errorf("after the kill: alive %v, native %v B, loaded %v, %d turns in flight", w.ph.alive(), w.ph.mem.native, w.ph.chat.loaded, len(w.ph.chat.active))
		}
	})
	turn := ChatTurn{Mode: ChatOnDevice, Prompt: 64, Output: 400} // about 8 s
	w.run(t, turn)
	if len(w.recs) != 1 {
		t.Fatalf("%d records", len(w.recs))
	}
	r := w.recs[0]
	if r.Outcome != result.Killed || !near(r.End, at, 1e-12) || r.Tokens != 0 || r.TTFT != 0 || r.Cold {
		t.Errorf("killed turn: outcome %v, end %v (want %v), %d tokens, TTFT %v, cold %v", r.Outcome, r.End, at, r.Tokens, r.TTFT, r.Cold)
	}
	spec := w.ph.Spec()
	cpu := float64(spec.Power.CPUIdle) + float64(spec.Power.CPUShared) + 4*float64(spec.Power.CPUPerCore)
	if want := cpu * at; !near(r.Energy[result.CPU], want, 1e-9) {
		t.Errorf("cpu energy %v J, want %v J (4 cores until the kill)", r.Energy[result.CPU], want)
	}
	if s := w.ph.Stats(); s.Kills != 1 {
		t.Errorf("kills %d, want 1", s.Kills)
	}
	// The next turn, issued while the app is dead in the background.
	start := w.env.Now()
	w.recs = nil
	w.run(t, ChatTurn{Mode: ChatOnDevice, Prompt: 64, Output: 2})
	r = w.recs[0]
	if r.Outcome != result.OK || !r.Cold || !near(r.Phases[result.Load].Duration, 2, 1e-12) {
		t.Errorf("next turn: outcome %v, cold %v, load %v s (want ok, cold, 2 s)", r.Outcome, r.Cold, r.Phases[result.Load].Duration)
	}
	if r.Phases[result.Load].Start < at+back || r.Arrival != start {
		t.Errorf("next turn loaded at %v, before the app's return at %v", r.Phases[result.Load].Start, at+back)
	}
	if base := float64(spec.App.BaseNative); !near(w.ph.mem.native, base, 1e-9) || !w.ph.chat.loaded {
		t.Errorf("after the turn: native %v B (want the restarted app's %v), loaded %v", w.ph.mem.native, base, w.ph.chat.loaded)
	}
}

// A turn issued while the app is in the background waits for its
// return, or ends dropped when background requests are dropped.
func TestChatBackgroundDrop(t *testing.T) {
	w := newChatWorld(t, 1.5e9)
	w.ph.spec.Lifecycle.BackgroundRequests = "drop"
	w.ph.Background(0)
	w.run(t, ChatTurn{Mode: ChatOnDevice, Prompt: 64, Output: 2})
	if len(w.recs) != 1 || w.recs[0].Outcome != result.Dropped || w.recs[0].Latency() != 0 {
		t.Fatalf("records %+v", w.recs)
	}
	if on, n := w.ph.ChatShare(); on != 0 || n != 1 {
		t.Errorf("share %d of %d, want 0 of 1", on, n)
	}
}

// A cloud turn that times out is cancelled at the server: its KV blocks
// are freed at the timeout and another request goes on; the record is a
// timeout at the deadline.
func TestChatCloudTimeoutCancels(t *testing.T) {
	w := newChatWorld(t, 1.5e9)
	const timeout = 1.0
	var usedBefore, usedAfter int
	w.env.Schedule(timeout-1e-6, func() { usedBefore = w.srv.KVUsed() })
	w.env.Schedule(timeout+1e-6, func() { usedAfter = w.srv.KVUsed() })
	other := 0
	w.env.Schedule(0.5, func() {
		w.srv.Submit(&llmserve.Request{Prompt: 50, Output: 400, OnToken: func(i int, _ float64) { other = i }})
	})
	w.run(t, ChatTurn{Mode: ChatCloud, Prompt: 1000, Output: 2000, Timeout: timeout})
	r := w.recs[0]
	if r.Outcome != result.Timeout || !near(r.End, timeout, 1e-12) || r.Tokens != 0 {
		t.Errorf("record: outcome %v at %v, %d tokens; want timeout at %v", r.Outcome, r.End, r.Tokens, timeout)
	}
	// The turn's 1000+ positions (63+ blocks) and the other's 4 or so.
	if usedBefore < 63 || usedAfter > 30 {
		t.Errorf("KV blocks used: %d before the timeout, %d after (want the turn's 63+ freed)", usedBefore, usedAfter)
	}
	if st := w.srv.Stats(); st.Cancelled != 1 || other != 400 {
		t.Errorf("server: %d cancelled (want 1), the other request got %d of 400 tokens", st.Cancelled, other)
	}
}

// A kill reaches a cloud turn too: the app's connection is gone, the
// server cancels the request.
func TestChatCloudKilledCancels(t *testing.T) {
	w := newChatWorld(t, 1.5e9)
	w.env.Schedule(0.8, func() { w.squeeze(t, 0) })
	w.run(t, ChatTurn{Mode: ChatCloud, Prompt: 200, Output: 2000})
	if r := w.recs[0]; r.Outcome != result.Killed || !near(r.End, 0.8, 1e-12) {
		t.Errorf("record: outcome %v at %v, want killed at 0.8", r.Outcome, r.End)
	}
	if st := w.srv.Stats(); st.Cancelled != 1 || w.srv.KVUsed() != 0 || st.Tokens >= 2000 {
		t.Errorf("server: %+v, %d blocks used", st, w.srv.KVUsed())
	}
}

// A turn on the phone past its timeout ends timeout, its memory given
// back.
func TestChatOnPhoneTimeout(t *testing.T) {
	w := newChatWorld(t, 1.5e9)
	native := w.ph.mem.native
	w.run(t, ChatTurn{Mode: ChatOnDevice, Prompt: 64, Output: 400, Timeout: 2})
	if r := w.recs[0]; r.Outcome != result.Timeout || !near(r.End, 2, 1e-12) {
		t.Errorf("record: outcome %v at %v, want timeout at 2", r.Outcome, r.End)
	}
	if w.ph.mem.native != native || !w.ph.alive() {
		t.Errorf("native %v B after, %v before", w.ph.mem.native, native)
	}
}

// heatWorld is a Nexus 5 (its KTM throttles within a minute of a
// four-core load in a case at 30 °C) chatting on the phone, its thermal
// model on or off; scale divides the runtime's FLOP rate (scale 10
// makes decode compute-bound).
func heatWorld(t *testing.T, thermal bool, scale float64, samples *[]ThermalSample) (*Phone, *sim.Env, ChatConfig, *[]result.Record) {
	t.Helper()
	env := sim.NewEnv()
	t.Cleanup(env.Close)
	opt := PhoneOptions{}
	if thermal {
		opt.Thermal = &ThermalOptions{Ambient: 30, Enclosure: "case", OnSample: func(s *ThermalSample) {
			c := *s
			c.Temps = append([]float64(nil), s.Temps...)
			*samples = append(*samples, c)
		}}
	}
	ph, err := NewPhone(env, sim.NewStreams(1), "phone[0]", fixedSpec(t), opt)
	if err != nil {
		t.Fatal(err)
	}
	rt, pm := llama1BOnePlus12(t)
	flops := map[llmphone.Kernel]float64{}
	for k, v := range rt.PrefillFLOPS {
		flops[k] = v / scale
	}
	rt.PrefillFLOPS = flops
	cfg := ChatConfig{Label: "llama-3.2-1b", Runtime: rt, Model: pm, Threads: 4, Preloaded: true, Battery: 1,
		Footprint: func(int, int) (float64, error) { return 0.2e9, nil }}
	if err := ph.EnableChat(cfg); err != nil {
		t.Fatal(err)
	}
	var recs []result.Record
	ph.OnRecord(func(r *result.Record) { recs = append(recs, *r) })
	return ph, env, cfg, &recs
}

// A long generation heats the phone and the governor's cap slows it by
// the roofline: with decode compute-bound (the FLOP rate divided by 10)
// every step's time scales as f_top/f, so the decode's work at the top
// clock equals the integral of f/f_top over its time with the thermal
// model on, the frequencies the governor picked (its per-second
// samples); with the runtime's own rates decode is memory-bound and the
// cap slows it far less than it slows compute. Off, neither changes.
func TestChatThermalSlowsDecode(t *testing.T) {
	const prompt, output = 64, 2500
	type run struct {
		prefill, decode float64
		samples         []ThermalSample
		ph              *Phone
		cfg             ChatConfig
	}
	do := func(thermal bool, scale float64) run {
		var ss []ThermalSample
		ph, env, cfg, recs := heatWorld(t, thermal, scale, &ss)
		runOnDeviceTurn(t, env, ph, prompt, output, 1000)
		r := (*recs)[0]
		if r.Outcome != result.OK || r.Tokens != output {
			t.Fatalf("record %+v", r)
		}
		return run{prefill: r.TTFT, decode: r.Latency() - r.TTFT, samples: ss, ph: ph, cfg: cfg}
	}
	for _, scale := range []float64{10, 1} {
		off, on := do(false, scale), do(true, scale)
		// Off: the decode steps at the top clock, as without thermal.
		work, mem := 0.0, 0.0 // decode's compute at the top clock, and its DecodeTime (the larger of compute and memory)
		rate := off.cfg.Runtime.PrefillFLOPS[off.cfg.Model.Kernel]
		for k := 1; k < output; k++ {
			d, _ := off.cfg.Runtime.DecodeTime(off.cfg.Model, prompt+k)
			mem += d
			work += float64(off.cfg.Model.Config.DecodeCost(llm.BF16, 2, prompt+k).FLOPs) / rate
		}
		if !near(off.decode, mem, 1e-9) {
			t.Errorf("scale %v, thermal off: decode %v s, want %v", scale, off.decode, mem)
		}
		if !near(on.prefill, off.prefill, 1e-12) {
			t.Errorf("scale %v: prefill %v s with thermal, %v without (the phone is cold at the start)", scale, on.prefill, off.prefill)
		}
		h := on.ph.heat
		ftop := h.cpu.proc.Freq(h.cpu.top)
		// ∫ f/f_top over the decode, from the governor's samples (a
		// sample is its second's mean frequency; the decode's first and
		// last seconds in part).
		from, to := on.prefill, on.prefill+on.decode
		progress, throttled, hot, slowest := 0.0, 0.0, 0.0, 1.0
		for _, s := range on.samples {
			lo, hi := math.Max(s.T-1, from), math.Min(s.T, to)
			if hi <= lo {
				continue
			}
			progress += (hi - lo) * s.CPUFreq / ftop * math.Min(1, s.Online/4)
			throttled += (hi - lo) * s.Throttled
			hot = math.Max(hot, s.Temps[h.soc])
			slowest = math.Max(slowest, ftop/s.CPUFreq*math.Max(1, 4/s.Online))
		}
		t.Logf("scale %v: decode %.2f s off, %.2f s on (%.3f×); throttled %.0f%% of it, soc up to %.1f °C; ∫f/f_top %.2f s, work at f_top %.2f s",
			scale, off.decode, on.decode, on.decode/off.decode, 100*throttled/on.decode, hot, progress, work)
		if !(throttled > 0.5*on.decode) || !(hot > 55) {
			t.Fatalf("scale %v: the phone did not heat up: throttled %.1f s of %.1f s, soc %.1f °C", scale, throttled, on.decode, hot)
		}
		switch scale {
		case 10: // compute-bound: slowed by the governor's frequency
			if !near(work, mem, 1e-9) {
				t.Fatalf("scale 10: decode compute %v s, DecodeTime %v s: not compute-bound", work, mem)
			}
			if !(on.decode > 1.05*off.decode) || math.Abs(progress/work-1) > 0.02 {
				t.Errorf("compute-bound decode: %.2f s on vs %.2f s off; ∫f/f_top = %.3f s, want the work %.3f s (2%%)", on.decode, off.decode, progress, work)
			}
		case 1: // memory-bound: a step slows only where f_top/f exceeds its bytes time over its FLOPs time
			if bound := mem / work; slowest < bound/2 && !near(on.decode, off.decode, 1e-9) {
				t.Errorf("memory-bound decode: %v s on, %v s off; the cap's f_top/f reached %.2f, under the bytes/FLOPs time ratio %.2f", on.decode, off.decode, slowest, bound)
			} else if slowest >= bound/2 {
				t.Errorf("the governor went down to f_top/f = %.2f: pick a milder case for this check", slowest)
			}
		}
	}
}

// With the thermal model on, a turn charged at the runtime's power model
// (RuntimePower) heats the phone by that model and is slowed by the cap:
// its CPU energy is the idle CPU over the turn, plus the DRAM traffic of
// its prefill and decode steps (the same bytes at any clock, so exactly
// the unheated turn's DRAM energy), plus the runtime's cores above idle
// scaled by a DVFS factor that lies between the smallest and the largest
// P_core(i, T)/P_core(top, T_ref) over the operating points and the
// temperatures the soc went through (times the share of cores online). Compute-bound decode (the FLOP rate
// divided by 10) is slower hot; the real rates' memory-bound decode
// never faster. The runtime's cores (5.9 W) draw more than the Nexus 5
// table's four busy cores, so the phone ends hotter than when the table
// is charged.
func TestChatThermalRuntimePower(t *testing.T) {
	const prompt, output = 512, 3000
	type run struct {
		rec     result.Record
		samples []ThermalSample
		ph      *Phone
		cfg     ChatConfig
	}
	do := func(thermal, runtime bool, scale float64) run {
		var ss []ThermalSample
		ph, env, cfg, recs := heatWorld(t, thermal, scale, &ss)
		cfg.RuntimePower = runtime
		if err := ph.EnableChat(cfg); err != nil {
			t.Fatal(err)
		}
		runOnDeviceTurn(t, env, ph, prompt, output, 2000)
		r := (*recs)[0]
		if r.Outcome != result.OK || r.Tokens != output {
			t.Fatalf("record %+v", r)
		}
		return run{rec: r, samples: ss, ph: ph, cfg: cfg}
	}
	peak := func(r run) float64 {
		hot := 0.0
		for _, s := range r.samples {
			hot = math.Max(hot, s.Temps[r.ph.heat.soc])
		}
		return hot
	}
	for _, scale := range []float64{10, 1} {
		off, on, table := do(false, true, scale), do(true, true, scale), do(true, false, scale)
		rt, m := on.cfg.Runtime, on.cfg.Model
		dram := rt.Power.DRAMJoulesPerByte * m.WeightBytes
		for k := 1; k < output; k++ {
			e, _ := rt.DecodeEnergy(m, prompt+k)
			d, _ := rt.DecodeTime(m, prompt+k)
			dram += e - rt.Power.CPU*d
		}
		h := on.ph.heat
		T := on.rec.Latency()
		idle := on.ph.cpu.idle
		core := rt.Power.CPU - idle
		lo, hi := math.Inf(1), 0.0
		for i := 0; i < h.cpu.proc.Len(); i++ {
			for _, temp := range []float64{30, peak(on)} {
				s := h.cpu.proc.CorePower(i, temp) / h.cpu.ref
				lo, hi = math.Min(lo, s), math.Max(hi, s)
			}
		}
		// Hotplug takes cores offline, and their share of the power, only
		// past 80 °C: the smallest share online bounds it.
		share := 1.0
		for _, smp := range on.samples {
			share = math.Min(share, smp.Online/4)
		}
		lo *= share
		got := float64(on.rec.Energy[result.CPU]) - idle*T - dram
		t.Logf("scale %v: %.1f s off, %.1f s on; soc up to %.1f °C (table-charged %.1f °C); cores %.1f J in [%.1f, %.1f]",
			scale, off.rec.Latency(), T, peak(on), peak(table), got, core*T*lo, core*T*hi)
		if !(got >= core*T*lo*(1-1e-9) && got <= core*T*hi*(1+1e-9)) {
			t.Errorf("scale %v: the cores' energy %v J outside [%v, %v] J (idle %v W over %v s, DRAM %v J)", scale, got, core*T*lo, core*T*hi, idle, T, dram)
		}
		if !(peak(on) > peak(table)) {
			t.Errorf("scale %v: soc peak %.2f °C charged at the runtime's power, %.2f °C at the table's: want hotter", scale, peak(on), peak(table))
		}
		if !(peak(on) > 55) {
			t.Errorf("scale %v: soc peak %.1f °C: the phone did not heat up", scale, peak(on))
		}
		switch scale {
		case 10:
			if !(T > 1.05*off.rec.Latency()) {
				t.Errorf("compute-bound: %v s hot, %v s cold: want slower", T, off.rec.Latency())
			}
		case 1:
			if T < off.rec.Latency()*(1-1e-12) {
				t.Errorf("memory-bound: %v s hot, faster than %v s cold", T, off.rec.Latency())
			}
		}
	}
}

// A GPU or NPU turn keeps no CPU core busy and is not slowed by the CPU's
// cap: on a Nexus 5 at 70 °C ambient in a case the KTM lowers the CPU cap
// from the start (its 60 °C trip), while its GPU has no limit, so a GPU
// turn (and an NPU one, no domain at all) ends exactly when it does with
// the thermal model off, a compute-bound CPU turn later. An NPU turn's
// CPU energy is its power × time, Power.CPU·T (idle CPU plus the prior
// above it), plus its DRAM bytes, at any temperature; a GPU turn's
// compute part is (Power.CPU − idle)·T times the GPU's DVFS factor at
// its top operating point over the soc's temperatures.
func TestChatThermalAccelerator(t *testing.T) {
	const prompt, output = 256, 400
	c, err := llm.Zoo("llama-3.2-1b")
	if err != nil {
		t.Fatal(err)
	}
	gpu, gm := runtimeModel(t, llmphone.LlamaCppOpenCLSD8Elite, c, llmphone.F16Kernel)
	npu, nm := runtimeModel(t, llmphone.GenieHTPSD8Elite, c, llmphone.W4A16Kernel)
	cpu, cm := llama1BOnePlus12(t)
	slowCPU := map[llmphone.Kernel]float64{}
	for k, v := range cpu.PrefillFLOPS {
		slowCPU[k] = v / 10 // compute-bound, so the CPU cap shows
	}
	cpu.PrefillFLOPS = slowCPU
	type run struct {
		rec     result.Record
		ph      *Phone
		samples []ThermalSample
	}
	do := func(rt llmphone.Runtime, m llmphone.Model, thermal bool) run {
		env := sim.NewEnv()
		t.Cleanup(env.Close)
		var ss []ThermalSample
		opt := PhoneOptions{}
		if thermal {
			opt.Thermal = &ThermalOptions{Ambient: 70, Enclosure: "case", OnSample: func(s *ThermalSample) {
				c := *s
				c.Temps = append([]float64(nil), s.Temps...)
				ss = append(ss, c)
			}}
		}
		ph, err := NewPhone(env, sim.NewStreams(1), "phone[0]", fixedSpec(t), opt)
		if err != nil {
			t.Fatal(err)
		}
		cfg := ChatConfig{Label: "llama-3.2-1b", Runtime: rt, Model: m, Threads: 4, Preloaded: true, Battery: 1, RuntimePower: true,
			Footprint: func(int, int) (float64, error) { return 0.2e9, nil }}
		if err := ph.EnableChat(cfg); err != nil {
			t.Fatal(err)
		}
		var recs []result.Record
		ph.OnRecord(func(r *result.Record) { recs = append(recs, *r) })
		runOnDeviceTurn(t, env, ph, prompt, output, 1000)
		if len(recs) != 1 || recs[0].Outcome != result.OK || recs[0].Tokens != output {
			t.Fatalf("%s: records %+v", rt.Name, recs)
		}
		return run{rec: recs[0], ph: ph, samples: ss}
	}
	dramJ := func(rt llmphone.Runtime, m llmphone.Model) float64 {
		j := rt.Power.DRAMJoulesPerByte * m.WeightBytes
		for k := 1; k < output; k++ {
			e, _ := rt.DecodeEnergy(m, prompt+k)
			d, _ := rt.DecodeTime(m, prompt+k)
			j += e - rt.Power.CPU*d
		}
		return j
	}
	for _, tc := range []struct {
		rt   llmphone.Runtime
		m    llmphone.Model
		slow bool
	}{{cpu, cm, true}, {gpu, gm, false}, {npu, nm, false}} {
		off, on := do(tc.rt, tc.m, false), do(tc.rt, tc.m, true)
		throttled := 0.0
		for _, s := range on.samples {
			if s.T <= on.rec.End {
				throttled += s.Throttled
			}
		}
		if !(throttled > 0.5*on.rec.Latency()) {
			t.Fatalf("%s: the CPU cap was lowered %.1f s of %.1f s: want most of the turn", tc.rt.Name, throttled, on.rec.Latency())
		}
		T := on.rec.Latency()
		if tc.slow {
			if !(T > 1.05*off.rec.Latency()) {
				t.Errorf("%s: %v s hot, %v s cold: a compute-bound CPU turn under a lowered cap should be slower", tc.rt.Name, T, off.rec.Latency())
			}
			continue
		}
		if !near(T, off.rec.Latency(), 1e-12) || !near(on.rec.TTFT, off.rec.TTFT, 1e-12) {
			t.Errorf("%s: %v s (TTFT %v) hot, %v s (%v) cold: slowed by the CPU cap", tc.rt.Name, T, on.rec.TTFT, off.rec.Latency(), off.rec.TTFT)
		}
		if busy := on.ph.cpu.busy; busy != 0 {
			t.Errorf("%s: %v cores busy after the turn", tc.rt.Name, busy)
		}
		got := float64(on.rec.Energy[result.CPU]) - dramJ(tc.rt, tc.m)
		idle := on.ph.cpu.idle
		switch tc.rt.Processor {
		case llmphone.NPU:
			if want := tc.rt.Power.CPU * T; !near(got, want, 1e-9) {
				t.Errorf("%s: CPU energy less DRAM %v J, want Power.CPU·T = %v J", tc.rt.Name, got, want)
			}
		case llmphone.GPU:
			h := on.ph.heat
			hot := 0.0
			for _, s := range on.samples {
				hot = math.Max(hot, s.Temps[h.soc])
			}
			// The Nexus 5's GPU has no limit: its cap stays at the top,
			// so the factor is the leakage's, P_core(top, T)/P_core(top,
			// T_ref), T between the ambient and the peak (above 1: hotter
			// than T_ref).
			if h.gpu.gov.Cap() != h.gpu.top {
				t.Fatalf("%s: the GPU cap moved to %d", tc.rt.Name, h.gpu.gov.Cap())
			}
			lo := h.gpu.proc.CorePower(h.gpu.top, 70) / h.gpu.ref
			hi := h.gpu.proc.CorePower(h.gpu.top, hot) / h.gpu.ref
			core := (tc.rt.Power.CPU - idle) * T
			if g := got - idle*T; !(g >= core*lo*(1-1e-9) && g <= core*hi*(1+1e-9)) {
				t.Errorf("%s: compute energy %v J outside [%v, %v] J", tc.rt.Name, g, core*lo, core*hi)
			}
		}
	}
}

// runtimeModel is the runtime newRuntime makes and c's weights in kernel k
// (a 2-byte KV-cache element, a 4096-token context), as that runtime runs them.
func runtimeModel(t *testing.T, newRuntime func() (llmphone.Runtime, error), c llm.Config, k llmphone.Kernel) (llmphone.Runtime, llmphone.Model) {
	t.Helper()
	rt, err := newRuntime()
	if err != nil {
		t.Fatal(err)
	}
	m, err := llmphone.QuantizedModel(c, k, 2, 4096)
	if err != nil {
		t.Fatal(err)
	}
	return rt, m
}

// runOnDeviceTurn runs one on-device turn of prompt and output tokens on
// ph, stops the phone at time stop and flushes its chat records.
func runOnDeviceTurn(t *testing.T, env *sim.Env, ph *Phone, prompt, output int, stop float64) {
	t.Helper()
	if err := ph.Chat(ChatTurn{Mode: ChatOnDevice, Prompt: prompt, Output: output}); err != nil {
		t.Fatal(err)
	}
	env.Schedule(stop, ph.Stop)
	if err := env.Run(); err != nil {
		t.Fatal(err)
	}
	ph.FlushChats()
}
