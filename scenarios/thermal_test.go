package scenarios

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
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

// checkSustained asserts what the physics fixes. Nexus 5: the CPU
// throttles in the first minute (junction time constant 15 s, 60 °C trip)
// and is slower in the last minute than in the first, sooner and more so
// at 35 °C. Pixel 4: the gold cluster (the simulated CPU) has only the
// kernel's 95 °C junction trip, 10 K nearer at 35 °C than at 25 °C, so
// its CPU throttles sooner there (if at 25 °C at all) and ends slower
// than it started. Both: the cloud's phone never throttles and keeps its
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
	get := func(device, ambient, mode, c string) string {
		for _, r := range rows[1:] {
			if r[col["phone.device"]] == device && r[col["thermal.ambient"]] == ambient && r[col["mode"]] == mode {
				return r[col[c]]
			}
		}
		t.Fatalf("no row %s %s %s", device, ambient, mode)
		return ""
	}
	num := func(device, ambient, mode, c string) float64 {
		v, err := strconv.ParseFloat(get(device, ambient, mode, c), 64)
		if err != nil {
			t.Fatalf("%s %s %s %s: %v", device, ambient, mode, c, err)
		}
		return v
	}
	slow := map[string]float64{}
	for _, amb := range []string{"25", "35"} {
		ft := num("nexus5", amb, "on-device-cpu", "first_throttle_s")
		if !(ft > 0 && ft < 60) {
			t.Errorf("nexus5 %s °C: CPU first throttle at %v s, want within the first minute (junction time constant 15 s)", amb, ft)
		}
		l1, l30 := num("nexus5", amb, "on-device-cpu", "min1_latency_s"), num("nexus5", amb, "on-device-cpu", "last_min_latency_s")
		if !(l30 > 1.2*l1) {
			t.Errorf("nexus5 %s °C: CPU latency minute 1 %v s, minute 30 %v s", amb, l1, l30)
		}
		slow[amb] = l30 / l1
		for _, dev := range []string{"nexus5", "pixel4"} {
			if get(dev, amb, "cloud-gpu", "first_throttle_s") != "" {
				t.Errorf("%s %s °C: the cloud's phone throttled", dev, amb)
			}
			c1, c30 := num(dev, amb, "cloud-gpu", "min1_latency_s"), num(dev, amb, "cloud-gpu", "last_min_latency_s")
			if c30 > 1.05*c1 {
				t.Errorf("%s %s °C: cloud latency minute 1 %v s, minute 30 %v s", dev, amb, c1, c30)
			}
		}
	}
	if !(num("nexus5", "35", "on-device-cpu", "first_throttle_s") < num("nexus5", "25", "on-device-cpu", "first_throttle_s")) || !(slow["35"] > slow["25"]) {
		t.Errorf("nexus5: 35 °C throttles no sooner or no harder than 25 °C: slowdown %v", slow)
	}
	p35 := num("pixel4", "35", "on-device-cpu", "first_throttle_s")
	if p25 := get("pixel4", "25", "on-device-cpu", "first_throttle_s"); p25 != "" {
		if v, _ := strconv.ParseFloat(p25, 64); !(p35 < v) {
			t.Errorf("pixel4: CPU first throttles at %v s at 35 °C, %v s at 25 °C", p35, v)
		}
	}
	if l1, l30 := num("pixel4", "35", "on-device-cpu", "min1_latency_s"), num("pixel4", "35", "on-device-cpu", "last_min_latency_s"); !(l30 > l1) {
		t.Errorf("pixel4 35 °C: CPU latency minute 1 %v s, minute 30 %v s, want slower at the end", l1, l30)
	}
}

