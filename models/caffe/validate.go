package caffe

import (
	"errors"
	"strconv"
)

// Validate checks net against the rules Caffe enforces when it builds a net
// from a definition (Net::Init and each layer's LayerSetUp), as far as they
// can be checked without running the net:
//
//   - a net in the deprecated V1 format is checked as its upgrade (see
//     UpgradeV1, whose errors it returns), without changing net;
//   - input_dim holds 4 values per input, input_shape one shape per input,
//     and not both are given;
//   - every blob has a valid shape (at most 32 axes, no negative dimension,
//     fewer than 2^31 values) and its data, diff, double_data and
//     double_diff are each empty or hold exactly that many values, with data
//     and double_data not both set;
//   - Convolution and Deconvolution: ConvGeometry succeeds (N-D kernels are
//     let through), num_output is positive and a multiple of a positive
//     group;
//   - Pooling: PoolGeometry succeeds;
//   - LRN: local_size is odd;
//   - Concat: axis and concat_dim are not both set;
//   - Eltwise: coeff is empty or has one value per bottom, and only for SUM.
//
// Validate does not check how layers connect (bottoms produced by earlier
// tops) nor the blob count of a layer: weights files are checked for that by
// ReadCaffemodel. Errors are a *FormatError or *UnsupportedError naming the
// layer and field.
func Validate(net *NetParameter) error {
	return validate(net, false)
}

// validate implements Validate; weights adds ReadCaffemodel's checks on the
// number and shapes of the blobs of layers with learned parameters.
func validate(net *NetParameter, weights bool) error {
	if net == nil {
		return &FormatError{Err: errors.New("nil net")}
	}
	net, err := upgraded(net)
	if err != nil {
		return err
	}
	if err := validateInputs(net); err != nil {
		return err
	}
	for i, l := range net.GetLayer() {
		if l == nil {
			return &FormatError{Layer: "#" + strconv.Itoa(i), Err: errors.New("nil layer"), idx: i + 1}
		}
		if err := validateLayer(l, weights); err != nil {
			var fe *FormatError
			var ue *UnsupportedError
			switch {
			case errors.As(err, &fe):
				fe.Layer, fe.idx = layerID(l, i), i+1
			case errors.As(err, &ue):
				ue.Layer, ue.idx = layerID(l, i), i+1
			}
			return err
		}
	}
	return nil
}

func validateInputs(net *NetParameter) error {
	nIn, nDim, nShape := len(net.GetInput()), len(net.GetInputDim()), len(net.GetInputShape())
	switch {
	case nDim > 0 && nShape > 0:
		return fieldErr("", "input_dim", "set together with input_shape; give one form only")
	case nDim > 0 && nDim != 4*nIn:
		return fieldErr("", "input_dim", "%d values for %d inputs, want 4 per input", nDim, nIn)
	case nShape > 0 && nShape != nIn:
		return fieldErr("", "input_shape", "%d shapes for %d inputs, want one per input", nShape, nIn)
	}
	for i, s := range net.GetInputShape() {
		if _, err := count(int64s(s.GetDim())); err != nil {
			return fieldErr("", "input_shape["+strconv.Itoa(i)+"]", "%v", err)
		}
	}
	return nil
}

func int64s(d []int64) []int {
	s := make([]int, len(d))
	for i, v := range d {
		s[i] = int(v)
	}
	return s
}

func validateLayer(l *LayerParameter, weights bool) error {
	for i, b := range l.GetBlobs() {
		if b == nil {
			return fieldErr("", "blobs["+strconv.Itoa(i)+"]", "nil blob")
		}
		if err := validateBlob(b); err != nil {
			err.Field = "blobs[" + strconv.Itoa(i) + "]" + err.Field
			return err
		}
	}
	switch l.GetType() {
	case "Convolution", "Deconvolution":
		p := l.GetConvolutionParam()
		_, err := ConvGeometry(p)
		var ue *UnsupportedError
		if err != nil && !errors.As(err, &ue) {
			return err
		}
		switch n, g := p.GetNumOutput(), p.GetGroup(); {
		case n == 0:
			return fieldErr("", "convolution_param.num_output", "must be positive")
		case g == 0:
			return fieldErr("", "convolution_param.group", "must be positive")
		case n%g != 0:
			return fieldErr("", "convolution_param.group", "num_output %d is not a multiple of group %d", n, g)
		}
	case "Pooling":
		if _, err := PoolGeometry(l.GetPoolingParam()); err != nil {
			return err
		}
	case "LRN":
		if n := l.GetLrnParam().GetLocalSize(); n%2 == 0 {
			return fieldErr("", "lrn_param.local_size", "must be odd, have %d", n)
		}
	case "Concat":
		if p := l.GetConcatParam(); p != nil && p.Axis != nil && p.ConcatDim != nil {
			return fieldErr("", "concat_param.concat_dim", "set together with axis; give one only")
		}
	case "Eltwise":
		p := l.GetEltwiseParam()
		if n := len(p.GetCoeff()); n > 0 {
			if p.GetOperation() != EltwiseParameter_SUM {
				return fieldErr("", "eltwise_param.coeff", "only allowed with operation SUM")
			}
			if n != len(l.GetBottom()) {
				return fieldErr("", "eltwise_param.coeff", "%d values for %d bottoms", n, len(l.GetBottom()))
			}
		}
	}
	if weights {
		return validateWeights(l)
	}
	return nil
}

