package caffe

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// FormatError reports malformed input: a file that is not valid Caffe text
// or binary, or whose values contradict each other (a blob whose data does
// not fill its shape, a convolution without a kernel size).
//
// Its message reads
//
//	caffe: alexnet.prototxt:12:3: layer "conv1": convolution_param.kernel_size: not set
//
// with each part left out when unknown.
type FormatError struct {
	File  string // file name as given to the reader; may be empty
	Line  int    // 1-based line in a text file; 0 when unknown or binary
	Col   int    // 1-based column; 0 when unknown
	Layer string // layer name, or "#N" (0-based index) for an unnamed layer
	Field string // dotted field path, e.g. "convolution_param.kernel_size"
	Err   error  // what is wrong

	idx int // 1 + index of the layer in NetParameter.layer (or layers, for V1 input); 0 when none
}

// Error returns "caffe: FILE:LINE:COL: layer "NAME": FIELD: what", without
// the parts that are unknown.
func (e *FormatError) Error() string {
	return "caffe: " + where(e.File, e.Line, e.Col, e.Layer, e.Field) + trimPrefix(e.Err)
}

// Unwrap returns e.Err.
func (e *FormatError) Unwrap() error { return e.Err }

// UnsupportedError reports valid Caffe input that this package does not
// handle, such as a V0 layer inside a V1 one (files written before 2014).
// Its message reads
//
//	caffe: old.prototxt:2:3: layer "conv1": layer: unsupported: V0 layer definition inside a V1 layer (...)
type UnsupportedError struct {
	File    string // file name as given to the reader; may be empty
	Line    int    // 1-based line in a text file; 0 when unknown or binary
	Col     int    // 1-based column; 0 when unknown
	Layer   string // layer name, or "#N" for an unnamed layer
	Field   string // dotted field path
	Feature string // what is not supported, with a hint on what to do

	idx int // 1 + index of the layer in NetParameter.layer (or layers, for V1 input); 0 when none
}

// Error returns "caffe: FILE:LINE:COL: layer "NAME": FIELD: unsupported:
// what", without the parts that are unknown.
func (e *UnsupportedError) Error() string {
	return "caffe: " + where(e.File, e.Line, e.Col, e.Layer, e.Field) + "unsupported: " + e.Feature
}

// ErrTooLarge is wrapped by the FormatError returned for an input over
// MaxCaffemodelBytes or MaxPrototxtBytes.
var ErrTooLarge = errors.New("caffe: input too large")

func where(file string, line, col int, layer, field string) string {
	var b strings.Builder
	if file != "" || line > 0 {
		if file == "" {
			file = "line "
		} else if line > 0 {
			file += ":"
		}
		b.WriteString(file)
		if line > 0 {
			b.WriteString(strconv.Itoa(line))
			if col > 0 {
				b.WriteString(":" + strconv.Itoa(col))
			}
		}
		b.WriteString(": ")
	}
	if layer != "" {
		if strings.HasPrefix(layer, "#") {
			b.WriteString("layer " + layer + ": ")
		} else {
			b.WriteString("layer " + strconv.Quote(layer) + ": ")
		}
	}
	if field != "" {
		b.WriteString(field + ": ")
	}
	return b.String()
}

// trimPrefix returns err's message without a leading "caffe: ", so that a
// wrapped sentinel does not repeat the package name.
func trimPrefix(err error) string {
	if err == nil {
		return "<nil>"
	}
	return strings.TrimPrefix(err.Error(), "caffe: ")
}

// layerID names layer i of a net for an error: its name, or "#i".
func layerID(l *LayerParameter, i int) string {
	if n := l.GetName(); n != "" {
		return n
	}
	return "#" + strconv.Itoa(i)
}

// fieldErr builds a FormatError about one field of one layer (layer may be
// empty for a net-level field).
func fieldErr(layer, field, format string, args ...any) *FormatError {
	return &FormatError{Layer: layer, Field: field, Err: fmt.Errorf(format, args...)}
}
