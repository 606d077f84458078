package result

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

// Fuzz targets for the readers of a results directory: any input gives a
// value or an error with the package prefix, never a panic, and what is
// accepted writes back to a file that reads back to the same value.

func checkPrefix(t *testing.T, err error) {
	t.Helper()
	if !strings.HasPrefix(err.Error(), "result: ") {
		t.Fatalf("error without the package prefix: %v", err)
	}
}

// FuzzReadRunJSON's seeds are small, hand-written documents: a written
// summary.json of one summary is 1.5 KB (every phase and component has a
// statistic), and as a seed it kept the fuzzer minimizing (300–1,300
// executions in 30 s).
func FuzzReadRunJSON(f *testing.F) {
	f.Add(`{"scenario":"x","replications":2,"points":[{"index":0,"params":[{"name":"p","value":"1Mbps","number":1e6}],"seeds":[1,2]}],` +
		`"summaries":[{"point":0,"model":"a","mode":"m","start":"warm","requests":3,"outcomes":[3,0],` +
		`"latency":{"n":3,"mean":1.5,"sd":null,"p99":2},"phases":[{"n":3,"mean":1}],"metrics":[{"name":"oom","stat":{"n":1,"mean":0}}]}],"complete":true}`)
	f.Add(`{"summaries":[{"point":-5}]}`)
	f.Add(`{}`)
	f.Add(``)
	f.Fuzz(func(t *testing.T, s string) {
		run, err := ReadRunJSON(strings.NewReader(s), "summary.json")
		if err != nil {
			checkPrefix(t, err)
			return
		}
		var a, b bytes.Buffer
		if err := WriteRunJSON(&a, run); err != nil {
			t.Fatal(err)
		}
		back, err := ReadRunJSON(bytes.NewReader(a.Bytes()), "back.json")
		if err != nil {
			t.Fatalf("accepted run writes a file that fails: %v\n%s", err, a.String())
		}
		WriteRunJSON(&b, back)
		if a.String() != b.String() {
			t.Fatalf("round trip differs:\n%s\n%s", a.String(), b.String())
		}
	})
}

func FuzzReadTrace(f *testing.F) {
	var buf bytes.Buffer
	WriteTrace(&buf, []Span{{Lane: "phone[0]/gpu", Label: "conv1", Start: 1.25, End: 1.5, Attrs: map[string]string{"k": "v"}}, {Lane: "cloud", Label: "x", Start: 0, End: 2}})
	f.Add(buf.String())
	f.Add(`{"traceEvents":[{"ph":"X","ts":1,"dur":-1}]}`)
	f.Add(`{"traceEvents":[{"ph":"M","name":"thread_name","pid":1,"tid":2,"args":{"name":"a"}},{"ph":"X","pid":1,"tid":2,"ts":0,"dur":5}]}`)
	f.Fuzz(func(t *testing.T, s string) {
		spans, err := ReadTrace(strings.NewReader(s), "trace.json")
		if err != nil {
			checkPrefix(t, err)
			return
		}
		for _, sp := range spans {
			if !(sp.End >= sp.Start) {
				t.Fatalf("span %+v ends before it starts", sp)
			}
		}
	})
}

func FuzzReadValidationCSV(f *testing.F) {
	var buf bytes.Buffer
	WriteValidationCSV(&buf, []ValidationRow{
		{ID: "G7-load", What: `quoted "what", with comma`, Source: "guo2018", Reference: 88, Simulated: 84.1, CI95: 1.5,
			Error: -0.0443, Unit: "s", Fitted: true, Tolerance: 0.15, Pass: true, Low: math.NaN(), High: math.NaN()},
	})
	f.Add(buf.String())
	f.Add(strings.Join(validationHeader, ",") + "\n")
	f.Add("id,what\n")
	f.Fuzz(func(t *testing.T, s string) {
		rows, err := ReadValidationCSV(strings.NewReader(s), "validation.csv")
		if err != nil {
			checkPrefix(t, err)
			return
		}
		var a, b bytes.Buffer
		if err := WriteValidationCSV(&a, rows); err != nil {
			t.Fatal(err)
		}
		back, err := ReadValidationCSV(bytes.NewReader(a.Bytes()), "back.csv")
		if err != nil {
			t.Fatalf("accepted rows write a file that fails: %v", err)
		}
		WriteValidationCSV(&b, back)
		if a.String() != b.String() {
			t.Fatalf("round trip differs:\n%q\n%q", a.String(), b.String())
		}
	})
}

func FuzzReadLayersCSV(f *testing.F) {
	var buf bytes.Buffer
	WriteLayersCSV(&buf, []LayerTiming{{Model: "alexnet", Layer: "conv1", Kind: "Convolution", Median: 0.01, P10: 0.009, P90: 0.011, GFLOPs: 23, Seconds: math.NaN()}})
	f.Add(buf.String())
	f.Add(strings.Join(layersHeader, ",") + "\n")
	f.Fuzz(func(t *testing.T, s string) {
		rows, err := ReadLayersCSV(strings.NewReader(s), "layers.csv")
		if err != nil {
			checkPrefix(t, err)
			return
		}
		var a, b bytes.Buffer
		if err := WriteLayersCSV(&a, rows); err != nil {
			t.Fatal(err)
		}
		back, err := ReadLayersCSV(bytes.NewReader(a.Bytes()), "back.csv")
		if err != nil {
			t.Fatalf("accepted rows write a file that fails: %v", err)
		}
		WriteLayersCSV(&b, back)
		if a.String() != b.String() {
			t.Fatalf("round trip differs:\n%q\n%q", a.String(), b.String())
		}
	})
}
