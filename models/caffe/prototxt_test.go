package caffe

import (
	"bytes"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
)

func parseString(t *testing.T, src string) *NetParameter {
	t.Helper()
	net, err := ParsePrototxt(strings.NewReader(src), "test.prototxt")
	if err != nil {
		t.Fatal(err)
	}
	return net
}

// TestParseTestdata parses the classic nets of testdata, written in the
// style of their published deploy and train_val files.
func TestParseTestdata(t *testing.T) {
	for _, tc := range []struct {
		file   string
		layers int
		check  func(t *testing.T, net *NetParameter)
	}{
		{"alexnet_deploy.prototxt", 24, func(t *testing.T, net *NetParameter) {
			conv2 := net.Layer[5]
			if conv2.GetName() != "conv2" || conv2.GetConvolutionParam().GetGroup() != 2 {
				t.Errorf("conv2 = %v", conv2)
			}
			if got := net.Layer[0].GetInputParam().GetShape()[0].GetDim(); len(got) != 4 || got[3] != 227 {
				t.Errorf("input shape %v", got)
			}
			if lr := net.Layer[1].GetParam()[1].GetLrMult(); lr != 2 {
				t.Errorf("conv1 bias lr_mult %v", lr)
			}
		}},
		{"nin_deploy.prototxt", 31, nil},
		{"squeezenet_v1.1_train_val.prototxt", 70, func(t *testing.T, net *NetParameter) {
			d := net.Layer[0]
			if d.GetInclude()[0].GetPhase() != Phase_TRAIN || d.GetDataParam().GetBackend() != DataParameter_LMDB ||
				len(d.GetTransformParam().GetMeanValue()) != 3 || !d.GetTransformParam().GetMirror() {
				t.Errorf("data layer %v", d)
			}
			last := net.Layer[len(net.Layer)-1]
			if last.GetAccuracyParam().GetTopK() != 5 {
				t.Errorf("accuracy_top5 %v", last)
			}
		}},
		{"googlenet_fragment.prototxt", 34, func(t *testing.T, net *NetParameter) {
			for _, l := range net.Layer {
				if l.GetName() == "loss1/loss" && (len(l.LossWeight) != 1 || l.LossWeight[0] != 0.3) {
					t.Errorf("loss_weight %v", l.LossWeight)
				}
			}
		}},
		{"mobilenet_v1_fragment.prototxt", 39, func(t *testing.T, net *NetParameter) {
			if len(net.InputDim) != 4 || net.Layer[1].GetBatchNormParam().GetEps() != 1e-5 ||
				!net.Layer[2].GetScaleParam().GetBiasTerm() ||
				net.Layer[4].GetConvolutionParam().GetEngine() != ConvolutionParameter_CAFFE {
				t.Errorf("mobilenet layers %v %v %v", net.Layer[1], net.Layer[2], net.Layer[4])
			}
		}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			net := mustParseFile(t, tc.file)
			if len(net.Layer) != tc.layers {
				t.Errorf("%d layers, want %d", len(net.Layer), tc.layers)
			}
			if tc.check != nil {
				tc.check(t, net)
			}
		})
	}
}

