package network

import (
	"testing"
	"time"

	"github.com/infersim/infersim/sim"
	"github.com/infersim/infersim/units"
)

// BenchmarkChannel runs flows starting and finishing on one shared
// channel: P processes each send 100 flows of exponential size (mean
// 50 kB, 8 ms alone) with exponential think times (mean 0.2 s) over a
// 50 Mbps channel: with P = 100 the offered load is about 4× the capacity,
// so dozens of flows share it at once. One iteration runs
// the whole workload; it reports channel updates (rate recomputations, the
// channel's events) per second of wall time and per flow.
func BenchmarkChannel(b *testing.B) {
	for _, tc := range []struct {
		name string
		P    int
		tcp  bool
	}{{"flows=10/constant", 10, false}, {"flows=100/constant", 100, false}, {"flows=100/tcp", 100, true}} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			var updates, flows int
			var elapsed time.Duration
			for range b.N {
				env := sim.NewEnv()
				streams := sim.NewStreams(42)
				c, err := NewChannel(env, "c", ChannelConfig{Bandwidth: 50 * units.Mbps}, nil)
				if err != nil {
					b.Fatal(err)
				}
				for i := range tc.P {
					rng := streams.Stream("p" + string(rune('a'+i%26)) + string(rune('a'+i/26)))
					env.Process("sender", func(p *sim.Proc) error {
						for range 100 {
							if err := p.Sleep(0.2 * rng.ExpFloat64()); err != nil {
								return err
							}
							var lim RateLimit
							if tc.tcp {
								lim = DefaultTCP().Limit(0.04, 0, 50*units.Mbps)
							}
							if _, err := p.Wait(c.Start(units.Bytes(5e4*rng.ExpFloat64()), lim).Done()); err != nil {
								return err
							}
						}
						return nil
					})
				}
				start := time.Now()
				if err := env.Run(); err != nil {
					b.Fatal(err)
				}
				elapsed += time.Since(start)
				updates += c.Updates()
				flows += tc.P * 100
				env.Close()
			}
			b.ReportMetric(float64(updates)/elapsed.Seconds(), "updates/s")
			b.ReportMetric(float64(updates)/float64(flows), "updates/flow")
		})
	}
}

// BenchmarkLinkRequest runs the reference request (25 kB up, 1 kB down)
// 1000 times on the lte preset: radio, tcp slow start, jitter.
func BenchmarkLinkRequest(b *testing.B) {
	b.ReportAllocs()
	p, _ := LookupPreset("lte")
	for range b.N {
		env := sim.NewEnv()
		l, err := NewLink(env, sim.NewStreams(1), "link[0]", p.Link)
		if err != nil {
			b.Fatal(err)
		}
		env.Process("app", func(pr *sim.Proc) error {
			for range 1000 {
				if _, err := l.Upload(pr, ReferenceUpload); err != nil {
					return err
				}
				if _, err := l.Download(pr, ReferenceReply); err != nil {
					return err
				}
				if err := pr.Sleep(1); err != nil {
					return err
				}
			}
			return nil
		})
		if err := env.Run(); err != nil {
			b.Fatal(err)
		}
		env.Close()
	}
}
