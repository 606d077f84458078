package scenarios

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/infersim/infersim/result"
)

// setFrameLimits lowers maxFrame and worldPartAt for a test.
func setFrameLimits(t *testing.T, frame, part int) {
	t.Helper()
	oldFrame, oldPart := maxFrame, worldPartAt
	maxFrame, worldPartAt = frame, part
	t.Cleanup(func() { maxFrame, worldPartAt = oldFrame, oldPart })
}

// TestWorldEncoderParts: a world encoded record by record is cut into
// parts of about worldPartAt bytes (spooled, or in memory without a
// folder), each a frame no larger than maxFrame, which a worldReader reads
// back exactly: the same records, stats and spans, every CRC right, the
// file's hash the one the writer computed. A world that fits one part is
// one frame, encodeWorld's.
func TestWorldEncoderParts(t *testing.T) {
	setFrameLimits(t, 64<<10, 16<<10)
	rec := result.NewRecord()
	rec.Model, rec.Mode, rec.Image = "squeezenet-v1.0", "cloud-gpu", "960x540"
	rec.AddPhase(result.Phase(2), 1.25, 2.5)
	rec.Energy[1], rec.TailEnergy, rec.UpBytes = 0.1, 0.3, 14477.6
	st := worldStats{events: 42, metrics: []float64{1, 2.5}}
	for _, n := range []int{0, 1, 100, 1000, 5000} {
		for _, spooled := range []bool{true, false} {
			recs := make([]result.Record, n)
			for i := range recs {
				recs[i] = rec
				recs[i].Request, recs[i].Arrival, recs[i].End = i, float64(i), float64(i)+0.25
				if i%7 == 0 {
					recs[i].Mode = "split:3"
				}
			}
			spans := []result.Span{{Lane: "phone[0]/cpu", Label: "conv1", Start: 1, End: 2, Attrs: map[string]string{"b": "2", "a": "1"}}}
			for i := 0; i < n; i++ {
				spans = append(spans, result.Span{Lane: "phone[0]/gpu", Label: "fire2", Start: float64(i), End: float64(i) + 1})
			}
			dir := t.TempDir()
			path := filepath.Join(dir, "w.bin")
			h := sha256.New()
			ww, err := createWorlds(path, worldsHeader{Format: worldsFormat}, h)
			if err != nil {
				t.Fatal(err)
			}
			encDir := dir
			if !spooled {
				encDir = ""
			}
			enc := newWorldEncoder(encDir, 5)
			for i := range recs {
				enc.record(&recs[i])
			}
			f, err := enc.finish(st, spans)
			if err != nil {
				t.Fatal(err)
			}
			if err := ww.writeParts(f.enc.parts, f.enc.spool, f.enc.spoolN); err != nil {
				t.Fatal(err)
			}
			if err := ww.writeFrame(*f.head, *f.body, f.crc); err != nil {
				t.Fatal(err)
			}
			f.release()
			if err := ww.close(); err != nil {
				t.Fatal(err)
			}
			what := fmt.Sprintf("%d records, spooled %v", n, spooled)
			file, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			rh := sha256.New()
			wr := newWorldReader(file, rh)
			if _, err := wr.readHeader(); err != nil {
				t.Fatal(err)
			}
			var got []result.Record
			var gotSpans []result.Span
			frames := 0
			var last decodedWorld
			for {
				p, err := wr.next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("%s: frame %d: %v", what, frames, err)
				}
				if len(p) > maxFrame {
					t.Errorf("%s: frame %d of %d bytes", what, frames, len(p))
				}
				w, err := decodeWorld(p, got)
				if err != nil {
					t.Fatalf("%s: frame %d: %v", what, frames, err)
				}
				if w.seq != 5 || last.last {
					t.Fatalf("%s: frame %d: seq %d after the last frame %v", what, frames, w.seq, last.last)
				}
				got, gotSpans, last = w.recs, append(gotSpans, w.spans...), w
				frames++
			}
			file.Close()
			if fi, _ := os.Stat(path); fi.Size() != ww.n || !bytes.Equal(rh.Sum(nil), h.Sum(nil)) {
				t.Errorf("%s: file %d bytes, writer counted %d; hashes equal %v", what, fi.Size(), ww.n, bytes.Equal(rh.Sum(nil), h.Sum(nil)))
			}
			size := len(encodeWorld(nil, 5, recs, st, spans))
			if wantMin := size / (worldPartAt + 1024); frames < wantMin || (size < worldPartAt) != (frames == 1) {
				t.Errorf("%s: %d frames for %d bytes", what, frames, size)
			}
			if !last.last || last.stats.events != 42 || len(last.stats.metrics) != 2 || last.stats.metrics[1] != 2.5 {
				t.Errorf("%s: last frame %+v", what, last)
			}
			if !bytes.Equal(encodeWorld(nil, 5, got, st, gotSpans), encodeWorld(nil, 5, recs, st, spans)) {
				t.Errorf("%s: read back %d records and %d spans, not those written (%d, %d)", what, len(got), len(gotSpans), len(recs), len(spans))
			}
			if frames == 1 {
				b, _ := os.ReadFile(path)
				if want := encodeWorld(nil, 5, recs, st, spans); !bytes.HasSuffix(b, want) {
					t.Errorf("%s: one frame, not encodeWorld's payload", what)
				}
			}
			if left, _ := filepath.Glob(filepath.Join(dir, ".*.tmp")); len(left) > 0 {
				t.Errorf("%s: spool files left: %v", what, left)
			}
		}
	}
}

