package models

// LRN implements Caffe's "LRN" layer across channels (caffe.proto
// LRNParameter; src/caffe/layers/lrn_layer.cpp CrossChannelForward_cpu):
// out = x · (k + α/n · Σ_window x²)^(−β) with a window of n = local_size
// channels centred on each channel. WITHIN_CHANNEL is unsupported. The fast
// kernel (lrn_kernels.go) keeps a sliding sum of squares and computes the
// power exactly with square roots when β = 0.75.
// FLOPs: 0; ops: 2n + 4 per element (see opCost).
//
// Tests: go test -run 'TestLRNKernels|TestSmallLayers' ./models

import "github.com/infersim/infersim/models/caffe"

func init() { register("LRN", layerKind{parse: parseLRN, class: CostLRN}) }

type lrnOp struct {
	noWeights
	name  string
	batch int
	g     lrnGeom
}

func parseLRN(lp *caffe.LayerParameter) (op, error) {
	name := lp.GetName()
	p := lp.GetLrnParam()
	if p.GetNormRegion() != caffe.LRNParameter_ACROSS_CHANNELS {
		return nil, unsupportedErr(name, "lrn_param.norm_region", "WITHIN_CHANNEL (only ACROSS_CHANNELS)")
	}
	l := &lrnOp{name: name, g: lrnGeom{size: int(p.GetLocalSize()), alpha: p.GetAlpha(), beta: p.GetBeta(), k: p.GetK()}}
	if l.g.size <= 0 || l.g.size > maxParam {
		return nil, formatErr(name, "lrn_param.local_size", "must be in [1, %d], is %d", maxParam, l.g.size)
	}
	if l.g.k <= 0 {
		return nil, unsupportedErr(name, "lrn_param.k", "k = %g (only k > 0)", l.g.k)
	}
	if l.g.alpha < 0 {
		return nil, formatErr(name, "lrn_param.alpha", "must not be negative, is %g", l.g.alpha)
	}
	return l, nil
}

func (l *lrnOp) setup(in [][]int) ([][]int, error) {
	if err := wantInputs(l.name, in, 1, 1); err != nil {
		return nil, err
	}
	if err := want4D(l.name, in[0]); err != nil {
		return nil, err
	}
	l.batch, l.g.c, l.g.hw = in[0][0], in[0][1], in[0][2]*in[0][3]
	return [][]int{cloneShape(in[0])}, nil
}

func (l *lrnOp) cost() opCost {
	return opCost{ops: int64(l.batch) * int64(l.g.c) * int64(l.g.hw) * int64(2*l.g.size+4)}
}

func (l *lrnOp) load([][]float32) (op, error) { d := *l; return &d, nil }

func (l *lrnOp) forward(ctx *fwdCtx, e *nodeExec) {
	sz := l.g.c * l.g.hw
	for n := 0; n < l.batch; n++ {
		ctx.lrn = lrnJob{g: &l.g, in: e.in[0][n*sz : (n+1)*sz], out: e.out[0][n*sz : (n+1)*sz], tmp: ctx.tmp}
		ctx.pool.run(&ctx.lrn)
	}
	ctx.lrn = lrnJob{}
}

func (l *lrnOp) reference(in, out [][]float32) {
	sz := l.g.c * l.g.hw
	for n := 0; n < l.batch; n++ {
		lrnRef(&l.g, in[0][n*sz:(n+1)*sz], out[0][n*sz:(n+1)*sz])
	}
}

func (l *lrnOp) tmpLen() int { return lrnBlock }
