package result

import (
	"strings"
	"testing"
)

// TestModeLabel: the ends of split:K say what they mean, split:0 always
// and split:K only when K is the model's layer count; other modes and
// cuts read as written.
func TestModeLabel(t *testing.T) {
	for _, tc := range []struct {
		mode   string
		layers int
		want   string
	}{
		{"split:24", 24, "split:24 (all on the phone)"},
		{"split:0", 24, "split:0 (all in the cloud)"},
		{"split:0", 0, "split:0 (all in the cloud)"},
		{"split:5", 24, "split:5"},
		{"split:24", 0, "split:24"}, // layer count not known
		{"split:24", 30, "split:24"},
		{"split:x", 24, "split:x"},
		{"cloud-gpu", 24, "cloud-gpu"},
		{"on-device-cpu", 0, "on-device-cpu"},
	} {
		if got := ModeLabel(tc.mode, tc.layers); got != tc.want {
			t.Errorf("ModeLabel(%q, %d) = %q, want %q", tc.mode, tc.layers, got, tc.want)
		}
		s := Summary{Key: Key{Mode: tc.mode}, SplitLayers: tc.layers}
		if got := s.ModeLabel(); got != tc.want {
			t.Errorf("Summary{%q, %d}.ModeLabel() = %q, want %q", tc.mode, tc.layers, got, tc.want)
		}
	}
}

// TestSplitLayersJSON: split_layers is written when set, left out when 0,
// and read back.
func TestSplitLayersJSON(t *testing.T) {
	for _, tc := range []struct {
		layers int
		field  bool
	}{{24, true}, {0, false}} {
		s := Summary{Key: Key{Model: "alexnet", Mode: "split:24", Start: Warm}, SplitLayers: tc.layers}
		b, err := s.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(string(b), `"split_layers":`); got != tc.field {
			t.Errorf("layers %d: split_layers written %v, want %v:\n%s", tc.layers, got, tc.field, b)
		}
		var back Summary
		if err := back.UnmarshalJSON(b); err != nil {
			t.Fatal(err)
		}
		if back.SplitLayers != tc.layers {
			t.Errorf("layers %d: read back %d", tc.layers, back.SplitLayers)
		}
	}
}
