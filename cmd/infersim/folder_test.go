package main

// Regression tests of issue 18, "the results folder" (findings 1–6): the
// infersim binary run as a subprocess, stopped by real signals.

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/infersim/infersim/result"
)

var (
	buildOnce sync.Once
	binDir    string
	binPath   string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// infersimBin builds the infersim binary once for the package's tests.
func infersimBin(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		if binDir, buildErr = os.MkdirTemp("", "infersim-bin-"); buildErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "infersim")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = errors.New(string(out))
		}
	})
	if buildErr != nil {
		t.Fatalf("building infersim: %v", buildErr)
	}
	return binPath
}

// proc is an infersim subprocess.
type proc struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
	done           chan struct{}
	err            error
}

func start(t *testing.T, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(infersimBin(t), args...), done: make(chan struct{})}
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// wait waits for the process and returns its exit code (-1 when a signal
// ended it).
func (p *proc) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(5 * time.Minute):
		t.Fatal("infersim did not exit")
	}
	var ee *exec.ExitError
	if errors.As(p.err, &ee) {
		return ee.ExitCode()
	}
	if p.err != nil {
		t.Fatal(p.err)
	}
	return 0
}

func runBin(t *testing.T, args ...string) (int, string) {
	t.Helper()
	p := start(t, args...)
	code := p.wait(t)
	return code, p.stderr.String()
}

// waitFor polls cond until it holds; the process must still be running.
func (p *proc) waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for i := 0; ; i++ {
		if cond() {
			return
		}
		select {
		case <-p.done:
			t.Fatalf("infersim exited before %s: %v\n%s", what, p.err, p.stderr.String())
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// stagings lists the staging folders beside out.
func stagings(out string) []string {
	m, _ := filepath.Glob(filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+".staging-*"))
	return m
}

// stagingWith returns a condition: a staging folder of out holds a file
// whose name contains part.
func stagingWith(out, part string) func() bool {
	return func() bool {
		for _, s := range stagings(out) {
			found := false
			filepath.WalkDir(s, func(p string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() && strings.Contains(filepath.Base(p), part) {
					found = true
				}
				return nil
			})
			if found {
				return true
			}
		}
		return false
	}
}

// checkSet checks that dir is a result set whose manifest names exactly
// its files, with their sizes and hashes, and returns the manifest.
func checkSet(t *testing.T, dir string) *result.Manifest {
	t.Helper()
	m, err := result.ReadManifestDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Verify(dir); err != nil {
		t.Fatal(err)
	}
	files, err := result.ScanFiles(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(files, m.Files) {
		t.Errorf("%s: the manifest names %v, the folder holds %v", dir, m.Names(), (&result.Manifest{Files: files}).Names())
	}
	return m
}

// snapshot reads every file under dir.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	s := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		s[strings.TrimPrefix(p, dir)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var (
	quickArgs = []string{"run", "--replications", "1", "--requests", "2", "-q"}
	// longArgs is a run that takes minutes: the tests stop it.
	longArgs = []string{"run", "--replications", "10", "--requests", "100000", "-j", "1", "-q", "--no-plots"}
)

func args(base []string, more ...string) []string {
	return append(append([]string{}, base...), more...)
}

// TestSignalFirstRun (findings 4, 6): SIGTERM, SIGHUP or SIGINT during a
// first run leave a folder whose manifest says complete: false and names
// exactly its files; no staging folder or temporary file is left; the
// exit status is 128 + the signal.
func TestSignalFirstRun(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			p := start(t, args(longArgs, "--out", out)...)
			p.waitFor(t, "staging", stagingWith(out, ".tmp"))
			p.cmd.Process.Signal(sig)
			if code := p.wait(t); code != 128+int(sig) {
				t.Errorf("exit status %d, want %d; stderr:\n%s", code, 128+int(sig), p.stderr.String())
			}
			m := checkSet(t, out)
			if m.Complete {
				t.Error("an interrupted run's manifest says complete")
			}
			for _, f := range []string{result.SummaryFile, result.SummaryCSVFile, result.RequestsFile} {
				if !m.Has(f) {
					t.Errorf("the interrupted run has no %s", f)
				}
			}
			f, err := os.Open(filepath.Join(out, result.SummaryFile))
			if err != nil {
				t.Fatal(err)
			}
			run, err := result.ReadRunJSON(f, result.SummaryFile)
			f.Close()
			if err != nil || run.Complete {
				t.Errorf("summary.json: complete %v, %v", run != nil && run.Complete, err)
			}
			if s := stagings(out); s != nil {
				t.Errorf("left %v", s)
			}
		})
	}
}

