package plots_test

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/infersim/infersim/plots"
	"github.com/infersim/infersim/result"
)

// Bad data is rejected up front with a named error, never drawn.

func TestEmptyInputs(t *testing.T) {
	for name, f := range map[string]func() error{
		"breakdown":  func() error { _, err := plots.LatencyBreakdown(nil, plots.BreakdownOptions{}); return err },
		"energy":     func() error { _, err := plots.EnergyBreakdown(nil, plots.EnergyOptions{}); return err },
		"sweep":      func() error { _, err := plots.SweepLines(nil, plots.SweepOptions{}); return err },
		"sweep-flat": func() error { _, err := plots.SweepLines(exampleSummaries(), plots.SweepOptions{}); return err },
		"cdf":        func() error { _, err := plots.LatencyCDF(nil, plots.CDFOptions{}); return err },
		"cdf-failed": func() error {
			_, err := plots.LatencyCDF([]plots.LatencySeries{{Mode: "cloud-gpu", Failed: 3}}, plots.CDFOptions{})
			return err
		},
		"timeline": func() error { _, err := plots.Timeline(nil, plots.TimelineOptions{}); return err },
		"timeline-window": func() error {
			_, err := plots.Timeline(exampleSpans(), plots.TimelineOptions{From: 100, To: 200})
			return err
		},
		"layers": func() error { _, err := plots.LayerTimes(nil, plots.LayerOptions{}); return err },
		"layers-nin": func() error {
			_, err := plots.LayerTimes(exampleLayers(), plots.LayerOptions{Model: "nin"})
			return err
		},
		"validation": func() error { _, err := plots.Validation(nil, plots.ValidationOptions{}); return err },
		"collect":    func() error { _, err := plots.CollectLatencies(nil, 0, nil); return err },
	} {
		err := f()
		if !errors.Is(err, plots.ErrEmpty) {
			t.Errorf("%s: got %v, want ErrEmpty", name, err)
			continue
		}
		if !strings.HasPrefix(err.Error(), "plots: ") {
			t.Errorf("%s: error %q lacks the package prefix", name, err)
		}
	}
}

func TestNotFinite(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	sums := func(edit func(s *result.Summary)) []result.Summary {
		ss := exampleSummaries()
		edit(&ss[1])
		return ss
	}
	sweep := func(edit func(s *result.Summary)) []result.Summary {
		ss := sweepSummaries()
		edit(&ss[5])
		return ss
	}
	layers := exampleLayers()
	layers[4].GFLOPs = inf
	val := exampleValidation()
	val[3].Simulated = nan
	spans := exampleSpans()
	spans[2].End = nan
	recs := exampleRecords()
	recs[10].End = inf

	for _, tt := range []struct {
		name, field string
		f           func() error
	}{
		{"breakdown latency", "alexnet on-device-cpu 3840x2160 warm): latency.mean", func() error {
			_, err := plots.LatencyBreakdown(sums(func(s *result.Summary) { s.Latency.Mean = nan }), plots.BreakdownOptions{})
			return err
		}},
		{"breakdown phase", "phases.compute.mean", func() error {
			_, err := plots.LatencyBreakdown(sums(func(s *result.Summary) { s.Phases[result.Compute].Mean = inf }), plots.BreakdownOptions{Log: true})
			return err
		}},
		{"breakdown ci", "latency.ci95", func() error {
			_, err := plots.LatencyBreakdown(sums(func(s *result.Summary) { s.Latency.CI95 = inf }), plots.BreakdownOptions{})
			return err
		}},
		{"energy component", "energy.radio.mean", func() error {
			_, err := plots.EnergyBreakdown(sums(func(s *result.Summary) { s.Energy[result.Radio].Mean = nan }), plots.EnergyOptions{})
			return err
		}},
		{"energy battery", "battery_per_1000", func() error {
			_, err := plots.EnergyBreakdown(sums(func(s *result.Summary) { s.BatteryPer1000 = inf }), plots.EnergyOptions{})
			return err
		}},
		{"sweep metric", "latency.p95", func() error {
			_, err := plots.SweepLines(sweep(func(s *result.Summary) { s.Latency.P95 = nan }), plots.SweepOptions{Metric: plots.P95})
			return err
		}},
		{"sweep parameter", "params.network.uplink.bandwidth", func() error {
			_, err := plots.SweepLines(sweep(func(s *result.Summary) {
				s.Params = []result.Param{{Name: "network.uplink.bandwidth", Value: "?", Number: inf}}
			}), plots.SweepOptions{})
			return err
		}},
		{"cdf", "latency 0", func() error {
			_, err := plots.LatencyCDF([]plots.LatencySeries{{Mode: "cloud-gpu", Seconds: []float64{nan}, Count: 1}}, plots.CDFOptions{})
			return err
		}},
		{"collect", "record 11 (point 0, replication 0, phone 0, request 10): latency", func() error {
			_, err := plots.CollectLatencies(plots.RecordSlice(recs), 0, nil)
			return err
		}},
		{"timeline", "span 2 (phone[0]/cpu conv1): end", func() error {
			_, err := plots.Timeline(spans, plots.TimelineOptions{})
			return err
		}},
		{"layers", "layer 4 (alexnet conv2): gflops", func() error {
			_, err := plots.LayerTimes(layers, plots.LayerOptions{})
			return err
		}},
		{"validation", "validation row 3 (C-squeezenet-cpu): simulated", func() error {
			_, err := plots.Validation(val, plots.ValidationOptions{})
			return err
		}},
	} {
		err := tt.f()
		var nf *plots.NotFiniteError
		if !errors.Is(err, plots.ErrNotFinite) || !errors.As(err, &nf) {
			t.Errorf("%s: got %v, want ErrNotFinite", tt.name, err)
			continue
		}
		if !strings.Contains(nf.Field, tt.field) {
			t.Errorf("%s: field %q does not name %q", tt.name, nf.Field, tt.field)
		}
		if !strings.HasPrefix(err.Error(), "plots: ") {
			t.Errorf("%s: error %q lacks the package prefix", tt.name, err)
		}
	}
}

