package caffe

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
)

// This file decodes a binary NetParameter of known size as it is read, so
// that reading a 244 MB AlexNet holds one copy of its weights instead of
// two (the file's bytes and the decoded floats): see BenchmarkReadCaffemodel
// and TestPeakMemoryAlexNet. Only the three levels that carry the bulk of
// the data are decoded here: the net's lists of layers (V2 "layer", field
// 100, and V1 "layers", field 2, left for UpgradeV1 to convert without
// copying), each layer's list of blobs, and each blob's packed float data. Everything else (layer
// parameters, shapes, unknown fields) is gathered as raw bytes and decoded
// by proto.Unmarshal, so the result equals proto.Unmarshal of the whole
// file; FuzzReadCaffemodel checks that against decodeBuffer, the plain
// reference kept in the tests. One deliberate difference: a group-encoded field (a proto2
// wire type Caffe never uses) directly inside a net, layer or blob is an
// error here, where protobuf-go would keep it as an unknown field.
//
// This is a performance workaround: drop it for proto.Unmarshal if
// protobuf-go learns to decode from a reader.

// streamChunk is the size of the read buffer and of the float conversion
// buffer.
const streamChunk = 64 << 10

var (
	errTruncated = errors.New("data ends early (file truncated or corrupted?)")
	errWire      = errors.New("invalid protobuf wire format (file corrupted?)")
)

type streamDecoder struct {
	r       *bufio.Reader
	off     int64  // bytes consumed, for error messages
	scratch []byte // float conversion buffer

	layer int    // index of the layer being decoded, or -1
	name  string // its name, once read
	field string // the field being decoded within the layer
}

// decodeStream decodes a NetParameter of exactly size bytes from r.
func decodeStream(r io.Reader, size int64) (*NetParameter, error) {
	d := &streamDecoder{r: bufio.NewReaderSize(r, streamChunk), layer: -1}
	net, err := d.net(size)
	if err == nil {
		switch _, e := d.r.ReadByte(); e {
		case nil:
			err = errors.New("input longer than its size when opened (file changed while reading?)")
		case io.EOF:
		default:
			err = e
		}
	}
	if err != nil {
		fe := &FormatError{Err: fmt.Errorf("%w at byte %d", err, d.off)}
		if d.layer >= 0 {
			fe.idx = d.layer + 1
			fe.Layer = "#" + strconv.Itoa(d.layer)
			if d.name != "" {
				fe.Layer = d.name
			}
			fe.Field = d.field
		}
		return nil, fe
	}
	return net, nil
}

// varint reads one varint of a message that has *rem bytes left, appending
// its encoding to buf.
func (d *streamDecoder) varint(rem *int64, buf []byte) (uint64, []byte, error) {
	start := len(buf)
	for range binary.MaxVarintLen64 {
		if *rem == 0 {
			return 0, buf, errTruncated
		}
		c, err := d.r.ReadByte()
		if err != nil {
			return 0, buf, readErr(err)
		}
		d.off++
		*rem--
		buf = append(buf, c)
		if c < 0x80 {
			break
		}
	}
	v, n := protowire.ConsumeVarint(buf[start:])
	if n < 0 {
		return 0, buf, errWire
	}
	return v, buf, nil
}

func readErr(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return errTruncated
	}
	return err
}

// tag reads a field tag, with protobuf-go's checks on the field number.
func (d *streamDecoder) tag(rem *int64, buf []byte) (protowire.Number, protowire.Type, []byte, error) {
	v, buf, err := d.varint(rem, buf)
	if err != nil {
		return 0, 0, buf, err
	}
	if n := v >> 3; n < uint64(protowire.MinValidNumber) || n > uint64(protowire.MaxValidNumber) {
		return 0, 0, buf, errWire
	}
	return protowire.Number(v >> 3), protowire.Type(v & 7), buf, nil
}

// length reads the length of a bytes field and checks that it fits.
func (d *streamDecoder) length(rem *int64, buf []byte) (int64, []byte, error) {
	v, buf, err := d.varint(rem, buf)
	if err != nil {
		return 0, buf, err
	}
	if v > uint64(*rem) {
		return 0, buf, errTruncated
	}
	return int64(v), buf, nil
}

