package scenarios

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/infersim/infersim/models"
	"github.com/infersim/infersim/result"
	"github.com/infersim/infersim/sim"
)

// small is a scenario with a sweep, several cells and replications: enough
// to exercise ordering, and fast.
const small = `name: small
seed: 7
replications: 3
phone: {gpu: nexus5-cnndroid-gpu}
models: [squeezenet-v1.0, alexnet]
workload:
  modes: [on-device-cpu, cloud-gpu, split:0]
  images: [{size: 960x540, count: 4}]
  arrivals: {type: closed, think: 500ms}
sweep:
  params:
    - {path: network.uplink.bandwidth, values: [2Mbps, 20Mbps]}
`

func runIn(t testing.TB, s *Scenario, dir string, workers int) *Result {
	t.Helper()
	res, err := Run(context.Background(), s, Options{Out: dir, Workers: workers})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDeterminismWorkers: -j 1 and -j 2 (and -j 5) give byte-identical
// files, summary.json included.
func TestDeterminismWorkers(t *testing.T) {
	s := mustParse(t, small)
	var first map[string][]byte
	for _, j := range []int{1, 2, 5} {
		dir := t.TempDir()
		runIn(t, s, dir, j)
		files := map[string][]byte{}
		for _, f := range []string{result.RequestsFile, result.SummaryCSVFile, result.SummaryFile} {
			files[f] = readFile(t, filepath.Join(dir, f))
		}
		if first == nil {
			first = files
			continue
		}
		for f, b := range files {
			if !bytes.Equal(b, first[f]) {
				t.Errorf("-j %d: %s differs from -j 1", j, f)
			}
		}
	}
	if n := bytes.Count(first[result.RequestsFile], []byte("\n")); n != 1+2*2*3*3*4 {
		t.Errorf("requests.csv has %d lines", n)
	}
}

func TestRunOutputs(t *testing.T) {
	s := mustParse(t, small)
	dir := t.TempDir()
	res := runIn(t, s, dir, 2)
	run := res.Run
	if !run.Complete || len(run.Points) != 2 || run.Replications != 3 || run.Seed != 7 {
		t.Fatalf("run %+v", run)
	}
	if res.Records != 2*2*3*3*4 || res.Tasks != 2*6*3 || res.Events == 0 {
		t.Errorf("records %d tasks %d events %d", res.Records, res.Tasks, res.Events)
	}
	// Common random numbers (the default): replication r has the seed
	// DeriveSeed(seed, 0, r) at every point, and the replications differ.
	seen := map[uint64]bool{}
	for _, p := range run.Points {
		for r, sd := range p.Seeds {
			seen[sd] = true
			if want := sim.DeriveSeed(7, 0, r); sd != want {
				t.Errorf("point %d replication %d: seed %d, want %d", p.Index, r, sd, want)
			}
		}
	}
	if len(seen) != 3 {
		t.Errorf("seeds %+v", run.Points)
	}
	// Groups: each cell's cold first requests and its warm ones; cloud
	// cells are all warm.
	var keys []string
	for _, sm := range run.Summaries {
		if sm.Point == 0 {
			keys = append(keys, fmt.Sprintf("%s/%s/%s/%d", sm.Model, sm.Mode, sm.Start, sm.Requests))
		}
	}
	// The cloud cells' first request of each world is warm-up (workload.warmup 1).
	want := "squeezenet-v1.0/on-device-cpu/cold/3 squeezenet-v1.0/on-device-cpu/warm/9 squeezenet-v1.0/cloud-gpu/warm/9 squeezenet-v1.0/split:0/warm/9 " +
		"alexnet/on-device-cpu/cold/3 alexnet/on-device-cpu/warm/9 alexnet/cloud-gpu/warm/9 alexnet/split:0/warm/9"
	if strings.Join(keys, " ") != want {
		t.Errorf("groups\n%s\nwant\n%s", strings.Join(keys, " "), want)
	}
	for _, sm := range run.Summaries {
		if sm.OK() != sm.Requests {
			t.Errorf("%v: %d of %d ok", sm.Key, sm.OK(), sm.Requests)
		}
		if !(sm.Latency.Mean > 0) || !(sm.Latency.CI95 >= 0) || !(sm.Latency.P50 <= sm.Latency.P99) || !(sm.EnergyTotal.Mean > 0) {
			t.Errorf("%v: latency %+v energy %+v", sm.Key, sm.Latency, sm.EnergyTotal)
		}
		if sm.BatteryPer1000 <= 0 || math.IsNaN(sm.Throughput) {
			t.Errorf("%v: battery %v throughput %v", sm.Key, sm.BatteryPer1000, sm.Throughput)
		}
		if _, ok := sm.Metric("sim.events"); !ok {
			t.Errorf("%v: no sim.events metric", sm.Key)
		}
		if len(sm.Params) != 1 || sm.Params[0].Name != "network.uplink.bandwidth" {
			t.Errorf("%v: params %+v", sm.Key, sm.Params)
		}
		// A split cut carries its model's layer count (for "all on the
		// phone" in charts); other modes none.
		want := 0
		if sm.Mode == "split:0" {
			net, err := models.Zoo(sm.Model)
			if err != nil {
				t.Fatal(err)
			}
			want = len(net.Layers())
		}
		if sm.SplitLayers != want {
			t.Errorf("%v: split layers %d, want %d", sm.Key, sm.SplitLayers, want)
		}
	}
	// A slower uplink makes cloud requests slower.
	lat := map[string]float64{}
	for _, sm := range run.Summaries {
		lat[fmt.Sprintf("%d/%s/%s/%s", sm.Point, sm.Model, sm.Mode, sm.Start)] = sm.Latency.Mean
	}
	if lat["0/alexnet/cloud-gpu/warm"] <= lat["1/alexnet/cloud-gpu/warm"] {
		t.Errorf("cloud latency at 2 Mbps %v ≤ at 20 Mbps %v", lat["0/alexnet/cloud-gpu/warm"], lat["1/alexnet/cloud-gpu/warm"])
	}
	// The files read back.
	f, _ := os.Open(filepath.Join(dir, result.SummaryFile))
	back, err := result.ReadRunJSON(f, "summary.json")
	f.Close()
	if err != nil || len(back.Summaries) != len(run.Summaries) || !strings.Contains(back.ScenarioYAML, "background_pressure: 0.25") {
		t.Errorf("summary.json: %v", err)
	}
	for i := range back.Summaries {
		if back.Summaries[i].SplitLayers != run.Summaries[i].SplitLayers {
			t.Errorf("summary.json: %v: split layers %d, want %d", back.Summaries[i].Key, back.Summaries[i].SplitLayers, run.Summaries[i].SplitLayers)
		}
	}
	n := 0
	f, _ = os.Open(filepath.Join(dir, result.RequestsFile))
	err = result.ReadRecords(f, "requests.csv", func(r *result.Record) error { n++; return nil })
	f.Close()
	if err != nil || n != int(res.Records) {
		t.Errorf("requests.csv: %d records, %v", n, err)
	}
	sc := string(readFile(t, filepath.Join(dir, result.SummaryCSVFile)))
	if !strings.HasPrefix(sc, "point,network.uplink.bandwidth,model,mode,image,start,requests") || !strings.Contains(sc, "\n1,20Mbps,alexnet,cloud-gpu,960x540,warm,9,9,") {
		t.Errorf("summary.csv:\n%s", sc)
	}
	assertNoTemp(t, dir)
	var tbl strings.Builder
	if err := WriteTable(&tbl, run); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"point 1: network.uplink.bandwidth = 20Mbps", "latency", "battery", "960x540  cold", "split:0 (all in the cloud)", " ms ", " J "} {
		if !strings.Contains(tbl.String(), w) {
			t.Errorf("table lacks %q:\n%s", w, tbl.String())
		}
	}
}

