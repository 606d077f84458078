package sim

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// mechanisms runs a test under both process mechanisms: the results must not
// depend on which one runs the processes.
var mechanisms = []struct {
	name string
	opts []Option
}{
	{"coroutine", nil},
	{"goroutine", []Option{withGoroutines()}},
}

func forEachMechanism(t *testing.T, f func(t *testing.T, opts ...Option)) {
	for _, m := range mechanisms {
		t.Run(m.name, func(t *testing.T) { f(t, m.opts...) })
	}
}

// log collects "t=<time> <what>" lines.
type log []string

func (l *log) add(now float64, format string, args ...any) {
	*l = append(*l, fmt.Sprintf("t=%g ", now)+fmt.Sprintf(format, args...))
}

func mustRun(t *testing.T, env *Env) {
	t.Helper()
	if err := env.Run(); err != nil {
		t.Fatal(err)
	}
}

func checkLog(t *testing.T, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("trace:\n got  %q\n want %q", got, want)
	}
}

func TestOrderTimePriorityFIFO(t *testing.T) {
	env := NewEnv()
	var got []string
	at := func(d float64, prio Priority, name string) {
		env.SchedulePriority(d, prio, func() { got = append(got, fmt.Sprintf("%g:%s", env.Now(), name)) })
	}
	at(2, Normal, "n2a")
	at(1, Normal, "n1a")
	at(1, Urgent, "u1a")
	at(1, Normal, "n1b")
	at(2, Urgent, "u2a")
	at(1, Urgent, "u1b")
	at(0, Normal, "n0")
	at(1, Normal, "n1c")
	mustRun(t, env)
	want := []string{"0:n0", "1:u1a", "1:u1b", "1:n1a", "1:n1b", "1:n1c", "2:u2a", "2:n2a"}
	checkLog(t, got, want)
}

func TestOrderManySameTime(t *testing.T) {
	// FIFO among many events at one time survives heap reorganisations.
	env := NewEnv()
	var got []int
	for i := range 1000 {
		d := float64(i % 7)
		env.Schedule(d, func() { got = append(got, i) })
	}
	mustRun(t, env)
	for k := 1; k < len(got); k++ {
		a, b := got[k-1], got[k]
		if a%7 > b%7 || (a%7 == b%7 && a > b) {
			t.Fatalf("order broken at %d: %d then %d", k, a, b)
		}
	}
}

func TestEventLifeCycle(t *testing.T) {
	env := NewEnv()
	ev := env.NewNamedEvent("e")
	if ev.Triggered() || ev.Processed() || ev.OK() || ev.Value() != nil || ev.Err() != nil {
		t.Fatal("new event not pending")
	}
	var seen []string
	ev.AddCallback(func(e *Event) { seen = append(seen, fmt.Sprint("cb1 ", e.Value())) })
	ev.AddCallback(func(e *Event) { seen = append(seen, "cb2") })
	ev.Succeed(7)
	if !ev.Triggered() || ev.Processed() || !ev.OK() {
		t.Fatal("succeeded event not triggered")
	}
	mustPanic(t, "already triggered", func() { ev.Succeed(1) })
	mustRun(t, env)
	if !ev.Processed() || ev.Value() != 7 {
		t.Fatal("not processed")
	}
	checkLog(t, seen, []string{"cb1 7", "cb2"})
	mustPanic(t, "AddCallback on processed", func() { ev.AddCallback(func(*Event) {}) })
	mustPanic(t, "nil error", func() { env.NewEvent().Fail(nil) })
	mustPanic(t, "negative", func() { env.Timeout(-1) })
	mustPanic(t, "NaN", func() { env.Timeout(math.NaN()) })
	mustPanic(t, "infinite", func() { env.Timeout(math.Inf(1)) })
}

func mustPanic(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Fatalf("no panic, want one containing %q", want)
		}
		if !strings.Contains(fmt.Sprint(r), want) {
			t.Fatalf("panic %q, want one containing %q", r, want)
		}
	}()
	f()
}

func TestProcessesClock(t *testing.T) {
	forEachMechanism(t, func(t *testing.T, opts ...Option) {
		env := NewEnv(opts...)
		var l log
		for _, c := range []struct {
			name   string
			period float64
		}{{"fast", 0.5}, {"slow", 1}} {
			env.Process(c.name, func(p *Proc) error {
				for {
					l.add(p.Now(), "%s", p.Name())
					if err := p.Sleep(c.period); err != nil {
						return err
					}
				}
			})
		}
		if err := env.RunUntil(2); err != nil {
			t.Fatal(err)
		}
		env.Close()
		// At t=1 slow's timer (scheduled at 0) precedes fast's (scheduled at 0.5).
		checkLog(t, l, []string{"t=0 fast", "t=0 slow", "t=0.5 fast", "t=1 slow", "t=1 fast", "t=1.5 fast"})
		if env.Now() != 2 {
			t.Errorf("Now = %v after RunUntil(2)", env.Now())
		}
	})
}

