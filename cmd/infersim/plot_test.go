package main

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/infersim/infersim/plots"
	"github.com/infersim/infersim/result"
)

// writeResults writes a small results directory: two points of an uplink
// sweep, on the phone and in the cloud, with their request records.
func writeResults(t *testing.T, withRecords bool) string {
	t.Helper()
	dir := t.TempDir()
	run := &result.Run{Scenario: "tiny", Description: "a test run", Seed: 1, Replications: 2, Complete: true}
	var recs []result.Record
	for pt, bw := range []float64{1e6, 10e6} {
		params := []result.Param{{Name: "network.uplink.bandwidth", Value: map[float64]string{1e6: "1Mbps", 10e6: "10Mbps"}[bw], Number: bw}}
		run.Points = append(run.Points, result.PointInfo{Index: pt, Params: params, Seeds: []uint64{1, 2}})
		for _, mode := range []string{"on-device-cpu", "cloud-gpu"} {
			lat := 1.5
			ph := map[result.Phase]float64{result.Preprocess: 0.3, result.Compute: 1.2}
			if mode == "cloud-gpu" {
				up := 2.4e6 / bw
				lat = 0.05 + up
				ph = map[result.Phase]float64{result.Preprocess: 0.03, result.Upload: up, result.Server: 0.015, result.Download: 0.005}
			}
			s := result.Summary{Key: result.Key{Point: pt, Model: "alexnet", Mode: mode, Image: "224x224", Start: result.All}, Params: params, Requests: 10}
			s.Outcomes[result.OK] = 10
			s.Latency = result.Stat{N: 10, Mean: lat, CI95: lat * 0.05, P50: lat, P95: lat * 1.2, P99: lat * 1.3, SD: 0.1, Min: lat * 0.9, Max: lat * 1.4}
			for p, v := range ph {
				s.Phases[p] = result.Stat{N: 10, Mean: v, CI95: math.NaN()}
			}
			s.Energy[result.CPU] = result.Stat{N: 10, Mean: lat, CI95: math.NaN()}
			s.EnergyTotal = result.Stat{N: 10, Mean: lat, CI95: lat * 0.05}
			s.BatteryPer1000 = lat / 10
			run.Summaries = append(run.Summaries, s)
			for i := 0; i < 10; i++ {
				r := result.NewRecord()
				r.Point, r.Model, r.Mode, r.Image, r.Request = pt, "alexnet", mode, "224x224", i
				r.Arrival, r.End = float64(i)*10, float64(i)*10+lat*(0.9+0.02*float64(i))
				recs = append(recs, r)
			}
		}
	}
	f, err := os.Create(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := result.WriteRunJSON(f, run); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if withRecords {
		f, err := os.Create(filepath.Join(dir, "requests.csv"))
		if err != nil {
			t.Fatal(err)
		}
		w, err := result.NewRecordWriter(f)
		if err != nil {
			t.Fatal(err)
		}
		for i := range recs {
			if err := w.Write(&recs[i]); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
	seal(t, dir)
	return dir
}

// seal writes dir's manifest, naming every file in it, as a run does.
func seal(t *testing.T, dir string) {
	t.Helper()
	if _, err := result.SealDir(dir, result.Manifest{RunID: "test", Scenario: "tiny", Complete: true}, nil); err != nil {
		t.Fatal(err)
	}
}

func TestPlotDrawsEverythingThatFits(t *testing.T) {
	dir := writeResults(t, true)
	out, _, err := execute(t, "plot", dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"breakdown-p0.png", "breakdown-p1.svg", "energy-p0.png", "sweep-latency.png", "sweep-energy.svg", "cdf.png"} {
		p := filepath.Join(dir, "plots", name)
		if _, err := os.Stat(p); err != nil {
			t.Errorf("missing %s", name)
		}
		if !strings.Contains(out, p) {
			t.Errorf("output does not list %s:\n%s", p, out)
		}
	}
	html, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(html), "plots/sweep-latency.png") || !strings.Contains(string(html), "tiny") {
		t.Errorf("index.html does not show the charts")
	}
}

func TestPlotKindFormatMetric(t *testing.T) {
	dir := writeResults(t, false)
	_, stderr, err := execute(t, "plot", dir, "--kind", "sweep", "--format", "svg", "--metric", "p95", "--log")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr, "requests.csv absent") {
		t.Errorf("stderr does not say requests.csv is absent: %q", stderr)
	}
	entries, err := os.ReadDir(filepath.Join(dir, "plots"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if got := strings.Join(names, " "); got != "sweep-energy.svg sweep-latency.svg" {
		t.Errorf("wrote %s", got)
	}
	svg, err := os.ReadFile(filepath.Join(dir, "plots", "sweep-latency.svg"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"95th percentile end-to-end latency vs uplink bandwidth", "on-device wins below"} {
		if !strings.Contains(string(svg), s) {
			t.Errorf("sweep-latency.svg lacks %q", s)
		}
	}
}

func TestPlotErrors(t *testing.T) {
	dir := writeResults(t, false)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"plot"}, "accepts 1 arg"},
		{[]string{"plot", filepath.Join(dir, "nope")}, "manifest.json"},
		{[]string{"plot", dir, "--kind", "pie"}, `unknown chart kind "pie"`},
		{[]string{"plot", dir, "--format", "gif"}, `unknown format "gif"`},
		{[]string{"plot", dir, "--metric", "p42"}, `unknown metric "p42"`},
		{[]string{"plot", dir, "--metric", "p98"}, `unknown metric "p98" (did you mean "p95"?)`},
		{[]string{"plot", dir, "--kind", "cdf"}, "requests.csv"},
		{[]string{"plot", dir, "--kind", "timeline"}, "trace.json"},
	} {
		_, _, err := execute(t, tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: got %v, want an error containing %q", tt.args, err, tt.want)
		}
	}
}

func TestPlotReadsTrace(t *testing.T) {
	dir := writeResults(t, false)
	spans := []result.Span{{Lane: "phone[0]/cpu", Label: "preprocess", Start: 0, End: 0.3}, {Lane: "phone[0]/cpu", Label: "conv1", Start: 0.3, End: 0.6}}
	var b bytes.Buffer
	if err := result.WriteTrace(&b, spans); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "trace.json"), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	seal(t, dir)
	if _, _, err := execute(t, "plot", dir, "--kind", "timeline", "--format", "png"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "plots", "timeline.png")); err != nil {
		t.Error(err)
	}
}

// TestPlotMetricHelp: --metric's help names every metric plots accepts by
// name, p99 and the per-world ones included.
func TestPlotMetricHelp(t *testing.T) {
	out, _, err := execute(t, "plot", "--help")
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range append([]string{"mean", "p50", "p95", "p99", "energy"}, plots.WorldMetrics()...) {
		if !strings.Contains(out, w) {
			t.Errorf("plot --help does not name metric %s:\n%s", w, out)
		}
		if _, err := plots.ParseMetric(w); err != nil {
			t.Errorf("the help names %s, which plots does not accept: %v", w, err)
		}
	}
	for _, w := range []string{"app.kills", "model.loads", "gc.pauses", "server.max_queue"} {
		if !strings.Contains(out, w) {
			t.Errorf("plot --help lacks %s", w)
		}
	}
}
