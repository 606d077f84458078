package result

import (
	"bytes"
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestTraceRoundTrip(t *testing.T) {
	spans := []Span{
		{Lane: "phone[0]/gpu", Label: "conv1", Start: 1.25, End: 1.5, Attrs: map[string]string{"replication": "0"}},
		{Lane: "phone[0]/cpu", Label: "preprocess", Start: 1, End: 1.25},
		{Lane: "phone[0]/gpu", Label: "conv2", Start: 1.5, End: 2},
	}
	var buf bytes.Buffer
	if err := WriteTrace(&buf, spans); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"traceEvents"`, `"ph":"X"`, `"thread_name"`, `"ts":1250000`, `"dur":250000`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("trace lacks %s:\n%s", want, buf.String())
		}
	}
	back, err := ReadTrace(&buf, "trace.json")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, spans) {
		t.Errorf("got %+v\nwant %+v", back, spans)
	}
	if err := WriteTrace(&buf, []Span{{Lane: "x", Start: 2, End: 1}}); err == nil {
		t.Error("a span ending before it starts was accepted")
	}
	if _, err := ReadTrace(strings.NewReader("{"), "t.json"); err == nil || !strings.Contains(err.Error(), "t.json") {
		t.Errorf("bad JSON: %v", err)
	}
}

func TestValidationCSVRoundTrip(t *testing.T) {
	rows := []ValidationRow{
		{ID: "G7-load", What: "CNNdroid load, AlexNet", Source: "guo2018", Reference: 88, Simulated: 84.1, CI95: 1.5,
			Error: -0.0443, Unit: "time", Fitted: true, Tolerance: 0.15, Pass: true, Low: math.NaN(), High: math.NaN()},
		{ID: "P1", What: `quoted "what", with comma`, Source: "cnndroid-1", Reference: 0.85, Low: 0.8, High: 0.9,
			Simulated: 0.86, CI95: math.NaN(), Error: 0.0118, Unit: "time", Note: "held out"},
	}
	var buf bytes.Buffer
	if err := WriteValidationCSV(&buf, rows); err != nil {
		t.Fatal(err)
	}
	back, err := ReadValidationCSV(&buf, "validation.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != 2 || back[0].ID != "G7-load" || back[1].What != rows[1].What || !math.IsNaN(back[1].CI95) || back[0].Simulated != 84.1 || !back[0].Fitted {
		t.Errorf("got %+v", back)
	}
	if _, err := ReadValidationCSV(strings.NewReader("id,what\n"), "v.csv"); err == nil || !strings.Contains(err.Error(), "v.csv:1") {
		t.Errorf("bad header: %v", err)
	}
}

func TestLayersCSVRoundTrip(t *testing.T) {
	layers := []LayerTiming{{Model: "alexnet", Layer: "conv1", Kind: "Convolution", Median: 0.004, P10: 0.0038, P90: 0.0045, GFLOPs: 52.7, Seconds: 0.12}}
	var buf bytes.Buffer
	if err := WriteLayersCSV(&buf, layers); err != nil {
		t.Fatal(err)
	}
	back, err := ReadLayersCSV(&buf, "layers.csv")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, layers) {
		t.Errorf("got %+v", back)
	}
	bad := strings.Join(layersHeader, ",") + "\nalexnet,conv1,Convolution,fast,,,,\n"
	if _, err := ReadLayersCSV(strings.NewReader(bad), "layers.csv"); err == nil || !strings.Contains(err.Error(), "layers.csv:2: column median_s") {
		t.Errorf("bad number: %v", err)
	}
}

func TestSummaryJSONNamesAndNulls(t *testing.T) {
	s := Summary{Key: Key{Model: "squeezenet-v1.0", Mode: "on-device-gpu", Start: Cold}, Requests: 3,
		Throughput: math.NaN(), BatteryPer1000: math.NaN()}
	s.Outcomes[Unsupported] = 3
	s.Phases[Load] = Stat{N: 1, Mean: 2}
	b, err := s.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"unsupported":3`, `"throughput":null`, `"battery_per_1000":null`, `"load":{"n":1,"mean":2`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("summary JSON lacks %s:\n%s", want, b)
		}
	}
	var back Summary
	if err := back.UnmarshalJSON(b); err != nil {
		t.Fatal(err)
	}
	if back.Outcomes[Unsupported] != 3 || back.Phases[Load].Mean != 2 || !math.IsNaN(back.Throughput) || back.Mode != "on-device-gpu" {
		t.Errorf("got %+v", back)
	}
	if err := back.UnmarshalJSON([]byte(`{"outcomes":{"vanished":1}}`)); err == nil {
		t.Error("unknown outcome accepted")
	}
}
