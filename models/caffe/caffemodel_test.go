package caffe

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
)

// TestCaffemodelRoundTrip takes each testdata net through
// prototxt → NetParameter (+ random weights) → caffemodel → NetParameter,
// and checks equality and bit-identical re-encoding.
func TestCaffemodelRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		file string
		div  int
	}{
		{"alexnet_deploy.prototxt", 16},
		{"nin_deploy.prototxt", 16},
		{"mobilenet_v1_fragment.prototxt", 4},
	} {
		t.Run(tc.file, func(t *testing.T) {
			net := withWeights(t, mustParseFile(t, tc.file), tc.div, 7)
			var a bytes.Buffer
			if err := WriteCaffemodel(&a, net); err != nil {
				t.Fatal(err)
			}
			back, err := ReadCaffemodel(bytes.NewReader(a.Bytes()), "m.caffemodel")
			if err != nil {
				t.Fatal(err)
			}
			if !proto.Equal(net, back) {
				t.Fatal("caffemodel reads back different")
			}
			var b bytes.Buffer
			if err := WriteCaffemodel(&b, back); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a.Bytes(), b.Bytes()) {
				t.Fatal("re-encoding is not bit-identical")
			}
			// The text form of a trained net reads back too (one line per
			// value: only for the smaller nets).
			if a.Len() > 1<<20 {
				return
			}
			var txt bytes.Buffer
			if err := WritePrototxt(&txt, back); err != nil {
				t.Fatal(err)
			}
			fromText, err := ParsePrototxt(&txt, "m.prototxt")
			if err != nil {
				t.Fatal(err)
			}
			if !proto.Equal(fromText, net) {
				t.Fatal("prototxt of the trained net reads back different")
			}
		})
	}
}

