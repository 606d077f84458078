package models

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
)

// oneLayer builds a net of an Input of the given shape and one layer
// (the layer's text, with bottom "data" and top "out").
func oneLayer(t *testing.T, shape []int, layer string) *Net {
	t.Helper()
	dims := ""
	for _, d := range shape {
		dims += fmt.Sprintf(" dim: %d", d)
	}
	return mustPrototxt(t, fmt.Sprintf(`layer { name: "data" type: "Input" top: "data" input_param { shape {%s } } }
layer { name: "l" bottom: "data" top: "out" %s }`, dims, layer))
}

// runBoth runs a net with seeded weights through the executor (1 and 2
// threads) and the reference, and returns the worst scaled error.
func runBoth(t *testing.T, n *Net) float64 {
	t.Helper()
	n = n.WithSeededWeights(3)
	in := randSlice(9, numel(n.InputShape()))
	want := referenceForward(n, in)
	worst := 0.0
	for _, threads := range []int{1, 2} {
		ex := NewExecutor(n, threads)
		got, err := ex.Forward(in)
		if err != nil {
			t.Fatal(err)
		}
		worst = math.Max(worst, scaledErr(got, want))
		ex.Close()
	}
	return worst
}

// TestSmallLayers runs each layer kind alone on odd shapes through the
// executor and the reference and checks output shapes, FLOPs/ops and
// agreement (tolerance 1e-5 scaled; MAX pooling, ReLU, Dropout, Concat
// exact).
func TestSmallLayers(t *testing.T) {
	cases := []struct {
		name   string
		shape  []int
		layer  string
		out    []int
		flops  int64
		ops    int64
		params int64
		tol    float64
	}{
		{"relu", []int{1, 13, 5, 127}, `type: "ReLU"`, []int{1, 13, 5, 127}, 0, 13 * 5 * 127, 0, 0},
		{"leaky", []int{1, 13, 5, 7}, `type: "ReLU" relu_param { negative_slope: 0.2 }`, []int{1, 13, 5, 7}, 0, 13 * 35, 0, 0},
		{"maxpool-ceil", []int{1, 13, 54, 54}, `type: "Pooling" pooling_param { pool: MAX kernel_size: 3 stride: 2 }`, []int{1, 13, 27, 27}, 0, 13 * 27 * 27 * 9, 0, 0},
		{"avepool-pad", []int{2, 5, 14, 127}, `type: "Pooling" pooling_param { pool: AVE kernel_size: 3 stride: 2 pad: 1 }`, []int{2, 5, 8, 64}, 0, 2 * 5 * 8 * 64 * 9, 0, 1e-6},
		{"global", []int{1, 13, 6, 6}, `type: "Pooling" pooling_param { pool: AVE global_pooling: true }`, []int{1, 13, 1, 1}, 0, 13 * 36, 0, 1e-6},
		{"floor", []int{1, 3, 10, 11}, `type: "Pooling" pooling_param { pool: MAX kernel_size: 3 stride: 3 round_mode: FLOOR }`, []int{1, 3, 3, 3}, 0, 3 * 9 * 9, 0, 0},
		{"lrn", []int{1, 13, 9, 127}, `type: "LRN" lrn_param { local_size: 5 alpha: 0.01 beta: 0.75 }`, []int{1, 13, 9, 127}, 0, 13 * 9 * 127 * 14, 0, 1e-5},
		{"dropout", []int{1, 13, 3, 3}, `type: "Dropout"`, []int{1, 13, 3, 3}, 0, 0, 0, 0},
		{"softmax", []int{2, 13, 3, 5}, `type: "Softmax"`, []int{2, 13, 3, 5}, 0, 4 * 2 * 13 * 15, 0, 1e-6},
		{"fc", []int{1, 13, 3, 5}, `type: "InnerProduct" inner_product_param { num_output: 17 }`, []int{1, 17}, 2 * 17 * 195, 17, 17*195 + 17, 1e-5},
		{"fc-batch", []int{3, 13, 3, 5}, `type: "InnerProduct" inner_product_param { num_output: 17 }`, []int{3, 17}, 3 * 2 * 17 * 195, 3 * 17, 17*195 + 17, 1e-5},
		{"fc-transpose", []int{1, 20}, `type: "InnerProduct" inner_product_param { num_output: 7 transpose: true bias_term: false }`, []int{1, 7}, 2 * 7 * 20, 0, 140, 1e-5},
		{"conv-group", []int{1, 6, 15, 127}, `type: "Convolution" convolution_param { num_output: 10 kernel_size: 3 stride: 3 pad: 2 group: 2 }`, []int{1, 10, 6, 43}, 2 * 10 * 6 * 43 * 27, 10 * 6 * 43, 10*27 + 10, 1e-5},
		{"conv-hw", []int{1, 3, 15, 17}, `type: "Convolution" convolution_param { num_output: 4 kernel_h: 3 kernel_w: 5 stride_h: 2 stride_w: 1 pad_h: 1 pad_w: 2 }`, []int{1, 4, 8, 17}, 2 * 4 * 8 * 17 * 45, 4 * 8 * 17, 4*45 + 4, 1e-5},
		{"batchnorm", []int{1, 13, 4, 5}, `type: "BatchNorm"`, []int{1, 13, 4, 5}, 0, 2 * 13 * 20, 27, 1e-5},
		{"scale", []int{1, 13, 4, 5}, `type: "Scale" scale_param { bias_term: true }`, []int{1, 13, 4, 5}, 0, 2 * 13 * 20, 26, 1e-6},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := oneLayer(t, c.shape, c.layer)
			l := n.Layers()[1]
			if fmt.Sprint(l.OutShape) != fmt.Sprint(c.out) || l.FLOPs != c.flops || l.Ops != c.ops || l.Params != c.params {
				t.Errorf("out %v flops %d ops %d params %d, want %v %d %d %d", l.OutShape, l.FLOPs, l.Ops, l.Params, c.out, c.flops, c.ops, c.params)
			}
			if l.ParamBytes != 4*l.Params || l.InBytes != int64(4*numel(c.shape)) || l.OutBytes != int64(4*numel(c.out)) {
				t.Errorf("bytes: params %d in %d out %d", l.ParamBytes, l.InBytes, l.OutBytes)
			}
			if e := runBoth(t, n); e > c.tol {
				t.Errorf("executor vs reference: error %g > %g", e, c.tol)
			}
		})
	}
}

