package scenarios

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"
)

// benchScenario is a bandwidth sweep like testdata/bench-1e6.yaml, scaled
// down: points × 10 replications × 100 requests of one cell.
func benchScenario(points int, mode string) string {
	return fmt.Sprintf(`name: bench
seed: 1
replications: 10
phone: {gpu: nexus5-cnndroid-gpu}
models: [alexnet]
workload:
  modes: [%s]
  images: [{size: 960x540}]
  requests: 100
  arrivals: {type: closed, think: 1s}
sweep:
  params:
    - {path: network.uplink.bandwidth, range: {from: 0.25Mbps, to: 100Mbps, steps: %d, scale: log}}
`, mode, points)
}

// BenchmarkRun runs 20 points × 10 replications × 100 requests (20,000
// requests) with requests.csv, and reports requests/s and kernel events/s
// (wall clock, all workers) and allocations per request (the whole run:
// points, worlds, requests, outputs). The full 10⁶-request case is
// testdata/bench-1e6.yaml, measured with `infersim run` (BENCHMARKS.md).
func BenchmarkRun(b *testing.B) {
	for _, mode := range []string{"cloud-gpu", "on-device-cpu", "on-device-gpu", "auto"} {
		b.Run(mode, func(b *testing.B) {
			s := mustParse(b, benchScenario(20, mode))
			var recs, events int64
			var mallocs uint64
			var elapsed time.Duration
			var ms runtime.MemStats
			for i := 0; i < b.N; i++ {
				dir := b.TempDir()
				runtime.ReadMemStats(&ms)
				m0 := ms.Mallocs
				start := time.Now()
				res, err := Run(context.Background(), s, Options{Out: dir})
				if err != nil {
					b.Fatal(err)
				}
				elapsed += time.Since(start)
				runtime.ReadMemStats(&ms)
				mallocs += ms.Mallocs - m0
				recs += res.Records
				events += res.Events
			}
			b.ReportMetric(float64(recs)/elapsed.Seconds(), "requests/s")
			b.ReportMetric(float64(events)/elapsed.Seconds(), "events/s")
			b.ReportMetric(float64(events)/float64(recs), "events/request")
			b.ReportMetric(float64(mallocs)/float64(recs), "allocs/request")
		})
	}
}

// BenchmarkLoad measures loading and validating a 1,000-point sweep (every
// point is checked).
func BenchmarkLoad(b *testing.B) {
	src := []byte(benchScenario(1000, "cloud-gpu"))
	for i := 0; i < b.N; i++ {
		if _, err := Parse(src, "bench.yaml", ""); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPoint measures building one sweep point's validated scenario
// (Scenario.Point), as the runner does once per point.
func BenchmarkPoint(b *testing.B) {
	s := mustParse(b, benchScenario(1000, "cloud-gpu"))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Point(i % 1000); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPointBuiltin is BenchmarkPoint on the bandwidth-sweep
// built-in scenario (three models, four modes, photos of three sizes).
func BenchmarkPointBuiltin(b *testing.B) {
	s, err := Builtin("bandwidth-sweep")
	if err != nil {
		b.Fatal(err)
	}
	n := s.Points()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Point(i % n); err != nil {
			b.Fatal(err)
		}
	}
}
