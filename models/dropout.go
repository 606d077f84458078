package models

// Dropout implements Caffe's "Dropout" layer at inference (caffe.proto
// DropoutParameter; src/caffe/layers/dropout_layer.cpp, TEST phase): the
// identity, since Caffe scales at training time. Its output shares its
// input's memory when it runs in place or is its input's only reader;
// otherwise it copies. FLOPs and ops: 0.
//
// Tests: go test -run 'TestSmallLayers|TestNetReference' ./models

import "github.com/infersim/infersim/models/caffe"

func init() { register("Dropout", layerKind{parse: parseDropout, elementwise: true, class: CostNone}) }

type dropoutOp struct {
	noWeights
	name string
}

func parseDropout(lp *caffe.LayerParameter) (op, error) {
	if r := lp.GetDropoutParam().GetDropoutRatio(); r < 0 || r >= 1 {
		return nil, formatErr(lp.GetName(), "dropout_param.dropout_ratio", "must be in [0, 1), is %g", r)
	}
	return &dropoutOp{name: lp.GetName()}, nil
}

func (d *dropoutOp) setup(in [][]int) ([][]int, error) {
	if err := wantInputs(d.name, in, 1, 1); err != nil {
		return nil, err
	}
	return [][]int{cloneShape(in[0])}, nil
}

func (d *dropoutOp) cost() opCost                 { return opCost{} }
func (d *dropoutOp) load([][]float32) (op, error) { c := *d; return &c, nil }
func (d *dropoutOp) reference(in, out [][]float32) {
	copy(out[0], in[0])
}

func (d *dropoutOp) forward(_ *fwdCtx, e *nodeExec) {
	if &e.in[0][0] != &e.out[0][0] {
		copy(e.out[0], e.in[0])
	}
}
