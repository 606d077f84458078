package scenarios

import (
	"bytes"
	"encoding/csv"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/infersim/infersim/result"
)

// crnSweep sweeps the downlink, which on-device requests never use: with
// common random numbers the two points' records must be the same.
const crnSweep = `name: crn
seed: 11
replications: 2
models: [squeezenet-v1.0]
workload:
  modes: [on-device-cpu]
  images: [{size: 960x540, count: 5}]
  arrivals: {type: poisson, rate: 1/s}
sweep:
  seeds: SEEDS
  params:
    - {path: network.downlink.bandwidth, values: [1Mbps, 50Mbps]}
`

// pointRows returns requests.csv's rows by point, the point column removed.
func pointRows(t *testing.T, dir string) map[string][]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(readFile(t, filepath.Join(dir, result.RequestsFile)))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := slices.Index(rows[0], "point")
	if col < 0 {
		t.Fatalf("requests.csv has no point column: %v", rows[0])
	}
	by := map[string][]string{}
	for _, r := range rows[1:] {
		p := r[col]
		by[p] = append(by[p], strings.Join(slices.Delete(slices.Clone(r), col, col+1), ","))
	}
	return by
}

func TestCRNAcrossPoints(t *testing.T) {
	for _, tc := range []struct {
		seeds string
		same  bool
	}{{"common", true}, {"independent", false}} {
		s := mustParse(t, strings.Replace(crnSweep, "SEEDS", tc.seeds, 1))
		dir := t.TempDir()
		runIn(t, s, dir, 2)
		by := pointRows(t, dir)
		if len(by) != 2 || len(by["0"]) != 10 {
			t.Fatalf("%s: rows by point %v", tc.seeds, by)
		}
		if same := slices.Equal(by["0"], by["1"]); same != tc.same {
			t.Errorf("%s: records of the two points equal: %v, want %v\n%s\n%s", tc.seeds, same, tc.same,
				strings.Join(by["0"], "\n"), strings.Join(by["1"], "\n"))
		}
	}
}
