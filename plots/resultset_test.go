package plots_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/infersim/infersim/plots"
	"github.com/infersim/infersim/result"
)

// writeSealed writes a result set of summary.json alone, sealed, and
// returns its folder.
func writeSealed(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	f, err := os.Create(filepath.Join(dir, plots.SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := result.WriteRunJSON(f, exampleRun(exampleSummaries())); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := result.SealDir(dir, result.Manifest{RunID: "test", Complete: true}, nil); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestReadResultsOnlyManifestFiles (issue 18, finding 1): files the
// manifest does not name (an earlier run's requests.csv and trace.json)
// are not read: no CDF or timeline from old data.
func TestReadResultsOnlyManifestFiles(t *testing.T) {
	dir := writeSealed(t)
	writeFile(t, filepath.Join(dir, plots.TraceFile), func(w io.Writer) error { return result.WriteTrace(w, exampleSpans()) })
	f, err := os.Create(filepath.Join(dir, plots.RequestsFile))
	if err != nil {
		t.Fatal(err)
	}
	rw, err := result.NewRecordWriter(f)
	if err != nil {
		t.Fatal(err)
	}
	recs := exampleRecords()
	for i := range recs {
		rw.Write(&recs[i])
	}
	rw.Flush()
	f.Close()
	res, err := plots.ReadResults(dir)
	if err != nil {
		t.Fatal(err)
	}
	if res.Records != nil || res.Spans != nil {
		t.Errorf("read files the manifest does not name: records %v, spans %d", res.Records != nil, len(res.Spans))
	}
	charts, err := plots.Draw(t.TempDir(), res.Run, res.Records, plots.Options{Spans: res.Spans, Formats: []plots.Format{plots.SVG}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range charts {
		if c.Kind == plots.KindCDF || c.Kind == plots.KindTimeline {
			t.Errorf("drew %s from a file the manifest does not name", c.Name)
		}
	}
}

// TestReadResultsRefusesMismatch: a folder whose files disagree with its
// manifest, or without one, is refused with an error that says so.
func TestReadResultsRefusesMismatch(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(dir string) error
		want   string
	}{
		{"changed", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, plots.SummaryFile), []byte("{}"), 0o644)
		}, "summary.json: 2 bytes, the manifest says"},
		{"missing", func(dir string) error { return os.Remove(filepath.Join(dir, plots.SummaryFile)) }, "summary.json: missing"},
		{"no manifest", func(dir string) error { return os.Remove(filepath.Join(dir, result.ManifestFile)) }, "no manifest.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeSealed(t)
			if err := tc.change(dir); err != nil {
				t.Fatal(err)
			}
			_, err := plots.ReadResults(dir)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
			var me *result.MismatchError
			if tc.name != "no manifest" && !errors.As(err, &me) {
				t.Errorf("%v is not a *result.MismatchError", err)
			}
		})
	}
}
