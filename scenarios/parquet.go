package scenarios

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/infersim/infersim/result"
)

// With outputs.format: parquet, requests go to requests.parquet instead of
// requests.csv along the same path: each worker encodes its world's
// records, as they finish, into frames (frameEncoder) that travel like
// requests.csv's rows (held, spooled or written straight through, in task
// order; stream.go), and the one writer of the file, parquetSink, decodes
// them into a result.ParquetWriter, which flushes a row group every
// result.ParquetRowGroup rows. Memory stays flat in the requests.

// The requests file formats of outputs.format.
const (
	formatCSV     = "csv"
	formatParquet = "parquet"
)

// outputFormats lists outputs.format's values.
func outputFormats() []string { return []string{formatCSV, formatParquet} }

// recordEncoder is what a worker turns its world's records into: rows of
// requests.csv (result.RecordWriter) or frames for requests.parquet.
type recordEncoder interface {
	Write(rec *result.Record) error
	Flush() error
}

// frameEncoder writes each record as a frame: its length (uvarint), then
// the record's fields in parquetSink's order, floats as their 8 bytes
// (exact); a chat's frames end with the turn's TTFT and output tokens.
type frameEncoder struct {
	w    *bufio.Writer
	buf  []byte
	chat bool
}

func newFrameEncoder(w io.Writer, chat bool) *frameEncoder {
	return &frameEncoder{w: bufio.NewWriterSize(w, 1<<16), chat: chat}
}

// Write implements recordEncoder.
func (e *frameEncoder) Write(r *result.Record) error {
	b := appendRecordFrame(e.buf[:0], r)
	if e.chat {
		b = binary.AppendVarint(appendFloat(b, r.TTFT), int64(r.Tokens))
	}
	var n [binary.MaxVarintLen64]byte
	if _, err := e.w.Write(n[:binary.PutUvarint(n[:], uint64(len(b)))]); err != nil {
		return err
	}
	_, err := e.w.Write(b)
	e.buf = b
	return err
}

// Flush implements recordEncoder.
func (e *frameEncoder) Flush() error { return e.w.Flush() }

// appendRecordFrame appends r's fields.
func appendRecordFrame(b []byte, r *result.Record) []byte {
	for _, v := range []int{r.Point, r.Replication, r.Phone, r.Request, r.Split} {
		b = binary.AppendVarint(b, int64(v))
	}
	b = appendString(appendString(appendString(b, r.Model), r.Mode), r.Image)
	cold := byte(0)
	if r.Cold {
		cold = 1
	}
	b = append(b, cold)
	b = binary.AppendUvarint(b, uint64(r.Outcome))
	b = appendFloat(appendFloat(b, r.Arrival), r.End)
	for _, s := range r.Phases {
		b = appendFloat(appendFloat(appendFloat(b, s.Start), s.End), s.Duration)
	}
	for _, e := range r.Energy {
		b = appendFloat(b, e)
	}
	return appendFloat(appendFloat(appendFloat(b, r.TailEnergy), r.UpBytes), r.DownBytes)
}

// parquetSink is requests.parquet's writer: the frames of every world, in
// task order, decoded and written as rows. Frames may be split across
// Write calls.
type parquetSink struct {
	pw      *result.ParquetWriter
	pending []byte // the start of a frame split across writes
	rec     result.Record
	strs    map[string]string // model, mode and image names, interned
	chat    bool              // the frames and the file have the chat columns
	err     error
}

func newParquetSink(w io.Writer, chat bool) *parquetSink {
	return &parquetSink{pw: newParquetWriter(w, chat), rec: result.NewRecord(), strs: map[string]string{}, chat: chat}
}

// newParquetWriter is requests.parquet's writer, with the chat columns for
// a chat with a language model.
func newParquetWriter(w io.Writer, chat bool) *result.ParquetWriter {
	if chat {
		return result.NewChatParquetWriter(w)
	}
	return result.NewParquetWriter(w)
}

// Write implements io.Writer.
func (s *parquetSink) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n := len(p)
	if len(s.pending) > 0 {
		s.pending = append(s.pending, p...)
		p = s.pending
	}
	for len(p) > 0 {
		size, k := binary.Uvarint(p)
		if k == 0 || uint64(len(p)-k) < size {
			break // the rest of the frame comes with the next write
		}
		if k < 0 {
			s.err = errors.New("scenarios: a request frame is malformed")
			return 0, s.err
		}
		if err := s.decode(p[k : k+int(size)]); err != nil {
			s.err = err
			return 0, err
		}
		p = p[k+int(size):]
	}
	s.pending = append(s.pending[:0], p...) // p may alias pending: copy down
	return n, nil
}

// decode writes one frame's record.
func (s *parquetSink) decode(b []byte) error {
	d := &decoder{b: b}
	r := &s.rec
	r.Point, r.Replication, r.Phone, r.Request, r.Split = d.int(), d.int(), d.int(), d.int(), d.int()
	r.Model, r.Mode, r.Image = s.text(d), s.text(d), s.text(d)
	r.Cold = d.byte() == 1
	o := d.uvarint()
	if o >= uint64(result.NumOutcomes) {
		d.fail()
	}
	r.Outcome = result.Outcome(o)
	r.Arrival, r.End = d.float(), d.float()
	for p := range r.Phases {
		r.Phases[p] = result.PhaseSpan{Start: d.float(), End: d.float(), Duration: d.float()}
	}
	for c := range r.Energy {
		r.Energy[c] = d.float()
	}
	r.TailEnergy, r.UpBytes, r.DownBytes = d.float(), d.float(), d.float()
	if s.chat {
		r.TTFT, r.Tokens = d.float(), d.int()
	}
	if d.err == nil && len(d.b) != 0 {
		d.fail()
	}
	if d.err != nil {
		return fmt.Errorf("scenarios: writing %s: %w", result.RequestsParquetFile, d.err)
	}
	return s.pw.Write(r)
}

// text reads a string, interned: the names repeat in every record.
func (s *parquetSink) text(d *decoder) string {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
		return ""
	}
	b := d.b[:n]
	d.b = d.b[n:]
	if t, ok := s.strs[string(b)]; ok {
		return t
	}
	t := string(b)
	if len(s.strs) < 1<<12 {
		s.strs[t] = t
	}
	return t
}

// rows is the number of records written.
func (s *parquetSink) rows() int64 { return s.pw.Rows() }

// close writes the file's last row group and footer.
func (s *parquetSink) close() error {
	if s.err != nil {
		return s.err
	}
	if len(s.pending) > 0 {
		return fmt.Errorf("scenarios: writing %s: a request frame is cut short", result.RequestsParquetFile)
	}
	return s.pw.Close()
}

// cutParquet rewrites the requests.parquet in src (size bytes) with only
// its first n rows into dst: an interrupted run keeps the points finished
// before, as requests.csv is cut back to them. chat says whether the file
// has the chat columns.
func cutParquet(dst io.Writer, src io.ReaderAt, size, n int64, chat bool) error {
	pw := newParquetWriter(dst, chat)
	errEnough := errors.New("enough rows")
	err := result.ReadParquetRecords(src, size, result.RequestsParquetFile, func(r *result.Record) error {
		if pw.Rows() >= n {
			return errEnough
		}
		return pw.Write(r)
	})
	if err != nil && !errors.Is(err, errEnough) {
		return err
	}
	return pw.Close()
}