func assertNoTemp(t *testing.T, dir string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

// TestInterrupted cancels a run after its first point: the outputs hold
// exactly that point, complete: false, and no temporary file remains.
func TestInterrupted(t *testing.T) {
	s := mustParse(t, strings.Replace(small, "values: [2Mbps, 20Mbps]", "values: [2Mbps, 5Mbps, 20Mbps, 50Mbps]", 1))
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	perPoint := 6 * 3
	res, err := Run(ctx, s, Options{Out: dir, Workers: 2, Progress: func(done, total int) {
		if done == perPoint+2 { // inside the second point
			cancel()
		}
	}})
	if !errors.Is(err, ErrInterrupted) || res == nil {
		t.Fatalf("err %v", err)
	}
	f, _ := os.Open(filepath.Join(dir, result.SummaryFile))
	run, err := result.ReadRunJSON(f, "summary.json")
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if run.Complete || len(run.Points) != 1 || run.Points[0].Index != 0 {
		t.Fatalf("complete %v, points %+v", run.Complete, run.Points)
	}
	for _, sm := range run.Summaries {
		if sm.Point != 0 {
			t.Errorf("summary of unfinished point %d", sm.Point)
		}
	}
	n := 0
	f, _ = os.Open(filepath.Join(dir, result.RequestsFile))
	err = result.ReadRecords(f, "requests.csv", func(r *result.Record) error {
		if r.Point != 0 {
			return fmt.Errorf("record of point %d", r.Point)
		}
		n++
		return nil
	})
	f.Close()
	if err != nil || n != 6*3*4 {
		t.Errorf("requests.csv: %d records, %v", n, err)
	}
	sc := string(readFile(t, filepath.Join(dir, result.SummaryCSVFile)))
	if strings.Count(sc, "\n") != 1+8 {
		t.Errorf("summary.csv:\n%s", sc)
	}
	assertNoTemp(t, dir)
}

// TestFailedRunLeavesNothing: a run that cannot start (bad trace task)
// writes nothing.
func TestFailedRunLeavesNothing(t *testing.T) {
	s := mustParse(t, minimal)
	dir := filepath.Join(t.TempDir(), "out")
	_, err := Run(context.Background(), s, Options{Out: dir, Trace: filepath.Join(dir, "t.json"), TraceTask: TaskID{Point: 3}})
	if err == nil || !strings.Contains(err.Error(), "no task point 3") {
		t.Fatalf("err %v", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("output directory made: %v", err)
	}
}

func TestTrace(t *testing.T) {
	s := mustParse(t, small)
	dir := t.TempDir()
	tf := filepath.Join(dir, "trace.json")
	res, err := Run(context.Background(), s, Options{Out: dir, Workers: 2, Trace: tf, TraceTask: TaskID{Point: 1, Replication: 2, Cell: 4}})
	if err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(tf)
	spans, err := result.ReadTrace(f, tf)
	f.Close()
	if err != nil || len(spans) == 0 || len(spans) != len(res.Spans) {
		t.Fatalf("%d spans read, %d kept, %v", len(spans), len(res.Spans), err)
	}
	lanes := map[string]bool{}
	for _, sp := range spans {
		lanes[sp.Lane] = true
	}
	for _, l := range []string{"phone[0]/request", "link[0]/up", "server-gpu/queue"} {
		if !lanes[l] && !lanes[strings.Replace(l, "/queue", "/worker[0]", 1)] {
			t.Errorf("no lane %s in %v", l, lanes)
		}
	}
	text := string(readFile(t, tf))
	if !strings.Contains(text, `"ph":"M"`) || !strings.Contains(text, `"thread_name"`) || !strings.Contains(text, `"ph":"X"`) {
		t.Errorf("not a Chrome trace: %.300s", text)
	}
	// Tracing changes nothing else.
	dir2 := t.TempDir()
	runIn(t, s, dir2, 1)
	if !bytes.Equal(readFile(t, filepath.Join(dir, result.RequestsFile)), readFile(t, filepath.Join(dir2, result.RequestsFile))) {
		t.Error("tracing changed requests.csv")
	}
}

// TestArrivals checks the three arrival processes from the records.
func TestArrivals(t *testing.T) {
	collect := func(src string) []result.Record {
		s := mustParse(t, src)
		var recs []result.Record
		dir := t.TempDir()
		runIn(t, s, dir, 1)
		f, _ := os.Open(filepath.Join(dir, result.RequestsFile))
		defer f.Close()
		result.ReadRecords(f, "r", func(r *result.Record) error { recs = append(recs, *r); return nil })
		return recs
	}
	base := strings.Replace(minimal, "  requests: 2\n", "", 1)
	// Closed loop: each arrival is the previous end plus the think time
	// (the WiFi tail, 0.25 s, is shorter than it).
	recs := collect(base + "  requests: 5\n  arrivals: {type: closed, think: 2s}\n")
	for i := 1; i < len(recs); i++ {
		if d := recs[i].Arrival - (recs[i-1].End + 2); math.Abs(d) > 1e-9 {
			t.Errorf("closed: arrival %d at %v, previous end %v + 2 s", i, recs[i].Arrival, recs[i-1].End)
		}
	}
	// Times: exactly the listed times.
	recs = collect(base + "  arrivals: {type: times, at: [0s, 0.5s, 10s]}\n")
	if len(recs) != 3 || recs[0].Arrival != 0 || recs[1].Arrival != 0.5 || recs[2].Arrival != 10 {
		t.Errorf("times: %v", arrivals(recs))
	}
	// Poisson: the requests asked for, at increasing times.
	recs = collect(base + "  requests: 20\n  arrivals: {type: poisson, rate: 60/min}\n")
	if len(recs) != 20 {
		t.Errorf("poisson: %d records", len(recs))
	}
	// Duration: requests until the time is up.
	recs = collect(base + "  duration: 30s\n  arrivals: {type: poisson, rate: 1/s}\n")
	if len(recs) < 10 || len(recs) > 60 {
		t.Errorf("duration: %d records in 30 s at 1/s", len(recs))
	}
	for _, r := range recs {
		if r.Arrival >= 30 {
			t.Errorf("arrival at %v after the duration", r.Arrival)
		}
	}
	// Warm start: the first request finds the model loaded.
	recs = collect(strings.Replace(base, "[cloud-gpu]", "[on-device-cpu]", 1) + "  requests: 2\n  start: warm\n")
	if len(recs) != 2 || recs[0].Cold || recs[0].Phases[result.Load].Occurred() {
		t.Errorf("warm start: %+v", recs)
	}
}

// TestClosedLoopLTE: over LTE the radio's tail (about 10 s) outlasts the
// think time; the next arrival is still timed from the request's end (the
// phone's OnEnd), not from its record, which closes when the next request
// starts, and the tail's energy up to there is the request's TailEnergy.
func TestClosedLoopLTE(t *testing.T) {
	src := strings.Replace(minimal, "  requests: 2\n", "  requests: 4\n  warmup: 0\n  arrivals: {type: closed, think: 1s}\n", 1) +
		"network: {preset: lte}\n"
	s := mustParse(t, src)
	dir := t.TempDir()
	res := runIn(t, s, dir, 1)
	var recs []result.Record
	f, err := os.Open(filepath.Join(dir, result.RequestsFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := result.ReadRecords(f, "r", func(r *result.Record) error { recs = append(recs, *r); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(recs) != 4 {
		t.Fatalf("%d records, want 4", len(recs))
	}
	for i := 1; i < len(recs); i++ {
		if d := recs[i].Arrival - (recs[i-1].End + 1); math.Abs(d) > 1e-9 {
			t.Errorf("arrival %d at %v, want the previous end %v + 1 s (not after the tail)", i, recs[i].Arrival, recs[i-1].End)
		}
	}
	for i, r := range recs {
		// The inactivity timer (0.1 s at β) and 0.02 s of short DRX, then
		// long DRX until the next arrival; the last request owns its whole
		// tail (11.052 J).
		if r.TailEnergy <= 0 || r.TailEnergy > r.Energy[result.Radio] {
			t.Errorf("record %d: tail %v J of radio %v J", i, r.TailEnergy, r.Energy[result.Radio])
		}
	}
	if last := recs[3].TailEnergy; math.Abs(last-11.05244) > 1e-4 {
		t.Errorf("last request's tail %v J, want the whole LTE tail 11.052 J", last)
	}
	// The summary's energy.tail is the mean over the group's requests;
	// metrics stay sorted by name.
	sum := 0.0
	for _, r := range recs {
		sum += r.TailEnergy
	}
	var tail result.Stat
	var ok bool
	n := 0
	for _, g := range res.Run.Summaries {
		if st, found := g.Metric("energy.tail"); found {
			tail.Mean += st.Mean * float64(st.N)
			n += st.N
			ok = true
		}
		if !slices.IsSortedFunc(g.Metrics, func(a, b result.Metric) int { return strings.Compare(a.Name, b.Name) }) {
			t.Errorf("metrics not sorted: %v", g.Metrics)
		}
	}
	if !ok || n != 4 || math.Abs(tail.Mean/4-sum/4) > 1e-9 {
		t.Errorf("energy.tail: %v J over %d requests, want mean %v J over 4", tail.Mean/float64(max(n, 1)), n, sum/4)
	}
}

// TestUnsupportedStart: CNNdroid cannot run SqueezeNet; its requests load
// nothing and are reported in the group of the start the workload asked
// for.
func TestUnsupportedStart(t *testing.T) {
	for _, start := range []string{"cold", "warm"} {
		src := strings.Replace(minimal, "[alexnet]", "[squeezenet-v1.0]", 1)
		src = strings.Replace(src, "[cloud-gpu]", "[on-device-gpu]", 1) + "  start: " + start + "\nphone: {gpu: nexus5-cnndroid-gpu}\n"
		res := runIn(t, mustParse(t, src), t.TempDir(), 1)
		sums := res.Run.Summaries
		if len(sums) != 1 || string(sums[0].Start) != start || sums[0].Outcomes[result.Unsupported] != 2 {
			t.Errorf("start %s: summaries %+v", start, sums)
		}
	}
}

func arrivals(rs []result.Record) []float64 {
	var a []float64
	for _, r := range rs {
		a = append(a, r.Arrival)
	}
	return a
}

// TestCommonRandomNumbers: two cloud modes in one replication upload the
// same bytes over the same link at the same times, so their uploads take
// exactly as long: the jitter draws are the same.
func TestCommonRandomNumbers(t *testing.T) {
	s := mustParse(t, strings.Replace(minimal, "[cloud-gpu]", "[cloud-cpu, cloud-gpu]", 1)+"  arrivals: {type: times, at: [0s, 30s]}\n"+"replications: 2\n")
	dir := t.TempDir()
	runIn(t, s, dir, 2)
	up := map[string]float64{}
	f, _ := os.Open(filepath.Join(dir, result.RequestsFile))
	result.ReadRecords(f, "r", func(r *result.Record) error {
		up[fmt.Sprintf("%s/%d/%d", r.Mode, r.Replication, r.Request)] = r.Phases[result.Upload].Duration + r.Phases[result.Wake].Duration
		return nil
	})
	f.Close()
	for _, k := range []string{"0/0", "0/1", "1/0", "1/1"} {
		a, b := up["cloud-cpu/"+k], up["cloud-gpu/"+k]
		if a == 0 || a != b {
			t.Errorf("replication/request %s: upload %v (cpu) vs %v (gpu)", k, a, b)
		}
	}
	if up["cloud-cpu/0/0"] == up["cloud-cpu/1/0"] {
		t.Error("replications draw the same jitter")
	}
}

// TestGoldenSummaries runs every built-in scenario with its seed, 2
// replications and 3 requests per cell, and compares summary.csv with
// testdata/golden/NAME.summary.csv (-rewrite to update; review the diff).
func TestGoldenSummaries(t *testing.T) {
	for _, name := range BuiltinNames() {
		t.Run(name, func(t *testing.T) {
			s, err := Builtin(name)
			if err != nil {
				t.Fatal(err)
			}
			if s.HasQuick() {
				t.Skip("a what-if scenario: TestWhatIfGolden compares its quick run")
			}
			if err := s.Override(2, 3); err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			runIn(t, s, dir, 2)
			got := readFile(t, filepath.Join(dir, result.SummaryCSVFile))
			golden := filepath.Join("testdata", "golden", name+".summary.csv")
			if *rewrite {
				os.MkdirAll(filepath.Dir(golden), 0o755)
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -rewrite to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s (run with -rewrite and review the diff)\n%s", result.SummaryCSVFile, golden, firstDiff(string(want), string(got)))
			}
		})
	}
}

// firstDiff shows the first line that differs.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\nwant %s\n got %s", i+1, a, b)
		}
	}
	return ""
}

func TestBuiltins(t *testing.T) {
	list, err := Builtins()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) == 0 || list[0].Name == "" {
		t.Fatalf("builtins %+v", list)
	}
	for _, b := range list {
		if b.Description == "" || b.Points < 1 || b.Cells < 1 || b.Replications < 1 {
			t.Errorf("%+v", b)
		}
	}
	g, err := Builtin(DefaultScenario)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Cells()) != 36 || g.Replications != 10 {
		t.Errorf("guo2018: %d cells, %d replications", len(g.Cells()), g.Replications)
	}
	if _, err := Builtin("guo2019"); err == nil || !strings.Contains(err.Error(), `did you mean "guo2018"`) {
		t.Errorf("unknown builtin: %v", err)
	}
	if _, err := Resolve("gou2018"); err == nil || !strings.Contains(err.Error(), `no scenario file or built-in scenario "gou2018" (did you mean "guo2018"?)`) {
		t.Errorf("Resolve: %v", err)
	}
}

func TestWritePlan(t *testing.T) {
	s := mustParse(t, small)
	var b strings.Builder
	if err := WritePlan(&b, s); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"scenario small (test.yaml)", "2 point(s) × 6 cells × 3 replication(s) = 36 worlds, 144 requests",
		"point 0: network.uplink.bandwidth=2Mbps — 6 cells (models squeezenet-v1.0,alexnet × modes on-device-cpu,cloud-gpu,split:0 × images 960x540), 72 requests",
		"sweep (grid): network.uplink.bandwidth"} {
		if !strings.Contains(b.String(), w) {
			t.Errorf("plan lacks %q:\n%s", w, b.String())
		}
	}
}

