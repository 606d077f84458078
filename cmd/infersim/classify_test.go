package main

import (
	"fmt"
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

// TestClassifyLabels names the classes from a synset_words.txt-style file
// and refuses files that do not match the model's classes.
func TestClassifyLabels(t *testing.T) {
	dir := t.TempDir()
	data, err := models.SyntheticJPEG(320, 240, 90, 1)
	if err != nil {
		t.Fatal(err)
	}
	img := filepath.Join(dir, "photo.jpg")
	if err := os.WriteFile(img, data, 0o644); err != nil {
		t.Fatal(err)
	}
	var words strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&words, "n%08d thing number %d, a test class\n", 1440764+i, i)
	}
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("synset_words.txt", words.String())
	out, _, err := execute(t, "classify", "--model", "squeezenet-v1.1", "--labels", good, img)
	if err != nil {
		t.Fatal(err)
	}
	// Each printed class carries its own name: "class  144 ... thing number 144, ...".
	lines := 0
	for _, l := range strings.Split(out, "\n") {
		var rank, idx int
		var p float64
		if _, err := fmt.Sscanf(l, "%d. class %d  p=%f", &rank, &idx, &p); err != nil {
			continue
		}
		lines++
		if want := fmt.Sprintf("thing number %d, a test class", idx); !strings.HasSuffix(l, "  "+want) {
			t.Errorf("line %q does not end in %q", l, want)
		}
	}
	if lines != 5 {
		t.Errorf("%d class lines:\n%s", lines, out)
	}
	for _, tc := range []struct{ name, content, want string }{
		{"short.txt", "n01440764 tench\nn01443537 goldfish\n", "2 class names, but squeezenet-v1.1 has 1000 classes"},
		{"gap.txt", "a\n\nb\n", "gap.txt:2: empty line"},
		{"empty.txt", "\n", "no class names"},
	} {
		_, _, err := execute(t, "classify", "--model", "squeezenet-v1.1", "--labels", write(tc.name, tc.content), img)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
}
