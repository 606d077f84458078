package result

import (
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"sync"
	"unsafe"

	kzstd "github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"
	"github.com/parquet-go/parquet-go/format"
)

// RequestsParquetFile is requests.csv's columnar twin, written instead of
// it when a scenario says outputs.format: parquet (ParquetWriter,
// ReadParquetRecords).
const RequestsParquetFile = "requests.parquet"

// ParquetRowGroup is the number of rows in each row group of
// requests.parquet. A parquet writer holds a row group's pages (each
// column's, encoded and compressed) until the group is complete, so this
// bounds its memory: about 28 MB live at this size (peak heap 67 MB with
// the collector's headroom, against 14 MB for requests.csv), whatever the
// number of rows; 2¹⁷ rows took 123 MB. Readers that split work by row
// group get one per 32,768 requests.
const ParquetRowGroup = 1 << 15

// parquetSchema is requests.csv's columns, in its order, typed: the
// integers (point, replication, phone, request, split) INT64; model,
// mode, image and outcome strings (dictionary-encoded); cold BOOLEAN;
// the times, energies and byte counts DOUBLE, null where requests.csv
// has an empty field (a phase that did not occur), in BYTE_STREAM_SPLIT
// encoding: a third smaller once compressed than PLAIN for these
// unrounded times, and read by pyarrow (pandas' engine), DuckDB since
// 0.10 (duckdb/duckdb#9240) and polars since 2024 (pola-rs/polars#17042).
// Parquet's generic group sorts its fields by name; a struct keeps their
// order, so the schema is that of a struct type made from recordHeader.
// A chat's requests.parquet (NewChatParquetWriter) has requests.csv's chat
// columns after these: ttft_s DOUBLE (null where the CSV field is empty)
// and tokens INT64.
var parquetSchema = sync.OnceValue(func() *parquet.Schema { return schemaOf(recordHeader()) })

// chatParquetSchema is parquetSchema with the chat columns.
var chatParquetSchema = sync.OnceValue(func() *parquet.Schema {
	return schemaOf(append(recordHeader(), chatHeader...))
})

// schemaOf returns the parquet schema of the named columns, typed by
// columnKind, in that order.
func schemaOf(names []string) *parquet.Schema {
	var fields []reflect.StructField
	for i, name := range names {
		var typ reflect.Type
		tag := name
		switch columnKind(name) {
		case colInt:
			typ = reflect.TypeFor[int64]()
		case colText:
			typ, tag = reflect.TypeFor[string](), name+",dict"
		case colBool:
			typ = reflect.TypeFor[bool]()
		default:
			typ, tag = reflect.TypeFor[float64](), name+",optional,split"
		}
		fields = append(fields, reflect.StructField{
			Name: fmt.Sprintf("C%d", i),
			Type: typ,
			Tag:  reflect.StructTag(`parquet:"` + tag + `"`),
		})
	}
	return parquet.SchemaOf(reflect.New(reflect.StructOf(fields)).Interface())
}

// The kinds of requests.csv's columns.
const (
	colInt = iota
	colText
	colBool
	colFloat
)

func columnKind(name string) int {
	switch name {
	case "point", "replication", "phone", "request", "split", "tokens":
		return colInt
	case "model", "mode", "image", "outcome":
		return colText
	case "cold":
		return colBool
	}
	return colFloat
}

// ParquetWriter streams records to requests.parquet: the columns of
// requests.csv (RecordWriter) with their types, each value exactly as
// the simulation produced it (no rounding: a time is the float64 the
// record holds), zstd-compressed, in row groups of ParquetRowGroup rows
// written as they fill. Call Close at the end and check its error.
type ParquetWriter struct {
	w     *parquet.Writer
	batch []parquet.Row // rows not yet given to w (a call per row costs)
	n     int           // rows in batch
	rows  int64
	chat  bool // the chat columns follow
}

// parquetBatch is the number of rows a ParquetWriter gives its
// parquet.Writer at once.
const parquetBatch = 256

// NewParquetWriter returns a writer of requests.parquet to w.
func NewParquetWriter(w io.Writer) *ParquetWriter { return newParquetWriter(w, false) }

