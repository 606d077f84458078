package schema

import (
	"encoding/json"
	"errors"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/infersim/infersim/units"
	"go.yaml.in/yaml/v3"
)

// A made-up document type, knowing nothing of scenarios: a pet shop.
type shop struct {
	Name    string         `yaml:"name"`
	Pets    []pet          `yaml:"pets"`
	Opening units.Duration `yaml:"opening"`
	Owner   owner          `yaml:"owner"`
	Tags    []string       `yaml:"tags"`
}

type pet struct {
	Kind  string   `yaml:"kind"`
	Legs  int      `yaml:"legs"`
	Share Fraction `yaml:"share"`
}

type owner struct {
	Email string `yaml:"email"`
	Mood  string `yaml:"mood"`
}

// kinds is the toy registry of pet kinds, read every time it is needed.
var kinds = []string{"cat", "dog"}

func shopRegistry() *Field {
	return Root(Obj("", "", "A pet shop.",
		Fld("name", "Name", KindText, "The shop's name.", Checks(NamePattern), NoSweep()),
		List("pets", "Pets", Obj("", "", "A pet.",
			Fld("kind", "Kind", KindEnum, "What the pet is.", EnumFunc(func() []string { return kinds })),
			Fld("legs", "Legs", KindInt, "Legs.", Def("4"), Checks(AtLeast(0), AtMost(8))),
			Fld("share", "Share", KindFraction, "Its share of the food.", Checks(AtMost(1))),
		), "The pets."),
		Fld("opening", "Opening", KindDuration, "Opening hours a day.", Def("8h"), Checks(Positive)),
		Obj("owner", "Owner", "Who runs it.",
			Fld("email", "Email", KindText, "Where to write."),
			Fld("mood", "Mood", KindWord, "A mood: happy or grumpy.", Word("mood", "^(happy|grumpy)$", func(s string) error {
				if s != "happy" && s != "grumpy" {
					return errors.New("no such mood " + s)
				}
				return nil
			})),
		),
		List("tags", "Tags", Fld("", "", KindText, "A tag."), "Tags.", ScalarList()),
	))
}

// decodeShop decodes and checks a shop the way scenarios decodes and
// validates a scenario: decode, fill defaults, run the checks.
func decodeShop(t *testing.T, text string) (*shop, error) {
	t.Helper()
	root, err := ParseDocument([]byte(text), "shop.yaml", "a shop needs a name")
	if err != nil {
		return nil, err
	}
	reg := shopRegistry()
	c := &Collector{File: "shop.yaml"}
	d := NewDecoder(c)
	var s shop
	v := reflect.ValueOf(&s).Elem()
	d.Decode(reg, root, v, "", 0)
	st := State{Set: d.Set, Filled: map[string]bool{}, Lines: d.Lines, Bad: d.Bad}
	st.FillDefaults(reg, v, "")
	st.CheckFields(c, reg, v, "")
	return &s, c.Err()
}

func TestDecodeShop(t *testing.T) {
	s, err := decodeShop(t, `
name: corner-pets
pets:
  - {kind: cat, share: 30%}
  - {kind: dog, legs: 3}
owner: {email: a@b.c, mood: happy}
tags: small
`)
	if err != nil {
		t.Fatal(err)
	}
	want := shop{
		Name:    "corner-pets",
		Pets:    []pet{{Kind: "cat", Legs: 4, Share: 0.3}, {Kind: "dog", Legs: 3}},
		Opening: 8 * units.Hour,
		Owner:   owner{Email: "a@b.c", Mood: "happy"},
		Tags:    []string{"small"},
	}
	if !reflect.DeepEqual(*s, want) {
		t.Errorf("got %+v\nwant %+v", *s, want)
	}
}

func TestErrorsCarryFileLineField(t *testing.T) {
	_, err := decodeShop(t, `name: Corner Pets
pets:
  - {kind: cat, legs: 9}
  - {kind: cow, legs: four}
opening: 8
owner: {mood: sulky}
`)
	want := []string{
		`scenarios: shop.yaml:1: name: "Corner Pets" must be lower-case letters, digits and '-' (it names the output directory)`,
		`scenarios: shop.yaml:3: pets[0].legs: 9 must be ≤ 8`,
		`scenarios: shop.yaml:4: pets[1].kind: unknown value "cow" (want one of cat, dog)`,
		`scenarios: shop.yaml:4: pets[1].legs: expected an integer, got "four"`,
		`scenarios: shop.yaml:5: opening: "8": missing unit: a duration needs one, e.g. 20ms`,
		`scenarios: shop.yaml:6: owner.mood: no such mood sulky`,
	}
	got := ErrorsOf(err)
	if len(got) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%v", len(got), len(want), err)
	}
	for i, e := range got {
		if e.Error() != want[i] {
			t.Errorf("error %d:\n got %s\nwant %s", i, e.Error(), want[i])
		}
	}
}

