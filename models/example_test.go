package models_test

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/infersim/infersim/models"
)

// The zoo: parameters and FLOPs of each built-in model, from its structure
// alone (no weights are read or made).
func ExampleZoo() {
	for _, name := range models.ZooNames() {
		n, err := models.Zoo(name)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%-16s %v params %8d GFLOP %.3f\n", name, n.InputShape(), n.Params(), float64(n.FLOPs())/1e9)
	}
	// Output:
	// alexnet          [1 3 227 227] params 60965224 GFLOP 1.449
	// mobilenet-v1     [1 3 224 224] params  4253891 GFLOP 1.137
	// nin              [1 3 224 224] params  7595176 GFLOP 2.200
	// squeezenet-v1.0  [1 3 227 227] params  1248424 GFLOP 1.665
	// squeezenet-v1.1  [1 3 227 227] params  1235496 GFLOP 0.775
}

// A forward pass: seeded weights (faithful timings, meaningless classes), a
// synthetic photo, the top class.
func ExampleExecutor_Forward() {
	net, err := models.Zoo("squeezenet-v1.1")
	if err != nil {
		panic(err)
	}
	net = net.WithSeededWeights(1)
	ex := models.NewExecutor(net, 2)
	defer ex.Close()
	out, err := ex.Forward(models.Preprocess(models.SyntheticPhoto(640, 480, 1), net))
	if err != nil {
		panic(err)
	}
	var sum float32
	for _, p := range out {
		sum += p
	}
	fmt.Printf("%d class probabilities summing to %.3f\n", len(out), sum)
	// Output:
	// 1000 class probabilities summing to 1.000
}

// A layer table, as "infersim models show" prints it.
func ExampleNet_Layers() {
	n, err := models.LoadPrototxt(strings.NewReader(`name: "tiny"
layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 3 dim: 32 dim: 32 } } }
layer { name: "conv1" type: "Convolution" bottom: "data" top: "conv1" convolution_param { num_output: 8 kernel_size: 3 pad: 1 } }
layer { name: "relu1" type: "ReLU" bottom: "conv1" top: "conv1" }
layer { name: "pool1" type: "Pooling" bottom: "conv1" top: "pool1" pooling_param { pool: MAX kernel_size: 2 stride: 2 } }
layer { name: "fc" type: "InnerProduct" bottom: "pool1" top: "fc" inner_product_param { num_output: 10 } }
`), "tiny.prototxt")
	if err != nil {
		panic(err)
	}
	for _, l := range n.Layers() {
		fmt.Printf("%-6s %-12s %-14s params %4d FLOPs %6d fused into %q\n", l.Name, l.Kind, fmt.Sprint(l.OutShape), l.Params, l.FLOPs, l.FusedInto)
	}
	// Output:
	// data   Input        [1 3 32 32]    params    0 FLOPs      0 fused into ""
	// conv1  Convolution  [1 8 32 32]    params  224 FLOPs 442368 fused into ""
	// relu1  ReLU         [1 8 32 32]    params    0 FLOPs      0 fused into "conv1"
	// pool1  Pooling      [1 8 16 16]    params    0 FLOPs      0 fused into ""
	// fc     InnerProduct [1 10]         params 20490 FLOPs  40960 fused into ""
}

// Reading a kernel profile: the embedded default, one model's figures.
func ExampleDefaultProfile() {
	p := models.DefaultProfile()
	m := p.Model("alexnet")
	if m == nil {
		fmt.Println("no alexnet in the default profile")
		return
	}
	fmt.Printf("alexnet: %d layers, %.1f GFLOP, weights %.0f MB\n", len(m.Layers), float64(m.FLOPs)/1e9, float64(m.WeightFileBytes)/1e6)
	// Output:
	// alexnet: 24 layers, 1.4 GFLOP, weights 244 MB
}

// Writing a profile measured with Calibrate (here a tiny one: one model,
// two repetitions, no load or preprocessing timings).
func ExampleCalibrate() {
	p, err := models.Calibrate(context.Background(), models.CalibrateOptions{
		Models: []string{"squeezenet-v1.1"}, Warmup: 1, Reps: 2, SkipLoad: true, SkipPreprocess: true,
	})
	if err != nil {
		panic(err)
	}
	m := p.Model("squeezenet-v1.1")
	fmt.Println(p.Format, m.Name, len(m.Layers), "layers", p.GC.Cycles, "GC cycles")
	_ = p.Write(os.Stdout) // the YAML file
}

// Cost classes: how device models price a layer. A Convolution is conv by
// its kind and depthwise when its group equals its num_output (MobileNet's
// conv2_1/dw).
func ExampleKindCostClass() {
	fmt.Println(models.KindCostClass("Convolution"), models.KindCostClass("InnerProduct"), models.KindCostClass("ReLU"), models.KindCostClass("Dropout"))
	net, err := models.Zoo("mobilenet-v1")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, l := range net.Layers() {
		if l.Name == "conv2_1/dw" || l.Name == "conv2_1/sep" {
			fmt.Println(l.Name, l.Kind, l.Class)
		}
	}
	// Output:
	// conv fc elementwise none
	// conv2_1/dw Convolution depthwise
	// conv2_1/sep Convolution conv
}
