package models

// Convolution implements Caffe's "Convolution" layer (caffe.proto
// ConvolutionParameter; src/caffe/layers/conv_layer.cpp and
// base_conv_layer.cpp): 2-D convolution with kernel, stride, pad, dilation,
// group and optional bias; weights [num_output][C/group][kh][kw], bias
// [num_output]. A following BatchNorm, Scale and ReLU are folded into it at
// load (see fuse). Kernels are in conv_kernels.go.
//
// Tests: go test -run 'TestConvKernels|TestSmallLayers|TestFusion' ./models

import (
	"fmt"

	"github.com/infersim/infersim/models/caffe"
)

func init() { register("Convolution", layerKind{parse: parseConv, class: CostConv}) }

type convOp struct {
	name      string
	numOutput int
	hasBias   bool
	kh, kw    int
	sh, sw    int
	ph, pw    int
	dh, dw    int
	group     int

	batch int
	g     convGeom

	w, b []float32 // weights as loaded (Caffe's blobs), for writing back

	// Prepared by fuse: weights and bias with BatchNorm/Scale folded in,
	// packed per group, and whether a ReLU runs in the GEMM epilogue.
	fw, fb []float32
	packed []*packedA
	relu   bool
}

func parseConv(lp *caffe.LayerParameter) (op, error) {
	name := lp.GetName()
	cp := lp.GetConvolutionParam()
	if cp == nil {
		return nil, formatErr(name, "convolution_param", "missing")
	}
	c := &convOp{name: name, numOutput: int(cp.GetNumOutput()), hasBias: cp.GetBiasTerm(), group: int(cp.GetGroup())}
	if c.numOutput <= 0 {
		return nil, formatErr(name, "convolution_param.num_output", "must be positive, is %d", c.numOutput)
	}
	if c.group <= 0 {
		return nil, formatErr(name, "convolution_param.group", "must be positive, is %d", c.group)
	}
	if cp.GetAxis() != 1 {
		return nil, unsupportedErr(name, "convolution_param.axis", "axis %d (only 1, channels)", cp.GetAxis())
	}
	var err error
	if c.kh, c.kw, err = pair(name, "convolution_param.kernel_size", cp.GetKernelSize(), cp.KernelH, cp.KernelW, 0); err != nil {
		return nil, err
	}
	if c.kh <= 0 || c.kw <= 0 {
		return nil, formatErr(name, "convolution_param.kernel_size", "not set or zero")
	}
	if c.sh, c.sw, err = pair(name, "convolution_param.stride", cp.GetStride(), cp.StrideH, cp.StrideW, 1); err != nil {
		return nil, err
	}
	if c.sh <= 0 || c.sw <= 0 {
		return nil, formatErr(name, "convolution_param.stride", "must be positive")
	}
	if c.ph, c.pw, err = pair(name, "convolution_param.pad", cp.GetPad(), cp.PadH, cp.PadW, 0); err != nil {
		return nil, err
	}
	if c.dh, c.dw, err = pair(name, "convolution_param.dilation", cp.GetDilation(), nil, nil, 1); err != nil {
		return nil, err
	}
	if c.dh <= 0 || c.dw <= 0 {
		return nil, formatErr(name, "convolution_param.dilation", "must be positive")
	}
	for _, v := range []struct {
		f string
		a int
	}{{"kernel_size", c.kh}, {"kernel_size", c.kw}, {"stride", c.sh}, {"stride", c.sw}, {"pad", c.ph}, {"pad", c.pw}, {"dilation", c.dh}, {"dilation", c.dw}, {"num_output", c.numOutput}, {"group", c.group}} {
		if v.a > maxParam {
			return nil, unsupportedErr(name, "convolution_param."+v.f, "%d is over %d", v.a, maxParam)
		}
	}
	return c, nil
}

// pair reads a 2-D spatial parameter the way Caffe does: explicit _h/_w
// fields win; otherwise a repeated field with one value (both axes) or two
// (h, w); otherwise def.
func pair(layer, field string, rep []uint32, h, w *uint32, def int) (int, int, error) {
	if h != nil || w != nil {
		if h == nil || w == nil {
			return 0, 0, formatErr(layer, field, "both _h and _w must be set")
		}
		if len(rep) > 0 {
			return 0, 0, formatErr(layer, field, "set either %s or its _h/_w form, not both", field)
		}
		return int(*h), int(*w), nil
	}
	switch len(rep) {
	case 0:
		return def, def, nil
	case 1:
		return int(rep[0]), int(rep[0]), nil
	case 2:
		return int(rep[0]), int(rep[1]), nil
	}
	return 0, 0, unsupportedErr(layer, field, "%d values (only 2-D convolution)", len(rep))
}

