package units

import (
	"strings"
	"testing"
)

// TestBitRateMinimum is issue 18 finding 12: "1e-300bps" was accepted as
// a bandwidth. A non-zero bit rate below MinBitRate is refused with the
// minimum in the message; an overflowing value gives the range.
func TestBitRateMinimum(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // "" for accepted
	}{
		{"1e-300bps", "below the smallest bit rate, 1 bps"},
		{"0.5bps", "below the smallest bit rate, 1 bps"},
		{"1e-9Mbps", "below the smallest bit rate"},
		{"1bps", ""},
		{"0bps", ""},
		{"0.25Mbps", ""},
		{"1e308Gbps", "value out of range [-1.7976931348623156e+299, 1.7976931348623156e+299] Gbps"},
	} {
		_, err := ParseBitRate(tc.in)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.in, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: err = %v, want %q", tc.in, err, tc.want)
		}
	}
}
