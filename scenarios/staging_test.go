package scenarios

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/infersim/infersim/result"
)

func writeStaged(t *testing.T, set *ResultSet, files map[string]string) {
	t.Helper()
	for f, c := range files {
		p := filepath.Join(set.Staging, filepath.FromSlash(f))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestResultSetLifecycle(t *testing.T) {
	out := filepath.Join(t.TempDir(), "res")
	set, err := OpenResultSet(out, SetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// A second open of the same folder is refused while the first holds it.
	if _, err := OpenResultSet(out, SetOptions{}); !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "another infersim run is writing") {
		t.Errorf("second open: %v", err)
	}
	writeStaged(t, set, map[string]string{"summary.json": "a", "plots/x.svg": "b"})
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Error("the folder exists before the commit")
	}
	if err := set.Commit(&result.Run{Scenario: "s", Complete: true}); err != nil {
		t.Fatal(err)
	}
	set.Close()
	m, err := result.ReadManifestDir(out)
	if err != nil || !m.Complete || strings.Join(m.Names(), ",") != "plots/x.svg,summary.json" || m.RunID != set.RunID {
		t.Fatalf("manifest %+v, %v", m, err)
	}
	if _, err := os.Stat(filepath.Join(out, stagingMarker)); err == nil {
		t.Error("the staging marker is in the committed set")
	}

	// An incomplete run keeps the complete result.
	set2, err := OpenResultSet(out, SetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if set2.Previous() == nil || set2.Previous().RunID != set.RunID {
		t.Errorf("Previous %+v", set2.Previous())
	}
	writeStaged(t, set2, map[string]string{"summary.json": "partial"})
	if err := set2.Commit(&result.Run{Scenario: "s"}); !errors.Is(err, ErrKeptPrevious) {
		t.Errorf("incomplete commit: %v", err)
	}
	set2.Close()
	if m2, _ := result.ReadManifestDir(out); m2 == nil || m2.RunID != set.RunID || m2.Verify(out) != nil {
		t.Error("the complete result was not kept")
	}
	if s, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".res.*-*")); len(s) != 0 {
		t.Errorf("left %v", s)
	}

	// A complete run replaces it: the old files go, a file the user
	// added or changed stays, or is kept beside when the name is taken.
	os.WriteFile(filepath.Join(out, "notes.txt"), []byte("mine"), 0o644)
	os.WriteFile(filepath.Join(out, "plots", "x.svg"), []byte("edited"), 0o644)
	set3, err := OpenResultSet(out, SetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	writeStaged(t, set3, map[string]string{"summary.json": "new", "plots/x.svg": "new chart"})
	if err := set3.Commit(&result.Run{Scenario: "s", Complete: true}); err != nil {
		t.Fatal(err)
	}
	set3.Close()
	if b, _ := os.ReadFile(filepath.Join(out, "notes.txt")); string(b) != "mine" {
		t.Errorf("notes.txt %q", b)
	}
	kept := filepath.Join(filepath.Dir(out), "res.kept-"+set3.RunID)
	if b, _ := os.ReadFile(filepath.Join(kept, "plots", "x.svg")); string(b) != "edited" {
		t.Errorf("the edited chart was not kept in %s: %q", kept, b)
	}
	if len(set3.Notes) != 1 || !strings.Contains(set3.Notes[0], kept) {
		t.Errorf("notes %q", set3.Notes)
	}
}

// TestResultSetRecoversSwap: a run killed between moving the previous
// result aside and moving the new one in leaves no folder; the next run
// puts the previous one back.
func TestResultSetRecoversSwap(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "res")
	set, err := OpenResultSet(out, SetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	writeStaged(t, set, map[string]string{"summary.json": "a"})
	if err := set.Commit(&result.Run{Complete: true}); err != nil {
		t.Fatal(err)
	}
	set.Close()
	aside := filepath.Join(dir, ".res.old-20260101T000000Z-0000abcd")
	if err := os.Rename(out, aside); err != nil {
		t.Fatal(err)
	}
	set2, err := OpenResultSet(out, SetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer set2.Close()
	if set2.Previous() == nil || set2.Previous().RunID != set.RunID || len(set2.Notes) != 1 {
		t.Errorf("not restored: %+v %q", set2.Previous(), set2.Notes)
	}
}
