package plots_test

import (
	"bytes"
	"html"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/infersim/infersim/plots"
	"github.com/infersim/infersim/result"
)

// The SVG of each chart holds its title, axis labels and legend entries as
// text.
func TestSVGText(t *testing.T) {
	series, err := plots.CollectLatencies(plots.RecordSlice(exampleRecords()), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		fig  func() (*plots.Figure, error)
		want []string
	}{
		{"breakdown", func() (*plots.Figure, error) {
			return plots.LatencyBreakdown(exampleSummaries(), plots.BreakdownOptions{Log: true})
		}, []string{"Where the time goes: mean end-to-end latency by phase", "mean end-to-end latency (log scale)", "share of the time by phase (%)",
			"load", "preprocess", "compute", "gc", "upload", "queue", "server", "download", "cold start (hollow dot, hatched bar)", "warm start (filled dot)", "95 % CI of the mean",
			"alexnet", "squeezenet", "on-device-gpu · cold", "cloud-gpu · warm", "no successful request (unsupported)", "89.5 s", "10 ms", "100 s"}},
		{"breakdown split", func() (*plots.Figure, error) {
			return plots.LatencyBreakdown(exampleSummaries(), plots.BreakdownOptions{Split: true})
		}, []string{"On the phone", "In the cloud", "mean end-to-end latency (s)", "mean end-to-end latency (ms)"}},
		{"energy", func() (*plots.Figure, error) {
			return plots.EnergyBreakdown(exampleSummaries(), plots.EnergyOptions{Log: true})
		}, []string{"What it costs the phone: energy per request by component", "phone energy per request (log scale)", "share by component (%)",
			"cpu", "gpu", "radio (tail included)", "base (screen, idle floor)", "battery", "per", "request", "0.0091 %", "139 J", "210 mJ"}},
		{"sweep", func() (*plots.Figure, error) {
			return plots.SweepLines(sweepSummaries(), plots.SweepOptions{LogX: true})
		}, []string{"Mean end-to-end latency vs uplink bandwidth", "uplink bandwidth (Mbps, log scale)", "mean end-to-end latency (s)",
			"on-device-cpu", "on-device-gpu", "cloud-cpu", "cloud-gpu", "shaded: 95 % CI of the mean", "crossover", "on-device wins below 1.03 Mbps", "0.25", "25"}},
		{"sweep p95", func() (*plots.Figure, error) {
			return plots.SweepLines(sweepSummaries(), plots.SweepOptions{Metric: plots.P95, LogY: true})
		}, []string{"95th percentile end-to-end latency vs uplink bandwidth", "uplink bandwidth (Mbps)", "(log scale)"}},
		{"cdf", func() (*plots.Figure, error) {
			return plots.LatencyCDF(series, plots.CDFOptions{LogX: true})
		}, []string{"How long requests take: distribution of end-to-end latency", "end-to-end latency (log scale)", "fraction at or below",
			"alexnet · warm start", "squeezenet · cold start", "3840x2160", "960x540",
			"on-device-cpu (n = 1,200)", "cloud-gpu (n = 1,195; 5 failed)", "p50", "p95", "p99"}},
		{"timeline", func() (*plots.Figure, error) {
			return plots.Timeline(exampleSpans(), plots.TimelineOptions{})
		}, []string{"What each resource was doing: one replication's timeline", "simulated time (s)", "phone · CPU", "phone · GC pauses",
			"phone · radio state", "link · uplink", "link · downlink", "server · queue", "server · worker 0", "load model", "compute (layers)", "radio tail", "load"}},
		{"layers", func() (*plots.Figure, error) {
			return plots.LayerTimes(exampleLayers(), plots.LayerOptions{})
		}, []string{"Where alexnet spends its time: per-layer kernel timings", "median time on this machine (ms)", "GFLOP/s", "convolution", "fully connected", "p10–p90", "conv2", "17.5 ms"}},
		{"validation", func() (*plots.Figure, error) {
			return plots.Validation(exampleValidation(), plots.ValidationOptions{})
		}, []string{"Does the simulation match the measurements? Simulated vs reference", "error of the simulation (%)", "fitted (calibration)",
			"held out (validation)", "tolerance", "published range", "G7-load", "+2.2 %", "+24 % (outside ±15 %)", "88 s → 84.1 s", "reference → simulated"}},
	} {
		fig, err := tt.fig()
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		var b bytes.Buffer
		if err := fig.Render(&b, plots.SVG); err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		svg := html.UnescapeString(b.String())
		for _, w := range tt.want {
			if !strings.Contains(svg, ">"+w+"<") && !strings.Contains(svg, w) {
				t.Errorf("%s: SVG lacks %q", tt.name, w)
			}
		}
	}
}

