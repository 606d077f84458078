package gemm

import (
	"runtime"
	"sync/atomic"
	"time"
	"unsafe"
)

// Pool runs kernels on a fixed set of persistent worker goroutines and owns
// their workspaces (packed B blocks, A panel copies, edge tiles), so a call
// allocates nothing once the Pool exists. Run lends the same workers to
// other parallel work (pooling, LRN, ...), so that one set of goroutines
// serves a whole forward pass.
//
// The calling goroutine is worker 0; Threads()-1 goroutines wait for the
// next job. A worker that finishes a job spins for a short while (Spin)
// watching for the next one before it parks on its channel: waking a parked
// goroutine costs tens of µs on a small VM, as much as a small layer's
// whole run, while back-to-back layers of a forward pass arrive microseconds
// apart. Once a Pool has been idle for longer than that, its workers are
// parked and use no CPU. The caller likewise spins briefly, then parks,
// while it waits for the workers to finish.
//
// A Pool serves one call at a time: it is not safe for concurrent calls
// (give each executor goroutine its own Pool); a concurrent call panics
// rather than corrupting the shared workspaces. Close stops the workers; a
// Pool dropped without Close stops them when it is garbage collected.
type Pool struct {
	*pool // the workers reference only this, so a dropped Pool is collectable
}

// Spin is how long a worker (or the caller waiting for the workers) keeps
// checking for work before it parks. On the 2-vCPU development VM a wake-up
// from parked costs 30–40 µs; 50 µs of spinning covers the gaps between the
// layers of a forward pass (see models/BENCHMARKS.md, "One spinning worker
// set") and bounds the CPU an idle Pool burns after its last call.
const Spin = 50 * time.Microsecond

type pool struct {
	threads int
	ws      []*workspace
	wake    []chan struct{} // a parked worker's wake-up token (capacity 1)
	parked  []atomic.Bool   // worker w is parked, or about to, on wake[w]
	timers  []*time.Timer   // worker w's backstop while parked (see await)
	busy    atomic.Bool
	stop    atomic.Bool
	job     job

	// signal announces a job to the workers: its sequence number in the
	// high 32 bits, the number of workers it uses (the caller included) in
	// the low 32. Workers at or beyond that number leave the job alone.
	_      [64]byte // keep the spinners' line apart from the caller's
	signal atomic.Uint64
	_      [56]byte

	next    atomic.Int64  // next work unit of the running job
	pending atomic.Int32  // workers (not the caller) still running the job
	waiting atomic.Uint32 // sequence number of the job the caller parked on; 0 none
	done    chan struct{} // the caller's wake-up token (capacity 1)
}

// Parked workers re-check for a job after a backstop delay even if no token
// came: the wake-up protocol below is correct under Go's sequentially
// consistent atomics, and the backstop makes a wake-up lost to a bug cost
// milliseconds rather than a hung forward pass. A parked worker backs off
// from parkMin to parkMax, so an idle Pool wakes at most ten times a
// second. The caller waiting for the workers has no backstop: see wait.
const (
	parkMin = time.Millisecond
	parkMax = 100 * time.Millisecond
)

// Block sizes (Goto & van de Geijn 2008, §6; BLIS's KC/NC). The A
// micro-panel (12 rows × kcMax floats = 12 KiB) stays in the 32 KiB L1D
// while the kernel sweeps the packed B block (kcMax×ncMax floats = 512 KiB)
// held in the 1 MiB L2. On the development machine KC ∈ {192, 256, 384} ×
// NC ∈ {384, 768} measured within its noise of each other (BenchmarkGEMM,
// 1 thread, all shapes); 256 × 512 sits in the middle.
const (
	kcMax   = 256
	ncMax   = 512
	aStride = kcMax + 16 // row stride of the A copy: +64 B so rows do not share L1 sets
)

// parallelMinFlops is the smallest product (2·m·n·k) split across threads:
// below it, waking a worker (a few µs) costs more than it saves.
const parallelMinFlops = 1 << 21

type workspace struct {
	b    []float32 // packed B block, kcMax × ncMax
	a    []float32 // copy of one A micro-panel, packMR × aStride
	tile []float32 // edge tile for fullOnly levels, packMR × nrAlign
	// y receives four dot products; here, not on the stack, because the
	// kernel is called through a func value and would make it escape.
	y [4]float32
	// t16 receives a 4×4 tile of dot products (SgemmNT), likewise.
	t16 [16]float32
}

