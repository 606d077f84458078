package scenarios

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/infersim/infersim/devices"
	"github.com/infersim/infersim/internal/buildinfo"
	"github.com/infersim/infersim/models"
	"github.com/infersim/infersim/result"
)

// Options configure Run.
type Options struct {
	// Out is the output directory; "" means results/NAME.
	Out string
	// Workers bounds the tasks simulated at once; 0 means GOMAXPROCS.
	// The outputs do not depend on it.
	Workers int
	// KernelProfile replaces the embedded default kernel profile (the
	// processor profiles are re-fitted against it); KernelProfileName
	// says where it came from, for summary.json.
	KernelProfile     *models.Profile
	KernelProfileName string
	// Trace writes one task's spans to this file in the Chrome/Perfetto
	// trace-event JSON of result.WriteTrace ("" and outputs.trace false:
	// no trace; outputs.trace true: DIR/trace.json). TraceTask chooses
	// the task.
	Trace     string
	TraceTask TaskID
	// Progress, if set, is called from Run's goroutine after each task
	// merged, with the tasks done and the total.
	Progress func(done, total int)
	// Worlds, if set, is a worlds file (WorldsFile) Run appends every
	// world to as it is merged, in task order: the journal an interrupted
	// run is resumed from. Run leaves it in place; remove it once the
	// outputs are committed (`infersim run` does, before its commit). With
	// Resume, Worlds holds an earlier run's worlds: they are checked
	// against the scenario (its hash, seed, infersim version, kernel
	// profile) and merged instead of simulated, and the run goes on from
	// there; the outputs are those of a run never interrupted.
	Worlds string
	Resume bool

	merge *mergeSource // set by Merge: every world comes from shards

	// Requests, if set, counts the requests simulated so far, added to
	// from the workers as worlds run (every few dozen requests and at a
	// world's end), for a progress display finer than Progress's worlds.
	Requests *atomic.Int64
}

// TaskID names one task: a point, a replication and a cell.
type TaskID struct {
	Point, Replication, Cell int
}

// Result is what Run produced.
type Result struct {
	// Run is the run as summary.json holds it, except that when nothing
	// needs every summary in memory (the scenario neither draws charts,
	// outputs.plots, nor states conclusions) Run.Summaries holds only the
	// summaries of the points WriteTable prints (the first MaxTablePoints
	// and the last) and SummariesPartial is set: memory then does not grow
	// with the number of points. Likewise Run.Points then has every
	// point but only the Index of those the table does not print (their
	// parameters and seeds are in summary.json). summary.csv and
	// summary.json have them all (result.ReadRunJSON reads them back).
	Run              *result.Run
	SummariesPartial bool
	// Dir is the output directory; Requests the requests.csv written in
	// it ("" when outputs.requests is false); Trace the trace file ("" if
	// none).
	Dir, Requests, Trace string
	// Spans are the traced task's spans (nil if none was traced).
	Spans []result.Span
	// Tasks, Records and Events count what was simulated.
	Tasks   int
	Records int64
	Events  int64
}

// ErrInterrupted is returned (wrapped) by Run when its context was
// cancelled: the outputs hold the points finished before, and
// summary.json says complete: false.
var ErrInterrupted = errors.New("scenarios: run interrupted")

// runner is one Run.
type runner struct {
	s         *Scenario
	opts      Options
	reps      int
	workers   int
	dir       string // the output directory
	total     int    // tasks
	traceFile string // "" without a trace
	ws        worldStore
	csv       *csvOrder
}

// task is one world to simulate.
type task struct {
	seq   int
	pd    *pointData
	rep   int
	cell  int
	last  bool // the last task of its point
	trace bool
	err   error  // the point could not be prepared
	frame []byte // the world as stored (worlds.go), its first frame; nil: simulate it
	// more brings the stored world's further frames (worldStore.feed);
	// nil if frame is its last. moreErr is the error that ended them.
	more    chan []byte
	moreErr *error
}

type taskResult struct {
	t     task
	acc   *worldAcc
	csv   *csvSink // the world's requests.csv rows; nil without it
	stats worldStats
	spans []result.Span
	err   error
	frame *worldFrame // the world encoded for the journal or shard; nil if none
}

