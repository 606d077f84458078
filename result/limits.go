package result

import (
	"errors"
	"fmt"
	"io"
)

// The bounds of the readers of this package. Each reader refuses input
// over them with an error naming the limit, so that no results file, however
// damaged or hostile, costs more than memory in proportion to its limit.
const (
	// MaxLineBytes is the longest CSV record (a line, or several when a
	// quoted field holds newlines) ReadRecords, ReadValidationCSV and
	// ReadLayersCSV read: 1 MiB. A requests.csv line is about 400 bytes.
	MaxLineBytes = 1 << 20
	// MaxRecords is the most rows ReadRecords streams: 100 million (about
	// 40 GB of requests.csv). The rows are not kept, so memory does not
	// grow with them; the limit bounds the time.
	MaxRecords = 100_000_000
	// MaxTableRows is the most rows ReadValidationCSV and ReadLayersCSV
	// read: 100,000. The validation suite has under a hundred rows and
	// layers.csv one per layer of each model (a few thousand).
	MaxTableRows = 100_000
	// MaxJSONBytes is the largest summary.json or trace.json ReadRunJSON
	// and ReadTrace read: 64 MiB. A summary.json is a few hundred bytes
	// per summary; a trace.json holds one task's spans (about 200 bytes
	// each). encoding/json keeps the whole document while it decodes, so
	// the memory a reader takes is a small multiple of this.
	MaxJSONBytes = 64 << 20
)

// ErrLimit is wrapped by every error for input over one of the limits
// above.
var ErrLimit = errors.New("over the reader's limit")

// boundedReader passes r through and fails once a record (the bytes since
// the last newline outside double quotes) exceeds maxLine, or the input
// exceeds maxBytes; a bound ≤ 0 is not checked. Quotes are counted only when
// csv is set: CSV's doubled quote "" toggles the state twice, so the count
// stays right.
type boundedReader struct {
	r        io.Reader
	maxLine  int
	maxBytes int64
	csv      bool

	run    int
	total  int64
	quoted bool
	err    error
}

func (b *boundedReader) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	n, err := b.r.Read(p)
	b.total += int64(n)
	if b.maxBytes > 0 && b.total > b.maxBytes {
		b.err = fmt.Errorf("%w: more than %d bytes (the limit)", ErrLimit, b.maxBytes)
		return 0, b.err
	}
	if b.maxLine > 0 {
		for i, c := range p[:n] {
			switch {
			case c == '"' && b.csv:
				b.quoted = !b.quoted
			case c == '\n' && !b.quoted:
				b.run = 0
				continue
			}
			if b.run++; b.run > b.maxLine {
				b.err = fmt.Errorf("%w: a line longer than %d bytes (the limit)", ErrLimit, b.maxLine)
				return i, b.err
			}
		}
	}
	return n, err
}

// csvInput bounds the records of a CSV input.
func csvInput(r io.Reader) io.Reader {
	return &boundedReader{r: r, maxLine: MaxLineBytes, csv: true}
}

// jsonInput bounds the size of a JSON input.
func jsonInput(r io.Reader) io.Reader {
	return &boundedReader{r: r, maxBytes: MaxJSONBytes}
}