// TestConcatAndEltwise covers multi-input layers, including Concat along
// an axis where the zero-copy plan cannot apply (batch 2) and a value fed to
// two concats.
func TestConcatAndEltwise(t *testing.T) {
	for _, c := range []struct{ name, text string }{
		{"concat-batch2", `layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 2 dim: 3 dim: 5 dim: 7 } } }
layer { name: "a" type: "Convolution" bottom: "data" top: "a" convolution_param { num_output: 4 kernel_size: 1 } }
layer { name: "b" type: "Convolution" bottom: "data" top: "b" convolution_param { num_output: 5 kernel_size: 3 pad: 1 } }
layer { name: "cat" type: "Concat" bottom: "a" bottom: "b" bottom: "a" top: "cat" }`},
		{"two-concats", `layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 3 dim: 5 dim: 7 } } }
layer { name: "a" type: "Convolution" bottom: "data" top: "a" convolution_param { num_output: 4 kernel_size: 1 } }
layer { name: "b" type: "Convolution" bottom: "data" top: "b" convolution_param { num_output: 5 kernel_size: 3 pad: 1 } }
layer { name: "c1" type: "Concat" bottom: "a" bottom: "b" top: "c1" }
layer { name: "c2" type: "Concat" bottom: "b" bottom: "a" bottom: "data" top: "c2" }
layer { name: "r" type: "ReLU" bottom: "a" top: "a" }
layer { name: "c3" type: "Concat" bottom: "c1" bottom: "c2" bottom: "a" top: "c3" }`},
		{"eltwise", `layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 3 dim: 5 dim: 7 } } }
layer { name: "a" type: "Convolution" bottom: "data" top: "a" convolution_param { num_output: 4 kernel_size: 1 } }
layer { name: "b" type: "Convolution" bottom: "data" top: "b" convolution_param { num_output: 4 kernel_size: 3 pad: 1 } }
layer { name: "s" type: "Eltwise" bottom: "a" bottom: "b" top: "s" eltwise_param { coeff: 0.5 coeff: -2 } }
layer { name: "p" type: "Eltwise" bottom: "s" bottom: "b" top: "p" eltwise_param { operation: PROD } }
layer { name: "m" type: "Eltwise" bottom: "p" bottom: "a" bottom: "s" top: "m" eltwise_param { operation: MAX } }`},
	} {
		t.Run(c.name, func(t *testing.T) {
			if e := runBoth(t, mustPrototxt(t, c.text)); e > 1e-5 {
				t.Errorf("error %g", e)
			}
		})
	}
}

