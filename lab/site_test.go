//go:build !js

package lab

import (
	"context"
	"strings"
	"testing"
)

// TestWriteSiteOutsideTheSource: the lab builds its simulator from the
// source tree, and says so when it is run elsewhere.
func TestWriteSiteOutsideTheSource(t *testing.T) {
	t.Chdir(t.TempDir())
	_, err := WriteSite(context.Background(), t.TempDir(), BuildOptions{})
	if err == nil || !strings.Contains(err.Error(), "inside a clone of "+modulePath) {
		t.Fatalf("error %v, want one saying to run it inside a clone", err)
	}
}

func TestModuleOf(t *testing.T) {
	for _, tc := range []struct{ gomod, want string }{
		{"module github.com/infersim/infersim\n\ngo 1.26\n", modulePath},
		{"// comment\nmodule \"example.com/x\"\n", "example.com/x"},
		{"go 1.26\n", ""},
	} {
		if got := moduleOf([]byte(tc.gomod)); got != tc.want {
			t.Errorf("%q: %q, want %q", tc.gomod, got, tc.want)
		}
	}
}

// TestSiteFiles: the page's files are embedded, and the page loads the
// scripts the site holds.
func TestSiteFiles(t *testing.T) {
	idx, err := SiteFile("index.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"lab.js", "lab.css"} {
		if !strings.Contains(string(idx), `"`+name+`"`) {
			t.Errorf("index.html does not load %s", name)
		}
	}
	w, err := SiteFile("worker.js")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(w), `importScripts("memfs.js", "`+WasmExecFile+`")`) {
		t.Errorf("worker.js does not load memfs.js before %s", WasmExecFile)
	}
	js, _ := SiteFile("lab.js")
	if !strings.Contains(string(js), `"`+WasmFile+`"`) {
		t.Errorf("lab.js does not fetch %s", WasmFile)
	}
	if _, err := SiteFile("nope.html"); err == nil {
		t.Error("no error for a file the site does not have")
	}
}