// TestSustainedHeldOutVerdict: the run's held-out conclusion recomputes
// from thermal-summary.csv: r is the mean over replications of minute-1 /
// last-minute latency of the Pixel 4's CPU group at 25 °C, and the
// verdict is r inside [0.375, 0.875] widened by 2 standard errors.
func TestSustainedHeldOutVerdict(t *testing.T) {
	s, err := Builtin("sustained-load")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ApplyQuick(); err != nil {
		t.Fatal(err)
	}
	s.Replications = 2
	s.Workload.Duration = 600
	s.Outputs.Plots = false
	dir := t.TempDir()
	res := runIn(t, s, dir, 2)
	rows, err := csv.NewReader(bytes.NewReader(readFile(t, filepath.Join(dir, ThermalSummaryFile)))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	var kept []float64
	for _, r := range rows[1:] {
		if r[col["phone.device"]] == "pixel4" && r[col["thermal.ambient"]] == "25" && r[col["mode"]] == "on-device-cpu" {
			l1, _ := strconv.ParseFloat(r[col["min1_latency_s"]], 64)
			lN, _ := strconv.ParseFloat(r[col["last_min_latency_s"]], 64)
			kept = append(kept, l1/lN)
		}
	}
	if len(kept) != 2 {
		t.Fatalf("%d pixel4 CPU 25 °C rows, want 2", len(kept))
	}
	// The summary's latencies are rounded to 0.1 ms (about 0.2 % of the
	// Pixel 4's 44 ms), so r and its spread recompute to within 0.005.
	mean := (kept[0] + kept[1]) / 2
	se := math.Abs(kept[0]-kept[1]) / 2 // sd/√2 for two values
	var line string
	for _, l := range res.Run.Conclusions {
		if strings.HasPrefix(l, "sustained load, held-out T-s855-whatif: pixel4 on-device-cpu at 25 °C") {
			line = l
		}
	}
	var r, lo, hi float64
	var verdict string
	i := strings.Index(line, "keeps ")
	if i < 0 {
		t.Fatalf("no held-out line in %q", res.Run.Conclusions)
	}
	if _, err := fmt.Sscanf(line[i:], "keeps %f of its minute-1 throughput; tolerance [%f, %f], %s", &r, &lo, &hi, &verdict); err != nil {
		t.Fatalf("%q: %v", line, err)
	}
	if math.Abs(r-mean) > 0.005 || math.Abs(lo-(0.375-2*se)) > 0.005 || math.Abs(hi-(0.875+2*se)) > 0.005 || math.Abs(lo+hi-1.25) > 0.0015 {
		t.Errorf("%q: want r %.4f, tolerance [%.4f, %.4f]", line, mean, 0.375-2*se, 0.875+2*se)
	}
	if inside := r >= lo && r <= hi; inside != (verdict == "inside:") || !strings.HasSuffix(line, map[bool]string{true: "inside: pass", false: "outside: miss"}[inside]) {
		t.Errorf("%q: verdict does not follow from r and the band", line)
	}
}

// TestHeldOutConclusion: the verdict's arithmetic on made-up cells, inside
// and outside the band, the band widened by the replications' spread, and
// a check whose group is not in the run.
func TestHeldOutConclusion(t *testing.T) {
	h := &ThermalHeldOut{Fact: "T-x", Device: "pixel4", Mode: "on-device-cpu", Ambient: 25, Low: 0.375, High: 0.875, SE: 2, Source: "somewhere"}
	cell := func(kept ...float64) *thermalCell {
		return &thermalCell{device: "pixel4", mode: "on-device-cpu", ambient: 25, reps: len(kept), l1: float64(len(kept)), lN: float64(len(kept)), kept: kept, model: "alexnet"}
	}
	for _, tc := range []struct {
		kept []float64
		want string
	}{
		{[]float64{0.7}, "keeps 0.700 of its minute-1 throughput; tolerance [0.375, 0.875], inside: pass"},
		{[]float64{0.9}, "tolerance [0.375, 0.875], outside: miss"},
		{[]float64{0.3}, "outside: miss"},
		// 0.87 and 0.91: mean 0.89, sd 0.0283, se 0.02 → [0.335, 0.915]
		{[]float64{0.87, 0.91}, "keeps 0.890 of its minute-1 throughput; tolerance [0.335, 0.915], inside: pass"},
	} {
		o := &thermalOut{check: h, cells: []*thermalCell{{device: "nexus5", mode: "on-device-cpu", ambient: 25}, cell(tc.kept...)}}
		c := o.heldOut()
		if !strings.Contains(c.Sentence, tc.want) || !strings.HasPrefix(c.Sentence, "sustained load, held-out T-x: pixel4 on-device-cpu at 25 °C") {
			t.Errorf("kept %v: %q, want %q", tc.kept, c.Sentence, tc.want)
		}
		if len(c.Rows) != 1 || c.Rows[0][4] != "somewhere" {
			t.Errorf("kept %v: rows %v", tc.kept, c.Rows)
		}
	}
	o := &thermalOut{check: h, cells: []*thermalCell{{device: "nexus5", mode: "on-device-cpu", ambient: 25}}}
	if c := o.heldOut(); !strings.Contains(c.Sentence, "no group is pixel4 on-device-cpu at 25 °C") {
		t.Errorf("missing group: %q", c.Sentence)
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
		for _, dev := range []string{"nexus5", "pixel4"} {
			d := "phone.device=" + dev
			cpu25 := pick(t, run, "alexnet", "on-device-cpu", "warm", d, "thermal.ambient=25")
			cpu35 := pick(t, run, "alexnet", "on-device-cpu", "warm", d, "thermal.ambient=35")
			// the Nexus 5's 60 °C loop throttles at both ambients, harder at
			// 35 °C; the Pixel 4's gold cluster only reaches its 95 °C
			// junction trip at 35 °C, late: slower there, by little
			if f := map[string]float64{"nexus5": 1.1, "pixel4": 1}[dev]; !(cpu35.Latency.Mean > f*cpu25.Latency.Mean) {
				t.Errorf("%s: CPU mean latency %v s at 35 °C, %v s at 25 °C", dev, cpu35.Latency.Mean, cpu25.Latency.Mean)
			}
			c25 := pick(t, run, "alexnet", "cloud-gpu", "warm", d, "thermal.ambient=25")
			c35 := pick(t, run, "alexnet", "cloud-gpu", "warm", d, "thermal.ambient=35")
			if c35.Latency.Mean > 1.01*c25.Latency.Mean {
				t.Errorf("%s: cloud mean latency %v s at 35 °C, %v s at 25 °C", dev, c35.Latency.Mean, c25.Latency.Mean)
			}
		}
		wantLine(t, run, 0, "cloud-gpu for phone nexus5")
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

// TestHeldOutValidation: a held-out check needs the thermal model, its
// fact and group, and an ordered band; all its problems come out at once.
func TestHeldOutValidation(t *testing.T) {
	base := `name: h
phone: {device: pixel4, cpu: pixel4-tflite-cpu}
models: [alexnet]
workload: {modes: [on-device-cpu], images: [{size: 960x540, count: 1}]}
`
	good := base + "thermal: {enabled: true, held_out: {fact: T-x, device: pixel4, mode: on-device-cpu, low: 0.4, high: 0.8}}\n"
	if _, err := Parse([]byte(good), "h.yaml", ""); err != nil {
		t.Fatalf("valid check refused: %v", err)
	}
	bad := base + "thermal: {enabled: false, held_out: {device: pixel4, low: 0.9, high: 0.8}}\n"
	_, err := Parse([]byte(bad), "h.yaml", "")
	if err == nil {
		t.Fatal("bad check accepted")
	}
	for _, want := range []string{"thermal.enabled: true", "thermal.held_out.fact: required", "thermal.held_out.mode: required", "low ≤ high"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

// A chat has no photo: thermal-summary.csv's and thermal.csv's image
// column is "-" for its cells, as summary.csv's and requests.csv's are
// (llmImage), not the zero image size "0x0".
func TestThermalSummaryChatImage(t *testing.T) {
	s := mustParse(t, chatScenario+"thermal: {enabled: true, ambient: 30}\n")
	dir := t.TempDir()
	runIn(t, s, dir, 1)
	for _, file := range []string{ThermalSummaryFile, ThermalFile} {
		checkChatImage(t, file, readFile(t, filepath.Join(dir, file)))
	}
}

// checkChatImage asserts every row of a thermal CSV has image llmImage.
func checkChatImage(t *testing.T, file string, data []byte) {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := -1
	for i, h := range rows[0] {
		if h == "image" {
			col = i
		}
	}
	if col < 0 || len(rows) < 2 {
		t.Fatalf("%s: no image column or no rows: %q", file, rows)
	}
	for _, r := range rows[1:] {
		if r[col] != llmImage {
			t.Fatalf("%s row %q: image %q, want %q", file, r, r[col], llmImage)
		}
	}
}
