package models

import (
	"fmt"
	"io"
	"slices"

	"github.com/infersim/infersim/models/caffe"
	"google.golang.org/protobuf/proto"
)

// Net is a CNN: a directed acyclic graph of layers over named blobs, with
// Caffe's semantics (a layer reads its bottom blobs and writes its top
// blobs; a top with the name of a bottom is an in-place update). A Net is
// immutable once built and safe to share between goroutines; per-inference
// state lives in an Executor. A Net built from a .prototxt alone is
// structure only: it reports layers, shapes, FLOPs and bytes, and needs
// WithWeights or WithSeededWeights before it can run.
type Net struct {
	name       string
	file       string
	def        *caffe.NetParameter // the structure as parsed, without blobs
	nodes      []*node
	values     []value
	input      int // value id of the net input
	output     int // value id of the net output
	weighted   bool
	flops      int64
	params     int64
	weightFile int64
	plan       *memPlan
}

// node is one layer of a Net.
type node struct {
	lp        *caffe.LayerParameter // definition without blobs
	kind      string
	op        op
	in, out   []int // value ids
	fusedInto int   // index of the node whose kernel computes this one, or -1
	alias     bool  // output shares the input's memory (in place, fused, or identity)
	info      LayerInfo
}

// value is one version of a blob: every top creates a new value, so an
// in-place layer's output is a different value from its input.
type value struct {
	name      string
	shape     []int
	size      int
	producer  int // node index
	consumers []int
}

// LayerInfo describes one layer of a Net, in the order of the prototxt.
type LayerInfo struct {
	Name       string
	Kind       string    // Caffe type name, e.g. "Convolution"
	Class      CostClass // how device models price it (depthwise for a depthwise Convolution)
	Bottoms    []string
	Tops       []string
	InShapes   [][]int
	OutShape   []int // shape of the (first) top
	FLOPs      int64 // 2 × multiply-adds of convolution and inner product; 0 for other kinds
	Ops        int64 // other arithmetic operations (see the package doc for what is counted)
	Params     int64 // number of weights and biases (all Caffe blobs of the layer)
	ParamBytes int64 // Params × 4 (float32)
	InBytes    int64 // bytes of all bottoms (float32)
	OutBytes   int64 // bytes of all tops (float32)
	// FusedInto names the layer whose kernel also computes this one (a
	// ReLU in a convolution's epilogue, a BatchNorm or Scale folded into
	// its weights), or is empty. A fused layer takes no time of its own.
	FusedInto string
}

// SplitPoint is a place to cut a Net in two: the layers up to and including
// AfterLayer (an index into Layers) run on one device, and the single blob
// Name, Bytes long, is all the rest needs.
type SplitPoint struct {
	AfterLayer  int
	Name        string // blob carried across the cut
	Bytes       int64  // its size in bytes (float32)
	FLOPsBefore int64  // FLOPs of layers 0..AfterLayer
}

// Name returns the net's name (NetParameter.name).
func (n *Net) Name() string { return n.name }

// Layers returns one LayerInfo per layer, in the order of the prototxt. The
// slice is a copy.
func (n *Net) Layers() []LayerInfo {
	out := make([]LayerInfo, len(n.nodes))
	for i, nd := range n.nodes {
		out[i] = nd.info
	}
	return out
}

// InputShape returns the shape of the input blob, e.g. [1 3 227 227].
func (n *Net) InputShape() []int { return cloneShape(n.values[n.input].shape) }

// OutputShape returns the shape of the output blob, e.g. [1 1000].
func (n *Net) OutputShape() []int { return cloneShape(n.values[n.output].shape) }

// FLOPs returns 2 × the multiply-adds of all convolution and inner-product
// layers, the convention of published FLOP counts.
func (n *Net) FLOPs() int64 { return n.flops }

// Params returns the number of parameters: all elements of all weight blobs
// (including BatchNorm statistics).
func (n *Net) Params() int64 { return n.params }

// WeightFileBytes returns the exact size of the .caffemodel that
// WriteCaffemodel writes for this net.
func (n *Net) WeightFileBytes() int64 { return n.weightFile }

// PeakActivationBytes returns the size of the executor's activation arena:
// the most memory the net's blobs occupy at once, after reusing the memory
// of blobs no longer needed (greedy planning; see memPlan). The per-thread
// scratch rows (WorkspaceBytes) come on top.
func (n *Net) PeakActivationBytes() int64 { return int64(n.plan.arena) * 4 }

