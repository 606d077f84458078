package scenarios

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/infersim/infersim/result"
)

// outputs holds the files a run is writing, each streamed into a
// temporary file in the output directory and renamed into place at the
// end (or removed on error): requests.csv (the records, formatted by the
// workers), summary.csv (rows as points complete) and the summaries of
// summary.json (spooled as points complete; the file is assembled around
// them at the end). Memory does not grow with the number of points.
type outputs struct {
	dir       string
	params    []string // summary.csv's parameter columns
	requests  *tmpFile // nil without outputs.requests
	chat      bool     // requests.csv has the chat columns (llm.go)
	sumCSV    *tmpFile
	sumJSON   *tmpFile // the summaries array's elements, spooled
	nsums     int      // summaries spooled
	ptsJSON   *tmpFile // the points array's elements, spooled
	npoints   int      // points spooled
	csvBuf    bytes.Buffer
	jsonBuf   bytes.Buffer
	lastGood  int64 // requests.csv bytes up to the last finished point
	path      string
	committed bool

	// pq decodes the workers' frames into requests.parquet (through
	// requests) with outputs.format: parquet; nil with csv.
	pq       *parquetSink
	goodRows int64 // requests.parquet's rows up to the last finished point
}

// tmpFile is a temporary file with a buffered, counting writer.
type tmpFile struct {
	f *os.File
	w *bufio.Writer
	n int64 // bytes written through w
}

func createTemp(dir, name string) (*tmpFile, error) {
	f, err := os.CreateTemp(dir, "."+name+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("scenarios: %w", err)
	}
	if err := f.Chmod(0o644); err != nil { // CreateTemp makes 0600; results are shared files
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("scenarios: %w", err)
	}
	return &tmpFile{f: f, w: bufio.NewWriterSize(f, 1<<16)}, nil
}

// Write implements io.Writer, counting the bytes written.
func (t *tmpFile) Write(p []byte) (int, error) {
	n, err := t.w.Write(p)
	t.n += int64(n)
	return n, err
}

// commit flushes, syncs and closes the file and renames it to path.
func (t *tmpFile) commit(path string) error {
	if err := t.w.Flush(); err != nil {
		return err
	}
	if err := t.f.Sync(); err != nil {
		return err
	}
	if err := t.f.Close(); err != nil {
		return err
	}
	return os.Rename(t.f.Name(), path)
}

// discard closes and removes the file.
func (t *tmpFile) discard() {
	if t != nil && t.f != nil {
		t.f.Close()
		os.Remove(t.f.Name())
		t.f = nil
	}
}

// open creates the temporary files: requests.csv (with its header) or,
// with format parquet, requests.parquet if wanted, summary.csv (with its
// header) and the summaries' spool.
func (o *outputs) open(requests bool, format string) error {
	var err error
	if requests && format == formatParquet {
		if o.requests, err = createTemp(o.dir, result.RequestsParquetFile); err != nil {
			return err
		}
		o.pq = newParquetSink(o.requests, o.chat)
	} else if requests {
		if o.requests, err = createTemp(o.dir, result.RequestsFile); err != nil {
			return err
		}
		rw, err := newRecordWriter(o.requests, o.chat)
		if err == nil {
			err = rw.Flush()
		}
		if err != nil {
			return fmt.Errorf("scenarios: writing %s: %w", result.RequestsFile, err)
		}
		o.lastGood = o.requests.n
	}
	if o.sumCSV, err = createTemp(o.dir, result.SummaryCSVFile); err != nil {
		return err
	}
	if err := result.WriteSummaryCSV(o.sumCSV, o.params, nil); err != nil {
		return fmt.Errorf("scenarios: writing %s: %w", result.SummaryCSVFile, err)
	}
	if o.sumJSON, err = createTemp(o.dir, result.SummaryFile); err != nil {
		return err
	}
	if o.ptsJSON, err = createTemp(o.dir, result.SummaryFile); err != nil {
		return err
	}
	return nil
}

// writePoint appends a finished point to summary.json's points spool, as
// an element of the top-level object's "points" array indented as
// WriteRunJSON indents it.
func (o *outputs) writePoint(pi *result.PointInfo) error {
	o.jsonBuf.Reset()
	if o.npoints > 0 {
		o.jsonBuf.WriteByte(',')
	}
	o.jsonBuf.WriteString("\n    ")
	enc := json.NewEncoder(&o.jsonBuf)
	enc.SetIndent("    ", "  ")
	if err := enc.Encode(pi); err != nil {
		return fmt.Errorf("scenarios: writing %s: %w", result.SummaryFile, err)
	}
	b := o.jsonBuf.Bytes()
	if _, err := o.ptsJSON.Write(b[:len(b)-1]); err != nil { // without Encode's newline
		return fmt.Errorf("scenarios: writing %s: %w", result.SummaryFile, err)
	}
	o.npoints++
	return nil
}

// requestsIn is where a task's records go, formatted by its worker: the
// file (requests.csv) or the frames' decoder (requests.parquet).
func (o *outputs) requestsIn() io.Writer {
	if o.pq != nil {
		return o.pq
	}
	return o.requests
}