func TestRunUntilBoundary(t *testing.T) {
	env := NewEnv()
	var got []float64
	for _, d := range []float64{1, 2, 2, 3} {
		env.Schedule(d, func() { got = append(got, env.Now()) })
	}
	if err := env.RunUntil(2); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []float64{1}) || env.Now() != 2 || env.Peek() != 2 {
		t.Fatalf("RunUntil(2): processed %v, Now %v, Peek %v; want [1], 2, 2", got, env.Now(), env.Peek())
	}
	if err := env.RunUntil(2.5); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []float64{1, 2, 2}) {
		t.Fatalf("RunUntil(2.5): processed %v", got)
	}
	mustPanic(t, "before Now", func() { _ = env.RunUntil(1) })
	mustRun(t, env)
	if env.Now() != 3 || !math.IsInf(env.Peek(), 1) {
		t.Fatalf("Run: Now %v Peek %v", env.Now(), env.Peek())
	}
	if err := env.Step(); err != ErrNoEvents {
		t.Fatalf("Step on empty = %v", err)
	}
	if err := env.RunUntil(10); err != nil || env.Now() != 10 {
		t.Fatalf("RunUntil past the last event: %v, Now %v", err, env.Now())
	}
}

func TestProcessIsEvent(t *testing.T) {
	forEachMechanism(t, func(t *testing.T, opts ...Option) {
		env := NewEnv(opts...)
		child := env.Process("child", func(p *Proc) error {
			if err := p.Sleep(3); err != nil {
				return err
			}
			p.SetResult("done")
			return nil
		})
		bad := env.Process("bad", func(p *Proc) error {
			_ = p.Sleep(5)
			return errors.New("boom")
		})
		var l log
		env.Process("parent", func(p *Proc) error {
			v, err := p.Wait(child)
			l.add(p.Now(), "child %v %v alive=%v", v, err, child.IsAlive())
			_, err = p.Wait(bad)
			l.add(p.Now(), "bad %v", err)
			v, err = p.Wait(child) // already processed: returns at once
			l.add(p.Now(), "child again %v %v", v, err)
			return nil
		})
		mustRun(t, env)
		checkLog(t, l, []string{"t=3 child done <nil> alive=false", "t=5 bad boom", "t=5 child again done <nil>"})
	})
}

func TestFailurePropagation(t *testing.T) {
	forEachMechanism(t, func(t *testing.T, opts ...Option) {
		errBoom := errors.New("boom")
		// Handled: the waiting process gets the error and the run goes on.
		env := NewEnv(opts...)
		ev := env.NewNamedEvent("upload")
		var got error
		env.Process("waiter", func(p *Proc) error {
			_, got = p.Wait(ev)
			return nil
		})
		env.Schedule(1, func() { ev.Fail(errBoom) })
		mustRun(t, env)
		if got != errBoom || !ev.Defused() {
			t.Fatalf("waiter got %v (defused %v), want boom", got, ev.Defused())
		}

		// Unhandled: Run stops with an error naming the event.
		env = NewEnv(opts...)
		ev = env.NewNamedEvent("upload")
		env.Schedule(1, func() { ev.Fail(errBoom) })
		later := false
		env.Schedule(2, func() { later = true })
		err := env.Run()
		var ue *UnhandledError
		if !errors.As(err, &ue) || ue.Event != "upload" || ue.Time != 1 || !errors.Is(err, errBoom) {
			t.Fatalf("Run = %v, want unhandled failure of upload at 1", err)
		}
		if !strings.Contains(err.Error(), `"upload"`) || later {
			t.Fatalf("error %q or the run went on (%v)", err, later)
		}
		if env.Step() != err {
			t.Fatal("the error is not sticky")
		}

		// Defused: no error.
		env = NewEnv(opts...)
		ev = env.NewEvent()
		ev.Fail(errBoom)
		ev.Defuse()
		mustRun(t, env)

		// A process that returns an error nobody waits for stops the run.
		env = NewEnv(opts...)
		env.Process("worker", func(p *Proc) error { return errBoom })
		if err := env.Run(); !errors.As(err, &ue) || ue.Event != "worker" {
			t.Fatalf("Run = %v, want unhandled failure of worker", err)
		}

		// A failure propagates through a chain of processes.
		env = NewEnv(opts...)
		inner := env.Process("inner", func(p *Proc) error { _ = p.Sleep(1); return errBoom })
		outer := env.Process("outer", func(p *Proc) error { _, err := p.Wait(inner); return err })
		var final error
		env.Process("top", func(p *Proc) error { _, final = p.Wait(outer); return nil })
		mustRun(t, env)
		if final != errBoom {
			t.Fatalf("top got %v", final)
		}
	})
}

