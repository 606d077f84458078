package scenarios

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/infersim/infersim/result"
)

// worldStore is a run's stored worlds (WorldsFile): the worlds it reads
// instead of simulating them (src, tasks [0, srcEnd): a resumed run's
// journal, or the shards a merge reads), the journal it appends each
// simulated world to, and a shard run's share of the tasks, [lo, hi).
// The zero worldStore stores nothing and runs every task.
type worldStore struct {
	src     worldSource
	srcEnd  int
	srcFile *os.File
	journal *worldWriter
	path    string // the journal's path
	shard   bool   // a shard run: worlds are stored, not merged
	lo, hi  int    // the tasks run; hi 0: every task
	// cells is the number of tasks of every point when the sweep does not
	// change the cells (0 otherwise).
	cells int
}

// scenarioSHA256 is the hex SHA-256 of s's resolved YAML, as
// result.Manifest's ScenarioSHA256.
func scenarioSHA256(s *Scenario) string {
	sum := sha256.Sum256(s.YAML())
	return hex.EncodeToString(sum[:])
}

// open sets the store up for Run from opts: a merge's shards, or a
// journal, new or resumed.
func (ws *worldStore) open(r *runner, opts Options) error {
	if opts.merge != nil {
		if opts.merge.worlds != r.total {
			return fmt.Errorf("%w: the scenario has %d worlds, the shards %d", ErrShards, r.total, opts.merge.worlds)
		}
		ws.src, ws.srcEnd = opts.merge, r.total
		return nil
	}
	if opts.Worlds == "" {
		if opts.Resume {
			return errors.New("scenarios: resume: no worlds file")
		}
		return nil
	}
	ws.path = opts.Worlds
	if !opts.Resume {
		j, err := createWorlds(opts.Worlds, r.header(0), nil)
		if err != nil {
			return err
		}
		ws.journal = j
		return nil
	}
	return ws.resume(r, opts.Worlds)
}

// resume opens the journal of an interrupted run: its header must be
// this run's; its whole frames are replayed, and anything after them (a
// frame the kill cut short) is cut off before new worlds are appended.
func (ws *worldStore) resume(r *runner, path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("scenarios: resume: %w", err)
	}
	want := r.header(0)
	wr := newWorldReader(f, nil)
	h, err := wr.readHeader()
	if err == nil {
		if d := h.mismatch(&want); d != "" {
			err = fmt.Errorf("it holds worlds of %s", d)
		} else if h.First != 0 {
			err = fmt.Errorf("it starts at world %d, not 0 (a shard's worlds?)", h.First)
		}
	}
	if err != nil {
		f.Close()
		return fmt.Errorf("scenarios: resume: %s: %w; nothing was run (start over without --resume, into another folder)", path, err)
	}
	// Count the whole worlds (in task order from 0, each its parts and
	// its last frame).
	n := 0
	good := wr.n
	for n < r.total {
		p, err := wr.next()
		if err != nil {
			break // the end, or a frame cut short: resume from here
		}
		seq, kind, ok := frameOf(p)
		if !ok || seq != uint64(n) {
			break
		}
		if kind == frameLast {
			n++
			good = wr.n
		}
	}
	if err := f.Truncate(good); err != nil {
		f.Close()
		return fmt.Errorf("scenarios: resume: %w", err)
	}
	if _, err := f.Seek(good, io.SeekStart); err != nil {
		f.Close()
		return fmt.Errorf("scenarios: resume: %w", err)
	}
	ws.journal = &worldWriter{f: f, n: good}
	ws.journal.w = newBufWriter(f)
	// A second handle replays the n worlds.
	rf, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("scenarios: resume: %w", err)
	}
	rd := newWorldReader(rf, nil)
	if _, err := rd.readHeader(); err != nil {
		rf.Close()
		return fmt.Errorf("scenarios: resume: %s: %w", path, err)
	}
	ws.srcFile, ws.src, ws.srcEnd = rf, rd, n
	return nil
}

// close releases the files (the journal is kept).
func (ws *worldStore) close() {
	if ws.srcFile != nil {
		ws.srcFile.Close()
		ws.srcFile = nil
	}
	if ws.journal != nil {
		ws.journal.close()
	}
}

// end finishes the journal after the merge: flushed, synced and closed.
// It is kept even when the run is complete: the caller removes it once
// the outputs are safe (a run killed while it draws its charts is
// resumed from it).
func (ws *worldStore) end() error {
	if ws.journal == nil {
		return nil
	}
	if err := ws.journal.close(); err != nil {
		return fmt.Errorf("scenarios: writing %s: %w", ws.path, err)
	}
	return nil
}

