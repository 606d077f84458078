package result

import (
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
)

// allocated returns the bytes f allocates (runtime.MemStats.TotalAlloc).
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// repeatReader yields head, then body repeated up to n bytes in all.
type repeatReader struct {
	head, body string
	n, off     int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.off >= r.n {
		return 0, io.EOF
	}
	k := 0
	for k < len(p) && r.off < r.n {
		var c byte
		if r.off < len(r.head) {
			c = r.head[r.off]
		} else {
			c = r.body[(r.off-len(r.head))%len(r.body)]
		}
		p[k] = c
		k++
		r.off++
	}
	return k, nil
}

// TestReaderBounds is issue 18 finding 10: one 300 MB line of
// requests.csv cost 1.32 GB before the error. Each reader now stops at
// its limit, with an error naming it, within memory in proportion to the
// limit (not the input: the inputs here are 64 MB).
func TestReaderBounds(t *testing.T) {
	const input = 64 << 20
	const bound = 16 << 20
	csvHead := func(h []string) string { return strings.Join(h, ",") + "\n" }
	for _, tc := range []struct {
		name string
		in   io.Reader
		read func(io.Reader) error
		want string
		max  uint64 // bytes the read may allocate; 0: 16 MB
	}{
		{"requests.csv long line", &repeatReader{head: csvHead(recordHeader()), body: "1", n: input},
			func(r io.Reader) error { return ReadRecords(r, "requests.csv", func(*Record) error { return nil }) }, "longer than 1048576 bytes", 0},
		{"requests.csv long quoted field", &repeatReader{head: csvHead(recordHeader()) + "\"", body: "a\n", n: input},
			func(r io.Reader) error { return ReadRecords(r, "requests.csv", func(*Record) error { return nil }) }, "longer than 1048576 bytes", 0},
		{"requests.csv header", &repeatReader{body: "point", n: input},
			func(r io.Reader) error { return ReadRecords(r, "requests.csv", func(*Record) error { return nil }) }, "longer than 1048576 bytes", 0},
		{"validation.csv long line", &repeatReader{head: csvHead(validationHeader), body: "x", n: input},
			func(r io.Reader) error { _, err := ReadValidationCSV(r, "validation.csv"); return err }, "longer than 1048576 bytes", 0},
		{"layers.csv long line", &repeatReader{head: csvHead(layersHeader), body: "x", n: input},
			func(r io.Reader) error { _, err := ReadLayersCSV(r, "layers.csv"); return err }, "longer than 1048576 bytes", 0},
		{"layers.csv rows", &repeatReader{head: csvHead(layersHeader), body: "m,l,k,1,1,1,1,1\n", n: 2 << 20},
			func(r io.Reader) error { _, err := ReadLayersCSV(r, "layers.csv"); return err }, "more than 100000 rows", 100 << 20},
		{"summary.json", &repeatReader{head: `{"scenario": "`, body: "a", n: MaxJSONBytes + 2},
			func(r io.Reader) error { _, err := ReadRunJSON(r, "summary.json"); return err }, "more than 67108864 bytes", 6 * MaxJSONBytes},
		{"trace.json", &repeatReader{head: `{"traceEvents": [`, body: `{"ph":"X"},`, n: MaxJSONBytes + 2},
			func(r io.Reader) error { _, err := ReadTrace(r, "trace.json"); return err }, "more than 67108864 bytes", 6 * MaxJSONBytes},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			n := allocated(func() { err = tc.read(tc.in) })
			if !errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "(the limit)") {
				t.Fatalf("err = %v, want ErrLimit with %q", err, tc.want)
			}
			lim := uint64(bound)
			if tc.max > 0 {
				lim = tc.max
			}
			if n > lim {
				t.Errorf("allocated %d MB, bound %d MB", n>>20, lim>>20)
			}
		})
	}
}

// TestBoundedReaderCSVQuotes checks that a newline inside a quoted field
// does not end a record and that a doubled quote does not end the quote.
func TestBoundedReaderCSVQuotes(t *testing.T) {
	b := &boundedReader{r: strings.NewReader("a,\"x\"\"\n" + strings.Repeat("y", 10) + "\"\nshort\n"), maxLine: 15, csv: true}
	if _, err := io.ReadAll(b); !errors.Is(err, ErrLimit) {
		t.Errorf("quoted record of 18 bytes, limit 15: err = %v", err)
	}
	b = &boundedReader{r: strings.NewReader("a,\"x\"\"\"\n" + strings.Repeat("y", 10) + "\nshort\n"), maxLine: 15, csv: true}
	if _, err := io.ReadAll(b); err != nil {
		t.Errorf("records of 8 and 10 bytes, limit 15: err = %v", err)
	}
}