func TestProcessPanic(t *testing.T) {
	forEachMechanism(t, func(t *testing.T, opts ...Option) {
		env := NewEnv(opts...)
		env.Process("crasher", func(p *Proc) error {
			_ = p.Sleep(1)
			var m map[string]int
			m["x"] = 1 // panics
			return nil
		})
		env.Process("other", func(p *Proc) error { return p.Sleep(5) })
		err := env.Run()
		var pe *PanicError
		if !errors.As(err, &pe) || pe.Process != "crasher" || env.Now() != 1 || len(pe.Stack) == 0 {
			t.Fatalf("Run = %v at %v, want a PanicError of crasher at 1", err, env.Now())
		}
		env.Close()
		if env.Run() != err {
			t.Fatal("error not sticky after Close")
		}
	})
}

func TestInterrupt(t *testing.T) {
	forEachMechanism(t, func(t *testing.T, opts ...Option) {
		env := NewEnv(opts...)
		var l log
		worker := env.Process("worker", func(p *Proc) error {
			for {
				err := p.Sleep(10)
				var intr *Interrupt
				if errors.As(err, &intr) {
					l.add(p.Now(), "interrupted: %v", intr.Cause)
					if intr.Cause == "stop" {
						return nil
					}
					continue
				}
				l.add(p.Now(), "woke")
			}
		})
		env.Process("boss", func(p *Proc) error {
			_ = p.Sleep(3)
			if err := worker.Interrupt("phone"); err != nil {
				return err
			}
			if err := p.Process().Interrupt("me"); err != ErrSelfInterrupt {
				return fmt.Errorf("self interrupt: %v", err)
			}
			_ = p.Sleep(15)
			return worker.Interrupt("stop")
		})
		mustRun(t, env)
		checkLog(t, l, []string{"t=3 interrupted: phone", "t=13 woke", "t=18 interrupted: stop"})
		if err := worker.Interrupt("late"); err != ErrNotAlive {
			t.Fatalf("interrupt of finished process = %v", err)
		}
		if env.Now() != 18 {
			t.Errorf("stale timer moved the clock to %v", env.Now())
		}
	})
}

func TestInterruptWhileWaiting(t *testing.T) {
	forEachMechanism(t, func(t *testing.T, opts ...Option) {
		env := NewEnv(opts...)
		ev := env.NewEvent()
		var l log
		victim := env.Process("victim", func(p *Proc) error {
			_, err := p.Wait(ev)
			l.add(p.Now(), "first wait: %v", err)
			v, err := p.Wait(ev)
			l.add(p.Now(), "second wait: %v %v", v, err)
			return nil
		})
		env.Schedule(1, func() { _ = victim.Interrupt(42) })
		env.Schedule(2, func() { ev.Succeed("ok") })
		mustRun(t, env)
		checkLog(t, l, []string{"t=1 first wait: sim: interrupted: 42", "t=2 second wait: ok <nil>"})
	})
}

func TestUnhandledInterruptFailsProcess(t *testing.T) {
	forEachMechanism(t, func(t *testing.T, opts ...Option) {
		env := NewEnv(opts...)
		victim := env.Process("victim", func(p *Proc) error { return p.Sleep(10) })
		env.Schedule(1, func() { _ = victim.Interrupt("gc") })
		err := env.Run()
		var intr *Interrupt
		var ue *UnhandledError
		if !errors.As(err, &ue) || ue.Event != "victim" || !errors.As(err, &intr) || intr.Cause != "gc" {
			t.Fatalf("Run = %v, want the victim's unhandled interrupt", err)
		}
		if victim.IsAlive() || !errors.As(victim.Err(), &intr) {
			t.Fatalf("victim alive=%v err=%v", victim.IsAlive(), victim.Err())
		}
	})
}