// read appends n bytes to buf. n is at most the bytes left in the input,
// so the allocation is bounded by the input's size.
func (d *streamDecoder) read(rem *int64, buf []byte, n int64) ([]byte, error) {
	if n > *rem {
		return buf, errTruncated
	}
	buf = slices.Grow(buf, int(n))
	k, err := io.ReadFull(d.r, buf[len(buf):len(buf)+int(n)])
	d.off += int64(k)
	*rem -= int64(k)
	if err != nil {
		return buf, readErr(err)
	}
	return buf[:len(buf)+int(n)], nil
}

// raw appends the value of a field whose tag (in tagBytes) has been read,
// tag included, to rest.
func (d *streamDecoder) raw(rem *int64, rest, tagBytes []byte, typ protowire.Type) ([]byte, error) {
	rest = append(rest, tagBytes...)
	var err error
	switch typ {
	case protowire.VarintType:
		_, rest, err = d.varint(rem, rest)
	case protowire.Fixed32Type:
		rest, err = d.read(rem, rest, 4)
	case protowire.Fixed64Type:
		rest, err = d.read(rem, rest, 8)
	case protowire.BytesType:
		var n int64
		if n, rest, err = d.length(rem, rest); err == nil {
			rest, err = d.read(rem, rest, n)
		}
	case protowire.StartGroupType:
		err = errors.New("group-encoded field, never used by Caffe (file corrupted?)")
	default:
		err = errWire
	}
	return rest, err
}

func (d *streamDecoder) net(size int64) (*NetParameter, error) {
	rem := size
	var rest, tb []byte
	var layers []*LayerParameter
	var v1 []*V1LayerParameter
	for rem > 0 {
		num, typ, tagBytes, err := d.tag(&rem, tb[:0])
		tb = tagBytes
		if err != nil {
			return nil, err
		}
		if (num == 100 || num == netLayersField) && typ == protowire.BytesType {
			d.layer, d.name, d.field = len(layers), "", ""
			if num == netLayersField {
				d.layer = len(v1)
			}
			n, _, err := d.length(&rem, nil)
			if err != nil {
				return nil, err
			}
			if num == 100 {
				l, err := d.layerParam(n)
				if err != nil {
					return nil, err
				}
				layers = append(layers, l)
			} else {
				l, err := d.v1LayerParam(n)
				if err != nil {
					return nil, err
				}
				v1 = append(v1, l)
			}
			rem -= n
			d.layer = -1
			continue
		}
		if rest, err = d.raw(&rem, rest, tagBytes, typ); err != nil {
			return nil, err
		}
	}
	net := new(NetParameter)
	if err := proto.Unmarshal(rest, net); err != nil {
		return nil, errWire
	}
	net.Layer, net.Layers = layers, v1
	return net, nil
}

// Field numbers of a layer's name and blobs in the two layer messages.
const (
	layerName, layerBlobs     = 1, 7
	v1LayerName, v1LayerBlobs = 4, 6
)

func (d *streamDecoder) layerParam(size int64) (*LayerParameter, error) {
	rest, blobs, err := d.layerFields(size, layerName, layerBlobs)
	if err != nil {
		return nil, err
	}
	l := new(LayerParameter)
	if err := proto.Unmarshal(rest, l); err != nil {
		return nil, errWire
	}
	l.Blobs = blobs
	return l, nil
}

func (d *streamDecoder) v1LayerParam(size int64) (*V1LayerParameter, error) {
	rest, blobs, err := d.layerFields(size, v1LayerName, v1LayerBlobs)
	if err != nil {
		return nil, err
	}
	l := new(V1LayerParameter)
	if err := proto.Unmarshal(rest, l); err != nil {
		return nil, errWire
	}
	l.Blobs = blobs
	return l, nil
}

