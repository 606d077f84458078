package yamlpos

import (
	"testing"

	"go.yaml.in/yaml/v3"
)

const doc = `format: x
models:
  - name: a
    layers:
      - {name: conv1, median_s: 1}
      - name: relu1
        median_s: -1
settings:
  threads: 2
`

func TestFieldLine(t *testing.T) {
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(doc), &root); err != nil {
		t.Fatal(err)
	}
	m := root.Content[0]
	for _, c := range []struct {
		path string
		want int
	}{
		{"", 1},
		{"format", 1},
		{"models[0].layers[1].median_s", 7},
		{"models[0].layers[0].median_s", 5},
		{"models[0].layers[1]", 6},
		{"models[0].layers[9].median_s", 4}, // index out of range: the list's key
		{"settings.reps", 8},                // absent: the nearest ancestor
		{"settings.threads", 9},
		{"nope", 1},
	} {
		if got := FieldLine(m, c.path); got != c.want {
			t.Errorf("FieldLine(%q) = %d, want %d", c.path, got, c.want)
		}
	}
}

func TestErrorLineAndMessage(t *testing.T) {
	var root yaml.Node
	err := yaml.Unmarshal([]byte("a: 1\nb: [2\nc: 3\n"), &root)
	if err == nil {
		t.Fatal("no syntax error")
	}
	if ErrorLine(err) == 0 || ErrorMessage(err) == "" || ErrorMessage(err)[:5] == "yaml:" {
		t.Errorf("syntax error %q: line %d, message %q", err, ErrorLine(err), ErrorMessage(err))
	}
	var v struct {
		A int `yaml:"a"`
		B int `yaml:"b"`
	}
	err = yaml.Unmarshal([]byte("a: x\nb: y\n"), &v)
	if err == nil {
		t.Fatal("no unmarshal error")
	}
	if got := ErrorLine(err); got != 1 {
		t.Errorf("ErrorLine(%q) = %d, want 1", err, got)
	}
	want := "cannot unmarshal !!str `x` into int\n  line 2: cannot unmarshal !!str `y` into int"
	if got := ErrorMessage(err); got != want {
		t.Errorf("ErrorMessage(%q) = %q, want %q", err, got, want)
	}
	if got := ErrorLine(errString("no line here")); got != 0 {
		t.Errorf("ErrorLine without a line = %d", got)
	}
}

type errString string

func (e errString) Error() string { return string(e) }
