package devices

import (
	"fmt"
	"math"

	"github.com/infersim/infersim/devices/llmphone"
	"github.com/infersim/infersim/devices/llmserve"
	"github.com/infersim/infersim/result"
	"github.com/infersim/infersim/sim"
)

// A chat turn's life beside its work (llmchat.go): the app's life cycle
// and the low-memory killer reach a turn in flight as they reach a
// photo's request.
//
//	start in the background   the turn waits for the foreground (the
//	                          user is in another app), or ends dropped
//	                          when lifecycle.background_requests is drop;
//	                          a killed app restarts on its return
//	the app is killed         every turn in flight ends killed at once:
//	                          its energy so far is charged, the memory it
//	                          held is gone with the app's, and the model
//	                          is no longer resident, so the next turn on
//	                          the phone reads it from flash again (cold)

// foreground waits for the app to be in the foreground, as a request
// arriving in the background does.
func (r *chatTurn) foreground(p *sim.Proc) error {
	ph := r.ph
	if ph.life.fg {
		return nil
	}
	if ph.spec.Lifecycle.BackgroundRequests == "drop" {
		return errDropped
	}
	_, err := p.Wait(ph.life.fgEvent)
	return err
}

// release gives back the memory the turn holds, unless a kill took it.
func (r *chatTurn) release() {
	if r.held == 0 {
		return
	}
	r.ph.mem.native -= r.held
	r.held = 0
	r.ph.memoryChanged()
}

// retire removes an ended turn from the turns in flight.
func (c *chatState) retire(r *chatTurn) {
	for i, x := range c.active {
		if x == r {
			c.active = append(c.active[:i], c.active[i+1:]...)
			return
		}
	}
}

// killChats is the low-memory killer reaching the chat: the model is
// gone, and every turn in flight ends killed (a turn whose own
// allocation had the app killed sees it on return instead).
func (ph *Phone) killChats() {
	c := ph.chat
	if c == nil {
		return
	}
	c.loaded = false
	for _, r := range c.active {
		r.held = 0 // the kill freed the app's memory (Phone.kill)
		if !r.ended && r.proc != nil && r.proc.IsAlive() {
			_ = r.proc.Interrupt(errKilled)
		}
	}
}

// session is the turn's conversation as the server names it: the
// phone's index and the conversation's number, 0 for none.
func (r *chatTurn) session() uint64 {
	if r.t.Conversation <= 0 {
		return 0
	}
	return uint64(r.ph.opt.Index+1)<<32 | uint64(uint32(r.t.Conversation))
}

// cancel withdraws the turn's request from the server when the turn
// ends before the server is done with it (a timeout, a kill: the
// client's connection is gone), so its KV blocks are freed.
func (r *chatTurn) cancel(req *llmserve.Request, st *chatStream) {
	if !st.done {
		r.ph.chat.cfg.Server.Cancel(req)
	}
}

// A turn on a phone whose thermal model is on (PhoneOptions.Thermal):
// prefill and decode keep Threads cores busy, so their power heats the
// phone as any CPU load does (the energy meter feeds the thermal
// network), and the governor's cap slows them, read again every
// governor period of the turn (a decode lasts seconds to minutes, long
// enough for the cap to move):
//
//	prefill  compute-bound (thermal.Speed with m = 0): its time at the
//	         top clock stretched by r = f_top·k/f_cap (k: threads over
//	         the cores online)
//	decode   the runtime's roofline per step with its compute roofs
//	         stretched by r (llmphone's DecodeTimeSlowed: under
//	         host-roofline each operator class's max(bytes/B_c,
//	         FLOPs·r/F_c), summed; under direct the step's one
//	         max(bytes/bandwidth, FLOPs·r/rate)); a memory-bound class
//	         slows only once r exceeds its bytes time over its FLOPs time
//	power    with RuntimePower, the runtime's power model split in two:
//	         its cores (Power.CPU less the idle CPU) scaled by the DVFS
//	         factor as any busy core (P_core(cap, T)/P_core(top, T_ref),
//	         thermal_phone.go; with hotplug, times the share of its
//	         threads' cores online), and its DRAM traffic (the phase's bytes
//	         at DRAMJoulesPerByte) spread over the time the work really
//	         takes, not scaled (a byte costs the same at any clock);
//	         at the top clock of a phone at T_ref the sum is the power
//	         of the unheated turn. Without RuntimePower, the phone's
//	         per-core table for Threads cores, scaled as a CNN's
//
// A GPU or NPU runtime (Runtime.Processor) keeps no CPU core busy: its
// power model's compute part (the processor's prior, llmphone) is
// charged as the phase's power above the idle CPU, which heats the soc
// node as a CNN's GPU kernel does (the meter's cpu + gpu powers), and
// its DRAM traffic as above.
//
//	gpu      slowed by the GPU domain's cap (f_top/f_cap on the GPU's
//	         operating points, the roofline as above), never by the
//	         CPU's cap or hotplug; its compute power scaled by the GPU's
//	         DVFS factor, as GPUActive is. A preset with no GPU domain
//	         neither slows nor scales it
//	npu      heats the soc at its power unscaled and is never slowed: no
//	         thermal preset has an NPU domain, and no published NPU
//	         thermal rule (trip, cap, operating points) was found to
//	         build one from, so a hot NPU runs as a cold one
//
// With the thermal model off, nothing here runs (the turn's compute is
// two phases of fixed length).