// Run simulates every point × replication × cell of a validated scenario
// on a bounded pool of workers and writes the outputs into the output
// directory: requests.csv, summary.csv and summary.json, and a trace if
// asked, each written atomically (a temporary file in the same directory,
// renamed into place). Results are merged in task order through a
// reorder buffer of twice the workers, so every file is byte-identical
// whatever the number of workers. Every file is streamed: a world's
// requests go, as they finish, into its running statistics and (formatted
// by its worker) its requests.csv rows, which the merge appends in task
// order (a world whose turn it is writes them straight into the file);
// as each point completes, the merge writes its summary.csv rows and
// summary.json summaries (spooled to a temporary file; summary.json is
// assembled around them at the end). Memory thus grows with neither the
// requests nor the points (see Result.SummariesPartial).
//
// When ctx is cancelled, Run stops at once, keeps the points finished
// before (requests.csv is cut back to them), writes summary.json with
// complete: false, and returns an error wrapping ErrInterrupted together
// with the Result. On any other error it leaves no file behind.
//
// Run writes into opts.Out as it is: for a results folder that is written
// whole or not at all, with a manifest and a lock, run into the Staging
// folder of an OpenResultSet and Commit it (as `infersim run` does).
func Run(ctx context.Context, s *Scenario, opts Options) (*Result, error) {
	if s.plan == nil {
		if err := s.Validate(); err != nil {
			return nil, err
		}
	}
	r, err := newRunner(s, opts)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(r.dir, 0o755); err != nil {
		return nil, fmt.Errorf("scenarios: %w", err)
	}
	if err := r.ws.open(r, opts); err != nil {
		return nil, err
	}
	defer r.ws.close()
	out := &outputs{dir: r.dir, params: s.SweepPaths()}
	defer out.cleanup()
	out.chat = s.isLLM()
	if err := out.open(s.Outputs.Requests, s.Outputs.Format); err != nil {
		return nil, err
	}
	r.csv = &csvOrder{out: out}
	defer r.csv.cleanup()
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	p := r.start(runCtx)
	m := r.newMerge(out)
	runErr := m.loop(ctx, p)
	cancel()
	p.wg.Wait()
	if runErr == nil {
		runErr = r.ws.end()
	}
	if runErr != nil {
		return nil, runErr
	}
	return r.finish(m, out)
}

// newRunner sets a run up: its workers, output directory, task count and
// the task to trace, checked against the run's size.
func newRunner(s *Scenario, opts Options) (*runner, error) {
	r := &runner{s: s, opts: opts, reps: s.Replications, workers: opts.Workers, dir: opts.Out, traceFile: opts.Trace}
	if r.workers <= 0 {
		r.workers = runtime.GOMAXPROCS(0)
	}
	if r.dir == "" {
		r.dir = filepath.Join("results", s.Name)
	}
	var err error
	if r.total, err = r.countTasks(); err != nil {
		return nil, err
	}
	if r.traceFile == "" && s.Outputs.Trace {
		r.traceFile = filepath.Join(r.dir, result.TraceFile)
	}
	if tr := opts.TraceTask; r.traceFile != "" {
		if tr.Point < 0 || tr.Point >= s.Points() || tr.Replication < 0 || tr.Replication >= r.reps || tr.Cell < 0 {
			return nil, fmt.Errorf("scenarios: trace: no task point %d, replication %d (the run has %d points × %d replications)", tr.Point, tr.Replication, s.Points(), r.reps)
		}
	}
	return r, nil
}

// pipeline is a run's dispatcher and workers: task seq's result arrives
// in slots[seq%window]; sem holds a place in the reorder window for every
// task dispatched and not yet merged.
type pipeline struct {
	window int
	slots  []chan taskResult
	sem    chan struct{}
	jobs   chan task
	wg     sync.WaitGroup
}

