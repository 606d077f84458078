package models

import (
	"bytes"
	"fmt"
	"math"
	"runtime"
	"strings"
	"testing"

	"github.com/infersim/infersim/models/caffe"
)

// reluNet returns a prototxt of an input and n in-place ReLU layers.
func reluNet(n int) []byte {
	var b bytes.Buffer
	b.WriteString("name: \"r\"\nlayer { name: \"data\" type: \"Input\" top: \"data\" input_param { shape { dim: 1 dim: 3 dim: 8 dim: 8 } } }\n")
	for i := range n {
		fmt.Fprintf(&b, "layer { name: \"r%d\" type: \"ReLU\" bottom: \"data\" top: \"data\" }\n", i)
	}
	return b.Bytes()
}

// allocated returns the bytes f allocates (runtime.MemStats.TotalAlloc).
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestManyLayers is issue 18 finding 8: 100,000 ReLU layers took 147 s to
// load, the duplicate-name check scanning every earlier layer and the
// memory planner walking the chain of in-place layers once per value.
// A net at the limit loads within a memory bound; one over it is refused
// by name, from text and from a NetParameter built in code.
func TestManyLayers(t *testing.T) {
	src := reluNet(caffe.MaxLayers - 1)
	var n *Net
	var err error
	alloc := allocated(func() { n, err = LoadPrototxt(bytes.NewReader(src), "relu.prototxt") })
	if err != nil {
		t.Fatal(err)
	}
	if got := len(n.Layers()); got != caffe.MaxLayers {
		t.Fatalf("%d layers, want %d", got, caffe.MaxLayers)
	}
	if alloc > 400<<20 {
		t.Errorf("loading %d layers allocated %d MB, bound 400 MB", caffe.MaxLayers, alloc>>20)
	}

	over := reluNet(caffe.MaxLayers)
	_, err = LoadPrototxt(bytes.NewReader(over), "relu.prototxt")
	if err == nil || !strings.Contains(err.Error(), "10000 layer blocks") {
		t.Errorf("text over the limit: err = %v", err)
	}
	np, err := caffe.ParsePrototxt(bytes.NewReader(src), "relu.prototxt")
	if err != nil {
		t.Fatal(err)
	}
	np.Layer = append(np.Layer, np.Layer[1])
	_, err = FromNetParameter(np, "code")
	if err == nil || !strings.Contains(err.Error(), "limit of 10000") {
		t.Errorf("NetParameter over the limit: err = %v", err)
	}
}

// TestDuplicateNameLate checks that the map-based duplicate check still
// finds two layers of one name far apart.
func TestDuplicateNameLate(t *testing.T) {
	src := append(reluNet(500), "layer { name: \"r3\" type: \"ReLU\" bottom: \"data\" top: \"data\" }\n"...)
	_, err := LoadPrototxt(bytes.NewReader(src), "dup.prototxt")
	if err == nil || !strings.Contains(err.Error(), `"r3"`) || !strings.Contains(err.Error(), "two layers have this name") {
		t.Errorf("err = %v", err)
	}
}

// BenchmarkLoadManyLayers loads a net of MaxLayers in-place ReLU layers.
func BenchmarkLoadManyLayers(b *testing.B) {
	src := reluNet(caffe.MaxLayers - 1)
	for b.Loop() {
		if _, err := LoadPrototxt(bytes.NewReader(src), "relu.prototxt"); err != nil {
			b.Fatal(err)
		}
	}
}

// splitPointsQuadratic is the direct definition of SplitPoints: after each
// layer, scan every value for the ones still needed.
func splitPointsQuadratic(n *Net) []SplitPoint {
	var sp []SplitPoint
	var flops int64
	for k := range n.nodes {
		flops += n.nodes[k].info.FLOPs
		live, liveV := 0, -1
		for v := range n.values {
			val := &n.values[v]
			if val.producer > k {
				continue
			}
			last := -1
			for _, c := range val.consumers {
				last = max(last, c)
			}
			if v == n.output {
				last = len(n.nodes)
			}
			if last > k {
				live++
				liveV = v
			}
		}
		if live == 1 {
			sp = append(sp, SplitPoint{AfterLayer: k, Name: n.values[liveV].name, Bytes: int64(n.values[liveV].size) * 4, FLOPsBefore: flops})
		}
	}
	return sp
}