// computeHeated runs the prefill (prefill seconds at the top clock) and
// the decode steps of the turn under the governor's cap.
func (r *chatTurn) computeHeated(p *sim.Proc, prefill float64) error {
	ph, cfg, t, rec := r.ph, &r.ph.chat.cfg, r.t, &r.rec
	h := ph.heat
	rate, ok := cfg.Runtime.PrefillFLOPS[cfg.Model.Kernel]
	if !ok || !(rate > 0) {
		return fmt.Errorf("devices: chat: %s has no %s kernels", cfg.Runtime.Name, cfg.Model.Kernel)
	}
	pw := cfg.Runtime.Power
	core := math.Max(0, pw.CPU-ph.cpu.idle) // the runtime's cores above the idle CPU
	period := h.cpu.gov.Period()
	threads := float64(cfg.Threads)
	slow := func() float64 { return h.stretch(1, 0, false, threads) }
	accel := phaseCPU // the processor the phase's power is drawn on
	switch cfg.Runtime.Processor {
	case llmphone.GPU:
		accel = phaseGPU
		slow = func() float64 {
			if h.gpu == nil {
				return 1
			}
			return h.stretch(1, 0, true, 1)
		}
	case llmphone.NPU:
		accel = phaseNPU
		slow = func() float64 { return 1 }
	}
	// phase runs seg until done; seg returns a piece's time and the DRAM
	// energy of its work, J.
	phase := func(name string, seg func() (d, dram float64, done bool, err error)) error {
		start := p.Now()
		switch {
		case cfg.RuntimePower && accel != phaseCPU:
			ph.cpu.setAccel(accel, core)
		case cfg.RuntimePower:
			ph.cpu.addPhase(threads, core)
		default:
			ph.cpu.add(threads)
		}
		var err error
		for done := false; !done && err == nil; {
			var d, dram float64
			if d, dram, done, err = seg(); err == nil && d > 0 {
				if cfg.RuntimePower {
					ph.cpu.setPhaseDRAM(dram / d)
				}
				err = p.Sleep(d)
			}
		}
		switch {
		case cfg.RuntimePower && accel != phaseCPU:
			ph.cpu.setPhaseDRAM(0)
			ph.cpu.setAccel(phaseCPU, 0)
		case cfg.RuntimePower:
			ph.cpu.setPhaseDRAM(0)
			ph.cpu.addPhase(-threads, 0)
		default:
			ph.cpu.add(-threads)
		}
		rec.AddPhase(result.Compute, start, p.Now())
		if ph.opt.Sink != nil {
			ph.span(ph.ln().cpu, name+" "+cfg.Label, start, p.Now(), nil)
		}
		return err
	}
	left := prefill // seconds of prefill at the top clock
	// The prefill reads the weights once (PhasePower's prefill), its
	// pieces each their share of them.
	prefillDRAM := pw.DRAMJoulesPerByte * cfg.Model.WeightBytes
	err := phase("prefill", func() (float64, float64, bool, error) {
		k := slow()
		w := math.Min(left, period/k)
		if w >= left {
			w, left = left, 0
		} else {
			left -= w
		}
		return w * k, prefillDRAM * w / prefill, left == 0, nil
	})
	if err != nil {
		return err
	}
	rec.TTFT = p.Now() - rec.Arrival
	rec.Tokens = 1
	if t.Output > 1 {
		step := 1
		err = phase("decode", func() (float64, float64, bool, error) {
			k := slow()
			d, dram := 0.0, 0.0
			for ; step < t.Output && d < period; step++ {
				ctx := t.Context + t.Prompt + step
				mem, err := cfg.Runtime.DecodeTime(cfg.Model, ctx)
				if err != nil {
					return 0, 0, true, err
				}
				// Each roof on its own: under host-roofline a long
				// context's compute-bound attention slows with the
				// clock while the weights' stream does not.
				st, err := cfg.Runtime.DecodeTimeSlowed(cfg.Model, ctx, math.Max(1, k))
				if err != nil {
					return 0, 0, true, err
				}
				d += st
				if cfg.RuntimePower {
					// The step's DRAM energy: its energy less its cores'.
					e, err := cfg.Runtime.DecodeEnergy(cfg.Model, ctx)
					if err != nil {
						return 0, 0, true, err
					}
					dram += e - pw.CPU*mem
				}
			}
			return d, dram, step >= t.Output, nil
		})
		if err != nil {
			return err
		}
	}
	rec.Tokens = t.Output
	return nil
}

// queueFirst returns the phone's worker request when the worker is
// taken (another turn of an overlapping conversation computes): the turn
// then waits for it before it takes its memory, one generation at a time
// holding its KV cache, as a chat app runs them. With the worker free it
// returns nil and the turn takes its memory first (the order of a lone
// turn).
func (r *chatTurn) queueFirst() *sim.Request {
	wk := r.ph.worker
	if wk.Count() < wk.Capacity() && wk.Queued() == 0 {
		return nil
	}
	return wk.Request()
}
