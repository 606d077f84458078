package main

import (
	"context"

	"github.com/infersim/infersim/scenarios"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkSideBySide runs two infersim binaries, $INFERSIM_BEFORE and
// $INFERSIM_AFTER (skipped unless both are set), alternately on the same
// case, b.N times each, and reports each one's CPU time (user + system),
// peak RSS and output size and the after/before ratios: the before → after
// figures of scenarios/BENCHMARKS.md, measured side by side in one run on
// a shared machine. The cases are the rows of issue 19's table:
// $INFERSIM_BENCH_DIR holds their scenarios (default scenarios/testdata):
//
//	req1e6      one phone, 10⁶ SqueezeNet requests in the cloud GPU, outputs off
//	req1e6csv   the same with requests.csv (charts off: no chart reads it)
//	phones1e5   10⁵ crowded-cloud phones (the schema's maximum), six requests each
//	guo2018     the default run, charts included
//
// Run one case at a time (-bench 'SideBySide/guo2018'): the heavy ones
// take minutes per iteration.
func BenchmarkSideBySide(b *testing.B) {
	before, after := os.Getenv("INFERSIM_BEFORE"), os.Getenv("INFERSIM_AFTER")
	if before == "" || after == "" {
		b.Skip("set INFERSIM_BEFORE and INFERSIM_AFTER to two infersim binaries")
	}
	dir := os.Getenv("INFERSIM_BENCH_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "scenarios", "testdata")
	}
	cases := []struct {
		name string
		args []string
	}{
		{"req1e6", []string{filepath.Join(dir, "bench-req1e6.yaml"), "--no-plots"}},
		{"req1e6csv", []string{filepath.Join(dir, "bench-req1e6-csv.yaml"), "--no-plots"}},
		{"phones1e5", []string{filepath.Join(dir, "bench-phones1e5.yaml"), "--no-plots"}},
		{"guo2018", nil},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var cpu [2]time.Duration
			var rss, size [2]int64
			for i := 0; i < b.N; i++ {
				for k, bin := range []string{before, after} {
					out := filepath.Join(b.TempDir(), "out")
					args := append([]string{"run", "-j", "1", "-q", "--out", out}, c.args...)
					cmd := exec.Command(bin, args...)
					cmd.Stderr = os.Stderr
					if err := cmd.Run(); err != nil {
						b.Fatalf("%s %v: %v", bin, args, err)
					}
					st := cmd.ProcessState
					cpu[k] += st.UserTime() + st.SystemTime()
					rss[k] = max(rss[k], maxRSS(st))
					size[k] = max(size[k], dirSize(out))
					os.RemoveAll(out)
				}
			}
			n := float64(b.N)
			b.ReportMetric(cpu[0].Seconds()/n, "before-cpu-s")
			b.ReportMetric(cpu[1].Seconds()/n, "after-cpu-s")
			b.ReportMetric(float64(cpu[1])/float64(cpu[0]), "cpu-ratio")
			b.ReportMetric(float64(rss[0])/1e6, "before-rss-MB")
			b.ReportMetric(float64(rss[1])/1e6, "after-rss-MB")
			b.ReportMetric(float64(size[0])/1e6, "before-out-MB")
			b.ReportMetric(float64(size[1])/1e6, "after-out-MB")
		})
	}
}

// dirSize is the bytes of the files under dir.
func dirSize(dir string) int64 {
	var n int64
	filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			n += fi.Size()
		}
		return nil
	})
	return n
}

// BenchmarkDefaultCharts draws the default run's (guo2018) charts and
// index.html, the part of `infersim run` that issue 19 found to be 70 %
// of its CPU time; the run itself is simulated once, outside the timing.
// cpu-s/op (this process's CPU time) is the figure to compare on a shared
// machine.
func BenchmarkDefaultCharts(b *testing.B) {
	s, err := scenarios.Resolve("")
	if err != nil {
		b.Fatal(err)
	}
	res, err := scenarios.Run(context.Background(), s, scenarios.Options{Out: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	cpu0 := processCPU()
	for b.Loop() {
		if err := drawPlots(res); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((processCPU()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
}
