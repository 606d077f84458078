package caffe

import (
	"bufio"
	"encoding/binary"
	"io"
	"math"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// This file writes a NetParameter exactly as
// proto.MarshalOptions{Deterministic: true} does, without building the
// whole encoding in memory: the float data of each blob is converted and
// written a buffer at a time. It relies on the deterministic encoding's
// layout: known fields in field-number order, then unknown fields. Each
// message is therefore written as the encoding of its fields before the
// bulky one, the bulky field, then the encoding of the fields after it
// (unknown fields included). TestEncodeStream and FuzzReadCaffemodel check
// the bytes against proto.Marshal. Like stream.go, a performance
// workaround, to drop if protobuf-go learns to encode to a writer.

var deterministic = proto.MarshalOptions{Deterministic: true}

// split returns two shallow copies of m: lo with the fields numbered below
// num, and hi with those above it and m's unknown fields.
func split[M proto.Message](m M, num protowire.Number, newM func() M) (lo, hi M) {
	lo, hi = newM(), newM()
	lr, hr := lo.ProtoReflect(), hi.ProtoReflect()
	m.ProtoReflect().Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.Number() < num:
			lr.Set(fd, v)
		case fd.Number() > num:
			hr.Set(fd, v)
		}
		return true
	})
	hr.SetUnknown(m.ProtoReflect().GetUnknown())
	return lo, hi
}

type encodedBlob struct {
	lo, hi []byte
	data   []float32
}

func (b *encodedBlob) dataSize() int {
	if len(b.data) == 0 {
		return 0
	}
	n := 4 * len(b.data)
	return protowire.SizeTag(5) + protowire.SizeVarint(uint64(n)) + n
}

func (b *encodedBlob) size() int { return len(b.lo) + b.dataSize() + len(b.hi) }

// encodeStream writes net to w. net must have passed checkDecoded (no nil
// layers or blobs).
func encodeStream(w io.Writer, net *NetParameter) error {
	bw := bufio.NewWriterSize(w, streamChunk)
	head, tail := split(net, 100, func() *NetParameter { return new(NetParameter) })
	b, err := deterministic.Marshal(head)
	if err != nil {
		return err
	}
	bw.Write(b)
	scratch := make([]byte, streamChunk)
	for _, l := range net.GetLayer() {
		lo, hi := split(l, 7, func() *LayerParameter { return new(LayerParameter) })
		loB, err := deterministic.Marshal(lo)
		if err != nil {
			return err
		}
		hiB, err := deterministic.Marshal(hi)
		if err != nil {
			return err
		}
		blobs := make([]encodedBlob, len(l.Blobs))
		size := len(loB) + len(hiB)
		for i, blob := range l.Blobs {
			blo, bhi := split(blob, 5, func() *BlobProto { return new(BlobProto) })
			eb := &blobs[i]
			eb.data = blob.Data
			if eb.lo, err = deterministic.Marshal(blo); err != nil {
				return err
			}
			if eb.hi, err = deterministic.Marshal(bhi); err != nil {
				return err
			}
			size += protowire.SizeTag(7) + protowire.SizeVarint(uint64(eb.size())) + eb.size()
		}
		hdr := protowire.AppendVarint(protowire.AppendTag(scratch[:0], 100, protowire.BytesType), uint64(size))
		bw.Write(hdr)
		bw.Write(loB)
		for i := range blobs {
			eb := &blobs[i]
			hdr := protowire.AppendVarint(protowire.AppendTag(scratch[:0], 7, protowire.BytesType), uint64(eb.size()))
			bw.Write(hdr)
			bw.Write(eb.lo)
			if len(eb.data) > 0 {
				hdr := protowire.AppendVarint(protowire.AppendTag(scratch[:0], 5, protowire.BytesType), uint64(4*len(eb.data)))
				bw.Write(hdr)
				for d := eb.data; len(d) > 0; {
					n := min(len(d), len(scratch)/4)
					for j, f := range d[:n] {
						binary.LittleEndian.PutUint32(scratch[4*j:], math.Float32bits(f))
					}
					bw.Write(scratch[:4*n])
					d = d[n:]
				}
			}
			bw.Write(eb.hi)
		}
		bw.Write(hiB)
	}
	// tail holds no known field (layer is the last by number), only the
	// net's unknown fields.
	bw.Write(tail.ProtoReflect().GetUnknown())
	return bw.Flush() // the first write error, if any

}
