package schema

import (
	"fmt"
	"reflect"
	"strings"
)

// State is the bookkeeping of one decoded document: the dot paths
// written, those given a default or a preset's value, the line of each
// value, and the paths whose value could not be decoded. Its maps belong
// to the caller (a scenario holds them); State only reads and fills them.
type State struct {
	Set    map[string]bool
	Filled map[string]bool
	Lines  map[string]int
	Bad    map[string]bool
}

// IsSet reports whether a field has a value: written, filled by a
// default, or non-zero.
func (st State) IsSet(path string, v reflect.Value) bool {
	return st.Set[path] || st.Filled[path] || !v.IsZero()
}

// Include reports whether the encoder writes the field: written, non-zero,
// or (with all) filled.
func (st State) Include(path string, v reflect.Value, all bool) bool {
	if st.Set[path] {
		return true
	}
	if st.Filled[path] {
		return all
	}
	return !v.IsZero()
}

// Line returns the line of path's value, or of its nearest written
// ancestor; 0 if none.
func (st State) Line(path string) int {
	for p := path; p != ""; {
		if l, ok := st.Lines[p]; ok {
			return l
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return 0
}

// ErrAt reports a problem with the field at path, at its line, unless its
// value (or an enclosing one) could not be decoded: that was reported
// already.
func (st State) ErrAt(c *Collector, path, format string, args ...any) {
	for p := path; p != ""; {
		if st.Bad[p] {
			return
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			break
		}
		p = p[:i]
	}
	c.Add(st.Line(path), path, format, args...)
}

// FillDefaults gives every unset field under f (at path, value v) with a
// registered default its default, marking it filled. An optional mapping
// that is not set keeps its fields unset.
func (st State) FillDefaults(f *Field, v reflect.Value, path string) {
	switch f.kind {
	case KindStruct:
		if f.optional && !st.IsSet(path, v) {
			return
		}
		for _, c := range f.fields {
			st.FillDefaults(c, v.FieldByName(c.goName), Join(path, c.name))
		}
		return
	case KindList:
		if !st.IsSet(path, v) && f.defN != nil {
			st.setDefault(f, v, path)
		}
		if f.elem.kind == KindStruct {
			for i := 0; i < v.Len(); i++ {
				st.FillDefaults(f.elem, v.Index(i), fmt.Sprintf("%s[%d]", path, i))
			}
		}
		return
	}
	if f.defN != nil && !st.IsSet(path, v) {
		st.setDefault(f, v, path)
	}
}

// setDefault decodes the field's default into v and marks it filled. The
// default is program text, so an error is a programmer error.
func (st State) setDefault(f *Field, v reflect.Value, path string) {
	c := &Collector{}
	d := NewDecoder(c)
	d.Decode(f, f.defN, v, path, 0)
	if c.Errs != nil {
		panic(fmt.Sprintf("scenarios: bad default %q for %s: %v", f.def, path, c.Err()))
	}
	st.Filled[path] = true
}

// Fill sets a field that is not written to val (a preset's value),
// converting it to the field's type, and marks it filled. dst points to
// the field.
func (st State) Fill(path string, dst any, val any) {
	if st.Set[path] {
		return
	}
	reflect.ValueOf(dst).Elem().Set(reflect.ValueOf(val).Convert(reflect.TypeOf(dst).Elem()))
	st.Filled[path] = true
}

// CheckFields runs every registered check on every set field under f,
// reporting the first failing check of each field with ErrAt.
func (st State) CheckFields(c *Collector, f *Field, v reflect.Value, path string) {
	switch f.kind {
	case KindStruct:
		for _, ch := range f.fields {
			st.CheckFields(c, ch, v.FieldByName(ch.goName), Join(path, ch.name))
		}
		return
	case KindList:
		for i := 0; i < v.Len(); i++ {
			st.CheckFields(c, f.elem, v.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
		return
	}
	if !st.IsSet(path, v) {
		return
	}
	for _, ck := range f.checks {
		if ck.Num != nil && !ck.Num(NumberOf(v)) {
			st.ErrAt(c, path, "%s must be %s", FormatValue(v), ck.Doc)
			break
		}
		if ck.Text != nil {
			if msg := ck.Text(v.String()); msg != "" {
				st.ErrAt(c, path, "%s", msg)
				break
			}
		}
	}
}
