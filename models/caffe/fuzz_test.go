package caffe

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
)

// checkErr fails unless err is one of the package's error types with the
// package prefix.
func checkErr(t *testing.T, err error) {
	var fe *FormatError
	var ue *UnsupportedError
	if !errors.As(err, &fe) && !errors.As(err, &ue) {
		t.Fatalf("error %q (%T) is neither a FormatError nor an UnsupportedError", err, err)
	}
	if !strings.HasPrefix(err.Error(), "caffe: ") {
		t.Fatalf("error %q lacks the caffe: prefix", err)
	}
}

// FuzzParsePrototxt checks that ParsePrototxt never panics, fails only
// with the package's error types, and that any net it returns survives
// WritePrototxt and a binary encoding unchanged.
func FuzzParsePrototxt(f *testing.F) {
	// Seeds are kept to a few layers of each testdata net: large seeds make
	// the fuzzer spend its time minimizing.
	files, _ := filepath.Glob("testdata/*.prototxt")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		net, err := ParsePrototxt(bytes.NewReader(b), name)
		if err != nil {
			f.Add(b[:min(len(b), 1000)])
			continue
		}
		for _, first := range []int{0, 3} {
			n := proto.Clone(net).(*NetParameter)
			n.Layer = n.Layer[min(len(n.Layer), first):min(len(n.Layer), first+3)]
			var txt bytes.Buffer
			WritePrototxt(&txt, n)
			f.Add(txt.Bytes())
		}
	}
	for _, s := range []string{
		`layer { name: "p" type: "Pooling" pooling_param { pool: AVE kernel_h: 2 kernel_w: 3 pad_h: 1 pad_w: 1 } }`,
		`layer { name: 'c' type: "Convolution" convolution_param { num_output: 4 kernel_size: [3, 3] group: 2 } blobs { shape { dim: 1 } data: 1.5 } }`,
		`input: "data" input_shape { dim: 1 dim: 3 } layer { type: "Eltwise" eltwise_param { coeff: [1, -1] } bottom: "a" bottom: "b" }`,
		`layers { name: "x" type: CONVOLUTION }`,
		// V1 files, upgraded on reading: a NIN-style start, and a V0 layer
		// inside a V1 one, refused.
		"input: \"data\"\ninput_dim: 1\ninput_dim: 3\ninput_dim: 8\ninput_dim: 8\n" +
			"layers {\n  bottom: \"data\"\n  top: \"conv1\"\n  name: \"conv1\"\n  type: CONVOLUTION\n  blobs_lr: 1\n  blobs_lr: 2\n" +
			"  weight_decay: 1\n  weight_decay: 0\n  convolution_param { num_output: 4 kernel_size: 3 stride: 2 }\n}\n" +
			"layers { bottom: \"conv1\" top: \"conv1\" name: \"relu0\" type: RELU }\n" +
			"layers { bottom: \"conv1\" top: \"pool0\" name: \"pool0\" type: POOLING pooling_param { pool: AVE kernel_size: 2 } }\n",
		`layers { name: "d" type: DATA include { phase: TRAIN } data_param { source: "db" crop_size: 4 mirror: true } }`,
		`layers { layer { name: "conv1" type: "conv" num_output: 96 } bottom: "data" top: "conv1" }`,
		"layer {\n  name: \"a\\tb\\001\"\n  loss_weight: inf\n  loss_weight: -0.0\n}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		net, err := ParsePrototxt(bytes.NewReader(src), "fuzz.prototxt")
		if err != nil {
			checkErr(t, err)
			if net != nil {
				t.Fatal("a net and an error")
			}
			return
		}
		var txt bytes.Buffer
		if err := WritePrototxt(&txt, net); err != nil {
			t.Fatal(err)
		}
		back, err := ParsePrototxt(bytes.NewReader(txt.Bytes()), "written.prototxt")
		if err != nil {
			t.Fatalf("written text does not parse: %v\n%s", err, txt.String())
		}
		if !proto.Equal(net, back) {
			t.Fatalf("written text reads back different:\n%s", txt.String())
		}
		b, err := proto.MarshalOptions{Deterministic: true}.Marshal(net)
		if err != nil {
			t.Fatal(err)
		}
		var bin NetParameter
		if err := proto.Unmarshal(b, &bin); err != nil || !proto.Equal(net, &bin) {
			t.Fatalf("binary encoding does not read back: %v", err)
		}
	})
}

