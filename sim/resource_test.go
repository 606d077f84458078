package sim

import (
	"errors"
	"testing"
	"unsafe"
)

func TestResourceFIFO(t *testing.T) {
	forEachMechanism(t, func(t *testing.T, opts ...Option) {
		env := NewEnv(opts...)
		res := NewResource(env, 2)
		var l log
		for _, c := range []struct {
			name string
			work float64
		}{{"A", 5}, {"B", 3}, {"C", 2}, {"D", 1}} {
			env.Process(c.name, func(p *Proc) error {
				req := res.Request()
				defer req.Release()
				if _, err := p.Wait(req); err != nil {
					return err
				}
				l.add(p.Now(), "%s granted (count %d, queued %d)", c.name, res.Count(), res.Queued())
				return p.Sleep(c.work)
			})
		}
		mustRun(t, env)
		checkLog(t, l, []string{
			"t=0 A granted (count 2, queued 2)",
			"t=0 B granted (count 2, queued 2)",
			"t=3 C granted (count 2, queued 1)",
			"t=5 D granted (count 1, queued 0)",
		})
		if env.Now() != 6 || res.Count() != 0 {
			t.Fatalf("end at %v with %d users, want 6 and 0", env.Now(), res.Count())
		}
	})
}

func TestPriorityResource(t *testing.T) {
	env := NewEnv()
	res := NewPriorityResource(env, 1)
	var order []string
	user := func(name string, at float64, prio int) {
		env.Process(name, func(p *Proc) error {
			if err := p.Sleep(at); err != nil {
				return err
			}
			req := res.Request(prio)
			defer req.Release()
			if _, err := p.Wait(req); err != nil {
				return err
			}
			order = append(order, name)
			return p.Sleep(10)
		})
	}
	user("holder", 0, 9)
	user("p3", 1, 3)
	user("p1a", 2, 1)
	user("p2", 3, 2)
	user("p1b", 4, 1)
	mustRun(t, env)
	checkLog(t, order, []string{"holder", "p1a", "p1b", "p2", "p3"})
}

func TestPreemption(t *testing.T) {
	forEachMechanism(t, func(t *testing.T, opts ...Option) {
		const (
			t0 = 1.0  // the inference starts
			w  = 10.0 // its total work
			t1 = 4.0  // the GC pause arrives
			h  = 3.0  // and holds the CPU
		)
		env := NewEnv(opts...)
		cpu := NewPreemptiveResource(env, 1)
		var l log
		var finished float64
		env.Process("inference", func(p *Proc) error {
			if err := p.Sleep(t0); err != nil {
				return err
			}
			left := w
			for left > 0 {
				req := cpu.Request(5, false)
				if _, err := p.Wait(req); err != nil {
					return err
				}
				start := p.Now()
				err := p.Sleep(left)
				req.Release()
				var intr *Interrupt
				if errors.As(err, &intr) {
					pre, ok := intr.Cause.(*Preempted)
					if !ok || pre.Resource != cpu || pre.By.Name() != "gc" || pre.UsageSince != start {
						t.Errorf("cause %#v", intr.Cause)
					}
					left -= p.Now() - pre.UsageSince
					l.add(p.Now(), "preempted by %s, %g left", pre.By.Name(), left)
					continue
				} else if err != nil {
					return err
				}
				left = 0
			}
			finished = p.Now()
			return nil
		})
		env.Process("gc", func(p *Proc) error {
			if err := p.Sleep(t1); err != nil {
				return err
			}
			req := cpu.Request(0, true)
			defer req.Release()
			if _, err := p.Wait(req); err != nil {
				return err
			}
			l.add(p.Now(), "gc pause")
			return p.Sleep(h)
		})
		mustRun(t, env)
		checkLog(t, l, []string{"t=4 preempted by gc, 7 left", "t=4 gc pause"})
		if want := t0 + w + h; finished != want {
			t.Fatalf("inference finished at %v, want %v", finished, want)
		}
	})
}

