package models

// Scale implements Caffe's "Scale" layer with a learned per-channel scale
// (caffe.proto ScaleParameter; src/caffe/layers/scale_layer.cpp, one bottom,
// axis 1, num_axes 1): y = x·γ[c] (+ β[c] when bias_term). Like BatchNorm it
// is folded into a preceding Convolution or InnerProduct at load and keeps
// its row with FusedInto set. A second bottom (scale as input) is
// unsupported. FLOPs: 0; ops: 2 per element (1 without bias).
//
// Tests: go test -run 'TestFusion|TestSmallLayers' ./models

import "github.com/infersim/infersim/models/caffe"

func init() {
	register("Scale", layerKind{parse: parseScale, elementwise: true, class: CostElementwise})
}

type scaleOp struct {
	name            string
	hasBias         bool
	outer, c, inner int
	gamma, beta     []float32
}

func parseScale(lp *caffe.LayerParameter) (op, error) {
	name := lp.GetName()
	p := lp.GetScaleParam()
	if p.GetAxis() != 1 || p.GetNumAxes() != 1 {
		return nil, unsupportedErr(name, "scale_param.axis", "axis %d num_axes %d (only 1 and 1: per channel)", p.GetAxis(), p.GetNumAxes())
	}
	if len(lp.GetBottom()) != 1 {
		return nil, unsupportedErr(name, "bottom", "%d bottoms (only a learned scale, one bottom)", len(lp.GetBottom()))
	}
	return &scaleOp{name: name, hasBias: p.GetBiasTerm()}, nil
}

func (s *scaleOp) setup(in [][]int) ([][]int, error) {
	if err := wantInputs(s.name, in, 1, 1); err != nil {
		return nil, err
	}
	sh := in[0]
	if len(sh) < 2 {
		return nil, formatErr(s.name, "bottom", "input shape %v has no channel axis", sh)
	}
	s.outer, s.c, s.inner = sh[0], sh[1], numel(sh[2:])
	return [][]int{cloneShape(sh)}, nil
}

func (s *scaleOp) cost() opCost {
	n := int64(s.outer * s.c * s.inner)
	if s.hasBias {
		return opCost{ops: 2 * n}
	}
	return opCost{ops: n}
}

func (s *scaleOp) weightShapes() [][]int {
	if s.hasBias {
		return [][]int{{s.c}, {s.c}}
	}
	return [][]int{{s.c}}
}

func (s *scaleOp) load(blobs [][]float32) (op, error) {
	d := *s
	d.gamma, d.beta = blobs[0], nil
	if s.hasBias {
		d.beta = blobs[1]
	}
	return &d, nil
}

func (s *scaleOp) blobs() [][]float32 {
	if s.gamma == nil {
		return nil
	}
	if s.hasBias {
		return [][]float32{s.gamma, s.beta}
	}
	return [][]float32{s.gamma}
}

func (s *scaleOp) affine() (mul, add []float32) {
	add = s.beta
	if add == nil {
		add = make([]float32, s.c)
	}
	return s.gamma, add
}

func (s *scaleOp) forward(_ *fwdCtx, e *nodeExec) {
	channelAffine(e.in[0], e.out[0], s.gamma, s.beta, s.outer, s.c, s.inner)
}

func (s *scaleOp) reference(in, out [][]float32) {
	for o := 0; o < s.outer; o++ {
		for c := 0; c < s.c; c++ {
			for i := 0; i < s.inner; i++ {
				k := (o*s.c+c)*s.inner + i
				v := in[0][k] * s.gamma[c]
				if s.beta != nil {
					v += s.beta[c]
				}
				out[0][k] = v
			}
		}
	}
}
