package caffe

import (
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"

	"google.golang.org/protobuf/encoding/prototext"
)

// MaxPrototxtBytes is the largest .prototxt ParsePrototxt reads: 64 MiB,
// far above any net definition (BVLC GoogLeNet's train_val.prototxt is
// about 40 KB).
const MaxPrototxtBytes = 64 << 20

// ParsePrototxt reads a net definition in protobuf text format, the
// .prototxt files of Caffe (deploy.prototxt, train_val.prototxt), and
// checks it with Validate. filename is used only in error messages.
//
// It is strict: a field not declared in this package's caffe.proto is a
// *FormatError naming the field and its line, so that a misspelt
// "kernel_sise" is not silently dropped. Use ParsePrototxtLenient for files
// that carry fields of Caffe forks or of parts of Caffe's schema left out
// here.
//
// A file in the deprecated V1 format ("layers" blocks with enum types,
// `type: CONVOLUTION`), such as the deploy.prototxt of the original NIN
// release, is upgraded to the current format as Caffe does (see
// UpgradeV1), so the result is always in the current format. A V1 layer
// that cannot be upgraded — a V0 layer inside it (the pre-2014 format),
// parameters of a layer type this package does not declare — gives an
// *UnsupportedError, in both modes; a file with both "layer" and "layers"
// blocks a *FormatError.
//
// Errors read "caffe: FILE:LINE:COL: layer "NAME": FIELD: what".
func ParsePrototxt(r io.Reader, filename string) (*NetParameter, error) {
	return parsePrototxt(r, filename, false)
}

// ParsePrototxtLenient is ParsePrototxt, except that it discards fields it
// does not know instead of failing (unknown enum value names still fail, as
// they do in Caffe). The result is what Caffe would read minus those
// fields: only use it when they do not matter to the caller (data-layer
// options, fields of Caffe forks).
func ParsePrototxtLenient(r io.Reader, filename string) (*NetParameter, error) {
	return parsePrototxt(r, filename, true)
}

func parsePrototxt(r io.Reader, filename string, lenient bool) (*NetParameter, error) {
	src, err := readAll(r, MaxPrototxtBytes)
	if err != nil {
		return nil, &FormatError{File: filename, Err: err}
	}
	if err := checkTextBounds(src, filename); err != nil {
		return nil, err
	}
	net := new(NetParameter)
	if err := (prototext.UnmarshalOptions{DiscardUnknown: lenient}).Unmarshal(src, net); err != nil {
		return nil, textError(err, src, filename)
	}
	if len(net.Layers) > 0 {
		if lenient {
			// The lenient parse dropped what the strict one reports, among
			// it a V0 layer or parameters UpgradeV1 would refuse: the
			// upgraded layer would be missing them without a word.
			if err := v1DroppedErr(src, filename); err != nil {
				return nil, err
			}
		}
		if err := UpgradeV1(net); err != nil {
			return nil, positionErr(err, src, filename)
		}
	}
	if err := Validate(net); err != nil {
		return nil, positionErr(err, src, filename)
	}
	return net, nil
}

// positionErr sets the file name, line and column of an error from
// Validate, locating its layer and field in src.
func positionErr(err error, src []byte, filename string) error {
	var fe *FormatError
	var ue *UnsupportedError
	switch {
	case errors.As(err, &fe):
		pos := indexText(src, textPos{}).locate(fe.idx-1, fe.Field)
		fe.File, fe.Line, fe.Col = filename, pos.line, pos.col
	case errors.As(err, &ue):
		pos := indexText(src, textPos{}).locate(ue.idx-1, ue.Field)
		ue.File, ue.Line, ue.Col = filename, pos.line, pos.col
	}
	return err
}

// protoLineRE finds the position protobuf-go puts in its text errors:
// "(line 12:3): ". The error text is not a stable API (protobuf-go varies
// its "proto:" prefix on purpose), so only this part is relied on, and a
// message without it is reported whole, without position.
var protoLineRE = regexp.MustCompile(`\(line (\d+):(\d+)\):\s*`)

// protoPrefixRE matches protobuf-go's "proto: " prefixes, written with an
// ordinary or a non-breaking space.
var protoPrefixRE = regexp.MustCompile(`proto:[ \x{00a0}]?`)

// textError turns a prototext error into a *FormatError with file, line,
// column, layer and field.
func textError(err error, src []byte, filename string) error {
	msg := err.Error()
	fe := &FormatError{File: filename}
	if m := protoLineRE.FindStringSubmatchIndex(msg); m != nil {
		fe.Line, _ = strconv.Atoi(msg[m[2]:m[3]])
		fe.Col, _ = strconv.Atoi(msg[m[4]:m[5]])
		if head := strings.TrimSpace(msg[:m[0]]); head != "" && !strings.HasSuffix(head, ":") {
			msg = head + ": " + msg[m[1]:]
		} else {
			msg = head + msg[m[1]:]
		}
	}
	msg = cleanProtoErr(errors.New(msg))
	if fe.Line == 0 && strings.Contains(msg, "unexpected EOF") {
		// protobuf-go gives no position for a file that ends inside a
		// message: report the end of the file.
		end := textScanner{src: src, pos: textPos{1, 1}}
		for end.next().kind != 0 {
		}
		fe.Line, fe.Col = end.pos.line, end.pos.col
		msg = "syntax error: unexpected end of file"
	}
	v1 := false // the error is inside a V1 "layers" block
	if fe.Line > 0 {
		ix := indexText(src, textPos{fe.Line, fe.Col})
		if ix.probeLayer >= 0 {
			fe.idx = ix.probeLayer + 1
			fe.Layer = "#" + strconv.Itoa(ix.probeLayer)
			if n := ix.layers[ix.probeLayer].name; n != "" {
				fe.Layer = n
			}
			v1 = ix.layers[ix.probeLayer].v1
		}
		path := ix.probePath
		if ix.probeKey != "" {
			path = append(path, ix.probeKey)
		}
		fe.Field = strings.Join(path, ".")
	}
	if strings.HasPrefix(msg, "unknown field: ") {
		// A field of Caffe's V1 layer that caffe.proto leaves out is valid
		// Caffe this package cannot upgrade, not a misspelling.
		if num, ok := v1MissingNumber(fe.Field); ok && v1 {
			ue := v1MissingErr(num)
			ue.File, ue.Line, ue.Col, ue.Layer, ue.idx = fe.File, fe.Line, fe.Col, fe.Layer, fe.idx
			return ue
		}
		msg = "unknown field (not in this package's subset of caffe.proto; ParsePrototxtLenient skips it)"
	}
	fe.Err = errors.New(msg)
	return fe
}

// v1DroppedErr returns the *UnsupportedError of UpgradeV1 for the first
// field of a V1 "layers" block in src that caffe.proto leaves out (see
// v1Missing), or nil: ParsePrototxtLenient drops such fields when parsing,
// so they are looked for in the text.
func v1DroppedErr(src []byte, filename string) error {
	ix := indexText(src, textPos{})
	var found *UnsupportedError
	var at textPos
	for i, l := range ix.layers {
		if !l.v1 {
			continue
		}
		for path, pos := range l.first {
			num, ok := v1MissingNumber(path)
			if !ok || found != nil && !pos.less(at) {
				continue
			}
			found, at = v1MissingErr(num), pos
			found.Layer, found.idx = "#"+strconv.Itoa(i), i+1
			if l.name != "" {
				found.Layer = l.name
			}
		}
	}
	if found == nil {
		return nil
	}
	found.File, found.Line, found.Col = filename, at.line, at.col
	return found
}
