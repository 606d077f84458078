package models

// BatchNorm implements Caffe's "BatchNorm" layer at inference (caffe.proto
// BatchNormParameter; src/caffe/layers/batch_norm_layer.cpp with global
// statistics): three blobs, running mean [C], running variance [C] and a
// one-element moving-average factor f; y = (x − mean/f) / √(var/f + eps),
// with 1/f taken as 0 when f = 0, as Caffe does. The learned scale and shift
// live in a following Scale layer. When its input comes only from a
// Convolution (or InnerProduct) it is folded into that layer's weights and
// bias at load and keeps its row with FusedInto set.
// FLOPs: 0; ops: 2 per element.
//
// Tests: go test -run 'TestFusion|TestSmallLayers' ./models

import (
	"math"

	"github.com/infersim/infersim/models/caffe"
)

func init() {
	register("BatchNorm", layerKind{parse: parseBatchNorm, elementwise: true, class: CostElementwise})
}

type batchNormOp struct {
	name                   string
	eps                    float32
	outer, c, inner        int
	mean, variance, factor []float32
	mul, add               []float32 // y = x·mul + add, prepared at load
}

func parseBatchNorm(lp *caffe.LayerParameter) (op, error) {
	p := lp.GetBatchNormParam()
	if p != nil && p.UseGlobalStats != nil && !p.GetUseGlobalStats() {
		return nil, unsupportedErr(lp.GetName(), "batch_norm_param.use_global_stats", "false (inference uses the stored statistics)")
	}
	eps := p.GetEps()
	if eps < 0 {
		return nil, formatErr(lp.GetName(), "batch_norm_param.eps", "must not be negative")
	}
	return &batchNormOp{name: lp.GetName(), eps: eps}, nil
}

func (b *batchNormOp) setup(in [][]int) ([][]int, error) {
	if err := wantInputs(b.name, in, 1, 1); err != nil {
		return nil, err
	}
	s := in[0]
	if len(s) < 2 {
		return nil, formatErr(b.name, "bottom", "input shape %v has no channel axis", s)
	}
	b.outer, b.c, b.inner = s[0], s[1], numel(s[2:])
	return [][]int{cloneShape(s)}, nil
}

func (b *batchNormOp) cost() opCost { return opCost{ops: 2 * int64(b.outer*b.c*b.inner)} }
func (b *batchNormOp) weightShapes() [][]int {
	return [][]int{{b.c}, {b.c}, {1}}
}

func (b *batchNormOp) load(blobs [][]float32) (op, error) {
	d := *b
	d.mean, d.variance, d.factor = blobs[0], blobs[1], blobs[2]
	d.mul, d.add = b.affineOf(blobs[0], blobs[1], blobs[2][0])
	return &d, nil
}

func (b *batchNormOp) affineOf(mean, variance []float32, f float32) (mul, add []float32) {
	inv := float64(0)
	if f != 0 {
		inv = 1 / float64(f)
	}
	mul, add = make([]float32, b.c), make([]float32, b.c)
	for c := range mul {
		m := float64(mean[c]) * inv
		v := float64(variance[c]) * inv
		s := 1 / math.Sqrt(v+float64(b.eps))
		mul[c] = float32(s)
		add[c] = float32(-m * s)
	}
	return mul, add
}

func (b *batchNormOp) blobs() [][]float32 {
	if b.mean == nil {
		return nil
	}
	return [][]float32{b.mean, b.variance, b.factor}
}

// affine returns the per-channel y = x·mul + add this layer computes.
func (b *batchNormOp) affine() (mul, add []float32) { return b.mul, b.add }

func (b *batchNormOp) forward(_ *fwdCtx, e *nodeExec) {
	channelAffine(e.in[0], e.out[0], b.mul, b.add, b.outer, b.c, b.inner)
}

// reference: Caffe's formula element by element, in float64.
func (b *batchNormOp) reference(in, out [][]float32) {
	inv := float64(0)
	if b.factor[0] != 0 {
		inv = 1 / float64(b.factor[0])
	}
	for o := 0; o < b.outer; o++ {
		for c := 0; c < b.c; c++ {
			m, v := float64(b.mean[c])*inv, float64(b.variance[c])*inv
			for i := 0; i < b.inner; i++ {
				k := (o*b.c+c)*b.inner + i
				out[0][k] = float32((float64(in[0][k]) - m) / math.Sqrt(v+float64(b.eps)))
			}
		}
	}
}