func TestConditions(t *testing.T) {
	forEachMechanism(t, func(t *testing.T, opts ...Option) {
		env := NewEnv(opts...)
		var l log
		errX := errors.New("x failed")
		env.Process("p", func(p *Proc) error {
			a, b := env.TimeoutValue(1, "a"), env.TimeoutValue(2, "b")
			v, err := p.Wait(env.AllOf(a, b))
			l.add(p.Now(), "all %v %v", names(v), err)
			c, d := env.TimeoutValue(1, "c"), env.TimeoutValue(3, "d")
			v, err = p.Wait(env.AnyOf(c, d))
			l.add(p.Now(), "any %v %v", names(v), err)
			x := env.NewNamedEvent("x")
			env.Schedule(1, func() { x.Fail(errX) })
			_, err = p.Wait(env.AllOf(x, env.Timeout(5)))
			l.add(p.Now(), "all-fail %v defused=%v", err, x.Defused())
			v, err = p.Wait(env.AllOf())
			l.add(p.Now(), "empty %v %v", names(v), err)
			// Children already processed count at once.
			v, err = p.Wait(env.AnyOf(a, env.Timeout(9)))
			l.add(p.Now(), "processed %v %v", names(v), err)
			sub := env.Process("sub", func(q *Proc) error { return q.Sleep(1) })
			v, err = p.Wait(env.AllOf(sub, env.Timeout(0.5)))
			l.add(p.Now(), "with process %d %v", len(v.([]*Event)), err)
			return nil
		})
		mustRun(t, env)
		checkLog(t, l, []string{
			"t=2 all [a b] <nil>",
			"t=3 any [c] <nil>",
			"t=4 all-fail x failed defused=true",
			"t=4 empty [] <nil>",
			"t=4 processed [a] <nil>",
			"t=5 with process 2 <nil>",
		})
	})
}

func names(v any) []string {
	var s []string = []string{}
	if evs, ok := v.([]*Event); ok {
		for _, e := range evs {
			s = append(s, fmt.Sprint(e.Value()))
		}
	}
	return s
}

func TestCancelTimeout(t *testing.T) {
	env := NewEnv()
	fired := 0
	var timers []*Event
	for i := range 200 {
		ev := env.Timeout(float64(i + 1))
		ev.AddCallback(func(*Event) { fired++ })
		timers = append(timers, ev)
	}
	for i, ev := range timers {
		if i%2 == 0 && !ev.Cancel() {
			t.Fatal("Cancel of a scheduled timeout returned false")
		}
	}
	if timers[0].Cancel() || !timers[0].Cancelled() {
		t.Fatal("second Cancel returned true")
	}
	if env.Pending() != 100 {
		t.Fatalf("Pending = %d after cancelling 100 of 200", env.Pending())
	}
	if env.Peek() != 2 {
		t.Fatalf("Peek = %v, want 2 (1 was cancelled)", env.Peek())
	}
	mustRun(t, env)
	if fired != 100 || env.Now() != 200 {
		t.Fatalf("fired %d at %v, want 100 at 200", fired, env.Now())
	}
	if timers[1].Cancel() {
		t.Fatal("Cancel of a processed event returned true")
	}
	// A process waiting on a cancelled event gets ErrCancelled.
	env = NewEnv()
	ev := env.Timeout(1)
	ev.Cancel()
	var err error
	env.Process("p", func(p *Proc) error { _, err = p.Wait(ev); return nil })
	mustRun(t, env)
	if err != ErrCancelled {
		t.Fatalf("Wait on cancelled = %v", err)
	}
}

// model is a small world with processes, resources, randomness, interrupts
// and conditions; it returns its trace.
func model(opts ...Option) []string { return modelDriven(false, opts...) }

