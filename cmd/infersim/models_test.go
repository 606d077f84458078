package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestModelsList(t *testing.T) {
	out, _, err := execute(t, "models")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"alexnet", "60.97 M", "1.449", "nin", "squeezenet-v1.0", "squeezenet-v1.1", "mobilenet-v1", "243.9"} {
		if !strings.Contains(out, want) {
			t.Errorf("models output lacks %q:\n%s", want, out)
		}
	}
}

func TestModelsShow(t *testing.T) {
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"models", "show", "alexnet"}, []string{"conv1", "1×96×55×55", "fused into conv1", "fc6", "37752832", "peak activation"}},
		{[]string{"models", "show", "--split", "squeezenet-v1.1"}, []string{"pool1", "fire9/concat", "split:0 ", "split:4 ", "#3 pool1"}},
	}
	for _, c := range cases {
		out, _, err := execute(t, c.args...)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%v lacks %q:\n%s", c.args, w, out)
			}
		}
	}
	// A .prototxt path works too; a bad one names the file.
	dir := t.TempDir()
	good := filepath.Join(dir, "tiny.prototxt")
	os.WriteFile(good, []byte(`name: "tiny"
layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 3 dim: 8 dim: 8 } } }
layer { name: "c" type: "Convolution" bottom: "data" top: "c" convolution_param { num_output: 4 kernel_size: 3 } }
`), 0o644)
	out, _, err := execute(t, "models", "show", good)
	if err != nil || !strings.Contains(out, "1×4×6×6") {
		t.Errorf("show %s: %v\n%s", good, err, out)
	}
	bad := filepath.Join(dir, "bad.prototxt")
	os.WriteFile(bad, []byte(`layer { name: "data" type: "Nope" top: "data" }`), 0o644)
	if _, _, err := execute(t, "models", "show", bad); err == nil || !strings.Contains(err.Error(), "bad.prototxt") {
		t.Errorf("bad prototxt: error %v does not name the file", err)
	}
	// An unknown name gets a suggestion, or the list of names, never a Go
	// slice.
	for _, c := range []struct{ name, want string }{
		{"mobilnet", `no zoo model "mobilnet" (did you mean "mobilenet-v1"?)`},
		{"squeezenet", `(did you mean "squeezenet-v1.0"?)`},
		{"nonesuch", `no zoo model "nonesuch" (want one of alexnet, mobilenet-v1, nin, squeezenet-v1.0, squeezenet-v1.1)`},
	} {
		_, _, err := execute(t, "models", "show", c.name)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "[") {
			t.Errorf("models show %s: error %v, want %q and no Go slice", c.name, err, c.want)
		}
	}
}