// WorkspaceBytes returns the scratch memory an Executor needs besides the
// activations: one row per thread for pooling and LRN. Convolutions need
// none: their receptive fields are gathered into the GEMM's packed blocks,
// part of the GEMM threads' fixed workspaces (models/internal/gemm).
func (n *Net) WorkspaceBytes(threads int) int64 {
	return int64(threads*n.plan.tmpLen) * 4
}

// HasWeights reports whether the net carries weights and can run.
func (n *Net) HasWeights() bool { return n.weighted }

// SplitPoints returns every cut of the layer sequence after which a single
// blob carries everything the remaining layers need, in layer order. The
// last entry cuts after the last layer (its blob is the output).
func (n *Net) SplitPoints() []SplitPoint {
	// A value is live after layer k when it is produced at or before k and
	// read after it (the output is read at the end): an interval of k.
	// Counting live values, and summing their ids, with difference arrays
	// finds every cut in time linear in the net; at a count of one the sum
	// is the live value.
	nn := len(n.nodes)
	count, ids := make([]int, nn+1), make([]int, nn+1)
	for v := range n.values {
		val := &n.values[v]
		last := -1
		for _, c := range val.consumers {
			last = max(last, c)
		}
		if v == n.output {
			last = nn
		}
		if lo := max(val.producer, 0); lo < last {
			count[lo]++
			count[last]--
			ids[lo] += v
			ids[last] -= v
		}
	}
	var sp []SplitPoint
	var flops int64
	live, liveV := 0, 0
	for k := range n.nodes {
		flops += n.nodes[k].info.FLOPs
		live += count[k]
		liveV += ids[k]
		if live == 1 {
			sp = append(sp, SplitPoint{AfterLayer: k, Name: n.values[liveV].name, Bytes: int64(n.values[liveV].size) * 4, FLOPsBefore: flops})
		}
	}
	return sp
}

// LoadPrototxt reads a net's structure from a Caffe .prototxt (protobuf text
// format NetParameter with V2 "layer" entries, or V1 "layers" entries, as in
// files written before 2015, which are upgraded as Caffe does). The result
// has no weights. filename is used in error messages only.
func LoadPrototxt(r io.Reader, filename string) (*Net, error) {
	np, err := caffe.ParsePrototxt(r, filename)
	if err != nil {
		return nil, fromCaffe(err, "reading "+filename)
	}
	return FromNetParameter(np, filename)
}

// FromNetParameter builds a structure-only Net from a parsed Caffe
// NetParameter, V2 or V1 (upgraded, np itself is not changed); blobs in np
// are ignored (use WithWeights). filename is used in error messages only.
func FromNetParameter(np *caffe.NetParameter, filename string) (*Net, error) {
	n, err := build(np)
	if err != nil {
		return nil, withFile(err, filename)
	}
	n.file = filename
	return n, nil
}

func build(np *caffe.NetParameter) (*Net, error) {
	if len(np.GetLayers()) > 0 {
		// A NetParameter built by hand in the V1 format: upgrade a copy, as
		// the readers upgrade the files they read.
		up := proto.Clone(np).(*caffe.NetParameter)
		if err := caffe.UpgradeV1(up); err != nil {
			return nil, fromCaffe(err, "upgrading the V1 layers")
		}
		np = up
	}
	def := proto.Clone(np).(*caffe.NetParameter)
	for _, lp := range def.GetLayer() {
		lp.Blobs = nil
	}
	n := &Net{name: np.GetName(), def: def, input: -1}
	if l := len(def.GetLayer()); l > caffe.MaxLayers {
		return nil, formatErr("", "layer", "%d layers, more than the limit of %d", l, caffe.MaxLayers)
	}
	latest := map[string]int{}     // blob name → current value
	names := map[string]struct{}{} // names of the layers so far
	if ins := np.GetInput(); len(ins) > 0 {
		shape, err := legacyInput(np)
		if err != nil {
			return nil, err
		}
		n.values = append(n.values, value{name: ins[0], shape: shape, size: numel(shape), producer: -1})
		n.input = 0
		latest[ins[0]] = 0
	}
	for i, lp := range def.GetLayer() {
		if skipForInference(lp) {
			continue
		}
		if err := n.addLayer(i, lp, latest, names); err != nil {
			return nil, err
		}
	}
	if n.input < 0 {
		return nil, formatErr("", "input", "the net declares no input (an Input layer or NetParameter.input)")
	}
	if len(n.nodes) == 0 || len(n.nodes[len(n.nodes)-1].out) == 0 {
		return nil, formatErr("", "layer", "the net has no layers")
	}
	n.output = n.nodes[len(n.nodes)-1].out[0]
	n.planFusion()
	n.describe()
	plan, err := planMemory(n)
	if err != nil {
		return nil, err
	}
	n.plan = plan
	n.weightFile = n.caffemodelSize()
	return n, nil
}