// modelDriven is model, driven by Step instead of RunUntil if stepped is set.
// Processes serve the queue themselves only during Run and RunUntil, so this
// checks that serving changes nothing.
func modelDriven(stepped bool, opts ...Option) []string {
	env := NewEnv(opts...)
	defer env.Close()
	streams := NewStreams(7)
	res := NewResource(env, 2)
	store := NewStore[int](env, 3)
	var l log
	var workers []*Process
	for i := range 6 {
		rng := streams.Stream(fmt.Sprint("worker", i))
		workers = append(workers, env.Process(fmt.Sprint("w", i), func(p *Proc) error {
			for j := 0; ; j++ {
				req := res.Request()
				if _, err := p.Wait(req); err != nil {
					req.Cancel()
					l.add(p.Now(), "%s interrupted waiting", p.Name())
					continue
				}
				err := p.Sleep(rng.ExpFloat64())
				req.Release()
				if err != nil {
					l.add(p.Now(), "%s interrupted working", p.Name())
					continue
				}
				if _, err := p.Wait(store.Put(i*100 + j)); err != nil {
					return err
				}
				l.add(p.Now(), "%s put %d", p.Name(), i*100+j)
			}
		}))
	}
	env.Process("consumer", func(p *Proc) error {
		rng := streams.Stream("consumer")
		for {
			v, err := p.Wait(env.AnyOf(store.Get(), env.Timeout(rng.Float64())))
			if err != nil {
				return err
			}
			l.add(p.Now(), "consumer got %d events", len(v.([]*Event)))
			if err := p.Sleep(0.3); err != nil {
				return err
			}
		}
	})
	env.Process("chaos", func(p *Proc) error {
		rng := streams.Stream("chaos")
		for {
			if err := p.Sleep(rng.ExpFloat64() * 2); err != nil {
				return err
			}
			_ = workers[rng.IntN(len(workers))].Interrupt("chaos")
		}
	})
	if stepped {
		for env.Peek() < 40 {
			if err := env.Step(); err != nil {
				l = append(l, err.Error())
				break
			}
		}
	} else if err := env.RunUntil(40); err != nil {
		l = append(l, err.Error())
	}
	return l
}

func TestDeterminism(t *testing.T) {
	a := model()
	if len(a) < 100 {
		t.Fatalf("model trace too short (%d lines)", len(a))
	}
	for i := range 3 {
		checkLog(t, model(), a)
		_ = i
	}
	// The goroutine mechanism gives the same trace, and so does Step.
	checkLog(t, model(withGoroutines()), a)
	checkLog(t, modelDriven(true), a)
}

func TestDeterminismGOMAXPROCS(t *testing.T) {
	old := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(old)
	one := model()
	oneG := model(withGoroutines())
	runtime.GOMAXPROCS(2)
	two := model()
	twoG := model(withGoroutines())
	checkLog(t, two, one)
	checkLog(t, oneG, one)
	checkLog(t, twoG, one)
}

func TestCloseRunsDefers(t *testing.T) {
	forEachMechanism(t, func(t *testing.T, opts ...Option) {
		env := NewEnv(opts...)
		res := NewResource(env, 1)
		released := 0
		for range 3 {
			env.Process("user", func(p *Proc) error {
				req := res.Request()
				defer func() { req.Release(); released++ }()
				if _, err := p.Wait(req); err != nil {
					return err
				}
				return p.Sleep(100)
			})
		}
		if err := env.RunUntil(1); err != nil {
			t.Fatal(err)
		}
		env.Process("never-started", func(p *Proc) error { released += 100; return nil })
		before := runtime.NumGoroutine()
		env.Close()
		env.Close()
		if released != 3 {
			t.Fatalf("%d deferred releases ran, want 3", released)
		}
		if err := env.Run(); err != ErrClosed {
			t.Fatalf("Run after Close = %v", err)
		}
		env.Timeout(1) // scheduling after Close is harmless
		if env.Peek() != env.Now()+1 || env.RunUntil(5) != ErrClosed {
			t.Fatal("Env unusable after Close")
		}
		if after := runtime.NumGoroutine(); after > before-3 {
			t.Logf("goroutines before Close %d, after %d", before, after)
		}
	})
}

func TestSleepAllocs(t *testing.T) {
	env := NewEnv()
	defer env.Close()
	env.Process("sleeper", func(p *Proc) error {
		for {
			if err := p.Sleep(1); err != nil {
				return err
			}
		}
	})
	for range 10 {
		_ = env.Step()
	}
	if a := testing.AllocsPerRun(1000, func() { _ = env.Step() }); a != 0 {
		t.Fatalf("%v allocations per Sleep, want 0", a)
	}
	var fn func()
	fn = func() { env.Schedule(1, fn) }
	env.Schedule(1, fn)
	if a := testing.AllocsPerRun(1000, func() { _ = env.Step() }); a != 0 {
		t.Fatalf("%v allocations per Schedule, want 0", a)
	}
}