// skipPoint, called by the dispatcher before it prepares point pt whose
// first task is *seq, reports whether to stop (the tasks left are past
// the shard's) or to skip the point (its tasks are before the shard's;
// *seq is moved past them).
func (ws *worldStore) skipPoint(r *runner, pt int, seq *int) (skip, stop bool) {
	if ws.hi > 0 && *seq >= ws.hi {
		return false, true
	}
	if *seq >= ws.lo {
		return false, false
	}
	n := ws.cells
	if n == 0 {
		p, err := r.s.Point(pt)
		if err != nil {
			return false, false // preparePoint reports it
		}
		n = len(p.Scenario.Cells()) * r.reps
	}
	if *seq+n > ws.lo {
		return false, false
	}
	*seq += n
	return true, false
}

// task, called by the dispatcher for each task, reports whether to stop
// (past a shard's tasks) or to leave the task out (before them); a task
// the store holds gets its stored world.
func (ws *worldStore) task(t *task) (take, stop bool) {
	if ws.hi > 0 && t.seq >= ws.hi {
		return false, true
	}
	if t.seq < ws.lo {
		return false, false
	}
	if t.seq < ws.srcEnd && t.err == nil {
		p, err := ws.src.next()
		if err != nil {
			t.err = fmt.Errorf("scenarios: reading world %d: %w", t.seq, err)
		} else {
			t.frame = p
			if _, kind, ok := frameOf(p); ok && kind == framePart {
				// The rest follows once a worker has the task (feed).
				t.more = make(chan []byte, 1)
				t.moreErr = new(error)
			}
		}
	}
	return true, false
}

// drain reads what is left of the frames fed to t (a world that failed,
// or was not replayed), so that the dispatcher's feed ends.
func (t *task) drain() {
	if t.more != nil {
		for range t.more {
		}
	}
}

// feed, called by the dispatcher once a worker has task t, reads the
// frames of t's stored world after its first and sends them to the
// worker, one at a time (so a world is never held whole), up to its last
// frame; a read error is left in t.moreErr and ends the world.
func (ws *worldStore) feed(ctx context.Context, t *task) bool {
	defer close(t.more)
	for {
		p, err := ws.src.next()
		if err != nil {
			*t.moreErr = fmt.Errorf("scenarios: reading world %d: %w", t.seq, err)
			return true
		}
		select {
		case t.more <- p:
		case <-ctx.Done():
			return false
		}
		if seq, kind, ok := frameOf(p); !ok || seq != uint64(t.seq) || kind != framePart {
			return true // the last, or not the world's: replay says which
		}
	}
}

// encode finishes a simulated world's frame for the journal or the
// shard, in the worker, from the records its worldSink encoded (enc; nil
// without a journal).
func (ws *worldStore) encode(tr *taskResult, enc *worldEncoder) {
	if ws.journal == nil || enc == nil {
		return
	}
	f, err := enc.finish(tr.stats, tr.spans)
	if err != nil {
		enc.release()
		tr.err = fmt.Errorf("scenarios: writing %s: world %d: %w", ws.path, tr.t.seq, err)
		return
	}
	tr.frame = f
}

// keeps reports whether the run's worlds are encoded for the store: for
// a shard, and for a journal unless the run has a single world and does
// not resume (an interrupted single-world run re-simulates its world
// either way, and a world of 10⁵ phones would hold its 6×10⁵ records, and
// then their frame, in memory only for a journal that is never read).
func (ws *worldStore) keeps(total int, opts Options) bool {
	if ws.journal == nil {
		return false
	}
	return ws.shard || opts.Resume || total > 1
}

// keep appends a merged world to the journal.
func (ws *worldStore) keep(tr *taskResult) error {
	f := tr.frame
	if f == nil {
		return nil
	}
	tr.frame = nil
	defer f.release()
	var err error
	if f.enc != nil {
		err = ws.journal.writeParts(f.enc.parts, f.enc.spool, f.enc.spoolN)
	}
	if err == nil {
		err = ws.journal.writeFrame(*f.head, *f.body, f.crc)
	}
	if err == nil {
		err = ws.journal.flush()
	}
	if err != nil {
		return fmt.Errorf("scenarios: writing %s: %w", ws.path, err)
	}
	return nil
}

// spoolDir is where a journalled world's spool goes: beside the journal
// or the shard's worlds file.
func (ws *worldStore) spoolDir() string {
	if ws.journal == nil || ws.journal.f == nil {
		return ""
	}
	return filepath.Dir(ws.journal.f.Name())
}

// putWorldBuf returns b (nil: none) to worldBufPool.
func putWorldBuf(b *[]byte) {
	if b != nil {
		*b = (*b)[:0]
		worldBufPool.Put(b)
	}
}

