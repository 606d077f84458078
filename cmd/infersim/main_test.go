package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// execute runs the command line args and returns stdout, stderr and the error.
func execute(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	root := newRootCmd(&stdout, &stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	return stdout.String(), stderr.String(), err
}

func TestVersion(t *testing.T) {
	out, _, err := execute(t, "version")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "infersim ") {
		t.Errorf("version printed %q", out)
	}
	out, _, err = execute(t, "version", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("version --json is not JSON: %v\n%s", err, out)
	}
	if v["release"] == "" {
		t.Errorf("version --json lacks release: %s", out)
	}
}

func TestHelpListsCommands(t *testing.T) {
	out, _, err := execute(t, "--help")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"version", "help"} {
		if !strings.Contains(out, want) {
			t.Errorf("--help lacks %q:\n%s", want, out)
		}
	}
}

func TestUnknownCommand(t *testing.T) {
	_, _, err := execute(t, "frobnicate")
	if err == nil || !strings.Contains(err.Error(), "unknown command") {
		t.Fatalf("got %v, want unknown command error", err)
	}
}