// TestLargeWorldFrames: a journalled or sharded world larger than maxFrame
// (lowered here to 64 KiB: 3000 requests encode to about 750 KB) is
// resumed and merged exactly. Written as one frame, as format 2 wrote a
// world, it is refused (the bug: a world of a few million requests passed
// the 1 GiB maxFrame, and its --resume and merge failed); cut into parts
// its frames stay small, and the files are those of a run never stopped,
// never sharded. A journal of format 2 is refused, saying so.
func TestLargeWorldFrames(t *testing.T) {
	setFrameLimits(t, 64<<10, 16<<10)
	ctx := context.Background()
	base := t.TempDir()
	// Eight worlds: stopped after 2, at most the two workers' worlds are
	// in flight, so some are always left for the resume (with 3 a loaded
	// machine could finish them all before the stop was seen).
	scenario := func() *Scenario { return mustParse(t, requestsScenario(3000, 8, true)) }
	ref := filepath.Join(base, "ref")
	if _, err := Run(ctx, scenario(), Options{Out: ref, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	want := outputFiles(t, ref)
	for _, workers := range []int{1, 2} {
		out := filepath.Join(base, fmt.Sprint("run", workers))
		journal := filepath.Join(base, fmt.Sprint("journal", workers))
		c, cancel := context.WithCancel(ctx)
		_, err := Run(c, scenario(), Options{Out: out, Workers: workers, Worlds: journal,
			Progress: func(done, total int) {
				if done == 2 {
					cancel()
				}
			}})
		cancel()
		if !errors.Is(err, ErrInterrupted) {
			t.Fatalf("%d workers: stop after 2 worlds: %v", workers, err)
		}
		frames, largest := journalFrames(t, journal)
		if frames < 2*10 || largest > maxFrame {
			t.Errorf("%d workers: journal of %d frames, the largest %d bytes", workers, frames, largest)
		}
		if _, err := Run(ctx, scenario(), Options{Out: out, Workers: workers, Worlds: journal, Resume: true}); err != nil {
			t.Fatalf("%d workers: resume: %v", workers, err)
		}
		sameFiles(t, fmt.Sprintf("resumed, %d workers", workers), outputFiles(t, out), want)
	}
	var dirs []string
	for i := 0; i < 2; i++ {
		d := filepath.Join(base, "shard", string(rune('a'+i)))
		if _, err := RunShard(ctx, scenario(), Shard{i, 2}, Options{Out: d, Workers: 2}); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, d)
	}
	out := filepath.Join(base, "merged")
	if _, err := mergeShards(ctx, dirs, Options{Out: out, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	sameFiles(t, "merged", outputFiles(t, out), want)

	// One frame per world, as format 2 wrote them: refused when written.
	worldPartAt = 1 << 40
	_, err := RunShard(ctx, scenario(), Shard{0, 1}, Options{Out: filepath.Join(base, "one-frame")})
	if err == nil || !strings.Contains(err.Error(), "larger than the 65536 a worlds file allows") {
		t.Errorf("a world in one frame of more than maxFrame: %v", err)
	}
	worldPartAt = 16 << 10

	// A journal of format 2.
	journal := filepath.Join(base, "old.bin")
	h := scenarioHeader(t, scenario())
	h.Format = "infersim-worlds/2"
	ww, err := createWorlds(journal, h, nil)
	if err != nil {
		t.Fatal(err)
	}
	ww.close()
	_, err = Run(ctx, scenario(), Options{Out: filepath.Join(base, "old"), Worlds: journal, Resume: true})
	if err == nil || !strings.Contains(err.Error(), `format "infersim-worlds/2", not "infersim-worlds/3"`) {
		t.Errorf("journal of format 2: %v", err)
	}
}

// journalFrames counts the frames of a worlds file after its header, and
// the largest payload.
func journalFrames(t *testing.T, path string) (n, largest int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	wr := newWorldReader(f, nil)
	if _, err := wr.readHeader(); err != nil {
		t.Fatal(err)
	}
	for {
		p, err := wr.next()
		if err != nil {
			return n, largest
		}
		n, largest = n+1, max(largest, len(p))
	}
}

// scenarioHeader is the worlds header a run of s writes.
func scenarioHeader(t *testing.T, s *Scenario) worldsHeader {
	t.Helper()
	r := &runner{s: s}
	total, err := r.countTasks()
	if err != nil {
		t.Fatal(err)
	}
	r.total = total
	return r.header(0)
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
	if largeSize < 10*int64(worldPartAt) {
		t.Fatalf("journal of %d B: the world's records do not pass worldPartAt", largeSize)
	}
	if large > 3*max(small, 8<<20) {
		t.Errorf("peak heap %d B after 3·10⁵ journalled requests, %d B after 10⁴: not flat in requests", large, small)
	}
}

// TestMemoryFlatMerged: a merge reads a shard's worlds back one part at a
// time, so merging worlds of 2·10⁵ requests needs no more heap than worlds
// of 10⁴ (format 2 read each world as one frame and decoded it whole:
// ≈ 50 MB of frame and ≈ 200 MB of records per world of 2·10⁵).
func TestMemoryFlatMerged(t *testing.T) {
	if testing.Short() {
		t.Skip("4·10⁵ requests: a few seconds")
	}
	ctx := context.Background()
	merge := func(n int) func() {
		dir := filepath.Join(t.TempDir(), "shard")
		if _, err := RunShard(ctx, mustParse(t, requestsScenario(n, 2, false)), Shard{0, 1}, Options{Out: dir, Workers: 1}); err != nil {
			t.Fatal(err)
		}
		return func() {
			res, err := mergeShards(ctx, []string{dir}, Options{Out: filepath.Join(t.TempDir(), "merged"), Workers: 1})
			if err != nil {
				t.Fatal(err)
			}
			if res.Records != int64(2*n) {
				t.Fatalf("%d records, want %d", res.Records, 2*n)
			}
		}
	}
	small, _ := heapDuring(t, merge(10_000))
	large, _ := heapDuring(t, merge(200_000))
	t.Logf("peak HeapInuse merging: 2·10⁴ requests %.1f MB, 4·10⁵ %.1f MB", float64(small)/1e6, float64(large)/1e6)
	if large > 3*max(small, 8<<20) {
		t.Errorf("peak heap %d B merging 4·10⁵ requests, %d B for 2·10⁴: not flat in requests", large, small)
	}
}
