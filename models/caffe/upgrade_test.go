package caffe

import (
	"bytes"
	"io"
	"os"
	"runtime"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
)

// legacyBlob returns a blob with a 2014-style 4-D shape (num, channels,
// height, width, no BlobShape) and deterministic data starting at base.
func legacyBlob(base float32, num, channels, height, width int32) *BlobProto {
	data := make([]float32, num*channels*height*width)
	for i := range data {
		data[i] = base + float32(i)/1024
	}
	return &BlobProto{Num: proto.Int32(num), Channels: proto.Int32(channels),
		Height: proto.Int32(height), Width: proto.Int32(width), Data: data}
}

// v1SmallNet is a small trained net in the V1 format, laid out like the
// 2014 BVLC CaffeNet train_val with a NIN-style 1x1 block: train and test
// data layers with the legacy transformation fields in data_param, then
// CONVOLUTION, RELU, LRN, POOLING, CONCAT, INNER_PRODUCT, DROPOUT,
// ELTWISE, SOFTMAX_LOSS, ACCURACY and SOFTMAX, with blobs_lr and
// weight_decay and blobs in legacy 4-D shapes.
func v1SmallNet() *NetParameter {
	s := proto.String
	u := proto.Uint32
	f := proto.Float32
	train, test := []*NetStateRule{{Phase: Phase_TRAIN.Enum()}}, []*NetStateRule{{Phase: Phase_TEST.Enum()}}
	layer := func(name string, t V1LayerParameter_LayerType, bottom, top []string) *V1LayerParameter {
		return &V1LayerParameter{Name: s(name), Type: t.Enum(), Bottom: bottom, Top: top}
	}
	learned := func(l *V1LayerParameter) *V1LayerParameter {
		l.BlobsLr, l.WeightDecay = []float32{1, 2}, []float32{1, 0}
		return l
	}
	l := []*V1LayerParameter{
		layer("data", V1LayerParameter_DATA, nil, []string{"data", "label"}),
		layer("data", V1LayerParameter_DATA, nil, []string{"data", "label"}),
		learned(layer("conv1", V1LayerParameter_CONVOLUTION, []string{"data"}, []string{"conv1"})),
		layer("relu1", V1LayerParameter_RELU, []string{"conv1"}, []string{"conv1"}),
		layer("norm1", V1LayerParameter_LRN, []string{"conv1"}, []string{"norm1"}),
		layer("pool1", V1LayerParameter_POOLING, []string{"norm1"}, []string{"pool1"}),
		learned(layer("cccp1", V1LayerParameter_CONVOLUTION, []string{"pool1"}, []string{"cccp1"})),
		layer("cccp2", V1LayerParameter_CONVOLUTION, []string{"pool1"}, []string{"cccp2"}),
		layer("concat", V1LayerParameter_CONCAT, []string{"cccp1", "cccp2"}, []string{"concat"}),
		learned(layer("fc6", V1LayerParameter_INNER_PRODUCT, []string{"concat"}, []string{"fc6"})),
		layer("relu6", V1LayerParameter_RELU, []string{"fc6"}, []string{"fc6"}),
		layer("drop6", V1LayerParameter_DROPOUT, []string{"fc6"}, []string{"fc6"}),
		learned(layer("fc7", V1LayerParameter_INNER_PRODUCT, []string{"fc6"}, []string{"fc7"})),
		layer("diff", V1LayerParameter_ELTWISE, []string{"fc7", "fc7"}, []string{"diff"}),
		layer("loss", V1LayerParameter_SOFTMAX_LOSS, []string{"fc7", "label"}, []string{"loss"}),
		layer("accuracy", V1LayerParameter_ACCURACY, []string{"fc7", "label"}, []string{"accuracy"}),
		layer("prob", V1LayerParameter_SOFTMAX, []string{"fc7"}, []string{"prob"}),
	}
	l[0].Include = train
	l[0].DataParam = &DataParameter{Source: s("train_lmdb"), Backend: DataParameter_LMDB.Enum(), BatchSize: u(4),
		MeanFile: s("mean.binaryproto"), CropSize: u(8), Mirror: proto.Bool(true)}
	l[1].Include = test
	l[1].DataParam = &DataParameter{Source: s("val_lmdb"), Backend: DataParameter_LMDB.Enum(), BatchSize: u(2), CropSize: u(8)}
	l[1].TransformParam = &TransformationParameter{CropSize: u(10), MeanValue: []float32{104, 117, 123}}
	l[2].ConvolutionParam = &ConvolutionParameter{NumOutput: u(4), KernelSize: []uint32{3}, Stride: []uint32{2},
		WeightFiller: &FillerParameter{Type: s("gaussian"), Std: f(0.01)}, BiasFiller: &FillerParameter{Type: s("constant")}}
	l[2].Blobs = []*BlobProto{legacyBlob(0.5, 4, 3, 3, 3), legacyBlob(-0.5, 1, 1, 1, 4)}
	l[4].LrnParam = &LRNParameter{LocalSize: u(3), Alpha: f(1e-4), Beta: f(0.75)}
	l[5].PoolingParam = &PoolingParameter{Pool: PoolingParameter_MAX.Enum(), KernelSize: u(2), Stride: u(2)}
	l[6].ConvolutionParam = &ConvolutionParameter{NumOutput: u(2), KernelSize: []uint32{1}}
	l[6].Blobs = []*BlobProto{legacyBlob(1, 2, 4, 1, 1), legacyBlob(2, 1, 1, 1, 2)}
	l[7].ConvolutionParam = &ConvolutionParameter{NumOutput: u(2), KernelSize: []uint32{1}, BiasTerm: proto.Bool(false)}
	l[7].Blobs = []*BlobProto{legacyBlob(3, 2, 4, 1, 1)}
	l[7].Param = []string{"shared_w"}
	l[7].BlobShareMode = []V1LayerParameter_DimCheckMode{V1LayerParameter_PERMISSIVE}
	l[8].ConcatParam = &ConcatParameter{ConcatDim: u(1)}
	l[9].InnerProductParam = &InnerProductParameter{NumOutput: u(5)}
	l[9].Blobs = []*BlobProto{legacyBlob(4, 1, 1, 5, 16), legacyBlob(5, 1, 1, 1, 5)}
	l[10].ReluParam = &ReLUParameter{NegativeSlope: f(0.1)}
	l[11].DropoutParam = &DropoutParameter{DropoutRatio: f(0.5)}
	l[12].InnerProductParam = &InnerProductParameter{NumOutput: u(3)}
	l[12].Blobs = []*BlobProto{legacyBlob(6, 1, 1, 3, 5), legacyBlob(7, 1, 1, 1, 3)}
	l[13].EltwiseParam = &EltwiseParameter{Operation: EltwiseParameter_SUM.Enum(), Coeff: []float32{1, -1}}
	l[14].LossWeight = []float32{1}
	l[15].Include = test
	l[15].AccuracyParam = &AccuracyParameter{TopK: u(1)}
	l[16].Exclude = train
	return &NetParameter{Name: s("caffenet_v1"), Layers: l}
}

