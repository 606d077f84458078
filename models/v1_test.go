package models

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/infersim/infersim/models/caffe"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
)

// v1Types are the V1 enum values of the layer types in the zoo, for
// writing nets in the V1 format as Caffe did before 2015.
var v1Types = map[string]caffe.V1LayerParameter_LayerType{
	"Convolution":  caffe.V1LayerParameter_CONVOLUTION,
	"ReLU":         caffe.V1LayerParameter_RELU,
	"Pooling":      caffe.V1LayerParameter_POOLING,
	"LRN":          caffe.V1LayerParameter_LRN,
	"InnerProduct": caffe.V1LayerParameter_INNER_PRODUCT,
	"Dropout":      caffe.V1LayerParameter_DROPOUT,
	"Concat":       caffe.V1LayerParameter_CONCAT,
	"Softmax":      caffe.V1LayerParameter_SOFTMAX,
}

// toV1 rewrites a V2 deploy net (an Input layer, then layers of the zoo's
// types) in the V1 format as the 2014 releases have it: net-level input
// and input_dim instead of the Input layer, enum types, blobs_lr and
// weight_decay on layers with weights, and blobs in the legacy 4-D
// num/channels/height/width shape. With train, it adds what a 2014
// trained file also holds: a training data layer whose transformation is
// set in data_param, and the loss and accuracy layers.
func toV1(t *testing.T, np *caffe.NetParameter, train bool) *caffe.NetParameter {
	t.Helper()
	out := &caffe.NetParameter{Name: np.Name}
	if train {
		out.Layers = append(out.Layers, &caffe.V1LayerParameter{Name: proto.String("data"), Type: caffe.V1LayerParameter_DATA.Enum(),
			Top: []string{"data", "label"}, Include: []*caffe.NetStateRule{{Phase: caffe.Phase_TRAIN.Enum()}},
			DataParam: &caffe.DataParameter{Source: proto.String("ilsvrc12_train_leveldb"), BatchSize: proto.Uint32(256),
				MeanFile: proto.String("imagenet_mean.binaryproto"), CropSize: proto.Uint32(227), Mirror: proto.Bool(true)}})
	}
	last := ""
	for _, l := range np.Layer {
		if l.GetType() == "Input" {
			out.Input = l.Top
			for _, d := range l.GetInputParam().GetShape()[0].GetDim() {
				out.InputDim = append(out.InputDim, int32(d))
			}
			continue
		}
		typ, ok := v1Types[l.GetType()]
		if !ok {
			t.Fatalf("layer %q: no V1 type for %q", l.GetName(), l.GetType())
		}
		v := &caffe.V1LayerParameter{Name: l.Name, Type: typ.Enum(), Bottom: l.Bottom, Top: l.Top,
			ConvolutionParam: l.ConvolutionParam, PoolingParam: l.PoolingParam, LrnParam: l.LrnParam,
			InnerProductParam: l.InnerProductParam, DropoutParam: l.DropoutParam, ConcatParam: l.ConcatParam,
			SoftmaxParam: l.SoftmaxParam, ReluParam: l.ReluParam}
		for _, b := range l.Blobs {
			s := caffe.Shape(b)
			for len(s) < 4 {
				s = append([]int{1}, s...)
			}
			if len(s) != 4 {
				t.Fatalf("layer %q: blob shape %v has no legacy form", l.GetName(), s)
			}
			v.Blobs = append(v.Blobs, &caffe.BlobProto{Num: proto.Int32(int32(s[0])), Channels: proto.Int32(int32(s[1])),
				Height: proto.Int32(int32(s[2])), Width: proto.Int32(int32(s[3])), Data: b.Data})
		}
		if len(v.Blobs) > 0 {
			v.BlobsLr, v.WeightDecay = []float32{1, 2}[:len(v.Blobs)], []float32{1, 0}[:len(v.Blobs)]
		}
		out.Layers = append(out.Layers, v)
		if l.GetType() != "Softmax" {
			last = l.GetTop()[0]
		}
	}
	if train {
		out.Layers = append(out.Layers,
			&caffe.V1LayerParameter{Name: proto.String("loss"), Type: caffe.V1LayerParameter_SOFTMAX_LOSS.Enum(),
				Bottom: []string{last, "label"}, Top: []string{"loss"}},
			&caffe.V1LayerParameter{Name: proto.String("accuracy"), Type: caffe.V1LayerParameter_ACCURACY.Enum(),
				Bottom: []string{last, "label"}, Top: []string{"accuracy"}, Include: []*caffe.NetStateRule{{Phase: caffe.Phase_TEST.Enum()}}})
	}
	return out
}