// alignedFloats returns a zeroed slice of n floats starting on a 64-byte
// (cache line, zmm) boundary.
func alignedFloats(n int) []float32 {
	s := make([]float32, n+16)
	off := int(uintptr(unsafe.Pointer(&s[0]))&63) / 4
	if off != 0 {
		off = 16 - off
	}
	return s[off : off+n : off+n]
}

// NewPool starts a pool of threads workers (threads <= 0 means
// runtime.GOMAXPROCS(0)). Close stops them.
func NewPool(threads int) *Pool {
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	p := &pool{threads: threads, done: make(chan struct{}, 1)}
	p.ws = make([]*workspace, threads)
	p.wake = make([]chan struct{}, threads)
	p.parked = make([]atomic.Bool, threads)
	p.timers = make([]*time.Timer, threads)
	for w := range threads {
		p.ws[w] = &workspace{
			b:    alignedFloats(kcMax * ncMax),
			a:    alignedFloats(packMR * aStride),
			tile: alignedFloats(packMR * nrAlign),
		}
		if w > 0 {
			p.wake[w] = make(chan struct{}, 1)
			p.timers[w] = stoppedTimer()
			go p.worker(w)
		}
	}
	h := &Pool{p}
	runtime.AddCleanup(h, (*pool).close, p)
	return h
}

// Threads reports the number of workers, the caller's goroutine included.
func (p *Pool) Threads() int { return p.threads }

// Close stops the workers. Calls after Close panic; Close is idempotent.
func (p *Pool) Close() { p.close() }

func (p *pool) close() {
	if p.stop.Swap(true) {
		return
	}
	// A spinning worker sees stop; a parked one (or one about to park)
	// receives from its closed channel.
	for _, ch := range p.wake[1:] {
		close(ch)
	}
}

// spinUntil calls cond until it returns true or Spin has passed, yielding
// the processor between calls (so another goroutine on this P, e.g. with
// GOMAXPROCS(1), still runs), and reports cond's last result.
func spinUntil(cond func() bool) bool {
	start := time.Now()
	for i := 1; ; i++ {
		if cond() {
			return true
		}
		// Reading the clock costs more than a check; look every 16th.
		if i%16 == 0 && time.Since(start) > Spin {
			return false
		}
		runtime.Gosched()
	}
}

func (p *pool) worker(w int) {
	var seen uint64 // sequence number of the last job announced
	for {
		sig, ok := p.await(w, seen)
		if !ok {
			return
		}
		seen = sig >> 32
		if w >= int(uint32(sig)) {
			continue // not needed by this job; p.job is not ours to read
		}
		p.job.run(w, p.ws[w])
		// Only the caller parked on this job needs the token; one left for
		// a caller that already looked again is stale and harmless.
		if p.pending.Add(-1) == 0 && p.waiting.Load() == uint32(seen) {
			token(p.done)
		}
	}
}

// await returns the signal of the next job after seen, or ok = false once
// the pool is closed. It spins first, then parks on wake[w] with parked[w]
// set. The caller stores the signal before it reads parked[w], and the
// worker sets parked[w] before it reads the signal, so at least one of them
// sees the other (sync/atomic is sequentially consistent): either the worker
// sees the job and does not block, or the caller sees parked[w] and leaves a
// token. A token can outlive its job (the worker saw the job first); it is
// then stale, and a worker that wakes on one simply looks again.
func (p *pool) await(w int, seen uint64) (sig uint64, ok bool) {
	fresh := func() bool {
		sig = p.signal.Load()
		return sig>>32 != seen || p.stop.Load()
	}
	if spinUntil(fresh) {
		return sig, !p.stop.Load()
	}
	backstop := parkMin
	for {
		p.parked[w].Store(true)
		if fresh() {
			p.parked[w].Store(false)
			return sig, !p.stop.Load()
		}
		t := p.timers[w]
		t.Reset(backstop)
		select {
		case _, open := <-p.wake[w]:
			if !open {
				t.Stop()
				return 0, false
			}
		case <-t.C:
			backstop = min(2*backstop, parkMax)
		}
		t.Stop()
	}
}