// TestMemoryPlan checks the arena: zero-copy concat inputs, in-place
// aliasing, and that the plan never lets two simultaneously live values
// overlap.
func TestMemoryPlan(t *testing.T) {
	for _, name := range ZooNames() {
		n := must(Zoo(name))
		p := n.plan
		// Liveness by layer index.
		for a := range n.values {
			for b := a + 1; b < len(n.values); b++ {
				if p.root(a) == p.root(b) {
					continue // same group: sharing is intended
				}
				la, lb := liveRange(n, a), liveRange(n, b)
				if la[0] > lb[1] || lb[0] > la[1] {
					continue
				}
				oa, ob := p.offset[a], p.offset[b]
				if oa < ob+n.values[b].size && ob < oa+n.values[a].size {
					t.Fatalf("%s: values %s and %s overlap while both live", name, n.values[a].name, n.values[b].name)
				}
			}
		}
		if strings.HasPrefix(name, "squeezenet") {
			for j, nd := range n.nodes {
				if nd.kind == "Concat" {
					for k, ok := range p.inPlace[j] {
						if !ok {
							t.Errorf("%s: concat %s input %d is copied, want zero copy", name, nd.info.Name, k)
						}
					}
				}
			}
		}
		if n.PeakActivationBytes() >= sumValueBytes(n) {
			t.Errorf("%s: peak %d is not below the sum of all blobs %d", name, n.PeakActivationBytes(), sumValueBytes(n))
		}
	}
}

func liveRange(n *Net, v int) [2]int {
	lo, hi := n.values[v].producer, n.values[v].producer
	for _, c := range n.values[v].consumers {
		hi = max(hi, c)
	}
	if v == n.output {
		hi = len(n.nodes)
	}
	return [2]int{lo, hi}
}

func sumValueBytes(n *Net) int64 {
	var s int64
	for _, v := range n.values {
		s += int64(v.size) * 4
	}
	return s
}

func TestSoftmax(t *testing.T) {
	in := []float32{1000, 1001, 1002, -1e30}
	out := make([]float32, 4)
	softmax(in, out, 1, 4, 1)
	want := []float64{0.09003057, 0.24472847, 0.66524096, 0}
	for i := range out {
		if math.Abs(float64(out[i])-want[i]) > 1e-6 {
			t.Errorf("softmax[%d] = %g, want %g", i, out[i], want[i])
		}
	}
}

// TestWeightsErrors checks that a weights file that does not fit the net
// gives an error naming the file, layer and blob.
func TestWeightsErrors(t *testing.T) {
	small := mustPrototxt(t, smallNet)
	var buf bytes.Buffer
	if err := small.WithSeededWeights(1).WriteCaffemodel(&buf); err != nil {
		t.Fatal(err)
	}
	// Same layer names, different shapes.
	other := mustPrototxt(t, strings.Replace(smallNet, "num_output: 14", "num_output: 16", 1))
	_, err := other.WithWeights(bytes.NewReader(buf.Bytes()), "w.caffemodel")
	var fe *FormatError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), `w.caffemodel: layer "conv1": blobs[0]: shape [14 3 5 5], want [16 3 5 5]`) {
		t.Errorf("shape mismatch: %v", err)
	}
	// A net with a layer the file lacks.
	extra := mustPrototxt(t, strings.Replace(smallNet, `name: "fc2"`, `name: "fc9"`, 1))
	if _, err := extra.WithWeights(bytes.NewReader(buf.Bytes()), "w.caffemodel"); err == nil || !strings.Contains(err.Error(), `layer "fc9": blobs: layer missing`) {
		t.Errorf("missing layer: %v", err)
	}
	// Truncated file.
	_, err = small.WithWeights(bytes.NewReader(buf.Bytes()[:buf.Len()/2]), "cut.caffemodel")
	if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), "models: cut.caffemodel") {
		t.Errorf("truncated file: %v (%T)", err, err)
	}
	// Structure-only nets cannot run or be written.
	ex := NewExecutor(small, 1)
	defer ex.Close()
	if _, err := ex.Forward(make([]float32, numel(small.InputShape()))); !errors.Is(err, ErrNoWeights) {
		t.Errorf("forward without weights: %v", err)
	}
	if err := small.WriteCaffemodel(&bytes.Buffer{}); !errors.Is(err, ErrNoWeights) {
		t.Errorf("write without weights: %v", err)
	}
	w := small.WithSeededWeights(1)
	ex2 := NewExecutor(w, 1)
	defer ex2.Close()
	if _, err := ex2.Forward(make([]float32, 5)); err == nil {
		t.Error("short input: no error")
	}
}

