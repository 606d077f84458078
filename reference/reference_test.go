package reference

import (
	"math"
	"strings"
	"testing"
)

func TestEmbeddedFactsLoad(t *testing.T) {
	if _, _, err := parse(factsYAML); err != nil {
		t.Fatal(err)
	}
	if n := len(All()); n < 50 {
		t.Errorf("only %d facts", n)
	}
}

func TestValues(t *testing.T) {
	tests := []struct {
		id   string
		want float64
	}{
		{"G7-load", 88},
		{"P1", 0.85},
		{"P6-openblas", 1.458},
		{"C-squeezenet-gpu", 4.908e-3},
		{"R-lte-alpha-up", 0.43839},
		{"M-heap-normal", 192 << 20},
		{"M-nexus5-battery", 2300 * 3.6},
		{"G8", 3},
		{"R-lte-median-up", 6e6},
	}
	for _, tt := range tests {
		f := MustLookup(tt.id)
		if math.Abs(f.Value-tt.want) > 1e-9*tt.want {
			t.Errorf("%s = %v, want %v", tt.id, f.Value, tt.want)
		}
	}
	if f := MustLookup("N-lte"); math.Abs(f.SD-0.1706) > 1e-12 {
		t.Errorf("N-lte sd = %v", f.SD)
	}
	if f := MustLookup("M-lmk-minfree"); len(f.Values) != 6 || f.Values[0] != 72e6 {
		t.Errorf("M-lmk-minfree = %v", f.Values)
	}
}

// The derived LTE tail is the sum of the timers it comes from.
func TestDerivedTail(t *testing.T) {
	sum := 0.0
	tail := MustLookup("R-lte-tail")
	for _, id := range tail.From {
		sum += MustLookup(id).Value
	}
	if math.Abs(sum-tail.Value) > 1e-9 {
		t.Errorf("R-lte-tail = %v, sum of %v = %v", tail.Value, tail.From, sum)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown source", "sources: {a: A}\nfacts:\n- {id: x, what: w, kind: time, value: 1s, source: b, tag: TEXT}\n", `unknown source "b"`},
		{"bare number", "sources: {a: A}\nfacts:\n- {id: x, what: w, kind: time, value: 1, source: a, tag: TEXT}\n", "missing unit"},
		{"duplicate", "sources: {a: A}\nfacts:\n- {id: x, what: w, kind: ratio, value: 1, source: a, tag: TEXT}\n- {id: x, what: w, kind: ratio, value: 1, source: a, tag: TEXT}\n", "duplicate"},
		{"outside range", "sources: {a: A}\nfacts:\n- {id: x, what: w, kind: ratio, value: 5, low: 1, high: 2, source: a, tag: TEXT}\n", "outside"},
		{"bad tag", "sources: {a: A}\nfacts:\n- {id: x, what: w, kind: ratio, value: 1, source: a, tag: GUESS}\n", "tag"},
		{"unknown field", "sources: {a: A}\nfacts:\n- {id: x, what: w, kind: ratio, valu: 1, source: a, tag: TEXT}\n", "valu"},
		{"derived without from", "sources: {a: A}\nfacts:\n- {id: x, what: w, kind: ratio, value: 1, source: a, tag: DERIVED}\n", "DERIVED"},
		{"order with value", "sources: {a: A}\nfacts:\n- {id: x, what: w, kind: order, value: 1, source: a, tag: TEXT}\n", "no value"},
	}
	for _, tt := range tests {
		_, _, err := parse([]byte(tt.yaml))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want error containing %q", tt.name, err, tt.want)
		}
	}
}

func TestFormat(t *testing.T) {
	if got := MustLookup("G7-load").Format(88); got != "88 s" {
		t.Errorf("Format = %q", got)
	}
	if got := MustLookup("G8").Format(3.04); got != "3.04×" {
		t.Errorf("Format = %q", got)
	}
}