// v2SmallNet is v1SmallNet in the current format, written by hand as
// Caffe's upgrade_net_proto_binary writes it.
func v2SmallNet() *NetParameter {
	s := proto.String
	u := proto.Uint32
	f := proto.Float32
	train, test := []*NetStateRule{{Phase: Phase_TRAIN.Enum()}}, []*NetStateRule{{Phase: Phase_TEST.Enum()}}
	learnedParams := func() []*ParamSpec {
		return []*ParamSpec{{LrMult: f(1), DecayMult: f(1)}, {LrMult: f(2), DecayMult: f(0)}}
	}
	return &NetParameter{Name: s("caffenet_v1"), Layer: []*LayerParameter{
		{Name: s("data"), Type: s("Data"), Top: []string{"data", "label"}, Include: train,
			DataParam:      &DataParameter{Source: s("train_lmdb"), Backend: DataParameter_LMDB.Enum(), BatchSize: u(4)},
			TransformParam: &TransformationParameter{MeanFile: s("mean.binaryproto"), CropSize: u(8), Mirror: proto.Bool(true)}},
		{Name: s("data"), Type: s("Data"), Top: []string{"data", "label"}, Include: test,
			DataParam:      &DataParameter{Source: s("val_lmdb"), Backend: DataParameter_LMDB.Enum(), BatchSize: u(2)},
			TransformParam: &TransformationParameter{CropSize: u(8), MeanValue: []float32{104, 117, 123}}},
		{Name: s("conv1"), Type: s("Convolution"), Bottom: []string{"data"}, Top: []string{"conv1"}, Param: learnedParams(),
			ConvolutionParam: &ConvolutionParameter{NumOutput: u(4), KernelSize: []uint32{3}, Stride: []uint32{2},
				WeightFiller: &FillerParameter{Type: s("gaussian"), Std: f(0.01)}, BiasFiller: &FillerParameter{Type: s("constant")}},
			Blobs: []*BlobProto{legacyBlob(0.5, 4, 3, 3, 3), legacyBlob(-0.5, 1, 1, 1, 4)}},
		{Name: s("relu1"), Type: s("ReLU"), Bottom: []string{"conv1"}, Top: []string{"conv1"}},
		{Name: s("norm1"), Type: s("LRN"), Bottom: []string{"conv1"}, Top: []string{"norm1"},
			LrnParam: &LRNParameter{LocalSize: u(3), Alpha: f(1e-4), Beta: f(0.75)}},
		{Name: s("pool1"), Type: s("Pooling"), Bottom: []string{"norm1"}, Top: []string{"pool1"},
			PoolingParam: &PoolingParameter{Pool: PoolingParameter_MAX.Enum(), KernelSize: u(2), Stride: u(2)}},
		{Name: s("cccp1"), Type: s("Convolution"), Bottom: []string{"pool1"}, Top: []string{"cccp1"}, Param: learnedParams(),
			ConvolutionParam: &ConvolutionParameter{NumOutput: u(2), KernelSize: []uint32{1}},
			Blobs:            []*BlobProto{legacyBlob(1, 2, 4, 1, 1), legacyBlob(2, 1, 1, 1, 2)}},
		{Name: s("cccp2"), Type: s("Convolution"), Bottom: []string{"pool1"}, Top: []string{"cccp2"},
			Param:            []*ParamSpec{{Name: s("shared_w"), ShareMode: ParamSpec_PERMISSIVE.Enum()}},
			ConvolutionParam: &ConvolutionParameter{NumOutput: u(2), KernelSize: []uint32{1}, BiasTerm: proto.Bool(false)},
			Blobs:            []*BlobProto{legacyBlob(3, 2, 4, 1, 1)}},
		{Name: s("concat"), Type: s("Concat"), Bottom: []string{"cccp1", "cccp2"}, Top: []string{"concat"},
			ConcatParam: &ConcatParameter{ConcatDim: u(1)}},
		{Name: s("fc6"), Type: s("InnerProduct"), Bottom: []string{"concat"}, Top: []string{"fc6"}, Param: learnedParams(),
			InnerProductParam: &InnerProductParameter{NumOutput: u(5)},
			Blobs:             []*BlobProto{legacyBlob(4, 1, 1, 5, 16), legacyBlob(5, 1, 1, 1, 5)}},
		{Name: s("relu6"), Type: s("ReLU"), Bottom: []string{"fc6"}, Top: []string{"fc6"},
			ReluParam: &ReLUParameter{NegativeSlope: f(0.1)}},
		{Name: s("drop6"), Type: s("Dropout"), Bottom: []string{"fc6"}, Top: []string{"fc6"},
			DropoutParam: &DropoutParameter{DropoutRatio: f(0.5)}},
		{Name: s("fc7"), Type: s("InnerProduct"), Bottom: []string{"fc6"}, Top: []string{"fc7"}, Param: learnedParams(),
			InnerProductParam: &InnerProductParameter{NumOutput: u(3)},
			Blobs:             []*BlobProto{legacyBlob(6, 1, 1, 3, 5), legacyBlob(7, 1, 1, 1, 3)}},
		{Name: s("diff"), Type: s("Eltwise"), Bottom: []string{"fc7", "fc7"}, Top: []string{"diff"},
			EltwiseParam: &EltwiseParameter{Operation: EltwiseParameter_SUM.Enum(), Coeff: []float32{1, -1}}},
		{Name: s("loss"), Type: s("SoftmaxWithLoss"), Bottom: []string{"fc7", "label"}, Top: []string{"loss"}, LossWeight: []float32{1}},
		{Name: s("accuracy"), Type: s("Accuracy"), Bottom: []string{"fc7", "label"}, Top: []string{"accuracy"}, Include: test,
			AccuracyParam: &AccuracyParameter{TopK: u(1)}},
		{Name: s("prob"), Type: s("Softmax"), Bottom: []string{"fc7"}, Top: []string{"prob"}, Exclude: train},
	}}
}

