package result

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func sampleRecord() Record {
	r := NewRecord()
	r.Point, r.Replication, r.Phone, r.Request = 3, 1, 0, 7
	r.Model, r.Mode, r.Image = "alexnet", "cloud-gpu", "960x540"
	r.Cold = true
	r.Arrival, r.End = 10, 10.75
	r.AddPhase(Preprocess, 10, 10.2)
	r.AddPhase(GC, 10.05, 10.06)
	r.AddPhase(GC, 10.1, 10.13)
	r.AddPhase(Upload, 10.2, 10.6)
	r.AddPhase(Server, 10.6, 10.7)
	r.AddPhase(Download, 10.7, 10.75)
	r.Energy = [NumComponents]float64{0.5, 0, 0.25, 0.125}
	r.UpBytes, r.DownBytes = 250e3, 300
	r.TailEnergy = 0.0625
	return r
}

func TestAddPhase(t *testing.T) {
	r := sampleRecord()
	gc := r.Phases[GC]
	if gc.Start != 10.05 || gc.End != 10.13 || math.Abs(gc.Duration-0.04) > 1e-12 {
		t.Errorf("gc span = %+v", gc)
	}
	if r.Phases[Load].Occurred() {
		t.Error("load occurred")
	}
	if r.Latency() != 0.75 || r.TotalEnergy() != 0.875 {
		t.Errorf("latency %v energy %v", r.Latency(), r.TotalEnergy())
	}
}

