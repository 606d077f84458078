package result

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
)

// randomRecords makes n records with the values a run writes and the edge
// cases: phases that did not occur (NaN), zeros, −0, tiny and huge
// numbers, names with a comma and a quote.
func randomRecords(n int, seed uint64) []Record {
	rng := rand.New(rand.NewPCG(seed, 9))
	pool := []float64{0, math.Copysign(0, -1), 1, 0.1, 1e-300, 3.3e12, math.NaN()}
	names := []string{"alexnet", `odd, "named" net`, "squeezenet-v1.0"}
	recs := make([]Record, n)
	for i := range recs {
		r := NewRecord()
		r.Point, r.Replication, r.Phone, r.Request = i/100, i%3, i%7, i
		r.Model, r.Mode, r.Image = names[rng.IntN(len(names))], "split:7", "960x540"
		r.Split = rng.IntN(20) - 1
		r.Cold = rng.IntN(2) == 0
		r.Outcome = Outcome(rng.IntN(NumOutcomes))
		pick := func() float64 {
			if rng.IntN(3) == 0 {
				return pool[rng.IntN(len(pool))]
			}
			return rng.ExpFloat64() * 10
		}
		t0 := rng.Float64() * 1e6
		r.Arrival = t0
		for p := range r.Phases {
			if rng.IntN(4) == 0 {
				continue
			}
			t1 := t0 + pick()
			r.AddPhase(Phase(p), t0, t1)
			t0 = t1
		}
		r.End = t0
		for c := range r.Energy {
			r.Energy[c] = pick()
		}
		r.TailEnergy, r.UpBytes, r.DownBytes = pick(), float64(rng.IntN(1<<30)), 1000
		recs[i] = r
	}
	return recs
}

// sameBits compares two records exactly, NaN equal to NaN and −0 apart
// from 0.
func sameBits(a, b *Record) bool {
	f := func(x, y float64) bool {
		return math.Float64bits(x) == math.Float64bits(y) || (math.IsNaN(x) && math.IsNaN(y))
	}
	if a.Point != b.Point || a.Replication != b.Replication || a.Phone != b.Phone || a.Request != b.Request ||
		a.Model != b.Model || a.Mode != b.Mode || a.Image != b.Image || a.Split != b.Split || a.Cold != b.Cold ||
		a.Outcome != b.Outcome || !f(a.Arrival, b.Arrival) || !f(a.End, b.End) || !f(a.TailEnergy, b.TailEnergy) ||
		!f(a.UpBytes, b.UpBytes) || !f(a.DownBytes, b.DownBytes) {
		return false
	}
	for p := range a.Phases {
		if !f(a.Phases[p].Start, b.Phases[p].Start) || !f(a.Phases[p].End, b.Phases[p].End) || !f(a.Phases[p].Duration, b.Phases[p].Duration) {
			return false
		}
	}
	for c := range a.Energy {
		if !f(a.Energy[c], b.Energy[c]) {
			return false
		}
	}
	return true
}

