package caffe

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"google.golang.org/protobuf/proto"
)

// MaxCaffemodelBytes is the largest .caffemodel ReadCaffemodel reads:
// 2 GiB − 1, the limit of a protocol buffer message and the one Caffe sets
// when it reads a binary proto (ReadProtoFromBinaryFile, INT_MAX).
const MaxCaffemodelBytes = 1<<31 - 1

// ReadCaffemodel reads a trained net, the binary NetParameter of a Caffe
// .caffemodel file, and checks it. filename is used only in error messages.
//
// Layers in the V2 format ("layer", field 100) are read as they are; a
// file in the deprecated V1 format ("layers", field 2), such as the 2014
// BVLC AlexNet and CaffeNet or the original NIN release, is upgraded to
// V2 as Caffe does (see UpgradeV1), its blobs moved, not copied, so the
// result is always in the V2 format. A V1 layer that cannot be upgraded
// (a V0 layer inside it, parameters of a layer type this package does not
// declare) gives an *UnsupportedError, and a file with both formats a
// *FormatError. Malformed input gives a *FormatError, never a panic or a
// partial net: the protobuf encoding must be valid, every blob must hold
// exactly the values its shape calls for, and every layer with learned
// parameters (Convolution, Deconvolution, InnerProduct, BatchNorm, Scale,
// Bias, PReLU) must have the blobs Caffe expects, of shapes that agree with
// its parameters (see Validate for the rest). Unknown fields inside a layer are
// kept (they may be parameters of layer types this package does not
// declare) and written back by WriteCaffemodel; unknown fields at net or
// blob level are a FormatError, as those messages are fully declared here.
//
// What cannot be detected: a file cut exactly between two layers reads as
// a shorter, valid net (protobuf has no end marker; compare the layer names
// with the net definition), and corrupted bytes inside float data read as
// other float values.
//
// ReadCaffemodel decodes as it reads, holding one copy of the weights:
// 244 MB allocated for AlexNet's 244 MB file, against twice that for
// proto.Unmarshal of the file's bytes. That needs the input's size: it is
// known for an *os.File and for readers with a Len method (*bytes.Reader).
// Other readers are first read whole into 1 MiB pieces, dropped as
// decoding goes; they peak at about two copies (TestPeakMemoryAlexNet: 492
// MB for AlexNet), as the garbage collector reclaims the pieces late.
// Inputs over MaxCaffemodelBytes are refused (before reading when the size
// is known), and no length in the file makes ReadCaffemodel allocate more
// than the input's size.
func ReadCaffemodel(r io.Reader, filename string) (*NetParameter, error) {
	var net *NetParameter
	var err error
	switch size := knownSize(r); {
	case size > MaxCaffemodelBytes:
		err = &FormatError{Err: fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, size, int64(MaxCaffemodelBytes))}
	case size >= 0:
		net, err = decodeStream(r, size)
	default:
		var c *chunkReader
		if c, size, err = readChunks(r, MaxCaffemodelBytes); err == nil {
			net, err = decodeStream(c, size)
		} else {
			err = &FormatError{Err: err}
		}
	}
	if err == nil {
		net, err = checkDecoded(net)
	}
	if err != nil {
		setFile(err, filename)
		return nil, err
	}
	return net, nil
}

// chunkReader reads a list of byte slices, dropping each as soon as it has
// been read so that the garbage collector can reclaim it.
type chunkReader struct{ chunks [][]byte }

func (c *chunkReader) Read(p []byte) (int, error) {
	for len(c.chunks) > 0 && len(c.chunks[0]) == 0 {
		c.chunks[0] = nil
		c.chunks = c.chunks[1:]
	}
	if len(c.chunks) == 0 {
		return 0, io.EOF
	}
	n := copy(p, c.chunks[0])
	c.chunks[0] = c.chunks[0][n:]
	return n, nil
}

// readChunks reads r whole, in 1 MiB slices, refusing more than limit
// bytes, so that decodeStream can work from a known size. Unlike
// io.ReadAll it never copies what it has read to grow its buffer.
func readChunks(r io.Reader, limit int64) (*chunkReader, int64, error) {
	const chunk = 1 << 20
	c := &chunkReader{}
	var total int64
	for {
		buf := make([]byte, chunk)
		n, err := io.ReadFull(r, buf)
		total += int64(n)
		if total > limit {
			return nil, 0, fmt.Errorf("%w: over %d bytes", ErrTooLarge, limit)
		}
		if n > 0 {
			c.chunks = append(c.chunks, buf[:n:n])
		}
		switch err {
		case nil:
		case io.EOF, io.ErrUnexpectedEOF:
			return c, total, nil
		default:
			return nil, 0, err
		}
	}
}

