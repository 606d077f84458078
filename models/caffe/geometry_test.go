package caffe

import (
	"fmt"
	"strings"
	"testing"
)

func convParam(t *testing.T, text string) *ConvolutionParameter {
	t.Helper()
	net, err := ParsePrototxtLenient(strings.NewReader("layer { convolution_param { "+text+" } }"), "")
	if err != nil {
		t.Fatal(err)
	}
	return net.Layer[0].ConvolutionParam
}

func TestConvGeometry(t *testing.T) {
	for _, tc := range []struct {
		text string
		want string // "kh kw sh sw ph pw dh dw" or an error fragment
	}{
		{"kernel_size: 11 stride: 4", "11 11 4 4 0 0 1 1"},
		{"kernel_size: 3 pad: 1", "3 3 1 1 1 1 1 1"},
		{"kernel_size: 3 kernel_size: 5 stride: 1 stride: 2 pad: 0 pad: 2 dilation: 2 dilation: 3", "3 5 1 2 0 2 2 3"},
		{"kernel_h: 1 kernel_w: 7 pad_h: 0 pad_w: 3 stride_h: 2 stride_w: 1", "1 7 2 1 0 3 1 1"},
		{"kernel_h: 3 kernel_w: 3 stride: 2", "3 3 2 2 0 0 1 1"},
		{"kernel_size: 3 pad_h: 1", "3 3 1 1 1 0 1 1"},
		{"", "convolution_param.kernel_size: not set"},
		{"kernel_h: 3", "convolution_param.kernel_h: must be positive, have 3x0"},
		{"kernel_size: 0", "convolution_param.kernel_size: must be positive"},
		{"kernel_size: 3 kernel_h: 3 kernel_w: 3", "convolution_param.kernel_size: set together with kernel_h/kernel_w"},
		{"kernel_size: 3 stride: 1 stride_h: 1", "convolution_param.stride: set together with stride_h/stride_w"},
		{"kernel_size: 3 pad: 1 pad_w: 1", "convolution_param.pad: set together"},
		{"kernel_size: 3 stride_h: 0 stride_w: 1", "convolution_param.stride_h: must be positive"},
		{"kernel_size: 3 dilation: 0", "convolution_param.dilation: must be positive"},
		{"kernel_size: [3, 3, 3]", "convolution_param.kernel_size: unsupported: 3 values (N-D convolution)"},
	} {
		t.Run(tc.text, func(t *testing.T) {
			g, err := ConvGeometry(convParam(t, tc.text))
			got := fmt.Sprint(g.KernelH, g.KernelW, g.StrideH, g.StrideW, g.PadH, g.PadW, g.DilationH, g.DilationW)
			if err != nil {
				got = err.Error()
			}
			if !strings.Contains(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	if _, err := ConvGeometry(nil); err == nil {
		t.Error("ConvGeometry(nil) accepted")
	}
}

func TestPoolGeometry(t *testing.T) {
	for _, tc := range []struct {
		text string
		want string // "kh kw sh sw ph pw global" or an error fragment
	}{
		{"pool: MAX kernel_size: 3 stride: 2", "3 3 2 2 0 0 false"},
		{"kernel_size: 3", "3 3 1 1 0 0 false"},
		{"pool: AVE global_pooling: true", "0 0 1 1 0 0 true"},
		{"kernel_h: 2 kernel_w: 4 stride_h: 1 stride_w: 2 pad_h: 1 pad_w: 0", "2 4 1 2 1 0 false"},
		{"kernel_size: 3 stride: 1 pad: 1", "3 3 1 1 1 1 false"},
		{"", "pooling_param.kernel_size: not set"},
		{"kernel_h: 3", "pooling_param.kernel_h: kernel_h and kernel_w must be set together"},
		{"kernel_size: 3 kernel_h: 3 kernel_w: 3", "pooling_param.kernel_size: set together"},
		{"global_pooling: true kernel_size: 2", "pooling_param.global_pooling: kernel size may not be set"},
		{"global_pooling: true stride: 2", "pooling_param.global_pooling: needs pad 0 and stride 1"},
		{"kernel_size: 2 pad_h: 1", "pooling_param.pad: give pad, or both pad_h and pad_w"},
		{"kernel_size: 2 pad: 1 pad_h: 1 pad_w: 1", "pooling_param.pad: give pad"},
		{"kernel_size: 2 stride_w: 1", "pooling_param.stride: give stride, or both"},
		{"kernel_size: 2 stride: 0", "pooling_param.stride: must be positive"},
		{"kernel_size: 0", "pooling_param.kernel_size: must be positive"},
		{"pool: STOCHASTIC kernel_size: 3 pad: 1", "pooling_param.pad: padding needs MAX or AVE"},
		{"kernel_size: 3 pad: 3", "pooling_param.pad: padding 3x3 must be smaller than the kernel 3x3"},
	} {
		t.Run(tc.text, func(t *testing.T) {
			net, err := ParsePrototxtLenient(strings.NewReader("layer { pooling_param { "+tc.text+" } }"), "")
			if err != nil {
				t.Fatal(err)
			}
			g, err := PoolGeometry(net.Layer[0].PoolingParam)
			got := fmt.Sprint(g.KernelH, g.KernelW, g.StrideH, g.StrideW, g.PadH, g.PadW, g.Global)
			if err != nil {
				got = err.Error()
			}
			if !strings.Contains(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestOutputSizes checks the output-size helpers on the published shapes
// of AlexNet (227 → 55 → 27 → 13 → 6), GoogLeNet's stem (224 → 112 → 56)
// and SqueezeNet v1.0 (224 → 109 → 54), and Caffe's ceil rounding and
// padding rule.
func TestOutputSizes(t *testing.T) {
	for _, tc := range []struct {
		name      string
		got, want int
	}{
		{"AlexNet conv1", ConvOutputSize(227, 11, 4, 0, 1), 55},
		{"AlexNet conv2", ConvOutputSize(27, 5, 1, 2, 1), 27},
		{"GoogLeNet conv1", ConvOutputSize(224, 7, 2, 3, 1), 112},
		{"SqueezeNet v1.0 conv1", ConvOutputSize(224, 7, 2, 0, 1), 109},
		{"dilated", ConvOutputSize(10, 3, 1, 0, 2), 6},
		{"kernel too large", ConvOutputSize(2, 5, 1, 0, 1), -2},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: got %d, want %d", tc.name, tc.got, tc.want)
		}
	}
	for _, tc := range []struct {
		name        string
		in, k, s, p int
		round       PoolingParameter_RoundMode
		want        int
	}{
		{"AlexNet pool1", 55, 3, 2, 0, PoolingParameter_CEIL, 27},
		{"AlexNet pool5", 13, 3, 2, 0, PoolingParameter_CEIL, 6},
		{"GoogLeNet pool1 (ceil)", 112, 3, 2, 0, PoolingParameter_CEIL, 56},
		{"GoogLeNet pool1 floor", 112, 3, 2, 0, PoolingParameter_FLOOR, 55},
		{"SqueezeNet v1.0 pool1", 109, 3, 2, 0, PoolingParameter_CEIL, 54},
		{"inception pool, pad 1", 28, 3, 1, 1, PoolingParameter_CEIL, 28},
		{"last window in the padding is dropped", 5, 2, 2, 1, PoolingParameter_CEIL, 3},
		{"NIN pool4 6x6 on 6", 6, 6, 1, 0, PoolingParameter_CEIL, 1},
		{"kernel larger than input", 2, 3, 1, 0, PoolingParameter_FLOOR, 0},
	} {
		oh, ow := PoolOutputSize(tc.in, tc.in, tc.k, tc.k, tc.s, tc.s, tc.p, tc.p, tc.round)
		if oh != tc.want || ow != tc.want {
			t.Errorf("%s: got %dx%d, want %d", tc.name, oh, ow, tc.want)
		}
	}
	// One padded axis applies the padding rule to both (Caffe tests
	// "pad_h || pad_w").
	if oh, ow := PoolOutputSize(5, 6, 1, 2, 3, 2, 0, 1, PoolingParameter_CEIL); oh != 2 || ow != 4 {
		t.Errorf("asymmetric padding: got %dx%d, want 2x4", oh, ow)
	}
}

func TestShape(t *testing.T) {
	for _, tc := range []struct {
		b    *BlobProto
		want string
	}{
		{nil, "[]"},
		{&BlobProto{}, "[]"},
		{&BlobProto{Shape: &BlobShape{Dim: []int64{96, 3, 11, 11}}}, "[96 3 11 11]"},
		{&BlobProto{Num: new(int32(1)), Channels: new(int32(2)), Height: new(int32(3)), Width: new(int32(4))}, "[1 2 3 4]"},
		{&BlobProto{Width: new(int32(10))}, "[0 0 0 10]"},
		// The legacy fields win, as in Caffe's Blob::FromProto.
		{&BlobProto{Channels: new(int32(5)), Shape: &BlobShape{Dim: []int64{7}}}, "[0 5 0 0]"},
	} {
		if got := fmt.Sprint(Shape(tc.b)); got != tc.want {
			t.Errorf("Shape(%v) = %s, want %s", tc.b, got, tc.want)
		}
	}
}