func encodeV1(t testing.TB, net *NetParameter) []byte {
	t.Helper()
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(net)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestUpgradeV1TypeNames checks that every value of the V1 LayerType enum
// has its V2 name, and the names Caffe gives the common ones.
func TestUpgradeV1TypeNames(t *testing.T) {
	values := V1LayerParameter_NONE.Descriptor().Values()
	for i := range values.Len() {
		v := V1LayerParameter_LayerType(values.Get(i).Number())
		if _, ok := v1TypeNames[v]; !ok {
			t.Errorf("V1 type %v has no V2 name", v)
		}
	}
	if len(v1TypeNames) != values.Len() {
		t.Errorf("%d V2 names for %d V1 types", len(v1TypeNames), values.Len())
	}
	for _, tc := range []struct {
		v1 V1LayerParameter_LayerType
		v2 string
	}{
		{V1LayerParameter_CONVOLUTION, "Convolution"}, {V1LayerParameter_INNER_PRODUCT, "InnerProduct"},
		{V1LayerParameter_POOLING, "Pooling"}, {V1LayerParameter_RELU, "ReLU"}, {V1LayerParameter_LRN, "LRN"},
		{V1LayerParameter_DROPOUT, "Dropout"}, {V1LayerParameter_CONCAT, "Concat"}, {V1LayerParameter_SOFTMAX, "Softmax"},
		{V1LayerParameter_SOFTMAX_LOSS, "SoftmaxWithLoss"}, {V1LayerParameter_DATA, "Data"},
		{V1LayerParameter_ACCURACY, "Accuracy"}, {V1LayerParameter_ELTWISE, "Eltwise"}, {V1LayerParameter_FLATTEN, "Flatten"},
		{V1LayerParameter_SPLIT, "Split"}, {V1LayerParameter_SLICE, "Slice"}, {V1LayerParameter_SIGMOID, "Sigmoid"},
		{V1LayerParameter_TANH, "TanH"}, {V1LayerParameter_POWER, "Power"}, {V1LayerParameter_ABSVAL, "AbsVal"},
		{V1LayerParameter_BNLL, "BNLL"}, {V1LayerParameter_ARGMAX, "ArgMax"}, {V1LayerParameter_THRESHOLD, "Threshold"},
		{V1LayerParameter_MEMORY_DATA, "MemoryData"}, {V1LayerParameter_IMAGE_DATA, "ImageData"},
		{V1LayerParameter_HDF5_DATA, "HDF5Data"}, {V1LayerParameter_DUMMY_DATA, "DummyData"},
		{V1LayerParameter_DECONVOLUTION, "Deconvolution"}, {V1LayerParameter_EXP, "Exp"},
		{V1LayerParameter_EUCLIDEAN_LOSS, "EuclideanLoss"}, {V1LayerParameter_SILENCE, "Silence"},
		{V1LayerParameter_IM2COL, "Im2col"}, {V1LayerParameter_WINDOW_DATA, "WindowData"}, {V1LayerParameter_NONE, ""},
	} {
		net := &NetParameter{Layers: []*V1LayerParameter{{Name: proto.String("l"), Type: tc.v1.Enum()}}}
		if err := UpgradeV1(net); err != nil {
			t.Errorf("%v: %v", tc.v1, err)
			continue
		}
		if l := net.Layer[0]; l.Type == nil || l.GetType() != tc.v2 {
			t.Errorf("%v → %q, want %q", tc.v1, l.GetType(), tc.v2)
		}
	}
	// A layer without a type stays without one.
	net := &NetParameter{Layers: []*V1LayerParameter{{Name: proto.String("l")}}}
	if err := UpgradeV1(net); err != nil || net.Layer[0].Type != nil {
		t.Errorf("untyped layer: %v, type %v", err, net.Layer[0].Type)
	}
}

// TestUpgradeV1Caffemodel reads a V1 .caffemodel and checks the upgraded
// net field by field and against the hand-written V2 equivalent.
func TestUpgradeV1Caffemodel(t *testing.T) {
	data := encodeV1(t, v1SmallNet())
	want := v2SmallNet()
	for _, r := range []io.Reader{bytes.NewReader(data), struct{ io.Reader }{bytes.NewReader(data)}} {
		got, err := ReadCaffemodel(r, "v1.caffemodel")
		if err != nil {
			t.Fatalf("%T: %v", r, err)
		}
		if len(got.Layers) != 0 || len(got.Layer) != len(want.Layer) {
			t.Fatalf("%T: %d V1 and %d V2 layers, want 0 and %d", r, len(got.Layers), len(got.Layer), len(want.Layer))
		}
		if !proto.Equal(got, want) {
			t.Errorf("%T: upgraded net differs from the V2 equivalent:\n%v", r, got)
		}
	}
	got, err := ReadCaffemodel(bytes.NewReader(data), "v1.caffemodel")
	if err != nil {
		t.Fatal(err)
	}
	wantTypes := []string{"Data", "Data", "Convolution", "ReLU", "LRN", "Pooling", "Convolution", "Convolution", "Concat",
		"InnerProduct", "ReLU", "Dropout", "InnerProduct", "Eltwise", "SoftmaxWithLoss", "Accuracy", "Softmax"}
	for i, l := range got.Layer {
		if l.GetType() != wantTypes[i] || l.GetName() != v1SmallNet().Layers[i].GetName() {
			t.Errorf("layer %d: %q %q, want %q %q", i, l.GetName(), l.GetType(), v1SmallNet().Layers[i].GetName(), wantTypes[i])
		}
	}
	byName := func(name string) *LayerParameter {
		for _, l := range got.Layer {
			if l.GetName() == name {
				return l
			}
		}
		t.Fatalf("no layer %q", name)
		return nil
	}
	for _, tc := range []struct {
		name  string
		check func() bool
	}{
		{"conv1 lr_mult and decay_mult", func() bool {
			p := byName("conv1").Param
			return len(p) == 2 && p[0].GetLrMult() == 1 && p[0].GetDecayMult() == 1 && p[1].GetLrMult() == 2 && p[1].GetDecayMult() == 0
		}},
		{"conv1 weights keep their legacy 4-D shape", func() bool {
			b := byName("conv1").Blobs[0]
			return b.Shape == nil && b.GetNum() == 4 && b.GetChannels() == 3 && b.GetHeight() == 3 && b.GetWidth() == 3 && len(b.Data) == 108
		}},
		{"conv1 bias 1x1x1x4", func() bool { s := Shape(byName("conv1").Blobs[1]); return len(s) == 4 && s[3] == 4 }},
		{"conv1 geometry", func() bool {
			p := byName("conv1").GetConvolutionParam()
			return p.GetNumOutput() == 4 && p.KernelSize[0] == 3 && p.Stride[0] == 2 && p.GetWeightFiller().GetStd() == 0.01
		}},
		{"fc6 weights 1x1x5x16", func() bool { s := Shape(byName("fc6").Blobs[0]); return s[2] == 5 && s[3] == 16 }},
		{"cccp2 param name and share mode, no lr", func() bool {
			p := byName("cccp2").Param
			return len(p) == 1 && p[0].GetName() == "shared_w" && p[0].GetShareMode() == ParamSpec_PERMISSIVE && p[0].LrMult == nil
		}},
		{"train data: legacy transformation moved", func() bool {
			l := got.Layer[0]
			d, tp := l.GetDataParam(), l.GetTransformParam()
			return d.MeanFile == nil && d.CropSize == nil && d.Mirror == nil && d.GetSource() == "train_lmdb" &&
				tp.GetMeanFile() == "mean.binaryproto" && tp.GetCropSize() == 8 && tp.GetMirror()
		}},
		{"test data: crop_size overrides transform_param's", func() bool {
			tp := got.Layer[1].GetTransformParam()
			return tp.GetCropSize() == 8 && len(tp.MeanValue) == 3 && got.Layer[1].GetDataParam().CropSize == nil
		}},
		{"include and exclude rules", func() bool {
			return got.Layer[0].Include[0].GetPhase() == Phase_TRAIN && byName("accuracy").Include[0].GetPhase() == Phase_TEST &&
				byName("prob").Exclude[0].GetPhase() == Phase_TRAIN
		}},
		{"loss_weight", func() bool { return len(byName("loss").LossWeight) == 1 && byName("loss").LossWeight[0] == 1 }},
		{"concat_dim", func() bool { return byName("concat").GetConcatParam().ConcatDim != nil }},
		{"LRN, pooling, ReLU, dropout, eltwise parameters", func() bool {
			return byName("norm1").GetLrnParam().GetLocalSize() == 3 && byName("pool1").GetPoolingParam().GetKernelSize() == 2 &&
				byName("relu6").GetReluParam().GetNegativeSlope() == 0.1 && byName("drop6").GetDropoutParam().GetDropoutRatio() == 0.5 &&
				len(byName("diff").GetEltwiseParam().GetCoeff()) == 2
		}},
	} {
		if !tc.check() {
			t.Errorf("%s: wrong", tc.name)
		}
	}
	if err := Validate(got); err != nil {
		t.Errorf("upgraded net fails Validate: %v", err)
	}

	// The streaming decoder reads field 2 as proto.Unmarshal does.
	sn, serr := decodeStream(bytes.NewReader(data), int64(len(data)))
	bn, berr := decodeBuffer(bytes.NewReader(data))
	if serr != nil || berr != nil || !proto.Equal(sn, bn) || len(sn.Layers) != len(want.Layer) {
		t.Errorf("decodeStream and decodeBuffer differ on a V1 file: %v / %v", serr, berr)
	}

	// Writing gives V2, whether from the upgraded net, the hand-written
	// V2 net or the V1 net itself, which stays unchanged.
	var fromRead, fromV2, fromV1 bytes.Buffer
	v1 := v1SmallNet()
	for _, w := range []struct {
		buf *bytes.Buffer
		net *NetParameter
	}{{&fromRead, got}, {&fromV2, want}, {&fromV1, v1}} {
		if err := WriteCaffemodel(w.buf, w.net); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(fromRead.Bytes(), fromV2.Bytes()) || !bytes.Equal(fromV1.Bytes(), fromV2.Bytes()) {
		t.Error("WriteCaffemodel of the V1, upgraded and V2 nets differ")
	}
	if !proto.Equal(v1, v1SmallNet()) {
		t.Error("WriteCaffemodel changed the V1 net it was given")
	}
	var back NetParameter
	if err := proto.Unmarshal(fromV1.Bytes(), &back); err != nil || len(back.Layers) != 0 || !proto.Equal(&back, want) {
		t.Errorf("written file is not the V2 net: %v", err)
	}
}

// TestUpgradeV1MovesBlobs checks that UpgradeV1 moves blobs rather than
// copying them, and that reading a V1 file costs no more memory than
// reading its V2 equivalent: the streaming decoder holds one copy.
func TestUpgradeV1MovesBlobs(t *testing.T) {
	net := v1SmallNet()
	big := legacyBlob(0, 1, 1, 1024, 1024) // 4 MiB
	net.Layers[12].Blobs[0] = big
	net.Layers[12].InnerProductParam.NumOutput = proto.Uint32(1024)
	net.Layers[12].Blobs[1] = legacyBlob(0, 1, 1, 1, 1024)
	// protobuf-go sets up each message type's reflection on first use:
	// do that before measuring.
	if err := UpgradeV1(v1SmallNet()); err != nil {
		t.Fatal(err)
	}
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	if err := UpgradeV1(net); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&m1)
	if net.Layers != nil || net.Layer[12].Blobs[0] != big || &net.Layer[12].Blobs[0].Data[0] != &big.Data[0] {
		t.Error("blobs were not moved")
	}
	if n := m1.TotalAlloc - m0.TotalAlloc; n > 1<<20 { // a copy would be 4 MiB
		t.Errorf("UpgradeV1 allocated %d bytes for a net with 4 MiB of weights", n)
	}

	v1 := v1SmallNet()
	v1.Layers[12].Blobs[0] = big
	v1.Layers[12].InnerProductParam.NumOutput = proto.Uint32(1024)
	v1.Layers[12].Blobs[1] = legacyBlob(0, 1, 1, 1, 1024)
	v1Data := encodeV1(t, v1)
	v2Data := encodeV1(t, net)
	alloc := func(data []byte) uint64 {
		runtime.GC()
		runtime.ReadMemStats(&m0)
		if _, err := ReadCaffemodel(bytes.NewReader(data), "m.caffemodel"); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&m1)
		return m1.TotalAlloc - m0.TotalAlloc
	}
	a1, a2 := alloc(v1Data), alloc(v2Data)
	t.Logf("reading %d bytes: V1 allocates %d bytes, V2 %d", len(v1Data), a1, a2)
	if a1 > a2+a2/10+64<<10 {
		t.Errorf("reading the V1 file allocates %d bytes, the V2 file %d", a1, a2)
	}
}

