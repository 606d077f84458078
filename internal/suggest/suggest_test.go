package suggest

import (
	"fmt"
	"testing"
)

// The names infersim looks up, as their registries give them (copied here:
// this package imports nothing of ours).
var (
	zoo      = []string{"alexnet", "mobilenet-v1", "nin", "squeezenet-v1.0", "squeezenet-v1.1"}
	phones   = []string{"nexus5", "pixel4"}
	profiles = []string{"nexus5-caffe-cpu", "nexus5-cnndroid-gpu", "pixel4-tflite-cpu", "pixel4-tflite-gpu", "server-caffe-cpu", "server-caffe-gpu"}
	links    = []string{"campus-wifi", "home-wifi", "lte", "3g", "none"}
	traces   = []string{"lte-drive", "lte-walk", "wifi-cafe"}
	metrics  = []string{"latency.mean", "latency.p95", "energy.mean", "model.reloads/h", "app.kills"}
	charts   = []string{"breakdown", "energy", "sweep", "cdf", "timeline", "calibration"}
	fields   = []string{"bandwidth", "latency", "jitter", "loss", "trace"}
)

func TestClosest(t *testing.T) {
	tests := []struct {
		what, s string
		cand    []string
		want    string
	}{
		{"model: a letter left out of the stem", "mobilnet", zoo, "mobilenet-v1"},
		{"model: the stem alone", "mobilenet", zoo, "mobilenet-v1"},
		{"model: version left out", "squeezenet", zoo, "squeezenet-v1.0"},
		{"model: version cut short", "squeezenet-v1", zoo, "squeezenet-v1.0"},
		{"model: swapped letters", "alxenet", zoo, "alexnet"},
		{"model: one letter off", "nim", zoo, "nin"},
		{"model: nothing near", "resnet50", zoo, ""},
		{"phone: digit doubled", "nexus55", phones, "nexus5"},
		{"phone: case", "Pixel4", phones, "pixel4"},
		{"profile: target left out", "nexus5-cnndroid", profiles, "nexus5-cnndroid-gpu"},
		{"profile: typo", "pixel4-tflite-gpuu", profiles, "pixel4-tflite-gpu"},
		{"link: letter left out", "campus-wif", links, "campus-wifi"},
		{"link: separator", "campus_wifi", links, "campus-wifi"},
		{"trace: swapped letters", "lte-drvie", traces, "lte-drive"},
		{"metric: typo", "latency.p59", metrics, "latency.p95"},
		{"metric: stem", "lantency", metrics, "latency.mean"},
		{"chart: typo", "breakdwon", charts, "breakdown"},
		{"chart: plural", "timelines", charts, "timeline"},
		{"field: letter left out", "bandwith", fields, "bandwidth"},
		{"field: case", "Bandwidth", fields, "bandwidth"},
		{"enum: one edit beats a prefix", "ttft-lod", []string{"off", "ttft", "ttft-load"}, "ttft-load"},
		{"enum: a prefix extension", "ttft-", []string{"off", "ttft", "ttft-load"}, "ttft"},
		{"short names need a near match", "ab", []string{"cd"}, ""},
		{"far names", "xyz", fields, ""},
		{"no candidates", "x", nil, ""},
	}
	for _, tt := range tests {
		if got := Closest(tt.s, tt.cand); got != tt.want {
			t.Errorf("%s: Closest(%q) = %q, want %q", tt.what, tt.s, got, tt.want)
		}
	}
}

func TestDidYouMean(t *testing.T) {
	many := make([]string, 20)
	for i := range many {
		many[i] = fmt.Sprintf("name%02d", i)
	}
	tests := []struct {
		s    string
		cand []string
		want string
	}{
		{"mobilnet", zoo, ` (did you mean "mobilenet-v1"?)`},
		{"resnet50", zoo, ` (want one of alexnet, mobilenet-v1, nin, squeezenet-v1.0, squeezenet-v1.1)`},
		{"zzzzzzzz", many, ` (want one of name00, name01, name02, name03, name04, name05, name06, name07, name08, name09, name10, name11, ...)`},
		{"x", nil, ""},
	}
	for _, tt := range tests {
		if got := DidYouMean(tt.s, tt.cand); got != tt.want {
			t.Errorf("DidYouMean(%q) = %q, want %q", tt.s, got, tt.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{{"kitten", "sitting", 3}, {"", "abc", 3}, {"abc", "", 3}, {"same", "same", 0}, {"flaw", "lawn", 2}} {
		if d := editDistance(tt.a, tt.b); d != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, d, tt.want)
		}
	}
}

func ExampleDidYouMean() {
	zoo := []string{"alexnet", "mobilenet-v1", "nin", "squeezenet-v1.0", "squeezenet-v1.1"}
	fmt.Printf("unknown model %q%s\n", "mobilnet", DidYouMean("mobilnet", zoo))
	fmt.Printf("unknown model %q%s\n", "resnet50", DidYouMean("resnet50", zoo))
	// Output:
	// unknown model "mobilnet" (did you mean "mobilenet-v1"?)
	// unknown model "resnet50" (want one of alexnet, mobilenet-v1, nin, squeezenet-v1.0, squeezenet-v1.1)
}
