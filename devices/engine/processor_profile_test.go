package engine

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/infersim/infersim/models"
)

const goodProfile = `name: good
description: a valid profile
target: phone-cpu
framework: {name: f, cores_busy: 4}
model: scaled
scaled:
  factors:
    conv:
      free: true
    fc:
      bandwidth: 6.4GB/s
      reason: memory-bound
  overhead:
    value: 0s
    reason: none
rows:
  - {fact: P6-openblas, model: alexnet, quantity: compute, role: fit}
`

// Bad profiles get errors naming the file, the line and the field.
func TestReadProcessorProfileErrors(t *testing.T) {
	tests := []struct {
		name, old, new string
		line           int
		field, msg     string
	}{
		{"unknown field", "  overhead:\n    value: 0s", "  overhead:\n    valeu: 0s", 14, "", "valeu"},
		{"bare number for a duration", "    value: 0s\n", "    value: 5\n", 14, "scaled.overhead.value", "unit"},
		{"bare number for a bandwidth", "bandwidth: 6.4GB/s", "bandwidth: 6.4", 11, "scaled.factors.fc.bandwidth", "unit"},
		{"unknown fact", "fact: P6-openblas", "fact: P6-openblass", 17, "rows[0].fact", `unknown fact "P6-openblass"`},
		{"unknown class", "    fc:\n", "    fully:\n", 10, "scaled.factors.fully", "unknown class"},
		{"negative factor", "    conv:\n      free: true", "    conv:\n      value: \"-2\"\n      reason: x", 9, "scaled.factors.conv.value", "positive"},
		{"fixed without a reason", "    reason: none\n", "\n", 13, "scaled.overhead.reason", "reason"},
		{"unknown target", "target: phone-cpu", "target: toaster", 3, "target", "toaster"},
		{"unknown role", "role: fit", "role: fitted", 17, "rows[0].role", "fitted"},
		{"tie to unknown class", "      bandwidth: 6.4GB/s", "      tie: gpu\n      ratio: 1", 11, "scaled.factors.fc.tie", "unknown class"},
		{"share without tie", "      bandwidth: 6.4GB/s", "      value: \"1\"\n      share: {model: mobilenet-v1, fact: P9-tflite-dw-share-cpu}", 12, "scaled.factors.fc.share", "share goes with tie"},
		{"share with a ratio", "      bandwidth: 6.4GB/s", "      tie: conv\n      ratio: 2\n      share: {model: mobilenet-v1, fact: P9-tflite-dw-share-cpu}", 13, "scaled.factors.fc.share", "no ratio"},
		{"share of a time", "      bandwidth: 6.4GB/s", "      tie: conv\n      share: {model: mobilenet-v1, fact: P1}", 12, "scaled.factors.fc.share.fact", "not a fraction"},
		{"prior on a fixed factor", "      bandwidth: 6.4GB/s", "      value: \"1\"\n      prior: {tie: conv, ratio: 1, reason: r}", 12, "scaled.factors.fc.prior", "only a free class factor"},
		{"prior without a reason", "      bandwidth: 6.4GB/s", "      free: true\n      prior: {tie: conv, ratio: 0.5}", 12, "scaled.factors.fc.prior.reason", "reason"},
		{"prior on conv", "    conv:\n      free: true", "    conv:\n      free: true\n      prior: {tie: fc, ratio: 0.5, reason: r}", 10, "scaled.factors.conv.prior", "other than conv"},
		{"not YAML", "name: good", "name: [good", 1, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			y := strings.Replace(goodProfile, tc.old, tc.new, 1)
			if y == goodProfile {
				t.Fatalf("test case does not change the profile")
			}
			_, err := ReadProcessorProfile(strings.NewReader(y), "bad.yaml")
			var pe *ProfileError
			if !errors.As(err, &pe) {
				t.Fatalf("got %v, want a *ProfileError", err)
			}
			if pe.File != "bad.yaml" || pe.Line != tc.line || pe.Field != tc.field || !strings.Contains(pe.Msg, tc.msg) {
				t.Errorf("got %q (line %d, field %q), want line %d, field %q, message containing %q", err, pe.Line, pe.Field, tc.line, tc.field, tc.msg)
			}
			if !strings.HasPrefix(err.Error(), "devices: bad.yaml:") {
				t.Errorf("error %q lacks the devices: file:line prefix", err)
			}
		})
	}
	if _, err := ReadProcessorProfile(strings.NewReader(goodProfile), "good.yaml"); err != nil {
		t.Errorf("the good profile: %v", err)
	}
}

