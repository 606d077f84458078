package main

// Issue 13: shards run as separate processes and merged, and runs
// resumed after SIGKILL, compared byte for byte with single runs.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/infersim/infersim/result"
	"github.com/infersim/infersim/scenarios"
)

// sweepArgs is a built-in sweep at its quick size.
var sweepArgs = []string{"run", "bandwidth-sweep", "--quick", "-q"}

// sameResult checks that got holds the files of want, byte for byte, and
// the same manifest but for its run id.
func sameResult(t *testing.T, what, got, want string) {
	t.Helper()
	g, w := snapshot(t, got), snapshot(t, want)
	for name, b := range w {
		if name == "/"+result.ManifestFile {
			continue
		}
		if g[name] != b {
			t.Errorf("%s: %s differs (%d bytes, want %d)", what, name, len(g[name]), len(b))
		}
	}
	for name := range g {
		if _, ok := w[name]; !ok {
			t.Errorf("%s: %s is not in %s", what, name, want)
		}
	}
	gm, wm := checkSet(t, got), checkSet(t, want)
	gm.RunID, wm.RunID = "", ""
	if fmt.Sprint(gm) != fmt.Sprint(wm) {
		t.Errorf("%s: manifest %+v, want %+v", what, gm, wm)
	}
}

// runEnv runs the binary with extra environment variables; it must
// succeed.
func runEnv(t *testing.T, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command(infersimBin(t), args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("infersim %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func TestShardsMergedAsOneRun(t *testing.T) {
	dir := t.TempDir()
	ref1, ref2 := filepath.Join(dir, "ref-j1"), filepath.Join(dir, "ref-j2")
	runEnv(t, nil, args(sweepArgs, "-j", "1", "--out", ref1)...)
	runEnv(t, nil, args(sweepArgs, "-j", "2", "--out", ref2)...)
	sameResult(t, "-j 2", ref2, ref1)
	shardsOf := map[int][]string{}
	for _, n := range []int{1, 3, 7} {
		var dirs []string
		for i := 0; i < n; i++ {
			d := filepath.Join(dir, fmt.Sprintf("shards-%d", n))
			// Each shard its own process, its index given three ways.
			switch i % 3 {
			case 0:
				runEnv(t, nil, args(sweepArgs, "--shard", fmt.Sprintf("%d/%d", i, n), "--out", d, "-j", "1")...)
			case 1:
				runEnv(t, []string{fmt.Sprintf("JOB_COMPLETION_INDEX=%d", i)}, args(sweepArgs, "--shard", fmt.Sprintf("auto/%d", n), "--out", d)...)
			case 2:
				runEnv(t, []string{fmt.Sprintf("SLURM_ARRAY_TASK_ID=%d", i)}, args(sweepArgs, "--shard", fmt.Sprintf("auto/%d", n), "--out", d)...)
			}
			dirs = append(dirs, filepath.Join(d, fmt.Sprintf("%d-of-%d", i, n)))
		}
		shardsOf[n] = dirs
		out := filepath.Join(dir, fmt.Sprintf("merged-%d", n))
		runEnv(t, nil, append([]string{"merge", "-q", "--out", out}, dirs...)...)
		sameResult(t, fmt.Sprintf("%d shards merged", n), out, ref1)
	}
	// A folder of shard folders.
	out := filepath.Join(dir, "merged-folder")
	runEnv(t, nil, "merge", "-q", "--out", out, filepath.Join(dir, "shards-7"))
	sameResult(t, "a folder of 7 shards merged", out, ref1)

	three := shardsOf[3]
	// Another scenario's shard 1/3 (the same sweep with another seed).
	other := filepath.Join(dir, "other.yaml")
	y, err := scenarios.BuiltinYAML("bandwidth-sweep")
	if err != nil {
		t.Fatal(err)
	}
	y = regexp.MustCompile(`(?m)^seed: .*$`).ReplaceAll(y, []byte("seed: 99"))
	if err := os.WriteFile(other, y, 0o644); err != nil {
		t.Fatal(err)
	}
	otherShard := filepath.Join(dir, "other", "x")
	runEnv(t, nil, "run", other, "--quick", "-q", "--shard", "1/3", "--out", filepath.Dir(otherShard))
	otherShard = filepath.Join(filepath.Dir(otherShard), "1-of-3")
	for _, tc := range []struct {
		name string
		dirs []string
		want []string
	}{
		{"missing", []string{three[0], three[2]}, []string{"missing shard 1/3 (worlds"}},
		{"duplicate", []string{three[0], three[1], three[2], three[1]}, []string{"shard 1/3 is both " + three[1] + " and " + three[1]}},
		{"other scenario", []string{three[0], otherShard, three[2]}, []string{otherShard + " (shard 1/3) is a shard of scenario bandwidth-sweep (sha256"}},
		{"not a shard", []string{three[0], ref1}, []string{ref1 + " is not a shard folder"}},
	} {
		bad := filepath.Join(dir, "bad")
		code, stderr := runBin(t, append([]string{"merge", "-q", "--out", bad}, tc.dirs...)...)
		if code == 0 {
			t.Errorf("%s: merged", tc.name)
		}
		for _, w := range tc.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%s: stderr %q, want %q", tc.name, stderr, w)
			}
		}
		if _, err := os.Stat(bad); !os.IsNotExist(err) {
			t.Errorf("%s: %s written", tc.name, bad)
		}
	}
}

