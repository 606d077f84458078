package scenarios

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/infersim/infersim/result"
)

// quickBuiltin is built-in scenario name at its quick size.
func quickBuiltin(t *testing.T, name string) *Scenario {
	t.Helper()
	s, err := Builtin(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ApplyQuick(); err != nil {
		t.Fatal(err)
	}
	return s
}

// outputFiles reads the files Run writes (requests.csv, summary.csv,
// summary.json, a trace) in dir.
func outputFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = b
	}
	return files
}

func sameFiles(t *testing.T, what string, got, want map[string][]byte) {
	t.Helper()
	if len(got) != len(want) {
		var g, w []string
		for k := range got {
			g = append(g, k)
		}
		for k := range want {
			w = append(w, k)
		}
		t.Errorf("%s: files %v, want %v", what, g, w)
	}
	for name, b := range want {
		if !bytes.Equal(got[name], b) {
			t.Errorf("%s: %s differs (%d bytes, want %d)", what, name, len(got[name]), len(b))
		}
	}
}

func TestWorldRoundTrip(t *testing.T) {
	recs := []result.Record{result.NewRecord(), result.NewRecord()}
	recs[0].Model, recs[0].Mode, recs[0].Image, recs[0].Cold = "alexnet", "cloud-gpu", "224x224", true
	recs[0].AddPhase(result.Phase(2), 1.25, 2.5)
	recs[0].Energy[1], recs[0].TailEnergy = 0.1, 0.3
	recs[1].Model, recs[1].Mode, recs[1].Image, recs[1].Request, recs[1].Split = "vgg16", "split:7", "1x1", 3, 7
	recs[1].Arrival, recs[1].End, recs[1].Outcome = 0.5, 1e300, result.Outcome(1)
	st := worldStats{events: 42, metrics: []float64{1, 2.5}}
	spans := []result.Span{{Lane: "phone[0]/cpu", Label: "conv1", Start: 1, End: 2, Attrs: map[string]string{"b": "2", "a": "1"}}}
	b := encodeWorld(nil, 7, recs, st, spans)
	w, err := decodeWorld(b, nil)
	if err != nil {
		t.Fatal(err)
	}
	if w.seq != 7 || w.stats.events != 42 || len(w.stats.metrics) != 2 || w.stats.metrics[1] != 2.5 || len(w.recs) != 2 || len(w.spans) != 1 || w.spans[0].Attrs["b"] != "2" {
		t.Fatalf("decoded %+v", w)
	}
	for i := range recs {
		if !bytes.Equal(encodeWorld(nil, 0, recs[i:i+1], worldStats{}, nil), encodeWorld(nil, 0, w.recs[i:i+1], worldStats{}, nil)) {
			t.Errorf("record %d: %+v, want %+v", i, w.recs[i], recs[i])
		}
	}
	for n := 0; n < len(b); n++ {
		if _, err := decodeWorld(b[:n], nil); err == nil {
			t.Errorf("cut at %d of %d bytes: no error", n, len(b))
		}
	}
}

func FuzzDecodeWorld(f *testing.F) {
	rec := result.NewRecord()
	rec.Model = "m"
	f.Add(encodeWorld(nil, 1, []result.Record{rec}, worldStats{events: 1, metrics: []float64{1}}, nil))
	f.Fuzz(func(t *testing.T, b []byte) {
		w, err := decodeWorld(b, nil)
		if err != nil {
			return
		}
		// What decodes encodes back to a frame that decodes the same.
		b2 := encodeWorld(nil, w.seq, w.recs, w.stats, w.spans)
		w2, err := decodeWorld(b2, nil)
		if err != nil || len(w2.recs) != len(w.recs) {
			t.Fatalf("re-encoded: %v", err)
		}
	})
}

func mergeShards(ctx context.Context, dirs []string, opts Options) (*Result, error) {
	sh, err := OpenShards(dirs)
	if err != nil {
		return nil, err
	}
	return sh.Merge(ctx, opts)
}

func TestParseShard(t *testing.T) {
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	for _, tc := range []struct {
		in, env, val string
		want         Shard
		err          string
	}{
		{in: "2/7", want: Shard{2, 7}},
		{in: "0/1", want: Shard{0, 1}},
		{in: "7/7", err: "from 0 to 6"},
		{in: "-1/7", err: "from 0 to 6"},
		{in: "1/0", err: "≥ 1"},
		{in: "3", err: "want I/N"},
		{in: "auto/7", err: "none of JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID"},
		{in: "auto/7", env: "JOB_COMPLETION_INDEX", val: "4", want: Shard{4, 7}},
		{in: "auto/7", env: "SLURM_ARRAY_TASK_ID", val: "6", want: Shard{6, 7}},
		{in: "auto/7", env: "SLURM_ARRAY_TASK_ID", val: "7", err: `index "7" (from SLURM_ARRAY_TASK_ID)`},
	} {
		clear(env)
		if tc.env != "" {
			env[tc.env] = tc.val
		}
		got, err := ParseShard(tc.in, getenv)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: %v, want error with %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s: %v, %v", tc.in, got, err)
		}
	}
}