// NewChatParquetWriter is NewParquetWriter for the records of a chat with a
// language model: the columns of NewChatRecordWriter, ttft_s and tokens
// after the others.
func NewChatParquetWriter(w io.Writer) *ParquetWriter { return newParquetWriter(w, true) }

func newParquetWriter(w io.Writer, chat bool) *ParquetWriter {
	schema := parquetSchema()
	if chat {
		schema = chatParquetSchema()
	}
	return &ParquetWriter{
		chat: chat,
		w: parquet.NewWriter(w, schema,
			parquet.Compression(newPageCodec()),
			parquet.MaxRowsPerRowGroup(ParquetRowGroup),
			parquet.DataPageVersion(1), // read by every reader, old ones too
			parquet.CreatedBy("infersim", "", "")),
		batch: make([]parquet.Row, parquetBatch),
	}
}

// Write appends one record.
func (pw *ParquetWriter) Write(r *Record) error {
	row := pw.batch[pw.n][:0]
	col := 0
	i64 := func(v int) {
		row = append(row, parquet.Int64Value(int64(v)).Level(0, 0, col))
		col++
	}
	str := func(s string) {
		row = append(row, parquet.ByteArrayValue(unsafe.Slice(unsafe.StringData(s), len(s))).Level(0, 0, col))
		col++
	}
	f64 := func(x float64) {
		if math.IsNaN(x) {
			row = append(row, parquet.NullValue().Level(0, 0, col))
		} else {
			row = append(row, parquet.DoubleValue(x).Level(0, 1, col))
		}
		col++
	}
	i64(r.Point)
	i64(r.Replication)
	i64(r.Phone)
	i64(r.Request)
	str(r.Model)
	str(r.Mode)
	str(r.Image)
	i64(r.Split)
	row = append(row, parquet.BooleanValue(r.Cold).Level(0, 0, col))
	col++
	f64(r.Arrival)
	f64(r.End)
	f64(r.Latency())
	str(r.Outcome.String())
	for _, s := range r.Phases {
		f64(s.Start)
		f64(s.End)
		f64(s.Duration)
	}
	for _, e := range r.Energy {
		f64(e)
	}
	f64(r.TotalEnergy())
	f64(r.TailEnergy)
	f64(r.UpBytes)
	f64(r.DownBytes)
	if pw.chat {
		f64(r.TTFT)
		i64(r.Tokens)
	}
	pw.batch[pw.n] = row
	pw.n++
	pw.rows++
	if pw.n == len(pw.batch) {
		return pw.flushBatch()
	}
	return nil
}

// flushBatch gives the batched rows to the parquet writer. The rows'
// strings point into the records' strings, which stay reachable through
// them until then.
func (pw *ParquetWriter) flushBatch() error {
	_, err := pw.w.WriteRows(pw.batch[:pw.n])
	pw.n = 0
	if err != nil {
		return fmt.Errorf("result: writing %s: %w", RequestsParquetFile, err)
	}
	return nil
}

// Rows is the number of records written.
func (pw *ParquetWriter) Rows() int64 { return pw.rows }

// Close writes the last row group and the file's footer.
func (pw *ParquetWriter) Close() error {
	if err := pw.flushBatch(); err != nil {
		return err
	}
	if err := pw.w.Close(); err != nil {
		return fmt.Errorf("result: writing %s: %w", RequestsParquetFile, err)
	}
	return nil
}

// pageCodec is zstd for requests.parquet's pages at its fastest level
// (which made smaller files than the default level here), with one
// encoder and a window of a page: parquet-go's own zstd codec pools
// encoders with an 8 MB window each (16 MB of a writer's heap), and a
// page is compressed alone, so a longer window finds nothing more.
type pageCodec struct {
	mu  sync.Mutex
	enc *kzstd.Encoder
	zstd.Codec
}

