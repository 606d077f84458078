package gemm

import "sync/atomic"

type jobKind uint8

const (
	jobGemm jobKind = iota
	jobGemv
	jobNTDot
	jobNTTile
	jobTask // a Task lent the workers (Pool.Run)
)

// job is one call's arguments, stored in the Pool so that handing it to the
// workers allocates nothing.
type job struct {
	kind    jobKind
	lv      *level
	threads int  // the Pool's
	parts   int  // workers used by this call
	splitM  bool // units are rows of C (else columns)
	unit    int  // columns (gemm) or rows (gemv, ntDot) per work unit
	next    *atomic.Int64
	m, n, k int
	a       []float32
	lda     int
	pa      *PackedA // constant A, or nil
	b       []float32
	ldb     int
	pk      BPacker // packs B's blocks instead of b (MulPacked), or nil
	bt      bool    // B is stored transposed (n×k): SgemmNT
	c       []float32
	ldc     int
	ep      Epilogue
	colBias bool // ep.Bias is per column of C
	task    Task // jobTask's work
}

// plan returns the number of workers to use, and sets the split.
func (j *job) plan() int {
	switch j.kind {
	case jobGemv, jobNTDot, jobNTTile:
		return j.planRows()
	case jobTask:
		return j.parts
	}
	return j.planGemm()
}

// claim returns the next work unit [lo, hi) of [0, total) in steps of
// j.unit, or ok = false when none is left. Workers claim units from a shared
// counter, so a worker whose core is busy with another process simply takes
// fewer units (the machine is shared); which worker computes an element never
// changes how it is summed.
func (j *job) claim(total int) (lo, hi int, ok bool) {
	lo = int(j.next.Add(1)-1) * j.unit
	if lo >= total {
		return 0, 0, false
	}
	return lo, min(lo+j.unit, total), true
}

func (j *job) run(w int, ws *workspace) {
	switch j.kind {
	case jobGemm:
		j.gemm(ws)
	case jobGemv:
		j.gemv(w, ws)
	case jobNTDot:
		j.ntDot(w, ws)
	case jobNTTile:
		j.ntTile(ws)
	case jobTask:
		j.task.RunWorker(w)
	}
}