func TestShardRangesTile(t *testing.T) {
	for _, total := range []int{0, 1, 5, 36, 1000} {
		for _, n := range []int{1, 2, 3, 7, 64} {
			next := 0
			for i := 0; i < n; i++ {
				lo, hi := Shard{i, n}.Range(total)
				if lo != next || hi < lo || hi-lo > total/n+1 {
					t.Fatalf("total %d, shard %d/%d: [%d, %d) after %d", total, i, n, lo, hi, next)
				}
				next = hi
			}
			if next != total {
				t.Fatalf("total %d, n %d: ends at %d", total, n, next)
			}
		}
	}
}

// TestShardsMerge: 1, 3 and 7 shards merged give Run's files, byte for
// byte; shards missing, doubled or of another scenario are refused by
// name.
func TestShardsMerge(t *testing.T) {
	ctx := context.Background()
	s := quickBuiltin(t, "bandwidth-sweep")
	base := t.TempDir()
	ref := filepath.Join(base, "ref")
	if _, err := Run(ctx, s, Options{Out: ref, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	want := outputFiles(t, ref)
	shardDirs := func(n int) []string {
		var dirs []string
		for i := 0; i < n; i++ {
			d := filepath.Join(base, "shards", strings.Repeat("n", n), filepath.Base(t.Name())+string(rune('a'+i)))
			if _, err := RunShard(ctx, quickBuiltin(t, "bandwidth-sweep"), Shard{i, n}, Options{Out: d, Workers: 2}); err != nil {
				t.Fatal(err)
			}
			dirs = append(dirs, d)
		}
		return dirs
	}
	var three []string
	for _, n := range []int{1, 3, 7} {
		dirs := shardDirs(n)
		if n == 3 {
			three = dirs
		}
		out := filepath.Join(base, "merged", strings.Repeat("n", n))
		// The shards in any order on the command line.
		rev := append([]string(nil), dirs...)
		for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
			rev[i], rev[j] = rev[j], rev[i]
		}
		if _, err := mergeShards(ctx, rev, Options{Out: out, Workers: 1}); err != nil {
			t.Fatal(n, err)
		}
		sameFiles(t, "merge of "+strings.Repeat("n", n), outputFiles(t, out), want)
	}
	// A folder of shards.
	out := filepath.Join(base, "merged-parent")
	if _, err := mergeShards(ctx, []string{filepath.Dir(three[0])}, Options{Out: out}); err != nil {
		t.Fatal(err)
	}
	sameFiles(t, "merge of a folder of shards", outputFiles(t, out), want)

	for _, tc := range []struct {
		name string
		dirs []string
		err  []string
	}{
		{"missing", []string{three[0], three[2]}, []string{"missing shard 1/3 (worlds"}},
		{"duplicate", []string{three[0], three[1], three[1], three[2]}, []string{"shard 1/3 is both " + three[1] + " and " + three[1]}},
	} {
		_, err := mergeShards(ctx, tc.dirs, Options{Out: filepath.Join(base, "bad")})
		if !errors.Is(err, ErrShards) {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		for _, w := range tc.err {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %v, want %q", tc.name, err, w)
			}
		}
	}
	// A shard of another scenario (other seed: another hash) in place of 1/3.
	other := quickBuiltin(t, "bandwidth-sweep")
	if err := other.Set("seed", "99"); err != nil {
		t.Fatal(err)
	}
	od := filepath.Join(base, "other")
	if _, err := RunShard(ctx, other, Shard{1, 3}, Options{Out: od}); err != nil {
		t.Fatal(err)
	}
	_, err := mergeShards(ctx, []string{three[0], od, three[2]}, Options{Out: filepath.Join(base, "bad")})
	if !errors.Is(err, ErrShards) || !strings.Contains(err.Error(), od+" (shard 1/3) is a shard of scenario bandwidth-sweep (sha256") {
		t.Errorf("other scenario: %v", err)
	}
	// A damaged worlds file.
	wf := filepath.Join(three[1], WorldsFile)
	b, _ := os.ReadFile(wf)
	b[len(b)-3] ^= 1
	os.WriteFile(wf, b, 0o644)
	if _, err := mergeShards(ctx, three, Options{Out: filepath.Join(base, "bad")}); err == nil || !strings.Contains(err.Error(), wf) {
		t.Errorf("damaged: %v", err)
	}
}

// TestResume: a run stopped after k worlds (its journal also cut inside
// a frame, as a kill leaves it) and resumed writes the files of a run
// never stopped; a journal of another scenario is refused.
func TestResume(t *testing.T) {
	ctx := context.Background()
	base := t.TempDir()
	ref := filepath.Join(base, "ref")
	if _, err := Run(ctx, quickBuiltin(t, "bandwidth-sweep"), Options{Out: ref, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	want := outputFiles(t, ref)
	for _, tc := range []struct {
		stop int
		cut  int64 // bytes cut off the journal's end
	}{{1, 0}, {5, 3}, {11, 0}, {17, 1}} {
		out := filepath.Join(base, "run", string(rune('a'+tc.stop)))
		journal := filepath.Join(base, "journal-"+string(rune('a'+tc.stop)))
		c, cancel := context.WithCancel(ctx)
		_, err := Run(c, quickBuiltin(t, "bandwidth-sweep"), Options{Out: out, Workers: 2, Worlds: journal,
			Progress: func(done, total int) {
				if done == tc.stop {
					cancel()
				}
			}})
		cancel()
		if !errors.Is(err, ErrInterrupted) {
			t.Fatalf("stop at %d: %v", tc.stop, err)
		}
		if tc.cut > 0 {
			fi, _ := os.Stat(journal)
			os.Truncate(journal, fi.Size()-tc.cut)
		}
		res, err := Run(ctx, quickBuiltin(t, "bandwidth-sweep"), Options{Out: out, Workers: 2, Worlds: journal, Resume: true})
		if err != nil {
			t.Fatalf("resume after %d: %v", tc.stop, err)
		}
		if !res.Run.Complete {
			t.Error("resumed run incomplete")
		}
		sameFiles(t, "resumed after "+string(rune('0'+tc.stop)), outputFiles(t, out), want)
		// The journal now holds every world: resumed again, nothing runs.
		if _, err := Run(ctx, quickBuiltin(t, "bandwidth-sweep"), Options{Out: out, Workers: 2, Worlds: journal, Resume: true}); err != nil {
			t.Fatal(err)
		}
		sameFiles(t, "resumed when complete", outputFiles(t, out), want)
		os.Remove(journal)
	}
	// The scenario edited between the runs.
	journal := filepath.Join(base, "journal-edited")
	c, cancel := context.WithCancel(ctx)
	Run(c, quickBuiltin(t, "bandwidth-sweep"), Options{Out: filepath.Join(base, "e"), Worlds: journal,
		Progress: func(done, total int) { cancel() }})
	cancel()
	s := quickBuiltin(t, "bandwidth-sweep")
	if err := s.Set("replications", "3"); err != nil {
		t.Fatal(err)
	}
	_, err := Run(ctx, s, Options{Out: filepath.Join(base, "e"), Worlds: journal, Resume: true})
	if err == nil || !strings.Contains(err.Error(), "the scenario was edited") {
		t.Errorf("edited scenario: %v", err)
	}
}

func FuzzParseShard(f *testing.F) {
	for _, s := range []string{"2/7", "auto/3", "0/1", "9/9", "x/y", "/", "-0/1"} {
		f.Add(s, "1")
	}
	f.Fuzz(func(t *testing.T, s, env string) {
		sh, err := ParseShard(s, func(string) string { return env })
		if err != nil {
			return
		}
		if sh.N < 1 || sh.I < 0 || sh.I >= sh.N {
			t.Fatalf("%q: %v", s, sh)
		}
		lo, hi := sh.Range(1000)
		if lo < 0 || hi > 1000 || lo > hi {
			t.Fatalf("%v: [%d, %d)", sh, lo, hi)
		}
	})
}

// benchWorld is a world of 100 records from a run of bandwidth-sweep.
func benchWorld(b *testing.B) ([]result.Record, worldStats) {
	b.Helper()
	s, err := Builtin("bandwidth-sweep")
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Override(1, 100); err != nil {
		b.Fatal(err)
	}
	r, err := newRunner(s, Options{})
	if err != nil {
		b.Fatal(err)
	}
	pd, err := r.preparePoint(0)
	if err != nil {
		b.Fatal(err)
	}
	var recs []result.Record
	st, err := runWorld(context.Background(), pd, 0, pd.cells[len(pd.cells)-1], nil, func(rec *result.Record) { recs = append(recs, *rec) })
	if err != nil {
		b.Fatal(err)
	}
	return recs, st
}

// BenchmarkWorldCodec: the cost of journaling a world (encode, in the
// worker) and of reading it back (decode, in merge and resume), per world
// of 100 requests.
func BenchmarkWorldCodec(b *testing.B) {
	recs, st := benchWorld(b)
	buf := encodeWorld(nil, 0, recs, st, nil)
	b.Run("encode", func(b *testing.B) {
		b.SetBytes(int64(len(buf)))
		for i := 0; i < b.N; i++ {
			buf = encodeWorld(buf[:0], 0, recs, st, nil)
		}
		b.ReportMetric(float64(len(buf))/float64(len(recs)), "bytes/record")
	})
	b.Run("decode", func(b *testing.B) {
		b.SetBytes(int64(len(buf)))
		out := make([]result.Record, 0, len(recs))
		for i := 0; i < b.N; i++ {
			w, err := decodeWorld(buf, out[:0])
			if err != nil || len(w.recs) != len(recs) {
				b.Fatal(err)
			}
		}
	})
}
