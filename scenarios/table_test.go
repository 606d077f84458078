package scenarios

import (
	"math"
	"strings"
	"testing"

	"github.com/infersim/infersim/result"
)

// TestBatteryColumn checks the battery cell of each kind of row: a cold
// row gives the share of one cold start (the 628 %/1k of a CNNdroid
// launch is 0.628 % per start), a warm or mixed row the share of 1,000
// requests, each with its unit in the cell.
func TestBatteryColumn(t *testing.T) {
	for _, tt := range []struct {
		start   result.Start
		per1000 float64
		want    string
	}{
		{result.Cold, 628, "0.628%/start"},
		{result.Cold, 44.1, "0.0441%/start"},
		{result.Warm, 28.5, "28.5%/1k"},
		{result.All, 3.71, "3.71%/1k"},
		{result.Cold, math.NaN(), "-"},
	} {
		if got := batteryText(result.Summary{Key: result.Key{Start: tt.start}, BatteryPer1000: tt.per1000}); got != tt.want {
			t.Errorf("%s row, %g %%/1k: %q, want %q", tt.start, tt.per1000, got, tt.want)
		}
	}
	run := &result.Run{Scenario: "t", Replications: 1, Complete: true, Points: []result.PointInfo{{Index: 0}},
		Summaries: []result.Summary{
			{Key: result.Key{Model: "alexnet", Mode: "on-device-gpu", Image: "960x540", Start: result.Cold}, Requests: 1, BatteryPer1000: 626},
			{Key: result.Key{Model: "alexnet", Mode: "on-device-gpu", Image: "960x540", Start: result.Warm}, Requests: 9, BatteryPer1000: 10.1},
		}}
	var b strings.Builder
	if err := WriteTable(&b, run); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(b.String(), "\n")
	var header, cold, warm string
	for _, l := range lines {
		switch {
		case strings.Contains(l, "latency"):
			header = l
		case strings.Contains(l, " cold "):
			cold = l
		case strings.Contains(l, " warm "):
			warm = l
		}
	}
	if !strings.HasSuffix(header, "  battery") || !strings.HasSuffix(cold, "0.626%/start") || !strings.HasSuffix(warm, "10.1%/1k") {
		t.Errorf("table:\n%s", b.String())
	}
}

// TestModeLabel checks that the ends of split:K say what they mean for
// the model, and that other modes and cuts read as written.
func TestModeLabel(t *testing.T) {
	for _, tt := range []struct{ model, mode, want string }{
		{"alexnet", "split:24", "split:24 (all on the phone)"},
		{"alexnet", "split:0", "split:0 (all in the cloud)"},
		{"alexnet", "split:5", "split:5"},
		{"nin", "split:24", "split:24"}, // NIN has more layers
		{"alexnet", "cloud-gpu", "cloud-gpu"},
		{"no-such-model", "split:24", "split:24"},
	} {
		if got := modeLabel(tt.model, tt.mode); got != tt.want {
			t.Errorf("modeLabel(%s, %s) = %q, want %q", tt.model, tt.mode, got, tt.want)
		}
	}
}
