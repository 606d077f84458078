package caffe

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
)

// mustParseFile parses a testdata prototxt.
func mustParseFile(t testing.TB, name string) *NetParameter {
	t.Helper()
	src, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	net, err := ParsePrototxt(bytes.NewReader(src), name)
	if err != nil {
		t.Fatal(err)
	}
	return net
}

// withWeights returns a copy of net, a deploy net of the layer kinds in
// testdata, with random blobs of the right shapes for its Convolution,
// InnerProduct, BatchNorm and Scale layers, found by propagating shapes
// from the input. div > 1 divides every num_output by div first, for small
// models of the same structure. The shape propagation is a test helper, not
// the executor's: it knows only what testdata needs.
func withWeights(t testing.TB, net *NetParameter, div int, seed uint64) *NetParameter {
	t.Helper()
	net = proto.Clone(net).(*NetParameter)
	rng := rand.New(rand.NewPCG(seed, 1))
	shapes := map[string][]int{} // blob name → [c h w]
	if len(net.Input) > 0 {
		d := net.InputDim
		shapes[net.Input[0]] = []int{int(d[1]), int(d[2]), int(d[3])}
	}
	blob := func(dims ...int) *BlobProto {
		n, err := count(dims)
		if err != nil {
			t.Fatal(err)
		}
		b := &BlobProto{Shape: &BlobShape{}, Data: make([]float32, n)}
		for _, d := range dims {
			b.Shape.Dim = append(b.Shape.Dim, int64(d))
		}
		for i := range b.Data {
			b.Data[i] = float32(rng.NormFloat64() * 0.01)
		}
		return b
	}
	for _, l := range net.Layer {
		var in []int
		if len(l.Bottom) > 0 {
			in = shapes[l.Bottom[0]]
		}
		var out []int
		switch l.GetType() {
		case "Input":
			d := l.GetInputParam().GetShape()[0].GetDim()
			out = []int{int(d[1]), int(d[2]), int(d[3])}
		case "Convolution":
			p := l.ConvolutionParam
			if div > 1 && l.GetName() != "fc7" {
				p.NumOutput = proto.Uint32(max(p.GetNumOutput()/uint32(div), p.GetGroup()))
			}
			cg, err := ConvGeometry(p)
			if err != nil {
				t.Fatal(err)
			}
			n, g := int(p.GetNumOutput()), int(p.GetGroup())
			if g > 1 && g == int(in[0]*div) { // depthwise: follow the input
				p.Group = proto.Uint32(uint32(in[0]))
				p.NumOutput = proto.Uint32(uint32(in[0]))
				n, g = in[0], in[0]
			}
			out = []int{n, ConvOutputSize(in[1], cg.KernelH, cg.StrideH, cg.PadH, cg.DilationH), ConvOutputSize(in[2], cg.KernelW, cg.StrideW, cg.PadW, cg.DilationW)}
			l.Blobs = []*BlobProto{blob(n, in[0]/g, cg.KernelH, cg.KernelW)}
			if p.GetBiasTerm() {
				l.Blobs = append(l.Blobs, blob(n))
			}
		case "InnerProduct":
			p := l.InnerProductParam
			if div > 1 {
				p.NumOutput = proto.Uint32(p.GetNumOutput() / uint32(div))
			}
			n := int(p.GetNumOutput())
			out = []int{n, 1, 1}
			l.Blobs = []*BlobProto{blob(n, in[0]*in[1]*in[2]), blob(n)}
		case "Pooling":
			pg, err := PoolGeometry(l.PoolingParam)
			if err != nil {
				t.Fatal(err)
			}
			if pg.Global {
				pg.KernelH, pg.KernelW = in[1], in[2]
			}
			oh, ow := PoolOutputSize(in[1], in[2], pg.KernelH, pg.KernelW, pg.StrideH, pg.StrideW, pg.PadH, pg.PadW, l.PoolingParam.GetRoundMode())
			out = []int{in[0], oh, ow}
		case "BatchNorm":
			out = in
			l.Blobs = []*BlobProto{blob(in[0]), blob(in[0]), blob(1)}
		case "Scale":
			out = in
			l.Blobs = []*BlobProto{blob(in[0])}
			if l.GetScaleParam().GetBiasTerm() {
				l.Blobs = append(l.Blobs, blob(in[0]))
			}
		case "Concat":
			out = append([]int(nil), in...)
			for _, b := range l.Bottom[1:] {
				out[0] += shapes[b][0]
			}
		default: // ReLU, LRN, Dropout, Softmax: same shape
			out = in
		}
		for _, top := range l.Top {
			shapes[top] = out
		}
	}
	return net
}

// alexnetModel returns AlexNet with random weights, every num_output
// divided by div: div 1 is the full 61 M-parameter, 244 MB model.
func alexnetModel(t testing.TB, div int) (*NetParameter, []byte) {
	t.Helper()
	net := withWeights(t, mustParseFile(t, "alexnet_deploy.prototxt"), div, 1)
	var buf bytes.Buffer
	if err := WriteCaffemodel(&buf, net); err != nil {
		t.Fatal(err)
	}
	return net, buf.Bytes()
}

// wantErr checks that err is of the type named by kind ("format",
// "unsupported") and that its message contains every fragment.
func wantErr(t *testing.T, err error, kind string, fragments ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s error containing %q", kind, fragments)
	}
	var fe *FormatError
	var ue *UnsupportedError
	switch kind {
	case "format":
		if !errors.As(err, &fe) {
			t.Fatalf("error %q (%T) is not a *FormatError", err, err)
		}
	case "unsupported":
		if !errors.As(err, &ue) {
			t.Fatalf("error %q (%T) is not an *UnsupportedError", err, err)
		}
	default:
		panic(fmt.Sprint("wantErr: kind ", kind))
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "caffe: ") {
		t.Errorf("error %q lacks the caffe: prefix", msg)
	}
	for _, f := range fragments {
		if !strings.Contains(msg, f) {
			t.Errorf("error %q does not contain %q", msg, f)
		}
	}
}

// decodeBuffer reads r whole and decodes it with proto.Unmarshal: the
// reference that decodeStream is checked against.
func decodeBuffer(r io.Reader) (*NetParameter, error) {
	buf, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	net := new(NetParameter)
	if err := proto.Unmarshal(buf, net); err != nil {
		return nil, err
	}
	return net, nil
}
