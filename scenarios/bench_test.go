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

// phonesScenario is crowded-cloud at its largest and beyond: n Nexus 5
// phones over campus WiFi sharing one batching K80, six AlexNet requests
// each (closed loop, warm), outputs off.
func phonesScenario(n int) string {
	return fmt.Sprintf(`name: phones
seed: 20180721
phone: {device: nexus5, cpu: nexus5-caffe-cpu, gpu: nexus5-cnndroid-gpu, count: %d}
network: {preset: campus-wifi}
cloud:
  gpu: cloud-gpu-k80
  workers: 1
  batching: {max_batch: 16, max_wait: 20ms}
models: [alexnet]
workload:
  modes: [cloud-gpu]
  images: [{size: 960x540, count: 6}]
  start: warm
  arrivals: {type: closed, think: 1s}
outputs: {requests: false, plots: false}
`, n)
}

// BenchmarkPhones runs one world of 10⁴ phones (phonesScenario, -j 1)
// and reports the CPU time and the peak memory (heap and stacks in use,
// sampled) per phone. The schema's maximum, 10⁵ phones, is measured with
// `infersim run` (BENCHMARKS.md).
func BenchmarkPhones(b *testing.B) {
	const n = 10_000
	s := mustParse(b, phonesScenario(n))
	var peak, peakStack uint64
	var elapsed time.Duration
	for i := 0; i < b.N; i++ {
		dir := b.TempDir()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		base, baseStack := ms.HeapInuse+ms.StackInuse, ms.StackInuse
		stop := make(chan struct{})
		done := make(chan [2]uint64)
		go func() {
			var top, topStack uint64
			tick := time.NewTicker(5 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-stop:
					done <- [2]uint64{top, topStack}
					return
				case <-tick.C:
					var ms runtime.MemStats
					runtime.ReadMemStats(&ms)
					top = max(top, ms.HeapInuse+ms.StackInuse)
					topStack = max(topStack, ms.StackInuse)
				}
			}
		}()
		start := time.Now()
		if _, err := Run(context.Background(), s, Options{Out: dir, Workers: 1}); err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(start)
		close(stop)
		if top := <-done; top[0] > base {
			peak = max(peak, top[0]-base)
			peakStack = max(peakStack, top[1]-min(top[1], baseStack))
		}
	}
	b.ReportMetric(float64(elapsed.Nanoseconds())/float64(b.N)/n, "ns/phone")
	b.ReportMetric(float64(peak)/n, "B/phone")
	b.ReportMetric(float64(peakStack)/n, "stackB/phone")
}
