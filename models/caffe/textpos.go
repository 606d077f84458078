package caffe

import (
	"strings"
)

// This file maps positions in a .prototxt to layers and field paths, and
// back, so that errors can name the file, line, layer and field. It is a
// small tolerant scanner of protobuf text format, run only when an error is
// reported: protobuf-go's own errors carry a line and column but no field
// path, and validation errors carry a field path but no position.

// textPos is a 1-based line and column; columns count runes, as in
// protobuf-go's text decoder.
type textPos struct{ line, col int }

func (p textPos) less(q textPos) bool {
	return p.line < q.line || p.line == q.line && p.col < q.col
}

// textLayer is one top-level "layer" block, or "layers" block of a V1
// file: the i-th "layers" block of a V1 file is the i-th layer of its
// upgrade, and a file with both kinds is refused before positions matter.
type textLayer struct {
	start textPos
	name  string
	first map[string]textPos // dotted field path inside the layer → first key
	v1    bool               // a "layers" block
}

// textIndex is what indexText learns about a file.
type textIndex struct {
	layers []textLayer
	top    map[string]textPos // top-level field name → first key

	// Where the probe position falls.
	probeLayer int      // index into layers, or -1
	probePath  []string // enclosing fields, below the layer block if any
	probeKey   string   // the field being parsed at the probe, if known
}

type textFrame struct {
	name   string
	layer  int    // index into layers for a top-level layer block, else -1
	inList bool   // the block is an element of a [...] list
	prefix string // dotted path of the enclosing fields below the layer block, each followed by "."
}

// indexText scans src and records layer blocks, first positions of fields,
// and the context of position probe (zero for none). It never fails: on
// malformed input it records what it can.
func indexText(src []byte, probe textPos) *textIndex {
	ix := &textIndex{top: map[string]textPos{}, probeLayer: -1}
	sc := textScanner{src: src, pos: textPos{1, 1}}
	var stack []textFrame
	expectKey, inList, probed := true, false, probe.line == 0
	key := ""
	var keyPos textPos

	relPath := func(k string) (int, string) {
		if len(stack) == 0 {
			return -1, k
		}
		if stack[0].layer < 0 {
			return -2, ""
		}
		// The prefix is built once per block, when it opens, so a key
		// costs one string of its path's length, not a walk of the stack.
		return stack[0].layer, stack[len(stack)-1].prefix + k
	}

	for {
		t := sc.next()
		if !probed && (t.kind == 0 || !t.pos.less(probe)) {
			probed = true
			if len(stack) > 0 && stack[0].layer >= 0 {
				ix.probeLayer = stack[0].layer
				for _, f := range stack[1:] {
					ix.probePath = append(ix.probePath, f.name)
				}
			} else {
				for _, f := range stack {
					ix.probePath = append(ix.probePath, f.name)
				}
			}
			switch {
			case expectKey && t.kind == 'i':
				ix.probeKey = string(t.text)
			case !expectKey:
				ix.probeKey = key
			}
		}
		switch t.kind {
		case 0:
			return ix
		case '}', '>':
			if len(stack) > 0 {
				top := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				inList = top.inList
				expectKey = !inList
			}
			continue
		}
		if expectKey {
			if t.kind == 'i' {
				key, keyPos, expectKey = string(t.text), t.pos, false
				if l, p := relPath(key); l >= 0 {
					if _, ok := ix.layers[l].first[p]; !ok {
						ix.layers[l].first[p] = keyPos
					}
				} else if l == -1 {
					if _, ok := ix.top[p]; !ok {
						ix.top[p] = keyPos
					}
				}
			}
			continue
		}
		switch t.kind {
		case ':', ',':
		case '[':
			inList = true
		case ']':
			inList, expectKey = false, true
		case '{', '<':
			f := textFrame{name: key, layer: -1, inList: inList}
			if len(stack) > 1 {
				f.prefix = stack[len(stack)-1].prefix + key + "."
			} else if len(stack) == 1 {
				f.prefix = key + "."
			}
			if len(stack) == 0 && (key == "layer" || key == "layers") {
				f.layer = len(ix.layers)
				ix.layers = append(ix.layers, textLayer{start: keyPos, first: map[string]textPos{}, v1: key == "layers"})
			}
			stack = append(stack, f)
			expectKey, inList = true, false
		case 's', 'i':
			if t.kind == 's' && key == "name" && len(stack) == 1 && stack[0].layer >= 0 {
				l := &ix.layers[stack[0].layer]
				if l.name == "" {
					l.name = unquote(t.text)
				}
			}
			if !inList {
				expectKey = true
			}
		default:
			expectKey = !inList
		}
	}
}

// unquote returns the text of a quoted string token, with simple escapes
// undone; it is only used for layer names in error messages.
func unquote(b []byte) string {
	if len(b) >= 2 {
		b = b[1 : len(b)-1]
	}
	return strings.NewReplacer(`\"`, `"`, `\'`, `'`, `\\`, `\`).Replace(string(b))
}

type textToken struct {
	kind byte // 'i' identifier or number, 's' string, a punctuation byte, 0 at EOF
	text []byte
	pos  textPos
}

type textScanner struct {
	src []byte
	i   int
	pos textPos
}

func (s *textScanner) advance() {
	c := s.src[s.i]
	s.i++
	if c == '\n' {
		s.pos.line++
		s.pos.col = 1
	} else if c&0xC0 != 0x80 {
		s.pos.col++
	}
}

func isIdent(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '_' || c == '.' || c == '-' || c == '+'
}

func (s *textScanner) next() textToken {
	for s.i < len(s.src) {
		c := s.src[s.i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			s.advance()
			continue
		case c == '#':
			for s.i < len(s.src) && s.src[s.i] != '\n' {
				s.advance()
			}
			continue
		}
		t := textToken{pos: s.pos}
		start := s.i
		switch {
		case c == '"' || c == '\'':
			s.advance()
			for s.i < len(s.src) && s.src[s.i] != c && s.src[s.i] != '\n' {
				if s.src[s.i] == '\\' && s.i+1 < len(s.src) && s.src[s.i+1] != '\n' {
					s.advance()
				}
				s.advance()
			}
			if s.i < len(s.src) && s.src[s.i] == c {
				s.advance()
			}
			t.kind = 's'
		case isIdent(c):
			for s.i < len(s.src) && isIdent(s.src[s.i]) {
				s.advance()
			}
			t.kind = 'i'
		default:
			s.advance()
			for s.i < len(s.src) && s.src[s.i]&0xC0 == 0x80 {
				s.advance()
			}
			t.kind = c
			if c >= 0x80 {
				t.kind = '?'
			}
		}
		t.text = s.src[start:s.i]
		return t
	}
	return textToken{pos: s.pos}
}

// locate returns the position of field (a dotted path, with [i] indices
// ignored) in layer li, or at top level when li < 0: the first key of the
// longest prefix of the path present in the file, else the layer's start.
func (ix *textIndex) locate(li int, field string) textPos {
	field = stripIndices(field)
	first, fallback := ix.top, textPos{}
	if li >= 0 {
		if li >= len(ix.layers) {
			return textPos{}
		}
		first, fallback = ix.layers[li].first, ix.layers[li].start
	}
	for p := field; p != ""; {
		if pos, ok := first[p]; ok {
			return pos
		}
		i := strings.LastIndexByte(p, '.')
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return fallback
}

func stripIndices(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '[':
			depth++
		case r == ']' && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}