func TestMisuse(t *testing.T) {
	env := NewEnv()
	var saved *Proc
	env.Process("p", func(p *Proc) error {
		saved = p
		mustPanic(t, "inside a process", func() { _ = env.Run() })
		return nil
	})
	mustRun(t, env)
	mustPanic(t, "outside the process body", func() { _ = saved.Sleep(1) })
	mustPanic(t, "outside the process body", func() { _, _ = saved.Wait(env.Timeout(1)) })
	other := NewEnv()
	env.Process("q", func(p *Proc) error { _, err := p.Wait(other.NewEvent()); return err })
	if err := env.Run(); err == nil || !strings.Contains(err.Error(), "another Env") {
		t.Fatalf("Run = %v, want a panic about another Env", err)
	}
	mustPanic(t, "nil func", func() { env.Process("x", nil) })
	mustPanic(t, "nil func", func() { env.Schedule(1, nil) })
}

func TestTracer(t *testing.T) {
	env := NewEnv()
	if env.Begin("phone", "idle") != 0 || env.Tracing() {
		t.Fatal("tracing without a tracer")
	}
	env.End(0)
	rec := &Recorder{}
	env = NewEnv(WithTracer(rec))
	env.Process("phone", func(p *Proc) error {
		id := env.Begin("phone", "infer", Attr{"model", "alexnet"})
		_ = p.Sleep(2.5)
		env.End(id, Attr{"ok", true})
		env.Begin("phone", "open")
		return nil
	})
	mustRun(t, env)
	s := rec.Spans()
	if len(s) != 2 || s[0].Start != 0 || s[0].End != 2.5 || len(s[0].Attrs) != 2 || !math.IsNaN(s[1].End) {
		t.Fatalf("spans %+v", s)
	}
	mustPanic(t, "closed span", func() { rec.End(3, 1, nil) })
}

func TestSequenceRenumber(t *testing.T) {
	// The 31-bit sequence wraps every 2^31 schedulings; renumbering must
	// keep the FIFO order of the events in the queue.
	env := NewEnv()
	env.seq = seqMask - 10
	var got []int
	for i := range 40 {
		env.Schedule(float64(i%3), func() { got = append(got, i) })
	}
	mustRun(t, env)
	for k := 1; k < len(got); k++ {
		a, b := got[k-1], got[k]
		if a%3 > b%3 || (a%3 == b%3 && a > b) {
			t.Fatalf("order broken across renumbering: %v", got)
		}
	}
	if len(got) != 40 || env.seq > 100 {
		t.Fatalf("%d events, seq %d", len(got), env.seq)
	}
}

func TestRunUntilSkipsCancelled(t *testing.T) {
	env := NewEnv()
	env.Timeout(1).Cancel()
	fired := false
	env.Schedule(5, func() { fired = true })
	if err := env.RunUntil(3); err != nil || fired || env.Now() != 3 {
		t.Fatalf("RunUntil(3): err %v, fired %v, Now %v", err, fired, env.Now())
	}
	if err := env.RunUntil(6); err != nil || !fired {
		t.Fatalf("RunUntil(6): err %v, fired %v", err, fired)
	}
}

func TestEventReset(t *testing.T) {
	env := NewEnv()
	ev := env.NewEvent()
	var got []any
	env.Process("waiter", func(p *Proc) error {
		for range 3 {
			v, err := p.Wait(ev)
			if err != nil {
				return err
			}
			got = append(got, v)
			ev.Reset()
		}
		return nil
	})
	for i := range 3 {
		env.Schedule(float64(i+1), func() { ev.Succeed(i) })
	}
	mustRun(t, env)
	if !slices.Equal(got, []any{0, 1, 2}) {
		t.Fatalf("got %v", got)
	}
	ev.Succeed(9)
	mustPanic(t, "Reset of scheduled", ev.Reset)
}

func TestQueueViewInsideCallback(t *testing.T) {
	// While an event is processed, the queue shows only what is still to
	// come (the kernel keeps the processed entry in place until the next
	// push replaces it).
	env := NewEnv()
	var peeks []float64
	var pend []int
	env.Schedule(1, func() {
		peeks = append(peeks, env.Peek())
		pend = append(pend, env.Pending())
		env.Schedule(5, func() {}) // replaces the processed root
		peeks = append(peeks, env.Peek())
		pend = append(pend, env.Pending())
	})
	env.Schedule(3, func() {
		pend = append(pend, env.Pending()) // 6 and 5 left
		env.Schedule(0, func() { peeks = append(peeks, env.Peek()) })
	})
	env.Schedule(5, func() {})
	mustRun(t, env)
	if !slices.Equal(peeks, []float64{3, 3, 5}) || !slices.Equal(pend, []int{2, 3, 2}) {
		t.Fatalf("peeks %v pending %v", peeks, pend)
	}
}
