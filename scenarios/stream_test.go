package scenarios

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/infersim/infersim/result"
)

// requestsScenario is one phone asking n times for SqueezeNet in the
// cloud GPU (closed loop), replications worlds of it; outputs off unless
// csv.
func requestsScenario(n, replications int, csv bool) string {
	return fmt.Sprintf(`name: stream
seed: 1
replications: %d
models: [squeezenet-v1.0]
workload:
  modes: [cloud-gpu]
  images: [{size: 960x540}]
  requests: %d
  arrivals: {type: closed, think: 1s}
outputs: {requests: %v, plots: false}
`, replications, n, csv)
}

// heapDuring runs f and returns the largest HeapInuse seen (sampled every
// few milliseconds and at the end, before any collection) and the bytes
// allocated meanwhile.
func heapDuring(t *testing.T, f func()) (peak, alloc uint64) {
	t.Helper()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	alloc0 := ms.TotalAlloc
	var mu sync.Mutex
	sample := func() {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		mu.Lock()
		peak = max(peak, ms.HeapInuse)
		mu.Unlock()
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				sample()
			}
		}
	}()
	f()
	close(done)
	wg.Wait()
	sample()
	runtime.ReadMemStats(&ms)
	return peak, ms.TotalAlloc - alloc0
}

func runRequests(t *testing.T, n, reps int, csv bool, workers int) *Result {
	t.Helper()
	s := mustParse(t, requestsScenario(n, reps, csv))
	res, err := Run(context.Background(), s, Options{Out: t.TempDir(), Workers: workers})
	if err != nil {
		t.Fatal(err)
	}
	if res.Records != int64(n*reps) {
		t.Fatalf("%d records, want %d", res.Records, n*reps)
	}
	return res
}

// TestMemoryFlatInRequests runs one world of 10⁴ and one of 10⁶ requests
// (outputs off): the heap in use at its peak may differ by a small factor
// (the garbage collector's pacing), not by the hundred the requests do; a
// world that kept its records (≈1 KB each) would need a gigabyte.
func TestMemoryFlatInRequests(t *testing.T) {
	if testing.Short() {
		t.Skip("10⁶ requests: several seconds")
	}
	small, smallAlloc := heapDuring(t, func() { runRequests(t, 10_000, 1, false, 1) })
	large, largeAlloc := heapDuring(t, func() { runRequests(t, 1_000_000, 1, false, 1) })
	t.Logf("peak HeapInuse: 10⁴ requests %.1f MB, 10⁶ %.1f MB; allocated %.0f MB and %.0f MB",
		float64(small)/1e6, float64(large)/1e6, float64(smallAlloc)/1e6, float64(largeAlloc)/1e6)
	if large > 3*max(small, 8<<20) {
		t.Errorf("peak heap %d B after 10⁶ requests, %d B after 10⁴: not flat in requests", large, small)
	}
}

// TestTenMillionRequestsUnderLimit runs 10⁷ requests in one world
// (outputs off) under a 64 MiB soft memory limit: the heap in use never
// goes past it (a world that kept its records would need ~10 GB).
func TestTenMillionRequestsUnderLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("10⁷ requests: about a minute")
	}
	const limit = 64 << 20
	old := debug.SetMemoryLimit(limit)
	defer debug.SetMemoryLimit(old)
	peak, _ := heapDuring(t, func() { runRequests(t, 10_000_000, 1, false, 1) })
	t.Logf("peak HeapInuse %.1f MB under a %d MiB limit", float64(peak)/1e6, limit>>20)
	if peak > limit {
		t.Errorf("peak heap %d B above the %d B limit", peak, limit)
	}
}

// TestStreamedCSVSameEverywhere writes worlds whose requests.csv rows pass
// csvSpillAt, at -j 1 (straight into the file) and -j 2 (the second world
// of each pair spools while the first writes): byte-identical files, and
// no spool left behind.
func TestStreamedCSVSameEverywhere(t *testing.T) {
	s := mustParse(t, requestsScenario(4000, 3, true))
	var files [][]byte
	for _, j := range []int{1, 2} {
		dir := t.TempDir()
		res, err := Run(context.Background(), s, Options{Out: dir, Workers: j})
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(res.Requests)
		if err != nil {
			t.Fatal(err)
		}
		if len(b)/3 < csvSpillAt {
			t.Fatalf("%d B of rows: a world does not pass csvSpillAt", len(b))
		}
		if n := bytes.Count(b, []byte("\n")); n != 1+3*4000 {
			t.Fatalf("-j %d: %d lines, want %d", j, n, 1+3*4000)
		}
		ents, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			if strings.HasSuffix(e.Name(), ".tmp") {
				t.Errorf("-j %d left %s", j, filepath.Join(dir, e.Name()))
			}
		}
		files = append(files, b)
	}
	if !bytes.Equal(files[0], files[1]) {
		t.Error("requests.csv differs between -j 1 and -j 2")
	}
}