// replay turns a stored world into its task's result, its records fed
// to a worldSink as a simulated world's are (requests.csv rows formatted
// by f; nil: not written), as if it had been simulated. The world's
// frames are decoded one at a time: its first (t.frame), then those the
// dispatcher feeds (t.more).
func (ws *worldStore) replay(ctx context.Context, t task, order *csvOrder, f *recordFormatter) taskResult {
	recs := recPool.Get().(*[]result.Record)
	defer func() {
		*recs = (*recs)[:0]
		recPool.Put(recs)
	}()
	defer t.drain()
	fail := func(err error) taskResult {
		return taskResult{t: t, err: fmt.Errorf("scenarios: stored world %d (point %d, replication %d, cell %d): %w", t.seq, t.pd.index, t.rep, t.cell, err)}
	}
	sink := newWorldSink(t, t.pd.cells[t.cell], f, order, false, "") // already in the journal
	var spans []result.Span
	p := t.frame
	for part := 0; ; part++ {
		w, err := decodeWorld(p, (*recs)[:0])
		*recs = w.recs
		if err == nil {
			err = checkWorld(t, &w)
		}
		if err != nil {
			sink.fail()
			return fail(fmt.Errorf("frame %d: %w", part, err))
		}
		for i := range *recs {
			sink.add(&(*recs)[i])
		}
		if t.trace {
			spans = append(spans, w.spans...)
		}
		if w.last {
			tr, err := sink.done(w.stats)
			if err != nil {
				return taskResult{t: t, err: err}
			}
			if t.trace {
				tr.spans = spans
			}
			return tr
		}
		var ok bool
		if t.more != nil {
			select {
			case p, ok = <-t.more:
			case <-ctx.Done():
				sink.fail()
				return taskResult{t: t, err: ctx.Err()}
			}
		}
		if !ok {
			sink.fail()
			if t.moreErr != nil && *t.moreErr != nil {
				return taskResult{t: t, err: *t.moreErr}
			}
			return fail(errors.New("its last frame is missing"))
		}
	}
}

// checkWorld checks that a stored world's frame is task t's.
func checkWorld(t task, w *decodedWorld) error {
	if w.seq != t.seq {
		return fmt.Errorf("it is world %d", w.seq)
	}
	if w.last && len(w.stats.metrics) != len(worldMetrics) {
		return fmt.Errorf("%d per-world metrics, not %d", len(w.stats.metrics), len(worldMetrics))
	}
	for i := range w.recs {
		r := &w.recs[i]
		if r.Point != t.pd.index || r.Replication != t.rep {
			return fmt.Errorf("a record of point %d, replication %d", r.Point, r.Replication)
		}
	}
	return nil
}

// errNotResumable says what a folder holds when it has nothing to resume.
func errNotResumable(dir string) error {
	m, err := result.ReadManifestDir(dir)
	switch {
	case err == nil && m.Complete:
		return fmt.Errorf("scenarios: resume: %s holds a complete result (run %s); there is nothing to resume", dir, m.RunID)
	case err == nil:
		return fmt.Errorf("scenarios: resume: %s holds an interrupted result without its %s (written by an older infersim?); run again without --resume", dir, WorldsFile)
	case errors.Is(err, result.ErrNoManifest) || errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("scenarios: resume: %s: no interrupted run to resume there", dir)
	}
	return fmt.Errorf("scenarios: resume: %s: no interrupted run to resume there (%v)", dir, err)
}

// newestJournal returns the newest of the staging folders dirs (sorted,
// oldest first) that has infersim's marker and a journal, "" if none.
func newestJournal(dirs []string) string {
	for i := len(dirs) - 1; i >= 0; i-- {
		_, m := os.Stat(filepath.Join(dirs[i], stagingMarker))
		_, j := os.Stat(filepath.Join(dirs[i], WorldsFile))
		if m == nil && j == nil {
			return dirs[i]
		}
	}
	return ""
}

// takeJournal puts the interrupted run's journal into Staging: moved
// from the killed run's staging folder (removed when this run commits,
// the journal moved back if it does not), or copied from Out, whose
// result stays as it is until this run commits.
func (s *ResultSet) takeJournal() error {
	dst := filepath.Join(s.Staging, WorldsFile)
	if s.resumeFrom != "" {
		if err := os.Rename(filepath.Join(s.resumeFrom, WorldsFile), dst); err != nil {
			return fmt.Errorf("scenarios: resume: %w", err)
		}
		s.Notes = append(s.Notes, "resuming the run killed in "+s.resumeFrom)
		s.Journal = dst
		return nil
	}
	src := filepath.Join(s.Out, WorldsFile)
	in, err := os.Open(src)
	if err != nil {
		return errNotResumable(s.Out)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err == nil {
		_, err = io.Copy(out, in)
		if cerr := out.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return fmt.Errorf("scenarios: resume: copying %s: %w", src, err)
	}
	s.Notes = append(s.Notes, "resuming the interrupted run in "+s.Out)
	s.Journal = dst
	return nil
}