// layerFields decodes a layer of either format: its blobs (field
// blobsNum), and the encoding of its other fields for proto.Unmarshal. The
// name (field nameNum) is kept for error messages.
func (d *streamDecoder) layerFields(size int64, nameNum, blobsNum protowire.Number) ([]byte, []*BlobProto, error) {
	rem := size
	var rest, tb []byte
	var blobs []*BlobProto
	for rem > 0 {
		num, typ, tagBytes, err := d.tag(&rem, tb[:0])
		tb = tagBytes
		if err != nil {
			return nil, nil, err
		}
		switch {
		case num == blobsNum && typ == protowire.BytesType:
			d.field = "blobs[" + strconv.Itoa(len(blobs)) + "]"
			n, _, err := d.length(&rem, nil)
			if err != nil {
				return nil, nil, err
			}
			b, err := d.blob(n)
			if err != nil {
				return nil, nil, err
			}
			d.field = ""
			rem -= n
			blobs = append(blobs, b)
			continue
		case num == nameNum && typ == protowire.BytesType:
			// The name, kept for error messages.
			start := len(rest)
			if rest, err = d.raw(&rem, rest, tagBytes, typ); err != nil {
				return nil, nil, err
			}
			if v, n := protowire.ConsumeBytes(rest[start+len(tagBytes):]); n > 0 {
				d.name = string(v)
			}
			continue
		}
		if rest, err = d.raw(&rem, rest, tagBytes, typ); err != nil {
			return nil, nil, err
		}
	}
	return rest, blobs, nil
}

func (d *streamDecoder) blob(size int64) (*BlobProto, error) {
	rem := size
	var rest, tb []byte
	var data, diff []float32
	var ddata, ddiff []float64
	for rem > 0 {
		num, typ, tagBytes, err := d.tag(&rem, tb[:0])
		tb = tagBytes
		if err != nil {
			return nil, err
		}
		switch {
		case (num == 5 || num == 6) && (typ == protowire.BytesType || typ == protowire.Fixed32Type):
			dst := &data
			if num == 6 {
				dst = &diff
			}
			*dst, err = d.readFloats(&rem, *dst, typ)
		case (num == 8 || num == 9) && (typ == protowire.BytesType || typ == protowire.Fixed64Type):
			dst := &ddata
			if num == 9 {
				dst = &ddiff
			}
			*dst, err = d.readDoubles(&rem, *dst, typ)
		default:
			rest, err = d.raw(&rem, rest, tagBytes, typ)
		}
		if err != nil {
			return nil, err
		}
	}
	b := new(BlobProto)
	if err := proto.Unmarshal(rest, b); err != nil {
		return nil, errWire
	}
	b.Data, b.Diff, b.DoubleData, b.DoubleDiff = data, diff, ddata, ddiff
	return b, nil
}

// packedLen reads the byte length of a packed field (or returns width for
// a single fixed-size value) and checks it is a multiple of width.
func (d *streamDecoder) packedLen(rem *int64, typ protowire.Type, width int64) (int64, error) {
	if typ != protowire.BytesType {
		return width, nil
	}
	n, _, err := d.length(rem, nil)
	if err == nil && n%width != 0 {
		err = errWire
	}
	return n, err
}

// chunks calls f with the next n bytes of input, a buffer at a time.
func (d *streamDecoder) chunks(rem *int64, n int64, f func([]byte)) error {
	if d.scratch == nil {
		d.scratch = make([]byte, streamChunk)
	}
	for n > 0 {
		chunk, err := d.read(rem, d.scratch[:0], min(n, streamChunk))
		if err != nil {
			return err
		}
		f(chunk)
		n -= int64(len(chunk))
	}
	return nil
}

// readFloats appends to dst the values of a repeated float field given
// packed or as one value, decoded through a small buffer straight into dst,
// whose size is checked against the input's before it is allocated.
func (d *streamDecoder) readFloats(rem *int64, dst []float32, typ protowire.Type) ([]float32, error) {
	n, err := d.packedLen(rem, typ, 4)
	if err != nil {
		return dst, err
	}
	dst = slices.Grow(dst, int(n/4))
	err = d.chunks(rem, n, func(b []byte) {
		for ; len(b) >= 4; b = b[4:] {
			dst = append(dst, math.Float32frombits(binary.LittleEndian.Uint32(b)))
		}
	})
	return dst, err
}

// readDoubles is readFloats for repeated double fields.
func (d *streamDecoder) readDoubles(rem *int64, dst []float64, typ protowire.Type) ([]float64, error) {
	n, err := d.packedLen(rem, typ, 8)
	if err != nil {
		return dst, err
	}
	dst = slices.Grow(dst, int(n/8))
	err = d.chunks(rem, n, func(b []byte) {
		for ; len(b) >= 8; b = b[8:] {
			dst = append(dst, math.Float64frombits(binary.LittleEndian.Uint64(b)))
		}
	})
	return dst, err
}