// TestUpgradeV1Prototxt parses a V1 deploy file in the style of the
// original NIN release and compares it with its V2 equivalent.
func TestUpgradeV1Prototxt(t *testing.T) {
	src, err := os.ReadFile("testdata/nin_v1.prototxt")
	if err != nil {
		t.Fatal(err)
	}
	want := mustParseFile(t, "nin_v1_upgraded.prototxt")
	for _, parse := range []func(io.Reader, string) (*NetParameter, error){ParsePrototxt, ParsePrototxtLenient} {
		got, err := parse(bytes.NewReader(src), "nin_v1.prototxt")
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Layers) != 0 || !proto.Equal(got, want) {
			t.Errorf("upgraded net differs from nin_v1_upgraded.prototxt:\n%v", got)
		}
	}
	got, _ := ParsePrototxt(bytes.NewReader(src), "nin_v1.prototxt")
	wantLayers := []struct{ name, typ string }{
		{"conv1", "Convolution"}, {"relu0", "ReLU"}, {"cccp1", "Convolution"}, {"relu1", "ReLU"}, {"pool0", "Pooling"},
		{"conv2", "Convolution"}, {"relu3", "ReLU"}, {"norm2", "LRN"}, {"drop", "Dropout"}, {"cccp8", "Convolution"},
		{"relu11", "ReLU"}, {"pool4", "Pooling"}, {"prob", "Softmax"},
	}
	if len(got.Layer) != len(wantLayers) {
		t.Fatalf("%d layers, want %d", len(got.Layer), len(wantLayers))
	}
	for i, w := range wantLayers {
		if l := got.Layer[i]; l.GetName() != w.name || l.GetType() != w.typ {
			t.Errorf("layer %d: %q %q, want %q %q", i, l.GetName(), l.GetType(), w.name, w.typ)
		}
	}
	conv1 := got.Layer[0]
	if p := conv1.Param; len(p) != 2 || p[0].GetLrMult() != 1 || p[1].GetLrMult() != 2 || p[1].GetDecayMult() != 0 {
		t.Errorf("conv1 param %v", p)
	}
	if g, err := ConvGeometry(conv1.GetConvolutionParam()); err != nil || g.KernelH != 11 || g.KernelW != 11 || g.StrideH != 4 {
		t.Errorf("conv1 geometry %d %d %d %v", g.KernelH, g.KernelW, g.StrideH, err)
	}
	if p := got.Layer[11].GetPoolingParam(); p.GetPool() != PoolingParameter_AVE || p.GetKernelSize() != 6 {
		t.Errorf("pool4 %v", p)
	}
	if got.GetInput()[0] != "data" || len(got.GetInputDim()) != 4 {
		t.Errorf("input %v %v", got.GetInput(), got.GetInputDim())
	}
	// Written back, the upgraded net is V2 text that reads back equal.
	var txt bytes.Buffer
	if err := WritePrototxt(&txt, got); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(txt.String(), "layers {") || !strings.Contains(txt.String(), `type: "Convolution"`) {
		t.Errorf("written text is not V2:\n%s", txt.String())
	}
}

