package models

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

const goodProfile = `format: infersim-kernel-profile/1
host: {cpu: test, cores: 2, goos: linux, goarch: amd64, go: go1.26.8, gemm: avx512, vec: avx2, date: "2026-11-25", infersim: test}
settings: {threads: 1, warmup: 1, reps: 2}
gc: {cycles: 0, pause_total_s: 0}
models:
  - name: tiny
    input: [1, 3, 8, 8]
    params: 10
    weight_file_bytes: 100
    flops: 1000
    peak_activation_bytes: 2000
    forward_s: {threads_1: {median: 0.002, p10: 0.001, p90: 0.003}, threads_2: {median: 0.0015, p10: 0.001, p90: 0.002}}
    load: {bytes: 100, seconds: 0.01, mb_per_s: 0.01}
    layers:
      - {name: data, kind: Input, flops: 0, ops: 0, params: 0, param_bytes: 0, in_bytes: 0, out_bytes: 768, out_shape: [1, 3, 8, 8], median_s: 0, p10_s: 0, p90_s: 0, cv: 0, gflops: 0}
      - {name: conv, kind: Convolution, flops: 1000, ops: 0, params: 10, param_bytes: 40, in_bytes: 768, out_bytes: 768, out_shape: [1, 3, 8, 8], median_s: 0.001, p10_s: 0.0009, p90_s: 0.0012, cv: 0.1, gflops: 0.001}
preprocess:
  - {width: 960, height: 540, jpeg_bytes: 1000, decode_s: 0.01, resize_s: 0.01, total_s: 0.02, s_per_mpixel: 0.04}
`

func TestReadProfile(t *testing.T) {
	p, err := ReadProfile(strings.NewReader(goodProfile), "good.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := p.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if buf.String() != goodProfile {
		t.Errorf("Write does not reproduce the file:\n%s", buf.String())
	}
	cases := []struct{ name, from, to, want string }{
		{"format", "infersim-kernel-profile/1", "other/2", `bad.yaml:1: format: "other/2"`},
		{"negative time", "median_s: 0.001,", "median_s: -1,", "bad.yaml:16: models[0].layers[1].median_s: negative"},
		{"order", "p10: 0.001, p90: 0.003", "p10: 0.004, p90: 0.003", "bad.yaml:12: models[0].forward_s.threads_1: need p10"},
		{"unknown key", "params: 10\n", "params: 10\n    colour: red\n", "bad.yaml:9: field colour not found"},
		{"threads", "threads: 1,", "threads: 0,", "bad.yaml:3: settings.threads"},
		{"syntax", "models:", "models: [", "bad.yaml:"},
		{"duplicate", "preprocess:", "  - name: tiny\n    input: [1]\n    forward_s: {threads_1: {median: 1, p10: 1, p90: 1}}\n    layers: [{name: a, kind: b}]\npreprocess:", "models[1].name: model \"tiny\" listed twice"},
		{"jpeg", "jpeg_bytes: 1000", "jpeg_bytes: 0", "bad.yaml:18: preprocess[0].jpeg_bytes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			text := strings.Replace(goodProfile, c.from, c.to, 1)
			_, err := ReadProfile(strings.NewReader(text), "bad.yaml")
			var fe *FormatError
			if !errors.As(err, &fe) || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "models: bad.yaml") {
				t.Errorf("error %v, want FormatError containing %q", err, c.want)
			}
		})
	}
}

func TestDefaultProfile(t *testing.T) {
	p := DefaultProfile()
	if p.Format != ProfileFormat {
		t.Fatalf("format %q", p.Format)
	}
	for _, m := range p.Models {
		n, err := Zoo(m.Name)
		if err != nil {
			t.Errorf("default profile model %q: %v", m.Name, err)
			continue
		}
		if len(m.Layers) != len(n.Layers()) || m.FLOPs != n.FLOPs() {
			t.Errorf("%s: %d layers / %d FLOPs, the zoo has %d / %d", m.Name, len(m.Layers), m.FLOPs, len(n.Layers()), n.FLOPs())
		}
		for i, l := range n.Layers() {
			if i < len(m.Layers) && m.Layers[i].Name != l.Name {
				t.Errorf("%s: layer %d is %q, the zoo has %q", m.Name, i, m.Layers[i].Name, l.Name)
			}
		}
	}
}

// FuzzReadProfile: any input gives a profile or an error, never a panic,
// and a profile that is read writes back to something that reads equal.
func FuzzReadProfile(f *testing.F) {
	f.Add(goodProfile)
	f.Add("format: infersim-kernel-profile/1\nsettings: {threads: 1, reps: 1}\n")
	f.Add("")
	f.Add("models: [{name: x, layers: [{}]}]")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ReadProfile(strings.NewReader(s), "fuzz.yaml")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "models: ") {
				t.Fatalf("error without prefix: %v", err)
			}
			return
		}
		var a, b bytes.Buffer
		if err := p.Write(&a); err != nil {
			t.Fatal(err)
		}
		q, err := ReadProfile(bytes.NewReader(a.Bytes()), "again.yaml")
		if err != nil {
			t.Fatalf("written profile does not read back: %v\n%s", err, a.String())
		}
		q.Write(&b)
		if a.String() != b.String() {
			t.Fatalf("not stable:\n%s\nvs\n%s", a.String(), b.String())
		}
	})
}
