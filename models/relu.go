package models

// ReLU implements Caffe's "ReLU" layer (caffe.proto ReLUParameter;
// src/caffe/layers/relu_layer.cpp): y = max(x, 0) + negative_slope·min(x, 0).
// It may run in place. A ReLU with slope 0 whose input comes only from a
// Convolution or InnerProduct runs inside that layer's GEMM epilogue; its
// row in Layers and in profiles stays, with FusedInto set and zero time.
// FLOPs: 0; ops: 1 per element.
//
// Tests: go test -run 'TestSmallLayers|TestFusion' ./models

import "github.com/infersim/infersim/models/caffe"

func init() { register("ReLU", layerKind{parse: parseReLU, elementwise: true, class: CostElementwise}) }

type reluOp struct {
	noWeights
	name  string
	slope float32
	n     int
}

func parseReLU(lp *caffe.LayerParameter) (op, error) {
	return &reluOp{name: lp.GetName(), slope: lp.GetReluParam().GetNegativeSlope()}, nil
}

func (r *reluOp) setup(in [][]int) ([][]int, error) {
	if err := wantInputs(r.name, in, 1, 1); err != nil {
		return nil, err
	}
	r.n = numel(in[0])
	return [][]int{cloneShape(in[0])}, nil
}

func (r *reluOp) cost() opCost                  { return opCost{ops: int64(r.n)} }
func (r *reluOp) load([][]float32) (op, error)  { d := *r; return &d, nil }
func (r *reluOp) reference(in, out [][]float32) { reluSlice(in[0], out[0], r.slope) }

func (r *reluOp) forward(ctx *fwdCtx, e *nodeExec) {
	ctx.relu = reluJob{in: e.in[0], out: e.out[0], slope: r.slope}
	ctx.pool.run(&ctx.relu)
	ctx.relu = reluJob{}
}