// TestLayerParams parses one layer of each kind and checks values,
// including Caffe's defaults for fields the text leaves out.
func TestLayerParams(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		check     func(l *LayerParameter) bool
	}{
		{"conv defaults", `type: "Convolution" convolution_param { num_output: 8 kernel_size: 3 }`, func(l *LayerParameter) bool {
			p := l.GetConvolutionParam()
			return p.GetGroup() == 1 && p.GetBiasTerm() && p.GetAxis() == 1 && p.GetEngine() == ConvolutionParameter_DEFAULT &&
				p.Group == nil && p.GetWeightFiller().GetType() == "constant"
		}},
		{"conv h/w", `type: "Convolution" convolution_param { num_output: 8 kernel_h: 3 kernel_w: 5 stride_h: 2 stride_w: 1 pad_h: 1 pad_w: 2 group: 2 bias_term: false }`, func(l *LayerParameter) bool {
			p := l.GetConvolutionParam()
			return p.GetKernelH() == 3 && p.GetKernelW() == 5 && p.GetGroup() == 2 && !p.GetBiasTerm() && p.GetPadW() == 2
		}},
		{"conv list syntax", `type: "Convolution" convolution_param { num_output: 8 kernel_size: [3, 5] dilation: 2 }`, func(l *LayerParameter) bool {
			p := l.GetConvolutionParam()
			return len(p.KernelSize) == 2 && p.KernelSize[1] == 5 && p.Dilation[0] == 2
		}},
		{"pooling defaults", `type: "Pooling" pooling_param { kernel_size: 3 }`, func(l *LayerParameter) bool {
			p := l.GetPoolingParam()
			return p.GetPool() == PoolingParameter_MAX && p.GetStride() == 1 && p.GetPad() == 0 &&
				p.GetRoundMode() == PoolingParameter_CEIL && !p.GetGlobalPooling()
		}},
		{"pooling AVE global floor", `type: "Pooling" pooling_param { pool: AVE global_pooling: true round_mode: FLOOR }`, func(l *LayerParameter) bool {
			p := l.GetPoolingParam()
			return p.GetPool() == PoolingParameter_AVE && p.GetGlobalPooling() && p.GetRoundMode() == PoolingParameter_FLOOR
		}},
		{"pooling enum by number", `type: "Pooling" pooling_param { pool: 2 kernel_size: 2 stride: 2 }`, func(l *LayerParameter) bool {
			return l.GetPoolingParam().GetPool() == PoolingParameter_STOCHASTIC
		}},
		{"LRN defaults", `type: "LRN"`, func(l *LayerParameter) bool {
			p := l.GetLrnParam()
			return p.GetLocalSize() == 5 && p.GetAlpha() == 1 && p.GetBeta() == 0.75 && p.GetK() == 1 &&
				p.GetNormRegion() == LRNParameter_ACROSS_CHANNELS
		}},
		{"LRN set", `type: "LRN" lrn_param { local_size: 3 alpha: 1e-4 beta: .75 k: 2. norm_region: WITHIN_CHANNEL }`, func(l *LayerParameter) bool {
			p := l.GetLrnParam()
			return p.GetLocalSize() == 3 && p.GetAlpha() == 1e-4 && p.GetBeta() == 0.75 && p.GetK() == 2 &&
				p.GetNormRegion() == LRNParameter_WITHIN_CHANNEL
		}},
		{"inner product", `type: "InnerProduct" inner_product_param { num_output: 10 weight_filler { type: "gaussian" std: 0.005 } }`, func(l *LayerParameter) bool {
			p := l.GetInnerProductParam()
			return p.GetNumOutput() == 10 && p.GetBiasTerm() && !p.GetTranspose() && p.GetWeightFiller().GetStd() == 0.005
		}},
		{"dropout default", `type: "Dropout"`, func(l *LayerParameter) bool { return l.GetDropoutParam().GetDropoutRatio() == 0.5 }},
		{"concat default", `type: "Concat"`, func(l *LayerParameter) bool { return l.GetConcatParam().GetAxis() == 1 }},
		{"softmax default", `type: "Softmax"`, func(l *LayerParameter) bool { return l.GetSoftmaxParam().GetAxis() == 1 }},
		{"batch norm defaults", `type: "BatchNorm"`, func(l *LayerParameter) bool {
			p := l.GetBatchNormParam()
			return p.GetEps() == 1e-5 && p.GetMovingAverageFraction() == 0.999 && !p.GetUseGlobalStats()
		}},
		{"scale defaults", `type: "Scale"`, func(l *LayerParameter) bool {
			p := l.GetScaleParam()
			return p.GetAxis() == 1 && p.GetNumAxes() == 1 && !p.GetBiasTerm()
		}},
		{"eltwise default SUM", `type: "Eltwise" bottom: "a" bottom: "b" eltwise_param { coeff: 1 coeff: -1 }`, func(l *LayerParameter) bool {
			return l.GetEltwiseParam().GetOperation() == EltwiseParameter_SUM && len(l.GetEltwiseParam().GetCoeff()) == 2
		}},
		{"relu leaky", `type: "ReLU" relu_param { negative_slope: 0.1 }`, func(l *LayerParameter) bool {
			return l.GetReluParam().GetNegativeSlope() == float32(0.1)
		}},
		{"input", `type: "Input" input_param { shape: { dim: [1, 3, 224, 224] } }`, func(l *LayerParameter) bool {
			return len(l.GetInputParam().GetShape()[0].GetDim()) == 4
		}},
		{"phase and include", `type: "Accuracy" phase: TEST include { phase: TEST min_level: 1 stage: "val" } accuracy_param { top_k: 5 }`, func(l *LayerParameter) bool {
			return l.GetPhase() == Phase_TEST && l.GetInclude()[0].GetStage()[0] == "val" && l.GetAccuracyParam().GetTopK() == 5
		}},
		{"single quotes and comments", "name: 'x' # a comment\n type: \"ReLU\"", func(l *LayerParameter) bool { return l.GetName() == "x" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			net := parseString(t, "layer { "+tc.src+" }")
			if !tc.check(net.Layer[0]) {
				t.Errorf("got %v", net.Layer[0])
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		kind      string
		fragments []string
	}{
		{"syntax error", "name: \"x\"\nlayer {\n  name: \"conv1\"\n  type: \"Convolution\" convolution_param { num_output: 96 kernel_size 11 }\n}",
			"format", []string{"test.prototxt:4:", `layer "conv1"`, "syntax error"}},
		{"unterminated", "layer {\n  name: \"a\"\n", "format", []string{"test.prototxt:3:", "syntax error"}},
		{"unknown field", "layer {\n  name: \"conv1\"\n  type: \"Convolution\"\n  convolution_param {\n    num_output: 8\n    kernel_sise: 3\n  }\n}",
			"format", []string{"test.prototxt:6:5", `layer "conv1"`, "convolution_param.kernel_sise", "unknown field"}},
		{"unknown top-level field", "name: \"n\"\nsolver_type: SGD\n", "format", []string{"test.prototxt:2:1", "solver_type: unknown field"}},
		{"unknown enum value", "layer { name: \"p\" type: \"Pooling\" pooling_param { pool: MIN kernel_size: 2 } }",
			"format", []string{"test.prototxt:1:", `layer "p"`, "pooling_param.pool", "MIN"}},
		{"negative uint", "layer { name: \"c\" type: \"Convolution\" convolution_param { num_output: -8 kernel_size: 3 } }",
			"format", []string{`layer "c"`, "convolution_param.num_output", "-8"}},
		{"repeated optional", "layer {\n name: \"c\"\n name: \"d\"\n}", "format", []string{"test.prototxt:3:2", "name", "repeated"}},
		{"V1 layers, upgraded then checked", "name: \"old\"\nlayers {\n  name: \"conv1\"\n  type: CONVOLUTION\n  blobs_lr: 1\n}\n",
			"format", []string{"test.prototxt:2:1", `layer "conv1": convolution_param.kernel_size: not set`}},
		{"V1 layers, upgraded", "layers { name: \"relu\" type: RELU }", "", nil},
		{"conv without kernel", "layer {\n  name: \"conv1\"\n  type: \"Convolution\"\n  convolution_param {\n    num_output: 96\n  }\n}",
			"format", []string{"test.prototxt:4:3", `layer "conv1": convolution_param.kernel_size: not set`}},
		{"conv kernel twice", "layer {\n  name: \"c\"\n  type: \"Convolution\"\n  convolution_param {\n    num_output: 96\n    kernel_size: 3\n    kernel_h: 3\n    kernel_w: 3\n  }\n}",
			"format", []string{"test.prototxt:6:5", "convolution_param.kernel_size: set together with kernel_h/kernel_w"}},
		{"conv zero stride", "layer { name: \"c\" type: \"Convolution\" convolution_param { num_output: 9 kernel_size: 3 stride: 0 } }",
			"format", []string{"convolution_param.stride: must be positive"}},
		{"conv group", "layer { name: \"c\" type: \"Convolution\" convolution_param { num_output: 9 kernel_size: 3 group: 2 } }",
			"format", []string{"convolution_param.group: num_output 9 is not a multiple of group 2"}},
		{"unnamed layer", "layer { type: \"Convolution\" }", "format", []string{"test.prototxt:1:1", "layer #0:", "convolution_param.kernel_size: not set"}},
		{"pool without kernel", "layer {\n  name: \"p\"\n  type: \"Pooling\"\n  pooling_param {\n    pool: MAX\n    stride: 2\n  }\n}",
			"format", []string{"test.prototxt:4:3", `layer "p": pooling_param.kernel_size: not set`}},
		{"pool global with kernel", "layer { name: \"p\" type: \"Pooling\" pooling_param { global_pooling: true kernel_size: 3 } }",
			"format", []string{"pooling_param.global_pooling"}},
		{"pool pad too large", "layer { name: \"p\" type: \"Pooling\" pooling_param { kernel_size: 2 pad: 2 } }",
			"format", []string{"pooling_param.pad: padding 2x2 must be smaller than the kernel 2x2"}},
		{"LRN even size", "layer { name: \"n\" type: \"LRN\" lrn_param { local_size: 4 } }",
			"format", []string{`layer "n": lrn_param.local_size: must be odd`}},
		{"input_dim count", "input: \"data\"\ninput_dim: 1\ninput_dim: 3\ninput_dim: 227\n",
			"format", []string{"test.prototxt:2:1", "input_dim: 3 values for 1 inputs"}},
		{"blob data short", "layer {\n  name: \"c\"\n  type: \"ReLU\"\n  blobs {\n    shape { dim: 2 dim: 3 }\n    data: 1\n    data: 2\n  }\n}",
			"format", []string{"test.prototxt:6:5", `layer "c": blobs[0].data: 2 values, shape [2 3] holds 6`}},
		{"eltwise coeff PROD", "layer { name: \"e\" type: \"Eltwise\" bottom: \"a\" bottom: \"b\" eltwise_param { operation: PROD coeff: 1 coeff: 2 } }",
			"format", []string{"eltwise_param.coeff: only allowed with operation SUM"}},
		{"N-D conv is let through by Validate", "layer { name: \"c\" type: \"Convolution\" convolution_param { num_output: 4 kernel_size: [3, 3, 3] } }",
			"", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			net, err := ParsePrototxt(strings.NewReader(tc.src), "test.prototxt")
			if tc.kind == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if net != nil {
				t.Errorf("a net and an error")
			}
			wantErr(t, err, tc.kind, tc.fragments...)
		})
	}
}

func TestParseLenient(t *testing.T) {
	src := `name: "fork"
layer {
  name: "data"
  type: "Data"
  transform_param { crop_size: 300 resize_param { height: 300 width: 300 } }
}
layer {
  name: "norm"
  type: "Normalize"
  norm_param { across_spatial: false }
}
layer {
  name: "p"
  type: "Pooling"
  pooling_param { kernel_size: 2 pad_fork: 1 }
}`
	if _, err := ParsePrototxt(strings.NewReader(src), "ssd.prototxt"); err == nil {
		t.Fatal("strict parse accepted unknown fields")
	}
	net, err := ParsePrototxtLenient(strings.NewReader(src), "ssd.prototxt")
	if err != nil {
		t.Fatal(err)
	}
	if len(net.Layer) != 3 || net.Layer[0].GetTransformParam().GetCropSize() != 300 || net.Layer[2].GetPoolingParam().GetPool() != PoolingParameter_MAX {
		t.Errorf("lenient parse %v", net)
	}
	// A V1 file is upgraded in lenient mode too, its unknown fields dropped.
	net, err = ParsePrototxtLenient(strings.NewReader("layers { name: \"x\" blobs_lr: 1 fork_param { a: 1 } }"), "v1.prototxt")
	if err != nil {
		t.Fatal(err)
	}
	if len(net.Layers) != 0 || len(net.Layer) != 1 || net.Layer[0].GetName() != "x" || net.Layer[0].Param[0].GetLrMult() != 1 {
		t.Errorf("lenient V1 parse %v", net)
	}
}

// spaces is an endless reader of blanks, of unknown size.
type spaces struct{}

func (spaces) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

func TestPrototxtTooLarge(t *testing.T) {
	// A reader of known size over the limit is refused before reading.
	_, err := ParsePrototxt(hugeReader{}, "big.prototxt")
	wantErr(t, err, "format", "big.prototxt: input too large")
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("%v is not ErrTooLarge", err)
	}
	// One of unknown size after reading one byte more than the limit
	// (tested with a small limit).
	if b, err := readAll(spaces{}, 1000); !errors.Is(err, ErrTooLarge) || len(b) > 1001 {
		t.Errorf("readAll of an endless reader: %d bytes, %v", len(b), err)
	}
	if b, err := readAll(io.LimitReader(spaces{}, 1000), 1000); err != nil || len(b) != 1000 {
		t.Errorf("readAll at the limit: %d bytes, %v", len(b), err)
	}
}

