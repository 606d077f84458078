package schema

import (
	"fmt"
	"reflect"
	"strings"
)

// Join appends a field name to a dot path.
func Join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// PathSeg is one segment of a dot path: a field name or a list index.
type PathSeg struct {
	Name  string
	Index int // -1 for a name
}

// SplitPath parses "a.b[2].c" into segments, or returns a message.
func SplitPath(path string) ([]PathSeg, string) {
	if strings.TrimSpace(path) == "" {
		return nil, "empty path"
	}
	var segs []PathSeg
	for _, part := range strings.Split(path, ".") {
		name, rest, _ := strings.Cut(part, "[")
		if name == "" && rest == "" {
			return nil, fmt.Sprintf("path %q has an empty segment", path)
		}
		if name != "" {
			segs = append(segs, PathSeg{Name: name, Index: -1})
		}
		for rest != "" {
			num, after, ok := strings.Cut(rest, "]")
			n := 0
			if !ok || num == "" || len(num) > 6 {
				return nil, fmt.Sprintf("path %q: bad list index", path)
			}
			for _, c := range num {
				if c < '0' || c > '9' {
					return nil, fmt.Sprintf("path %q: bad list index %q", path, num)
				}
				n = n*10 + int(c-'0')
			}
			segs = append(segs, PathSeg{Index: n})
			if after == "" {
				break
			}
			if !strings.HasPrefix(after, "[") {
				return nil, fmt.Sprintf("path %q: unexpected %q after an index", path, after)
			}
			rest = after[1:]
		}
	}
	return segs, ""
}

// JoinPath prints segments as a dot path.
func JoinPath(segs []PathSeg) string {
	var b strings.Builder
	for _, s := range segs {
		if s.Index >= 0 {
			fmt.Fprintf(&b, "[%d]", s.Index)
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.Name)
	}
	return b.String()
}

// LookupPath returns the field under root at a dot path with list
// indices ("workload.images[0].size"), or a message with a suggestion.
// what names the root in messages ("the scenario").
func LookupPath(root *Field, path, what string) (*Field, string) {
	segs, msg := SplitPath(path)
	if msg != "" {
		return nil, msg
	}
	f := root
	for i, s := range segs {
		if s.Index >= 0 {
			if f.kind != KindList {
				return nil, fmt.Sprintf("%s is not a list", JoinPath(segs[:i]))
			}
			f = f.elem
			continue
		}
		if f.kind != KindStruct {
			return nil, fmt.Sprintf("%s has no field %q (it is a %s)", JoinPath(segs[:i]), s.Name, f.KindName())
		}
		c := f.Child(s.Name)
		if c == nil {
			where := JoinPath(segs[:i])
			if where == "" {
				where = what
			}
			return nil, fmt.Sprintf("%s has no field %q%s", where, s.Name, DidYouMean(s.Name, f.ChildNames()))
		}
		f = c
	}
	return f, ""
}

// NoSweepAncestor returns the path of the field on path (under root) that
// may not be swept, or "".
func NoSweepAncestor(root *Field, path string) string {
	segs, _ := SplitPath(path)
	f := root
	for i, sg := range segs {
		if sg.Index >= 0 {
			f = f.elem
		} else {
			f = f.Child(sg.Name)
		}
		if f == nil {
			return ""
		}
		if f.noSweep {
			return JoinPath(segs[:i+1])
		}
	}
	return ""
}

// ValueAt returns the value at a dot path of field names (no list
// indices) under root, whose value is rv; ok is false if the path names
// no field.
func ValueAt(root *Field, rv reflect.Value, path string) (v reflect.Value, ok bool) {
	segs, msg := SplitPath(path)
	if msg != "" {
		return reflect.Value{}, false
	}
	f, v := root, rv
	for _, sg := range segs {
		if sg.Index >= 0 || f.kind != KindStruct {
			return reflect.Value{}, false
		}
		if f = f.Child(sg.Name); f == nil {
			return reflect.Value{}, false
		}
		v = v.FieldByName(f.goName)
	}
	return v, true
}