// start starts the dispatcher and the workers; they stop when ctx is
// cancelled or every task is done.
func (r *runner) start(ctx context.Context) *pipeline {
	p := &pipeline{window: 2 * r.workers, jobs: make(chan task)}
	p.slots = make([]chan taskResult, p.window)
	for i := range p.slots {
		p.slots[i] = make(chan taskResult, 1)
	}
	p.sem = make(chan struct{}, p.window)
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		defer close(p.jobs)
		r.dispatch(ctx, p)
	}()
	for i := 0; i < r.workers; i++ {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			r.work(ctx, p)
		}()
	}
	return p
}

// dispatch sends the tasks in order: points, then replications, then
// cells. A point that cannot be prepared is one failed task, the last.
func (r *runner) dispatch(ctx context.Context, p *pipeline) {
	tr := r.opts.TraceTask
	seq := 0
	send := func(t task) bool {
		select {
		case p.sem <- struct{}{}:
		case <-ctx.Done():
			return false
		}
		select {
		case p.jobs <- t:
		case <-ctx.Done():
			return false
		}
		if t.more != nil {
			return r.ws.feed(ctx, &t)
		}
		return true
	}
	for pt := 0; pt < r.s.Points(); pt++ {
		if skip, stop := r.ws.skipPoint(r, pt, &seq); stop {
			return
		} else if skip {
			continue
		}
		pd, err := r.preparePoint(pt)
		if err != nil {
			select {
			case p.sem <- struct{}{}:
				p.jobs <- task{seq: seq, err: err}
			case <-ctx.Done():
			}
			return
		}
		n := len(pd.cells) * r.reps
		k := 0
		for rep := 0; rep < r.reps; rep++ {
			for c := range pd.cells {
				k++
				t := task{seq: seq, pd: pd, rep: rep, cell: c, last: k == n}
				t.trace = r.traceFile != "" && pt == tr.Point && rep == tr.Replication && c == tr.Cell
				if take, stop := r.ws.task(&t); stop {
					return
				} else if !take {
					seq++
					continue
				}
				if !send(t) {
					return
				}
				seq++
			}
		}
	}
}

// work simulates tasks until there are none, each world's requests.csv
// rows formatted when the run writes them.
func (r *runner) work(ctx context.Context, p *pipeline) {
	var f *recordFormatter
	if r.s.Outputs.Requests && !r.ws.shard {
		var err error
		if f, err = newRecordFormatter(r.s.Outputs.Format, r.s.isLLM()); err != nil {
			for t := range p.jobs {
				t.drain()
				p.slots[t.seq%p.window] <- taskResult{t: t, err: fmt.Errorf("scenarios: writing %s: %w", result.RequestsFile, err)}
			}
			return
		}
	}
	for t := range p.jobs {
		p.slots[t.seq%p.window] <- r.runTask(ctx, t, f)
	}
}

// merge takes the tasks' results in task order into the run: records
// into their point's groups and requests.csv, each finished point's
// summaries into summary.csv, summary.json's spool and the run.
type merge struct {
	r           *runner
	out         *outputs
	keepAll     bool
	res         *Result
	run         *result.Run
	acc         *pointAcc
	interrupted bool
	done        int
	last        []result.Summary // the last point's summaries, kept for the table
	ci          result.CI95      // the confidence intervals of every point
	thermal     *thermalOut      // nil unless thermal is enabled (thermal.go)
}

func (r *runner) newMerge(out *outputs) *merge {
	s := r.s
	keepAll := r.keepSummaries()
	var th *thermalOut
	if s.Thermal.Enabled {
		th = &thermalOut{params: s.SweepPaths()}
	}
	return &merge{r: r, out: out, keepAll: keepAll, thermal: th,
		res: &Result{Dir: r.dir, Tasks: r.total, SummariesPartial: !keepAll},
		run: &result.Run{
			Scenario: s.Name, Description: s.Description, Seed: s.Seed, Replications: r.reps, Warmup: s.Workload.warmup().Requests, WarmupSeconds: float64(s.Workload.warmup().Time),
			Infersim: buildinfo.Read(), KernelProfile: r.kernelProfileName(), ScenarioYAML: string(s.YAML()), Charts: s.chartHints(),
		},
	}
}

