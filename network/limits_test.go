package network

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// lineReader yields line n times, then EOF.
type lineReader struct {
	line string
	n    int
	buf  []byte
}

func (r *lineReader) Read(p []byte) (int, error) {
	if len(r.buf) == 0 {
		if r.n == 0 {
			return 0, io.EOF
		}
		r.n--
		r.buf = []byte(r.line)
	}
	k := copy(p, r.buf)
	r.buf = r.buf[k:]
	return k, nil
}

// TestTraceBounds is issue 18 finding 10 for the trace readers: a line over
// MaxTraceLineBytes and a file over MaxTraceLines are refused with errors
// naming the limit.
func TestTraceBounds(t *testing.T) {
	long := strings.NewReader("0 " + strings.Repeat("1", MaxTraceLineBytes+1) + "\n")
	for _, tc := range []struct {
		name string
		in   io.Reader
		mm   bool
		want string
	}{
		{"plain long line", long, false, "a line longer than 65536 bytes (the limit)"},
		{"mahimahi long line", strings.NewReader(strings.Repeat(" ", MaxTraceLineBytes+1)), true, "longer than 65536 bytes"},
		{"mahimahi lines", &lineReader{line: "1\n", n: MaxTraceLines + 1}, true, "more than 10000000 lines (the limit)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			if tc.mm {
				_, err = ParseMahimahi(tc.in, "t.trace", 0)
			} else {
				_, err = ParsePlain(tc.in, "t.trace")
			}
			var te *TraceError
			if !errors.As(err, &te) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want a TraceError with %q", err, tc.want)
			}
		})
	}
}
