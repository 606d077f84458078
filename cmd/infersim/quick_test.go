package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestQuickWithoutSection checks that --quick on a scenario without a
// quick: section says so instead of silently running it at full size, and
// that a scenario with one says nothing.
func TestQuickWithoutSection(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "noquick.yaml")
	yaml := "name: noquick\nreplications: 1\nmodels: [squeezenet-v1.1]\nworkload:\n  modes: [cloud-gpu]\n  requests: 2\noutputs: {plots: false}\n"
	if err := os.WriteFile(file, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, err := execute(t, "run", file, "--quick", "--dry-run")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr, "noquick has no quick: section; --quick runs it at full size") {
		t.Errorf("stderr = %q", stderr)
	}
	_, stderr, err = execute(t, "run", "bandwidth-sweep", "--quick", "--dry-run")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stderr, "no quick: section") {
		t.Errorf("bandwidth-sweep has a quick section; stderr = %q", stderr)
	}
}