func TestUnknownFieldDidYouMean(t *testing.T) {
	_, err := decodeShop(t, "name: a\nowner: {emal: x}\npetz: []\n")
	want := "scenarios: shop.yaml:2: owner.emal: unknown field (did you mean \"email\"?)\n" +
		"scenarios: shop.yaml:3: petz: unknown field (did you mean \"pets\"?)"
	if err == nil || err.Error() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}
	if _, msg := LookupPath(shopRegistry(), "owner.mod", "the shop"); msg != `owner has no field "mod" (did you mean "mood"?)` {
		t.Errorf("LookupPath: %s", msg)
	}
}

// TestEnumFuncReadsLate checks that a value added to the list an
// EnumFunc reads is accepted, suggested and in the JSON Schema at once.
func TestEnumFuncReadsLate(t *testing.T) {
	old := kinds
	defer func() { kinds = old }()
	if _, err := decodeShop(t, "pets: [{kind: parrot}]\n"); err == nil {
		t.Fatal("parrot accepted before it is registered")
	}
	kinds = append(append([]string(nil), old...), "parrot")
	if _, err := decodeShop(t, "pets: [{kind: parrot}]\n"); err != nil {
		t.Errorf("parrot after registering: %v", err)
	}
	if _, err := decodeShop(t, "pets: [{kind: parot}]\n"); err == nil || !strings.Contains(err.Error(), `did you mean "parrot"?`) {
		t.Errorf("no suggestion: %v", err)
	}
	if !strings.Contains(string(JSONSchema(shopRegistry(), nil)), `"parrot"`) {
		t.Error("JSON Schema lacks parrot")
	}
}

func TestJSONSchemaOfShop(t *testing.T) {
	var m map[string]any
	if err := json.Unmarshal(JSONSchema(shopRegistry(), map[string]any{"title": "pet shop"}), &m); err != nil {
		t.Fatal(err)
	}
	get := func(path ...string) map[string]any {
		x := m
		for _, p := range path {
			x = x["properties"].(map[string]any)[p].(map[string]any)
		}
		return x
	}
	if m["title"] != "pet shop" || m["$schema"] != "https://json-schema.org/draft/2020-12/schema" || m["additionalProperties"] != false {
		t.Errorf("root: %v", m)
	}
	if n := get("name"); n["pattern"] != "^[a-z0-9][a-z0-9-]*$" || n["maxLength"] != 64.0 {
		t.Errorf("name: %v", n)
	}
	pet := get("pets")["items"].(map[string]any)["properties"].(map[string]any)
	if legs := pet["legs"].(map[string]any); legs["minimum"] != 0.0 || legs["maximum"] != 8.0 || legs["default"] != 4.0 || legs["type"] != "integer" {
		t.Errorf("legs: %v", legs)
	}
	if k := pet["kind"].(map[string]any); !reflect.DeepEqual(k["enum"], []any{"cat", "dog"}) {
		t.Errorf("kind: %v", k)
	}
	op := get("opening")
	if re := regexp.MustCompile(op["pattern"].(string)); !re.MatchString("8h") || re.MatchString("8") || op["description"] != "Opening hours a day. Must be > 0." {
		t.Errorf("opening: %v", op)
	}
	if mood := get("owner", "mood"); mood["pattern"] != "^(happy|grumpy)$" {
		t.Errorf("mood: %v", mood)
	}
	if tags := get("tags"); len(tags["anyOf"].([]any)) != 2 {
		t.Errorf("tags (a list or one scalar): %v", tags)
	}
}

func TestReference(t *testing.T) {
	ref := Reference(shopRegistry())
	for _, row := range []string{
		"| `pets[].legs` | integer ≥ 0 and ≤ 8 | `4` | Legs. |\n",
		"| `owner.mood` | mood |  | A mood: happy or grumpy. |\n",
		"| `pets[].kind` | `cat` \\| `dog` |  | What the pet is. |\n",
	} {
		if !strings.Contains(ref, row) {
			t.Errorf("reference lacks %q:\n%s", row, ref)
		}
	}
}