func newPageCodec() *pageCodec {
	enc, err := kzstd.NewWriter(nil, kzstd.WithEncoderLevel(kzstd.SpeedFastest), kzstd.WithEncoderConcurrency(1),
		kzstd.WithWindowSize(parquet.DefaultPageBufferSize), kzstd.WithZeroFrames(true), kzstd.WithEncoderCRC(false))
	if err != nil {
		panic(err) // constant options, valid
	}
	return &pageCodec{enc: enc}
}

// CompressionCodec implements compress.Codec.
func (c *pageCodec) CompressionCodec() format.CompressionCodec { return format.Zstd }

// Encode implements compress.Codec.
func (c *pageCodec) Encode(dst, src []byte) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.enc.EncodeAll(src, dst[:0]), nil
}

// ReadParquetRecords reads a requests.parquet of size bytes and calls fn
// for each record in file order, like ReadRecords. The record passed to
// fn is reused between calls; copy it to keep it. A file whose columns
// are not this version's (names, order and types, with or without the
// chat columns) is refused.
func ReadParquetRecords(r io.ReaderAt, size int64, filename string, fn func(*Record) error) error {
	var f *parquet.File
	chat := false
	err := guard(func() (err error) {
		if f, err = parquet.OpenFile(r, size); err != nil {
			return err
		}
		if f.NumRows() > MaxRecords {
			return fmt.Errorf("%w: %d rows, more than %d (the limit)", ErrLimit, f.NumRows(), MaxRecords)
		}
		chat = parquet.EqualNodes(f.Schema(), chatParquetSchema())
		if !chat && !parquet.EqualNodes(f.Schema(), parquetSchema()) {
			return fmt.Errorf("columns do not match this version's %s", RequestsParquetFile)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("result: %s: %w", filename, err)
	}
	pr := parquet.NewReader(f)
	defer guard(pr.Close)
	rows := make([]parquet.Row, 256)
	rec := NewRecord()
	line := 0
	for {
		var n int
		err := guard(func() (err error) { n, err = pr.ReadRows(rows); return err })
		for _, row := range rows[:n] {
			line++
			rec.Reset()
			if err := parquetRecord(row, &rec, chat); err != nil {
				return fmt.Errorf("result: %s: row %d: %w", filename, line, err)
			}
			if err := fn(&rec); err != nil {
				return err
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("result: %s: %w", filename, err)
		}
	}
}

// guard runs a call into the parquet module, turning a panic (which it
// raises on some malformed files rather than returning an error) into an
// error: a damaged requests.parquet is an error, never a crash.
func guard(call func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("malformed file (%v)", p)
		}
	}()
	return call()
}

// parquetRecord fills r from a row of requests.parquet, a chat's if chat.
func parquetRecord(row parquet.Row, r *Record, chat bool) error {
	want := len(recordHeader())
	if chat {
		want += len(chatHeader)
	}
	if len(row) != want {
		return fmt.Errorf("%d values, want %d", len(row), want)
	}
	i := 0
	next := func() parquet.Value { v := row[i]; i++; return v }
	f64 := func() float64 {
		v := next()
		if v.IsNull() {
			return math.NaN()
		}
		return v.Double()
	}
	text := func() string { return string(next().ByteArray()) }
	r.Point = int(next().Int64())
	r.Replication = int(next().Int64())
	r.Phone = int(next().Int64())
	r.Request = int(next().Int64())
	r.Model, r.Mode, r.Image = text(), text(), text()
	r.Split = int(next().Int64())
	r.Cold = next().Boolean()
	r.Arrival = f64()
	r.End = f64()
	f64() // latency is derived
	o, err := ParseOutcome(text())
	if err != nil {
		return fmt.Errorf("column outcome: %w", err)
	}
	r.Outcome = o
	for p := range r.Phases {
		r.Phases[p] = PhaseSpan{Start: f64(), End: f64(), Duration: f64()}
	}
	for c := range r.Energy {
		r.Energy[c] = f64()
	}
	f64() // total energy is derived
	r.TailEnergy = f64()
	r.UpBytes = f64()
	r.DownBytes = f64()
	if chat {
		r.TTFT = f64()
		r.Tokens = int(next().Int64())
	}
	return nil
}
