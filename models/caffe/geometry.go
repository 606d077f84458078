package caffe

import (
	"fmt"
	"math"
)

// maxBlobAxes is Caffe's kMaxBlobAxes (include/caffe/blob.hpp): a blob has
// at most 32 axes.
const maxBlobAxes = 32

// Shape returns the dimensions of b. A blob that sets any of the legacy
// num, channels, height and width fields has the 4-D shape
// [num channels height width], as in Caffe's Blob::FromProto; otherwise its
// shape is b.shape.dim, and a blob with neither has the empty shape (a
// scalar, count 1). Shape(nil) is nil. The dimensions are not checked; see
// Validate.
func Shape(b *BlobProto) []int {
	if b == nil {
		return nil
	}
	if b.Num != nil || b.Channels != nil || b.Height != nil || b.Width != nil {
		return []int{int(b.GetNum()), int(b.GetChannels()), int(b.GetHeight()), int(b.GetWidth())}
	}
	dims := b.GetShape().GetDim()
	s := make([]int, len(dims))
	for i, d := range dims {
		s[i] = int(d)
	}
	return s
}

// count returns the number of values a blob of the given shape holds, with
// Caffe's limits (Blob::Reshape): at most 32 axes, no negative dimension,
// and a count that fits an int32.
func count(shape []int) (int, error) {
	if len(shape) > maxBlobAxes {
		return 0, fmt.Errorf("%d axes, Caffe allows at most %d", len(shape), maxBlobAxes)
	}
	n := 1
	for _, d := range shape {
		if d < 0 || d > math.MaxInt32 {
			return 0, fmt.Errorf("dimension %d out of range [0, %d] in shape %v", d, math.MaxInt32, shape)
		}
		if d != 0 && n > math.MaxInt32/d {
			return 0, fmt.Errorf("shape %v holds more than 2^31-1 values", shape)
		}
		n *= d
	}
	return n, nil
}

// ConvGeom is the 2-D geometry of a convolution: kernel size, stride,
// padding and dilation along height and width.
type ConvGeom struct {
	KernelH, KernelW     int
	StrideH, StrideW     int
	PadH, PadW           int
	DilationH, DilationW int
}

// ConvGeometry returns the kernel size, stride, padding and dilation of a
// 2-D convolution, resolved as Caffe's BaseConvolutionLayer::LayerSetUp
// does:
//
//   - kernel_size, stride, pad and dilation are repeated fields given once
//     (the same for height and width) or once per spatial axis (height,
//     then width);
//   - kernel_h/kernel_w, stride_h/stride_w and pad_h/pad_w replace them, and
//     may not be mixed with them;
//   - the kernel is required; stride defaults to 1, pad to 0, dilation to 1.
//
// Errors are a *FormatError naming the field for settings Caffe refuses
// (no kernel, a zero kernel or stride, mixed forms), and an
// *UnsupportedError for more than two values (an N-D convolution, valid in
// Caffe for inputs with more than two spatial axes). The error's Layer is
// empty: callers add it. A nil p is treated as an empty parameter.
func ConvGeometry(p *ConvolutionParameter) (ConvGeom, error) {
	if p == nil {
		p = &ConvolutionParameter{}
	}
	k, err := spatial("kernel_size", "kernel_h", "kernel_w", p.GetKernelSize(),
		p.KernelH != nil || p.KernelW != nil, p.GetKernelH(), p.GetKernelW(), -1)
	if err != nil {
		return ConvGeom{}, err
	}
	s, err := spatial("stride", "stride_h", "stride_w", p.GetStride(),
		p.StrideH != nil || p.StrideW != nil, p.GetStrideH(), p.GetStrideW(), 1)
	if err != nil {
		return ConvGeom{}, err
	}
	pd, err := spatial("pad", "pad_h", "pad_w", p.GetPad(),
		p.PadH != nil || p.PadW != nil, p.GetPadH(), p.GetPadW(), 0)
	if err != nil {
		return ConvGeom{}, err
	}
	d, err := spatial("dilation", "", "", p.GetDilation(), false, 0, 0, 1)
	if err != nil {
		return ConvGeom{}, err
	}
	switch {
	case k[0] == 0 || k[1] == 0:
		err = convErr(kernelField(p), "must be positive, have %dx%d", k[0], k[1])
	case s[0] == 0 || s[1] == 0:
		err = convErr(strideField(p), "must be positive, have %dx%d", s[0], s[1])
	case d[0] == 0 || d[1] == 0:
		err = convErr("dilation", "must be positive, have %dx%d", d[0], d[1])
	}
	if err != nil {
		return ConvGeom{}, err
	}
	return ConvGeom{KernelH: k[0], KernelW: k[1], StrideH: s[0], StrideW: s[1], PadH: pd[0], PadW: pd[1], DilationH: d[0], DilationW: d[1]}, nil
}