// legacyInput returns the shape of a net's legacy input declaration
// (NetParameter.input with input_shape or four input_dim).
func legacyInput(np *caffe.NetParameter) ([]int, error) {
	ins := np.GetInput()
	if len(ins) != 1 {
		return nil, unsupportedErr("", "input", "%d input blobs (exactly one is supported)", len(ins))
	}
	switch {
	case len(np.GetInputShape()) == 1:
		return blobShapeDims("", "input_shape", np.GetInputShape()[0])
	case len(np.GetInputDim()) == 4:
		var shape []int
		for _, d := range np.GetInputDim() {
			if d <= 0 {
				return nil, formatErr("", "input_dim", "dimension %d", d)
			}
			shape = append(shape, int(d))
		}
		return shape, nil
	}
	return nil, formatErr("", "input_shape", "input %q needs one input_shape or four input_dim", ins[0])
}

// addLayer parses layer i, sets it up on the current values of its
// bottoms (latest: blob name → value id) and adds its node and tops.
func (n *Net) addLayer(i int, lp *caffe.LayerParameter, latest map[string]int, names map[string]struct{}) error {
	name := lp.GetName()
	if name == "" {
		name = fmt.Sprintf("#%d", i)
	}
	kind, ok := registry[lp.GetType()]
	if !ok {
		return unsupportedErr(name, "type", "layer type %q (supported: %v)", lp.GetType(), LayerKinds())
	}
	o, err := kind.parse(lp)
	if err != nil {
		return err
	}
	if lp.GetName() != "" {
		if _, dup := names[lp.GetName()]; dup {
			return formatErr(name, "name", "two layers have this name (weights are matched by name)")
		}
		names[lp.GetName()] = struct{}{}
	}
	idx := len(n.nodes)
	nd := &node{lp: lp, kind: lp.GetType(), op: o, fusedInto: -1}
	var inShapes [][]int
	for _, b := range lp.GetBottom() {
		v, ok := latest[b]
		if !ok {
			return formatErr(name, "bottom", "blob %q is not produced by any earlier layer", b)
		}
		nd.in = append(nd.in, v)
		inShapes = append(inShapes, n.values[v].shape)
	}
	outShapes, err := o.setup(inShapes)
	if err != nil {
		return err
	}
	if err := checkLayerShapes(name, lp, o, outShapes); err != nil {
		return err
	}
	inPlace := false
	for t, top := range lp.GetTop() {
		inPlace = inPlace || slices.Contains(lp.GetBottom(), top)
		v := len(n.values)
		n.values = append(n.values, value{name: top, shape: outShapes[t], size: numel(outShapes[t]), producer: idx})
		nd.out = append(nd.out, v)
		latest[top] = v
	}
	if inPlace && kind.elementwise && len(nd.in) == 1 {
		nd.alias = true
	}
	for _, v := range nd.in {
		n.values[v].consumers = append(n.values[v].consumers, idx)
	}
	if _, isInput := o.(*inputOp); isInput {
		if n.input >= 0 {
			return unsupportedErr(name, "type", "a second input (exactly one is supported)")
		}
		n.input = nd.out[0]
	}
	n.nodes = append(n.nodes, nd)
	return nil
}

// checkLayerShapes checks a set-up layer's tops against its declaration
// and its output and weight shapes against the size limit.
func checkLayerShapes(name string, lp *caffe.LayerParameter, o op, outShapes [][]int) error {
	if len(lp.GetTop()) != len(outShapes) {
		return formatErr(name, "top", "has %d tops, the layer produces %d", len(lp.GetTop()), len(outShapes))
	}
	for t, s := range outShapes {
		if !sizeOK(s) {
			return formatErr(name, "top", "output %d shape %v is too large", t, s)
		}
	}
	for j, s := range o.weightShapes() {
		if !sizeOK(s) {
			return formatErr(name, "blobs", "weight blob %d shape %v is too large", j, s)
		}
	}
	return nil
}