// TestWritePrototxt checks the exact output for a small net: Caffe's
// layout, fields in number order, shortest floats, escaped strings.
func TestWritePrototxt(t *testing.T) {
	net := parseString(t, `
layer {
  convolution_param { kernel_size: 3 num_output: 8 weight_filler { std: 1e-2 type: "gaussian" } }
  top: "c"
  type: "Convolution"
  name: "conv\t\"1\"é"
  bottom: "data"
}
input: "data"
input_shape { dim: 1 dim: 3 dim: 8 dim: 8 }
name: "tiny"
layer { name: "lrn" type: "LRN" lrn_param { alpha: 0.0001 beta: 0.75 } }
`)
	want := `name: "tiny"
input: "data"
input_shape {
  dim: 1
  dim: 3
  dim: 8
  dim: 8
}
layer {
  name: "conv\t\"1\"é"
  type: "Convolution"
  bottom: "data"
  top: "c"
  convolution_param {
    num_output: 8
    kernel_size: 3
    weight_filler {
      type: "gaussian"
      std: 0.01
    }
  }
}
layer {
  name: "lrn"
  type: "LRN"
  lrn_param {
    alpha: 0.0001
    beta: 0.75
  }
}
`
	var buf bytes.Buffer
	if err := WritePrototxt(&buf, net); err != nil {
		t.Fatal(err)
	}
	if buf.String() != want {
		t.Errorf("WritePrototxt:\n%s\nwant:\n%s", buf.String(), want)
	}
}