func kernelField(p *ConvolutionParameter) string {
	if p.KernelH != nil || p.KernelW != nil {
		return "kernel_h"
	}
	return "kernel_size"
}

func strideField(p *ConvolutionParameter) string {
	if p.StrideH != nil || p.StrideW != nil {
		return "stride_h"
	}
	return "stride"
}

// convErr is a FormatError about field convolution_param.<name>.
func convErr(name, format string, args ...any) *FormatError {
	return fieldErr("", "convolution_param."+name, format, args...)
}

// spatial resolves one repeated setting of a 2-D convolution and its _h/_w
// form. def is the default when neither is given; def < 0 means required.
func spatial(name, hName, wName string, rep []uint32, hasHW bool, h, w uint32, def int) ([2]int, error) {
	if hasHW {
		if len(rep) != 0 {
			return [2]int{}, convErr(name, "set together with %s/%s; give one form only", hName, wName)
		}
		return [2]int{int(h), int(w)}, nil
	}
	switch len(rep) {
	case 0:
		if def < 0 {
			return [2]int{}, convErr(name, "not set")
		}
		return [2]int{def, def}, nil
	case 1:
		return [2]int{int(rep[0]), int(rep[0])}, nil
	case 2:
		return [2]int{int(rep[0]), int(rep[1])}, nil
	}
	return [2]int{}, &UnsupportedError{Field: "convolution_param." + name,
		Feature: fmt.Sprintf("%d values (N-D convolution); only 2-D convolution is supported", len(rep))}
}

// PoolGeom is the 2-D geometry of a pooling layer. A global pooling
// (Global) has kernel 0×0 here: its kernel is the whole input.
type PoolGeom struct {
	KernelH, KernelW int
	StrideH, StrideW int
	PadH, PadW       int
	Global           bool
}

// PoolGeometry returns the kernel size, stride and padding of a pooling
// layer, resolved as Caffe's PoolingLayer::LayerSetUp does:
//
//   - kernel_size, or both kernel_h and kernel_w, is required unless
//     global_pooling is set, which forbids them (the kernel is then the
//     whole input: KernelH = KernelW = 0 here, Global = true);
//   - pad defaults to 0 and stride to 1; pad_h/pad_w and stride_h/stride_w
//     replace pad and stride and come in pairs;
//   - global pooling needs pad 0 and stride 1; padding needs MAX or AVE
//     pooling and must be smaller than the kernel.
//
// Errors are a *FormatError naming the field. A nil p is treated as an
// empty parameter (and fails: no kernel).
func PoolGeometry(p *PoolingParameter) (PoolGeom, error) {
	if p == nil {
		p = &PoolingParameter{}
	}
	if err := poolForm(p); err != nil {
		return PoolGeom{}, err
	}
	g := PoolGeom{Global: p.GetGlobalPooling()}
	if !g.Global {
		g.KernelH, g.KernelW = int(p.GetKernelSize()), int(p.GetKernelSize())
		if p.KernelSize == nil {
			g.KernelH, g.KernelW = int(p.GetKernelH()), int(p.GetKernelW())
		}
		if g.KernelH == 0 || g.KernelW == 0 {
			return PoolGeom{}, poolErr("kernel_size", "must be positive, have %dx%d", g.KernelH, g.KernelW)
		}
	}
	g.PadH, g.PadW = int(p.GetPad()), int(p.GetPad())
	if p.PadH != nil {
		g.PadH, g.PadW = int(p.GetPadH()), int(p.GetPadW())
	}
	g.StrideH, g.StrideW = int(p.GetStride()), int(p.GetStride())
	if p.StrideH != nil {
		g.StrideH, g.StrideW = int(p.GetStrideH()), int(p.GetStrideW())
	}
	padded := g.PadH != 0 || g.PadW != 0
	switch {
	case g.StrideH == 0 || g.StrideW == 0:
		return PoolGeom{}, poolErr("stride", "must be positive, have %dx%d", g.StrideH, g.StrideW)
	case g.Global && (padded || g.StrideH != 1 || g.StrideW != 1):
		return PoolGeom{}, poolErr("global_pooling", "needs pad 0 and stride 1")
	case padded && p.GetPool() == PoolingParameter_STOCHASTIC:
		return PoolGeom{}, poolErr("pad", "padding needs MAX or AVE pooling")
	case !g.Global && (g.PadH >= g.KernelH || g.PadW >= g.KernelW):
		return PoolGeom{}, poolErr("pad", "padding %dx%d must be smaller than the kernel %dx%d", g.PadH, g.PadW, g.KernelH, g.KernelW)
	}
	return g, nil
}

