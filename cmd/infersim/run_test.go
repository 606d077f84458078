package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/infersim/infersim/models"
	"github.com/infersim/infersim/result"
	"github.com/infersim/infersim/scenarios"
)

func TestRunQuick(t *testing.T) {
	dir := t.TempDir()
	out, stderr, err := execute(t, "run", "--replications", "1", "--requests", "2", "--no-plots", "--out", dir, "-j", "2")
	if err != nil {
		t.Fatal(err)
	}
	if want := "results in " + dir; !strings.Contains(stderr, want) {
		t.Errorf("stderr %q lacks %q", stderr, want)
	}
	for _, w := range []string{"guo2018: 1 point(s) × 1 replication(s)", "alexnet", "on-device-gpu", "squeezenet-v1.0", "latency", "%/start", "%/1k", "on-device-gpu  3840x2160  -      2  unsupported: the framework cannot run this model", "conclusions:", "lowest mean latency (warm): cloud-gpu"} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	// --quiet prints nothing but errors (it used to print the table).
	dir = t.TempDir()
	out, stderr, err = execute(t, "run", "--replications", "1", "--requests", "2", "--no-plots", "--quiet", "--out", dir, "-j", "2")
	if err != nil {
		t.Fatal(err)
	}
	if out != "" || stderr != "" {
		t.Errorf("--quiet printed %q on stdout and %q on stderr", out, stderr)
	}
	for _, f := range []string{result.RequestsFile, result.SummaryCSVFile, result.SummaryFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, result.ReportFile)); err == nil {
		t.Error("--no-plots wrote index.html")
	}
}

func TestRunWithPlotsAndTrace(t *testing.T) {
	dir := t.TempDir()
	scen := filepath.Join(dir, "s.yaml")
	os.WriteFile(scen, []byte("name: s\nmodels: [alexnet]\nworkload: {modes: [on-device-cpu, cloud-gpu], images: [{size: 960x540}], requests: 3}\n"), 0o644)
	tr := filepath.Join(dir, "t.json")
	_, stderr, err := execute(t, "run", scen, "--out", filepath.Join(dir, "out"), "--trace", tr, "--trace-cell", "1")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr, "trace in "+tr) || !strings.Contains(stderr, "results in "+filepath.Join(dir, "out")) {
		t.Errorf("stderr %q", stderr)
	}
	for _, f := range []string{result.ReportFile, filepath.Join(result.PlotsDir, "breakdown.png")} {
		if _, err := os.Stat(filepath.Join(dir, "out", f)); err != nil {
			t.Error(err)
		}
	}
	b, _ := os.ReadFile(tr)
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil || doc["traceEvents"] == nil {
		t.Errorf("trace: %v", err)
	}
}

func TestRunBadScenario(t *testing.T) {
	dir := t.TempDir()
	scen := filepath.Join(dir, "bad.yaml")
	os.WriteFile(scen, []byte("name: bad\nmodels: [alexnet]\nworkload:\n  modes: [cloud-gpu]\nnetwork:\n  uplink: {bandwith: 5Mbps}\n"), 0o644)
	out := filepath.Join(dir, "out")
	_, _, err := execute(t, "run", scen, "--out", out)
	if err == nil || !strings.Contains(err.Error(), scen+`:6: network.uplink.bandwith: unknown field (did you mean "bandwidth"?)`) {
		t.Fatalf("err %v", err)
	}
	var ec exitCoder
	if !errors.As(err, &ec) || ec.ExitCode() != 2 {
		t.Errorf("exit code: %v", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Error("a failed validation wrote the output directory")
	}
	_, _, err = execute(t, "run", "gou2018")
	if err == nil || !strings.Contains(err.Error(), `did you mean "guo2018"?`) {
		t.Errorf("unknown builtin: %v", err)
	}
}

func TestRunDryRun(t *testing.T) {
	out, _, err := execute(t, "run", "--dry-run", "--replications", "3")
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"scenario guo2018 (builtin:guo2018.yaml)", "1 point(s) × 36 cells × 3 replication(s) = 108 worlds, 1620 requests", "point 0: no sweep — 36 cells"} {
		if !strings.Contains(out, w) {
			t.Errorf("dry run lacks %q:\n%s", w, out)
		}
	}
}

func TestScenariosCmd(t *testing.T) {
	out, _, err := execute(t, "scenarios")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "guo2018 (default)") || !strings.Contains(out, "1 × 36 × 10") {
		t.Errorf("scenarios:\n%s", out)
	}
	out, _, err = execute(t, "scenarios", "show", "guo2018")
	if err != nil || !strings.Contains(out, "name: guo2018") || !strings.Contains(out, "# The study's experiment") {
		t.Errorf("show: %v\n%s", err, out)
	}
	if _, _, err := execute(t, "scenarios", "show", "nope"); err == nil {
		t.Error("show nope: no error")
	}
}