// TestResumeAfterKill: a run killed (SIGKILL) at several points, or
// stopped by SIGINT, and resumed, writes the result of a run never
// stopped; a scenario edited in between is refused and the journal kept.
func TestResumeAfterKill(t *testing.T) {
	dir := t.TempDir()
	ref := filepath.Join(dir, "ref")
	runEnv(t, nil, args(sweepArgs, "-j", "1", "--out", ref)...)
	// The journal of a whole run is the worlds file of shard 0/1.
	whole := filepath.Join(dir, "whole")
	runEnv(t, nil, args(sweepArgs, "--shard", "0/1", "--out", whole)...)
	whole = filepath.Join(whole, "0-of-1")
	fi, err := os.Stat(filepath.Join(whole, scenarios.WorldsFile))
	if err != nil {
		t.Fatal(err)
	}
	size := fi.Size()
	journalOver := func(out string, n int64) func() bool {
		return func() bool {
			for _, s := range stagings(out) {
				if fi, err := os.Stat(filepath.Join(s, scenarios.WorldsFile)); err == nil && fi.Size() > n {
					return true
				}
			}
			return false
		}
	}
	for _, tc := range []struct {
		name string
		when func(out string) func() bool
		sig  syscall.Signal
	}{
		{"at the start", func(out string) func() bool { return journalOver(out, 0) }, syscall.SIGKILL},
		{"after the first worlds", func(out string) func() bool { return journalOver(out, size/10) }, syscall.SIGKILL},
		{"half-way", func(out string) func() bool { return journalOver(out, size/2) }, syscall.SIGKILL},
		{"drawing the charts", func(out string) func() bool { return stagingWith(out, ".svg") }, syscall.SIGKILL},
		{"by SIGINT half-way", func(out string) func() bool { return journalOver(out, size/2) }, syscall.SIGINT},
	} {
		out := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-"))
		p := start(t, args(sweepArgs, "-j", "1", "--out", out)...)
		p.waitFor(t, tc.name, tc.when(out))
		p.cmd.Process.Signal(tc.sig)
		p.wait(t)
		// Twice when killed: the first resume killed too, at its start.
		if tc.sig == syscall.SIGKILL && tc.name == "half-way" {
			p := start(t, args(sweepArgs, "-j", "1", "--resume", out)...)
			p.waitFor(t, "the resume's start", func() bool { return len(stagings(out)) == 1 && journalOver(out, size/2)() })
			p.cmd.Process.Kill()
			p.wait(t)
		}
		runEnv(t, nil, args(sweepArgs, "-j", "2", "--resume", out)...)
		sameResult(t, "resumed after "+tc.name, out, ref)
		if left := stagings(out); len(left) > 0 {
			t.Errorf("%s: left %v", tc.name, left)
		}
	}
	// Edited between the runs: refused, and the journal is kept for the
	// right scenario.
	out := filepath.Join(dir, "edited")
	p := start(t, args(sweepArgs, "-j", "1", "--out", out)...)
	p.waitFor(t, "half-way", journalOver(out, size/2))
	p.cmd.Process.Kill()
	p.wait(t)
	code, stderr := runBin(t, "run", "bandwidth-sweep", "--quick", "--replications", "3", "-q", "--resume", out)
	if code == 0 || !strings.Contains(stderr, "the scenario was edited, or run with other --quick, --replications or --requests") {
		t.Errorf("edited: exit %d, %s", code, stderr)
	}
	runEnv(t, nil, args(sweepArgs, "--resume", out)...)
	sameResult(t, "resumed after a refused resume", out, ref)
	// Nothing to resume.
	code, stderr = runBin(t, args(sweepArgs, "--resume", ref)...)
	if code == 0 || !strings.Contains(stderr, "holds a complete result") {
		t.Errorf("complete: exit %d, %s", code, stderr)
	}
}