// poolForm checks which forms of kernel, pad and stride a pooling
// parameter sets: one form each, kernel required unless global.
func poolForm(p *PoolingParameter) error {
	global := p.GetGlobalPooling()
	hasK, hasKH, hasKW := p.KernelSize != nil, p.KernelH != nil, p.KernelW != nil
	hasP, hasPH, hasPW := p.Pad != nil, p.PadH != nil, p.PadW != nil
	hasS, hasSH, hasSW := p.Stride != nil, p.StrideH != nil, p.StrideW != nil
	switch {
	case global && (hasK || hasKH || hasKW):
		return poolErr("global_pooling", "kernel size may not be set with global pooling")
	case !global && hasK && (hasKH || hasKW):
		return poolErr("kernel_size", "set together with kernel_h/kernel_w; give one form only")
	case !global && !hasK && !(hasKH && hasKW):
		if hasKH || hasKW {
			return poolErr("kernel_h", "kernel_h and kernel_w must be set together")
		}
		return poolErr("kernel_size", "not set")
	case hasPH != hasPW || hasP && hasPH:
		return poolErr("pad", "give pad, or both pad_h and pad_w")
	case hasSH != hasSW || hasS && hasSH:
		return poolErr("stride", "give stride, or both stride_h and stride_w")
	}
	return nil
}

// poolErr is a FormatError about field pooling_param.<name>.
func poolErr(field, format string, args ...any) *FormatError {
	return fieldErr("", "pooling_param."+field, format, args...)
}

// ConvOutputSize returns the output length of a convolution along one axis,
// Caffe's (in + 2·pad − (dilation·(kernel−1) + 1)) / stride + 1 with
// integer division (BaseConvolutionLayer::compute_output_shape). It is zero
// or negative when the dilated kernel does not fit the padded input; callers
// must check. stride must be positive.
//
// AlexNet's conv1: ConvOutputSize(227, 11, 4, 0, 1) = (227 − 11)/4 + 1 = 55.
func ConvOutputSize(in, kernel, stride, pad, dilation int) int {
	return (in+2*pad-(dilation*(kernel-1)+1))/stride + 1
}

// PoolOutputSize returns the output height and width of a pooling layer as
// Caffe's PoolingLayer::Reshape computes them: ceil (round CEIL, Caffe's
// default) or floor of (in + 2·pad − kernel) / stride, plus 1; then, when
// either pad is non-zero, a last window that would start in the padding is
// dropped. Results may be zero or negative for a kernel larger than the
// padded input; callers must check. Strides must be positive.
//
// AlexNet's pool1: PoolOutputSize(55, 55, 3, 3, 2, 2, 0, 0, PoolingParameter_CEIL)
// = ceil(52/2) + 1 = 27 each way. GoogLeNet's pool1 (3×3, stride 2) on
// 112×112 gives ceil(109/2) + 1 = 56, and 55 with round_mode FLOOR.
func PoolOutputSize(inH, inW, kh, kw, sh, sw, ph, pw int, round PoolingParameter_RoundMode) (outH, outW int) {
	div := ceilDiv
	if round == PoolingParameter_FLOOR {
		div = floorDiv
	}
	outH = div(inH+2*ph-kh, sh) + 1
	outW = div(inW+2*pw-kw, sw) + 1
	if ph != 0 || pw != 0 {
		if (outH-1)*sh >= inH+ph {
			outH--
		}
		if (outW-1)*sw >= inW+pw {
			outW--
		}
	}
	return outH, outW
}

func ceilDiv(a, b int) int {
	if a >= 0 {
		return (a + b - 1) / b
	}
	return -(-a / b)
}

func floorDiv(a, b int) int {
	if a >= 0 {
		return a / b
	}
	return -((-a + b - 1) / b)
}
