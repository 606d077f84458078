package sim

import (
	"math"
	"slices"
	"testing"
	"unsafe"
)

func TestTimer(t *testing.T) {
	env := NewEnv()
	var got []float64
	tm := env.NewTimer(func() { got = append(got, env.Now()) })
	if tm.Pending() || !math.IsInf(tm.When(), 1) || tm.Stop() {
		t.Fatal("new timer is pending")
	}
	tm.Reset(5)
	tm.Reset(2) // replaces the call at 5
	if !tm.Pending() || tm.When() != 2 || env.Pending() != 1 {
		t.Fatalf("after Reset: pending %v, when %v, queue %d", tm.Pending(), tm.When(), env.Pending())
	}
	mustRun(t, env)
	if !slices.Equal(got, []float64{2}) || tm.Pending() {
		t.Fatalf("calls at %v, pending %v", got, tm.Pending())
	}
	// Reusable after firing; Stop cancels.
	tm.Reset(1)
	if !tm.Stop() || tm.Stop() || tm.Pending() {
		t.Fatal("Stop of a pending timer")
	}
	mustRun(t, env)
	if len(got) != 1 {
		t.Fatalf("stopped timer fired: %v", got)
	}
	mustPanic(t, "nil func", func() { env.NewTimer(nil) })
	mustPanic(t, "negative", func() { tm.Reset(-1) })
	mustPanic(t, "NaN", func() { tm.Reset(math.NaN()) })
}

func TestTimerPeriodic(t *testing.T) {
	// A timer that resets itself from its own call, alongside a process
	// and a Schedule callback at the same times: FIFO by the time of the
	// Reset, as for any scheduling.
	env := NewEnv()
	var l log
	var tm *Timer
	n := 0
	tm = env.NewTimer(func() {
		l.add(env.Now(), "timer")
		if n++; n < 3 {
			tm.Reset(1)
		}
	})
	tm.Reset(1)
	env.Process("p", func(p *Proc) error {
		for range 3 {
			if err := p.Sleep(1); err != nil {
				return err
			}
			l.add(p.Now(), "proc")
		}
		return nil
	})
	env.Schedule(2, func() { l.add(env.Now(), "schedule") })
	mustRun(t, env)
	checkLog(t, l, []string{"t=1 timer", "t=1 proc", "t=2 schedule", "t=2 timer", "t=2 proc", "t=3 timer", "t=3 proc"})
}

func TestTimerManyResets(t *testing.T) {
	// Resetting a pending timer leaves cancelled entries behind; they must
	// not pile up (compaction) nor fire.
	env := NewEnv()
	calls := 0
	tm := env.NewTimer(func() { calls++ })
	for i := range 10_000 {
		tm.Reset(float64(i % 100))
		if len(env.heap)-heapPad > 200 {
			t.Fatalf("queue holds %d entries after %d resets", len(env.heap)-heapPad, i)
		}
	}
	if env.Pending() != 1 || tm.When() != 99 {
		t.Fatalf("pending %d, when %v", env.Pending(), tm.When())
	}
	mustRun(t, env)
	if calls != 1 || env.Now() != 99 {
		t.Fatalf("%d calls, now %v", calls, env.Now())
	}
}

func TestTimerAfterClose(t *testing.T) {
	env := NewEnv()
	tm := env.NewTimer(func() {})
	tm.Reset(1)
	env.Timeout(2)
	env.Close()
	if tm.Pending() || tm.Stop() {
		t.Fatal("timer pending after Close")
	}
	tm.Reset(1) // harmless; the Env runs no more
	if err := env.Run(); err != ErrClosed {
		t.Fatalf("Run after Close = %v", err)
	}
}