// maxBlob is the largest blob (elements) a net may have: 2^31 − 1, Caffe's
// limit (a blob's count is an int).
const maxBlob = 1<<31 - 1

// sizeOK reports whether a shape has positive dimensions and at most
// maxBlob elements, without overflowing.
func sizeOK(s []int) bool {
	n := 1
	for _, d := range s {
		if d <= 0 || n > maxBlob/d {
			return false
		}
		n *= d
	}
	return true
}

// skipForInference reports whether a layer belongs to the TRAIN phase only
// (include { phase: TRAIN } or exclude { phase: TEST }).
func skipForInference(lp *caffe.LayerParameter) bool {
	for _, r := range lp.GetInclude() {
		if r.Phase != nil && r.GetPhase() == caffe.Phase_TRAIN {
			return true
		}
	}
	for _, r := range lp.GetExclude() {
		if r.Phase != nil && r.GetPhase() == caffe.Phase_TEST {
			return true
		}
	}
	return false
}

// fuser is implemented by layers that can absorb a following per-channel
// affine (BatchNorm, Scale) and ReLU: Convolution and InnerProduct.
type fuser interface {
	fuse(relu bool, mul, add []float32) op
}

// affiner is implemented by BatchNorm and Scale: the per-channel affine
// y = x·mul + add they compute (valid after load).
type affiner interface {
	affine() (mul, add []float32)
}

// planFusion marks the layers that run inside a preceding Convolution or
// InnerProduct: a chain of BatchNorm and Scale (folded into the weights) and
// then a ReLU with slope 0 (in the GEMM epilogue). A layer is fused only if
// the value it reads has no other reader, so nobody sees the unfused value.
// Dropout whose input has no other reader becomes an alias too.
func (n *Net) planFusion() {
	for i, nd := range n.nodes {
		if _, ok := nd.op.(fuser); !ok {
			continue
		}
		cur := nd.out[0]
	chain:
		for {
			cons := n.values[cur].consumers
			if len(cons) != 1 {
				break
			}
			next := n.nodes[cons[0]]
			if len(next.in) != 1 {
				break
			}
			relu := false
			switch o := next.op.(type) {
			case *batchNormOp, *scaleOp:
			case *reluOp:
				if o.slope != 0 {
					break chain
				}
				relu = true
			default:
				break chain
			}
			next.fusedInto = i
			next.alias = true
			cur = next.out[0]
			if relu {
				break
			}
		}
	}
	for _, nd := range n.nodes {
		if _, ok := nd.op.(*dropoutOp); ok && !nd.alias {
			if len(n.values[nd.in[0]].consumers) == 1 {
				nd.alias = true
			}
		}
	}
}

// describe fills each node's LayerInfo and the net totals.
func (n *Net) describe() {
	n.flops, n.params = 0, 0
	for _, nd := range n.nodes {
		c := nd.op.cost()
		info := LayerInfo{
			Name:    nd.lp.GetName(),
			Kind:    nd.kind,
			Class:   registry[nd.kind].class,
			Bottoms: append([]string(nil), nd.lp.GetBottom()...),
			Tops:    append([]string(nil), nd.lp.GetTop()...),
			FLOPs:   c.flops,
			Ops:     c.ops,
		}
		if c, ok := nd.op.(classer); ok {
			info.Class = c.costClass()
		}
		for _, v := range nd.in {
			info.InShapes = append(info.InShapes, cloneShape(n.values[v].shape))
			info.InBytes += int64(n.values[v].size) * 4
		}
		for _, v := range nd.out {
			info.OutBytes += int64(n.values[v].size) * 4
		}
		info.OutShape = cloneShape(n.values[nd.out[0]].shape)
		for _, s := range nd.op.weightShapes() {
			info.Params += int64(numel(s))
		}
		info.ParamBytes = 4 * info.Params
		if nd.fusedInto >= 0 {
			info.FusedInto = n.nodes[nd.fusedInto].lp.GetName()
		}
		nd.info = info
		n.flops += c.flops
		n.params += info.Params
	}
}
