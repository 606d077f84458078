package scenarios

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/infersim/infersim/units"
	"go.yaml.in/yaml/v3"
)

var rewrite = flag.Bool("rewrite", false, "rewrite golden files and the README section's field table")

// TestRegistryMatchesTypes keeps the registry and the Go types in step:
// every registered field names a Go field whose yaml tag is its name, and
// every Go field is registered.
func TestRegistryMatchesTypes(t *testing.T) {
	var walk func(f *field, typ reflect.Type, path string)
	walk = func(f *field, typ reflect.Type, path string) {
		if f.desc == "" && path != "" {
			t.Errorf("%s: no description", path)
		}
		switch f.kind {
		case kStruct:
			if typ.Kind() != reflect.Struct {
				t.Errorf("%s: registered as a mapping, Go type %v", path, typ)
				return
			}
			seen := map[string]bool{}
			for _, c := range f.fields {
				sf, ok := typ.FieldByName(c.goName)
				if !ok {
					t.Errorf("%s: Go type %v has no field %s", join(path, c.name), typ, c.goName)
					continue
				}
				if tag := strings.Split(sf.Tag.Get("yaml"), ",")[0]; tag != c.name {
					t.Errorf("%s: Go field %s has yaml tag %q", join(path, c.name), c.goName, tag)
				}
				seen[c.goName] = true
				walk(c, sf.Type, join(path, c.name))
			}
			for i := 0; i < typ.NumField(); i++ {
				sf := typ.Field(i)
				if sf.IsExported() && !seen[sf.Name] {
					t.Errorf("%s: Go field %v.%s is not registered", path, typ, sf.Name)
				}
			}
		case kList:
			if typ.Kind() != reflect.Slice {
				t.Errorf("%s: registered as a list, Go type %v", path, typ)
				return
			}
			walk(f.elem, typ.Elem(), path+"[]")
		default:
			want := map[kind]reflect.Type{
				kText: reflect.TypeOf(""), kName: reflect.TypeOf(""), kEnum: reflect.TypeOf(""), kMode: reflect.TypeOf(""),
				kInt: reflect.TypeOf(0), kUint: reflect.TypeOf(uint64(0)), kFloat: reflect.TypeOf(0.0),
				kFraction: reflect.TypeOf(Fraction(0)), kBool: reflect.TypeOf(false),
				kDuration: reflect.TypeOf(units.Duration(0)), kBitRate: reflect.TypeOf(units.BitRate(0)),
				kBytes: reflect.TypeOf(units.Bytes(0)), kCharge: reflect.TypeOf(units.Charge(0)),
				kByteRate: reflect.TypeOf(units.ByteRate(0)), kRate: reflect.TypeOf(Rate(0)),
				kSize: reflect.TypeOf(ImageSize{}), kAny: reflect.TypeOf(yaml.Node{}),
			}[f.kind]
			if typ != want {
				t.Errorf("%s: kind %s wants Go type %v, have %v", path, kindNames[f.kind], want, typ)
			}
		}
		for _, c := range f.checks {
			if c.num != nil && !f.kind.isNumeric() {
				t.Errorf("%s: numeric check on a %s", path, kindNames[f.kind])
			}
		}
		if f.def != "" && f.preset != "" {
			t.Errorf("%s: both a default and a preset", path)
		}
	}
	walk(registry, reflect.TypeOf(Scenario{}), "")
}

// TestDefaultsDecode checks every registered default and example decodes
// as its field.
func TestDefaultsDecode(t *testing.T) {
	var walk func(f *field, path string)
	walk = func(f *field, path string) {
		for _, text := range []string{f.def, f.example} {
			if text == "" || f.kind == kStruct {
				continue
			}
			var doc yaml.Node
			if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
				t.Errorf("%s: %q: %v", path, text, err)
				continue
			}
			c := &collector{}
			typ := reflect.TypeOf(Scenario{})
			segs, _ := splitPath(strings.ReplaceAll(path, "[]", "[0]"))
			for _, sg := range segs {
				if sg.index >= 0 {
					typ = typ.Elem()
					continue
				}
				for i := 0; i < typ.NumField(); i++ {
					if strings.Split(typ.Field(i).Tag.Get("yaml"), ",")[0] == sg.name {
						typ = typ.Field(i).Type
						break
					}
				}
			}
			v := reflect.New(typ).Elem()
			newDecoder(c).decode(f, doc.Content[0], v, path, 0)
			if c.errs != nil {
				t.Errorf("%s: %q: %v", path, text, c.err())
			}
		}
		for _, ch := range f.fields {
			walk(ch, join(path, ch.name))
		}
		if f.elem != nil {
			for _, ch := range f.elem.fields {
				walk(ch, path+"[]."+ch.name)
			}
		}
	}
	walk(registry, "")
}