func TestCheckTypes(t *testing.T) {
	if msgs := CheckTypes(shopRegistry(), reflect.TypeOf(shop{})); msgs != nil {
		t.Errorf("shop: %v", msgs)
	}
	type wrong struct {
		Name  int    `yaml:"name"`
		Extra string `yaml:"extra"`
	}
	reg := Root(Obj("", "", "Wrong.", Fld("name", "Name", KindText, "A name.")))
	msgs := CheckTypes(reg, reflect.TypeOf(wrong{}))
	want := []string{
		"name: kind text wants Go type string, have int",
		": Go field schema.wrong.Extra is not registered",
	}
	if !reflect.DeepEqual(msgs, want) {
		t.Errorf("got %q, want %q", msgs, want)
	}
	if msgs := CheckDefaults(shopRegistry(), reflect.TypeOf(shop{})); msgs != nil {
		t.Errorf("defaults: %v", msgs)
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	s, err := decodeShop(t, "name: a\npets: [{kind: dog}]\ntags: [x, y]\n")
	if err != nil {
		t.Fatal(err)
	}
	reg := shopRegistry()
	st := State{Set: map[string]bool{}, Filled: map[string]bool{}}
	b, err := yaml.Marshal(Encode(reg, reflect.ValueOf(s).Elem(), st, true))
	if err != nil {
		t.Fatal(err)
	}
	want := "name: a\npets:\n    - {kind: dog, legs: 4}\nopening: 8h\ntags: [x, y]\n"
	if string(b) != want {
		t.Errorf("got\n%s\nwant\n%s", b, want)
	}
}

func TestApplySetsAPath(t *testing.T) {
	reg := shopRegistry()
	var s shop
	c := &Collector{}
	d := NewDecoder(c)
	d.Apply(reg, reflect.ValueOf(&s).Elem(), "owner.mood", &yaml.Node{Kind: yaml.ScalarNode, Value: "grumpy", Line: 7})
	d.Apply(reg, reflect.ValueOf(&s).Elem(), "pets[0].legs", &yaml.Node{Kind: yaml.ScalarNode, Value: "2", Line: 8})
	if s.Owner.Mood != "grumpy" || !d.Set["owner"] || !d.Set["owner.mood"] {
		t.Errorf("owner.mood: %+v %v", s.Owner, d.Set)
	}
	if err := c.Err(); err == nil || err.Error() != "scenarios: line 8: pets: has no entries; [0] is out of range" {
		t.Errorf("pets[0] of an empty list: %v", err)
	}
}

func TestParseDocumentLimits(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"", "scenarios: shop.yaml: empty file: a shop needs a name"},
		{"a: 1\n---\nb: 2\n", "scenarios: shop.yaml:2: a scenario file holds one YAML document; found a second one (---)"},
		{"a: [" + strings.Repeat("[", MaxDepth) + "\n", "scenarios: shop.yaml:1: nested deeper than 64 levels: refused"},
		{"a: b: c\n", "scenarios: shop.yaml: YAML syntax: mapping values are not allowed in this context"},
		{"a: [1, 2\n", "scenarios: shop.yaml:1: YAML syntax: did not find expected ',' or ']'"},
	} {
		if _, err := ParseDocument([]byte(tc.text), "shop.yaml", "a shop needs a name"); err == nil || err.Error() != tc.want {
			t.Errorf("%q: got %v, want %s", tc.text, err, tc.want)
		}
	}
}

// FuzzDecode holds the decoder to never panicking on any document, and to
// reporting a problem as an Error with a field or a line.
func FuzzDecode(f *testing.F) {
	f.Add("name: a\npets: [{kind: cat, legs: 2}]\n")
	f.Add("pets: &x [*x]\n")
	f.Add("<<: {name: a}\nowner: {<<: [{mood: happy}]}\n")
	reg := shopRegistry()
	f.Fuzz(func(t *testing.T, text string) {
		root, err := ParseDocument([]byte(text), "f.yaml", "empty")
		if err != nil {
			return
		}
		c := &Collector{File: "f.yaml"}
		var s shop
		NewDecoder(c).Decode(reg, root, reflect.ValueOf(&s).Elem(), "", 0)
		for _, e := range c.Errs {
			if e.Msg == "" {
				t.Errorf("empty message: %+v", e)
			}
		}
	})
}

// TestUnitSpellings checks the units the JSON Schema lists parse in
// package units, and that the schema's patterns accept them.
func TestUnitSpellings(t *testing.T) {
	for k, us := range UnitSpellings {
		re := regexp.MustCompile(UnitPattern(k))
		for _, u := range us {
			f := &Field{kind: k}
			if _, msg := ParseScalar(f, &yaml.Node{Kind: yaml.ScalarNode, Value: "2.5" + u}); msg != "" {
				t.Errorf("%s %q: %s", k, u, msg)
			}
			if !re.MatchString("2.5" + u) {
				t.Errorf("%s pattern rejects %q", k, "2.5"+u)
			}
		}
		if re.MatchString("25") {
			t.Errorf("%s pattern accepts a bare number", k)
		}
	}
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
		if got := Suggest(tt.s, tt.cand); got != tt.want {
			t.Errorf("suggest(%q) = %q, want %q", tt.s, got, tt.want)
		}
	}
}