// Save writes the whole file or nothing, and leaves no temporary file.
func TestSaveAtomic(t *testing.T) {
	fig, err := plots.Timeline(exampleSpans(), plots.TimelineOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, name := range []string{"t.png", "t.svg"} {
		if err := fig.Save(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := fig.Save(filepath.Join(dir, "missing", "t.png")); err == nil {
		t.Error("saved into a missing directory")
	}
	fig.Width = 0
	if err := fig.Save(filepath.Join(dir, "t.png")); err == nil {
		t.Error("saved a figure of width 0")
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if got := strings.Join(names, " "); got != "t.png t.svg" {
		t.Errorf("directory holds %s", got)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "t.png"))
	if !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Error("t.png was overwritten by the failed save")
	}
}

// The same input gives byte-identical images.
func TestDeterministic(t *testing.T) {
	render := func() []byte {
		fig, err := plots.LatencyBreakdown(exampleSummaries(), plots.BreakdownOptions{Log: true})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := fig.Render(&b, plots.PNG); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	if !bytes.Equal(render(), render()) {
		t.Error("two renders differ")
	}
}

func TestCrossoverAbove(t *testing.T) {
	// Swap roles: on-device wins above the crossing when the cloud gets
	// slower as the parameter grows (e.g. server load).
	ss := sweepSummaries()
	for i := range ss {
		if strings.HasPrefix(ss[i].Mode, "cloud") {
			ss[i].Latency.Mean = 0.1 * ss[i].Params[0].Number / 1e6
		}
	}
	cs, err := plots.Crossovers(ss, plots.SweepOptions{LogX: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || cs[0].Below || !strings.HasPrefix(cs[0].Label, "on-device wins above ") || !strings.HasSuffix(cs[0].Label, " Mbps") {
		t.Errorf("got %+v", cs)
	}
}

func TestCollectLatenciesSamples(t *testing.T) {
	recs := exampleRecords()
	every, err := plots.CollectLatencies(plots.RecordSlice(recs), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Cold starts are series of their own: AlexNet 6, SqueezeNet 2 images × 3.
	if len(every) != 12 || !every[0].Cold || every[0].Count != 12 || every[1].Cold || every[1].Count != 588 {
		t.Fatalf("got %d series: %+v", len(every), every[:2])
	}
	all, err := plots.CollectLatencies(plots.RecordSlice(recs), 0, func(r *result.Record) bool { return r.Model == "alexnet" && !r.Cold })
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 4 || all[2].Count != 600 || len(all[2].Seconds) != 600 || all[2].Sampled() || all[3].Failed != 5 || all[3].Count != 595 {
		t.Fatalf("got %d series, third %d of %d", len(all), len(all[2].Seconds), all[2].Count)
	}
	s1, err := plots.CollectLatencies(plots.RecordSlice(recs), 100, func(r *result.Record) bool { return r.Mode == "cloud-cpu" })
	if err != nil {
		t.Fatal(err)
	}
	s2, _ := plots.CollectLatencies(plots.RecordSlice(recs), 100, func(r *result.Record) bool { return r.Mode == "cloud-cpu" })
	if len(s1) != 1 || len(s1[0].Seconds) != 100 || s1[0].Count != 600 || !s1[0].Sampled() {
		t.Fatalf("sample: %d series, %d of %d", len(s1), len(s1[0].Seconds), s1[0].Count)
	}
	for i := range s1[0].Seconds {
		if s1[0].Seconds[i] != s2[0].Seconds[i] {
			t.Fatal("the sample differs between two reads of the same records")
		}
	}
	// The sample's median is close to the full median.
	med := func(xs []float64) float64 {
		ys := append([]float64(nil), xs...)
		sort.Float64s(ys)
		return ys[len(ys)/2]
	}
	full, sample := med(all[2].Seconds), med(s1[0].Seconds)
	if math.Abs(sample-full)/full > 0.15 {
		t.Errorf("sample median %v far from %v", sample, full)
	}
}