// TestInterruptedRerunKeepsPrevious (finding 4): SIGTERM during a re-run
// keeps the previous complete result, byte for byte.
func TestInterruptedRerunKeepsPrevious(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	if code, stderr := runBin(t, args(quickArgs, "--out", out)...); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	before := snapshot(t, out)
	p := start(t, args(longArgs, "--out", out)...)
	p.waitFor(t, "staging", stagingWith(out, ".tmp"))
	p.cmd.Process.Signal(syscall.SIGTERM)
	if code := p.wait(t); code != 143 {
		t.Errorf("exit %d", code)
	}
	if !strings.Contains(p.stderr.String(), "previous complete result is kept") {
		t.Errorf("stderr does not say the previous result is kept:\n%s", p.stderr.String())
	}
	if after := snapshot(t, out); !reflect.DeepEqual(before, after) {
		t.Error("the interrupted re-run changed the previous complete result")
	}
	if !checkSet(t, out).Complete {
		t.Error("the kept result is not complete")
	}
}

// TestKilledRunThenRerun (findings 4, 6): kill -9 while writing data, and
// while drawing charts, leaves the previous result whole; the next run
// removes the killed run's staging folder and commits.
func TestKilledRunThenRerun(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	if code, stderr := runBin(t, args(quickArgs, "--out", out)...); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	before := snapshot(t, out)
	first := checkSet(t, out)

	p := start(t, args(longArgs, "--out", out)...)
	p.waitFor(t, "requests.csv written", func() bool {
		for _, s := range stagings(out) {
			m, _ := filepath.Glob(filepath.Join(s, ".requests.csv.*.tmp"))
			for _, f := range m {
				if fi, err := os.Stat(f); err == nil && fi.Size() > 0 {
					return true
				}
			}
		}
		return false
	})
	p.cmd.Process.Signal(syscall.SIGKILL)
	p.wait(t)
	if after := snapshot(t, out); !reflect.DeepEqual(before, after) {
		t.Error("kill -9 mid-write changed the previous result")
	}
	if len(stagings(out)) != 1 {
		t.Fatalf("staging folders after kill -9: %v", stagings(out))
	}

	// kill -9 while charting: a run with plots, killed once its charts
	// are being written (if it finishes first, the result must be whole).
	p = start(t, "run", "--replications", "3", "--requests", "20", "-q", "--out", out)
	charting := stagingWith(out, ".png")
	killed := false
	for !killed {
		select {
		case <-p.done:
		case <-time.After(2 * time.Millisecond):
			if charting() {
				p.cmd.Process.Signal(syscall.SIGKILL)
				killed = true
			}
			continue
		}
		break
	}
	p.wait(t)
	if m := checkSet(t, out); killed && m.RunID != first.RunID {
		t.Errorf("kill -9 while charting: run %s in the folder, want %s", m.RunID, first.RunID)
	} else if !killed {
		t.Logf("the run finished before its charts were seen; its result is whole (run %s)", m.RunID)
	}

	code, stderr := runBin(t, "run", "--replications", "1", "--requests", "2", "--out", out)
	if code != 0 {
		t.Fatalf("re-run: exit %d: %s", code, stderr)
	}
	if killed && !strings.Contains(stderr, "left by an earlier run that did not finish") {
		t.Errorf("the re-run does not say it cleaned up:\n%s", stderr)
	}
	if s := stagings(out); s != nil {
		t.Errorf("stale staging folders kept: %v", s)
	}
	if m := checkSet(t, out); m.RunID == first.RunID || !m.Complete {
		t.Errorf("re-run: run %s complete %v", m.RunID, m.Complete)
	}
}

