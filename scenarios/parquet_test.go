package scenarios

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/infersim/infersim/result"
)

// withParquet is src with outputs.format: parquet.
func withParquet(src string) string {
	if strings.Contains(src, "\noutputs: {") {
		return strings.Replace(src, "\noutputs: {", "\noutputs: {format: parquet, ", 1)
	}
	return src + "outputs: {format: parquet}\n"
}

// parquetAsCSV reads a requests.parquet back and formats its records as
// requests.csv's rows (header included).
func parquetAsCSV(t *testing.T, path string, chat bool) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	rw, err := newRecordWriter(&b, chat)
	if err != nil {
		t.Fatal(err)
	}
	if err := result.ReadParquetRecords(f, st.Size(), path, rw.Write); err != nil {
		t.Fatal(err)
	}
	if err := rw.Flush(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestParquetSameAsCSV runs scenarios with requests.csv and with
// requests.parquet, at -j 1 and -j 2: the parquet file is the same bytes
// at either, its records read back are requests.csv's rows, and the other
// files do not change. The stream scenario's worlds pass csvSpillAt (held,
// spooled and written-through frames); small has several models, modes,
// phases and points; chat's records carry the chat columns (ttft_s,
// tokens) in both files.
func TestParquetSameAsCSV(t *testing.T) {
	for name, src := range map[string]string{"stream": requestsScenario(4000, 3, true), "small": small, "chat": chatScenario} {
		t.Run(name, func(t *testing.T) {
			csvDir := t.TempDir()
			res := runIn(t, mustParse(t, src), csvDir, 2)
			csv := readFile(t, res.Requests)
			header, _, _ := bytes.Cut(csv, []byte("\n"))
			chat := bytes.HasSuffix(header, []byte(",ttft_s,tokens"))
			if chat != (name == "chat") {
				t.Fatalf("requests.csv's header %q: chat columns %v", header, chat)
			}
			var prev []byte
			for _, j := range []int{1, 2} {
				dir := t.TempDir()
				res := runIn(t, mustParse(t, withParquet(src)), dir, j)
				if filepath.Base(res.Requests) != result.RequestsParquetFile {
					t.Fatalf("-j %d wrote %s", j, res.Requests)
				}
				if _, err := os.Stat(filepath.Join(dir, result.RequestsFile)); err == nil {
					t.Errorf("-j %d wrote requests.csv too", j)
				}
				pq := readFile(t, res.Requests)
				if prev != nil && !bytes.Equal(pq, prev) {
					t.Error("requests.parquet differs between -j 1 and -j 2")
				}
				prev = pq
				if got := parquetAsCSV(t, res.Requests, chat); !bytes.Equal(got, csv) {
					t.Errorf("-j %d: requests.parquet's records are not requests.csv's: %s", j, firstDiff(string(csv), string(got)))
				}
				for _, f := range []string{result.SummaryCSVFile} {
					if !bytes.Equal(readFile(t, filepath.Join(dir, f)), readFile(t, filepath.Join(csvDir, f))) {
						t.Errorf("-j %d: %s differs from the csv run's", j, f)
					}
				}
				assertNoTemp(t, dir)
			}
		})
	}
}

// TestParquetInterrupted: a run cancelled inside its second point keeps
// the first point's rows in requests.parquet, as requests.csv keeps them.
func TestParquetInterrupted(t *testing.T) {
	s := mustParse(t, withParquet(strings.Replace(small, "values: [2Mbps, 20Mbps]", "values: [2Mbps, 5Mbps, 20Mbps, 50Mbps]", 1)))
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	perPoint := 6 * 3
	res, err := Run(ctx, s, Options{Out: dir, Workers: 2, Progress: func(done, total int) {
		if done == perPoint+2 {
			cancel()
		}
	}})
	if !errors.Is(err, ErrInterrupted) || res == nil {
		t.Fatalf("err %v", err)
	}
	path := filepath.Join(dir, result.RequestsParquetFile)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	n := 0
	err = result.ReadParquetRecords(f, st.Size(), path, func(r *result.Record) error {
		if r.Point != 0 {
			return fmt.Errorf("record of point %d", r.Point)
		}
		n++
		return nil
	})
	if err != nil || n != 6*3*4 {
		t.Errorf("requests.parquet: %d records, %v", n, err)
	}
	assertNoTemp(t, dir)
}

// TestParquetSinkSplitFrames writes frames to the sink one byte at a
// time: every frame split across writes is put together, a chat's frames
// with their TTFT and tokens.
func TestParquetSinkSplitFrames(t *testing.T) {
	for _, chat := range []bool{false, true} {
		t.Run(fmt.Sprintf("chat=%v", chat), func(t *testing.T) { checkSplitFrames(t, chat) })
	}
}

func checkSplitFrames(t *testing.T, chat bool) {
	var frames bytes.Buffer
	enc := newFrameEncoder(&frames, chat)
	var want bytes.Buffer
	rw, _ := newRecordWriter(&want, chat)
	for i := 0; i < 20; i++ {
		r := result.NewRecord()
		r.Point, r.Request, r.Model, r.Mode, r.Image = i/5, i, "alexnet", "cloud-gpu", "960x540"
		r.Arrival, r.End = float64(i)*0.7, float64(i)*0.7+0.123456789
		r.AddPhase(result.Phase(i%result.NumPhases), r.Arrival, r.End)
		r.Energy[0] = 1.5
		if chat {
			r.TTFT, r.Tokens = 0.01*float64(i+1), 3*i+1
		}
		enc.Write(&r)
		rw.Write(&r)
	}
	enc.Flush()
	rw.Flush()
	path := filepath.Join(t.TempDir(), result.RequestsParquetFile)
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	s := newParquetSink(out, chat)
	for _, c := range frames.Bytes() {
		if _, err := s.Write([]byte{c}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.close(); err != nil {
		t.Fatal(err)
	}
	out.Close()
	if got := parquetAsCSV(t, path, chat); !bytes.Equal(got, want.Bytes()) {
		t.Errorf("records differ: %s", firstDiff(want.String(), string(got)))
	}
	if chat && !strings.Contains(want.String(), ",0.2,58\n") {
		t.Errorf("the chat rows lack their TTFT and tokens: %q", want.String()[:200])
	}
	// A frame cut short is an error at the end, not a silent loss.
	s = newParquetSink(&bytes.Buffer{}, chat)
	s.Write(frames.Bytes()[:len(frames.Bytes())-3])
	if err := s.close(); err == nil {
		t.Error("a cut frame went unnoticed")
	}
}

// TestOutputsFormatField: the field defaults to csv, and a misspelt value
// is refused with the right one suggested.
func TestOutputsFormatField(t *testing.T) {
	if s := mustParse(t, small); s.Outputs.Format != formatCSV {
		t.Errorf("default outputs.format %q, want csv", s.Outputs.Format)
	}
	_, err := Parse([]byte(strings.Replace(withParquet(small), "format: parquet", "format: parqet", 1)), "f.yaml", "")
	if err == nil || !strings.Contains(err.Error(), "outputs.format") || !strings.Contains(err.Error(), `"parquet"`) {
		t.Errorf("err = %v, want outputs.format with parquet suggested", err)
	}
}

// TestParquetMemoryFlat: the heap in use while writing requests.parquet
// does not grow with its rows (the writer holds one row group, of
// result.ParquetRowGroup rows): 2 and 10 row groups' worth of requests
// peak within 50 % of each other (the collector's pacing moves a peak by
// 20 %; rows kept would take it to 5×).
func TestParquetMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 12 row groups of requests")
	}
	peak := func(n int) uint64 {
		s := mustParse(t, withParquet(requestsScenario(n, 1, true)))
		p, _ := heapDuring(t, func() {
			if _, err := Run(context.Background(), s, Options{Out: t.TempDir(), Workers: 1}); err != nil {
				t.Fatal(err)
			}
		})
		return p
	}
	const few, many = 2, 10
	small, large := peak(few*result.ParquetRowGroup), peak(many*result.ParquetRowGroup)
	t.Logf("peak HeapInuse: %.1f MB after %d requests, %.1f MB after %d", float64(small)/1e6, few*result.ParquetRowGroup, float64(large)/1e6, many*result.ParquetRowGroup)
	if large > small*3/2 {
		t.Errorf("peak heap %.1f MB after %d requests, %.1f MB after %d: grows with the rows", float64(large)/1e6, many*result.ParquetRowGroup, float64(small)/1e6, few*result.ParquetRowGroup)
	}
}
