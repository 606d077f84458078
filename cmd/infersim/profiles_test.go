package main

import (
	"strings"
	"testing"

	"github.com/infersim/infersim/devices/engine"
)

// The kernel profile the command tests fit against: the devices package's
// test copy of an "infersim calibrate" output, so the tests do not depend
// on the built-in default.
const testKernelProfile = "../../devices/testdata/processor-kernel-profile.yaml"

func TestProfilesList(t *testing.T) {
	out, _, err := execute(t, "profiles", "--kernel-profile", testKernelProfile)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{"PROFILE", "WORST FIT ERROR", "nexus5-caffe-cpu", "phone-cpu", "caffe-android-lib", "nexus5-cnndroid-gpu",
		"cnndroid", "cloud-cpu", "server-cpu", "cloud-gpu-k80", "roofline", "pixel4-tflite-cpu", "pixel4-tflite-gpu"} {
		if !strings.Contains(out, want) {
			t.Errorf("profiles lacks %q:\n%s", want, out)
		}
	}
	table, warnings, _ := strings.Cut(out, "\nwarnings (degenerate fits):\n")
	lines := strings.Split(strings.TrimSpace(table), "\n")
	if len(lines) != 1+len(engine.ProcessorNames()) {
		t.Errorf("want a header and %d profiles, got %d lines:\n%s", len(engine.ProcessorNames()), len(lines), out)
	}
	// Every shipped profile's degenerate-fit warnings are listed under the
	// table, one line each, prefixed by the profile.
	n := 0
	kp, err := readKernelProfile(testKernelProfile)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range engine.ProcessorNames() {
		p, err := engine.LoadProcessor(name, kp)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range p.Fit().Warnings {
			n++
			if !strings.Contains(warnings, name+": "+w) {
				t.Errorf("profiles lacks the warning %q of %s", w, name)
			}
		}
	}
	if got := strings.Count(strings.TrimSpace(warnings), "\n") + 1; n > 0 && got != n {
		t.Errorf("%d warning lines, want %d:\n%s", got, n, warnings)
	}
}

func TestProfilesShow(t *testing.T) {
	out, _, err := execute(t, "profiles", "show", "nexus5-cnndroid-gpu", "--kernel-profile", testKernelProfile)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{"PARAMETER", "conv", "free", "convert", "P1", "G7-load", "fit", "report", "G8",
		"per model on this processor", "alexnet", "unsupported (Concat", "preprocess"} {
		if !strings.Contains(out, want) {
			t.Errorf("profiles show lacks %q:\n%s", want, out)
		}
	}
	out, _, err = execute(t, "profiles", "show", "cloud-gpu-k80", "--kernel-profile", testKernelProfile)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{"efficiency", "overhead", "BATCH OF 8", "C-inception-gpu"} {
		if !strings.Contains(out, want) {
			t.Errorf("profiles show cloud-gpu-k80 lacks %q:\n%s", want, out)
		}
	}
}

func TestProfilesShowFile(t *testing.T) {
	out, _, err := execute(t, "profiles", "show", "../../devices/engine/processors/pixel4-tflite-cpu.yaml", "--kernel-profile", testKernelProfile)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{"P8-pixel4-mobilenet-cpu", "share 0.341 of mobilenet-v1", "warnings (degenerate fit):", "exactly determined"} {
		if !strings.Contains(out, want) {
			t.Errorf("show FILE lacks %q:\n%s", want, out)
		}
	}
}

func TestProfilesErrors(t *testing.T) {
	if _, _, err := execute(t, "profiles", "show", "no-such-profile", "--kernel-profile", testKernelProfile); err == nil || !strings.Contains(err.Error(), "no processor profile") {
		t.Errorf("unknown profile: %v", err)
	}
	if _, _, err := execute(t, "profiles", "--kernel-profile", "no-such-file.yaml"); err == nil {
		t.Error("missing kernel profile: want an error")
	}
	if _, _, err := execute(t, "profiles", "show"); err == nil {
		t.Error("show without a name: want an error")
	}
}
