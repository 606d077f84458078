package caffe_test

import (
	"bytes"
	"fmt"
	"log"
	"strings"

	"github.com/infersim/infersim/models/caffe"
	"google.golang.org/protobuf/proto"
)

const lenetLike = `
name: "small"
layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 1 dim: 28 dim: 28 } } }
layer {
  name: "conv1" type: "Convolution" bottom: "data" top: "conv1"
  convolution_param { num_output: 20 kernel_size: 5 }
}
layer { name: "pool1" type: "Pooling" bottom: "conv1" top: "pool1" pooling_param { kernel_size: 2 stride: 2 } }
`

// ExampleParsePrototxt reads a net definition and resolves the geometry of
// its convolution and pooling layers, with Caffe's defaults.
func ExampleParsePrototxt() {
	net, err := caffe.ParsePrototxt(strings.NewReader(lenetLike), "small.prototxt")
	if err != nil {
		log.Fatal(err)
	}
	h := 28
	for _, l := range net.GetLayer() {
		switch l.GetType() {
		case "Convolution":
			p := l.GetConvolutionParam()
			g, err := caffe.ConvGeometry(p)
			if err != nil {
				log.Fatal(err)
			}
			h = caffe.ConvOutputSize(h, g.KernelH, g.StrideH, g.PadH, g.DilationH)
			fmt.Printf("%s: %d outputs, group %d, bias %v, %dx%d\n", l.GetName(), p.GetNumOutput(), p.GetGroup(), p.GetBiasTerm(), h, h)
		case "Pooling":
			g, err := caffe.PoolGeometry(l.GetPoolingParam())
			if err != nil {
				log.Fatal(err)
			}
			h, _ = caffe.PoolOutputSize(h, h, g.KernelH, g.KernelW, g.StrideH, g.StrideW, g.PadH, g.PadW, l.GetPoolingParam().GetRoundMode())
			fmt.Printf("%s: %v, %dx%d\n", l.GetName(), l.GetPoolingParam().GetPool(), h, h)
		}
	}
	// Output:
	// conv1: 20 outputs, group 1, bias true, 24x24
	// pool1: MAX, 12x12
}

// ExampleReadCaffemodel writes a trained net and reads it back.
func ExampleReadCaffemodel() {
	w := make([]float32, 2*1*3*3)
	net := &caffe.NetParameter{Layer: []*caffe.LayerParameter{{
		Name: proto.String("conv1"), Type: proto.String("Convolution"),
		ConvolutionParam: &caffe.ConvolutionParameter{NumOutput: proto.Uint32(2), KernelSize: []uint32{3}, BiasTerm: proto.Bool(false)},
		Blobs:            []*caffe.BlobProto{{Shape: &caffe.BlobShape{Dim: []int64{2, 1, 3, 3}}, Data: w}},
	}}}
	var file bytes.Buffer
	if err := caffe.WriteCaffemodel(&file, net); err != nil {
		log.Fatal(err)
	}
	back, err := caffe.ReadCaffemodel(&file, "conv.caffemodel")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(caffe.Shape(back.GetLayer()[0].GetBlobs()[0]))

	// A blob whose data does not fill its shape is refused.
	net.Layer[0].Blobs[0].Data = w[:17]
	fmt.Println(caffe.WriteCaffemodel(&file, net))
	// Output:
	// [2 1 3 3]
	// caffe: layer "conv1": blobs[0].data: 17 values, shape [2 1 3 3] holds 18
}
