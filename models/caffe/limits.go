package caffe

import (
	"errors"
	"fmt"
)

// MaxNestingDepth is the deepest nesting of messages ("{ ... }" or
// "< ... >" blocks) ParsePrototxt accepts: 32. The deepest path in this
// package's caffe.proto a real file uses is four levels
// (layer { convolution_param { weight_filler { ... } } } inside the file),
// so 32 leaves room for any Caffe fork while keeping the cost of parsing
// and of locating an error linear in the size of the file.
const MaxNestingDepth = 32

// MaxLayers is the most layer (or V1 layers) blocks a net definition may
// have: 10,000. ResNet-152 (He et al., "Deep Residual Learning for Image
// Recognition", CVPR 2016), among the deepest published CNNs, has 152
// weight layers; its Caffe deploy file, with a BatchNorm, Scale and ReLU
// per convolution, has under a thousand layer blocks.
const MaxLayers = 10_000

// ErrTooDeep is wrapped by the FormatError for a .prototxt nested deeper
// than MaxNestingDepth.
var ErrTooDeep = errors.New("messages nested too deeply")

// ErrTooManyLayers is wrapped by the FormatError for a net with more than
// MaxLayers layers.
var ErrTooManyLayers = errors.New("too many layers")

// checkTextBounds scans src once, before protobuf parses it, and refuses a
// file whose messages nest deeper than MaxNestingDepth or that has more
// than MaxLayers top-level layer blocks, naming the line and column where
// the limit is crossed. Strings and comments are skipped as the scanner
// of textpos.go skips them; the scan is linear in len(src).
func checkTextBounds(src []byte, filename string) error {
	sc := textScanner{src: src, pos: textPos{1, 1}}
	depth, layers := 0, 0
	prev := textToken{}
	for {
		t := sc.next()
		switch t.kind {
		case 0:
			return nil
		case '{', '<':
			depth++
			if depth > MaxNestingDepth {
				return &FormatError{File: filename, Line: t.pos.line, Col: t.pos.col,
					Err: fmt.Errorf("%w: more than %d levels (the limit; real Caffe nets use at most 4)", ErrTooDeep, MaxNestingDepth)}
			}
			if depth == 1 && prev.kind == 'i' && (string(prev.text) == "layer" || string(prev.text) == "layers") {
				layers++
				if layers > MaxLayers {
					return &FormatError{File: filename, Line: t.pos.line, Col: t.pos.col,
						Err: fmt.Errorf("%w: more than %d layer blocks (the limit)", ErrTooManyLayers, MaxLayers)}
				}
			}
		case '}', '>':
			if depth > 0 {
				depth--
			}
		}
		if t.kind != ':' {
			prev = t
		}
	}
}
