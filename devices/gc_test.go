package devices

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/infersim/infersim/devices/engine"
	"github.com/infersim/infersim/result"
	"github.com/infersim/infersim/sim"
	"github.com/infersim/infersim/units"
)

const mib = 1 << 20

// TestArtHeapRetarget checks the footprint rule of the doc comment by hand.
func TestArtHeapRetarget(t *testing.T) {
	h := newArtHeap(fixedSpec(t)) // target 0.75, min 512 KiB, max 8 MiB, margin 128 KiB, limit 512 MiB
	inf := math.Inf(1)
	cases := []struct{ live, growth, footprint float64 }{
		{240e6, inf, 240e6 + 8*mib},       // 320 MB clamped to live + max_free
		{12 * mib, inf, 16 * mib},         // 12/0.75 = 16 MiB, within [12.5, 20] MiB
		{1 * mib, inf, 1*mib + 512*1024},  // 1.33 MiB raised to live + min_free
		{510 * mib, inf, 512 * mib},       // capped by the heap limit
		{100 * mib, 104 * mib, 104 * mib}, // capped by the growth limit
		{100 * mib, 90 * mib, 100 * mib},  // never below live
	}
	for _, c := range cases {
		h.reset(c.live, c.growth)
		if !near(h.footprint, c.footprint, 1e-12) {
			t.Errorf("live %v growth %v: footprint %v, want %v", units.Bytes(c.live), units.Bytes(c.growth), units.Bytes(h.footprint), units.Bytes(c.footprint))
		}
		if want := math.Max(c.live, c.footprint-128*1024); !near(h.concStart, want, 1e-12) {
			t.Errorf("live %v: concurrent start %v, want %v", units.Bytes(c.live), h.concStart, want)
		}
	}
}

// TestArtHeapDecide walks the state machine through one cycle by hand.
func TestArtHeapDecide(t *testing.T) {
	h := newArtHeap(fixedSpec(t))
	h.reset(12*mib, math.Inf(1)) // footprint 16 MiB, concurrent start 16 MiB − 128 KiB
	if a := h.decide(1 * mib); a != gcNone {
		t.Fatalf("1 MiB at 12 MiB: %v, want none", a)
	}
	h.alloc(1 * mib)
	h.free(1 * mib) // garbage
	if a := h.decide(3 * mib); a != gcConcurrent {
		t.Fatalf("13 → 16 MiB (past 15.875): %v, want concurrent", a)
	}
	h.alloc(3 * mib)
	h.free(3 * mib)
	if a := h.decide(1); a != gcBlocking {
		t.Fatalf("past the footprint: %v, want blocking", a)
	}
	if g := h.garbage(); g != 4*mib {
		t.Fatalf("garbage %v, want 4 MiB", g)
	}
	h.finishConcurrent(1*mib, math.Inf(1)) // a concurrent GC that began with 1 MiB of garbage
	if h.allocated != 15*mib || h.footprint != 16*mib {
		t.Errorf("after concurrent: allocated %v footprint %v", h.allocated, h.footprint)
	}
	h.collect(math.Inf(1))
	if h.allocated != 12*mib || h.footprint != 16*mib {
		t.Errorf("after blocking: allocated %v footprint %v", h.allocated, h.footprint)
	}
	// A 33 MB bitmap does not fit in a 16 MiB footprint: blocking, then it
	// fits under the 512 MiB limit and the heap grows to hold it.
	if a := h.decide(33e6); a != gcBlocking {
		t.Fatalf("bitmap: %v", a)
	}
	h.collect(math.Inf(1))
	if !h.fits(33e6, 512*mib) {
		t.Fatal("33 MB does not fit under 512 MiB")
	}
	h.alloc(33e6)
	if h.committed() != 12*mib+33e6 {
		t.Errorf("committed %v", h.committed())
	}
	if h.fits(500*mib, 512*mib) {
		t.Error("500 MiB more fits under 512 MiB")
	}
}

// TestGCTimes checks the pause and work anchors and their scaling.
func TestGCTimes(t *testing.T) {
	s := fixedSpec(t)
	g := newGCTimes(s.GC, rand.New(rand.NewPCG(1, 2)))
	if d := g.blocking(95e6); !near(d, 0.025, 1e-12) {
		t.Errorf("blocking pause at 95 MB = %v, want 25 ms", d)
	}
	if d := g.work(95e6); !near(d, 0.331, 1e-12) {
		t.Errorf("concurrent work at 95 MB = %v, want 331 ms", d)
	}
	if d := g.pause(); d != 0.001 {
		t.Errorf("concurrent pause = %v, want 1 ms", d)
	}
	s.GC.PauseScale, s.GC.PauseSigma = 2, 0.3
	g = newGCTimes(s.GC, rand.New(rand.NewPCG(1, 2)))
	var sum float64
	const n = 20000
	for range n {
		sum += g.blocking(190e6)
	}
	if m := sum / n; !near(m, 0.100, 0.01) {
		t.Errorf("mean blocking pause with scale 2, σ 0.3 = %v, want 100 ms ± 1 %%", m)
	}
}

// inferenceSpec is the Nexus 5 with a cheap, exactly known compute: the
// stub Caffe framework, 4 cores, 0.5 s per inference.
func oneLayerCPU(d float64) *stubEngine {
	e := stubCaffe()
	e.rate, e.perLayer, e.only = 0, d, true
	return e
}