// A NaN CI (a single replication) and a group without successful requests
// are data, not errors.
func TestUndefinedIsNotAnError(t *testing.T) {
	ss := exampleSummaries()
	for i := range ss {
		ss[i].Latency.CI95 = math.NaN()
		ss[i].EnergyTotal.CI95 = math.NaN()
	}
	if _, err := plots.LatencyBreakdown(ss, plots.BreakdownOptions{Log: true}); err != nil {
		t.Error(err)
	}
	if _, err := plots.EnergyBreakdown(ss, plots.EnergyOptions{Split: true}); err != nil {
		t.Error(err)
	}
}

func TestLogAxisNeedsPositiveValues(t *testing.T) {
	ss := sweepSummaries()
	ss[0].Params = []result.Param{{Name: "network.uplink.bandwidth", Value: "0Mbps", Number: 0}}
	if _, err := plots.SweepLines(ss, plots.SweepOptions{LogX: true}); err == nil || !strings.Contains(err.Error(), "log axis") {
		t.Errorf("got %v, want a log axis error", err)
	}
}

func TestSpanEndingBeforeItStarts(t *testing.T) {
	_, err := plots.Timeline([]result.Span{{Lane: "phone[0]/cpu", Label: "x", Start: 2, End: 1}}, plots.TimelineOptions{})
	if err == nil || !strings.Contains(err.Error(), "before it starts") {
		t.Errorf("got %v", err)
	}
}

func TestSeveralModelsNeedAChoice(t *testing.T) {
	ls := exampleLayers()
	ls[0].Model = "nin"
	_, err := plots.LayerTimes(ls, plots.LayerOptions{})
	if err == nil || !strings.Contains(err.Error(), "several models") {
		t.Errorf("got %v", err)
	}
}

func TestRenderUnknownFormat(t *testing.T) {
	fig, err := plots.Timeline(exampleSpans(), plots.TimelineOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := fig.Render(&b, "gif"); err == nil {
		t.Error("gif rendered")
	}
	if err := fig.Save(t.TempDir() + "/x.jpeg"); err == nil {
		t.Error("saved a .jpeg")
	}
}