// TestPrototxtRoundTrip writes each testdata net and reads it back.
func TestPrototxtRoundTrip(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.prototxt")
	for _, f := range files {
		name := filepath.Base(f)
		if name == "nin_v1.prototxt" {
			continue
		}
		t.Run(name, func(t *testing.T) {
			net := mustParseFile(t, name)
			var a, b bytes.Buffer
			if err := WritePrototxt(&a, net); err != nil {
				t.Fatal(err)
			}
			back, err := ParsePrototxt(bytes.NewReader(a.Bytes()), "written")
			if err != nil {
				t.Fatal(err)
			}
			if !proto.Equal(net, back) {
				t.Fatal("written prototxt reads back different")
			}
			WritePrototxt(&b, back)
			if !bytes.Equal(a.Bytes(), b.Bytes()) {
				t.Fatal("WritePrototxt is not stable")
			}
		})
	}
}

// TestWriteSpecialValues round-trips floats and strings that need care.
func TestWriteSpecialValues(t *testing.T) {
	inf := float32(1) / float32(zero())
	net := &NetParameter{Name: proto.String("a\x00b\xffc\n'"), Layer: []*LayerParameter{{
		Name:       proto.String("l"),
		LossWeight: []float32{inf, -inf, 1e-45, 3.4028235e38, -0.0},
		Blobs:      []*BlobProto{{DoubleData: []float64{1e-300, 0.1}, Shape: &BlobShape{Dim: []int64{2}}}},
	}}}
	var buf bytes.Buffer
	if err := WritePrototxt(&buf, net); err != nil {
		t.Fatal(err)
	}
	back, err := ParsePrototxt(&buf, "special")
	if err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if !proto.Equal(net, back) {
		t.Errorf("got %v, want %v", back, net)
	}
}

func zero() int { return 0 }
