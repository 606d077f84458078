package scenarios

import (
	"context"
	"errors"
	"flag"
	"os"
	"runtime"
	"runtime/pprof"
	"testing"

	"github.com/infersim/infersim/result"
	"github.com/infersim/infersim/sim"
)

var phoneHeapProfile = flag.String("phoneheapprofile", "", "BenchmarkPhoneFootprint: write a heap profile at the run's largest live heap to this file")

// BenchmarkPhoneFootprint builds one world of phonesScenario's phones
// (the 10⁵-phone row's crowd, scaled down) and reports what a phone costs
// in live heap (after a collection, so garbage and the collector's
// headroom are not counted): B/phone-built once the world is built, and
// B/phone, the largest live heap seen while it runs (sampled every 10
// kernel events per phone), per phone. With -phoneheapprofile F it
// writes a heap profile at that moment (go tool pprof
// -sample_index=inuse_space).
func BenchmarkPhoneFootprint(b *testing.B) {
	const n = 20_000
	s := mustParse(b, phonesScenario(n))
	if *phoneHeapProfile != "" {
		old := runtime.MemProfileRate
		runtime.MemProfileRate = 512
		defer func() { runtime.MemProfileRate = old }()
	}
	var built, peak float64
	for i := 0; i < b.N; i++ {
		r := &runner{s: s, reps: s.Replications}
		pd, err := r.preparePoint(0)
		if err != nil {
			b.Fatal(err)
		}
		cell := pd.cells[0]
		mode, err := parseMode(cell.Mode)
		if err != nil {
			b.Fatal(err)
		}
		live := func() float64 {
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			return float64(ms.HeapAlloc + ms.StackInuse)
		}
		base := live()
		env := sim.NewEnv()
		streams := sim.NewStreams(pd.seeds[0])
		records := 0
		w := &world{ctx: context.Background(), env: env, pd: pd, cell: cell, emit: func(*result.Record) { records++ }}
		if err := w.addServers(streams, nil); err != nil {
			b.Fatal(err)
		}
		if err := w.addPhones(streams, nil, mode); err != nil {
			b.Fatal(err)
		}
		if err := w.start(mode); err != nil {
			b.Fatal(err)
		}
		built = max(built, (live()-base)/n)
		top, topAt := 0.0, uint64(0)
		var prof []byte
		for more := true; more; {
			for k := 0; k < 10*n; k++ {
				if err := env.Step(); errors.Is(err, sim.ErrNoEvents) {
					more = false
					break
				} else if err != nil {
					b.Fatal(err)
				}
			}
			if v := live() - base; v > top {
				top, topAt = v, env.Processed()
				if *phoneHeapProfile != "" {
					f, err := os.CreateTemp("", "phoneheap")
					if err != nil {
						b.Fatal(err)
					}
					if err := pprof.WriteHeapProfile(f); err != nil {
						b.Fatal(err)
					}
					f.Close()
					if prof, err = os.ReadFile(f.Name()); err != nil {
						b.Fatal(err)
					}
					os.Remove(f.Name())
				}
			}
		}
		if w.err != nil {
			b.Fatal(w.err)
		}
		if records == 0 {
			b.Fatal("no records")
		}
		peak = max(peak, top/n)
		b.Logf("peak live heap %.1f MB after %d of %d events", top/1e6, topAt, env.Processed())
		if prof != nil {
			if err := os.WriteFile(*phoneHeapProfile, prof, 0o644); err != nil {
				b.Fatal(err)
			}
		}
		runtime.KeepAlive(w)
		env.Close()
	}
	b.ReportMetric(built, "B/phone-built")
	b.ReportMetric(peak, "B/phone")
}
