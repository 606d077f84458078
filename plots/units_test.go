package plots

import (
	"math"
	"strings"
	"testing"
)

func TestFmtNum(t *testing.T) {
	for _, tt := range []struct {
		x    float64
		want string
	}{{0, "0"}, {1.8, "1.8"}, {0.0123, "0.0123"}, {850, "850"}, {1460.4, "1460"}, {89.53, "89.5"}, {-2.345, "-2.35"}, {1, "1"}, {0.1, "0.1"}} {
		if got := fmtNum(tt.x); got != tt.want {
			t.Errorf("fmtNum(%v) = %q, want %q", tt.x, got, tt.want)
		}
	}
	for _, tt := range []struct {
		x    float64
		want string
	}{{0.85, "850 ms"}, {1.46, "1.46 s"}, {89.5, "89.5 s"}, {4.2e-5, "42 µs"}} {
		if got := fmtSeconds(tt.x); got != tt.want {
			t.Errorf("fmtSeconds(%v) = %q, want %q", tt.x, got, tt.want)
		}
	}
	for _, tt := range []struct {
		x    float64
		want string
	}{{0.04, "+4 %"}, {0.0219, "+2.2 %"}, {-0.29, "−29 %"}, {0, "0 %"}, {0.0996, "+10 %"}} {
		if got := fmtSignedPercent(tt.x); got != tt.want {
			t.Errorf("fmtSignedPercent(%v) = %q, want %q", tt.x, got, tt.want)
		}
	}
	if got := thousands(1234567); got != "1,234,567" {
		t.Errorf("thousands = %q", got)
	}
}

func TestParamUnit(t *testing.T) {
	for _, tt := range []struct {
		value  string
		number float64
		want   unitScale
	}{
		{"2Mbps", 2e6, unitScale{"Mbps", 1e6}},
		{"0.25Mbps", 0.25e6, unitScale{"Mbps", 1e6}},
		{"20ms", 0.02, unitScale{"ms", 1e-3}},
		{"4.8MB", 4.8e6, unitScale{"MB", 1e6}},
		{"8", 8, unitScale{"", 1}},
		{"cloud-gpu", math.NaN(), unitScale{"", 1}},
	} {
		got := paramUnit(tt.value, tt.number)
		if got.Name != tt.want.Name || math.Abs(got.Scale-tt.want.Scale) > 1e-9*tt.want.Scale {
			t.Errorf("paramUnit(%q) = %+v, want %+v", tt.value, got, tt.want)
		}
	}
}

func TestLogTicks(t *testing.T) {
	labels := func(lo, hi float64) string {
		var ls []string
		for _, tk := range (logTicks{format: fmtSeconds}).Ticks(math.Log10(lo), math.Log10(hi)) {
			if tk.Label != "" {
				ls = append(ls, tk.Label)
			}
		}
		return strings.Join(ls, ",")
	}
	if got := labels(1e-3, 100); got != "1 ms,10 ms,100 ms,1 s,10 s,100 s" {
		t.Errorf("5 decades: %s", got)
	}
	if got := labels(0.1, 10); got != "100 ms,200 ms,500 ms,1 s,2 s,5 s,10 s" {
		t.Errorf("2 decades: %s", got)
	}
	if got := labels(1e-9, 1e3); got != "0.01 µs,1 µs,100 µs,10 ms,1 s,100 s" {
		t.Errorf("12 decades, every other label: %s", got)
	}
	lo, hi := logRange(0.04, 89)
	if lo != 0.01 || hi != 100 {
		t.Errorf("logRange(0.04, 89) = %v, %v", lo, hi)
	}
	lo, hi = logRange(0.3, 8)
	if lo != 0.2 || hi != 10 {
		t.Errorf("logRange(0.3, 8) = %v, %v", lo, hi)
	}
}

func TestLinTicks(t *testing.T) {
	var ls []string
	for _, tk := range (linTicks{}).Ticks(0, 100) {
		if tk.Label != "" {
			ls = append(ls, tk.Label)
		}
	}
	if got := strings.Join(ls, ","); got != "0,20,40,60,80,100" {
		t.Errorf("0–100: %s", got)
	}
	if got := niceMax(0, 91); got != 100 {
		t.Errorf("niceMax(0, 91) = %v", got)
	}
}

func TestQuantile(t *testing.T) {
	xs := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	for _, tt := range []struct{ q, want float64 }{{0.5, 5}, {0.95, 10}, {0.91, 10}, {0.9, 9}, {0, 1}} {
		if got := quantile(xs, tt.q); got != tt.want {
			t.Errorf("quantile(%v) = %v, want %v", tt.q, got, tt.want)
		}
	}
}

func TestLaneOrder(t *testing.T) {
	li := parseLane("server/worker[1]")
	if li.kind != "server" || li.resource() != "worker[1]" || li.label(false) != "server · worker 1" {
		t.Errorf("got %+v %q", li, li.label(false))
	}
	if got := parseLane("phone[2]/gpu").label(true); got != "phone 2 · GPU" {
		t.Errorf("got %q", got)
	}
	if got := parseLane("custom").label(false); got != "custom" {
		t.Errorf("got %q", got)
	}
}