// loop merges every task's result, or stops at the first error (returned)
// or at ctx's cancellation (m.interrupted).
func (m *merge) loop(ctx context.Context, p *pipeline) error {
	for seq := 0; seq < m.r.total; seq++ {
		var tr taskResult
		select {
		case tr = <-p.slots[seq%p.window]:
		case <-ctx.Done():
			m.interrupted = true
			return nil
		}
		if tr.err != nil {
			if ctx.Err() != nil {
				m.interrupted = true
				return nil
			}
			return tr.err
		}
		if err := m.r.ws.keep(&tr); err != nil {
			return err
		}
		if err := m.take(&tr); err != nil {
			return err
		}
		<-p.sem
		m.done++
		if m.r.opts.Progress != nil {
			m.r.opts.Progress(m.done, m.r.total)
		}
	}
	return nil
}

// take merges one task's result: its groups into its point's, its
// requests.csv rows after the earlier tasks' (then the next task may
// write straight into the file).
func (m *merge) take(tr *taskResult) error {
	t := tr.t
	if m.acc == nil || m.acc.pd != t.pd {
		m.acc = newPointAcc(t.pd, &m.ci)
	}
	if g := tr.acc.cold; g != nil {
		m.acc.group(t.cell, true).merge(g)
	}
	if g := tr.acc.warm; g != nil {
		m.acc.group(t.cell, false).merge(g)
	}
	if tr.csv != nil {
		if err := tr.csv.writeTo(m.out); err != nil {
			return err
		}
	}
	m.res.Records += tr.acc.records
	m.res.Events += tr.stats.events
	m.acc.addMetrics(t.cell, t.rep, tr.stats.metrics)
	if m.thermal != nil {
		m.thermal.add(t.pd, t.rep, t.pd.cells[t.cell], tr.stats.thermal)
	}
	tr.acc.release()
	if t.trace {
		m.res.Spans = tr.spans
	}
	if t.last {
		if err := m.pointDone(t.pd); err != nil {
			return err
		}
	}
	m.r.csv.advance(t.seq)
	return nil
}

// pointDone summarises a finished point and writes its summaries.
func (m *merge) pointDone(pd *pointData) error {
	pi := result.PointInfo{Index: pd.index, Params: pd.params, Seeds: pd.seeds}
	if err := m.out.writePoint(&pi); err != nil {
		return err
	}
	if !m.keepAll && pd.index >= MaxTablePoints {
		// summary.json has it; the table prints only the last of these,
		// so the one before loses its parameters and seeds.
		if n := len(m.run.Points); n > MaxTablePoints {
			m.run.Points[n-1].Params, m.run.Points[n-1].Seeds = nil, nil
		}
	}
	m.run.Points = append(m.run.Points, pi)
	sums := m.acc.summaries()
	m.acc.release()
	m.acc = nil
	if err := m.out.writeSummaries(sums); err != nil {
		return err
	}
	switch {
	case m.keepAll || pd.index < MaxTablePoints:
		m.run.Summaries = append(m.run.Summaries, sums...)
	default:
		m.last = sums
	}
	return m.out.pointDone()
}

// finish completes the run after the merge: its conclusions, summary.json
// and the trace, and commits the outputs.
func (r *runner) finish(m *merge, out *outputs) (*Result, error) {
	run, res := m.run, m.res
	run.Summaries = append(run.Summaries, m.last...)
	run.Complete = !m.interrupted
	run.Conclusions, run.ConclusionDetails = conclusionsOf(r.s, run)
	if r.s.isLLM() && run.Complete {
		for _, c := range llmConclusions(r.s, run) { // llmconclude.go
			run.Conclusions = append(run.Conclusions, c.Sentence)
			run.ConclusionDetails = append(run.ConclusionDetails, c)
		}
	}
	if m.thermal != nil && run.Complete {
		for _, c := range m.thermal.conclusions() {
			run.Conclusions = append(run.Conclusions, c.Sentence)
			run.ConclusionDetails = append(run.ConclusionDetails, c)
		}
	}
	if err := out.finish(run, m.interrupted); err != nil {
		return nil, err
	}
	res.Run = run
	res.Requests = out.path
	if m.thermal != nil {
		if err := m.thermal.write(r.dir); err != nil {
			return nil, err
		}
	}
	if r.traceFile != "" && res.Spans != nil {
		if err := writeAtomic(r.traceFile, func(w io.Writer) error { return result.WriteTrace(w, res.Spans) }); err != nil {
			return nil, err
		}
		res.Trace = r.traceFile
	}
	out.committed = true
	if m.interrupted {
		return res, fmt.Errorf("%w: %d of %d points finished", ErrInterrupted, len(run.Points), r.s.Points())
	}
	return res, nil
}

