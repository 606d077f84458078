package llm

import (
	"bytes"
	"go/format"
	"strings"
	"testing"
)

// The shipped constants (host_roofline.go) are FitRoofline of the shipped
// timings (hostcal.json), exactly: a re-fit gives the same floats, and
// RooflineGo writes the same file. If this fails, the two files were not
// regenerated together: run HostCalibrationCommand.
func TestShippedHostRoofline(t *testing.T) {
	h, err := ShippedHostCalibration()
	if err != nil {
		t.Fatal(err)
	}
	r, err := FitRoofline(h.FitStats)
	if err != nil {
		t.Fatal(err)
	}
	shipped := HostRoofline()
	if len(r.Classes) != len(shipped.Classes) {
		t.Fatalf("re-fit has %d classes, shipped %d", len(r.Classes), len(shipped.Classes))
	}
	for i, c := range r.Classes {
		s := shipped.Classes[i]
		if c.Class != s.Class || c.GFLOPs != s.GFLOPs || c.GBps != s.GBps || c.Compute != s.Compute || c.Bandwidth != s.Bandwidth || c.RMSLogErr != s.RMSLogErr {
			t.Errorf("class %d: re-fit %+v, shipped %+v", i, c, s)
		}
	}
	src, err := format.Source(RooflineGo(r, h))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(src, []byte("var hostRoofline")) {
		t.Errorf("RooflineGo wrote no hostRoofline:\n%s", src)
	}
	// The held-out model was timed in the same run and is predicted,
	// never fitted: its statistics must not be the fit's.
	if h.Fit == h.HoldOut || len(h.HeldStats) == 0 {
		t.Errorf("fit %q, held out %q (%d statistics)", h.Fit, h.HoldOut, len(h.HeldStats))
	}
	if _, err := r.Predict(h.HeldStats); err != nil {
		t.Errorf("predicting the held-out model: %v", err)
	}
	rel, err := shipped.Relative()
	if err != nil {
		t.Fatal(err)
	}
	if m := rel[ClassMatrix]; m.FLOPs != 1 || m.Bytes != 1 {
		t.Errorf("matrix relative to itself %+v", m)
	}
}

// A calibration file written by Encode reads back to the same fit.
func TestHostCalibrationRoundTrip(t *testing.T) {
	h, err := ShippedHostCalibration()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := h.Encode(&b); err != nil {
		t.Fatal(err)
	}
	back, err := ReadHostCalibration(&b, "x.json")
	if err != nil {
		t.Fatal(err)
	}
	r1, _ := FitRoofline(h.FitStats)
	r2, _ := FitRoofline(back.FitStats)
	for i := range r1.Classes {
		if r1.Classes[i].GFLOPs != r2.Classes[i].GFLOPs || r1.Classes[i].GBps != r2.Classes[i].GBps {
			t.Errorf("class %s: %+v after a round trip, %+v before", r1.Classes[i].Class, r2.Classes[i], r1.Classes[i])
		}
	}
}

// Bad files are refused with the file and the field named.
func TestReadHostCalibrationErrors(t *testing.T) {
	stat := `{"Phase":"decode","Op":"qkv","Calls":1,"Tokens":1,"Ctx":1,"FLOPs":1,"Bytes":1,"MedianS":%s,"P10S":0,"P90S":0,"GFLOPs":0,"GBps":0}`
	good := strings.Replace(stat, "%s", "0.001", 1)
	for _, tc := range []struct {
		name, json, want string
	}{
		{"not json", "{", "cal.json"},
		{"unknown field", `{"colour": 1}`, "colour"},
		{"no fit stats", `{"holdout_stats": [` + good + `]}`, "fit_stats: no operator statistics"},
		{"no held-out stats", `{"fit_stats": [` + good + `]}`, "holdout_stats: no operator statistics"},
		{"zero median", `{"fit_stats": [` + strings.Replace(stat, "%s", "0", 1) + `], "holdout_stats": [` + good + `]}`, "fit_stats[0] (decode qkv)"},
		{"negative median", `{"fit_stats": [` + good + `], "holdout_stats": [` + strings.Replace(stat, "%s", "-1", 1) + `]}`, "holdout_stats[0]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadHostCalibration(strings.NewReader(tc.json), "cal.json")
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "cal.json") {
				t.Errorf("error %v, want one naming cal.json and %q", err, tc.want)
			}
		})
	}
}

// ReadHostCalibration never panics, and what it accepts fits or fails
// with an error.
func FuzzReadHostCalibration(f *testing.F) {
	f.Add(hostCalJSON)
	f.Add([]byte(`{"fit_stats":[{"Phase":"decode","Op":"embed","Calls":1,"Tokens":1,"MedianS":1}],"holdout_stats":[{"Phase":"decode","Op":"embed","Calls":1,"Tokens":1,"MedianS":1}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := ReadHostCalibration(bytes.NewReader(b), "fuzz.json")
		if err != nil {
			return
		}
		if r, err := FitRoofline(h.FitStats); err == nil {
			_, _ = r.Predict(h.HeldStats)
		}
	})
}