// TestSplitPointsLinear checks the linear SplitPoints (it was quadratic in
// the layers, the main cost of validating a scenario) against the direct
// definition on every zoo net and the small DAG.
func TestSplitPointsLinear(t *testing.T) {
	nets := map[string]*Net{"small": mustPrototxt(t, smallNet)}
	for _, name := range ZooNames() {
		n, err := Zoo(name)
		if err != nil {
			t.Fatal(err)
		}
		nets[name] = n
	}
	for name, n := range nets {
		got, want := n.SplitPoints(), splitPointsQuadratic(n)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: SplitPoints\n%v\nwant\n%v", name, got, want)
		}
	}
}

// TestProfileLimit checks that ReadProfile refuses a file over
// MaxProfileBytes instead of parsing its first 64 MiB.
func TestProfileLimit(t *testing.T) {
	_, err := ReadProfile(strings.NewReader("models: []\n"+strings.Repeat("#", MaxProfileBytes)), "p.yaml")
	if err == nil || !strings.Contains(err.Error(), "larger than 67108864 bytes (the limit)") {
		t.Errorf("err = %v", err)
	}
}

// TestAxisRangeInError checks that an axis out of range names the range.
func TestAxisRangeInError(t *testing.T) {
	src := `input: "data" input_dim: 1 input_dim: 2 input_dim: 5 input_dim: 5
layer { name: "k" type: "Concat" bottom: "data" bottom: "data" top: "k" concat_param { axis: 7 } }`
	_, err := LoadPrototxt(strings.NewReader(src), "a.prototxt")
	if err == nil || !strings.Contains(err.Error(), "axis 7 out of range [-4, 3]") {
		t.Errorf("err = %v", err)
	}
}

// TestNonFiniteWeights is issue 18 finding 12: NaN and infinite weights
// were accepted, and classify printed p=NaN. WithWeights refuses them,
// naming the layer and the blob.
func TestNonFiniteWeights(t *testing.T) {
	n := mustPrototxt(t, smallNet)
	var buf bytes.Buffer
	if err := n.WithSeededWeights(1).WriteCaffemodel(&buf); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1))} {
		np, err := caffe.ReadCaffemodel(bytes.NewReader(buf.Bytes()), "w.caffemodel")
		if err != nil {
			t.Fatal(err)
		}
		var layer string
		for _, lp := range np.GetLayer() {
			if len(lp.GetBlobs()) > 1 {
				lp.GetBlobs()[1].Data[0] = bad
				layer = lp.GetName()
				break
			}
		}
		var out bytes.Buffer
		if err := caffe.WriteCaffemodel(&out, np); err != nil {
			t.Fatal(err)
		}
		_, err = n.WithWeights(&out, "w.caffemodel")
		want := fmt.Sprintf(`layer %q: blobs[1]: value 0 is %v: weights must be finite`, layer, bad)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("weight %v: err = %v, want %q", bad, err, want)
		}
	}
}

// TestProfileAbsurdShape is issue 18 finding 12: a kernel profile with an
// absurd out_shape was accepted.
func TestProfileAbsurdShape(t *testing.T) {
	for _, shape := range []string{"[1, 3, 8, -8]", "[100000, 100000, 100000]", "[0]", "[" + strings.Repeat("1, ", 40) + "1]"} {
		src := strings.Replace(goodProfile, "out_shape: [1, 3, 8, 8], median_s: 0.001", "out_shape: "+shape+", median_s: 0.001", 1)
		if src == goodProfile {
			t.Fatal("fixture changed: no conv out_shape to spoil")
		}
		_, err := ReadProfile(strings.NewReader(src), "p.yaml")
		if err == nil || !strings.Contains(err.Error(), "out_shape") || !strings.Contains(err.Error(), "is not a blob shape") {
			t.Errorf("out_shape %s: err = %v", shape, err)
		}
	}
	if _, err := ReadProfile(strings.NewReader(goodProfile), "p.yaml"); err != nil {
		t.Fatal(err)
	}
}