// keepSummaries reports whether the run keeps every summary in memory:
// when something needs them after the run (charts, conclusions).
func (r *runner) keepSummaries() bool {
	return r.s.Outputs.Plots || r.s.concludes()
}

// warmupOf is the warm-up of a world of the cell: workload.warmup, a
// count made fewer when the world has no more requests than that (its
// last request is kept).
func warmupOf(s *Scenario, c Cell) cellWarmup {
	wu := s.Workload.warmup()
	cw := cellWarmup{time: float64(wu.Time), byTime: wu.ByTime, last: c.Requests - 1}
	if !wu.ByTime {
		cw.n = wu.Requests
		if c.Requests > 0 && cw.n >= c.Requests {
			cw.n = c.Requests - 1
		}
		cw.n = max(cw.n, 0)
	}
	return cw
}

// cellWarmup is a cell's warm-up: its first n requests per phone, or the
// requests that arrive before time seconds of the world (all but the
// last, last, of a world of a number of requests).
type cellWarmup struct {
	n      int
	time   float64
	byTime bool
	last   int // each phone's last request, −1 for a timed workload
}

// drops reports whether a record is one of its phone's warm-up requests:
// among the first n (or arrived before the time and not its phone's last
// request), and neither in the cold group (a cold request is what that
// group measures) nor unsupported (it measures nothing that warms up).
func (w cellWarmup) drops(pd *pointData, rec *result.Record) bool {
	if rec.Outcome == result.Unsupported || groupCold(pd, rec) {
		return false
	}
	if w.byTime {
		return rec.Arrival < w.time && rec.Request != w.last
	}
	return rec.Request < w.n
}

// groupCold says whether a record joins its cell's cold group: a request
// that loaded its model (Record.Cold), and a request its framework could
// not run (outcome unsupported: it loads nothing) when the workload starts
// cold, so that it is reported with the start the workload asked for.
func groupCold(pd *pointData, rec *result.Record) bool {
	if rec.Outcome == result.Unsupported {
		return pd.s.Workload.Start != "warm"
	}
	return rec.Cold
}

// runTask simulates one world, its requests streamed as they finish into
// the world's statistics and, formatted by f (nil: not written), its
// requests.csv rows.
func (r *runner) runTask(ctx context.Context, t task, f *recordFormatter) taskResult {
	if t.err != nil {
		t.drain()
		return taskResult{t: t, err: t.err}
	}
	if err := ctx.Err(); err != nil {
		t.drain()
		return taskResult{t: t, err: err}
	}
	if t.frame != nil {
		return r.ws.replay(ctx, t, r.csv, f)
	}
	var sc *spanCollector
	var sink devices.SpanSink // nil: no tracing, at no cost
	if t.trace {
		sc = &spanCollector{}
		sink = sc
	}
	cell := t.pd.cells[t.cell]
	w := newWorldSink(t, cell, f, r.csv, r.ws.keeps(r.total, r.opts), r.ws.spoolDir())
	count := r.opts.Requests
	var uncounted int64
	st, err := runWorld(ctx, t.pd, t.rep, cell, sink, func(rec *result.Record) {
		w.add(rec)
		if count != nil {
			if uncounted++; uncounted == 64 {
				count.Add(uncounted)
				uncounted = 0
			}
		}
	})
	if count != nil {
		count.Add(uncounted)
	}
	if err != nil {
		w.fail()
		return taskResult{t: t, err: err}
	}
	tr, err := w.done(st)
	if err != nil {
		return taskResult{t: t, err: err}
	}
	if sc != nil {
		tr.spans = sc.spans
	}
	r.ws.encode(&tr, w.enc)
	return tr
}

