package models

import (
	"sync"
	"sync/atomic"
)

// job is a kernel's work, split in independent units (rows, channels, blocks
// of positions). run does units [lo, hi) on behalf of a worker, whose index
// selects its scratch memory. Each unit writes only memory no other unit
// writes, and is computed the same way whichever worker runs it, so results
// do not depend on scheduling.
type job interface {
	units() int
	run(worker, lo, hi int)
}

// workPool is a persistent set of goroutines that run a job's units, the
// calling goroutine taking part as worker 0. Units are handed out in chunks
// from an atomic counter (about four chunks per worker), so a worker that
// the OS descheduled on a shared machine does not hold the others up.
// Starting a job sends on channels and allocates nothing, so a forward pass
// stays allocation-free (no goroutine is spawned per layer).
type workPool struct {
	threads int
	start   []chan struct{}
	done    chan struct{}
	once    sync.Once

	// The current job, set before the workers are signalled.
	job   job
	n     int
	chunk int
	next  atomic.Int64
}

func newWorkPool(threads int) *workPool {
	if threads < 1 {
		threads = 1
	}
	p := &workPool{threads: threads, done: make(chan struct{}, threads)}
	for w := 1; w < threads; w++ {
		ch := make(chan struct{})
		p.start = append(p.start, ch)
		go func(w int, ch chan struct{}) {
			for range ch {
				p.work(w)
				p.done <- struct{}{}
			}
		}(w, ch)
	}
	return p
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
	for _, ch := range p.start {
		ch <- struct{}{}
	}
	p.work(0)
	for range p.start {
		<-p.done
	}
	p.job = nil
}

func (p *workPool) work(w int) {
	for {
		lo := int(p.next.Add(int64(p.chunk))) - p.chunk
		if lo >= p.n {
			return
		}
		p.job.run(w, lo, min(lo+p.chunk, p.n))
	}
}

// close stops the goroutines. The pool must not be used afterwards.
func (p *workPool) close() {
	p.once.Do(func() {
		for _, ch := range p.start {
			close(ch)
		}
	})
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
