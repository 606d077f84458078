package models

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

// smallNet is a small DAG exercising every layer kind: odd channel counts,
// stride 3, group 2, pad 2, ceil pooling, a fire-like concat, BatchNorm +
// Scale folding, depthwise convolution, LRN, Eltwise and fc.
const smallNet = `name: "small"
layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 3 dim: 37 dim: 41 } } }
layer { name: "conv1" type: "Convolution" bottom: "data" top: "conv1" convolution_param { num_output: 14 kernel_size: 5 stride: 3 pad: 2 } }
layer { name: "relu1" type: "ReLU" bottom: "conv1" top: "conv1" }
layer { name: "norm1" type: "LRN" bottom: "conv1" top: "norm1" lrn_param { local_size: 5 alpha: 0.001 beta: 0.75 } }
layer { name: "pool1" type: "Pooling" bottom: "norm1" top: "pool1" pooling_param { pool: MAX kernel_size: 3 stride: 2 } }
layer { name: "conv2" type: "Convolution" bottom: "pool1" top: "conv2" convolution_param { num_output: 10 kernel_size: 3 pad: 1 group: 2 } }
layer { name: "relu2" type: "ReLU" bottom: "conv2" top: "conv2" }
layer { name: "sq" type: "Convolution" bottom: "conv2" top: "sq" convolution_param { num_output: 13 kernel_size: 1 } }
layer { name: "sq_relu" type: "ReLU" bottom: "sq" top: "sq" }
layer { name: "e1" type: "Convolution" bottom: "sq" top: "e1" convolution_param { num_output: 7 kernel_size: 1 } }
layer { name: "e1_relu" type: "ReLU" bottom: "e1" top: "e1" }
layer { name: "e3" type: "Convolution" bottom: "sq" top: "e3" convolution_param { num_output: 6 kernel_size: 3 pad: 1 } }
layer { name: "e3_relu" type: "ReLU" bottom: "e3" top: "e3" }
layer { name: "cat" type: "Concat" bottom: "e1" bottom: "e3" top: "cat" }
layer { name: "dw" type: "Convolution" bottom: "cat" top: "dw" convolution_param { num_output: 13 kernel_size: 3 pad: 1 group: 13 bias_term: false } }
layer { name: "dw_bn" type: "BatchNorm" bottom: "dw" top: "dw" }
layer { name: "dw_scale" type: "Scale" bottom: "dw" top: "dw" scale_param { bias_term: true } }
layer { name: "dw_relu" type: "ReLU" bottom: "dw" top: "dw" }
layer { name: "sum" type: "Eltwise" bottom: "dw" bottom: "cat" top: "sum" }
layer { name: "leaky" type: "ReLU" bottom: "sum" top: "sum" relu_param { negative_slope: 0.1 } }
layer { name: "pool2" type: "Pooling" bottom: "sum" top: "pool2" pooling_param { pool: AVE kernel_size: 3 stride: 2 pad: 1 } }
layer { name: "fc" type: "InnerProduct" bottom: "pool2" top: "fc" inner_product_param { num_output: 11 } }
layer { name: "fc_relu" type: "ReLU" bottom: "fc" top: "fc" }
layer { name: "drop" type: "Dropout" bottom: "fc" top: "fc" }
layer { name: "fc2" type: "InnerProduct" bottom: "fc" top: "fc2" inner_product_param { num_output: 9 } }
layer { name: "prob" type: "Softmax" bottom: "fc2" top: "prob" }
`