// requestsName is the requests file's name.
func (o *outputs) requestsName() string {
	if o.pq != nil {
		return result.RequestsParquetFile
	}
	return result.RequestsFile
}

// writeRecords appends a task's records, already formatted.
func (o *outputs) writeRecords(b []byte) error {
	if o.requests == nil {
		return nil
	}
	if _, err := o.requestsIn().Write(b); err != nil {
		return fmt.Errorf("scenarios: writing %s: %w", o.requestsName(), err)
	}
	return nil
}

// writeSummaries appends a finished point's summaries to summary.csv and
// to summary.json's spool.
func (o *outputs) writeSummaries(sums []result.Summary) error {
	if len(sums) == 0 {
		return nil
	}
	// summary.csv: the rows WriteSummaryCSV writes after its header.
	o.csvBuf.Reset()
	if err := result.WriteSummaryCSV(&o.csvBuf, o.params, sums); err != nil {
		return fmt.Errorf("scenarios: writing %s: %w", result.SummaryCSVFile, err)
	}
	rows := o.csvBuf.Bytes()
	if i := bytes.IndexByte(rows, '\n'); i >= 0 {
		rows = rows[i+1:]
	}
	if _, err := o.sumCSV.Write(rows); err != nil {
		return fmt.Errorf("scenarios: writing %s: %w", result.SummaryCSVFile, err)
	}
	// summary.json: each summary as an element of the top-level object's
	// "summaries" array, indented as WriteRunJSON indents it.
	for i := range sums {
		o.jsonBuf.Reset()
		if o.nsums > 0 {
			o.jsonBuf.WriteByte(',')
		}
		o.jsonBuf.WriteString("\n    ")
		enc := json.NewEncoder(&o.jsonBuf)
		enc.SetIndent("    ", "  ")
		if err := enc.Encode(&sums[i]); err != nil {
			return fmt.Errorf("scenarios: writing %s: %w", result.SummaryFile, err)
		}
		b := o.jsonBuf.Bytes()
		b = b[:len(b)-1] // Encode's newline
		if _, err := o.sumJSON.Write(b); err != nil {
			return fmt.Errorf("scenarios: writing %s: %w", result.SummaryFile, err)
		}
		o.nsums++
	}
	return nil
}

// pointDone marks the end of a point's records: an interrupted run keeps
// requests.csv up to here.
func (o *outputs) pointDone() error {
	if o.requests == nil {
		return nil
	}
	if o.pq != nil {
		o.goodRows = o.pq.rows()
		return o.pq.err
	}
	if err := o.requests.w.Flush(); err != nil {
		return fmt.Errorf("scenarios: writing %s: %w", result.RequestsFile, err)
	}
	o.lastGood = o.requests.n
	return nil
}

// finish renames requests.csv (cut back to the last finished point when
// the run was interrupted) and summary.csv into place, and writes
// summary.json: run (its Summaries ignored) with the spooled summaries.
func (o *outputs) finish(run *result.Run, interrupted bool) error {
	if o.pq != nil {
		if err := o.finishParquet(interrupted); err != nil {
			return err
		}
	} else if o.requests != nil {
		if interrupted {
			if err := o.requests.w.Flush(); err != nil {
				return fmt.Errorf("scenarios: writing %s: %w", result.RequestsFile, err)
			}
			if err := o.requests.f.Truncate(o.lastGood); err != nil {
				return fmt.Errorf("scenarios: writing %s: %w", result.RequestsFile, err)
			}
		}
		path := filepath.Join(o.dir, result.RequestsFile)
		if err := o.requests.commit(path); err != nil {
			return fmt.Errorf("scenarios: writing %s: %w", result.RequestsFile, err)
		}
		o.requests.f = nil
		o.path = path
	}
	if err := o.sumCSV.commit(filepath.Join(o.dir, result.SummaryCSVFile)); err != nil {
		return fmt.Errorf("scenarios: writing %s: %w", result.SummaryCSVFile, err)
	}
	o.sumCSV.f = nil
	if err := o.sumJSON.w.Flush(); err != nil {
		return fmt.Errorf("scenarios: writing %s: %w", result.SummaryFile, err)
	}
	if err := o.ptsJSON.w.Flush(); err != nil {
		return fmt.Errorf("scenarios: writing %s: %w", result.SummaryFile, err)
	}
	return writeAtomic(filepath.Join(o.dir, result.SummaryFile), func(w io.Writer) error {
		return o.writeRunJSON(w, run)
	})
}

