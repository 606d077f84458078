package models

// Eltwise implements Caffe's "Eltwise" layer (caffe.proto EltwiseParameter;
// src/caffe/layers/eltwise_layer.cpp): element-wise SUM (with optional
// per-input coefficients), PROD or MAX of inputs of the same shape.
// FLOPs: 0; ops: (inputs − 1) per element (SUM with coefficients: inputs).
//
// Tests: go test -run 'TestConcatAndEltwise' ./models

import "github.com/infersim/infersim/models/caffe"

func init() { register("Eltwise", layerKind{parse: parseEltwise, class: CostElementwise}) }

type eltwiseOp struct {
	noWeights
	name   string
	opKind caffe.EltwiseParameter_EltwiseOp
	coeff  []float32
	n, k   int
}

func parseEltwise(lp *caffe.LayerParameter) (op, error) {
	p := lp.GetEltwiseParam()
	e := &eltwiseOp{name: lp.GetName(), opKind: p.GetOperation(), coeff: p.GetCoeff()}
	if len(e.coeff) > 0 && e.opKind != caffe.EltwiseParameter_SUM {
		return nil, formatErr(e.name, "eltwise_param.coeff", "only allowed with SUM")
	}
	return e, nil
}

func (e *eltwiseOp) setup(in [][]int) ([][]int, error) {
	if err := wantInputs(e.name, in, 2, 64); err != nil {
		return nil, err
	}
	if len(e.coeff) > 0 && len(e.coeff) != len(in) {
		return nil, formatErr(e.name, "eltwise_param.coeff", "%d coefficients for %d inputs", len(e.coeff), len(in))
	}
	for i, s := range in {
		if numel(s) != numel(in[0]) || len(s) != len(in[0]) {
			return nil, formatErr(e.name, "bottom", "input %d shape %v differs from input 0 shape %v", i, s, in[0])
		}
	}
	e.n, e.k = numel(in[0]), len(in)
	return [][]int{cloneShape(in[0])}, nil
}

func (e *eltwiseOp) cost() opCost {
	per := int64(e.k - 1)
	if len(e.coeff) > 0 {
		per = int64(e.k)
	}
	return opCost{ops: per * int64(e.n)}
}

func (e *eltwiseOp) load([][]float32) (op, error) { d := *e; return &d, nil }

func (e *eltwiseOp) forward(_ *fwdCtx, x *nodeExec) { e.reference(x.in, x.out) }

// reference (also the fast path: the layer is memory-bound and rare in the
// zoo). Safe when the output aliases input 0.
func (e *eltwiseOp) reference(in, out [][]float32) {
	y := out[0][:e.n]
	c := func(i int) float32 {
		if len(e.coeff) == 0 {
			return 1
		}
		return e.coeff[i]
	}
	x0 := in[0][:e.n]
	switch e.opKind {
	case caffe.EltwiseParameter_SUM:
		c0 := c(0)
		for j, v := range x0 {
			y[j] = c0 * v
		}
		for i := 1; i < e.k; i++ {
			ci := c(i)
			for j, v := range in[i][:e.n] {
				y[j] += ci * v
			}
		}
	case caffe.EltwiseParameter_PROD:
		copy(y, x0)
		for i := 1; i < e.k; i++ {
			for j, v := range in[i][:e.n] {
				y[j] *= v
			}
		}
	case caffe.EltwiseParameter_MAX:
		copy(y, x0)
		for i := 1; i < e.k; i++ {
			for j, v := range in[i][:e.n] {
				if v > y[j] {
					y[j] = v
				}
			}
		}
	}
}