func mustPrototxt(t testing.TB, text string) *Net {
	t.Helper()
	n, err := LoadPrototxt(strings.NewReader(text), "test.prototxt")
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestNetReference compares the fast executor (fused layers, planned memory,
// zero-copy concat, 1 and 2 threads) with referenceForward, the naive
// whole-net reference, on smallNet and on SqueezeNet v1.1 and MobileNet.
// Tolerance: 1e-3 relative to the largest output magnitude (float32 GEMMs
// of up to 2,300 terms in a different order, through up to 28 layers).
func TestNetReference(t *testing.T) {
	nets := []struct {
		name string
		net  func() *Net
	}{
		{"small", func() *Net { return mustPrototxt(t, smallNet) }},
		{"squeezenet-v1.1", func() *Net { n, _ := Zoo("squeezenet-v1.1"); return n }},
		{"mobilenet-v1", func() *Net { n, _ := Zoo("mobilenet-v1"); return n }},
		{"small-logits", func() *Net { return mustPrototxt(t, withoutLastLayer(smallNet)) }},
		{"squeezenet-v1.1-logits", func() *Net { return mustPrototxt(t, withoutLastLayer(string(must2(ZooPrototxt("squeezenet-v1.1"))))) }},
	}
	for _, c := range nets {
		t.Run(c.name, func(t *testing.T) {
			if testing.Short() && c.name == "mobilenet-v1" {
				t.Skip("slow reference")
			}
			n := c.net().WithSeededWeights(1)
			in := randSlice(3, numel(n.InputShape()))
			want := referenceForward(n, in)
			for _, threads := range []int{1, 2} {
				ex := NewExecutor(n, threads)
				got, err := ex.Forward(in)
				if err != nil {
					t.Fatal(err)
				}
				if e := scaledErr(got, want); e > 1e-3 {
					t.Errorf("threads=%d: error %g > 1e-3", threads, e)
				}
				ex.Close()
			}
		})
	}
}

// scaledErr returns max |a−b| / max |b|.
func scaledErr(a, b []float32) float64 {
	var d, m float64
	for i := range a {
		d = math.Max(d, math.Abs(float64(a[i])-float64(b[i])))
		m = math.Max(m, math.Abs(float64(b[i])))
	}
	if m == 0 {
		return d
	}
	return d / m
}

// TestIntermediates checks every intermediate blob of smallNet, not just the
// output, by cutting the net after each layer.
func TestFusion(t *testing.T) {
	n := mustPrototxt(t, smallNet)
	want := map[string]string{"relu1": "conv1", "relu2": "conv2", "sq_relu": "sq", "e1_relu": "e1", "e3_relu": "e3",
		"dw_bn": "dw", "dw_scale": "dw", "dw_relu": "dw", "fc_relu": "fc"}
	for _, l := range n.Layers() {
		if l.FusedInto != want[l.Name] {
			t.Errorf("%s fused into %q, want %q", l.Name, l.FusedInto, want[l.Name])
		}
	}
}

func TestZeroAllocForward(t *testing.T) {
	for _, name := range []string{"squeezenet-v1.1", "mobilenet-v1"} {
		n, err := Zoo(name)
		if err != nil {
			t.Fatal(err)
		}
		n = n.WithSeededWeights(1)
		in := randSlice(1, numel(n.InputShape()))
		for _, threads := range []int{1, 2} {
			ex := NewExecutor(n, threads)
			ex.Forward(in)
			allocs := testing.AllocsPerRun(3, func() { ex.Forward(in) })
			if allocs != 0 {
				t.Errorf("%s threads=%d: %v allocations per forward pass, want 0", name, threads, allocs)
			}
			ex.SetLayerHook(func(int, time.Duration) {})
			allocs = testing.AllocsPerRun(3, func() { ex.Forward(in) })
			if allocs != 0 {
				t.Errorf("%s threads=%d with hook: %v allocations per forward pass, want 0", name, threads, allocs)
			}
			ex.Close()
		}
	}
}

// TestCaffemodelRoundTrip writes seeded weights as a .caffemodel, checks the
// size against WeightFileBytes, reloads it and checks the weights bit for
// bit and the outputs for identity.
func TestCaffemodelRoundTrip(t *testing.T) {
	for _, c := range []struct {
		name string
		net  *Net
	}{
		{"small", mustPrototxt(t, smallNet)},
		{"squeezenet-v1.1", must(Zoo("squeezenet-v1.1"))},
		{"mobilenet-v1", must(Zoo("mobilenet-v1"))},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := c.net.WithSeededWeights(7)
			var buf bytes.Buffer
			if err := a.WriteCaffemodel(&buf); err != nil {
				t.Fatal(err)
			}
			if int64(buf.Len()) != c.net.WeightFileBytes() {
				t.Errorf("wrote %d bytes, WeightFileBytes says %d", buf.Len(), c.net.WeightFileBytes())
			}
			b, err := c.net.WithWeights(bytes.NewReader(buf.Bytes()), "rt.caffemodel")
			if err != nil {
				t.Fatal(err)
			}
			for i := range a.nodes {
				ab, bb := a.nodes[i].op.blobs(), b.nodes[i].op.blobs()
				if len(ab) != len(bb) {
					t.Fatalf("layer %s: %d blobs vs %d", a.nodes[i].info.Name, len(ab), len(bb))
				}
				for j := range ab {
					for k := range ab[j] {
						if math.Float32bits(ab[j][k]) != math.Float32bits(bb[j][k]) {
							t.Fatalf("layer %s blob %d value %d differs", a.nodes[i].info.Name, j, k)
						}
					}
				}
			}
			in := randSlice(5, numel(c.net.InputShape()))
			ea, eb := NewExecutor(a, 1), NewExecutor(b, 1)
			defer ea.Close()
			defer eb.Close()
			oa, _ := ea.Forward(in)
			ob, _ := eb.Forward(in)
			for k := range oa {
				if math.Float32bits(oa[k]) != math.Float32bits(ob[k]) {
					t.Fatalf("output %d differs: %g vs %g", k, oa[k], ob[k])
				}
			}
		})
	}
}

// withoutLastLayer drops the final layer (the softmax) of a prototxt, so
// the comparison sees the logits, which a peaked softmax would flatten.
func withoutLastLayer(text string) string {
	return text[:strings.LastIndex(text, "layer {")]
}

