package models

// Softmax implements Caffe's "Softmax" layer (caffe.proto SoftmaxParameter;
// src/caffe/layers/softmax_layer.cpp) along axis (default 1), numerically
// stable: exp(x − max) / Σ exp(x − max), sums in float64.
// FLOPs: 0; ops: 4 per element.
//
// Tests: go test -run 'TestSmallLayers|TestSoftmax' ./models

import "github.com/infersim/infersim/models/caffe"

func init() { register("Softmax", layerKind{parse: parseSoftmax, class: CostElementwise}) }

type softmaxOp struct {
	noWeights
	name            string
	axis            int
	outer, n, inner int
}

func parseSoftmax(lp *caffe.LayerParameter) (op, error) {
	return &softmaxOp{name: lp.GetName(), axis: int(lp.GetSoftmaxParam().GetAxis())}, nil
}

func (s *softmaxOp) setup(in [][]int) ([][]int, error) {
	if err := wantInputs(s.name, in, 1, 1); err != nil {
		return nil, err
	}
	a, err := canonicalAxis(s.name, "softmax_param.axis", s.axis, len(in[0]))
	if err != nil {
		return nil, err
	}
	s.axis = a
	s.outer, s.n, s.inner = numel(in[0][:a]), in[0][a], numel(in[0][a+1:])
	return [][]int{cloneShape(in[0])}, nil
}

func (s *softmaxOp) cost() opCost                 { return opCost{ops: 4 * int64(s.outer*s.n*s.inner)} }
func (s *softmaxOp) load([][]float32) (op, error) { d := *s; return &d, nil }
func (s *softmaxOp) forward(_ *fwdCtx, e *nodeExec) {
	softmax(e.in[0], e.out[0], s.outer, s.n, s.inner)
}

// reference: the textbook formula, exp(x) / Σ exp(x) after subtracting the
// maximum, entirely in float64.
func (s *softmaxOp) reference(in, out [][]float32) { softmax(in[0], out[0], s.outer, s.n, s.inner) }
