package result

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"testing"
)

// TestCSVBytesAreIntegers checks that byte counts in requests.csv and
// summary.csv are written as integers (issue 12: "2.24678e+06" lost the
// exact count and broke integer parsing), and that a fractional value keeps
// its digits.
func TestCSVBytesAreIntegers(t *testing.T) {
	r := Record{Model: "alexnet", Mode: "cloud-gpu", Image: "3840x2160", UpBytes: 2246780, DownBytes: 4000, End: 0.25}
	var buf bytes.Buffer
	rw, err := NewRecordWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if err := rw.Write(&r); err != nil {
		t.Fatal(err)
	}
	if err := rw.Flush(); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := func(name string) string {
		for i, h := range rows[0] {
			if h == name {
				return rows[1][i]
			}
		}
		t.Fatalf("no column %s in %v", name, rows[0])
		return ""
	}
	for name, want := range map[string]int64{"up_bytes": 2246780, "down_bytes": 4000} {
		got, err := strconv.ParseInt(col(name), 10, 64)
		if err != nil || got != want {
			t.Errorf("%s = %q (%v), want the integer %d", name, col(name), err, want)
		}
	}
	if got := col("end"); got != "0.25" {
		t.Errorf("end = %q, want 0.25", got)
	}
}
