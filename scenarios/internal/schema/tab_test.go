package schema

import (
	"strings"
	"testing"
)

// TestTabIndentation checks that a file indented with a tab gets an error
// that names the tab and its line, not YAML's "cannot start any token".
func TestTabIndentation(t *testing.T) {
	_, err := ParseDocument([]byte("name: x\nphone:\n\tdevice: nexus5\n"), "tab.yaml", "")
	if err == nil || !strings.Contains(err.Error(), "tab.yaml:3") || !strings.Contains(err.Error(), "tabs are not allowed for indentation; use spaces") {
		t.Fatalf("err = %v", err)
	}
	// A tab inside a value of a valid document is not an error.
	if _, err := ParseDocument([]byte("name: \"a\\tb\"\n"), "ok.yaml", ""); err != nil {
		t.Fatalf("valid document: %v", err)
	}
}
