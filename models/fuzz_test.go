package models

import (
	"strings"
	"testing"
)

// FuzzLoadPrototxt: any text gives a Net or an error prefixed "models: ",
// never a panic; a Net small enough to run runs with seeded weights, and its
// fast output matches the reference.
//
// Seeds are small (under 500 bytes): the fuzzer minimizes every new
// interesting input by trying to remove each span of its bytes, a cost
// quadratic in its size, so the 2.5 KB smallNet and whole zoo nets (up to
// 40 KB) as seeds left it minimizing, a dozen executions in 45 s (issue
// 18). Together the seeds hold every layer kind; the zoo nets give their
// first two layers.
func FuzzLoadPrototxt(f *testing.F) {
	const in = "input: \"data\" input_dim: 1 input_dim: 2 input_dim: 5 input_dim: 5\n"
	for _, s := range []string{
		in + `layer { name: "c" type: "Convolution" bottom: "data" top: "c" convolution_param { num_output: 3 kernel_size: 3 pad: 1 stride: 2 } }
layer { name: "r" type: "ReLU" bottom: "c" top: "c" }`,
		in + `layer { name: "p" type: "Pooling" bottom: "data" top: "p" pooling_param { pool: AVE kernel_size: 3 stride: 2 pad: 1 } }`,
		in + `layer { name: "n" type: "LRN" bottom: "data" top: "n" lrn_param { local_size: 3 alpha: 0.1 beta: 0.75 } }`,
		in + `layer { name: "a" type: "ReLU" bottom: "data" top: "a" relu_param { negative_slope: 0.1 } }
layer { name: "k" type: "Concat" bottom: "data" bottom: "a" top: "k" }
layer { name: "e" type: "Eltwise" bottom: "data" bottom: "a" top: "e" }`,
		in + `layer { name: "c" type: "Convolution" bottom: "data" top: "c" convolution_param { num_output: 2 kernel_size: 1 group: 2 bias_term: false } }
layer { name: "b" type: "BatchNorm" bottom: "c" top: "c" }
layer { name: "s" type: "Scale" bottom: "c" top: "c" scale_param { bias_term: true } }`,
		in + `layer { name: "f" type: "InnerProduct" bottom: "data" top: "f" inner_product_param { num_output: 4 } }
layer { name: "d" type: "Dropout" bottom: "f" top: "f" }
layer { name: "s" type: "Softmax" bottom: "f" top: "s" }`,
		`layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 3 dim: 7 dim: 7 } } }
layer { name: "p" type: "Pooling" bottom: "data" top: "p" pooling_param { pool: MAX kernel_size: 2 stride: 2 } }`,
		in + `layers { name: "c" type: CONVOLUTION bottom: "data" top: "c" convolution_param { num_output: 2 kernel_size: 3 } }`,
	} {
		f.Add(s)
	}
	for _, name := range ZooNames() {
		b, _ := ZooPrototxt(name)
		blocks := strings.SplitAfterN(string(b), "\nlayer {", 4)
		f.Add(strings.TrimSuffix(strings.Join(blocks[:min(3, len(blocks))], ""), "layer {"))
	}
	f.Fuzz(func(t *testing.T, text string) {
		n, err := LoadPrototxt(strings.NewReader(text), "fuzz.prototxt")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "models: ") {
				t.Fatalf("error without prefix: %v", err)
			}
			return
		}
		n.Layers()
		n.SplitPoints()
		var ops int64
		for _, l := range n.Layers() {
			ops += l.Ops
		}
		if n.PeakActivationBytes() > 1<<20 || n.FLOPs() > 1e7 || ops > 1e7 || n.Params() > 1e6 {
			return
		}
		w := n.WithSeededWeights(1)
		in := randSlice(1, numel(n.InputShape()))
		ex := NewExecutor(w, 2)
		defer ex.Close()
		got, err := ex.Forward(in)
		if err != nil {
			t.Fatal(err)
		}
		want := referenceForward(w, in)
		if e := scaledErr(got, want); e > 1e-3 {
			t.Fatalf("fast vs reference: error %g", e)
		}
	})
}
