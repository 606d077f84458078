package devices

import (
	"fmt"
	"testing"

	"github.com/infersim/infersim/devices/engine"
	"github.com/infersim/infersim/network"
	"github.com/infersim/infersim/result"
	"github.com/infersim/infersim/sim"
	"github.com/infersim/infersim/units"
)

// callbackWorld is what a busy world did: every record, each phone's and
// server's counters, the kernel's event count and the end time, printed
// with every float exact (%v).
func callbackWorld(t *testing.T, seed uint64, drop bool, javaLoad bool) string {
	t.Helper()
	spec := fixedSpec(t)
	spec.GC.PauseSigma = 0.3
	bg := "wait"
	if drop {
		bg = "drop"
	}
	spec.Lifecycle = LifecycleSpec{Switch: "exponential", MeanForeground: 40, MeanBackground: 8, BackgroundRequests: bg}
	spec.Memory.Fluctuation = FluctuationSpec{Model: "ou", SD: 0.15, Timescale: 20, Step: 1}
	spec.Memory.BackgroundPressure = 0.5
	cpu, gpu := stubCaffe(), stubCNNdroid()
	cpu.cv, gpu.cv = 0.2, 0.1
	if javaLoad {
		cpu.fw.JavaHeap = true
	}
	env := sim.NewEnv()
	defer env.Close()
	streams := sim.NewStreams(seed)
	p, _ := network.LookupPreset("lte")
	sg := stubServer(engine.ServerGPU, 1e11)
	sg.cv = 0.3
	s1, _ := NewServer(env, streams, "server", ServerConfig{Engine: sg, Workers: 1, MaxBatch: 4, MaxWait: 0.05, QueueLimit: 6}, nil)
	s2, _ := NewServer(env, streams, "server-cpu", ServerConfig{Engine: stubServer(engine.ServerCPU, 1e10), Workers: 1, MaxBatch: 1}, nil)
	var out []string
	outcomes := map[string]int{}
	var phones []*Phone
	var loads []sim.Awaitable
	for i := range 4 {
		name := fmt.Sprintf("phone[%d]", i)
		ph, err := NewPhone(env, streams, name, spec, PhoneOptions{CPU: cpu, GPU: gpu, Index: i})
		if err != nil {
			t.Fatal(err)
		}
		link, err := network.NewLink(env, streams, fmt.Sprintf("link[%d]", i), p.Link)
		if err != nil {
			t.Fatal(err)
		}
		if err := ph.Connect(link, s1, s2); err != nil {
			t.Fatal(err)
		}
		ph.OnRecord(func(r *result.Record) {
			out = append(out, fmt.Sprint(*r))
			outcomes[r.Mode+" "+r.Outcome.String()]++
		})
		ev, err := ph.PreloadEvent("alexnet", engine.PhoneCPU)
		if err != nil {
			t.Fatal(err)
		}
		loads = append(loads, ev)
		phones = append(phones, ph)
	}
	all := env.AllOf(loads...)
	all.AddCallback(func(ev *sim.Event) {
		if ev.Err() != nil {
			ev.Defuse()
		}
	})
	arr := streams.Stream("workload")
	modes := []string{"cloud-gpu", "cloud-cpu", "cloud-gpu", "on-device-cpu", "split:16", "auto", "on-device-gpu"}
	sizes := [][2]int{{1920, 1080}, {3840, 2160}, {640, 480}}
	env.Process("workload", func(pr *sim.Proc) error {
		for i := range 160 {
			if err := pr.Sleep(arr.ExpFloat64() * 1.5); err != nil {
				return err
			}
			m, _ := ParseMode(modes[i%len(modes)])
			model := []string{"alexnet", "nin", "squeezenet-v1.1"}[i%3]
			if m.Kind == Split {
				model = "nin" // split:16 is one of its cuts
			}
			sz := sizes[i%len(sizes)]
			timeout := 0.0
			if i%2 == 0 {
				timeout = 3 + float64(i%5)
			}
			ph := phones[i%len(phones)]
			if err := ph.Submit(Request{Model: model, Mode: m, Width: sz[0], Height: sz[1], Timeout: units.Duration(timeout)}); err != nil {
				return err
			}
			if i%23 == 0 {
				ph.triggerGC(i%2 == 0)
			}
			if i%31 == 0 {
				ev, err := ph.PreloadEvent("nin", engine.PhoneCPU)
				if err != nil {
					return err
				}
				// Waited on: a process's event no one waits on is
				// processed without an event (see PreloadEvent).
				ev.AddCallback(func(*sim.Event) {})
			}
		}
		return nil
	})
	if err := env.RunUntil(600); err != nil {
		t.Fatal(err)
	}
	for _, ph := range phones {
		ph.Flush()
		out = append(out, fmt.Sprint(ph.Stats()))
	}
	out = append(out, fmt.Sprint(s1.Stats()), fmt.Sprint(s2.Stats()), fmt.Sprint(env.Processed(), env.Now(), len(out)))
	if !processesOnly {
		t.Logf("outcomes: %v", outcomes)
	}
	return fmt.Sprint(out)
}

// TestCallbacksMatchProcesses: the callback paths (a cloud request's
// phone and remote parts, any request's remote part, a native preload)
// give the records, counters and kernel event count the processes give,
// in a world with every complication: timeouts, kills, a life cycle that
// waits or drops, collections from other threads, a queue limit,
// batching, LTE's promotions, tails and handshakes, every mode.
func TestCallbacksMatchProcesses(t *testing.T) {
	defer func() { processesOnly = false }()
	for _, c := range []struct {
		seed       uint64
		drop, java bool
	}{{1, false, false}, {2, true, false}, {3, false, true}, {4, true, true}, {5, false, false}} {
		t.Run(fmt.Sprint(c.seed), func(t *testing.T) {
			processesOnly = true
			want := callbackWorld(t, c.seed, c.drop, c.java)
			processesOnly = false
			got := callbackWorld(t, c.seed, c.drop, c.java)
			if got != want {
				t.Errorf("callbacks differ from processes:\n got %.600s\nwant %.600s", diffFrom(got, want), diffFrom(want, got))
			}
		})
	}
}

// diffFrom returns a from the first byte where it differs from b, with
// some context.
func diffFrom(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return a[max(0, i-200):]
}
