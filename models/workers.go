package models

import "sync/atomic"

// job is a kernel's work, split in independent units (rows, channels, blocks
// of positions). run does units [lo, hi) on behalf of a worker, whose index
// selects its scratch memory. Each unit writes only memory no other unit
// writes, and is computed the same way whichever worker runs it, so results
// do not depend on scheduling.
type job interface {
	units() int
	run(worker, lo, hi int)
}

// workPool runs a job's units on the executor's GEMM workers (gemm.Pool.Run),
// the calling goroutine taking part as worker 0: one set of goroutines, which
// spin briefly between jobs before parking, serves every parallel layer, so
// a layer's GEMM and the next layer's pooling find the same worker awake
// (two pools could not both keep a worker spinning on a 2-vCPU machine).
// Units are handed out in chunks from an atomic counter (about four chunks
// per worker), so a worker that the OS descheduled on a shared machine does
// not hold the others up. Starting a job allocates nothing, so a forward
// pass stays allocation-free (no goroutine is spawned per layer).
type workPool struct {
	threads int
	g       *gemmPool // owned by the fwdCtx, which closes it

	// The current job, set before the workers are started.
	job   job
	n     int
	chunk int
	next  atomic.Int64
}

func newWorkPool(g *gemmPool) *workPool {
	return &workPool{threads: g.p.Threads(), g: g}
}

// run executes all units of j and returns when they are done.
func (p *workPool) run(j job) {
	n := j.units()
	if p.threads == 1 || n <= 1 {
		j.run(0, 0, n)
		return
	}
	p.job, p.n = j, n
	p.chunk = max(1, n/(4*p.threads))
	p.next.Store(0)
	p.g.p.Run(min(p.threads, n), p)
	p.job = nil
}

// RunWorker is worker w's part of the current job (gemm.Task): it claims
// chunks until none is left.
func (p *workPool) RunWorker(w int) {
	for {
		lo := int(p.next.Add(int64(p.chunk))) - p.chunk
		if lo >= p.n {
			return
		}
		p.job.run(w, lo, min(lo+p.chunk, p.n))
	}
}

// span returns part i of n of the range [0, total): contiguous, in order,
// sizes differing by at most one.
func span(total, i, n int) (lo, hi int) {
	q, r := total/n, total%n
	lo = i*q + min(i, r)
	hi = lo + q
	if i < r {
		hi++
	}
	return lo, hi
}
