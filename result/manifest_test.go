package result

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestManifestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "plots"), 0o755)
	os.WriteFile(filepath.Join(dir, "summary.json"), []byte("{}\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "plots", "a.svg"), []byte("<svg/>"), 0o644)
	m, err := SealDir(dir, Manifest{RunID: "r1", Scenario: "s", Complete: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(m.Names(), ","); got != "plots/a.svg,summary.json" {
		t.Errorf("names %s", got)
	}
	back, err := ReadManifestDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if back.RunID != "r1" || !back.Complete || len(back.Files) != 2 || back.Files[1].Size != 3 {
		t.Errorf("read back %+v", back)
	}
	if err := back.Verify(dir); err != nil {
		t.Error(err)
	}
	if !back.Has("plots/a.svg") || back.Has("trace.json") || !back.Matches(dir, "summary.json") {
		t.Error("Has/Matches")
	}
	os.WriteFile(filepath.Join(dir, "summary.json"), []byte("{ }"), 0o644) // same size, other bytes
	os.Remove(filepath.Join(dir, "plots", "a.svg"))
	err = back.Verify(dir)
	var me *MismatchError
	if !errors.As(err, &me) || len(me.Problems) != 2 || !strings.Contains(err.Error(), "plots/a.svg: missing") || !strings.Contains(err.Error(), "summary.json: SHA-256 differs") {
		t.Errorf("Verify: %v", err)
	}
	if back.Matches(dir, "summary.json") {
		t.Error("Matches a changed file")
	}
	if _, err := ReadManifestDir(t.TempDir()); !errors.Is(err, ErrNoManifest) {
		t.Errorf("no manifest: %v", err)
	}
}

func TestReadManifestRefuses(t *testing.T) {
	h := strings.Repeat("a", 64)
	for _, tc := range []struct{ doc, want string }{
		{`{"format":"x","files":[]}`, "format"},
		{`{"format":"infersim-result-set/1","files":[{"path":"../etc/passwd","size":1,"sha256":"` + h + `"}]}`, "not a file inside"},
		{`{"format":"infersim-result-set/1","files":[{"path":"/abs","size":1,"sha256":"` + h + `"}]}`, "not a file inside"},
		{`{"format":"infersim-result-set/1","files":[{"path":"b","size":1,"sha256":"` + h + `"},{"path":"a","size":1,"sha256":"` + h + `"}]}`, "out of order"},
		{`{"format":"infersim-result-set/1","files":[{"path":"a","size":-1,"sha256":"` + h + `"}]}`, "size -1"},
		{`{"format":"infersim-result-set/1","files":[{"path":"a","size":1,"sha256":"xyz"}]}`, "64 hex"},
		{`{"format":"infersim-result-set/1","extra":1}`, "unknown field"},
	} {
		if _, err := ReadManifest(strings.NewReader(tc.doc), "m.json"); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.doc, err, tc.want)
		}
	}
	big := bytes.Repeat([]byte(" "), MaxManifestBytes+1)
	if _, err := ReadManifest(bytes.NewReader(big), "m.json"); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("big: %v", err)
	}
}

func FuzzReadManifest(f *testing.F) {
	var b bytes.Buffer
	WriteManifest(&b, &Manifest{Format: ManifestFormat, RunID: "r", Files: []FileEntry{{Path: "a/b.csv", Size: 3, SHA256: strings.Repeat("0", 64)}}})
	f.Add(b.Bytes())
	f.Add([]byte(`{"format":"infersim-result-set/1","files":[{"path":"..","size":0,"sha256":""}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ReadManifest(bytes.NewReader(data), "fuzz")
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := WriteManifest(&out, m); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadManifest(&out, "again"); err != nil {
			t.Fatalf("a manifest read back fails: %v", err)
		}
	})
}