// worldSink takes a world's records as they finish, simulated or replayed
// from a worlds file: into the world's statistics, its requests.csv rows
// (formatted by f; nil: not written) and, when the run keeps a journal or
// writes a shard, their encoding for the world's frame (the one place a
// world's records are held: a journalled world costs its records' encoded
// size, about 250 bytes each, until it is merged).
type worldSink struct {
	t      task
	acc    *worldAcc
	csv    *csvSink
	f      *recordFormatter
	csvErr error
	enc    *worldEncoder // nil without a journal
}

// newWorldSink starts task t's sink: its rows go in order through order,
// and keep encodes its records for the journal or shard frame (spooled in
// dir past worldPartAt).
func newWorldSink(t task, cell Cell, f *recordFormatter, order *csvOrder, keep bool, dir string) *worldSink {
	w := &worldSink{t: t, acc: newWorldAcc(t.pd, t.rep, cell), f: f}
	if f != nil {
		w.csv = &csvSink{order: order, seq: t.seq, buf: csvPool.Get().(*[]byte)}
		*w.csv.buf = (*w.csv.buf)[:0]
		f.start(w.csv)
	}
	if keep {
		w.enc = newWorldEncoder(dir, t.seq)
	}
	return w
}

// add takes one record (the emitter reuses it).
func (w *worldSink) add(rec *result.Record) {
	w.acc.add(rec)
	if w.f != nil && w.csvErr == nil {
		w.csvErr = w.f.rw.Write(rec)
	}
	if w.enc != nil {
		w.enc.record(rec)
	}
}

// fail drops the world.
func (w *worldSink) fail() {
	w.acc.release()
	if w.csv != nil {
		w.f.finish() // drops the world's last rows with its sink
		w.csv.release()
	}
	if w.enc != nil {
		w.enc.release()
		w.enc = nil
	}
}

// done ends the world's rows and returns its result.
func (w *worldSink) done(st worldStats) (taskResult, error) {
	if w.f != nil {
		if w.csvErr == nil {
			w.csvErr = w.f.finish()
		}
		if w.csvErr != nil {
			err := fmt.Errorf("scenarios: writing %s: %w", result.RequestsFile, w.csvErr)
			w.fail()
			return taskResult{}, err
		}
	}
	return taskResult{t: w.t, acc: w.acc, csv: w.csv, stats: st}, nil
}

// countTasks counts the run's tasks: points × cells × replications. The
// cells (models × modes × image groups) differ between points only when
// the sweep sets one of those fields; otherwise point 0 is derived alone.
func (r *runner) countTasks() (int, error) {
	n := r.s.Points()
	vary := false
	for _, p := range r.s.SweepPaths() {
		vary = vary || p == "workload" || under(p, "models") || under(p, "workload.modes") || under(p, "workload.images")
	}
	total := 0
	for p := 0; p < n; p++ {
		pt, err := r.s.Point(p)
		if err != nil {
			return 0, err
		}
		if !vary {
			return n * len(pt.Scenario.Cells()) * r.reps, nil
		}
		total += len(pt.Scenario.Cells()) * r.reps
	}
	return total, nil
}

// under reports whether sweep path p is field f or inside it.
func under(p, f string) bool {
	return p == f || strings.HasPrefix(p, f+".") || strings.HasPrefix(p, f+"[")
}

// defaultProfileName describes the embedded kernel profile. It is the
// runner's one process-wide cache, kept on purpose: the embedded profile
// is compiled into the binary and never changes, and models.DefaultProfile
// parses and validates its YAML at every call, a cost every Run of a small
// scenario (tests, benchmarks, quick runs) would pay again for one line of
// summary.json.
var defaultProfileName = sync.OnceValue(func() string {
	kp := models.DefaultProfile()
	return "embedded default (" + kp.Host.CPU + ", " + kp.Host.Date + ")"
})

func (r *runner) kernelProfileName() string {
	if r.opts.merge != nil {
		return r.opts.merge.kernelProfile
	}
	if r.opts.KernelProfile == nil {
		return defaultProfileName()
	}
	if r.opts.KernelProfileName != "" {
		return r.opts.KernelProfileName
	}
	h := r.opts.KernelProfile.Host
	return h.CPU + ", " + h.Date
}
