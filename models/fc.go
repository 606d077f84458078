package models

// InnerProduct implements Caffe's "InnerProduct" layer, the fully connected
// layer (caffe.proto InnerProductParameter; src/caffe/layers/
// inner_product_layer.cpp): the input is flattened from axis on (default 1)
// and y = W·x + b with W [num_output][K] ([K][num_output] when transpose).
// At batch 1 it is a matrix-vector product, bound by the bandwidth of
// streaming W; a following ReLU runs in its epilogue.
//
// Tests: go test -run 'TestSmallLayers|TestFusion|TestNetReference' ./models

import "github.com/infersim/infersim/models/caffe"

func init() { register("InnerProduct", layerKind{parse: parseFC, class: CostFC}) }

type fcOp struct {
	name      string
	numOutput int
	hasBias   bool
	axis      int
	transpose bool

	m, k int // rows (product of dims before axis) and inputs per row

	w, b   []float32 // as loaded
	fw, fb []float32 // prepared: [num_output][K], folded affine
	relu   bool
}

func parseFC(lp *caffe.LayerParameter) (op, error) {
	name := lp.GetName()
	p := lp.GetInnerProductParam()
	if p == nil {
		return nil, formatErr(name, "inner_product_param", "missing")
	}
	f := &fcOp{name: name, numOutput: int(p.GetNumOutput()), hasBias: p.GetBiasTerm(), axis: int(p.GetAxis()), transpose: p.GetTranspose()}
	if f.numOutput <= 0 || f.numOutput > maxParam {
		return nil, formatErr(name, "inner_product_param.num_output", "must be in [1, %d], is %d", maxParam, f.numOutput)
	}
	return f, nil
}

func (f *fcOp) setup(in [][]int) ([][]int, error) {
	if err := wantInputs(f.name, in, 1, 1); err != nil {
		return nil, err
	}
	s := in[0]
	a, err := canonicalAxis(f.name, "inner_product_param.axis", f.axis, len(s))
	if err != nil {
		return nil, err
	}
	f.m, f.k = numel(s[:a]), numel(s[a:])
	out := append(cloneShape(s[:a]), f.numOutput)
	return [][]int{out}, nil
}

func (f *fcOp) cost() opCost {
	oc := opCost{flops: 2 * int64(f.m) * int64(f.numOutput) * int64(f.k)}
	if f.hasBias {
		oc.ops = int64(f.m) * int64(f.numOutput)
	}
	return oc
}

func (f *fcOp) weightShapes() [][]int {
	w := []int{f.numOutput, f.k}
	if f.transpose {
		w = []int{f.k, f.numOutput}
	}
	ws := [][]int{w}
	if f.hasBias {
		ws = append(ws, []int{f.numOutput})
	}
	return ws
}

func (f *fcOp) load(blobs [][]float32) (op, error) {
	d := *f
	d.w, d.b = blobs[0], nil
	if f.hasBias {
		d.b = blobs[1]
	}
	d.fw, d.fb, d.relu = nil, nil, false
	return &d, nil
}

func (f *fcOp) blobs() [][]float32 {
	if f.w == nil {
		return nil
	}
	if f.hasBias {
		return [][]float32{f.w, f.b}
	}
	return [][]float32{f.w}
}

// fuse prepares the layer to run: W transposed to [num_output][K] if
// stored transposed, a folded per-output affine, a ReLU in the epilogue.
func (f *fcOp) fuse(relu bool, mul, add []float32) op {
	d := *f
	d.relu = relu
	w := f.w
	if f.transpose {
		w = make([]float32, len(f.w))
		for i := 0; i < f.k; i++ {
			for o := 0; o < f.numOutput; o++ {
				w[o*f.k+i] = f.w[i*f.numOutput+o]
			}
		}
	}
	d.fw, d.fb = foldAffine(w, f.b, f.numOutput, mul, add)
	return &d
}

func (f *fcOp) forward(ctx *fwdCtx, e *nodeExec) {
	ep := epilogue{bias: f.fb, relu: f.relu}
	if f.m > 1 {
		// Batch > 1: one GEMM, X·Wᵀ, with the bias per output column.
		sgemmNT(ctx.gemm, f.m, f.numOutput, f.k, e.in[0], f.k, f.fw, f.k, e.out[0], f.numOutput, ep)
		return
	}
	for r := 0; r < f.m; r++ {
		sgemv(ctx.gemm, f.numOutput, f.k, f.fw, f.k, e.in[0][r*f.k:(r+1)*f.k], e.out[0][r*f.numOutput:(r+1)*f.numOutput], ep)
	}
}

// reference: y[r][o] = b[o] + Σ_i W[o][i]·x[r][i], in order of i.
func (f *fcOp) reference(in, out [][]float32) {
	for r := 0; r < f.m; r++ {
		x := in[0][r*f.k : (r+1)*f.k]
		for o := 0; o < f.numOutput; o++ {
			var s float32
			if f.b != nil {
				s = f.b[o]
			}
			for i, v := range x {
				if f.transpose {
					s += f.w[i*f.numOutput+o] * v
				} else {
					s += f.w[o*f.k+i] * v
				}
			}
			out[0][r*f.numOutput+o] = s
		}
	}
}