// TestSeededDeterministic: the same seed gives the same weights and output,
// another seed different ones.
func TestSeededDeterministic(t *testing.T) {
	n := mustPrototxt(t, smallNet)
	in := randSlice(2, numel(n.InputShape()))
	run := func(seed uint64) []float32 {
		ex := NewExecutor(n.WithSeededWeights(seed), 2)
		defer ex.Close()
		out, _ := ex.Forward(in)
		return append([]float32(nil), out...)
	}
	a, b, c := run(5), run(5), run(6)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Error("same seed, different outputs")
	}
	if fmt.Sprint(a) == fmt.Sprint(c) {
		t.Error("different seeds, same outputs")
	}
}

// TestSplitPoints: a chain's every layer is a split point; in SqueezeNet
// the fire modules' insides are not (two blobs are live there).
func TestSplitPoints(t *testing.T) {
	n := must(Zoo("squeezenet-v1.1"))
	sp := n.SplitPoints()
	names := map[string]bool{}
	for _, s := range sp {
		names[n.Layers()[s.AfterLayer].Name] = true
		if s.Bytes <= 0 || s.FLOPsBefore < 0 {
			t.Errorf("bad split point %+v", s)
		}
	}
	for _, want := range []string{"data", "pool1", "fire2/squeeze1x1", "fire2/concat", "pool10", "prob"} {
		if !names[want] {
			t.Errorf("no split after %s", want)
		}
	}
	for _, not := range []string{"fire2/expand1x1", "fire2/relu_expand1x1", "fire2/expand3x3"} {
		if names[not] {
			t.Errorf("split after %s, where two blobs are live", not)
		}
	}
	last := sp[len(sp)-1]
	if last.AfterLayer != len(n.Layers())-1 || last.FLOPsBefore != n.FLOPs() {
		t.Errorf("last split %+v", last)
	}
}

// TestClassifyJPEG classifies a generated JPEG end to end.
func TestClassifyJPEG(t *testing.T) {
	data, err := SyntheticJPEG(640, 480, 90, 3)
	if err != nil {
		t.Fatal(err)
	}
	ex := NewExecutor(must(Zoo("squeezenet-v1.1")).WithSeededWeights(1), 2)
	defer ex.Close()
	top, err := Classify(ex, bytes.NewReader(data), 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(top) != 5 {
		t.Fatalf("top-5 has %d entries", len(top))
	}
	for i := 1; i < 5; i++ {
		if top[i].Prob > top[i-1].Prob || top[i].Index < 0 || top[i].Index >= 1000 {
			t.Errorf("top-5 not sorted or out of range: %+v", top)
		}
	}
	if _, err := Classify(ex, bytes.NewReader(data[:100]), 5); err == nil {
		t.Error("truncated JPEG: no error")
	}
}

// TestPreprocess checks the mean subtraction and BGR order on a flat image.
func TestPreprocess(t *testing.T) {
	img := SyntheticPhoto(300, 200, 1)
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2] = 200, 100, 50 // R, G, B
	}
	n := must(Zoo("alexnet"))
	x := Preprocess(img, n)
	plane := 227 * 227
	if x[0] != 50-104 || x[plane] != 100-117 || x[2*plane] != 200-123 {
		t.Errorf("first pixel B,G,R = %g,%g,%g, want %d,%d,%d", x[0], x[plane], x[2*plane], 50-104, 100-117, 200-123)
	}
}

// TestSharedNet runs one Net from several goroutines, each with its own
// Executor, and checks they all get the single-goroutine result (run with
// -race to check the Net is read-only).
func TestSharedNet(t *testing.T) {
	n := mustPrototxt(t, smallNet).WithSeededWeights(4)
	in := randSlice(8, numel(n.InputShape()))
	ex := NewExecutor(n, 1)
	want, _ := ex.Forward(in)
	want = append([]float32(nil), want...)
	ex.Close()
	errs := make(chan error, 4)
	for g := 0; g < 4; g++ {
		go func() {
			ex := NewExecutor(n, 1)
			defer ex.Close()
			for range 5 {
				got, err := ex.Forward(in)
				if err != nil {
					errs <- err
					return
				}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					errs <- fmt.Errorf("different output")
					return
				}
			}
			errs <- nil
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