// TestRacingRuns (finding 3): a second run into a folder another run is
// writing is refused at once, and the first run's result is its own.
func TestRacingRuns(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	a := start(t, args(longArgs, "--out", out)...)
	a.waitFor(t, "staging", stagingWith(out, ".tmp"))
	code, stderr := runBin(t, args(quickArgs, "--out", out)...)
	if code != 1 || !strings.Contains(stderr, "another infersim run is writing "+out) {
		t.Errorf("second run: exit %d, stderr %q", code, stderr)
	}
	a.cmd.Process.Signal(syscall.SIGTERM)
	a.wait(t)
	m := checkSet(t, out)
	if m.Complete || len(stagings(out)) != 0 {
		t.Errorf("first run's set: complete %v, staging %v", m.Complete, stagings(out))
	}
}

// TestFullDisk (finding 2): a run that fills the disk fails with a clear
// error and leaves the previous result whole. Needs root (a small tmpfs).
func TestFullDisk(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", mnt).Run() })
	out := filepath.Join(mnt, "out")
	if code, stderr := runBin(t, args(quickArgs, "--out", out, "--no-plots")...); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	before := snapshot(t, out)
	code, stderr := runBin(t, "run", "--replications", "2", "--requests", "500", "-q", "--out", out)
	if code == 0 || !strings.Contains(stderr, "no space left on device") || !strings.Contains(stderr, out+" is left as it was") {
		t.Errorf("full disk: exit %d, stderr %q", code, stderr)
	}
	if after := snapshot(t, out); !reflect.DeepEqual(before, after) {
		t.Error("the failed run changed the previous result")
	}
	checkSet(t, out)
	if s := stagings(out); s != nil {
		t.Errorf("the failed run left %v", s)
	}
}