// TestReadCaffemodelFile reads from an *os.File, the pre-sized path, at a
// non-zero offset.
func TestReadCaffemodelFile(t *testing.T) {
	net, data := alexnetModel(t, 16)
	path := filepath.Join(t.TempDir(), "alexnet.caffemodel")
	if err := os.WriteFile(path, append([]byte("JUNK"), data...), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Seek(4, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	back, err := ReadCaffemodel(f, path)
	if err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(net, back) {
		t.Fatal("read back different")
	}
}

// encode marshals net without the checks of WriteCaffemodel, to build
// broken files.
func encode(t *testing.T, net *NetParameter) []byte {
	t.Helper()
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(net)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// tinyNet is a small trained net: Input, Convolution with bias, ReLU.
func tinyNet() *NetParameter {
	w := make([]float32, 4*3*3*3)
	for i := range w {
		w[i] = float32(i) / 10
	}
	return &NetParameter{Name: proto.String("tiny"), Layer: []*LayerParameter{
		{Name: proto.String("data"), Type: proto.String("Input"), Top: []string{"data"},
			InputParam: &InputParameter{Shape: []*BlobShape{{Dim: []int64{1, 3, 8, 8}}}}},
		{Name: proto.String("conv1"), Type: proto.String("Convolution"), Bottom: []string{"data"}, Top: []string{"conv1"},
			ConvolutionParam: &ConvolutionParameter{NumOutput: proto.Uint32(4), KernelSize: []uint32{3}},
			Blobs: []*BlobProto{
				{Shape: &BlobShape{Dim: []int64{4, 3, 3, 3}}, Data: w},
				{Shape: &BlobShape{Dim: []int64{4}}, Data: []float32{0.5, -0.5, 1, -1}},
			}},
		{Name: proto.String("relu1"), Type: proto.String("ReLU"), Bottom: []string{"conv1"}, Top: []string{"conv1"}},
	}}
}

func TestReadCaffemodelErrors(t *testing.T) {
	good := encode(t, tinyNet())
	modify := func(f func(n *NetParameter)) []byte {
		n := tinyNet()
		f(n)
		return encode(t, n)
	}
	v1 := protowire.AppendTag(nil, 2, protowire.BytesType)
	v1 = protowire.AppendBytes(v1, protowire.AppendString(protowire.AppendTag(nil, 4, protowire.BytesType), "conv1"))
	cases := []struct {
		name      string
		data      []byte
		kind      string
		fragments []string
	}{
		{"V1 layers after V2 layers", append(append([]byte(nil), good...), v1...), "format",
			[]string{"m.caffemodel: layers: 1 V1 layers set together with 3 current-format layers"}},
		{"corrupted first byte", append([]byte{0xff}, good[1:]...), "format", []string{"m.caffemodel: "}},
		{"varint overflow", append(append([]byte(nil), good...), 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01), "format", []string{"m.caffemodel: "}},
		{"unknown net field", protowire.AppendVarint(protowire.AppendTag(append([]byte(nil), good...), 50, protowire.VarintType), 1),
			"format", []string{"m.caffemodel: ", "unknown or mistyped net fields"}},
		{"blob length ≠ shape", modify(func(n *NetParameter) { n.Layer[1].Blobs[1].Data = n.Layer[1].Blobs[1].Data[:3] }),
			"format", []string{`m.caffemodel: layer "conv1": blobs[1].data: 3 values, shape [4] holds 4`}},
		{"blob without data", modify(func(n *NetParameter) { n.Layer[1].Blobs[0].Data = nil }),
			"format", []string{`layer "conv1": blobs[0].data: empty, shape [4 3 3 3] holds 108 values`}},
		{"missing bias blob", modify(func(n *NetParameter) { n.Layer[1].Blobs = n.Layer[1].Blobs[:1] }),
			"format", []string{`layer "conv1": blobs: 1 blobs, want 2 (weights and bias)`}},
		{"weights of the wrong kernel", modify(func(n *NetParameter) { n.Layer[1].ConvolutionParam.KernelSize = []uint32{5} }),
			"format", []string{`layer "conv1": blobs[0].shape: [4 3 3 3] does not match kernel 5x5`}},
		{"negative dimension", modify(func(n *NetParameter) { n.Layer[1].Blobs[1].Shape.Dim = []int64{-4} }),
			"format", []string{`blobs[1].shape: dimension -4 out of range`}},
		{"huge shape", modify(func(n *NetParameter) { n.Layer[1].Blobs[1].Shape.Dim = []int64{1 << 20, 1 << 20} }),
			"format", []string{`blobs[1].shape: shape [1048576 1048576] holds more than 2^31-1 values`}},
		{"unknown blob field", func() []byte {
			n := tinyNet()
			n.Layer[1].Blobs[1].ProtoReflect().SetUnknown(protowire.AppendVarint(protowire.AppendTag(nil, 20, protowire.VarintType), 3))
			return encode(t, n)
		}(), "format", []string{`layer "conv1": blobs[1]: unknown or mistyped fields`}},
		{"conv without kernel", modify(func(n *NetParameter) { n.Layer[1].ConvolutionParam.KernelSize = nil }),
			"format", []string{`layer "conv1": convolution_param.kernel_size: not set`}},
	}
	// A file cut at each seventh of its length.
	for k := 1; k < 7; k++ {
		cut := len(good) * k / 7
		cases = append(cases, struct {
			name      string
			data      []byte
			kind      string
			fragments []string
		}{fmt.Sprintf("truncated at %d/7 (%d of %d bytes)", k, cut, len(good)), good[:cut], "format", []string{"m.caffemodel: "}})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// A *bytes.Reader is decoded as it is read; without its Len
			// method, the input is read into pieces first.
			for _, r := range []io.Reader{bytes.NewReader(tc.data), struct{ io.Reader }{bytes.NewReader(tc.data)}} {
				net, err := ReadCaffemodel(r, "m.caffemodel")
				if net != nil {
					t.Errorf("a net and an error")
				}
				wantErr(t, err, tc.kind, tc.fragments...)
				t.Logf("%T: %v", r, err)
			}
		})
	}
}

// TestTruncatedAtLayerBoundary documents the one truncation that cannot be
// detected: a file cut exactly after a layer is a valid, shorter net.
func TestTruncatedAtLayerBoundary(t *testing.T) {
	n := tinyNet()
	full := encode(t, n)
	n.Layer = n.Layer[:2]
	short := encode(t, n)
	if !bytes.HasPrefix(full, short) {
		t.Fatal("a shorter net does not encode as a prefix")
	}
	net, err := ReadCaffemodel(bytes.NewReader(short), "cut.caffemodel")
	if err != nil || len(net.Layer) != 2 {
		t.Fatalf("got %d layers, %v; want the 2 layers before the cut", len(net.GetLayer()), err)
	}
}

// TestEveryCut cuts a small model at every byte and flips every byte in
// its first 300 bytes: each result is an error or a net that passes the
// checks, never a panic.
func TestEveryCut(t *testing.T) {
	good := encode(t, tinyNet())
	boundaries := 0
	for i := range len(good) {
		net, err := ReadCaffemodel(bytes.NewReader(good[:i]), "cut")
		if err == nil {
			boundaries++
			if _, err := checkDecoded(net); err != nil {
				t.Fatalf("cut at %d: read a net that fails its checks: %v", i, err)
			}
		}
	}
	// Cuts at 0 (empty net) and after each of the 3 layers but the last
	// (the name field, 6 bytes, is also a boundary).
	if boundaries > 4 {
		t.Errorf("%d cut points read as valid nets, want at most 4", boundaries)
	}
	for i := range min(len(good), 300) {
		for _, x := range []byte{0x01, 0x80, 0xff} {
			b := append([]byte(nil), good...)
			b[i] ^= x
			if net, err := ReadCaffemodel(bytes.NewReader(b), "flip"); err == nil {
				if _, err := checkDecoded(net); err != nil {
					t.Fatalf("flip at %d: %v", i, err)
				}
			}
		}
	}
}

// TestUnknownLayerFieldsKept checks that fields of undeclared layer
// parameters (here SSD's norm_param, 206) survive a read and a write.
func TestUnknownLayerFieldsKept(t *testing.T) {
	n := tinyNet()
	n.Layer[2].ProtoReflect().SetUnknown(protowire.AppendBytes(protowire.AppendTag(nil, 206, protowire.BytesType), []byte{8, 0}))
	data := encode(t, n)
	back, err := ReadCaffemodel(bytes.NewReader(data), "ssd.caffemodel")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := WriteCaffemodel(&out, back); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), data) {
		t.Error("unknown layer fields not written back")
	}
	var txt bytes.Buffer
	WritePrototxt(&txt, back)
	if !bytes.Contains(txt.Bytes(), []byte("# 5 bytes of fields unknown to infersim left out")) {
		t.Errorf("prototxt does not mention the unknown fields:\n%s", txt.String())
	}
}