func writeParquet(t testing.TB, recs []Record) []byte {
	t.Helper()
	var buf bytes.Buffer
	pw := NewParquetWriter(&buf)
	for i := range recs {
		if err := pw.Write(&recs[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := pw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestParquetRoundTrip writes records (more than a row group) and reads
// them back: every value exact, and each row formatted as requests.csv
// formats it is the row RecordWriter wrote for the original.
func TestParquetRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, ParquetRowGroup + 17} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			recs := randomRecords(n, uint64(n))
			b := writeParquet(t, recs)
			var csvWant, csvGot bytes.Buffer
			rwWant, _ := NewRecordWriter(&csvWant)
			rwGot, _ := NewRecordWriter(&csvGot)
			i := 0
			err := ReadParquetRecords(bytes.NewReader(b), int64(len(b)), "t.parquet", func(r *Record) error {
				if i >= len(recs) {
					return errors.New("more rows than written")
				}
				if !sameBits(r, &recs[i]) {
					t.Fatalf("row %d: read %+v, wrote %+v", i, *r, recs[i])
				}
				rwWant.Write(&recs[i])
				rwGot.Write(r)
				i++
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if i != n {
				t.Fatalf("read %d rows, wrote %d", i, n)
			}
			rwWant.Flush()
			rwGot.Flush()
			if !bytes.Equal(csvWant.Bytes(), csvGot.Bytes()) {
				t.Fatal("the rows read back format to other requests.csv rows")
			}
			if n > ParquetRowGroup {
				f, err := parquet.OpenFile(bytes.NewReader(b), int64(len(b)))
				if err != nil {
					t.Fatal(err)
				}
				if g := len(f.RowGroups()); g != 2 {
					t.Errorf("%d row groups for %d rows, want 2 (one per %d rows)", g, n, ParquetRowGroup)
				}
			}
		})
	}
}

// TestParquetSchema checks requests.parquet's columns against
// requests.csv's: same names in the same order, and the types the
// format promises.
func TestParquetSchema(t *testing.T) {
	b := writeParquet(t, randomRecords(3, 1))
	f, err := parquet.OpenFile(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	fields := f.Schema().Fields()
	header := recordHeader()
	if len(fields) != len(header) {
		t.Fatalf("%d columns, requests.csv has %d", len(fields), len(header))
	}
	for i, fl := range fields {
		if fl.Name() != header[i] {
			t.Errorf("column %d is %q, requests.csv's is %q", i, fl.Name(), header[i])
		}
		want := map[int]parquet.Kind{colInt: parquet.Int64, colText: parquet.ByteArray, colBool: parquet.Boolean, colFloat: parquet.Double}[columnKind(header[i])]
		if k := fl.Type().Kind(); k != want {
			t.Errorf("column %s is %v, want %v", header[i], k, want)
		}
		if lt := fl.Type().LogicalType(); columnKind(header[i]) == colText && (lt == nil || lt.String() != "STRING") {
			t.Errorf("column %s is not a string (UTF8)", header[i])
		}
		if opt := fl.Optional(); opt != (columnKind(header[i]) == colFloat) {
			t.Errorf("column %s optional = %v", header[i], opt)
		}
	}
}

// TestParquetRefusesOtherColumns reads a parquet file of another schema.
func TestParquetRefusesOtherColumns(t *testing.T) {
	type other struct {
		Point int64 `parquet:"point"`
	}
	var buf bytes.Buffer
	if err := parquet.Write(&buf, []other{{1}}); err != nil {
		t.Fatal(err)
	}
	err := ReadParquetRecords(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "o.parquet", func(*Record) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "columns do not match") {
		t.Fatalf("err = %v, want columns do not match", err)
	}
}

// FuzzReadParquetRecords feeds damaged files to the reader: it returns an
// error, never panics.
func FuzzReadParquetRecords(f *testing.F) {
	good := writeParquet(f, randomRecords(5, 2))
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte("PAR1PAR1"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ReadParquetRecords(bytes.NewReader(b), int64(len(b)), "f.parquet", func(*Record) error { return nil })
	})
}

// TestParquetReadByPython reads requests.parquet with pyarrow, pandas or
// DuckDB when one is installed: the columns, their types and the values
// of a few cells. It is skipped, saying so, on a machine with none.
func TestParquetReadByPython(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed: requests.parquet not checked against pyarrow/pandas/DuckDB")
	}
	recs := randomRecords(50, 3)
	path := filepath.Join(t.TempDir(), RequestsParquetFile)
	if err := os.WriteFile(path, writeParquet(t, recs), 0o644); err != nil {
		t.Fatal(err)
	}
	// The script prints the column names, the type of each, the row count
	// and point, model and arrival of row 7, whichever library it found.
	const script = `
import sys
path = sys.argv[1]
try:
    import pyarrow.parquet as pq
    t = pq.read_table(path)
    print("pyarrow")
    print(",".join(t.column_names))
    print(",".join(str(f.type) for f in t.schema))
    print(t.num_rows)
    r = t.slice(7, 1).to_pylist()[0]
    print(r["point"], r["model"], repr(r["arrival"]))
    sys.exit(0)
except ImportError:
    pass
try:
    import duckdb
    c = duckdb.connect()
    rel = c.read_parquet(path)
    print("duckdb")
    print(",".join(rel.columns))
    print(",".join(str(x) for x in rel.types))
    print(rel.count("*").fetchone()[0])
    r = c.execute("select point, model, arrival from read_parquet(?) limit 1 offset 7", [path]).fetchone()
    print(r[0], r[1], repr(r[2]))
    sys.exit(0)
except ImportError:
    pass
print("none")
`
	out, err := exec.Command(py, "-c", script, path).CombinedOutput()
	if err != nil {
		t.Fatalf("python3: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if lines[0] == "none" {
		t.Skip("neither pyarrow (pandas' parquet engine) nor duckdb is installed for python3: requests.parquet not checked against them")
	}
	if len(lines) != 5 {
		t.Fatalf("%s printed:\n%s", lines[0], out)
	}
	if got, want := lines[1], strings.Join(recordHeader(), ","); got != want {
		t.Errorf("%s's columns:\n%s\nwant\n%s", lines[0], got, want)
	}
	want := map[int][]string{colInt: {"int64", "BIGINT"}, colText: {"string", "VARCHAR"}, colBool: {"bool", "BOOLEAN"}, colFloat: {"double", "DOUBLE"}}
	for i, typ := range strings.Split(lines[2], ",") {
		if k := columnKind(recordHeader()[i]); i < len(recordHeader()) && typ != want[k][0] && typ != want[k][1] {
			t.Errorf("%s: column %s is %s", lines[0], recordHeader()[i], typ)
		}
	}
	if lines[3] != "50" {
		t.Errorf("%s read %s rows, want 50", lines[0], lines[3])
	}
	r := &recs[7]
	if w := strconv.Itoa(r.Point) + " " + r.Model + " " + strconv.FormatFloat(r.Arrival, 'g', -1, 64); lines[4] != w {
		t.Errorf("%s's row 7: %s, want %s", lines[0], lines[4], w)
	}
}
