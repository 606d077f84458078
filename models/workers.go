package models

import "sync"

// chunker wraps the runChunk method: do part i of n of a job. The parts must
// be independent, and each part writes only memory no other part writes.
type chunker interface {
	runChunk(i, n int)
}

// workPool is a persistent set of goroutines that runs a chunker split in as
// many parts as the pool has threads, the calling goroutine taking part 0.
// Starting a job sends on channels and allocates nothing, so a forward pass
// stays allocation-free (no goroutine is spawned per layer). Parts are
// assigned statically, so results do not depend on scheduling.
type workPool struct {
	threads int
	start   []chan chunker
	done    chan struct{}
	once    sync.Once
}

func newWorkPool(threads int) *workPool {
	if threads < 1 {
		threads = 1
	}
	p := &workPool{threads: threads, done: make(chan struct{}, threads)}
	for w := 1; w < threads; w++ {
		ch := make(chan chunker)
		p.start = append(p.start, ch)
		go func(w int, ch chan chunker) {
			for job := range ch {
				job.runChunk(w, threads)
				p.done <- struct{}{}
			}
		}(w, ch)
	}
	return p
}

// run executes job in p.threads parts and returns when all are done.
func (p *workPool) run(job chunker) {
	if p.threads == 1 {
		job.runChunk(0, 1)
		return
	}
	for _, ch := range p.start {
		ch <- job
	}
	job.runChunk(0, p.threads)
	for range p.start {
		<-p.done
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