func TestTimerAllocs(t *testing.T) {
	env := NewEnv()
	var tm *Timer
	tm = env.NewTimer(func() { tm.Reset(1) })
	tm.Reset(1)
	if a := testing.AllocsPerRun(1000, func() { _ = env.Step() }); a != 0 {
		t.Fatalf("%v allocations per timer call, want 0", a)
	}
	other := env.NewTimer(func() {})
	if a := testing.AllocsPerRun(1000, func() { other.Reset(2) }); a != 0 {
		t.Fatalf("%v allocations per Reset of a pending timer, want 0", a)
	}
}

func TestProcessed(t *testing.T) {
	forEachMechanism(t, func(t *testing.T, opts ...Option) {
		env := NewEnv(opts...)
		defer env.Close()
		env.Schedule(1, func() {})    // 1
		env.Timeout(2)                // 1
		env.Timeout(3).Cancel()       // not counted
		tm := env.NewTimer(func() {}) // 1
		tm.Reset(4)
		ev := env.NewEvent()
		env.Process("a", func(p *Proc) error { // start, 3 sleeps, ev: 5
			for range 3 {
				if err := p.Sleep(1); err != nil {
					return err
				}
			}
			_, err := p.Wait(ev)
			return err
		})
		env.Process("b", func(p *Proc) error { // start, sleep: 2
			err := p.Sleep(2.5)
			ev.Succeed(nil)
			return err
		})
		if err := env.Step(); err != nil || env.Processed() != 1 {
			t.Fatalf("after one Step: %v, Processed %d", err, env.Processed())
		}
		if err := env.RunUntil(2); err != nil || env.Processed() != 4 {
			// the starts of a and b, the callback and a's wake-up at 1
			t.Fatalf("RunUntil(2): %v, Processed %d", err, env.Processed())
		}
		mustRun(t, env)
		if got := env.Processed(); got != 10 {
			t.Fatalf("Processed = %d, want 10", got)
		}
	})
}

func TestStepOneEventWithProcesses(t *testing.T) {
	// Step processes exactly one event even when the process it resumes
	// could serve the next ones itself (it does only during Run).
	env := NewEnv()
	defer env.Close()
	n := 0
	env.Process("p", func(p *Proc) error {
		for {
			n++
			if err := p.Sleep(0); err != nil {
				return err
			}
		}
	})
	for i := range 5 {
		if err := env.Step(); err != nil {
			t.Fatal(err)
		}
		if n != i+1 || env.Processed() != uint64(i+1) {
			t.Fatalf("after %d Steps: %d wake-ups, Processed %d", i+1, n, env.Processed())
		}
	}
}

func TestProcessSize(t *testing.T) {
	// A Process is a multiple of 64 bytes, so that its size class keeps it
	// 64-byte aligned and its hot fields (up to tslot) in one cache line.
	if s := unsafe.Sizeof(Process{}); s%64 != 0 {
		t.Errorf("Process is %d bytes, want a multiple of 64: adjust its padding", s)
	}
	if end := unsafe.Offsetof(Process{}.tslot) + 4; end > 64 {
		t.Errorf("hot fields of Process end at byte %d, want ≤ 64", end)
	}
}

func TestCallbackPanicReachesRun(t *testing.T) {
	// Processes serve the queue themselves during Run, but leave callbacks
	// to Run, so that a panic in one reaches the caller of Run, not a
	// process.
	for _, kind := range []string{"schedule", "timer", "event callback"} {
		env := NewEnv()
		env.Process("p", func(p *Proc) error {
			for {
				if err := p.Sleep(1); err != nil {
					return err
				}
			}
		})
		boom := func() { panic("boom " + kind) }
		switch kind {
		case "schedule":
			env.Schedule(2.5, boom)
		case "timer":
			env.NewTimer(boom).Reset(2.5)
		default:
			env.Timeout(2.5).AddCallback(func(*Event) { boom() })
		}
		mustPanic(t, "boom "+kind, func() { _ = env.Run() })
		if env.Now() != 2.5 {
			t.Errorf("%s: panic at %v, want 2.5", kind, env.Now())
		}
	}
}
