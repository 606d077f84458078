package models

import (
	"sort"

	"github.com/infersim/infersim/models/caffe"
)

// op is the life cycle every layer kind implements (STYLE 12): a kind's
// parse function reads its Caffe parameters into an op; setup checks them
// against the input shapes and returns the output shapes; weightShapes and
// cost describe it; load returns a copy holding its weights; forward runs
// the fast kernel and reference the naive one. An op is immutable after
// setup (load returns a new op), so a Net can be shared between goroutines.
type op interface {
	setup(in [][]int) (out [][]int, err error)
	cost() opCost
	weightShapes() [][]int
	load(blobs [][]float32) (op, error)
	blobs() [][]float32
	forward(ctx *fwdCtx, e *nodeExec)
	reference(in, out [][]float32)
}

// opCost counts a layer's arithmetic. flops is 2 × multiply-adds of
// convolution and inner-product layers (bias additions excluded), the
// convention of the published counts (../shared/bench/CNN.md). ops counts
// everything else: bias additions, pooling compares or adds (one per window
// element), LRN (2n + 4 per element: n squares and n adds of the window
// reference computation, scale, power, multiply), ReLU (1 per element),
// softmax (4 per element), BatchNorm and Scale (2 per element), Eltwise
// (inputs − 1 per element). Concat, Dropout and Input cost nothing.
type opCost struct {
	flops, ops int64
}

// nodeExec is what forward reads and writes: input and output slices (views
// of the executor's arena) and, for Concat, which inputs are already in
// place (their producers wrote straight into the output).
type nodeExec struct {
	in, out [][]float32
	inPlace []bool
}

// layerKind describes one registered Caffe layer type.
type layerKind struct {
	parse func(lp *caffe.LayerParameter) (op, error)
	// elementwise kinds may write their output over their input when a
	// prototxt declares them in place (top == bottom).
	elementwise bool
	// class is how device models price the kind's layers (see CostClass).
	class CostClass
}

var registry = map[string]layerKind{}

// register adds a layer kind under its Caffe type name. It panics on a
// duplicate name (a programmer error, caught by any test).
func register(typ string, k layerKind) {
	if _, dup := registry[typ]; dup {
		panic("models: layer type registered twice: " + typ)
	}
	registry[typ] = k
}

// LayerKinds returns the Caffe layer types this package implements, sorted.
func LayerKinds() []string {
	var s []string
	for k := range registry {
		s = append(s, k)
	}
	sort.Strings(s)
	return s
}

// noWeights is embedded by kinds without weights.
type noWeights struct{}

func (noWeights) weightShapes() [][]int { return nil }
func (noWeights) blobs() [][]float32    { return nil }

// numel returns the number of elements of a shape.
func numel(s []int) int {
	n := 1
	for _, d := range s {
		n *= d
	}
	return n
}

// wantInputs checks the number of bottoms.
func wantInputs(layer string, in [][]int, lo, hi int) error {
	if len(in) < lo || len(in) > hi {
		if lo == hi {
			return formatErr(layer, "bottom", "needs %d input(s), has %d", lo, len(in))
		}
		return formatErr(layer, "bottom", "needs %d to %d inputs, has %d", lo, hi, len(in))
	}
	return nil
}

// want4D checks that a shape is N×C×H×W.
func want4D(layer string, s []int) error {
	if len(s) != 4 {
		return unsupportedErr(layer, "bottom", "input shape %v is not 4-D (N×C×H×W)", s)
	}
	return nil
}

// canonicalAxis resolves a Caffe axis (negative counts from the end).
func canonicalAxis(layer, field string, axis, rank int) (int, error) {
	a := axis
	if a < 0 {
		a += rank
	}
	if a < 0 || a >= rank {
		return 0, formatErr(layer, field, "axis %d out of range [%d, %d] for a %d-D input", axis, -rank, rank-1, rank)
	}
	return a, nil
}

func cloneShape(s []int) []int { return append([]int(nil), s...) }

// maxParam bounds sizes in layer parameters (kernel, stride, pad, channel
// counts), far above any real network, so that shape arithmetic cannot
// overflow.
const maxParam = 1 << 20