// FuzzReadCaffemodel checks that ReadCaffemodel never panics, fails only
// with the package's error types, and that any net it returns passes its
// checks, is written back by WriteCaffemodel and reads back equal, with a
// stable encoding.
func FuzzReadCaffemodel(f *testing.F) {
	tiny, err := proto.MarshalOptions{Deterministic: true}.Marshal(tinyNet())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(tiny)
	f.Add([]byte{})
	// V1 files: a small trained net, upgraded on reading, and a V0 layer
	// inside a V1 one, refused.
	v1, err := proto.MarshalOptions{Deterministic: true}.Marshal(v1SmallNet())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(v1)
	f.Add(v1LayerBytes("conv1", protowire.AppendBytes(protowire.AppendTag(nil, 1, protowire.BytesType),
		protowire.AppendString(protowire.AppendTag(nil, 1, protowire.BytesType), "conv1"))))
	for _, name := range []string{"mobilenet_v1_fragment.prototxt", "alexnet_deploy.prototxt"} {
		src, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		net, err := ParsePrototxt(bytes.NewReader(src), name)
		if err != nil {
			f.Fatal(err)
		}
		// Keep the seeds small: the first layers only.
		net = withWeights(f, net, 16, 1)
		net.Layer = net.Layer[:min(len(net.Layer), 5)]
		b, _ := proto.MarshalOptions{Deterministic: true}.Marshal(net)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// The streaming decoder against the reference: same net or both
		// errors (decodeStream refuses groups, which protobuf-go keeps).
		sn, serr := decodeStream(bytes.NewReader(data), int64(len(data)))
		bn, berr := decodeBuffer(bytes.NewReader(data))
		switch {
		case serr == nil && berr == nil:
			if !proto.Equal(sn, bn) {
				t.Fatal("decodeStream and decodeBuffer differ")
			}
		case serr == nil:
			t.Fatalf("decodeStream accepts what decodeBuffer refuses: %v", berr)
		case berr == nil && !strings.Contains(serr.Error(), "group-encoded"):
			t.Fatalf("decodeStream refuses what decodeBuffer accepts: %v", serr)
		}
		net, err := ReadCaffemodel(bytes.NewReader(data), "fuzz.caffemodel")
		// A reader without Len takes the other input path to the same result.
		unsized, uerr := ReadCaffemodel(struct{ io.Reader }{bytes.NewReader(data)}, "fuzz.caffemodel")
		if (err == nil) != (uerr == nil) || err != nil && err.Error() != uerr.Error() || !proto.Equal(net, unsized) {
			t.Fatalf("sized and unsized readers differ: %v / %v", err, uerr)
		}
		if err != nil {
			checkErr(t, err)
			if net != nil {
				t.Fatal("a net and an error")
			}
			return
		}
		var a, b bytes.Buffer
		if err := WriteCaffemodel(&a, net); err != nil {
			t.Fatalf("WriteCaffemodel refuses a net ReadCaffemodel returned: %v", err)
		}
		if want, _ := (proto.MarshalOptions{Deterministic: true}).Marshal(net); !bytes.Equal(a.Bytes(), want) {
			t.Fatal("WriteCaffemodel differs from proto.Marshal")
		}
		back, err := ReadCaffemodel(bytes.NewReader(a.Bytes()), "written.caffemodel")
		if err != nil {
			t.Fatalf("written file does not read back: %v", err)
		}
		if !proto.Equal(net, back) {
			t.Fatal("written file reads back different")
		}
		if err := WriteCaffemodel(&b, back); err != nil || !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Fatalf("re-encoding differs (%v)", err)
		}
	})
}