func TestRecordsRoundTrip(t *testing.T) {
	in := []Record{sampleRecord(), sampleRecord()}
	in[1].Model = `odd,"name"`
	in[1].Outcome = OOM
	in[1].Split = 5
	var buf bytes.Buffer
	w, err := NewRecordWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	for i := range in {
		if err := w.Write(&in[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	var out []Record
	err = ReadRecords(&buf, "requests.csv", func(r *Record) error {
		out = append(out, *r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != len(in) {
		t.Fatalf("read %d records, wrote %d", len(out), len(in))
	}
	for i := range in {
		want := timesRounded(in[i])
		if !recordsEqual(want, out[i]) {
			t.Errorf("record %d:\n got %+v\nwant %+v", i, out[i], want)
		}
	}
}

// timesRounded is r with its times as requests.csv writes them
// (AppendTime): the other numbers round-trip exactly.
func timesRounded(r Record) Record {
	round := func(x *float64) {
		if !math.IsNaN(*x) {
			*x, _ = strconv.ParseFloat(string(AppendTime(nil, *x)), 64)
		}
	}
	round(&r.Arrival)
	round(&r.End)
	for p := range r.Phases {
		round(&r.Phases[p].Start)
		round(&r.Phases[p].End)
		round(&r.Phases[p].Duration)
	}
	return r
}

// recordsEqual compares records treating NaN as equal to NaN.
func recordsEqual(a, b Record) bool {
	na, nb := a, b
	for i := range na.Phases {
		for _, p := range []*PhaseSpan{&na.Phases[i], &nb.Phases[i]} {
			if math.IsNaN(p.Start) {
				p.Start, p.End = -1, -1
			}
		}
	}
	return reflect.DeepEqual(na, nb)
}

func TestReadRecordsErrors(t *testing.T) {
	var buf bytes.Buffer
	w, _ := NewRecordWriter(&buf)
	r := sampleRecord()
	w.Write(&r)
	w.Flush()
	good := buf.String()
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "header"},
		{"other header", "a,b,c\n", "header does not match"},
		{"bad number", strings.Replace(good, ",10.75,", ",ten,", 1), "requests.csv:2: column end"},
		{"bad outcome", strings.Replace(good, ",ok,", ",fine,", 1), "column outcome"},
		{"short row", strings.Split(good, "\n")[0] + "\n1,2,3\n", "requests.csv:2"},
	}
	for _, tt := range tests {
		err := ReadRecords(strings.NewReader(tt.in), "requests.csv", func(*Record) error { return nil })
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want error containing %q", tt.name, err, tt.want)
		}
	}
}

func TestRunJSONRoundTripWithNaN(t *testing.T) {
	run := &Run{Scenario: "s", Seed: 1, Replications: 1, Complete: true,
		Points: []PointInfo{{Index: 0, Params: []Param{{"workload.mode", "cloud-gpu", math.NaN()}, {"network.uplink.bandwidth", "2Mbps", 2e6}}, Seeds: []uint64{42}}},
		Summaries: []Summary{{Key: Key{Model: "nin", Mode: "cloud-gpu", Start: Warm},
			Latency: Stat{N: 3, Mean: 1, CI95: math.NaN(), P50: 1, P95: 1, P99: 1}}},
	}
	var buf bytes.Buffer
	if err := WriteRunJSON(&buf, run); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"ci95": null`) {
		t.Errorf("NaN not written as null:\n%s", buf.String())
	}
	back, err := ReadRunJSON(&buf, "summary.json")
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(back.Summaries[0].Latency.CI95) || back.Summaries[0].Latency.Mean != 1 {
		t.Errorf("latency = %+v", back.Summaries[0].Latency)
	}
	if p := back.Points[0].Params; p[0].IsNumeric() || !p[1].IsNumeric() || p[1].Number != 2e6 {
		t.Errorf("params = %+v", p)
	}
}

func TestSummaryCSV(t *testing.T) {
	s := Summary{Key: Key{Point: 2, Model: "alexnet", Mode: "on-device-cpu", Image: "960x540", Start: Cold},
		Params: []Param{{"network.uplink.bandwidth", "2Mbps", 2e6}}, Requests: 10}
	s.Outcomes[OK] = 9
	s.Outcomes[Killed] = 1
	s.Latency = Stat{Mean: 1.5, CI95: math.NaN()}
	var buf bytes.Buffer
	if err := WriteSummaryCSV(&buf, []string{"network.uplink.bandwidth"}, []Summary{s}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d lines", len(lines))
	}
	if !strings.HasPrefix(lines[0], "point,network.uplink.bandwidth,model,mode,image,start,requests,ok,oom,killed") {
		t.Errorf("header %q", lines[0])
	}
	if !strings.HasPrefix(lines[1], "2,2Mbps,alexnet,on-device-cpu,960x540,cold,10,9,0,1,0,0,0,1.5,,") {
		t.Errorf("row %q", lines[1])
	}
}

func TestNames(t *testing.T) {
	for _, p := range Phases() {
		if q, err := ParsePhase(p.String()); err != nil || q != p {
			t.Errorf("phase %v", p)
		}
	}
	for _, c := range Components() {
		if d, err := ParseComponent(c.String()); err != nil || d != c {
			t.Errorf("component %v", c)
		}
	}
	for i := 0; i < NumOutcomes; i++ {
		if o, err := ParseOutcome(Outcome(i).String()); err != nil || int(o) != i {
			t.Errorf("outcome %d", i)
		}
	}
	if _, err := ParsePhase("nap"); err == nil {
		t.Error("ParsePhase accepted nap")
	}
}

func FuzzReadRecords(f *testing.F) {
	var buf bytes.Buffer
	w, _ := NewRecordWriter(&buf)
	r := sampleRecord()
	w.Write(&r)
	w.Flush()
	f.Add(buf.String())
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		_ = ReadRecords(strings.NewReader(s), "fuzz.csv", func(*Record) error { return nil })
	})
}

// TestRunJSONReplications: the percentiles' intervals, each replication's
// percentiles and throughput, the per-world metrics' replication values
// and the warm-up time survive summary.json, a missing value as null; a
// percentile without an interval writes no p95_ci95 at all.
func TestRunJSONReplications(t *testing.T) {
	nan := math.NaN()
	lat := Stat{N: 20, Mean: 1, SD: 0.1, CI95: 0.05, Min: 0.8, P50: 1, P95: 1.3, P99: 1.4, Max: 1.5, P50CI95: 0.02, P95CI95: 0.1, P99CI95: nan}
	run := &Run{Scenario: "s", Seed: 1, Replications: 2, WarmupSeconds: 2, Complete: true,
		Points: []PointInfo{{Index: 0, Seeds: []uint64{1, 2}}},
		Summaries: []Summary{{Key: Key{Model: "nin", Mode: "cloud-gpu", Start: Warm}, Latency: lat, LatencyAll: lat, EnergyTotal: NaNStat(),
			Reps:    []RepMeans{{10, 10, 1, 1, 2, 1, 1.3, 1.4, 1.3, 1.4, 0.5}, {10, 0, nan, 3, 2, nan, nan, nan, 3, 3, nan}},
			Metrics: []Metric{{Name: "gc.pauses", Stat: NaNStat(), Reps: []float64{2, nan}}}}},
	}
	run.Summaries[0].Metrics[0].Stat.N, run.Summaries[0].Metrics[0].Stat.Mean = 1, 2
	var buf bytes.Buffer
	if err := WriteRunJSON(&buf, run); err != nil {
		t.Fatal(err)
	}
	text := buf.String()
	for _, want := range []string{`"p95_ci95": 0.1`, `"warmup_s": 2`, `"latency_p95": 1.3`, `"replications": [
            2,
            null
          ]`} {
		if !strings.Contains(text, want) {
			t.Errorf("summary.json lacks %q:\n%s", want, text)
		}
	}
	if b, err := json.Marshal(lat); err != nil || strings.Contains(string(b), `"p99_ci95"`) || !strings.Contains(string(b), `"p95_ci95":0.1`) {
		t.Errorf("an interval that is not there is written, or one that is is not: %s (%v)", b, err)
	}
	back, err := ReadRunJSON(&buf, "summary.json")
	if err != nil {
		t.Fatal(err)
	}
	s := back.Summaries[0]
	same := func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }
	if !same(s.Latency.P95CI95, 0.1) || !math.IsNaN(s.Latency.P99CI95) || !same(s.LatencyAll.P50CI95, 0.02) {
		t.Errorf("latency = %+v", s.Latency)
	}
	if r := s.Reps[1]; !math.IsNaN(r.LatencyP95) || r.LatencyAllP99 != 3 || !math.IsNaN(r.Throughput) || s.Reps[0].Throughput != 0.5 {
		t.Errorf("replications = %+v", s.Reps)
	}
	if m := s.Metrics[0].Reps; len(m) != 2 || m[0] != 2 || !math.IsNaN(m[1]) {
		t.Errorf("metric replications = %v", m)
	}
	if back.WarmupSeconds != 2 {
		t.Errorf("warmup_s = %v", back.WarmupSeconds)
	}
}