func TestPreemptionRules(t *testing.T) {
	env := NewEnv()
	res := NewPreemptiveResource(env, 1)
	var l log
	hold := func(name string, at float64, prio int, preempt bool) {
		env.Process(name, func(p *Proc) error {
			if err := p.Sleep(at); err != nil {
				return err
			}
			req := res.Request(prio, preempt)
			defer req.Release()
			if _, err := p.Wait(req); err != nil {
				return err
			}
			l.add(p.Now(), "%s got it", name)
			if err := p.Sleep(10); err != nil {
				l.add(p.Now(), "%s lost it", name)
			}
			return nil
		})
	}
	hold("low", 0, 5, false)
	hold("same", 1, 5, true)    // equal priority: later request, no eviction
	hold("polite", 2, 2, false) // more urgent but not preempting: waits
	hold("rude", 3, 1, true)    // more urgent than all, preempting: evicts low
	mustRun(t, env)
	checkLog(t, l, []string{
		"t=0 low got it",
		"t=3 low lost it",
		"t=3 rude got it",
		"t=13 polite got it",
		"t=23 same got it",
	})
}

func TestRequestCancel(t *testing.T) {
	env := NewEnv()
	res := NewResource(env, 1)
	var l log
	var reqA *Request
	env.Process("holder", func(p *Proc) error {
		req := res.Request()
		defer req.Release()
		if _, err := p.Wait(req); err != nil {
			return err
		}
		return p.Sleep(5)
	})
	env.Process("A", func(p *Proc) error {
		_ = p.Sleep(1)
		reqA = res.Request()
		v, err := p.Wait(env.AnyOf(reqA, env.Timeout(2))) // gives up at 3
		if len(v.([]*Event)) == 1 && !reqA.Event().Triggered() {
			reqA.Cancel()
			l.add(p.Now(), "A gave up (queued %d)", res.Queued())
		}
		return err
	})
	env.Process("B", func(p *Proc) error {
		_ = p.Sleep(2)
		req := res.Request()
		defer req.Release()
		if _, err := p.Wait(req); err != nil {
			return err
		}
		l.add(p.Now(), "B granted")
		return nil
	})
	mustRun(t, env)
	checkLog(t, l, []string{"t=3 A gave up (queued 1)", "t=5 B granted"})
	if reqA.Event().Triggered() || reqA.Held() {
		t.Fatal("a cancelled request was granted")
	}
	// Cancel of a granted request releases it.
	env = NewEnv()
	res = NewResource(env, 1)
	r1, r2 := res.Request(), res.Request()
	mustRun(t, env)
	if !r1.Held() || r2.Event().Triggered() {
		t.Fatal("r1 not granted or r2 granted")
	}
	r1.Cancel()
	r1.Release() // idempotent
	mustRun(t, env)
	if !r2.Held() || res.Count() != 1 {
		t.Fatal("r2 not granted after r1 was cancelled")
	}
}

func TestContainer(t *testing.T) {
	forEachMechanism(t, func(t *testing.T, opts ...Option) {
		env := NewEnv(opts...)
		mem := NewContainer(env, 10, 0)
		var l log
		env.Process("getter", func(p *Proc) error {
			if _, err := p.Wait(mem.Get(5)); err != nil {
				return err
			}
			l.add(p.Now(), "got 5, level %g", mem.Level())
			return nil
		})
		env.Process("putter", func(p *Proc) error {
			for _, a := range []float64{3, 3, 8, 2} {
				if err := p.Sleep(1); err != nil {
					return err
				}
				if _, err := p.Wait(mem.Put(a)); err != nil {
					return err
				}
				l.add(p.Now(), "put %g, level %g", a, mem.Level())
			}
			return nil
		})
		env.Process("drain", func(p *Proc) error {
			if err := p.Sleep(10); err != nil {
				return err
			}
			_, err := p.Wait(mem.Get(4))
			l.add(p.Now(), "drained 4, level %g", mem.Level())
			return err
		})
		mustRun(t, env)
		checkLog(t, l, []string{
			"t=1 put 3, level 3",
			"t=2 put 3, level 1",
			"t=2 got 5, level 1",
			"t=3 put 8, level 9",
			"t=10 drained 4, level 7",
			"t=10 put 2, level 7",
		})
		mustPanic(t, "not in (0", func() { mem.Put(11) })
		mustPanic(t, "not in (0", func() { mem.Get(0) })
	})
}