// TestV1Caffemodel loads zoo models from V1 files, as the original NIN and
// 2014 BVLC releases are, a V1 .prototxt for the structure and a V1
// .caffemodel of seeded weights, and checks that the forward pass equals
// the V2 path's (the zoo's .prototxt and a V2 .caffemodel) bit for bit.
func TestV1Caffemodel(t *testing.T) {
	for _, name := range []string{"nin", "squeezenet-v1.0"} {
		t.Run(name, func(t *testing.T) {
			zoo := must(Zoo(name))
			seeded := zoo.WithSeededWeights(11)

			var v2File bytes.Buffer
			if err := seeded.WriteCaffemodel(&v2File); err != nil {
				t.Fatal(err)
			}
			v1File, err := proto.Marshal(toV1(t, seeded.NetParameter(), true))
			if err != nil {
				t.Fatal(err)
			}
			var v1Text bytes.Buffer
			if err := caffe.WritePrototxt(&v1Text, toV1(t, zoo.NetParameter(), false)); err != nil {
				t.Fatal(err)
			}
			// The files really are V1: "layers", field 2, and no "layer".
			var raw caffe.NetParameter
			if err := proto.Unmarshal(v1File, &raw); err != nil || len(raw.Layers) == 0 || len(raw.Layer) != 0 {
				t.Fatalf("not a V1 file: %v", err)
			}
			if txt := v1Text.String(); !strings.Contains(txt, "layers {") || strings.Contains(txt, "layer {") ||
				!strings.Contains(txt, "type: CONVOLUTION") || !strings.Contains(txt, "input_dim: ") {
				t.Fatalf("not a V1 prototxt:\n%.500s", txt)
			}

			structV1, err := LoadPrototxt(bytes.NewReader(v1Text.Bytes()), name+"_v1.prototxt")
			if err != nil {
				t.Fatal(err)
			}
			fromV1, err := structV1.WithWeights(bytes.NewReader(v1File), name+"_v1.caffemodel")
			if err != nil {
				t.Fatal(err)
			}
			fromV2, err := zoo.WithWeights(bytes.NewReader(v2File.Bytes()), name+".caffemodel")
			if err != nil {
				t.Fatal(err)
			}
			if structV1.FLOPs() != zoo.FLOPs() || !sameShape(structV1.InputShape(), zoo.InputShape()) {
				t.Errorf("V1 structure: %d FLOPs, input %v; V2: %d, %v", structV1.FLOPs(), structV1.InputShape(), zoo.FLOPs(), zoo.InputShape())
			}

			in := randSlice(3, numel(zoo.InputShape()))
			e1, e2 := NewExecutor(fromV1, 1), NewExecutor(fromV2, 1)
			defer e1.Close()
			defer e2.Close()
			o1, err := e1.Forward(in)
			if err != nil {
				t.Fatal(err)
			}
			o2, err := e2.Forward(in)
			if err != nil {
				t.Fatal(err)
			}
			if len(o1) != len(o2) || len(o1) == 0 {
				t.Fatalf("%d outputs from the V1 files, %d from the V2 ones", len(o1), len(o2))
			}
			for k := range o1 {
				if math.Float32bits(o1[k]) != math.Float32bits(o2[k]) {
					t.Fatalf("output %d: %g from the V1 files, %g from the V2 ones", k, o1[k], o2[k])
				}
			}
		})
	}
}

// TestV1CaffemodelErrors checks that a V1 file this package cannot upgrade
// is reported through this package's error types, naming file, layer and
// field.
func TestV1CaffemodelErrors(t *testing.T) {
	zoo := must(Zoo("nin"))
	np := toV1(t, zoo.WithSeededWeights(1).NetParameter(), false)
	// A V0 layer (the pre-2014 format) inside the first V1 layer.
	v0 := protowire.AppendString(protowire.AppendTag(nil, 1, protowire.BytesType), "conv1")
	np.Layers[0].ProtoReflect().SetUnknown(protowire.AppendBytes(protowire.AppendTag(nil, 1, protowire.BytesType), v0))
	file, err := proto.Marshal(np)
	if err != nil {
		t.Fatal(err)
	}
	_, err = zoo.WithWeights(bytes.NewReader(file), "nin_v0.caffemodel")
	var ue *UnsupportedError
	if !errors.As(err, &ue) || ue.File != "nin_v0.caffemodel" || ue.Layer != "conv1" || ue.Field != "layer" ||
		!strings.Contains(err.Error(), "V0 layer definition") {
		t.Errorf("got %v (%T), want an UnsupportedError for the V0 layer of conv1", err, err)
	}

	_, err = LoadPrototxt(strings.NewReader("layer { name: \"a\" type: \"ReLU\" }\nlayers { name: \"b\" type: RELU }\n"), "mixed.prototxt")
	var fe *FormatError
	if !errors.As(err, &fe) || fe.File != "mixed.prototxt" || fe.Line != 2 || fe.Field != "layers" {
		t.Errorf("got %v (%T), want a FormatError for mixing layer and layers", err, err)
	}
}

// TestFromNetParameterV1 builds a net from a V1 NetParameter made in Go
// (no file): it is upgraded like a file, has the zoo net's structure, and
// the caller's message is left as it was.
func TestFromNetParameterV1(t *testing.T) {
	zoo := must(Zoo("nin"))
	v1 := toV1(t, zoo.NetParameter(), false)
	before := proto.Clone(v1)
	n, err := FromNetParameter(v1, "nin_v1")
	if err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(v1, before) {
		t.Error("FromNetParameter changed its argument")
	}
	// The V1 net declares its input at net level instead of an Input
	// layer, so it has one layer fewer.
	if n.FLOPs() != zoo.FLOPs() || n.Params() != zoo.Params() || len(n.Layers()) != len(zoo.Layers())-1 ||
		fmt.Sprint(n.InputShape(), n.OutputShape()) != fmt.Sprint(zoo.InputShape(), zoo.OutputShape()) {
		t.Errorf("V1 net: %d FLOPs, %d params, %d layers, %v → %v; zoo: %d, %d, %d, %v → %v",
			n.FLOPs(), n.Params(), len(n.Layers()), n.InputShape(), n.OutputShape(),
			zoo.FLOPs(), zoo.Params(), len(zoo.Layers()), zoo.InputShape(), zoo.OutputShape())
	}
	// A V1 layer that cannot be upgraded is an unsupported-input error.
	bad := proto.Clone(v1).(*caffe.NetParameter)
	bad.Layers[0].Type = caffe.V1LayerParameter_LayerType(999).Enum()
	if _, err := FromNetParameter(bad, "bad_v1"); err == nil || !strings.Contains(err.Error(), "unsupported") {
		t.Errorf("V1 type 999: error %v", err)
	}
}