// TestCSVSinkPaths drives a csvSink through its three paths: held in
// memory, spooled (not its turn), straight into requests.csv (its turn);
// requests.csv gets the rows in task order either way.
func TestCSVSinkPaths(t *testing.T) {
	dir := t.TempDir()
	out := &outputs{dir: dir}
	if err := out.open(true, formatCSV); err != nil {
		t.Fatal(err)
	}
	defer out.cleanup()
	order := &csvOrder{out: out}
	defer order.cleanup()
	row := func(task, size int) []byte { return bytes.Repeat([]byte{byte('a' + task)}, size) }
	sizes := []int{100, 3 * csvSpillAt, 2 * csvSpillAt} // 0 held, 1 spooled, 2 direct
	var sinks []*csvSink
	for i, n := range sizes[:2] {
		s := &csvSink{order: order, seq: i, buf: csvPool.Get().(*[]byte)}
		*s.buf = (*s.buf)[:0]
		for k := 0; k < n; k += 1000 {
			if _, err := s.Write(row(i, min(1000, n-k))); err != nil {
				t.Fatal(err)
			}
		}
		sinks = append(sinks, s)
	}
	if sinks[0].spool != nil || sinks[0].direct || sinks[1].spool == nil {
		t.Fatalf("task 0 spool %v direct %v, task 1 spool %v: want held, spooled", sinks[0].spool, sinks[0].direct, sinks[1].spool)
	}
	for i, s := range sinks {
		if err := s.writeTo(out); err != nil {
			t.Fatal(err)
		}
		order.advance(i)
	}
	s := &csvSink{order: order, seq: 2, buf: csvPool.Get().(*[]byte)}
	*s.buf = (*s.buf)[:0]
	for k := 0; k < sizes[2]; k += 1000 {
		if _, err := s.Write(row(2, min(1000, sizes[2]-k))); err != nil {
			t.Fatal(err)
		}
	}
	if !s.direct {
		t.Fatal("task 2 in its turn does not write straight into requests.csv")
	}
	if err := s.writeTo(out); err != nil {
		t.Fatal(err)
	}
	if len(order.spools) != 0 {
		t.Errorf("%d spool files left", len(order.spools))
	}
	if err := out.requests.w.Flush(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out.requests.f.Name())
	if err != nil {
		t.Fatal(err)
	}
	b = b[bytes.IndexByte(b, '\n')+1:] // the header
	var want []byte
	for i, n := range sizes {
		want = append(want, row(i, n)...)
	}
	if !bytes.Equal(b, want) {
		t.Errorf("requests.csv has %d B not in task order (want %d B)", len(b), len(want))
	}
}

// TestBuiltinsDeterministic: every built-in scenario, at its quick size
// with requests.csv, writes byte-identical files at -j 1 and -j 2 (the
// streamed records reach requests.csv and the statistics in task order
// either way).
func TestBuiltinsDeterministic(t *testing.T) {
	for _, name := range BuiltinNames() {
		t.Run(name, func(t *testing.T) {
			s, err := Builtin(name)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.ApplyQuick(); err != nil {
				t.Fatal(err)
			}
			s.Outputs.Requests = true
			var first [][]byte
			for _, j := range []int{1, 2} {
				dir := t.TempDir()
				runIn(t, s, dir, j)
				var files [][]byte
				for _, f := range []string{result.RequestsFile, result.SummaryCSVFile, result.SummaryFile} {
					files = append(files, readFile(t, filepath.Join(dir, f)))
				}
				if first == nil {
					first = files
					continue
				}
				for i, f := range []string{result.RequestsFile, result.SummaryCSVFile, result.SummaryFile} {
					if !bytes.Equal(files[i], first[i]) {
						t.Errorf("-j 2: %s differs from -j 1", f)
					}
				}
			}
		})
	}
}
