package caffe

import (
	"bufio"
	"errors"
	"io"
	"math"
	"slices"
	"strconv"
	"unicode"
	"unicode/utf8"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// WritePrototxt writes net in protobuf text format, as Caffe's own tools
// print it: one field per line, nested messages indented by two spaces,
// fields in field-number order (so the layers come last), repeated values
// one per line, floats in their shortest exact form. The output depends
// only on net, and ParsePrototxt reads it back to an equal message.
//
// protobuf-go's prototext output is not used: it varies its spacing from
// build to build on purpose, and we want files that diff cleanly.
//
// Fields unknown to this package's schema (kept by ReadCaffemodel) have no
// name to print; each message that has some gets a comment line saying how
// many bytes were left out. WritePrototxt does not validate net; a nil net
// is a *FormatError.
func WritePrototxt(w io.Writer, net *NetParameter) error {
	if net == nil {
		return &FormatError{Err: errors.New("nil net")}
	}
	bw := bufio.NewWriter(w)
	p := textPrinter{w: bw}
	p.message(net.ProtoReflect(), 0)
	return bw.Flush()
}

type textPrinter struct {
	w   *bufio.Writer
	buf []byte
}

func (p *textPrinter) indent(depth int) {
	for range depth {
		p.w.WriteString("  ")
	}
}

func (p *textPrinter) message(m protoreflect.Message, depth int) {
	fields := m.Descriptor().Fields()
	fds := make([]protoreflect.FieldDescriptor, 0, fields.Len())
	for i := range fields.Len() {
		fd := fields.Get(i)
		if m.Has(fd) {
			fds = append(fds, fd)
		}
	}
	slices.SortFunc(fds, func(a, b protoreflect.FieldDescriptor) int { return int(a.Number() - b.Number()) })
	for _, fd := range fds {
		if fd.IsList() {
			l := m.Get(fd).List()
			for i := range l.Len() {
				p.field(fd, l.Get(i), depth)
			}
		} else {
			p.field(fd, m.Get(fd), depth)
		}
	}
	if u := m.GetUnknown(); len(u) > 0 {
		p.indent(depth)
		p.w.WriteString("# " + strconv.Itoa(len(u)) + " bytes of fields unknown to infersim left out\n")
	}
}

func (p *textPrinter) field(fd protoreflect.FieldDescriptor, v protoreflect.Value, depth int) {
	p.indent(depth)
	p.w.WriteString(string(fd.Name()))
	if fd.Kind() == protoreflect.MessageKind || fd.Kind() == protoreflect.GroupKind {
		p.w.WriteString(" {\n")
		p.message(v.Message(), depth+1)
		p.indent(depth)
		p.w.WriteString("}\n")
		return
	}
	p.w.WriteString(": ")
	b := p.buf[:0]
	switch fd.Kind() {
	case protoreflect.BoolKind:
		b = strconv.AppendBool(b, v.Bool())
	case protoreflect.EnumKind:
		if ev := fd.Enum().Values().ByNumber(v.Enum()); ev != nil {
			b = append(b, ev.Name()...)
		} else {
			b = strconv.AppendInt(b, int64(v.Enum()), 10)
		}
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind,
		protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		b = strconv.AppendInt(b, v.Int(), 10)
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind, protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		b = strconv.AppendUint(b, v.Uint(), 10)
	case protoreflect.FloatKind:
		b = appendFloat(b, v.Float(), 32)
	case protoreflect.DoubleKind:
		b = appendFloat(b, v.Float(), 64)
	case protoreflect.StringKind:
		b = appendQuoted(b, v.String())
	case protoreflect.BytesKind:
		b = appendQuoted(b, string(v.Bytes()))
	}
	b = append(b, '\n')
	p.w.Write(b)
	p.buf = b
}

// appendFloat writes the shortest decimal that reads back to the same
// float of the given size, or inf, -inf, nan.
func appendFloat(b []byte, f float64, bits int) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, "nan"...)
	case math.IsInf(f, 1):
		return append(b, "inf"...)
	case math.IsInf(f, -1):
		return append(b, "-inf"...)
	}
	return strconv.AppendFloat(b, f, 'g', -1, bits)
}

// appendQuoted writes s as a double-quoted text-format string: printable
// characters as they are, \n \r \t \" \' \\ escaped, and any other byte
// (control characters, invalid UTF-8) as a three-digit octal escape, so that
// the exact bytes read back.
func appendQuoted(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\n':
			b = append(b, `\n`...)
		case r == '\r':
			b = append(b, `\r`...)
		case r == '\t':
			b = append(b, `\t`...)
		case r == '"' || r == '\'' || r == '\\':
			b = append(b, '\\', byte(r))
		case r == utf8.RuneError && n == 1, !unicode.IsPrint(r):
			for _, c := range []byte(s[i : i+n]) {
				b = append(b, '\\', '0'+c>>6, '0'+c>>3&7, '0'+c&7)
			}
		default:
			b = append(b, s[i:i+n]...)
		}
		i += n
	}
	return append(b, '"')
}