// TestLegacyBlobs reads blobs that use num/channels/height/width and
// double_data, as files from Caffe's first years do.
func TestLegacyBlobs(t *testing.T) {
	n := &NetParameter{Layer: []*LayerParameter{{
		Name: proto.String("fc"), Type: proto.String("InnerProduct"),
		InnerProductParam: &InnerProductParameter{NumOutput: proto.Uint32(2)},
		Blobs: []*BlobProto{
			{Num: proto.Int32(1), Channels: proto.Int32(1), Height: proto.Int32(2), Width: proto.Int32(3), Data: []float32{1, 2, 3, 4, 5, 6}},
			{Num: proto.Int32(1), Channels: proto.Int32(1), Height: proto.Int32(1), Width: proto.Int32(2), DoubleData: []float64{0.5, 0.25}},
		},
	}}}
	net, err := ReadCaffemodel(bytes.NewReader(encode(t, n)), "legacy")
	if err != nil {
		t.Fatal(err)
	}
	if s := Shape(net.Layer[0].Blobs[0]); fmt.Sprint(s) != "[1 1 2 3]" {
		t.Errorf("Shape = %v", s)
	}
}

type hugeReader struct{}

func (hugeReader) Read(p []byte) (int, error) {
	panic("read from a reader whose Len is over the limit")
}
func (hugeReader) Len() int { return MaxCaffemodelBytes + 1 }

func TestCaffemodelTooLarge(t *testing.T) {
	_, err := ReadCaffemodel(hugeReader{}, "huge.caffemodel")
	wantErr(t, err, "format", "huge.caffemodel: input too large")
	if !errors.Is(err, ErrTooLarge) {
		t.Error("not ErrTooLarge")
	}
}

func TestWriteCaffemodelRefusesInvalid(t *testing.T) {
	n := tinyNet()
	n.Layer[1].Blobs = n.Layer[1].Blobs[:1]
	err := WriteCaffemodel(io.Discard, n)
	wantErr(t, err, "format", `layer "conv1": blobs: 1 blobs, want 2`)
}

// TestEncodeStream checks WriteCaffemodel's streaming encoder against
// proto's deterministic Marshal, byte for byte, on nets with every kind of
// field around the streamed ones: legacy blob dimensions, diff, double
// data, shapes, unknown fields at every level.
func TestEncodeStream(t *testing.T) {
	unknown := func(num protowire.Number) []byte {
		return protowire.AppendVarint(protowire.AppendTag(nil, num, protowire.VarintType), 9)
	}
	n := tinyNet()
	n.Input = []string{"x"}
	n.InputShape = []*BlobShape{{Dim: []int64{1}}}
	n.State = &NetState{Phase: Phase_TEST.Enum()}
	n.Layer[1].Blobs[0].Diff = make([]float32, 108)
	n.Layer[1].Include = []*NetStateRule{{Phase: Phase_TEST.Enum()}}
	n.Layer[1].Param = []*ParamSpec{{LrMult: proto.Float32(1)}}
	n.Layer[1].LossWeight = []float32{0}
	n.Layer[1].ProtoReflect().SetUnknown(unknown(300))
	n.Layer[2].Blobs = []*BlobProto{{Num: proto.Int32(2), DoubleData: []float64{1, 2}, DoubleDiff: []float64{3, 4}}}
	n.Layer = append(n.Layer, &LayerParameter{})
	for _, net := range []*NetParameter{tinyNet(), n, {}, withWeights(t, mustParseFile(t, "mobilenet_v1_fragment.prototxt"), 4, 3)} {
		want := encode(t, net)
		var got bytes.Buffer
		if err := encodeStream(&got, net); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want) {
			t.Fatalf("encodeStream differs from proto.Marshal (%d vs %d bytes)", got.Len(), len(want))
		}
	}
	// The blob-level unknown fields of a net ReadCaffemodel refuses are
	// still encoded faithfully.
	n.Layer[2].Blobs[0].ProtoReflect().SetUnknown(unknown(40))
	n.ProtoReflect().SetUnknown(unknown(60))
	var got bytes.Buffer
	if err := encodeStream(&got, n); err != nil || !bytes.Equal(got.Bytes(), encode(t, n)) {
		t.Fatalf("encodeStream with unknown fields differs (%v)", err)
	}
}
