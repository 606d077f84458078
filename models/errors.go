package models

import (
	"errors"
	"fmt"
	"strings"

	"github.com/infersim/infersim/models/caffe"
)

// FormatError reports malformed input: a model description or weights file
// that breaks the format's rules or contradicts itself (a missing field, a
// shape that does not fit, a blob of the wrong size).
type FormatError struct {
	File  string // file name as given to the loader; may be empty
	Line  int    // 1-based line in a text file; 0 when unknown
	Layer string // layer name; empty when the error is not about one layer
	Field string // offending field, e.g. "convolution_param.kernel_size"
	Msg   string
}

// Error formats the error as "models: file:line: layer \"name\": field: message",
// leaving out the parts that are unknown.
func (e *FormatError) Error() string {
	file := e.File
	if e.Line > 0 {
		file = fmt.Sprintf("%s:%d", file, e.Line)
	}
	return "models: " + where(file, e.Layer, e.Field) + e.Msg
}

// UnsupportedError reports valid input that this package does not implement,
// such as a layer type it has no kernel for or a parameter value outside what
// its kernels handle.
type UnsupportedError struct {
	File  string
	Line  int
	Layer string
	Field string
	Msg   string
}

// Error formats the error as "models: file:line: layer \"name\": field:
// unsupported: message".
func (e *UnsupportedError) Error() string {
	file := e.File
	if e.Line > 0 {
		file = fmt.Sprintf("%s:%d", file, e.Line)
	}
	return "models: " + where(file, e.Layer, e.Field) + "unsupported: " + e.Msg
}

func where(file, layer, field string) string {
	s := ""
	if file != "" {
		s += file + ": "
	}
	if layer != "" {
		s += "layer " + fmt.Sprintf("%q", layer) + ": "
	}
	if field != "" {
		s += field + ": "
	}
	return s
}

// ErrNoWeights is returned by Executor.Forward for a structure-only Net: call
// WithWeights or WithSeededWeights first.
var ErrNoWeights = errors.New("models: net has no weights (use WithWeights or WithSeededWeights)")

func formatErr(layer, field, format string, args ...any) error {
	return &FormatError{Layer: layer, Field: field, Msg: fmt.Sprintf(format, args...)}
}

func unsupportedErr(layer, field, format string, args ...any) error {
	return &UnsupportedError{Layer: layer, Field: field, Msg: fmt.Sprintf(format, args...)}
}

// withFile sets the file name on a FormatError or UnsupportedError that
// lacks one, so errors raised deep in layer code still name the file.
func withFile(err error, file string) error {
	var fe *FormatError
	var ue *UnsupportedError
	switch {
	case errors.As(err, &fe):
		if fe.File == "" {
			fe.File = file
		}
	case errors.As(err, &ue):
		if ue.File == "" {
			ue.File = file
		}
	}
	return err
}

// fromCaffe converts the errors of package caffe (file parsing) into this
// package's FormatError and UnsupportedError, keeping file, line, layer and
// field, so callers check one pair of types. Other errors (I/O) are wrapped.
func fromCaffe(err error, context string) error {
	var fe *caffe.FormatError
	var ue *caffe.UnsupportedError
	switch {
	case errors.As(err, &fe):
		return &FormatError{File: fe.File, Line: fe.Line, Layer: fe.Layer, Field: fe.Field, Msg: strings.TrimPrefix(fmt.Sprint(fe.Err), "caffe: ")}
	case errors.As(err, &ue):
		return &UnsupportedError{File: ue.File, Line: ue.Line, Layer: ue.Layer, Field: ue.Field, Msg: ue.Feature}
	}
	return fmt.Errorf("models: %s: %w", context, err)
}
