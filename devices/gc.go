package devices

import (
	"math"
	"math/rand/v2"
)

// gcAction is what an allocation asks of the collector.
type gcAction uint8

const (
	gcNone       gcAction = iota // the allocation fits under the concurrent-start threshold
	gcConcurrent                 // it fits, but crosses the threshold: start a concurrent GC
	gcBlocking                   // it does not fit in the footprint: collect first, blocking
)

// artHeap is the ART heap and its concurrent mark-sweep collector as a pure
// state machine (no simulation time; the Phone drives it and runs the
// pauses). Sizes are bytes.
//
//	allocated  bytes in the heap: live objects plus garbage not yet collected
//	live       bytes reachable (retained data and transient objects in use)
//	footprint  the heap's current size: allocating past it needs a GC
//	concStart  footprint − margin: crossing it starts a concurrent GC
//
// After every collection (retarget), following ART's Heap::GrowForUtilization:
//
//	footprint = min(clamp(live / target_utilization, live + min_free, live + max_free), growth limit)
//	concStart = max(live, footprint − margin)
//
// where the growth limit is the heap limit, or less when free RAM runs out
// (Phone.growthLimit): under memory pressure the footprint shrinks toward
// the live heap, so the same allocations trigger more collections.
//
// For the Nexus 5 (target 0.75, min_free 512 KiB, max_free 8 MiB) a live
// heap of 240 MB gets a footprint of 240 + 8 = 248 MB (240/0.75 = 320 is
// clamped to live + max_free) and a concurrent start at 247.87 MB; a live
// heap of 12 MiB gets 16 MiB (12/0.75, between 12.5 and 20 MiB).
type artHeap struct {
	*heapConst // shared by a crowd's phones

	allocated, live, footprint, concStart float64
}

// heapConst is what a PhoneSpec fixes of the heap's sizing.
type heapConst struct {
	targetUtil, minFree, maxFree, margin, limit float64
}

func newHeapConst(s *PhoneSpec) heapConst {
	return heapConst{
		targetUtil: s.Heap.TargetUtilization,
		minFree:    float64(s.Heap.MinFree),
		maxFree:    float64(s.Heap.MaxFree),
		margin:     float64(s.GC.ConcurrentMargin),
		limit:      float64(s.Heap.Max()),
	}
}

// reset empties the heap to base live bytes (an app start).
func (h *artHeap) reset(base, growthLimit float64) {
	h.allocated, h.live = base, base
	h.retarget(growthLimit)
}

// retarget sets the footprint and the concurrent start from the live heap
// under a growth limit (at most the heap limit).
func (h *artHeap) retarget(growthLimit float64) {
	f := h.live / h.targetUtil
	f = math.Max(f, h.live+h.minFree)
	f = math.Min(f, h.live+h.maxFree)
	f = math.Min(f, math.Min(h.limit, growthLimit))
	h.footprint = math.Max(f, h.live)
	h.concStart = math.Max(h.live, h.footprint-h.margin)
}

// decide says what allocating n bytes needs.
func (h *artHeap) decide(n float64) gcAction {
	switch a := h.allocated + n; {
	case a > h.footprint:
		return gcBlocking
	case a > h.concStart:
		return gcConcurrent
	}
	return gcNone
}

// alloc allocates n bytes, live until free; the footprint grows if needed
// (after a blocking GC made room under the growth limit).
func (h *artHeap) alloc(n float64) {
	h.allocated += n
	h.live += n
	h.footprint = math.Max(h.footprint, h.allocated)
}

// fits reports whether n more bytes fit after a full collection under a
// growth limit.
func (h *artHeap) fits(n, growthLimit float64) bool { return h.live+n <= growthLimit }

// free makes n live bytes garbage.
func (h *artHeap) free(n float64) {
	h.live = math.Max(0, h.live-n)
}

// garbage returns the collectable bytes now.
func (h *artHeap) garbage() float64 { return h.allocated - h.live }

// collect is a full (blocking) collection: every garbage byte is freed.
func (h *artHeap) collect(growthLimit float64) {
	h.allocated = h.live
	h.retarget(growthLimit)
}

// finishConcurrent ends a concurrent collection that started when g bytes
// were garbage: those are freed (objects that died during the collection
// wait for the next one).
func (h *artHeap) finishConcurrent(g, growthLimit float64) {
	h.allocated -= math.Min(g, h.garbage())
	h.retarget(growthLimit)
}

// committed returns the heap's resident size: the footprint, or more if
// allocations went past it.
func (h *artHeap) committed() float64 { return math.Max(h.footprint, h.allocated) }

// gcTimes draws GC pause and work times from the GCSpec anchors (see the
// package doc, "Garbage collection").
type gcTimes struct {
	*gcConst // shared by a crowd's phones
	rng      *rand.Rand
}

// gcConst is what a GCSpec fixes of the times.
type gcConst struct {
	concPause, concWork, blockPause, refLive, sigma, scale float64
}

func newGCTimes(s GCSpec, rng *rand.Rand) gcTimes {
	return gcTimes{gcConst: newGCConst(s), rng: rng}
}

func newGCConst(s GCSpec) *gcConst {
	return &gcConst{
		concPause:  float64(s.ConcurrentPause),
		concWork:   math.Max(0, float64(s.ConcurrentTotal-s.BlockingPause)),
		blockPause: float64(s.BlockingPause),
		refLive:    float64(s.ReferenceLive),
		sigma:      s.PauseSigma,
		scale:      s.PauseScale,
	}
}

// draw returns anchor × scale × a log-normal factor of mean 1 and log-sd σ.
func (g *gcTimes) draw(anchor float64) float64 {
	x := anchor * g.scale
	if g.sigma > 0 && x > 0 {
		x *= math.Exp(g.sigma*g.rng.NormFloat64() - g.sigma*g.sigma/2)
	}
	return x
}

// blocking returns a blocking (partial CMS) pause for a live heap: the
// anchor scaled linearly with live bytes, e.g. 50 ms × 95/190 = 25 ms for
// 95 MB live.
func (g *gcTimes) blocking(live float64) float64 { return g.draw(g.blockPause * live / g.refLive) }

// pause returns one pause of a concurrent GC (initial mark or remark).
func (g *gcTimes) pause() float64 { return g.draw(g.concPause) }

// work returns the background CPU time of a concurrent GC for a live heap:
// (total − pause) at the reference live heap, scaled linearly, e.g.
// (712 − 50) ms × 95/190 = 331 ms.
func (g *gcTimes) work(live float64) float64 { return g.draw(g.concWork * live / g.refLive) }