func (c *convOp) setup(in [][]int) ([][]int, error) {
	if err := wantInputs(c.name, in, 1, 1); err != nil {
		return nil, err
	}
	s := in[0]
	if err := want4D(c.name, s); err != nil {
		return nil, err
	}
	if s[1]%c.group != 0 || c.numOutput%c.group != 0 {
		return nil, formatErr(c.name, "convolution_param.group", "group %d does not divide input channels %d and num_output %d", c.group, s[1], c.numOutput)
	}
	c.batch = s[0]
	c.g = convGeom{cin: s[1], h: s[2], w: s[3], cout: c.numOutput, kh: c.kh, kw: c.kw, sh: c.sh, sw: c.sw,
		ph: c.ph, pw: c.pw, dh: c.dh, dw: c.dw, group: c.group}
	c.g.finish()
	if c.g.oh <= 0 || c.g.ow <= 0 {
		return nil, formatErr(c.name, "convolution_param.kernel_size", "kernel %d×%d larger than the padded input %d×%d", c.kh, c.kw, s[2]+2*c.ph, s[3]+2*c.pw)
	}
	return [][]int{{s[0], c.numOutput, c.g.oh, c.g.ow}}, nil
}

func (c *convOp) cost() opCost {
	out := int64(c.batch) * int64(c.numOutput) * int64(c.g.oh) * int64(c.g.ow)
	k := int64(c.g.cin/c.group) * int64(c.kh) * int64(c.kw)
	oc := opCost{flops: 2 * out * k}
	if c.hasBias {
		oc.ops = out
	}
	return oc
}

// costClass reports a convolution with one group per output channel (more
// than one) as depthwise, the test of Caffe's depthwise models (MobileNet).
func (c *convOp) costClass() CostClass {
	if c.group > 1 && c.group == c.numOutput {
		return CostDepthwise
	}
	return CostConv
}

func (c *convOp) weightShapes() [][]int {
	ws := [][]int{{c.numOutput, c.g.cin / c.group, c.kh, c.kw}}
	if c.hasBias {
		ws = append(ws, []int{c.numOutput})
	}
	return ws
}

func (c *convOp) load(blobs [][]float32) (op, error) {
	d := *c
	d.w = blobs[0]
	d.b = nil
	if c.hasBias {
		d.b = blobs[1]
	}
	d.fw, d.fb, d.packed, d.relu = nil, nil, nil, false
	return &d, nil
}

func (c *convOp) blobs() [][]float32 {
	if c.w == nil {
		return nil
	}
	if c.hasBias {
		return [][]float32{c.w, c.b}
	}
	return [][]float32{c.w}
}

// fuse returns a copy ready to run: with the per-output-channel affine
// y·mul + add (folded BatchNorm and Scale; nil for none) folded into the
// weights and bias, a ReLU in the GEMM epilogue if relu, and the weights
// packed once per group.
func (c *convOp) fuse(relu bool, mul, add []float32) op {
	d := *c
	d.relu = relu
	d.fw, d.fb = foldAffine(c.w, c.b, c.numOutput, mul, add)
	d.packed = nil
	if !d.g.depthwise {
		mg := c.numOutput / c.group
		k := d.g.colRows
		for grp := 0; grp < c.group; grp++ {
			d.packed = append(d.packed, packA(mg, k, d.fw[grp*mg*k:], k))
		}
	}
	return &d
}

// foldAffine returns w' = w·mul[o] (row o of w scaled) and b' = b·mul + add.
// With mul == nil it returns w and b unchanged (b may be nil).
func foldAffine(w, b []float32, rows int, mul, add []float32) ([]float32, []float32) {
	if mul == nil {
		return w, b
	}
	k := len(w) / rows
	fw := make([]float32, len(w))
	fb := make([]float32, rows)
	for o := 0; o < rows; o++ {
		m := mul[o]
		for i, v := range w[o*k : (o+1)*k] {
			fw[o*k+i] = v * m
		}
		var bo float32
		if b != nil {
			bo = b[o]
		}
		fb[o] = bo*m + add[o]
	}
	return fw, fb
}

func (c *convOp) forward(ctx *fwdCtx, e *nodeExec) {
	in, out := e.in[0], e.out[0]
	is, os := c.g.cin*c.g.h*c.g.w, c.numOutput*c.g.oh*c.g.ow
	for n := 0; n < c.batch; n++ {
		convFast(ctx, &c.g, c.fw, c.packed, c.fb, c.relu, in[n*is:(n+1)*is], out[n*os:(n+1)*os])
	}
}

func (c *convOp) reference(in, out [][]float32) {
	is, os := c.g.cin*c.g.h*c.g.w, c.numOutput*c.g.oh*c.g.ow
	for n := 0; n < c.batch; n++ {
		convRef(&c.g, c.w, c.b, false, in[0][n*is:(n+1)*is], out[0][n*os:(n+1)*os])
	}
}

// String describes the convolution for debugging.
func (c *convOp) String() string {
	return fmt.Sprintf("conv %dx%d/%d pad %d group %d", c.kh, c.kw, c.sh, c.ph, c.group)
}
