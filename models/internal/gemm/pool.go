package gemm

import (
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Pool runs kernels on a fixed set of persistent worker goroutines and owns
// their workspaces (packed B blocks, A panel copies, edge tiles), so a call
// allocates nothing once the Pool exists.
//
// The calling goroutine is worker 0; Threads()-1 goroutines wait on their own
// channel for the next job. A Pool serves one call at a time: it is not safe
// for concurrent calls (give each executor goroutine its own Pool); a
// concurrent call panics rather than corrupting the shared workspaces.
// Close stops the workers; a Pool dropped without Close stops them when it
// is garbage collected.
type Pool struct {
	*pool // the workers reference only this, so a dropped Pool is collectable
}

type pool struct {
	threads int
	ws      []*workspace
	wake    []chan struct{}
	done    sync.WaitGroup
	busy    atomic.Bool
	closed  bool
	job     job
	next    atomic.Int64 // next work unit of the running job
}

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
	p := &pool{threads: threads}
	p.ws = make([]*workspace, threads)
	p.wake = make([]chan struct{}, threads)
	for w := range threads {
		p.ws[w] = &workspace{
			b:    alignedFloats(kcMax * ncMax),
			a:    alignedFloats(packMR * aStride),
			tile: alignedFloats(packMR * nrAlign),
		}
		if w > 0 {
			p.wake[w] = make(chan struct{}, 1)
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
	if p.closed {
		return
	}
	p.closed = true
	for _, ch := range p.wake[1:] {
		close(ch)
	}
}

func (p *pool) worker(w int) {
	for range p.wake[w] {
		p.job.run(w, p.ws[w])
		p.done.Done()
	}
}

// do claims the pool, plans the job's thread split, runs it on that many
// workers (the caller is worker 0), then releases the pool. The job is a
// value copied into the Pool and workers are woken by an empty-struct send:
// nothing escapes, nothing is allocated.
func (h *Pool) do(jb job) {
	if h == nil || h.pool == nil {
		panic("gemm: nil Pool")
	}
	p := h.pool
	if p.closed {
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
	if parts > 1 {
		p.done.Add(parts - 1)
		for w := 1; w < parts; w++ {
			p.wake[w] <- struct{}{}
		}
	}
	p.job.run(0, p.ws[0])
	if parts > 1 {
		p.done.Wait()
	}
	p.job = job{} // drop references to the caller's slices
	p.busy.Store(false)
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
