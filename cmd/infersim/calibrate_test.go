package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/infersim/infersim/models"
)

func TestCalibrateCmd(t *testing.T) {
	out := filepath.Join(t.TempDir(), "host.yaml")
	_, stderr, err := execute(t, "calibrate", "--models", "squeezenet-v1.1", "--reps", "2", "--warmup", "1", "--no-load", "--no-preprocess", "--out", out)
	if err != nil {
		t.Fatal(err)
	}
	if stderr != "" {
		t.Errorf("progress printed to a non-terminal: %q", stderr)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := models.ReadProfile(f, out)
	if err != nil {
		t.Fatal(err)
	}
	if p.Model("squeezenet-v1.1") == nil || p.Settings.Reps != 2 {
		t.Errorf("profile: %+v", p.Settings)
	}
	if _, _, err := execute(t, "calibrate"); err == nil || !strings.Contains(err.Error(), "--out") {
		t.Errorf("calibrate without --out: %v", err)
	}
	// A failing run leaves nothing behind.
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if _, _, err := execute(t, "calibrate", "--models", "nonesuch", "--out", bad); err == nil {
		t.Error("unknown model: no error")
	}
	if _, _, err := execute(t, "calibrate", "--models", "alxenet", "--out", bad); err == nil || !strings.Contains(err.Error(), `--models: no zoo model "alxenet" (did you mean "alexnet"?)`) {
		t.Errorf("misspelt model: %v", err)
	}
	if _, err := os.Stat(bad); !os.IsNotExist(err) {
		t.Errorf("failed run left %s behind", bad)
	}
}