// TestReadmeExample: the annotated example of README.md (its first yaml
// block) is a valid scenario.
func TestReadmeExample(t *testing.T) {
	text := string(readFile(t, filepath.Join("..", "README.md")))
	i := strings.Index(text, "```yaml\n")
	j := strings.Index(text[i+8:], "```")
	if i < 0 || j < 0 {
		t.Fatal("no yaml block")
	}
	if _, err := Parse([]byte(text[i+8:i+8+j]), "README.md", ""); err != nil {
		t.Error(err)
	}
}

// TestWarmupExcludesFirstRequest: with the default workload.warmup (1)
// each world's first cloud request, which pays the radio's wake-up, is
// left out of the warm group; with warmup 0 it is in, and it is the
// group's slowest.
func TestWarmupExcludesFirstRequest(t *testing.T) {
	count := func(src string) (int, float64) {
		res := runIn(t, mustParse(t, src), t.TempDir(), 1)
		for _, sm := range res.Run.Summaries {
			if sm.Mode == "cloud-gpu" && sm.Start == result.Warm {
				return sm.Requests, sm.Phases[result.Wake].Mean
			}
		}
		t.Fatal("no cloud-gpu warm group")
		return 0, 0
	}
	n1, wake1 := count(minimal)
	n0, wake0 := count(strings.Replace(minimal, "  requests: 2\n", "  requests: 2\n  warmup: 0\n", 1))
	if n0-n1 != n0/2 {
		t.Errorf("warm-up kept %d of %d requests, want one per world left out", n1, n0)
	}
	if !(wake1 < wake0) {
		t.Errorf("wake time per request %v with warm-up, %v without: want less with", wake1, wake0)
	}
}