// TestGCPausePreemptsInference: a blocking GC from another app thread
// during an inference's compute delays its end by exactly the pause, and
// the record shows the pause as gc.
func TestGCPausePreemptsInference(t *testing.T) {
	run := func(gcAt float64) (result.Record, float64) {
		spec := fixedSpec(t)
		w := newWorld(t, spec, PhoneOptions{CPU: oneLayerCPU(0.5)})
		if _, err := w.phone.Preload("alexnet", engine.PhoneCPU); err != nil {
			t.Fatal(err)
		}
		if err := w.env.RunUntil(10); err != nil {
			t.Fatal(err)
		}
		w.submit(t, Request{Model: "alexnet", Mode: Mode{Kind: OnDeviceCPU}, Width: 227, Height: 227})
		pause := 0.0
		if gcAt > 0 {
			live := w.phone.mem.heap.live
			pause = 0.050 * live / 190e6 // M-gc-partial-pause scaled to the live heap, by hand
			w.env.Schedule(gcAt, func() { w.phone.triggerGC(true) })
		}
		w.run(t)
		if len(w.records) != 1 {
			t.Fatalf("%d records", len(w.records))
		}
		return w.records[0], pause
	}
	base, _ := run(0)
	// The bitmap of a 227×227 photo (206 kB) fits; no GC in the base run.
	if base.Phases[result.GC].Duration != 0 {
		t.Fatalf("base run has gc %v", base.Phases[result.GC])
	}
	// Preprocess takes 0.1 s from t = 10; compute 0.5 s from 10.1. A GC at
	// 10.3 preempts compute 0.2 s in.
	gc, pause := run(0.3)
	if d := gc.End - base.End; !near(d, pause, 1e-9) {
		t.Errorf("end delayed by %v, want the pause %v", d, pause)
	}
	if g := gc.Phases[result.GC]; !near(g.Duration, pause, 1e-9) || !near(g.Start, 10.3, 1e-9) {
		t.Errorf("gc phase %+v, want %v from 10.3", g, pause)
	}
	if c := gc.Phases[result.Compute]; !near(c.Duration, 0.5, 1e-9) || !near(c.End, 10.6+pause, 1e-9) {
		t.Errorf("compute %+v, want 0.5 s ending at 10.6 + pause", c)
	}
}

// TestAllocationOverGrowthLimitIsOOM: a photo whose bitmap cannot fit
// under the heap's growth limit ends the request with outcome oom.
func TestAllocationOverGrowthLimitIsOOM(t *testing.T) {
	spec := fixedSpec(t)
	spec.Heap.LargeHeap = false // 192 MiB
	w := newWorld(t, spec, PhoneOptions{CPU: oneLayerCPU(0.5)})
	// 8000 × 7000 × 4 = 224 MB > 192 MiB.
	w.submit(t, Request{Model: "alexnet", Mode: Mode{Kind: OnDeviceCPU}, Width: 8000, Height: 7000})
	// A 227×227 photo afterwards works: the failed allocation left nothing.
	w.env.Schedule(60, func() {
		w.submit(t, Request{Model: "alexnet", Mode: Mode{Kind: OnDeviceCPU}, Width: 227, Height: 227})
	})
	w.run(t)
	if len(w.records) != 2 || w.records[0].Outcome != result.OOM || w.records[1].Outcome != result.OK {
		t.Fatalf("outcomes %v", outcomes(w.records))
	}
	if w.phone.Stats().OOMs != 1 || w.phone.Stats().BlockingGCs < 1 {
		t.Errorf("stats %+v", w.phone.Stats())
	}
}

func outcomes(rs []result.Record) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Outcome.String())
	}
	return out
}

// TestPressureRaisesGC: with everything else fixed, more memory pressure
// means a smaller heap footprint, so more collections and more pause time.
// With the Nexus 5's 8 MiB max_free the footprint is live + 8 MiB until
// free RAM above the foreground minfree falls below that: for NIN on the
// stub CNNdroid (about 33 MB live) the growth limit starts to bind near a
// pressure of 0.611 and allocations fail (oom) from about 0.615. Inside
// that band the pressures are 1 MB apart. (At its very start a slightly
// capped footprint can trade a blocking GC for an earlier concurrent one,
// so pause time is monotone only on this coarser grid.)
func TestPressureRaisesGC(t *testing.T) {
	var prevN int
	var prevT units.Duration
	for i, p := range []float64{0.2, 0.4, 0.6, 0.612, 0.613, 0.614} {
		spec := fixedSpec(t)
		spec.Memory.BackgroundPressure = p
		e := stubCNNdroid()
		w := newWorld(t, spec, PhoneOptions{GPU: e})
		for k := range 10 {
			w.env.Schedule(float64(k)*30, func() {
				w.submit(t, Request{Model: "nin", Mode: Mode{Kind: OnDeviceGPU}, Width: 960, Height: 540})
			})
		}
		w.run(t)
		st := w.phone.Stats()
		n := st.BlockingGCs + st.ConcurrentGCs
		t.Logf("pressure %.2f: %d GCs (%d blocking), pauses %v, outcomes %v", p, n, st.BlockingGCs, st.PauseTime, outcomes(w.records))
		for _, r := range w.records {
			if r.Outcome != result.OK {
				t.Fatalf("pressure %v: outcome %v", p, r.Outcome)
			}
		}
		if i > 0 && (n < prevN || st.PauseTime < prevT) || (p == 0.614 && n <= 2*34) {
			t.Errorf("pressure %v: %d GCs, %v pauses; less than at the previous pressure (%d, %v)", p, n, st.PauseTime, prevN, prevT)
		}
		prevN, prevT = n, st.PauseTime
	}
	_ = sim.NewEnv
}

// newArtHeap returns an empty heap with its own constants from s (a
// phone's heap shares its crowd's: newMemory).
func newArtHeap(s PhoneSpec) artHeap {
	hc := newHeapConst(&s)
	return artHeap{heapConst: &hc}
}