// TestUpgradeV1Params checks how the four parallel V1 lists become
// ParamSpecs.
func TestUpgradeV1Params(t *testing.T) {
	f := proto.Float32
	for _, tc := range []struct {
		name  string
		v1    *V1LayerParameter
		param []*ParamSpec
	}{
		{"none", &V1LayerParameter{}, nil},
		{"lr only", &V1LayerParameter{BlobsLr: []float32{1, 2}}, []*ParamSpec{{LrMult: f(1)}, {LrMult: f(2)}}},
		{"decay longer than lr", &V1LayerParameter{BlobsLr: []float32{0}, WeightDecay: []float32{1, 0}},
			[]*ParamSpec{{LrMult: f(0), DecayMult: f(1)}, {DecayMult: f(0)}}},
		{"names and modes", &V1LayerParameter{Param: []string{"w", ""}, BlobShareMode: []V1LayerParameter_DimCheckMode{V1LayerParameter_STRICT}},
			[]*ParamSpec{{Name: proto.String("w"), ShareMode: ParamSpec_STRICT.Enum()}, {Name: proto.String("")}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			net := &NetParameter{Layers: []*V1LayerParameter{tc.v1}}
			if err := UpgradeV1(net); err != nil {
				t.Fatal(err)
			}
			got := &LayerParameter{Param: net.Layer[0].Param}
			if !proto.Equal(got, &LayerParameter{Param: tc.param}) {
				t.Errorf("param %v, want %v", got.Param, tc.param)
			}
		})
	}
}