// TestWarmupByTime: workload.warmup as a time leaves out of the warm
// group the requests that arrive within it of the world's start. With a
// closed loop of 1 s think time, a cloud request of ≈0.1 s and 1.5 s of
// warm-up, each phone's first two requests (at 0 s and ≈1.1 s) are left
// out, as the count 2 leaves them; a time past every arrival keeps each
// world's last request; summary.json reports the time.
func TestWarmupByTime(t *testing.T) {
	base := strings.Replace(minimal, "  requests: 2\n", "  requests: 4\n  arrivals: {type: closed, think: 1s}\n", 1)
	warm := func(w string) (int, *result.Run) {
		res := runIn(t, mustParse(t, strings.Replace(base, "  requests: 4\n", "  requests: 4\n  warmup: "+w+"\n", 1)), t.TempDir(), 1)
		for _, sm := range res.Run.Summaries {
			if sm.Mode == "cloud-gpu" && sm.Start == result.Warm {
				return sm.Requests, res.Run
			}
		}
		t.Fatal("no cloud-gpu warm group")
		return 0, nil
	}
	byCount, runCount := warm("2")
	byTime, runTime := warm("1500ms")
	all, _ := warm("0s")
	late, _ := warm("1h")
	reps := runTime.Replications
	if byTime != byCount || byCount != 2*reps {
		t.Errorf("warm requests: %d with warmup 1500ms, %d with warmup 2, want %d", byTime, byCount, 2*reps)
	}
	if all != 4*reps || late != reps {
		t.Errorf("warm requests: %d with warmup 0s (want %d), %d with warmup 1h (want %d: each world's last)", all, 4*reps, late, reps)
	}
	if runTime.Warmup != 0 || runTime.WarmupSeconds != 1.5 || runCount.Warmup != 2 || runCount.WarmupSeconds != 0 {
		t.Errorf("summary.json warm-up: %d, %v s by time; %d, %v s by count", runTime.Warmup, runTime.WarmupSeconds, runCount.Warmup, runCount.WarmupSeconds)
	}
	if _, err := Parse([]byte(strings.Replace(base, "  requests: 4\n", "  requests: 4\n  warmup: soon\n", 1)), "w.yaml", ""); err == nil ||
		!strings.Contains(err.Error(), `workload.warmup: "soon" is neither a number of requests (3) nor a duration (2s)`) {
		t.Errorf("warmup: soon: %v", err)
	}
}
