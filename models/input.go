package models

// Input implements Caffe's "Input" layer (caffe.proto InputParameter;
// src/caffe/layers/input_layer.cpp): it declares the net's input blob and
// its shape. The legacy NetParameter fields input/input_shape/input_dim are
// accepted too (net.go). Only one input blob is supported. Costs nothing.
//
// Tests: go test -run 'TestBuildErrors|TestZoo' ./models

import "github.com/infersim/infersim/models/caffe"

func init() { register("Input", layerKind{parse: parseInput, class: CostNone}) }

type inputOp struct {
	noWeights
	name  string
	shape []int
}

func parseInput(lp *caffe.LayerParameter) (op, error) {
	name := lp.GetName()
	shapes := lp.GetInputParam().GetShape()
	if len(lp.GetTop()) != 1 || len(shapes) != 1 {
		return nil, unsupportedErr(name, "input_param.shape", "%d tops and %d shapes (exactly one input blob is supported)", len(lp.GetTop()), len(shapes))
	}
	s, err := blobShapeDims(name, "input_param.shape", shapes[0])
	if err != nil {
		return nil, err
	}
	return &inputOp{name: name, shape: s}, nil
}

// blobShapeDims converts a BlobShape to []int, rejecting non-positive dims.
func blobShapeDims(layer, field string, bs *caffe.BlobShape) ([]int, error) {
	dims := bs.GetDim()
	if len(dims) == 0 {
		return nil, formatErr(layer, field, "empty shape")
	}
	s := make([]int, len(dims))
	for i, d := range dims {
		if d <= 0 || d > 1<<30 {
			return nil, formatErr(layer, field, "dimension %d is %d", i, d)
		}
		s[i] = int(d)
	}
	if numel(s) > 1<<31 {
		return nil, formatErr(layer, field, "shape %v too large", s)
	}
	return s, nil
}

func (p *inputOp) setup(in [][]int) ([][]int, error) {
	if err := wantInputs(p.name, in, 0, 0); err != nil {
		return nil, err
	}
	return [][]int{cloneShape(p.shape)}, nil
}

func (p *inputOp) cost() opCost                 { return opCost{} }
func (p *inputOp) load([][]float32) (op, error) { c := *p; return &c, nil }
func (p *inputOp) reference(_, _ [][]float32)   {}
func (p *inputOp) forward(*fwdCtx, *nodeExec)   {}
