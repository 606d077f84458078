package scenarios

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/infersim/infersim/result"
)

// TestSummaryJSONStreamed: summary.json, whose summaries are streamed as
// points complete, is byte for byte what result.WriteRunJSON writes for
// the whole run read back.
func TestSummaryJSONStreamed(t *testing.T) {
	for _, src := range []string{small, minimal} {
		s := mustParse(t, src)
		dir := t.TempDir()
		res := runIn(t, s, dir, 2)
		got := readFile(t, filepath.Join(dir, result.SummaryFile))
		run, err := result.ReadRunJSON(bytes.NewReader(got), "summary.json")
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		if err := result.WriteRunJSON(&want, run); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("%s: streamed summary.json differs from WriteRunJSON's\n%s", s.Name, firstDiff(want.String(), string(got)))
		}
		if res.SummariesPartial || len(res.Run.Summaries) != len(run.Summaries) {
			t.Errorf("%s: %d summaries kept of %d (partial %v)", s.Name, len(res.Run.Summaries), len(run.Summaries), res.SummariesPartial)
		}
		var csv bytes.Buffer
		if err := result.WriteSummaryCSV(&csv, s.SweepPaths(), run.Summaries); err != nil {
			t.Fatal(err)
		}
		if got := readFile(t, filepath.Join(dir, result.SummaryCSVFile)); !bytes.Equal(got, csv.Bytes()) {
			t.Errorf("%s: streamed summary.csv differs from WriteSummaryCSV's\n%s", s.Name, firstDiff(csv.String(), string(got)))
		}
	}
}

// TestLeanSummaries: a long sweep that draws no chart and asks for no
// conclusions (conclusions: [], not the defaults) keeps in memory
// only the summaries of the points the table prints; the files have them
// all, and the table is the same as the full run's.
func TestLeanSummaries(t *testing.T) {
	const points = MaxTablePoints + 5
	src := strings.Replace(minimal, "  requests: 2\n", "  requests: 1\n", 1) +
		"replications: 1\noutputs: {plots: false}\nconclusions: []\nsweep:\n  params:\n    - {path: network.uplink.bandwidth, range: {from: 1Mbps, to: 50Mbps, steps: 45}}\n"
	s := mustParse(t, src)
	if s.Points() != points {
		t.Fatalf("%d points", s.Points())
	}
	dir := t.TempDir()
	res := runIn(t, s, dir, 2)
	f, err := os.Open(filepath.Join(dir, result.SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	full, err := result.ReadRunJSON(f, "summary.json")
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if !res.SummariesPartial || len(full.Summaries) != points || len(res.Run.Summaries) != MaxTablePoints+1 || len(res.Run.Points) != points {
		t.Fatalf("partial %v: %d summaries kept, %d points; summary.json has %d", res.SummariesPartial, len(res.Run.Summaries), len(res.Run.Points), len(full.Summaries))
	}
	if last := res.Run.Summaries[MaxTablePoints]; last.Point != points-1 {
		t.Errorf("last kept summary is point %d, want %d", last.Point, points-1)
	}
	// Conclusions are computed from every summary: they are all kept.
	s.Conclusions = make([]Conclusion, 1)
	if res := runIn(t, s, t.TempDir(), 2); res.SummariesPartial || len(res.Run.Summaries) != points {
		t.Errorf("with conclusions: partial %v, %d summaries kept", res.SummariesPartial, len(res.Run.Summaries))
	}
	s.Conclusions = nil
	var a, b bytes.Buffer
	if err := WriteTable(&a, res.Run); err != nil {
		t.Fatal(err)
	}
	if err := WriteTable(&b, full); err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() {
		t.Errorf("table from the kept summaries differs\n%s", firstDiff(b.String(), a.String()))
	}
	assertNoTemp(t, dir)
}

// TestCountTasks: tasks are counted from point 0 alone unless the sweep
// changes the cells.
func TestCountTasks(t *testing.T) {
	for _, c := range []struct {
		sweep string
		want  int
	}{
		{"{path: network.uplink.bandwidth, values: [2Mbps, 20Mbps, 30Mbps]}", 3 * 2 * 3},
		{"{path: models, values: [[alexnet], [alexnet, nin]]}", (1 + 2) * 2 * 3},
		{"{path: workload.modes, values: [[cloud-gpu], [cloud-gpu, cloud-cpu]]}", (1 + 2) * 2 * 3},
	} {
		s := mustParse(t, "name: t\nreplications: 3\nmodels: [alexnet]\nworkload:\n  modes: [cloud-gpu]\n  images: [{size: 960x540}, {size: 1920x1080}]\n  requests: 1\nsweep:\n  params:\n    - "+c.sweep+"\n")
		r := &runner{s: s, reps: s.Replications}
		n, err := r.countTasks()
		if err != nil || n != c.want {
			t.Errorf("%s: %d tasks (%v), want %d", c.sweep, n, err, c.want)
		}
		res, err := Run(context.Background(), s, Options{Out: t.TempDir(), Workers: 2})
		if err != nil || res.Tasks != c.want {
			t.Errorf("%s: ran %v tasks: %v", c.sweep, res, err)
		}
	}
}
