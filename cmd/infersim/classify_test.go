package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/infersim/infersim/models"
)

// TestClassify classifies a generated JPEG end to end with random weights.
func TestClassify(t *testing.T) {
	data, err := models.SyntheticJPEG(320, 240, 90, 1)
	if err != nil {
		t.Fatal(err)
	}
	img := filepath.Join(t.TempDir(), "photo.jpg")
	if err := os.WriteFile(img, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err := execute(t, "classify", "--model", "squeezenet-v1.1", img)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "meaningless") || strings.Count(out, "class ") != 5 {
		t.Errorf("classify output:\n%s", out)
	}
	if _, _, err := execute(t, "classify", "--model", "squeezenet-v1.1", filepath.Join(t.TempDir(), "missing.jpg")); err == nil {
		t.Error("missing image: no error")
	}
}
