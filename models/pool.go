package models

// Pooling implements Caffe's "Pooling" layer, MAX and AVE (caffe.proto
// PoolingParameter; src/caffe/layers/pooling_layer.cpp): kernel, stride and
// pad per axis, global_pooling, and Caffe's output size rounding (ceil by
// default, round_mode FLOOR in newer Caffe), last-window clipping and AVE
// divisor exactly as Caffe (see poolGeom and poolRef in pool_kernels.go).
// STOCHASTIC pooling is unsupported (it is random at training time).
// FLOPs: 0; ops: one compare (MAX) or add (AVE) per window element.
//
// Tests: go test -run 'TestPoolKernels|TestPoolOutputSize|TestSmallLayers' ./models

import "github.com/infersim/infersim/models/caffe"

func init() { register("Pooling", layerKind{parse: parsePool, class: CostPool}) }

type poolOp struct {
	noWeights
	name   string
	max    bool
	global bool
	floor  bool
	kh, kw int
	sh, sw int
	ph, pw int

	batch int
	g     poolGeom
}

func parsePool(lp *caffe.LayerParameter) (op, error) {
	name := lp.GetName()
	pp := lp.GetPoolingParam()
	if pp == nil {
		return nil, formatErr(name, "pooling_param", "missing")
	}
	p := &poolOp{name: name, global: pp.GetGlobalPooling(), floor: pp.GetRoundMode() == caffe.PoolingParameter_FLOOR}
	switch pp.GetPool() {
	case caffe.PoolingParameter_MAX:
		p.max = true
	case caffe.PoolingParameter_AVE:
	default:
		return nil, unsupportedErr(name, "pooling_param.pool", "%v pooling (only MAX and AVE)", pp.GetPool())
	}
	var err error
	if p.ph, p.pw, err = poolPair(name, "pad", pp.GetPad(), pp.PadH, pp.PadW); err != nil {
		return nil, err
	}
	if p.sh, p.sw, err = poolPair(name, "stride", pp.GetStride(), pp.StrideH, pp.StrideW); err != nil {
		return nil, err
	}
	if p.sh > maxParam || p.sw > maxParam || p.ph > maxParam || p.pw > maxParam {
		return nil, unsupportedErr(name, "pooling_param", "stride or pad over %d", maxParam)
	}
	if p.global {
		if pp.KernelSize != nil || pp.KernelH != nil || pp.KernelW != nil {
			return nil, formatErr(name, "pooling_param.kernel_size", "must not be set with global_pooling")
		}
		return p, nil
	}
	if err := p.parseKernel(pp); err != nil {
		return nil, err
	}
	return p, nil
}

// poolPair reads a pooling parameter given once for both axes or as an
// _h/_w pair.
func poolPair(layer, field string, v uint32, h, w *uint32) (int, int, error) {
	if h != nil || w != nil {
		if h == nil || w == nil {
			return 0, 0, formatErr(layer, "pooling_param."+field, "both _h and _w must be set")
		}
		return int(*h), int(*w), nil
	}
	return int(v), int(v), nil
}

// parseKernel reads a non-global pooling's kernel and checks it against
// the stride and pad already read.
func (p *poolOp) parseKernel(pp *caffe.PoolingParameter) error {
	var err error
	if p.kh, p.kw, err = poolPair(p.name, "kernel_size", pp.GetKernelSize(), pp.KernelH, pp.KernelW); err != nil {
		return err
	}
	if p.kh <= 0 || p.kw <= 0 {
		return formatErr(p.name, "pooling_param.kernel_size", "not set or zero")
	}
	if p.sh <= 0 || p.sw <= 0 {
		return formatErr(p.name, "pooling_param.stride", "must be positive")
	}
	for _, v := range []int{p.kh, p.kw, p.sh, p.sw, p.ph, p.pw} {
		if v > maxParam {
			return unsupportedErr(p.name, "pooling_param", "size %d is over %d", v, maxParam)
		}
	}
	if p.ph >= p.kh || p.pw >= p.kw {
		return formatErr(p.name, "pooling_param.pad", "pad %d×%d must be smaller than the kernel %d×%d", p.ph, p.pw, p.kh, p.kw)
	}
	return nil
}

func (p *poolOp) setup(in [][]int) ([][]int, error) {
	if err := wantInputs(p.name, in, 1, 1); err != nil {
		return nil, err
	}
	s := in[0]
	if err := want4D(p.name, s); err != nil {
		return nil, err
	}
	p.batch = s[0]
	p.g = poolGeom{c: s[1], h: s[2], w: s[3], kh: p.kh, kw: p.kw, sh: p.sh, sw: p.sw, ph: p.ph, pw: p.pw, max: p.max}
	if p.global {
		p.g.kh, p.g.kw, p.g.sh, p.g.sw, p.g.ph, p.g.pw = s[2], s[3], 1, 1, 0, 0
	}
	if p.g.kh > s[2]+2*p.g.ph || p.g.kw > s[3]+2*p.g.pw {
		return nil, formatErr(p.name, "pooling_param.kernel_size", "kernel %d×%d larger than the padded input", p.g.kh, p.g.kw)
	}
	p.g.finish(p.floor)
	if (p.g.oh-1)*p.g.sh-p.g.ph >= s[2] || (p.g.ow-1)*p.g.sw-p.g.pw >= s[3] {
		// Only possible with a stride larger than the kernel; Caffe would
		// pool an empty window there.
		return nil, unsupportedErr(p.name, "pooling_param.stride", "the last %d×%d window starts outside the %d×%d input (stride larger than the kernel)", p.g.kh, p.g.kw, s[2], s[3])
	}
	return [][]int{{s[0], s[1], p.g.oh, p.g.ow}}, nil
}

func (p *poolOp) cost() opCost {
	return opCost{ops: int64(p.batch) * int64(p.g.c) * int64(p.g.oh*p.g.ow) * int64(p.g.kh*p.g.kw)}
}

func (p *poolOp) load([][]float32) (op, error) { d := *p; return &d, nil }

func (p *poolOp) forward(ctx *fwdCtx, e *nodeExec) {
	is, os := p.g.c*p.g.h*p.g.w, p.g.c*p.g.oh*p.g.ow
	for n := 0; n < p.batch; n++ {
		ctx.pooling = poolJob{g: &p.g, in: e.in[0][n*is : (n+1)*is], out: e.out[0][n*os : (n+1)*os], tmp: ctx.tmp}
		ctx.pool.run(&ctx.pooling)
	}
	ctx.pooling = poolJob{}
}

func (p *poolOp) reference(in, out [][]float32) {
	is, os := p.g.c*p.g.h*p.g.w, p.g.c*p.g.oh*p.g.ow
	for n := 0; n < p.batch; n++ {
		poolRef(&p.g, in[0][n*is:(n+1)*is], out[0][n*os:(n+1)*os])
	}
}

// tmpLen is the per-thread scratch row this layer needs.
func (p *poolOp) tmpLen() int { return p.g.w }
