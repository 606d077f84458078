package schema

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/infersim/infersim/units"
	"go.yaml.in/yaml/v3"
)

// goTypes is the Go type each scalar kind fills.
var goTypes = map[Kind]reflect.Type{
	KindText: reflect.TypeOf(""), KindName: reflect.TypeOf(""), KindEnum: reflect.TypeOf(""), KindWord: reflect.TypeOf(""),
	KindInt: reflect.TypeOf(0), KindUint: reflect.TypeOf(uint64(0)), KindFloat: reflect.TypeOf(0.0),
	KindFraction: reflect.TypeOf(Fraction(0)), KindBool: reflect.TypeOf(false),
	KindDuration: reflect.TypeOf(units.Duration(0)), KindBitRate: reflect.TypeOf(units.BitRate(0)),
	KindBytes: reflect.TypeOf(units.Bytes(0)), KindCharge: reflect.TypeOf(units.Charge(0)),
	KindByteRate: reflect.TypeOf(units.ByteRate(0)), KindRate: reflect.TypeOf(Rate(0)),
	KindSize: reflect.TypeOf(ImageSize{}), KindAny: reflect.TypeOf(yaml.Node{}),
}

// CheckTypes compares a registry with the Go type it fills and returns
// every mismatch: a field without a description, a registered field the
// type lacks or whose yaml tag differs, an exported Go field that is not
// registered, a kind on the wrong Go type, a numeric check on a
// non-numeric field, a field with both a default and a preset. A registry
// test calls it, so the registry and the types cannot drift apart.
func CheckTypes(root *Field, typ reflect.Type) []string {
	var out []string
	var walk func(f *Field, typ reflect.Type, path string)
	walk = func(f *Field, typ reflect.Type, path string) {
		if f.desc == "" && path != "" {
			out = append(out, fmt.Sprintf("%s: no description", path))
		}
		switch f.kind {
		case KindStruct:
			if typ.Kind() != reflect.Struct {
				out = append(out, fmt.Sprintf("%s: registered as a mapping, Go type %v", path, typ))
				return
			}
			out = append(out, checkStruct(f, typ, path, walk)...)
		case KindList:
			if typ.Kind() != reflect.Slice {
				out = append(out, fmt.Sprintf("%s: registered as a list, Go type %v", path, typ))
				return
			}
			walk(f.elem, typ.Elem(), path+"[]")
		default:
			if want := goTypes[f.kind]; typ != want {
				out = append(out, fmt.Sprintf("%s: kind %s wants Go type %v, have %v", path, kindNames[f.kind], want, typ))
			}
		}
		for _, c := range f.checks {
			if c.Num != nil && !f.kind.IsNumeric() {
				out = append(out, fmt.Sprintf("%s: numeric check on a %s", path, kindNames[f.kind]))
			}
		}
		if f.def != "" && f.preset != "" {
			out = append(out, fmt.Sprintf("%s: both a default and a preset", path))
		}
	}
	walk(root, typ, "")
	return out
}

func checkStruct(f *Field, typ reflect.Type, path string, walk func(*Field, reflect.Type, string)) []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range f.fields {
		sf, ok := typ.FieldByName(c.goName)
		if !ok {
			out = append(out, fmt.Sprintf("%s: Go type %v has no field %s", Join(path, c.name), typ, c.goName))
			continue
		}
		if tag := strings.Split(sf.Tag.Get("yaml"), ",")[0]; tag != c.name {
			out = append(out, fmt.Sprintf("%s: Go field %s has yaml tag %q", Join(path, c.name), c.goName, tag))
		}
		seen[c.goName] = true
		walk(c, sf.Type, Join(path, c.name))
	}
	for i := 0; i < typ.NumField(); i++ {
		sf := typ.Field(i)
		if sf.IsExported() && !seen[sf.Name] {
			out = append(out, fmt.Sprintf("%s: Go field %v.%s is not registered", path, typ, sf.Name))
		}
	}
	return out
}

// CheckDefaults decodes every registered default and example of the
// registry as its field (of the Go type typ fills) and returns every one
// that does not decode.
func CheckDefaults(root *Field, typ reflect.Type) []string {
	var out []string
	var walk func(f *Field, path string)
	walk = func(f *Field, path string) {
		for _, text := range []string{f.def, f.example} {
			if text == "" || f.kind == KindStruct {
				continue
			}
			var doc yaml.Node
			if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
				out = append(out, fmt.Sprintf("%s: %q: %v", path, text, err))
				continue
			}
			c := &Collector{}
			v := reflect.New(typeAt(typ, path)).Elem()
			NewDecoder(c).Decode(f, doc.Content[0], v, path, 0)
			if c.Errs != nil {
				out = append(out, fmt.Sprintf("%s: %q: %v", path, text, c.Err()))
			}
		}
		for _, ch := range f.fields {
			walk(ch, Join(path, ch.name))
		}
		if f.elem != nil {
			for _, ch := range f.elem.fields {
				walk(ch, path+"[]."+ch.name)
			}
		}
	}
	walk(root, "")
	return out
}

// typeAt returns the Go type at a registry path ("a.b[].c") under typ,
// following yaml tags.
func typeAt(typ reflect.Type, path string) reflect.Type {
	segs, _ := SplitPath(strings.ReplaceAll(path, "[]", "[0]"))
	for _, sg := range segs {
		if sg.Index >= 0 {
			typ = typ.Elem()
			continue
		}
		for i := 0; i < typ.NumField(); i++ {
			if strings.Split(typ.Field(i).Tag.Get("yaml"), ",")[0] == sg.Name {
				typ = typ.Field(i).Type
				break
			}
		}
	}
	return typ
}
