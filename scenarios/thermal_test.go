package scenarios

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/infersim/infersim/result"
)

// sustainedQuick runs the sustained-load what-if at its quick size with
// the given workers.
func sustainedQuick(t *testing.T, workers int) string {
	t.Helper()
	s, err := Builtin("sustained-load")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ApplyQuick(); err != nil {
		t.Fatal(err)
	}
	s.Outputs.Plots = false
	dir := t.TempDir()
	runIn(t, s, dir, workers)
	return dir
}

// TestSustainedLoadDeterminism: -j 1 and -j 2 give byte-identical
// summary.csv, thermal.csv and thermal-summary.csv; thermal-summary.csv
// matches testdata/golden/sustained-load.thermal-summary.csv (-rewrite).
func TestSustainedLoadDeterminism(t *testing.T) {
	a, b := sustainedQuick(t, 1), sustainedQuick(t, 2)
	for _, f := range []string{result.SummaryCSVFile, ThermalFile, ThermalSummaryFile} {
		x, y := readFile(t, filepath.Join(a, f)), readFile(t, filepath.Join(b, f))
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between -j 1 and -j 2\n%s", f, firstDiff(string(x), string(y)))
		}
	}
	got := readFile(t, filepath.Join(a, ThermalSummaryFile))
	golden := filepath.Join("testdata", "golden", "sustained-load.thermal-summary.csv")
	if *rewrite {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	} else if want, err := os.ReadFile(golden); err != nil {
		t.Errorf("%v (run with -rewrite to create it)", err)
	} else if !bytes.Equal(got, want) {
		t.Errorf("%s differs from %s\n%s", ThermalSummaryFile, golden, firstDiff(string(want), string(got)))
	}
	checkSustained(t, got)
}

// checkSustained asserts what the physics fixes: the CPU throttles in the
// first minute and is slower in the last minute than in the first, sooner
// and more so at 35 °C; the cloud's phone never throttles and keeps its
// latency.
func checkSustained(t *testing.T, summary []byte) {
	rows, err := csv.NewReader(bytes.NewReader(summary)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	get := func(ambient, mode, c string) string {
		for _, r := range rows[1:] {
			if r[col["thermal.ambient"]] == ambient && r[col["mode"]] == mode {
				return r[col[c]]
			}
		}
		t.Fatalf("no row %s %s", ambient, mode)
		return ""
	}
	num := func(ambient, mode, c string) float64 {
		v, err := strconv.ParseFloat(get(ambient, mode, c), 64)
		if err != nil {
			t.Fatalf("%s %s %s: %v", ambient, mode, c, err)
		}
		return v
	}
	slow := map[string]float64{}
	for _, amb := range []string{"25", "35"} {
		ft := num(amb, "on-device-cpu", "first_throttle_s")
		if !(ft > 0 && ft < 60) {
			t.Errorf("%s °C: CPU first throttle at %v s, want within the first minute (junction time constant 15 s)", amb, ft)
		}
		l1, l30 := num(amb, "on-device-cpu", "min1_latency_s"), num(amb, "on-device-cpu", "last_min_latency_s")
		if !(l30 > 1.2*l1) {
			t.Errorf("%s °C: CPU latency minute 1 %v s, minute 30 %v s", amb, l1, l30)
		}
		slow[amb] = l30 / l1
		if get(amb, "cloud-gpu", "first_throttle_s") != "" {
			t.Errorf("%s °C: the cloud's phone throttled", amb)
		}
		c1, c30 := num(amb, "cloud-gpu", "min1_latency_s"), num(amb, "cloud-gpu", "last_min_latency_s")
		if c30 > 1.05*c1 {
			t.Errorf("%s °C: cloud latency minute 1 %v s, minute 30 %v s", amb, c1, c30)
		}
	}
	if !(num("35", "on-device-cpu", "first_throttle_s") < num("25", "on-device-cpu", "first_throttle_s")) || !(slow["35"] > slow["25"]) {
		t.Errorf("35 °C throttles no sooner or no harder than 25 °C: slowdown %v", slow)
	}
}

// TestThermalDisabledWritesNothing: a scenario without the thermal section
// writes neither thermal file.
func TestThermalDisabledWritesNothing(t *testing.T) {
	s := mustParse(t, small)
	dir := t.TempDir()
	runIn(t, s, dir, 1)
	for _, f := range []string{ThermalFile, ThermalSummaryFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); !os.IsNotExist(err) {
			t.Errorf("%s written with thermal disabled (%v)", f, err)
		}
	}
}

// TestThermalTraceCounters: with thermal and a trace, trace.json has
// Perfetto counter events for the node temperatures and the CPU
// frequency, and still reads back as spans.
func TestThermalTraceCounters(t *testing.T) {
	s := mustParse(t, `name: hot
phone: {device: nexus5, cpu: nexus5-caffe-cpu}
thermal: {enabled: true, ambient: 30, enclosure: pocket}
models: [alexnet]
workload:
  modes: [on-device-cpu]
  images: [{size: 960x540, count: 1}]
  start: warm
  duration: 20s
outputs: {trace: true, plots: false}
`)
	dir := t.TempDir()
	runIn(t, s, dir, 1)
	b := readFile(t, filepath.Join(dir, result.TraceFile))
	for _, want := range []string{`"name":"phone[0] soc °C","ph":"C"`, `"name":"phone[0] cpu MHz","ph":"C"`, `"args":{"value":`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("trace lacks %s", want)
		}
	}
	spans, err := result.ReadTrace(bytes.NewReader(b), "trace.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, sp := range spans {
		if result.IsCounterLane(sp.Lane) {
			t.Fatalf("counter read back as a span: %+v", sp)
		}
	}
	if len(spans) == 0 {
		t.Error("no spans read back")
	}
}

// The sustained-load direction check of TestWhatIfGolden: over the whole
// half hour the CPU is slower at 35 °C than at 25 °C (it throttles
// harder), the cloud is not, and the cloud is fastest at both.
func init() {
	whatIfChecks["sustained-load"] = func(t *testing.T, s *Scenario, run *result.Run) {
		cpu25 := pick(t, run, "alexnet", "on-device-cpu", "warm", "thermal.ambient=25")
		cpu35 := pick(t, run, "alexnet", "on-device-cpu", "warm", "thermal.ambient=35")
		if !(cpu35.Latency.Mean > 1.1*cpu25.Latency.Mean) {
			t.Errorf("CPU mean latency %v s at 35 °C, %v s at 25 °C", cpu35.Latency.Mean, cpu25.Latency.Mean)
		}
		c25 := pick(t, run, "alexnet", "cloud-gpu", "warm", "thermal.ambient=25")
		c35 := pick(t, run, "alexnet", "cloud-gpu", "warm", "thermal.ambient=35")
		if c35.Latency.Mean > 1.01*c25.Latency.Mean {
			t.Errorf("cloud mean latency %v s at 35 °C, %v s at 25 °C", c35.Latency.Mean, c25.Latency.Mean)
		}
		wantLine(t, run, 0, "cloud-gpu")
	}
}

// thermalLines counts a run's sustained-load conclusion lines (added after
// the scenario's own when thermal is enabled).
func thermalLines(run *result.Run) int {
	n := 0
	for _, l := range run.Conclusions {
		if strings.HasPrefix(l, "sustained load") {
			n++
		}
	}
	return n
}
