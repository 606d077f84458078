package models

import (
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"math/rand/v2"

	"github.com/infersim/infersim/models/caffe"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
)

// WithWeights returns a copy of n that carries the weights of a Caffe
// .caffemodel (binary NetParameter). Layers are matched by name; every
// layer of n that has weights must be present with blobs of the right
// shapes (a legacy 4-D num/channels/height/width shape with leading 1s is
// accepted), and errors name the file, the layer and the blob. Layers of
// the file that n lacks are ignored (a trained file often holds the
// training net's extra layers). BatchNorm and Scale layers are folded into
// the preceding convolution here. n itself is not changed.
func (n *Net) WithWeights(caffemodel io.Reader, filename string) (*Net, error) {
	np, err := caffe.ReadCaffemodel(caffemodel, filename)
	if err != nil {
		return nil, fromCaffe(err, "reading weights "+filename)
	}
	byName := map[string]*caffe.LayerParameter{}
	for _, lp := range np.GetLayer() {
		byName[lp.GetName()] = lp
	}
	blobs := make([][][]float32, len(n.nodes))
	for i, nd := range n.nodes {
		shapes := nd.op.weightShapes()
		if len(shapes) == 0 {
			continue
		}
		name := nd.info.Name
		lp, ok := byName[name]
		if !ok {
			return nil, &FormatError{File: filename, Layer: name, Field: "blobs", Msg: "layer missing from the weights file"}
		}
		if len(lp.GetBlobs()) != len(shapes) {
			return nil, &FormatError{File: filename, Layer: name, Field: "blobs", Msg: fmt.Sprintf("has %d blobs, want %d", len(lp.GetBlobs()), len(shapes))}
		}
		for j, b := range lp.GetBlobs() {
			field := fmt.Sprintf("blobs[%d]", j)
			got := caffe.Shape(b)
			if !sameShape(got, shapes[j]) {
				return nil, &FormatError{File: filename, Layer: name, Field: field, Msg: fmt.Sprintf("shape %v, want %v", got, shapes[j])}
			}
			data := b.GetData()
			if len(data) == 0 && len(b.GetDoubleData()) > 0 {
				data = make([]float32, len(b.GetDoubleData()))
				for k, v := range b.GetDoubleData() {
					data[k] = float32(v)
				}
			}
			if len(data) != numel(shapes[j]) {
				return nil, &FormatError{File: filename, Layer: name, Field: field, Msg: fmt.Sprintf("%d values, want %d", len(data), numel(shapes[j]))}
			}
			if k := nonFinite(data); k >= 0 {
				// A NaN or infinite weight makes every class score NaN.
				return nil, &FormatError{File: filename, Layer: name, Field: field, Msg: fmt.Sprintf("value %d is %v: weights must be finite", k, data[k])}
			}
			blobs[i] = append(blobs[i], data)
		}
	}
	m, err := n.withBlobs(blobs)
	if err != nil {
		return nil, withFile(err, filename)
	}
	return m, nil
}

// nonFinite returns the index of the first NaN or infinite value of data,
// or −1.
func nonFinite(data []float32) int {
	for k, v := range data {
		if f := float64(v); math.IsNaN(f) || math.IsInf(f, 0) {
			return k
		}
	}
	return -1
}

