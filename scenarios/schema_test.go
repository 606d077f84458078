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

	"github.com/infersim/infersim/scenarios/internal/schema"
)

var rewrite = flag.Bool("rewrite", false, "rewrite golden files and the README section's field table")

// TestRegistryMatchesTypes keeps the registry and the Go types in step:
// every registered field names a Go field whose yaml tag is its name, and
// every Go field is registered.
func TestRegistryMatchesTypes(t *testing.T) {
	for _, msg := range schema.CheckTypes(registry, reflect.TypeOf(Scenario{})) {
		t.Error(msg)
	}
}

// TestDefaultsDecode checks every registered default and example decodes
// as its field.
func TestDefaultsDecode(t *testing.T) {
	for _, msg := range schema.CheckDefaults(registry, reflect.TypeOf(Scenario{})) {
		t.Error(msg)
	}
}

func TestJSONSchema(t *testing.T) {
	var s map[string]any
	if err := json.Unmarshal(JSONSchema(), &s); err != nil {
		t.Fatal(err)
	}
	props := s["properties"].(map[string]any)
	for _, f := range registry.Fields() {
		if _, ok := props[f.Name()]; !ok {
			t.Errorf("schema lacks %s", f.Name())
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
