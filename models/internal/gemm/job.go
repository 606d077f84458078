package gemm

type jobKind uint8

const (
	jobGemm jobKind = iota
	jobGemv
	jobNTDot
)

// job is one call's arguments, stored in the Pool so that handing it to the
// workers allocates nothing.
type job struct {
	kind    jobKind
	lv      *level
	threads int  // the Pool's
	parts   int  // workers used by this call
	splitM  bool // thread split over rows of C (else over columns)
	m, n, k int
	a       []float32
	lda     int
	pa      *PackedA // constant A, or nil
	b       []float32
	ldb     int
	bt      bool // B is stored transposed (n×k): SgemmNT
	c       []float32
	ldc     int
	ep      Epilogue
	colBias bool // ep.Bias is per column of C
}

// plan returns the number of workers to use, and sets the split.
func (j *job) plan() int {
	switch j.kind {
	case jobGemv, jobNTDot:
		return j.planRows()
	}
	return j.planGemm()
}

func (j *job) run(w int, ws *workspace) {
	switch j.kind {
	case jobGemm:
		j.gemm(w, ws)
	case jobGemv:
		j.gemv(w, ws)
	case jobNTDot:
		j.ntDot(w, ws)
	}
}