func TestSchemaCmd(t *testing.T) {
	out, _, err := execute(t, "schema")
	if err != nil {
		t.Fatal(err)
	}
	var s map[string]any
	if err := json.Unmarshal([]byte(out), &s); err != nil || s["$schema"] == nil {
		t.Fatalf("schema: %v", err)
	}
	out, _, err = execute(t, "schema", "--fields")
	if err != nil || !strings.Contains(out, "| `network.uplink.bandwidth` |") {
		t.Errorf("--fields: %v\n%.200s", err, out)
	}
}

func TestRunKernelProfile(t *testing.T) {
	dir := t.TempDir()
	kp := filepath.Join(dir, "host.yaml")
	f, err := os.Create(kp)
	if err != nil {
		t.Fatal(err)
	}
	if err := models.DefaultProfile().Write(f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	out := filepath.Join(dir, "out")
	if _, _, err := execute(t, "run", "--kernel-profile", kp, "--replications", "1", "--requests", "1", "--no-plots", "--quiet", "--out", out); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(out, result.SummaryFile))
	if !strings.Contains(string(b), `"kernel_profile": "`+kp+`"`) {
		t.Errorf("summary.json does not name the kernel profile %s", kp)
	}
	if _, _, err := execute(t, "run", "--kernel-profile", filepath.Join(dir, "none.yaml"), "--dry-run"); err != nil {
		t.Errorf("--dry-run reads no kernel profile: %v", err)
	}
	if _, _, err := execute(t, "run", "--kernel-profile", filepath.Join(dir, "none.yaml"), "--out", out); err == nil {
		t.Error("a missing kernel profile is not an error")
	}
}

// TestRunQuickWhatIf runs a built-in what-if at its quick size: the
// scenario's quick section sets the points and replications, the outputs
// and charts are written, and the conclusion lines are printed after the
// table, as summary.json stores them.
func TestRunQuickWhatIf(t *testing.T) {
	const name = "bandwidth-sweep"
	want, err := scenarios.Resolve(name)
	if err != nil {
		t.Fatal(err)
	}
	if !want.HasQuick() || len(want.Conclusions) == 0 {
		t.Fatalf("%s has no quick section or no conclusions", name)
	}
	if err := want.ApplyQuick(); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	out, stderr, err := execute(t, "run", name, "--quick", "--out", dir, "-j", "2")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(stderr, "results in "+dir) {
		t.Errorf("stderr: %q", stderr)
	}
	head := fmt.Sprintf("%s: %d point(s) × %d replication(s)\n", name, want.Points(), want.Replications)
	if !strings.HasPrefix(out, head) {
		t.Errorf("output does not start with %q:\n%.300s", head, out)
	}
	for _, f := range []string{result.RequestsFile, result.SummaryCSVFile, result.SummaryFile, result.ReportFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	if sweeps, _ := filepath.Glob(filepath.Join(dir, result.PlotsDir, "sweep-*.png")); len(sweeps) == 0 {
		t.Error("no sweep chart drawn")
	}
	f, err := os.Open(filepath.Join(dir, result.SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	run, err := result.ReadRunJSON(f, result.SummaryFile)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if run.Replications != want.Replications || len(run.Points) != want.Points() || !run.Complete {
		t.Errorf("summary.json: %d replications, %d points, complete %v; want %d, %d, true",
			run.Replications, len(run.Points), run.Complete, want.Replications, want.Points())
	}
	_, printed, ok := strings.Cut(out, "\nconclusions:\n")
	if !ok {
		t.Fatalf("no conclusions printed:\n%s", out)
	}
	// Each conclusion is a line "  - SENTENCE", its table indented under it.
	var lines []string
	for _, l := range strings.Split(strings.TrimSuffix(printed, "\n"), "\n") {
		if strings.HasPrefix(l, "  - ") {
			lines = append(lines, l)
		} else if !strings.HasPrefix(l, "      ") {
			t.Errorf("conclusions: line %q is neither a sentence nor under one", l)
		}
	}
	if len(lines) != len(want.Conclusions) || len(run.Conclusions) != len(lines) || len(run.ConclusionDetails) != len(lines) {
		t.Fatalf("%d conclusion lines printed, %d in summary.json (%d with details), %d in the scenario:\n%s", len(lines), len(run.Conclusions), len(run.ConclusionDetails), len(want.Conclusions), printed)
	}
	for i, l := range lines {
		if l != "  - "+run.Conclusions[i] {
			t.Errorf("conclusion %d printed %q, summary.json has %q", i, l, run.Conclusions[i])
		}
		if strings.Contains(l, "no data") {
			t.Errorf("conclusion %d has no data: %s", i, l)
		}
	}
}