func must2(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

func must(n *Net, err error) *Net {
	if err != nil {
		panic(err)
	}
	return n
}

// TestZoo checks each zoo model against its publishers' numbers.
// Params and FLOPs: ../shared/bench/CNN.md (2 × multiply-adds of conv and fc;
// AlexNet 60.97 M / 1.449 G, NIN 7.60 M / 2.200 G, SqueezeNet v1.0 1.25 M /
// 1.665 G, v1.1 1.24 M / 0.775 G) and Howard et al. 2017, Table 1 for
// MobileNet (569 M multiply-adds, 4.2 M parameters); weight files:
// ../shared/reference/README.md section 2 (≈233 MB, ≈29 MB, ≈4.8 MB, ≈17 MB,
// read as MiB for the first three, as Caffe's zoo pages report them).
func TestZoo(t *testing.T) {
	cases := []struct {
		name      string
		in, out   []int
		params    int64
		paramsTol float64
		gflop     float64
		fileMB    float64 // published size
		fileMiB   bool
		fileTol   float64
	}{
		{"alexnet", []int{1, 3, 227, 227}, []int{1, 1000}, 60965224, 0, 1.449, 233, true, 0.01},
		{"nin", []int{1, 3, 224, 224}, []int{1, 1000, 1, 1}, 7595176, 0, 2.200, 29, true, 0.02},
		{"squeezenet-v1.0", []int{1, 3, 227, 227}, []int{1, 1000, 1, 1}, 1248424, 0, 1.665, 4.8, true, 0.02},
		{"squeezenet-v1.1", []int{1, 3, 227, 227}, []int{1, 1000, 1, 1}, 1235496, 0, 0.775, 4.8, true, 0.04},
		{"mobilenet-v1", []int{1, 3, 224, 224}, []int{1, 1000, 1, 1}, 4200000, 0.02, 1.138, 17, false, 0.01},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n, err := Zoo(c.name)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(n.InputShape()) != fmt.Sprint(c.in) || fmt.Sprint(n.OutputShape()) != fmt.Sprint(c.out) {
				t.Errorf("shapes %v → %v, want %v → %v", n.InputShape(), n.OutputShape(), c.in, c.out)
			}
			if rel := math.Abs(float64(n.Params()-c.params)) / float64(c.params); rel > c.paramsTol {
				t.Errorf("params %d, want %d (±%.0f%%)", n.Params(), c.params, 100*c.paramsTol)
			}
			if g := float64(n.FLOPs()) / 1e9; math.Abs(g-c.gflop) > 0.0015 {
				t.Errorf("GFLOP %.4f, want %.3f", g, c.gflop)
			}
			unit := 1e6
			if c.fileMiB {
				unit = 1 << 20
			}
			if mb := float64(n.WeightFileBytes()) / unit; math.Abs(mb-c.fileMB)/c.fileMB > c.fileTol {
				t.Errorf("weight file %.2f MB, want ≈%.1f", mb, c.fileMB)
			}
			if n.PeakActivationBytes() <= 0 || n.PeakActivationBytes() > 64<<20 {
				t.Errorf("peak activation %d bytes", n.PeakActivationBytes())
			}
		})
	}
}

func TestBuildErrors(t *testing.T) {
	cases := []struct {
		name, text, want string
		unsupported      bool
	}{
		{"unknown type", `layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 3 dim: 8 dim: 8 } } }
layer { name: "x" type: "Frobnicate" bottom: "data" top: "x" }`, `layer "x": type: unsupported`, true},
		{"missing bottom", `layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 3 dim: 8 dim: 8 } } }
layer { name: "p" type: "Pooling" bottom: "nope" top: "p" pooling_param { kernel_size: 2 } }`, `layer "p": bottom: blob "nope"`, false},
		{"group", `layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 3 dim: 8 dim: 8 } } }
layer { name: "c" type: "Convolution" bottom: "data" top: "c" convolution_param { num_output: 4 kernel_size: 3 group: 2 } }`, `layer "c": convolution_param.group`, false},
		{"kernel too big", `layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 3 dim: 8 dim: 8 } } }
layer { name: "c" type: "Convolution" bottom: "data" top: "c" convolution_param { num_output: 4 kernel_size: 11 } }`, `layer "c": convolution_param.kernel_size`, false},
		{"within channel", `layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 3 dim: 8 dim: 8 } } }
layer { name: "n" type: "LRN" bottom: "data" top: "n" lrn_param { norm_region: WITHIN_CHANNEL } }`, `layer "n": lrn_param.norm_region: unsupported`, true},
		{"no input", `layer { name: "r" type: "ReLU" bottom: "x" top: "x" }`, `bottom`, false},
		{"syntax", `layer { name: "r" type: "ReLU" bottom: "x" top: "x" `, `bad.prototxt:1`, false},
		{"v0 inside v1", `layers { layer { name: "r" type: "relu" } bottom: "x" top: "x" }`, `layer: unsupported: V0 layer`, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := LoadPrototxt(strings.NewReader(c.text), "bad.prototxt")
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.HasPrefix(err.Error(), "models: bad.prototxt") || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q, want prefix models: bad.prototxt and %q", err, c.want)
			}
			var ue *UnsupportedError
			var fe *FormatError
			if c.unsupported && !errors.As(err, &ue) || !c.unsupported && !errors.As(err, &fe) {
				t.Errorf("error %T, want unsupported=%v", err, c.unsupported)
			}
		})
	}
}