// The shipped YAML files read back through the public reader.
func TestShippedProfileFilesRead(t *testing.T) {
	files, _ := filepath.Glob("processors/*.yaml")
	if len(files) < 6 {
		t.Fatalf("only %d shipped profiles", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ReadProcessorProfile(strings.NewReader(string(b)), f); err != nil {
			t.Error(err)
		}
	}
}

// FuzzReadProcessorProfile: any input reads without panicking, and a
// profile that reads compiles (or fails) without panicking.
//
// Seeds are small: the fuzzer minimizes each new interesting input by
// trying to remove every span of its bytes, a cost quadratic in its size,
// so the shipped profiles (3–5 KB, most of it comments and reasons) as
// seeds kept it minimizing, a dozen executions in 45 s (issue 18). Each
// shipped profile is a seed without its comments and with its prose
// fields shortened (shortProfile).
func FuzzReadProcessorProfile(f *testing.F) {
	files, _ := filepath.Glob("processors/*.yaml")
	for _, file := range files {
		b, _ := os.ReadFile(file)
		f.Add(shortProfile(string(b)))
	}
	f.Add(goodProfile)
	f.Add("name: x\nmodel: roofline\nroofline: {peak: 1TFLOP/s, bandwidth: 1GB/s}\n")
	f.Add("- a\n- b\n")
	f.Add("")
	kp := synthKP(map[string][]models.ProfileLayer{
		"alexnet": {layer("c", "Convolution", 0.01, 0.1), layer("p", "Pooling", 0.001, 0.1), layer("f", "InnerProduct", 0.002, 0.1)},
	})
	f.Fuzz(func(t *testing.T, s string) {
		pp, err := ReadProcessorProfile(strings.NewReader(s), "fuzz.yaml")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "devices: ") {
				t.Errorf("error without the package prefix: %v", err)
			}
			return
		}
		pp.Compile(kp)
	})
}

// shortProfile returns a profile's YAML without comments and blank lines,
// and with each reason, source, description and note value (folded blocks
// included) replaced by "x".
func shortProfile(src string) string {
	var b strings.Builder
	skip := -1 // indentation of a folded prose field whose lines are dropped
	for _, line := range strings.Split(src, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		indent := len(line) - len(strings.TrimLeft(line, " "))
		if skip >= 0 {
			if indent > skip {
				continue
			}
			skip = -1
		}
		key, val, ok := strings.Cut(t, ":")
		switch key {
		case "reason", "source", "description", "note", "notes":
			if ok {
				if v := strings.TrimSpace(val); strings.HasPrefix(v, ">") || strings.HasPrefix(v, "|") {
					skip = indent
				}
				line = line[:indent] + key + ": x"
			}
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}

// TestShortProfileSeeds checks that the fuzz seeds shortProfile makes from
// the shipped profiles are still valid profiles, so the fuzzer starts from
// inputs that reach Compile.
func TestShortProfileSeeds(t *testing.T) {
	files, _ := filepath.Glob("processors/*.yaml")
	for _, file := range files {
		b, _ := os.ReadFile(file)
		if _, err := ReadProcessorProfile(strings.NewReader(shortProfile(string(b))), file); err != nil {
			t.Errorf("%s shortened: %v", file, err)
		}
	}
}
