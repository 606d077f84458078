package scenarios

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/infersim/infersim/result"
)

// The server's request handling is a phase of its own: requests.csv has
// handling_start/_end/_s and summary.csv handling_mean, positive for cloud
// requests (the shipped server profiles handle requests) and zero for
// on-device ones.
func TestHandlingPhaseInFiles(t *testing.T) {
	dir := t.TempDir()
	runIn(t, mustParse(t, small), dir, 2)
	for _, x := range []struct{ file, col string }{
		{result.RequestsFile, "handling_s"},
		{result.SummaryCSVFile, "handling_mean"},
	} {
		f, err := os.Open(filepath.Join(dir, x.file))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		col, mode := slices.Index(rows[0], x.col), slices.Index(rows[0], "mode")
		if col < 0 || mode < 0 {
			t.Fatalf("%s: no %s or mode column in %v", x.file, x.col, rows[0])
		}
		var cloud, local int
		for _, r := range rows[1:] {
			v, _ := strconv.ParseFloat(r[col], 64)
			switch r[mode] {
			case "cloud-gpu":
				cloud++
				if !(v > 0.1 && v < 0.3) {
					t.Errorf("%s: cloud-gpu %s = %v, want the fitted ≈175 ms", x.file, x.col, v)
				}
			case "on-device-cpu":
				local++
				if v != 0 {
					t.Errorf("%s: on-device-cpu %s = %v, want 0", x.file, x.col, v)
				}
			}
		}
		if cloud == 0 || local == 0 {
			t.Errorf("%s: %d cloud and %d on-device rows", x.file, cloud, local)
		}
	}
}
