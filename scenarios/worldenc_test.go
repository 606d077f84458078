package scenarios

import (
	"bytes"
	"context"
	"crypto/sha256"
	"os"
	"path/filepath"
	"testing"

	"github.com/infersim/infersim/result"
)

// TestWorldEncoderSpool: a world encoded record by record, in memory or
// spooled past worldSpillAt, is framed byte for byte as encodeWorld's
// payload in one frame (what a worlds file held before the encoder), with
// the same CRC and the same hash for a shard's file.
func TestWorldEncoderSpool(t *testing.T) {
	rec := result.NewRecord()
	rec.Model, rec.Mode, rec.Image = "squeezenet-v1.0", "cloud-gpu", "960x540"
	rec.AddPhase(result.Phase(2), 1.25, 2.5)
	rec.Energy[1], rec.TailEnergy, rec.UpBytes = 0.1, 0.3, 14477.6
	st := worldStats{events: 42, metrics: []float64{1, 2.5}}
	spans := []result.Span{{Lane: "phone[0]/cpu", Label: "conv1", Start: 1, End: 2, Attrs: map[string]string{"b": "2", "a": "1"}}}
	for _, n := range []int{0, 1, 100, 3 * worldSpillAt / 40} {
		recs := make([]result.Record, n)
		for i := range recs {
			recs[i] = rec
			recs[i].Request, recs[i].Arrival, recs[i].End = i, float64(i), float64(i)+0.25
			if i%7 == 0 {
				recs[i].Mode = "split:3"
			}
		}
		dir := t.TempDir()
		frameFile := func(name string, write func(ww *worldWriter) error) ([]byte, []byte) {
			h := sha256.New()
			ww, err := createWorlds(filepath.Join(dir, name), worldsHeader{Format: worldsFormat}, h)
			if err != nil {
				t.Fatal(err)
			}
			if err := write(ww); err != nil {
				t.Fatal(err)
			}
			if err := ww.close(); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			if int64(len(b)) != ww.n {
				t.Errorf("n = %d, file %d bytes", ww.n, len(b))
			}
			return b, h.Sum(nil)
		}
		want, wantSum := frameFile("want.bin", func(ww *worldWriter) error {
			return ww.frame(encodeWorld(nil, 5, recs, st, spans))
		})
		enc := newWorldEncoder(dir)
		for i := range recs {
			enc.record(&recs[i])
		}
		if spooled := enc.spool != nil; spooled != (n > worldSpillAt/40) {
			t.Errorf("%d records: spooled %v", n, spooled)
		}
		f, err := enc.finish(5, st, spans)
		if err != nil {
			t.Fatal(err)
		}
		got, gotSum := frameFile("got.bin", func(ww *worldWriter) error {
			return ww.writeFrame(*f.head, f.enc.spool, f.enc.spoolN, *f.body, f.crc)
		})
		f.release()
		if !bytes.Equal(got, want) || !bytes.Equal(gotSum, wantSum) {
			t.Errorf("%d records: frame of %d bytes differs from encodeWorld's (%d bytes)", n, len(got), len(want))
		}
		if left, _ := filepath.Glob(filepath.Join(dir, ".*.tmp")); len(left) > 0 {
			t.Errorf("%d records: spool files left: %v", n, left)
		}
	}
}

// TestMemoryFlatJournalled: as TestMemoryFlatInRequests, with the journal
// a run of several worlds keeps (Options.Worlds): a world's records spill to
// its spool, so 3·10⁵ requests need no more heap than 10⁴ (kept as
// records they took ≈ 300 MB, as their encoding ≈ 75 MB).
func TestMemoryFlatJournalled(t *testing.T) {
	if testing.Short() {
		t.Skip("3·10⁵ requests: a few seconds")
	}
	run := func(n int) int64 {
		// Two replications: a run of one world that does not resume
		// keeps nothing for its journal (worldStore.keeps).
		s := mustParse(t, requestsScenario(n, 2, false))
		dir := t.TempDir()
		journal := filepath.Join(dir, WorldsFile)
		res, err := Run(context.Background(), s, Options{Out: dir, Workers: 1, Worlds: journal})
		if err != nil {
			t.Fatal(err)
		}
		if res.Records != int64(2*n) {
			t.Fatalf("%d records, want %d", res.Records, 2*n)
		}
		fi, err := os.Stat(journal)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	var smallSize, largeSize int64
	small, _ := heapDuring(t, func() { smallSize = run(10_000) })
	large, _ := heapDuring(t, func() { largeSize = run(300_000) })
	t.Logf("peak HeapInuse: 10⁴ requests %.1f MB, 3·10⁵ %.1f MB; journals %.1f MB and %.1f MB",
		float64(small)/1e6, float64(large)/1e6, float64(smallSize)/1e6, float64(largeSize)/1e6)
	if largeSize < 10*int64(worldSpillAt) {
		t.Fatalf("journal of %d B: the world's records do not pass worldSpillAt", largeSize)
	}
	if large > 3*max(small, 8<<20) {
		t.Errorf("peak heap %d B after 3·10⁵ journalled requests, %d B after 10⁴: not flat in requests", large, small)
	}
}