func TestContainerCancelHead(t *testing.T) {
	env := NewEnv()
	c := NewContainer(env, 10, 2)
	big, small := c.Get(5), c.Get(1)
	mustRun(t, env)
	if big.Event().Triggered() || small.Event().Triggered() || c.GetQueued() != 2 {
		t.Fatal("gets overtook a blocked head or were served")
	}
	big.Cancel()
	mustRun(t, env)
	if !small.Event().Processed() || c.Level() != 1 || big.Event().Triggered() {
		t.Fatalf("after cancelling the head: small %v, level %v", small.Event().Processed(), c.Level())
	}
}

func TestStore(t *testing.T) {
	forEachMechanism(t, func(t *testing.T, opts ...Option) {
		env := NewEnv(opts...)
		s := NewStore[string](env, 2)
		var l log
		env.Process("producer", func(p *Proc) error {
			for _, m := range []string{"a", "b", "c"} {
				if _, err := p.Wait(s.Put(m)); err != nil {
					return err
				}
				l.add(p.Now(), "put %s (len %d)", m, s.Len())
			}
			return nil
		})
		env.Process("consumer", func(p *Proc) error {
			if err := p.Sleep(5); err != nil {
				return err
			}
			for range 4 {
				v, err := p.Wait(s.Get())
				if err != nil {
					return err
				}
				l.add(p.Now(), "got %s", v.(string))
			}
			return nil
		})
		env.Process("late", func(p *Proc) error {
			if err := p.Sleep(7); err != nil {
				return err
			}
			_, err := p.Wait(s.Put("d"))
			return err
		})
		mustRun(t, env)
		checkLog(t, l, []string{
			"t=0 put a (len 1)",
			"t=0 put b (len 2)",
			"t=5 got a",
			"t=5 put c (len 1)",
			"t=5 got b",
			"t=5 got c",
			"t=7 got d",
		})
	})
}

func TestStoreGetCancel(t *testing.T) {
	env := NewEnv()
	s := NewStore[int](env, 5)
	g1, g2 := s.Get(), s.Get()
	g1.Cancel()
	s.Put(42)
	mustRun(t, env)
	if g1.Event().Triggered() || g2.Event().Value() != 42 {
		t.Fatalf("g1 triggered %v, g2 value %v", g1.Event().Triggered(), g2.Event().Value())
	}
}

func TestRing(t *testing.T) {
	// Random inserts and removes against a slice.
	var q ring[int]
	var want []int
	rng := NewStreams(1).Stream("ring")
	for step := range 20_000 {
		if len(want) > 0 && rng.IntN(3) == 0 {
			i := rng.IntN(len(want))
			q.remove(i)
			want = append(want[:i], want[i+1:]...)
		} else {
			i := rng.IntN(len(want) + 1)
			q.insert(i, step)
			want = append(want[:i], append([]int{step}, want[i:]...)...)
		}
		if q.len() != len(want) {
			t.Fatalf("step %d: len %d, want %d", step, q.len(), len(want))
		}
		if step%97 == 0 {
			for i, w := range want {
				if q.at(i) != w {
					t.Fatalf("step %d: element %d is %d, want %d", step, i, q.at(i), w)
				}
			}
		}
	}
}