// finishParquet ends requests.parquet (cut back to the last finished
// point when the run was interrupted) and renames it into place.
func (o *outputs) finishParquet(interrupted bool) error {
	fail := func(err error) error {
		return fmt.Errorf("scenarios: writing %s: %w", result.RequestsParquetFile, err)
	}
	cut := interrupted && o.pq.rows() > o.goodRows
	if interrupted {
		o.pq.pending = nil // an interrupted world's last frame, cut short
	}
	if err := o.pq.close(); err != nil {
		return fail(err)
	}
	if err := o.requests.w.Flush(); err != nil {
		return fail(err)
	}
	if cut {
		t, err := createTemp(o.dir, result.RequestsParquetFile)
		if err != nil {
			return err
		}
		if err := cutParquet(t, o.requests.f, o.requests.n, o.goodRows, o.chat); err != nil {
			t.discard()
			return fail(err)
		}
		o.requests.discard()
		o.requests = t
	}
	path := filepath.Join(o.dir, result.RequestsParquetFile)
	if err := o.requests.commit(path); err != nil {
		return fail(err)
	}
	o.requests.f = nil
	o.path = path
	return nil
}

// writeRunJSON writes what result.WriteRunJSON writes for run with the
// spooled points and summaries as its Points and Summaries, byte for byte
// (TestSummaryJSONStreamed), without holding them in memory.
func (o *outputs) writeRunJSON(w io.Writer, run *result.Run) error {
	env := *run
	env.Summaries = []result.Summary{}
	if o.npoints > 0 {
		env.Points = []result.PointInfo{}
	}
	var b bytes.Buffer
	if err := result.WriteRunJSON(&b, &env); err != nil {
		return err
	}
	doc := b.Bytes()
	splice := func(doc []byte, key string, spool *tmpFile, n int) ([]byte, error) {
		i := bytes.Index(doc, []byte(key))
		if i < 0 || bytes.Contains(doc[i+len(key):], []byte(key)) {
			return nil, fmt.Errorf("%s not found once in the run's JSON", key)
		}
		i += len(key) - 1                           // at the "]"
		if _, err := w.Write(doc[:i]); err != nil { // up to the "["
			return nil, err
		}
		if n > 0 {
			if _, err := spool.f.Seek(0, io.SeekStart); err != nil {
				return nil, err
			}
			if _, err := io.Copy(w, spool.f); err != nil {
				return nil, err
			}
			if _, err := io.WriteString(w, "\n  "); err != nil {
				return nil, err
			}
		}
		return doc[i:], nil
	}
	var err error
	if o.npoints > 0 { // "points" comes before "summaries"
		if doc, err = splice(doc, "\n  \"points\": []", o.ptsJSON, o.npoints); err != nil {
			return err
		}
	}
	if doc, err = splice(doc, "\n  \"summaries\": []", o.sumJSON, o.nsums); err != nil {
		return err
	}
	_, err = w.Write(doc)
	return err
}

// cleanup removes the temporary files of a run that failed, and the
// summaries' spool in any case.
func (o *outputs) cleanup() {
	o.requests.discard()
	o.sumCSV.discard()
	o.sumJSON.discard()
	o.ptsJSON.discard()
}

// writeAtomic writes path through a temporary file in the same directory
// and renames it into place, so that a reader never sees half a file and
// an error leaves nothing behind.
func writeAtomic(path string, write func(io.Writer) error) error {
	dir, name := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	t, err := createTemp(dir, name)
	if err != nil {
		return err
	}
	if err := write(t); err != nil {
		t.discard()
		return fmt.Errorf("scenarios: writing %s: %w", path, err)
	}
	if err := t.commit(path); err != nil {
		t.discard()
		return fmt.Errorf("scenarios: writing %s: %w", path, err)
	}
	return nil
}

// recordFormatter formats a task's records for the requests file in the
// worker that simulated them, as they finish, into the world's csvSink,
// so that the merge only copies bytes: requests.csv's rows
// (result.RecordWriter) or requests.parquet's frames (frameEncoder).
type recordFormatter struct {
	dst io.Writer
	rw  recordEncoder
}

// Write passes p on to the current destination.
func (f *recordFormatter) Write(p []byte) (int, error) { return f.dst.Write(p) }

// newRecordFormatter returns the formatter of outputs.format's file (a
// chat's CSV carries its two extra columns).
func newRecordFormatter(format string, chat bool) (*recordFormatter, error) {
	f := &recordFormatter{dst: io.Discard}
	if format == formatParquet {
		f.rw = newFrameEncoder(f, chat)
		return f, nil
	}
	rw, err := newRecordWriter(f, chat)
	if err != nil {
		return nil, err
	}
	if err := rw.Flush(); err != nil { // the header is discarded
		return nil, err
	}
	f.rw = rw
	return f, nil
}

// start sends the next rows (f.rw.Write) to w.
func (f *recordFormatter) start(w io.Writer) { f.dst = w }

// finish flushes the rows to the destination and forgets it.
func (f *recordFormatter) finish() error {
	err := f.rw.Flush()
	f.dst = io.Discard
	return err
}

var csvPool = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

// newRecordWriter is requests.csv's writer: with the chat columns for a
// chat with a language model (result.NewChatRecordWriter).
func newRecordWriter(w io.Writer, chat bool) (*result.RecordWriter, error) {
	if chat {
		return result.NewChatRecordWriter(w)
	}
	return result.NewRecordWriter(w)
}
