package scenarios

import "testing"

// FuzzParseWarmup: ParseWarmup never panics, and a value it accepts is a
// count in range or a non-negative time, which reads back the same.
func FuzzParseWarmup(f *testing.F) {
	for _, s := range []string{"1", "0", "2s", "1500ms", "-1", "1e3", "soon", "", "100000001", "1.5min", "-2s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, err := ParseWarmup(s)
		if err != nil {
			return
		}
		if w.ByTime && (w.Time < 0 || w.Requests != 0) || !w.ByTime && (w.Requests < 0 || w.Requests > MaxWarmupRequests || w.Time != 0) {
			t.Fatalf("ParseWarmup(%q) = %+v", s, w)
		}
	})
}
