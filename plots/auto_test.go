package plots_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/infersim/infersim/plots"
	"github.com/infersim/infersim/result"
)

// exampleRun wraps the sweep in a Run as summary.json holds it.
func exampleRun(sums []result.Summary) *result.Run {
	run := &result.Run{Scenario: "uplink-sweep", Description: "AlexNet on the phone or in the cloud as the uplink slows down.",
		Seed: 42, Replications: 5, Complete: true, Summaries: sums,
		Conclusions: []string{"On-device inference wins below about 1 Mbps of uplink."}}
	seen := map[int]bool{}
	for _, s := range sums {
		if !seen[s.Point] {
			seen[s.Point] = true
			run.Points = append(run.Points, result.PointInfo{Index: s.Point, Params: s.Params, Seeds: []uint64{1, 2, 3, 4, 5}})
		}
	}
	return run
}

func TestDrawChoosesCharts(t *testing.T) {
	dir := t.TempDir()
	run := exampleRun(sweepSummaries())
	charts, err := plots.Draw(dir, run, plots.RecordSlice(exampleRecords()), plots.Options{
		Spans: exampleSpans(), Layers: exampleLayers(), Validation: exampleValidation()})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range charts {
		names = append(names, c.Name)
		for _, f := range []string{c.PNG, c.SVG} {
			if f == "" {
				t.Errorf("%s: missing file", c.Name)
				continue
			}
			if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
				t.Errorf("%s: %v", f, err)
			}
		}
		if c.Caption == "" || c.Title == "" {
			t.Errorf("%s: no caption or title", c.Name)
		}
	}
	// Seven points: single-point charts for the first and the last.
	want := "breakdown-p0 energy-p0 breakdown-p6 energy-p6 versus-p0 versus-p6 sweep-latency sweep-energy cdf timeline layers-alexnet validation"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("charts:\n got %s\nwant %s", got, want)
	}
	if !strings.Contains(charts[6].Caption, "on-device wins below 1.03 Mbps") {
		t.Errorf("sweep caption lacks the crossover: %q", charts[6].Caption)
	}
	// The CDF's latencies span 89 s to about 20 ms: a log axis, said so.
	if c := charts[8].Caption; !strings.Contains(c, "Log scale: latencies span") {
		t.Errorf("cdf caption does not say log scale: %q", c)
	}
	if err := plots.WriteReport(dir, run, charts); err != nil {
		t.Fatal(err)
	}
	html, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"uplink-sweep", "On-device inference wins below", "plots/breakdown-p0.png", "plots/cdf.svg",
		"infersim ", "bandwidth", "1.86 s ± 74.4 ms", "<figcaption>"} {
		if !strings.Contains(string(html), s) {
			t.Errorf("index.html lacks %q", s)
		}
	}
	for _, s := range []string{"<script", "http://", "https://"} {
		if strings.Contains(string(html), s) {
			t.Errorf("index.html is not self-contained: has %q", s)
		}
	}
}

func TestDrawOnlyKindsAsked(t *testing.T) {
	dir := t.TempDir()
	run := exampleRun(exampleSummaries())
	charts, err := plots.Draw(dir, run, nil, plots.Options{Kinds: []plots.Kind{plots.KindEnergy}, Formats: []plots.Format{plots.SVG}})
	if err != nil {
		t.Fatal(err)
	}
	if len(charts) != 1 || charts[0].Name != "energy" || charts[0].PNG != "" || charts[0].SVG != "plots/energy.svg" {
		t.Fatalf("got %+v", charts)
	}
	// A kind asked for that the data cannot make is an error.
	for _, k := range []plots.Kind{plots.KindCDF, plots.KindTimeline, plots.KindCalibration, plots.KindSweep} {
		_, err := plots.Draw(dir, run, nil, plots.Options{Kinds: []plots.Kind{k}})
		if !errors.Is(err, plots.ErrEmpty) {
			t.Errorf("%s without data: got %v, want ErrEmpty", k, err)
		}
	}
}

func TestReadResults(t *testing.T) {
	dir := t.TempDir()
	run := exampleRun(exampleSummaries())
	f, err := os.Create(filepath.Join(dir, plots.SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := result.WriteRunJSON(f, run); err != nil {
		t.Fatal(err)
	}
	f.Close()
	f, err = os.Create(filepath.Join(dir, plots.RequestsFile))
	if err != nil {
		t.Fatal(err)
	}
	rw, err := result.NewRecordWriter(f)
	if err != nil {
		t.Fatal(err)
	}
	recs := exampleRecords()
	for i := range recs {
		if err := rw.Write(&recs[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := rw.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	writeFile(t, filepath.Join(dir, plots.TraceFile), func(w io.Writer) error { return result.WriteTrace(w, exampleSpans()) })
	writeFile(t, filepath.Join(dir, plots.ValidationFile), func(w io.Writer) error { return result.WriteValidationCSV(w, exampleValidation()) })
	if _, err := result.SealDir(dir, result.Manifest{RunID: "test", Complete: true}, nil); err != nil {
		t.Fatal(err)
	}

	res, err := plots.ReadResults(dir)
	if err != nil {
		t.Fatal(err)
	}
	if res.Run.Scenario != run.Scenario || len(res.Run.Summaries) != len(run.Summaries) {
		t.Errorf("run not read back")
	}
	if len(res.Spans) != len(exampleSpans()) || len(res.Validation) != len(exampleValidation()) {
		t.Errorf("spans %d, validation %d", len(res.Spans), len(res.Validation))
	}
	series, err := plots.CollectLatencies(res.Records, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	// AlexNet: 2 phone modes × cold, warm + 2 cloud modes; SqueezeNet: 2
	// images × (cold, warm on the phone + cloud-gpu).
	if len(series) != 12 || series[5].Mode != "cloud-gpu" || series[5].Failed != 5 {
		t.Errorf("series from requests.csv: %+v", len(series))
	}
	if _, err := plots.ReadResults(t.TempDir()); err == nil {
		t.Error("a directory without summary.json read without error")
	}
}

// TestDrawTimelineWindow: a trace holds one world (the runner writes one
// per file); past MaxTimelineSpans spans the timeline shows the window of
// the first ones, and says so.
func TestDrawTimelineWindow(t *testing.T) {
	var spans []result.Span
	for i := 0; i < 2500; i++ {
		spans = append(spans, result.Span{Lane: "phone[0]/cpu", Label: "conv1", Start: float64(i), End: float64(i) + 0.5})
	}
	dir := t.TempDir()
	charts, err := plots.Draw(dir, exampleRun(exampleSummaries()), nil, plots.Options{Kinds: []plots.Kind{plots.KindTimeline}, Spans: spans, Formats: []plots.Format{plots.SVG}})
	if err != nil {
		t.Fatal(err)
	}
	if c := charts[0].Caption; strings.Contains(c, "Replication") || !strings.Contains(c, "first 1999 s") {
		t.Errorf("caption %q", c)
	}
}

// writeFile creates path and fills it with write.
func writeFile(t *testing.T, path string, write func(io.Writer) error) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := write(f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
