package scenarios

import (
	"bytes"
	"strings"
	"testing"
)

// TestEstimateDiskPerFormat: --dry-run's disk estimate names the file the
// run writes and sizes it at that format's measured bytes per row; with
// requests off there is no disk.
func TestEstimateDiskPerFormat(t *testing.T) {
	for _, tc := range []struct {
		name, src, file string
		row             float64
	}{
		{"csv", small, "requests.csv", RowBytes},
		{"parquet", withParquet(small), "requests.parquet", ParquetRowBytes},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := mustParse(t, tc.src).Estimate(1)
			if err != nil {
				t.Fatal(err)
			}
			if e.Requests <= 0 {
				t.Fatalf("%v requests estimated", e.Requests)
			}
			if e.DiskFile != tc.file || e.Disk != e.Requests*tc.row {
				t.Errorf("disk %s %.0f B, want %s %.0f B (%v requests × %v B)", e.DiskFile, e.Disk, tc.file, e.Requests*tc.row, e.Requests, tc.row)
			}
			var b bytes.Buffer
			if err := e.Write(&b); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(b.String(), tc.file+" ") {
				t.Errorf("estimate line %q does not name %s", b.String(), tc.file)
			}
		})
	}
	off := strings.Replace(withParquet(small), "format: parquet", "format: parquet, requests: false", 1)
	e, err := mustParse(t, off).Estimate(1)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	e.Write(&b)
	if e.Disk != 0 || !strings.Contains(b.String(), "requests.parquet off") {
		t.Errorf("requests off: disk %.0f, line %q", e.Disk, b.String())
	}
}
