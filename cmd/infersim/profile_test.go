package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRunProfiles: --cpuprofile and --memprofile write pprof files
// (gzipped protocol buffers).
func TestRunProfiles(t *testing.T) {
	dir := t.TempDir()
	cpu, mem := filepath.Join(dir, "cpu.pprof"), filepath.Join(dir, "mem.pprof")
	if _, _, err := execute(t, "run", "--replications", "1", "--requests", "2", "--no-plots", "-q",
		"--out", filepath.Join(dir, "out"), "--cpuprofile", cpu, "--memprofile", mem); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{cpu, mem} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b, []byte{0x1f, 0x8b}) {
			t.Errorf("%s is not a gzipped profile (%d bytes)", f, len(b))
		}
	}
	if _, _, err := execute(t, "run", "--replications", "1", "--requests", "2", "--no-plots", "-q",
		"--out", filepath.Join(dir, "out2"), "--cpuprofile", filepath.Join(dir, "no", "such", "dir", "cpu")); err == nil || !strings.Contains(err.Error(), "--cpuprofile") {
		t.Errorf("unwritable --cpuprofile: %v", err)
	}
}

// TestRunCeiling: a run estimated above the ceiling asks for --yes and
// writes nothing; --dry-run prints the estimate and says so.
func TestRunCeiling(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "huge.yaml")
	src := `name: huge
replications: 100
models: [squeezenet-v1.0]
workload:
  modes: [cloud-gpu]
  requests: 100000000
outputs: {requests: false, plots: false}
`
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	_, _, err := execute(t, "run", file, "--out", out, "-q")
	if err == nil || !strings.Contains(err.Error(), "--yes") || !strings.Contains(err.Error(), "CPU time") {
		t.Fatalf("a run above the ceiling: %v", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a refused run left %s: %v", out, err)
	}
	plan, _, err := execute(t, "run", file, "--dry-run")
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"estimate: 300 worlds, 30G requests, 540G events", "above the ceiling (CPU time", "asks for --yes"} {
		if !strings.Contains(plan, w) {
			t.Errorf("dry run lacks %q:\n%s", w, plan)
		}
	}
}

// TestProgressCountsRequests: the bar counts the requests the run adds
// to its counter, against the estimate, and names the worlds merged.
func TestProgressCountsRequests(t *testing.T) {
	var buf bytes.Buffer
	p := &progress{w: &buf, on: true}
	n := p.start(1000)
	if n == nil {
		t.Fatal("no counter")
	}
	n.Add(1500) // past the estimate: the bar grows
	p.update(1, 4)
	time.Sleep(300 * time.Millisecond)
	p.finish()
	out := buf.String()
	for _, w := range []string{"requests", "1/4 worlds", "/1500,"} {
		if !strings.Contains(out, w) {
			t.Errorf("progress output lacks %q: %q", w, out)
		}
	}
	if q := newProgress(&buf, false); q.start(10) != nil {
		t.Error("a bar on a writer that is not a terminal")
	}
}