func TestResourceSteadyStateAllocs(t *testing.T) {
	// Queues are rings: requesting and releasing allocates only the Request.
	env := NewEnv()
	res := NewResource(env, 1)
	store := NewStore[int](env, 4)
	held := res.Request()
	a := testing.AllocsPerRun(1000, func() {
		r := res.Request() // queued behind held
		held.Release()     // r granted
		held = r
		_ = store.Put(1)
		_ = store.Get()
	})
	if a > 3 {
		t.Fatalf("%v allocations per request, release, put and get; want 3 (the requests)", a)
	}
}

// TestReleasedUserNotKept: a released request leaves no pointer in the
// users array's spare capacity, where it would stay alive until the next
// user (two per phone at 10⁵ phones, BENCHMARKS.md), whichever user is
// released first.
func TestReleasedUserNotKept(t *testing.T) {
	for _, first := range []int{0, 1} {
		env := NewEnv()
		res := NewResource(env, 2)
		reqs := []*Request{res.Request(), res.Request()}
		reqs[first].Release()
		reqs[1-first].Release()
		if len(res.users) != 0 {
			t.Fatalf("release %d first: %d users left", first, len(res.users))
		}
		for i, u := range res.users[:cap(res.users)] {
			if u != nil {
				t.Errorf("release %d first: spare slot %d still holds a request", first, i)
			}
		}
	}
}

// TestResourceSize holds a Resource to the 112-byte size class
// (runtime/sizeclasses.go: 96, 112, 128): a phone has three, so at 10⁵
// phones each class step is 4.8 MB.
func TestResourceSize(t *testing.T) {
	if s := unsafe.Sizeof(Resource{}); s > 112 {
		t.Errorf("Resource is %d bytes, over the 112-byte size class", s)
	}
}

// TestRequestRecycle: a recycled request is released like Release (the
// next in line is granted) and its memory serves the next request; one
// whose grant is scheduled but not yet processed is released only (the
// kernel still holds its event), and so is one beyond maxReqFree.
func TestRequestRecycle(t *testing.T) {
	env := NewEnv()
	res := NewResource(env, 1)
	a := res.Request()
	b := res.Request() // waits for a
	if err := env.Run(); err != nil {
		t.Fatal(err)
	}
	if !a.Held() || b.Held() {
		t.Fatalf("a held %v, b held %v; want a granted, b waiting", a.Held(), b.Held())
	}
	a.Recycle()
	if len(env.reqFree) != 1 || env.reqFree[0] != a {
		t.Fatalf("free list %v after recycling a processed request, want [a]", env.reqFree)
	}
	if err := env.Run(); err != nil {
		t.Fatal(err)
	}
	if !b.Held() {
		t.Fatal("b not granted after a was recycled")
	}
	c := res.Request()
	if c != a {
		t.Error("the next request did not reuse the recycled one")
	}
	if c.Held() || c.Event().Triggered() || c.Priority() != 0 {
		t.Errorf("reused request not fresh: held %v, triggered %v", c.Held(), c.Event().Triggered())
	}
	c.Recycle() // waiting: withdrawn, and its memory kept
	b.Recycle()
	if len(env.reqFree) != 2 {
		t.Fatalf("free list of %d, want 2", len(env.reqFree))
	}
	// Granted at once, so its event is scheduled: released, not kept
	// (d and e took the two kept ones).
	d := res.Request()
	e := res.Request()
	d.Recycle()
	if len(env.reqFree) != 0 {
		t.Errorf("free list of %d after recycling a scheduled grant, want 0", len(env.reqFree))
	}
	if err := env.Run(); err != nil {
		t.Fatal(err)
	}
	if !e.Held() || !d.Event().Processed() {
		t.Errorf("e held %v, d processed %v: want both", e.Held(), d.Event().Processed())
	}
	for range maxReqFree {
		env.reqFree = append(env.reqFree, &Request{})
	}
	e.Recycle()
	if len(env.reqFree) != maxReqFree {
		t.Errorf("free list of %d, want it bounded at %d", len(env.reqFree), maxReqFree)
	}
}
