package models

// Concat implements Caffe's "Concat" layer (caffe.proto ConcatParameter;
// src/caffe/layers/concat_layer.cpp): inputs joined along axis (default 1,
// channels; the legacy concat_dim is honoured when axis is unset). When
// everything before the axis is 1 (batch 1, channel concat) each input is a
// contiguous range of the output, and the executor's memory plan lets the
// producers write straight into it (zero copy); other inputs are copied.
// FLOPs and ops: 0.
//
// Tests: go test -run 'TestConcatAndEltwise|TestNetReference|TestMemoryPlan' ./models

import "github.com/infersim/infersim/models/caffe"

func init() { register("Concat", layerKind{parse: parseConcat, class: CostElementwise}) }

type concatOp struct {
	noWeights
	name  string
	axis  int
	outer int   // product of dims before the axis
	inner []int // per input: its dims from the axis on, multiplied
	total int   // sum of inner
}

func parseConcat(lp *caffe.LayerParameter) (op, error) {
	p := lp.GetConcatParam()
	axis := int(p.GetAxis())
	if p != nil && p.Axis == nil && p.ConcatDim != nil {
		axis = int(p.GetConcatDim())
	}
	return &concatOp{name: lp.GetName(), axis: axis}, nil
}

func (c *concatOp) setup(in [][]int) ([][]int, error) {
	if err := wantInputs(c.name, in, 1, 64); err != nil {
		return nil, err
	}
	a, err := canonicalAxis(c.name, "concat_param.axis", c.axis, len(in[0]))
	if err != nil {
		return nil, err
	}
	c.axis = a
	out := cloneShape(in[0])
	out[a] = 0
	c.inner, c.total = nil, 0
	for i, s := range in {
		if len(s) != len(out) {
			return nil, formatErr(c.name, "bottom", "input %d has rank %d, input 0 has %d", i, len(s), len(out))
		}
		for d := range s {
			if d != a && s[d] != in[0][d] {
				return nil, formatErr(c.name, "bottom", "input %d shape %v does not match input 0 shape %v outside axis %d", i, s, in[0], a)
			}
		}
		out[a] += s[a]
		c.inner = append(c.inner, numel(s[a:]))
		c.total += numel(s[a:])
	}
	c.outer = numel(in[0][:a])
	return [][]int{out}, nil
}

func (c *concatOp) cost() opCost                 { return opCost{} }
func (c *concatOp) load([][]float32) (op, error) { d := *c; return &d, nil }

// contiguous reports whether each input is one contiguous range of the
// output, the condition for zero-copy concatenation.
func (c *concatOp) contiguous() bool { return c.outer == 1 }

func (c *concatOp) forward(_ *fwdCtx, e *nodeExec) {
	off := 0
	for i, x := range e.in {
		if e.inPlace == nil || !e.inPlace[i] {
			for o := 0; o < c.outer; o++ {
				copy(e.out[0][o*c.total+off:o*c.total+off+c.inner[i]], x[o*c.inner[i]:(o+1)*c.inner[i]])
			}
		}
		off += c.inner[i]
	}
}

func (c *concatOp) reference(in, out [][]float32) {
	c.forward(nil, &nodeExec{in: in, out: out})
}
