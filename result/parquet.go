package result

import (
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"sync"
	"unsafe"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"
)

// RequestsParquetFile is requests.csv's columnar twin, written instead of
// it when a scenario says outputs.format: parquet (ParquetWriter,
// ReadParquetRecords).
const RequestsParquetFile = "requests.parquet"

// ParquetRowGroup is the number of rows in each row group of
// requests.parquet: the writer holds one row group (compressed, about
// 3 MB at this size) before it goes to the file, so memory does not grow
// with the rows; a reader can skip through a file by row group.
const ParquetRowGroup = 1 << 17

// parquetSchema is requests.csv's columns, in its order, typed: the
// integers (point, replication, phone, request, split) INT64; model,
// mode, image and outcome strings (dictionary-encoded); cold BOOLEAN;
// the times, energies and byte counts DOUBLE, null where requests.csv has
// an empty field (a phase that did not occur). Parquet's generic group
// sorts its fields by name; a struct keeps their order, so the schema is
// that of a struct type made from recordHeader.
var parquetSchema = sync.OnceValue(func() *parquet.Schema {
	var fields []reflect.StructField
	for i, name := range recordHeader() {
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
			typ, tag = reflect.TypeFor[float64](), name+",optional"
		}
		fields = append(fields, reflect.StructField{
			Name: fmt.Sprintf("C%d", i),
			Type: typ,
			Tag:  reflect.StructTag(`parquet:"` + tag + `"`),
		})
	}
	return parquet.SchemaOf(reflect.New(reflect.StructOf(fields)).Interface())
})

// The kinds of requests.csv's columns.
const (
	colInt = iota
	colText
	colBool
	colFloat
)

func columnKind(name string) int {
	switch name {
	case "point", "replication", "phone", "request", "split":
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
	w    *parquet.Writer
	row  []parquet.Row
	rows int64
}

// NewParquetWriter returns a writer of requests.parquet to w.
func NewParquetWriter(w io.Writer) *ParquetWriter {
	return &ParquetWriter{
		w: parquet.NewWriter(w, parquetSchema(),
			parquet.Compression(&zstd.Codec{Level: zstd.SpeedFastest}),
			parquet.MaxRowsPerRowGroup(ParquetRowGroup),
			parquet.DataPageVersion(1), // read by every reader, old ones too
			parquet.CreatedBy("infersim", "", "")),
		row: make([]parquet.Row, 1),
	}
}

// Write appends one record.
func (pw *ParquetWriter) Write(r *Record) error {
	row := pw.row[0][:0]
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
	pw.row[0] = row
	if _, err := pw.w.WriteRows(pw.row); err != nil {
		return fmt.Errorf("result: writing %s: %w", RequestsParquetFile, err)
	}
	pw.rows++
	return nil
}

// Rows is the number of records written.
func (pw *ParquetWriter) Rows() int64 { return pw.rows }

// Close writes the last row group and the file's footer.
func (pw *ParquetWriter) Close() error {
	if err := pw.w.Close(); err != nil {
		return fmt.Errorf("result: writing %s: %w", RequestsParquetFile, err)
	}
	return nil
}

// ReadParquetRecords reads a requests.parquet of size bytes and calls fn
// for each record in file order, like ReadRecords. The record passed to
// fn is reused between calls; copy it to keep it. A file whose columns
// are not this version's (names, order and types) is refused.
func ReadParquetRecords(r io.ReaderAt, size int64, filename string, fn func(*Record) error) error {
	var f *parquet.File
	err := guard(func() (err error) {
		if f, err = parquet.OpenFile(r, size); err != nil {
			return err
		}
		if f.NumRows() > MaxRecords {
			return fmt.Errorf("%w: %d rows, more than %d (the limit)", ErrLimit, f.NumRows(), MaxRecords)
		}
		if !parquet.EqualNodes(f.Schema(), parquetSchema()) {
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
			if err := parquetRecord(row, &rec); err != nil {
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

// parquetRecord fills r from a row of requests.parquet.
func parquetRecord(row parquet.Row, r *Record) error {
	names := recordHeader()
	if len(row) != len(names) {
		return fmt.Errorf("%d values, want %d", len(row), len(names))
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
	return nil
}