// checkDecoded runs the checks of ReadCaffemodel on a decoded net and
// returns the net to use: net itself, or the V2 upgrade of a V1 net, which
// shares net's blobs and leaves net unchanged.
func checkDecoded(net *NetParameter) (*NetParameter, error) {
	if net == nil {
		return nil, &FormatError{Err: errors.New("nil net")}
	}
	// Net-level corruption is reported before any upgrade error: when a
	// file is damaged, that is the likelier cause of what follows.
	if u := net.ProtoReflect().GetUnknown(); len(u) > 0 {
		return nil, fieldErr("", "", "%d bytes of unknown or mistyped net fields (corrupted file?)", len(u))
	}
	net, err := upgraded(net)
	if err != nil {
		return nil, err
	}
	if err := unknownBlobFields(net); err != nil {
		return nil, err
	}
	if err := validate(net, true); err != nil {
		return nil, err
	}
	return net, nil
}

// unknownBlobFields reports unknown fields at blob level, where they can
// only come from corruption (caffe.proto declares all of them here).
func unknownBlobFields(net *NetParameter) error {
	for i, l := range net.GetLayer() {
		for j, b := range l.GetBlobs() {
			if b == nil {
				continue
			}
			if len(b.ProtoReflect().GetUnknown()) > 0 || b.Shape != nil && len(b.Shape.ProtoReflect().GetUnknown()) > 0 {
				err := fieldErr(layerID(l, i), fmt.Sprintf("blobs[%d]", j), "unknown or mistyped fields (corrupted file?)")
				err.idx = i + 1
				return err
			}
		}
	}
	return nil
}

// WriteCaffemodel writes net as a binary .caffemodel. The encoding is
// deterministic (fields in number order, as Caffe writes them), so the same
// net always gives the same bytes, and a file written by Caffe and read by
// ReadCaffemodel is written back identically unless it had fields out of
// order. net must pass ReadCaffemodel's checks (a *FormatError otherwise),
// so that what is written can be read back. The file is always in the V2
// format: a net still in the V1 format is written as its upgrade (see
// UpgradeV1), as ReadCaffemodel would return it, without changing net. The
// encoding is written as it is produced, a buffer at a time: writing needs
// no second copy of the weights.
func WriteCaffemodel(w io.Writer, net *NetParameter) error {
	net, err := checkDecoded(net)
	if err != nil {
		return err
	}
	if n := proto.Size(net); n > MaxCaffemodelBytes {
		return &FormatError{Err: fmt.Errorf("%w: %d bytes, over the 2 GiB limit of a protobuf message", ErrTooLarge, n)}
	}
	return encodeStream(w, net)
}

func setFile(err error, filename string) {
	var fe *FormatError
	var ue *UnsupportedError
	switch {
	case errors.As(err, &fe):
		fe.File = filename
	case errors.As(err, &ue):
		ue.File = filename
	}
}

// cleanProtoErr returns protobuf-go's error text without its "proto:"
// prefixes.
func cleanProtoErr(err error) string {
	return strings.TrimSpace(protoPrefixRE.ReplaceAllString(err.Error(), ""))
}

// knownSize returns the number of bytes left in r when it can tell
// without reading (an *os.File or anything with Stat and Seek, or a reader
// with Len, such as *bytes.Reader), or -1.
func knownSize(r io.Reader) int64 {
	switch v := r.(type) {
	case interface{ Len() int }:
		return int64(v.Len())
	case interface {
		Stat() (fs.FileInfo, error)
		io.Seeker
	}:
		fi, err := v.Stat()
		if err != nil || !fi.Mode().IsRegular() {
			return -1
		}
		off, err := v.Seek(0, io.SeekCurrent)
		if err != nil || off > fi.Size() {
			return -1
		}
		return fi.Size() - off
	}
	return -1
}

// readAll reads r whole, refusing more than limit bytes. When the size is
// known beforehand, the buffer is allocated once and an input over the
// limit is refused before any reading.
func readAll(r io.Reader, limit int64) ([]byte, error) {
	size := knownSize(r)
	if size > limit {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, size, limit)
	}
	if size >= 0 {
		// One more byte than expected, so that io.ReadFull's short read
		// tells a file that grew from one of the announced size.
		buf := make([]byte, size+1)
		n, err := io.ReadFull(r, buf)
		switch err {
		case io.ErrUnexpectedEOF, io.EOF:
			return buf[:n], nil
		case nil:
			// The input grew since Stat: read the rest with the limit.
			rest, err := io.ReadAll(io.LimitReader(r, limit+1-int64(n)))
			buf = append(buf, rest...)
			if err == nil && int64(len(buf)) > limit {
				err = fmt.Errorf("%w: over %d bytes", ErrTooLarge, limit)
			}
			return buf, err
		default:
			return nil, err
		}
	}
	buf, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err == nil && int64(len(buf)) > limit {
		err = fmt.Errorf("%w: over %d bytes", ErrTooLarge, limit)
	}
	return buf, err
}