// TestUpgradeV1DataTransform checks the move of the legacy transformation
// fields, and that checking or writing a V1 net does not change it.
func TestUpgradeV1DataTransform(t *testing.T) {
	u := proto.Uint32
	for _, tc := range []struct {
		name string
		v1   *V1LayerParameter
		want *LayerParameter
	}{
		{"data", &V1LayerParameter{Type: V1LayerParameter_DATA.Enum(),
			DataParam: &DataParameter{Source: proto.String("db"), Scale: proto.Float32(0.5), MeanFile: proto.String("m"), CropSize: u(4), Mirror: proto.Bool(false)}},
			&LayerParameter{Type: proto.String("Data"), DataParam: &DataParameter{Source: proto.String("db")},
				TransformParam: &TransformationParameter{Scale: proto.Float32(0.5), MeanFile: proto.String("m"), CropSize: u(4), Mirror: proto.Bool(false)}}},
		{"image data over transform_param", &V1LayerParameter{Type: V1LayerParameter_IMAGE_DATA.Enum(),
			ImageDataParam: &ImageDataParameter{NewHeight: u(9), CropSize: u(4)},
			TransformParam: &TransformationParameter{CropSize: u(7), Mirror: proto.Bool(true)}},
			&LayerParameter{Type: proto.String("ImageData"), ImageDataParam: &ImageDataParameter{NewHeight: u(9)},
				TransformParam: &TransformationParameter{CropSize: u(4), Mirror: proto.Bool(true)}}},
		{"data without legacy fields", &V1LayerParameter{Type: V1LayerParameter_DATA.Enum(), DataParam: &DataParameter{BatchSize: u(3)}},
			&LayerParameter{Type: proto.String("Data"), DataParam: &DataParameter{BatchSize: u(3)}}},
		{"other types are left alone", &V1LayerParameter{Type: V1LayerParameter_MEMORY_DATA.Enum(), DataParam: &DataParameter{CropSize: u(3)}},
			&LayerParameter{Type: proto.String("MemoryData"), DataParam: &DataParameter{CropSize: u(3)}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			net := &NetParameter{Layers: []*V1LayerParameter{tc.v1}}
			orig := proto.Clone(net)
			if err := Validate(net); err != nil {
				t.Fatal(err)
			}
			if !proto.Equal(net, orig) {
				t.Error("Validate changed the V1 net")
			}
			if err := UpgradeV1(net); err != nil {
				t.Fatal(err)
			}
			if !proto.Equal(net.Layer[0], tc.want) {
				t.Errorf("got %v, want %v", net.Layer[0], tc.want)
			}
		})
	}
}