// validateBlob checks that b's data fills its shape. The returned error's
// Field is relative to the blob (".data", ".shape").
func validateBlob(b *BlobProto) *FormatError {
	shape := Shape(b)
	n, err := count(shape)
	if err != nil {
		return fieldErr("", ".shape", "%v", err)
	}
	check := func(name string, have int) *FormatError {
		if have != 0 && have != n {
			return fieldErr("", "."+name, "%d values, shape %v holds %d", have, shape, n)
		}
		return nil
	}
	if len(b.GetData()) > 0 && len(b.GetDoubleData()) > 0 {
		return fieldErr("", ".double_data", "set together with data; give one only")
	}
	if len(b.GetData()) == 0 && len(b.GetDoubleData()) == 0 && n != 0 {
		return fieldErr("", ".data", "empty, shape %v holds %d values", shape, n)
	}
	for _, f := range []struct {
		name string
		have int
	}{{"data", len(b.GetData())}, {"double_data", len(b.GetDoubleData())},
		{"diff", len(b.GetDiff())}, {"double_diff", len(b.GetDoubleDiff())}} {
		if err := check(f.name, f.have); err != nil {
			return err
		}
	}
	return nil
}

// validateWeights checks the number of blobs of a layer with learned
// parameters, and their shapes against the layer's parameters. Caffe makes
// the same check when it copies weights into a net
// (Net::CopyTrainedLayersFrom: "Incompatible number of blobs"), so a layer
// that fails here is one Caffe would refuse to load. It also catches files
// cut short or corrupted inside a layer's parameters.
func validateWeights(l *LayerParameter) error {
	want, what, ok := wantBlobs(l)
	if !ok {
		return nil
	}
	blobs := l.GetBlobs()
	if len(blobs) != want {
		return fieldErr("", "blobs", "%d blobs, want %d (%s)", len(blobs), want, what)
	}
	n := func(i int) int { c, _ := count(Shape(blobs[i])); return c }
	switch l.GetType() {
	case "Convolution", "Deconvolution":
		return validateConvWeights(l, want, n)
	case "InnerProduct":
		out := int(l.GetInnerProductParam().GetNumOutput())
		if w := n(0); out == 0 || w == 0 || w%out != 0 {
			return fieldErr("", "blobs[0].shape", "%v does not match num_output %d", Shape(blobs[0]), out)
		}
		if want == 2 && n(1) != out {
			return fieldErr("", "blobs[1].shape", "%v holds %d values, want num_output %d", Shape(blobs[1]), n(1), out)
		}
	case "BatchNorm":
		if n(0) != n(1) || n(2) != 1 {
			return fieldErr("", "blobs", "shapes %v %v %v, want [C] [C] [1]", Shape(blobs[0]), Shape(blobs[1]), Shape(blobs[2]))
		}
	case "Scale":
		if want == 2 && n(0) != n(1) {
			return fieldErr("", "blobs[1].shape", "%v does not match scale %v", Shape(blobs[1]), Shape(blobs[0]))
		}
	}
	return nil
}

// wantBlobs returns how many blobs a layer with learned parameters
// carries and what they are; ok is false for kinds whose blobs are not
// checked.
func wantBlobs(l *LayerParameter) (want int, what string, ok bool) {
	oneBottom := len(l.GetBottom()) == 1
	switch l.GetType() {
	case "Convolution", "Deconvolution":
		if l.GetConvolutionParam().GetBiasTerm() {
			return 2, "weights and bias", true
		}
		return 1, "weights", true
	case "InnerProduct":
		if l.GetInnerProductParam().GetBiasTerm() {
			return 2, "weights and bias", true
		}
		return 1, "weights", true
	case "BatchNorm":
		return 3, "mean, variance and moving-average factor", true
	case "Scale":
		want, what = 0, "no learned parameters"
		if oneBottom {
			want, what = 1, "scale"
		}
		if l.GetScaleParam().GetBiasTerm() {
			want++
			what = "scale and bias"
			if !oneBottom {
				what = "bias"
			}
		}
		return want, what, true
	case "Bias":
		if oneBottom {
			return 1, "bias", true
		}
		return 0, "no learned parameters", true
	case "PReLU":
		return 1, "slopes", true
	}
	return 0, "", false
}

// validateConvWeights checks a (de)convolution's weight shape against
// num_output, group and kernel, and its bias against num_output.
func validateConvWeights(l *LayerParameter, want int, n func(int) int) error {
	blobs := l.GetBlobs()
	p := l.GetConvolutionParam()
	out, g := int(p.GetNumOutput()), int(p.GetGroup())
	s := Shape(blobs[0])
	if len(s) < 3 {
		return fieldErr("", "blobs[0].shape", "%v, want [out in/group kernel...]", s)
	}
	if l.GetType() == "Convolution" && s[0] != out || l.GetType() == "Deconvolution" && s[1]*g != out {
		return fieldErr("", "blobs[0].shape", "%v does not match num_output %d", s, out)
	}
	if cg, err := ConvGeometry(p); err == nil && len(s) == 4 && (s[2] != cg.KernelH || s[3] != cg.KernelW) {
		return fieldErr("", "blobs[0].shape", "%v does not match kernel %dx%d", s, cg.KernelH, cg.KernelW)
	}
	if want == 2 && n(1) != out {
		return fieldErr("", "blobs[1].shape", "%v holds %d values, want num_output %d", Shape(blobs[1]), n(1), out)
	}
	return nil
}