// TestUnitSpellings checks the units the JSON Schema lists parse in
// package units, and that the schema's patterns accept them.
func TestUnitSpellings(t *testing.T) {
	for k, us := range unitSpellings {
		re := regexp.MustCompile(unitPattern(k))
		for _, u := range us {
			f := &field{kind: k}
			if _, msg := parseScalar(f, &yaml.Node{Kind: yaml.ScalarNode, Value: "2.5" + u}); msg != "" {
				t.Errorf("%s %q: %s", kindNames[k], u, msg)
			}
			if !re.MatchString("2.5" + u) {
				t.Errorf("%s pattern rejects %q", kindNames[k], "2.5"+u)
			}
		}
		if re.MatchString("25") {
			t.Errorf("%s pattern accepts a bare number", kindNames[k])
		}
	}
}

func TestJSONSchema(t *testing.T) {
	var s map[string]any
	if err := json.Unmarshal(JSONSchema(), &s); err != nil {
		t.Fatal(err)
	}
	props := s["properties"].(map[string]any)
	for _, f := range registry.fields {
		if _, ok := props[f.name]; !ok {
			t.Errorf("schema lacks %s", f.name)
		}
	}
	get := func(path ...string) map[string]any {
		m := s
		for _, p := range path {
			m = m["properties"].(map[string]any)[p].(map[string]any)
		}
		return m
	}
	bw := get("network", "uplink", "bandwidth")
	re := regexp.MustCompile(bw["pattern"].(string))
	if !re.MatchString("25Mbps") || re.MatchString("25") || bw["type"] != "string" {
		t.Errorf("bandwidth schema %v", bw)
	}
	if r := get("replications"); r["minimum"] != 1.0 || r["default"] != 1.0 || r["type"] != "integer" {
		t.Errorf("replications schema %v", r)
	}
	if m := get("workload", "start"); len(m["enum"].([]any)) != 2 {
		t.Errorf("start schema %v", m)
	}
	if get("phone")["additionalProperties"] != false {
		t.Error("phone allows unknown fields")
	}
	if !strings.Contains(get("phone", "memory", "ram")["description"].(string), "Must be > 0") {
		t.Error("ram description lacks its check")
	}
}

// TestFieldReferenceUpToDate keeps the field table of README.md equal to
// FieldReference; -rewrite updates it.
func TestFieldReferenceUpToDate(t *testing.T) {
	const begin, end = "<!-- fields:begin (go test ./scenarios -run TestFieldReferenceUpToDate -rewrite) -->\n", "<!-- fields:end -->"
	path := filepath.Join("..", "README.md")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	i, j := strings.Index(text, begin), strings.Index(text, end)
	if i < 0 || j < i {
		t.Fatalf("%s lacks the markers %q ... %q", path, begin, end)
	}
	table := FieldReference()
	if text[i+len(begin):j] == table {
		return
	}
	if *rewrite {
		text = text[:i+len(begin)] + table + text[j:]
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s: the field table is stale; run go test ./scenarios -run TestFieldReferenceUpToDate -rewrite", path)
}

func TestSuggest(t *testing.T) {
	tests := []struct {
		s    string
		cand []string
		want string
	}{
		{"bandwith", []string{"bandwidth", "latency"}, "bandwidth"},
		{"Bandwidth", []string{"bandwidth"}, "bandwidth"},
		{"large-heap", []string{"large_heap"}, "large_heap"},
		{"nexus5-cnndroid", []string{"nexus5-caffe-cpu", "nexus5-cnndroid-gpu"}, "nexus5-cnndroid-gpu"},
		{"xyz", []string{"bandwidth"}, ""},
		{"ab", []string{"cd"}, ""},
	}
	for _, tt := range tests {
		if got := suggest(tt.s, tt.cand); got != tt.want {
			t.Errorf("suggest(%q) = %q, want %q", tt.s, got, tt.want)
		}
	}
	if d := editDistance("kitten", "sitting"); d != 3 {
		t.Errorf("editDistance = %d", d)
	}
}