// TestNewRunUsesOnlyItsFiles (finding 1): a run with outputs.requests
// false into the folder of a run that wrote requests.csv and trace.json
// leaves neither, and its report has no CDF or timeline from old data;
// `infersim plot` draws none either.
func TestNewRunUsesOnlyItsFiles(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	if code, stderr := runBin(t, args(quickArgs, "--out", out, "--trace", filepath.Join(out, "trace.json"))...); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	old := checkSet(t, out)
	for _, f := range []string{result.RequestsFile, result.TraceFile, "plots/cdf.png", "plots/timeline.png"} {
		if !old.Has(f) {
			t.Fatalf("the first run has no %s: %v", f, old.Names())
		}
	}
	scen := filepath.Join(dir, "small.yaml")
	os.WriteFile(scen, []byte("name: small\nmodels: [alexnet]\nworkload: {modes: [cloud-gpu], images: [{size: 960x540}], requests: 3}\noutputs: {requests: false}\n"), 0o644)
	if code, stderr := runBin(t, "run", scen, "--out", out, "-q"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	m := checkSet(t, out)
	for _, f := range []string{result.RequestsFile, result.TraceFile, "plots/cdf.png", "plots/timeline.png"} {
		if m.Has(f) {
			t.Errorf("the second run's set names %s", f)
		}
		if _, err := os.Stat(filepath.Join(out, f)); err == nil {
			t.Errorf("%s of the first run is still in the folder", f)
		}
	}
	page, err := os.ReadFile(filepath.Join(out, result.ReportFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"cdf.", "timeline.", "squeezenet", "on-device-gpu"} {
		if bytes.Contains(page, []byte(w)) {
			t.Errorf("index.html of the second run mentions %q", w)
		}
	}
	p := start(t, "plot", out)
	if code := p.wait(t); code != 0 {
		t.Fatalf("plot: exit %d: %s", code, p.stderr.String())
	}
	if strings.Contains(p.stdout.String(), "cdf") || strings.Contains(p.stdout.String(), "timeline") {
		t.Errorf("plot drew from old files:\n%s", p.stdout.String())
	}
	if m2 := checkSet(t, out); m2.RunID == m.RunID {
		t.Error("the redraw did not write a new manifest")
	}
}

// TestUserFolderRefused (finding 5): a non-empty folder without a
// manifest is refused, untouched, with a message saying what is there and
// how to proceed; with --force the user's files are kept (one whose name
// a result file takes is moved to BASE.kept-RUNID, not overwritten).
func TestUserFolderRefused(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "mine")
	os.MkdirAll(filepath.Join(out, "plots"), 0o755)
	user := map[string]string{"summary.csv": "my own table\n", "index.html": "<p>my page</p>", "plots/breakdown.png": "my chart", "notes.txt": "keep me"}
	for f, c := range user {
		os.WriteFile(filepath.Join(out, filepath.FromSlash(f)), []byte(c), 0o644)
	}
	before := snapshot(t, out)
	code, stderr := runBin(t, args(quickArgs, "--out", out)...)
	if code != 1 {
		t.Errorf("exit %d", code)
	}
	for _, w := range []string{out + " is not empty and has no manifest.json", "summary.csv", "notes.txt", "nothing was written", "--force", "another --out"} {
		if !strings.Contains(stderr, w) {
			t.Errorf("the refusal lacks %q:\n%s", w, stderr)
		}
	}
	if after := snapshot(t, out); !reflect.DeepEqual(before, after) {
		t.Error("the refused run changed the folder")
	}
	if s := stagings(out); s != nil {
		t.Errorf("left %v", s)
	}

	code, stderr = runBin(t, "run", "--replications", "1", "--requests", "2", "--out", out, "--force")
	if code != 0 {
		t.Fatalf("--force: exit %d: %s", code, stderr)
	}
	m, err := result.ReadManifestDir(out) // notes.txt is in the folder, not in the set
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Verify(out); err != nil {
		t.Error(err)
	}
	if m.Has("notes.txt") {
		t.Error("the manifest names the user's notes.txt")
	}
	if b, _ := os.ReadFile(filepath.Join(out, "notes.txt")); string(b) != "keep me" {
		t.Errorf("notes.txt: %q", b)
	}
	kept, _ := filepath.Glob(filepath.Join(dir, "mine.kept-*"))
	if len(kept) != 1 || !strings.Contains(stderr, kept[0]) {
		t.Fatalf("kept folders %v; stderr:\n%s", kept, stderr)
	}
	for _, f := range []string{"summary.csv", "index.html", "plots/breakdown.png"} {
		if b, _ := os.ReadFile(filepath.Join(kept[0], filepath.FromSlash(f))); string(b) != user[f] {
			t.Errorf("the user's %s: %q, want %q", f, b, user[f])
		}
	}
}

// TestStaleStagingCleaned (finding 6): a later run removes the staging
// folders earlier runs left (name pattern and marker) and nothing else.
func TestStaleStagingCleaned(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	ours := filepath.Join(dir, ".out.staging-20260101T000000Z-deadbeef")
	notOurs := filepath.Join(dir, ".out.staging-20260101T000000Z-00000000")
	other := filepath.Join(dir, ".out.staging-mine")
	for _, d := range []string{ours, notOurs, other} {
		os.MkdirAll(d, 0o755)
		os.WriteFile(filepath.Join(d, ".requests.csv.123.tmp"), make([]byte, 1<<20), 0o644)
	}
	os.WriteFile(filepath.Join(ours, ".infersim-staging"), []byte("20260101T000000Z-deadbeef\n"), 0o644)
	os.WriteFile(filepath.Join(other, ".infersim-staging"), []byte("x\n"), 0o644)
	code, stderr := runBin(t, "run", "--replications", "1", "--requests", "2", "--no-plots", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(ours); !os.IsNotExist(err) {
		t.Errorf("the stale staging folder is still there (%v)", err)
	}
	if !strings.Contains(stderr, "removed "+ours) {
		t.Errorf("stderr does not say what was removed:\n%s", stderr)
	}
	for _, d := range []string{notOurs, other} {
		if _, err := os.Stat(filepath.Join(d, ".requests.csv.123.tmp")); err != nil {
			t.Errorf("removed a folder infersim cannot tell is its own: %v", err)
		}
	}
	checkSet(t, out)
}