// sameShape compares blob shapes ignoring leading 1s (Caffe's legacy 4-D
// shapes, e.g. an InnerProduct weight stored as 1×1×out×in).
func sameShape(a, b []int) bool {
	for len(a) > 0 && a[0] == 1 && len(a) > len(b) {
		a = a[1:]
	}
	for len(b) > 0 && b[0] == 1 && len(b) > len(a) {
		b = b[1:]
	}
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// WithSeededWeights returns a copy of n with deterministic synthetic
// weights: convolution and inner-product weights drawn from N(0, 2/fan_in)
// (He et al. 2015, "Delving deep into rectifiers", fan_in = inputs per
// output), biases uniform in [−0.1, 0.1], BatchNorm statistics near the
// identity (mean N(0, 0.1²), variance U[0.5, 1.5], factor 1) and Scale
// γ U[0.5, 1.5], β N(0, 0.1²). Each layer draws from its own stream seeded
// by (seed, layer name), so a layer's weights do not depend on the others.
//
// Such a net gives faithful timings (the arithmetic is the same as with
// trained weights) and meaningless class scores.
func (n *Net) WithSeededWeights(seed uint64) *Net {
	blobs := make([][][]float32, len(n.nodes))
	for i, nd := range n.nodes {
		shapes := nd.op.weightShapes()
		if len(shapes) == 0 {
			continue
		}
		h := fnv.New64a()
		h.Write([]byte(nd.info.Name))
		r := rand.New(rand.NewPCG(seed, h.Sum64()))
		for j, s := range shapes {
			b := make([]float32, numel(s))
			switch nd.op.(type) {
			case *convOp, *fcOp:
				if j == 0 {
					fanIn := numel(s[1:])
					if f, ok := nd.op.(*fcOp); ok && f.transpose {
						fanIn = s[0]
					}
					std := math.Sqrt(2 / float64(fanIn))
					for k := range b {
						b[k] = float32(r.NormFloat64() * std)
					}
				} else {
					for k := range b {
						b[k] = float32(r.Float64()*0.2 - 0.1)
					}
				}
			case *batchNormOp:
				for k := range b {
					switch j {
					case 0:
						b[k] = float32(r.NormFloat64() * 0.1)
					case 1:
						b[k] = float32(0.5 + r.Float64())
					default:
						b[k] = 1
					}
				}
			default: // Scale and any other weighted kind
				for k := range b {
					if j == 0 {
						b[k] = float32(0.5 + r.Float64())
					} else {
						b[k] = float32(r.NormFloat64() * 0.1)
					}
				}
			}
			blobs[i] = append(blobs[i], b)
		}
	}
	m, err := n.withBlobs(blobs)
	if err != nil {
		panic("models: seeded weights do not fit their own shapes: " + err.Error()) // programmer error
	}
	return m
}

// withBlobs returns a copy of n whose ops hold blobs[i] (already
// shape-checked), with fused layers folded and every op prepared to run.
func (n *Net) withBlobs(blobs [][][]float32) (*Net, error) {
	m := *n
	m.nodes = make([]*node, len(n.nodes))
	for i, nd := range n.nodes {
		c := *nd
		o, err := nd.op.load(blobs[i])
		if err != nil {
			return nil, err
		}
		c.op = o
		m.nodes[i] = &c
	}
	// Fold BatchNorm/Scale and ReLU into their convolution or inner product.
	for i, nd := range m.nodes {
		f, ok := nd.op.(fuser)
		if !ok {
			continue
		}
		var mul, add []float32
		relu := false
		for _, fd := range m.nodes[i+1:] {
			if fd.fusedInto != i {
				continue
			}
			switch o := fd.op.(type) {
			case *reluOp:
				relu = true
			case affiner:
				m2, a2 := o.affine()
				if mul == nil {
					mul, add = append([]float32(nil), m2...), append([]float32(nil), a2...)
					continue
				}
				for c := range mul {
					mul[c] *= m2[c]
					add[c] = add[c]*m2[c] + a2[c]
				}
			}
		}
		nd.op = f.fuse(relu, mul, add)
	}
	m.weighted = true
	return &m, nil
}

// NetParameter returns the net as a Caffe NetParameter: its structure as
// parsed and, if it has weights, every layer's blobs (sharing the net's
// memory: do not modify them).
func (n *Net) NetParameter() *caffe.NetParameter {
	np := proto.Clone(n.def).(*caffe.NetParameter)
	byName := map[string]*node{}
	for _, nd := range n.nodes {
		byName[nd.info.Name] = nd
	}
	for _, lp := range np.GetLayer() {
		nd := byName[lp.GetName()]
		if nd == nil || nd.lp.GetType() != lp.GetType() {
			continue
		}
		shapes := nd.op.weightShapes()
		for j, data := range nd.op.blobs() {
			lp.Blobs = append(lp.Blobs, blobProto(shapes[j], data))
		}
	}
	return np
}

func blobProto(shape []int, data []float32) *caffe.BlobProto {
	dims := make([]int64, len(shape))
	for i, d := range shape {
		dims[i] = int64(d)
	}
	return &caffe.BlobProto{Shape: &caffe.BlobShape{Dim: dims}, Data: data}
}

// WriteCaffemodel writes the net and its weights as a binary .caffemodel
// that WithWeights (and Caffe) read back bit for bit. It returns
// ErrNoWeights for a structure-only net.
func (n *Net) WriteCaffemodel(w io.Writer) error {
	if !n.weighted {
		return ErrNoWeights
	}
	if err := caffe.WriteCaffemodel(w, n.NetParameter()); err != nil {
		return fmt.Errorf("models: writing %s weights: %w", n.name, err)
	}
	return nil
}

// caffemodelSize computes the exact size of WriteCaffemodel's output
// without materialising the weights: protobuf sizes of the structure plus,
// per blob, the packed float field (tag, length varint, 4 bytes a value),
// with every enclosing length prefix recomputed.
func (n *Net) caffemodelSize() int64 {
	np := proto.Clone(n.def).(*caffe.NetParameter)
	layers := np.Layer
	np.Layer = nil
	total := int64(proto.Size(np))
	byName := map[string]*node{}
	for _, nd := range n.nodes {
		byName[nd.info.Name] = nd
	}
	for _, lp := range layers {
		size := int64(proto.Size(lp))
		if nd := byName[lp.GetName()]; nd != nil && nd.lp.GetType() == lp.GetType() {
			for _, s := range nd.op.weightShapes() {
				b := int64(proto.Size(blobProto(s, nil)))
				if cnt := int64(numel(s)); cnt > 0 {
					b += int64(protowire.SizeTag(5)) + int64(protowire.SizeBytes(int(4*cnt)))
				}
				size += int64(protowire.SizeTag(7)) + int64(protowire.SizeBytes(int(b)))
			}
		}
		total += int64(protowire.SizeTag(100)) + int64(protowire.SizeBytes(int(size)))
	}
	return total
}

// randSlice returns n values uniform in [−1, 1) from a fixed seed: the
// input of benchmarks, calibration and tests.
func randSlice(seed uint64, n int) []float32 {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(r.Float64()*2 - 1)
	}
	return s
}