// v1LayerBytes returns a NetParameter encoding with one V1 layer named
// name, with extra appended to the layer's encoding.
func v1LayerBytes(name string, extra []byte) []byte {
	var l []byte
	l = protowire.AppendTag(l, 4, protowire.BytesType)
	l = protowire.AppendString(l, name)
	l = protowire.AppendTag(l, 5, protowire.VarintType)
	l = protowire.AppendVarint(l, uint64(V1LayerParameter_RELU))
	l = append(l, extra...)
	net := protowire.AppendTag(nil, 2, protowire.BytesType)
	return protowire.AppendBytes(net, l)
}

func TestUpgradeV1Errors(t *testing.T) {
	var v0 []byte // a V0 layer: name "conv1", type "conv"
	v0 = protowire.AppendTag(v0, 1, protowire.BytesType)
	v0 = protowire.AppendString(v0, "conv1")
	v0 = protowire.AppendTag(v0, 2, protowire.BytesType)
	v0 = protowire.AppendString(v0, "conv")
	field := func(num protowire.Number, typ protowire.Type, val []byte) []byte {
		return append(protowire.AppendTag(nil, num, typ), val...)
	}
	withType99 := func() []byte {
		n := &NetParameter{Layers: []*V1LayerParameter{{Name: proto.String("odd"), Type: V1LayerParameter_LayerType(99).Enum()}}}
		return encodeV1(t, n)
	}
	both := append(encode(t, tinyNet()), v1LayerBytes("relu9", nil)...)

	binary := []struct {
		name      string
		data      []byte
		kind      string
		fragments []string
	}{
		{"unknown V1 type", withType99(), "unsupported",
			[]string{`m.caffemodel: layer "odd": type: unsupported: V1 layer type 99, not a value of Caffe's V1 LayerType enum`}},
		{"both layer and layers", both, "format",
			[]string{`m.caffemodel: layers: 1 V1 layers set together with 3 current-format layers ("layer"); a net uses one format`}},
		{"V0 inside V1", v1LayerBytes("conv1", field(1, protowire.BytesType, protowire.AppendBytes(nil, v0))), "unsupported",
			[]string{`m.caffemodel: layer "conv1": layer: unsupported: V0 layer definition inside a V1 layer`, "upgrade_net_proto_binary"}},
		{"window_data_param", v1LayerBytes("data", field(20, protowire.BytesType, protowire.AppendBytes(nil, nil))), "unsupported",
			[]string{`layer "data": window_data_param: unsupported: V1 field 20: parameters of a layer type this package does not declare`}},
		{"exp_param", v1LayerBytes("e", field(41, protowire.BytesType, protowire.AppendBytes(nil, nil))), "unsupported",
			[]string{`layer "e": exp_param: unsupported`}},
		{"field unknown to Caffe", v1LayerBytes("f", field(77, protowire.VarintType, protowire.AppendVarint(nil, 1))), "unsupported",
			[]string{`layer "f": unsupported: V1 layer field 77, not in Caffe's V1LayerParameter`}},
		{"mistyped field", v1LayerBytes("g", field(6, protowire.VarintType, protowire.AppendVarint(nil, 1))), "format",
			[]string{`layer "g": blobs: wire type 0 does not match the field's type (file corrupted?)`}},
		{"bad share mode", v1LayerBytes("h", field(1002, protowire.VarintType, protowire.AppendVarint(nil, 9))), "unsupported",
			[]string{`layer "h": blob_share_mode[0]: unsupported: value 9, not a value of Caffe's DimCheckMode enum`}},
		{"invalid after the upgrade", encodeV1(t, &NetParameter{Layers: []*V1LayerParameter{{Name: proto.String("c"),
			Type: V1LayerParameter_CONVOLUTION.Enum(), ConvolutionParam: &ConvolutionParameter{NumOutput: proto.Uint32(2)}}}}),
			"format", []string{`layer "c": convolution_param.kernel_size: not set`}},
		{"V1 blob of the wrong size", func() []byte {
			n := v1SmallNet()
			n.Layers[2].Blobs[1].Data = n.Layers[2].Blobs[1].Data[:3]
			return encodeV1(t, n)
		}(), "format", []string{`layer "conv1": blobs[1].data: 3 values, shape [1 1 1 4] holds 4`}},
		{"V1 layer missing its bias", func() []byte {
			n := v1SmallNet()
			n.Layers[2].Blobs = n.Layers[2].Blobs[:1]
			return encodeV1(t, n)
		}(), "format", []string{`layer "conv1": blobs: 1 blobs, want 2 (weights and bias)`}},
		{"V1 file cut inside a blob", encodeV1(t, v1SmallNet())[:300], "format", []string{"m.caffemodel: ", "data ends early"}},
	}
	for _, tc := range binary {
		t.Run("caffemodel/"+tc.name, func(t *testing.T) {
			for _, r := range []io.Reader{bytes.NewReader(tc.data), struct{ io.Reader }{bytes.NewReader(tc.data)}} {
				net, err := ReadCaffemodel(r, "m.caffemodel")
				if net != nil {
					t.Error("a net and an error")
				}
				wantErr(t, err, tc.kind, tc.fragments...)
			}
		})
	}

	text := []struct {
		name      string
		src       string
		lenient   bool
		kind      string
		fragments []string
	}{
		{"both layer and layers", "layer { name: \"a\" type: \"ReLU\" }\nlayers { name: \"b\" type: RELU }\n", false, "format",
			[]string{`t.prototxt:2:1: layers: 1 V1 layers set together with 1 current-format layers`}},
		{"V0 inside V1", "layers {\n  layer {\n    name: \"conv1\"\n    type: \"conv\"\n    num_output: 96\n  }\n  bottom: \"data\"\n  top: \"conv1\"\n}\n",
			false, "unsupported", []string{`t.prototxt:2:3: layer #0: layer: unsupported: V0 layer definition inside a V1 layer`, "upgrade_net_proto_text"}},
		{"V0 inside V1, lenient", "layers {\n  layer {\n    name: \"conv1\"\n    type: \"conv\"\n  }\n}\n",
			true, "unsupported", []string{`t.prototxt:2:3: layer #0: layer: unsupported: V0 layer definition`}},
		{"window_data_param", "layers {\n  name: \"data\"\n  type: WINDOW_DATA\n  window_data_param { source: \"w.txt\" }\n}\n",
			false, "unsupported", []string{`t.prototxt:4:3: layer "data": window_data_param: unsupported: V1 field 20`}},
		{"mvn_param, lenient", "layers {\n  name: \"m\"\n  type: MVN\n  blobs_lr: 1\n  mvn_param { normalize_variance: false }\n}\n",
			true, "unsupported", []string{`t.prototxt:5:3: layer "m": mvn_param: unsupported: V1 field 34`}},
		{"unknown V1 type", "layers {\n  name: \"x\"\n  type: FOO\n}\n", false, "format",
			[]string{`t.prototxt:3:`, `layer "x": type`, "FOO"}},
		{"V2 type string in a V1 layer", "layers { name: \"x\" type: \"Convolution\" }", false, "format",
			[]string{`t.prototxt:1:`, `layer "x": type`}},
		{"misspelt field in a V1 layer", "layers {\n  name: \"c\"\n  type: CONVOLUTION\n  convolution_param { num_output: 1 kernel_sise: 3 }\n}\n",
			false, "format", []string{`t.prototxt:4:37: layer "c": convolution_param.kernel_sise: unknown field`}},
		{"invalid after the upgrade", "name: \"old\"\nlayers {\n  name: \"conv1\"\n  type: CONVOLUTION\n  convolution_param {\n    num_output: 96\n  }\n}\n",
			false, "format", []string{`t.prototxt:5:3: layer "conv1": convolution_param.kernel_size: not set`}},
		{"invalid after the upgrade, second layer", "layers { name: \"r\" type: RELU }\nlayers {\n  name: \"n\"\n  type: LRN\n  lrn_param { local_size: 4 }\n}\n",
			false, "format", []string{`t.prototxt:5:15: layer "n": lrn_param.local_size: must be odd, have 4`}},
	}
	for _, tc := range text {
		t.Run("prototxt/"+tc.name, func(t *testing.T) {
			parse := ParsePrototxt
			if tc.lenient {
				parse = ParsePrototxtLenient
			}
			net, err := parse(strings.NewReader(tc.src), "t.prototxt")
			if net != nil {
				t.Error("a net and an error")
			}
			wantErr(t, err, tc.kind, tc.fragments...)
		})
	}

	goNets := []struct {
		name      string
		net       *NetParameter
		kind      string
		fragments []string
	}{
		{"nil net", nil, "format", []string{"nil net"}},
		{"nil layer", &NetParameter{Layers: []*V1LayerParameter{nil}}, "format", []string{"layer #0: nil layer"}},
		{"unknown V1 type", &NetParameter{Layers: []*V1LayerParameter{{Type: V1LayerParameter_LayerType(-3).Enum()}}},
			"unsupported", []string{"layer #0: type: unsupported: V1 layer type -3"}},
		{"bad share mode on the second layer", &NetParameter{Layers: []*V1LayerParameter{{Name: proto.String("a")},
			{Name: proto.String("b"), BlobShareMode: []V1LayerParameter_DimCheckMode{1, 5}}}},
			"unsupported", []string{`layer "b": blob_share_mode[1]: unsupported: value 5`}},
		{"both formats", &NetParameter{Layer: []*LayerParameter{{}}, Layers: []*V1LayerParameter{{}, {}}},
			"format", []string{`layers: 2 V1 layers set together with 1 current-format layers`}},
	}
	for _, tc := range goNets {
		t.Run("go/"+tc.name, func(t *testing.T) {
			var orig proto.Message
			if tc.net != nil {
				orig = proto.Clone(tc.net)
			}
			err := UpgradeV1(tc.net)
			wantErr(t, err, tc.kind, tc.fragments...)
			if tc.net != nil && !proto.Equal(tc.net, orig) {
				t.Error("a failed UpgradeV1 changed the net")
			}
			if tc.net != nil {
				wantErr(t, Validate(tc.net), tc.kind, tc.fragments...)
			}
		})
	}
}
