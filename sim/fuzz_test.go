package sim

import (
	"errors"
	"fmt"
	"slices"
	"testing"
)

// fuzzProgram decodes data into a random program of processes that sleep,
// wait, trigger and fail events, interrupt each other, use a resource, a
// container and a store, and schedule and cancel timeouts; it runs it and
// returns a trace. It fails t if time goes backwards or the kernel panics.
func fuzzProgram(t *testing.T, data []byte, opts ...Option) []string {
	env := NewEnv(opts...)
	defer env.Close()
	events := make([]*Event, 4)
	for i := range events {
		events[i] = env.NewNamedEvent(fmt.Sprint("e", i))
	}
	res := NewPreemptiveResource(env, 2)
	box := NewContainer(env, 5, 2)
	store := NewStore[int](env, 2)
	var procs []*Process
	var timers []*Event
	var trace []string
	last := 0.0
	observe := func(what string, args ...any) {
		now := env.Now()
		if now < last {
			t.Fatalf("time went backwards: %v after %v", now, last)
		}
		last = now
		trace = append(trace, fmt.Sprintf("%g ", now)+fmt.Sprintf(what, args...))
	}
	pos := 0
	next := func() int {
		if pos >= len(data) {
			return 0
		}
		pos++
		return int(data[pos-1])
	}
	spawned := 0
	var script func(n int) func(p *Proc) error
	script = func(n int) func(p *Proc) error {
		ops := make([][2]int, n)
		for i := range ops {
			ops[i] = [2]int{next() % 11, next()}
		}
		return func(p *Proc) error {
			for _, op := range ops {
				arg := op[1]
				d := float64(arg%32) / 8
				var err error
				switch op[0] {
				case 0:
					err = p.Sleep(d)
				case 1:
					_, err = p.Wait(events[arg%4])
				case 2:
					if ev := events[arg%4]; !ev.Triggered() {
						if arg&4 != 0 {
							ev.Fail(errors.New("failed"))
						} else {
							ev.Succeed(arg)
						}
					}
				case 3:
					if len(procs) > 0 {
						_ = procs[arg%len(procs)].Interrupt(arg)
					}
				case 4:
					req := res.Request(arg%3, arg&8 != 0)
					_, err = p.Wait(env.AnyOf(req, env.Timeout(d)))
					if err == nil && req.Held() {
						err = p.Sleep(d)
					}
					req.Release()
				case 5:
					timers = append(timers, env.Timeout(d))
				case 6:
					if len(timers) > 0 {
						timers[arg%len(timers)].Cancel()
					}
				case 7, 8:
					var r *Request
					switch {
					case op[0] == 7 && arg&1 == 0:
						r = box.Put(float64(1 + arg%3))
					case op[0] == 7:
						r = box.Get(float64(1 + arg%3))
					case arg&1 == 0:
						r = store.Put(arg)
					default:
						r = store.Get()
					}
					_, err = p.Wait(env.AnyOf(r, env.Timeout(d)))
					r.Cancel()
				case 9:
					if spawned < 20 {
						spawned++
						child := env.Process(fmt.Sprint("c", spawned), script(2))
						procs = append(procs, child)
						if arg&1 == 0 {
							_, err = p.Wait(child)
						}
					}
				case 10:
					if len(timers) > 0 {
						_, err = p.Wait(timers[arg%len(timers)])
					}
				}
				observe("%s op%d %v", p.Name(), op[0], err)
			}
			if op := next(); op%5 == 0 {
				return errors.New("script error")
			}
			return nil
		}
	}
	nprocs := 1 + next()%6
	for i := range nprocs {
		procs = append(procs, env.Process(fmt.Sprint("p", i), script(1+next()%8)))
	}
	for range next() % 4 {
		env.Schedule(float64(next()%16)/4, func() { observe("callback") })
	}
	err := env.RunUntil(1000)
	var ue *UnhandledError
	if err != nil && !errors.As(err, &ue) {
		t.Fatalf("Run = %v", err)
	}
	observe("end %v", err)
	return trace
}

func FuzzSchedule(f *testing.F) {
	f.Add([]byte{3, 4, 0, 9, 1, 3, 2, 2, 3, 7, 4, 1})
	f.Add([]byte{5, 8, 4, 9, 4, 200, 3, 1, 0, 7, 9, 9, 9, 2, 2, 1, 1, 6, 6, 5, 5})
	f.Add([]byte("interrupts and resources and stores and containers"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a := fuzzProgram(t, data)
		b := fuzzProgram(t, data, withGoroutines())
		if !slices.Equal(a, b) {
			t.Fatalf("mechanisms disagree:\n%q\n%q", a, b)
		}
	})
}