// wait returns when the workers have finished job seq: it spins, then parks
// on done, the last worker leaving a token if it sees the caller parked on
// seq. As in await, the caller stores waiting before it reads pending and a
// worker decrements pending before it reads waiting, so the token cannot be
// missed; a stale one makes the caller look again.
//
// No backstop timer here, unlike await. The caller parks only while a
// worker is still running its share (a large product's last work unit
// takes a millisecond or more), so a 1 ms backstop fires during the wait:
// 0.55–1.05 times per call of a 1024³ product at two threads, which parked
// 0.40–0.55 times per call, and with it that product took 8.0 ms against
// 6.4 ms with a plain receive or with the pool before the hang fix (best
// of 12 rounds side by side; models/BENCHMARKS.md, 2026-12-08). A backstop
// would not have rescued the hang either: that was the Pool's cleanup
// closing the workers' channels during a call (now prevented by do's
// KeepAlive), after which pending never reaches zero however often the
// caller looks (TestPoolCallWhileCollected).
func (p *pool) wait(seq uint32) {
	if spinUntil(func() bool { return p.pending.Load() == 0 }) {
		return
	}
	p.waiting.Store(seq)
	for p.pending.Load() != 0 {
		<-p.done
	}
	p.waiting.Store(0)
}

// stoppedTimer returns a timer that is not running, for Reset to start.
func stoppedTimer() *time.Timer {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return t
}

// token leaves a wake-up token on ch unless one is already there.
func token(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// do claims the pool, plans the job's thread split, runs it on that many
// workers (the caller is worker 0), then releases the pool. The job is a
// value copied into the Pool and workers are woken by an atomic store (or,
// if parked, an empty-struct send): nothing escapes, nothing is allocated.
func (h *Pool) do(jb job) {
	if h == nil || h.pool == nil {
		panic("gemm: nil Pool")
	}
	p := h.pool
	if p.stop.Load() {
		panic("gemm: Pool used after Close")
	}
	if !p.busy.CompareAndSwap(false, true) {
		panic("gemm: concurrent calls on one Pool")
	}
	jb.lv = cur
	jb.threads = p.threads
	jb.next = &p.next
	p.next.Store(0)
	p.job = jb
	parts := max(1, min(p.job.plan(), p.threads))
	p.job.parts = parts
	var seq uint32
	if parts > 1 {
		p.pending.Store(int32(parts - 1))
		seq = uint32(p.signal.Load()>>32) + 1
		if seq == 0 {
			seq = 1 // 0 means "not waiting" in p.waiting
		}
		p.signal.Store(uint64(seq)<<32 | uint64(parts))
		for w := 1; w < parts; w++ {
			if p.parked[w].Load() {
				token(p.wake[w])
			}
		}
	}
	p.job.run(0, p.ws[0])
	if parts > 1 {
		p.wait(seq)
	}
	p.job = job{} // drop references to the caller's slices
	p.busy.Store(false)
	// h's cleanup closes the pool; h must stay reachable until the job is
	// over, or a collection mid-call would close the wake channels under it.
	runtime.KeepAlive(h)
}

// Task is parallel work that is not a GEMM, run on a Pool's workers by Run.
type Task interface {
	// RunWorker does worker w's share of the task; w is in [0, parts).
	// Each worker must write only memory no other writes.
	RunWorker(w int)
}

// Run calls t.RunWorker(w) for w in [0, parts) (parts is capped at
// Threads()), the calling goroutine being worker 0, and returns when all
// calls have returned. Passing a pointer as t allocates nothing.
func (h *Pool) Run(parts int, t Task) {
	h.do(job{kind: jobTask, task: t, parts: parts})
}

// splitRange returns worker w's share [lo, hi) of [0, total) when it is cut
// into parts pieces on multiples of align.
func splitRange(total, align, w, parts int) (lo, hi int) {
	units := (total + align - 1) / align
	lo = min(w*units/parts*align, total)
	hi = min((w+1)*units/parts*align, total)
	return lo, hi
}

// balance is the fraction of the work the busiest of parts workers makes
// useful when units are shared out: units / (parts·⌈units/parts⌉).
func balance(units, parts int) float64 {
	return float64(units) / float64(parts*((units+parts-1)/parts))
}
