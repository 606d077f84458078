package scenarios

import (
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/infersim/infersim/result"
)

// A world's requests go, as they finish, to its worldAcc (the running
// statistics and sketches of its cell's cold and warm groups, for its
// replication) and, with outputs.requests, to its csvSink; neither keeps
// the records, so a world's memory does not grow with its requests or its
// duration. The merge folds each world's groups into its point's
// (groupAcc.merge) and appends its requests.csv rows in task order.

// worldAcc is one world's share of its point's groups.
type worldAcc struct {
	cold, warm *groupAcc // nil until the world has such a request
	rep        int
	warmup     cellWarmup
	pd         *pointData
	records    int64
}

// newWorldAcc starts the accumulation of replication rep of a cell.
func newWorldAcc(pd *pointData, rep int, cell Cell) *worldAcc {
	return &worldAcc{pd: pd, rep: rep, warmup: warmupOf(pd.s, cell)}
}

// add accumulates one record (the emitter reuses it; nothing is kept).
func (a *worldAcc) add(rec *result.Record) {
	a.records++
	if a.warmup.drops(a.pd, rec) {
		return
	}
	p := &a.warm
	if groupCold(a.pd, rec) {
		p = &a.cold
	}
	if *p == nil {
		g := groupPool.Get().(*groupAcc)
		g.resetWorld(a.rep)
		*p = g
	}
	(*p).add(rec)
}

// release returns the world's groups to the pool.
func (a *worldAcc) release() {
	for _, g := range []*groupAcc{a.cold, a.warm} {
		if g != nil {
			groupPool.Put(g)
		}
	}
	a.cold, a.warm = nil, nil
}

// resetWorld empties g for one world's requests: a single replication,
// rep, which groupAcc.merge moves into its point's group.
func (g *groupAcc) resetWorld(rep int) {
	g.reset(1)
	g.rep0 = rep
}

// recPool holds the record slices of replayed worlds.
var recPool = sync.Pool{New: func() any { s := make([]result.Record, 0, 128); return &s }}

// csvSpillAt is the size beyond which a world's requests.csv rows leave
// memory: written straight into requests.csv when every earlier task's
// rows are there (always at -j 1), else spooled to a temporary file the
// merge copies.
const csvSpillAt = 1 << 20

// csvOrder lets a world write its rows straight into requests.csv once
// it is the next to be merged: turn is the sequence number of that task.
// The merge advances turn only after it has written everything before it,
// and touches requests.csv again only when it takes that task's result,
// so the file always has a single writer.
type csvOrder struct {
	mu     sync.Mutex
	turn   int
	out    *outputs
	spools map[*os.File]bool // spool files not yet merged
}

func (o *csvOrder) isTurn(seq int) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.turn == seq
}

// advance lets task seq+1 write straight into requests.csv.
func (o *csvOrder) advance(seq int) {
	o.mu.Lock()
	o.turn = seq + 1
	o.mu.Unlock()
}

func (o *csvOrder) spool() (*os.File, error) {
	f, err := os.CreateTemp(o.out.dir, "."+result.RequestsFile+".part.*.tmp")
	if err != nil {
		return nil, err
	}
	o.mu.Lock()
	if o.spools == nil {
		o.spools = map[*os.File]bool{}
	}
	o.spools[f] = true
	o.mu.Unlock()
	return f, nil
}

// drop closes and removes a spool file.
func (o *csvOrder) drop(f *os.File) {
	o.mu.Lock()
	delete(o.spools, f)
	o.mu.Unlock()
	f.Close()
	os.Remove(f.Name())
}

// cleanup removes the spool files of tasks that were never merged (the
// run failed or was interrupted).
func (o *csvOrder) cleanup() {
	o.mu.Lock()
	fs := o.spools
	o.spools = nil
	o.mu.Unlock()
	for f := range fs {
		f.Close()
		os.Remove(f.Name())
	}
}

// csvSink receives one world's requests.csv rows (from its
// recordFormatter) and holds them, up to csvSpillAt, until the merge
// writes them.
type csvSink struct {
	order  *csvOrder
	seq    int
	buf    *[]byte // from csvPool
	spool  *os.File
	direct bool // the rows go straight into requests.csv
}

// Write implements io.Writer.
func (s *csvSink) Write(p []byte) (int, error) {
	switch {
	case s.direct:
		return s.order.out.requestsIn().Write(p)
	case s.spool != nil:
		return s.spool.Write(p)
	}
	*s.buf = append(*s.buf, p...)
	if len(*s.buf) < csvSpillAt {
		return len(p), nil
	}
	var err error
	if s.order.isTurn(s.seq) {
		s.direct = true
		_, err = s.order.out.requestsIn().Write(*s.buf)
	} else {
		if s.spool, err = s.order.spool(); err != nil {
			return 0, err
		}
		_, err = s.spool.Write(*s.buf)
	}
	*s.buf = (*s.buf)[:0]
	if err != nil {
		return 0, err
	}
	return len(p), nil
}

// writeTo appends the rows not yet in requests.csv (the merge's part) and
// releases the sink.
func (s *csvSink) writeTo(o *outputs) error {
	defer s.release()
	if s.direct {
		return nil
	}
	if s.spool != nil {
		if _, err := s.spool.Seek(0, io.SeekStart); err != nil {
			return fmt.Errorf("scenarios: writing %s: %w", result.RequestsFile, err)
		}
		if _, err := io.Copy(o.requestsIn(), s.spool); err != nil {
			return fmt.Errorf("scenarios: writing %s: %w", o.requestsName(), err)
		}
		return nil
	}
	return o.writeRecords(*s.buf)
}

func (s *csvSink) release() {
	if s.spool != nil {
		s.order.drop(s.spool)
		s.spool = nil
	}
	if s.buf != nil {
		*s.buf = (*s.buf)[:0]
		csvPool.Put(s.buf)
		s.buf = nil
	}
}
