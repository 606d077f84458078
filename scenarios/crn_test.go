package scenarios

import (
	"bytes"
	"encoding/csv"
	"fmt"
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

// lteSweep is a small LTE sweep of the cloud against the phone over the
// uplink, the case of issue 13 (483/399/512 ms at 1/5.3/50 Mbps without
// common random numbers).
const lteSweep = `name: crn-lte
seed: 13
replications: 10
phone: {device: nexus5, cpu: nexus5-caffe-cpu}
network: {preset: lte}
models: [squeezenet-v1.0]
workload:
  modes: [on-device-cpu, cloud-gpu]
  upload: resized
  images: [{size: 1920x1080, count: 4}]
  arrivals: {type: closed, think: 1s}
sweep:
  seeds: SEEDS
  params:
    - {path: network.uplink.bandwidth, values: [1Mbps, 5.3Mbps, 50Mbps]}
`

// repMeans returns the mean latency of successful warm requests by
// point, mode and replication.
func repMeans(t *testing.T, dir string) map[[3]string]float64 {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(readFile(t, filepath.Join(dir, result.RequestsFile)))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	ix := func(name string) int { return slices.Index(rows[0], name) }
	pc, rc, mc, lc, oc, cc := ix("point"), ix("replication"), ix("mode"), ix("latency"), ix("outcome"), ix("cold")
	sum, n := map[[3]string]float64{}, map[[3]string]float64{}
	for _, r := range rows[1:] {
		if r[oc] != "ok" || r[cc] == "true" {
			continue
		}
		var x float64
		if _, err := fmt.Sscan(r[lc], &x); err != nil {
			t.Fatal(err)
		}
		k := [3]string{r[pc], r[mc], r[rc]}
		sum[k] += x
		n[k]++
	}
	for k := range sum {
		sum[k] /= n[k]
	}
	return sum
}

// TestCRNNarrowsPairedCI checks that with common random numbers the 95%
// CI of a difference between adjacent points (of the on-device − cloud
// latency difference, paired by replication) is narrower than with
// independent seeds, and that cloud latency falls with the uplink.
func TestCRNNarrowsPairedCI(t *testing.T) {
	points := []string{"0", "1", "2"}
	hw := map[string][]float64{}
	for _, seeds := range []string{"common", "independent"} {
		s := mustParse(t, strings.Replace(lteSweep, "SEEDS", seeds, 1))
		dir := t.TempDir()
		runIn(t, s, dir, 2)
		m := repMeans(t, dir)
		var cloud []string
		for k := 0; k < len(points); k++ {
			var c []float64
			for r := 0; r < s.Replications; r++ {
				c = append(c, m[[3]string{points[k], "cloud-gpu", fmt.Sprint(r)}])
			}
			mean, h := result.ConfidenceInterval(c, 0.95)
			cloud = append(cloud, fmt.Sprintf("%.0f±%.0f ms", 1000*mean, 1000*h))
			if k == 0 {
				continue
			}
			var d []float64
			for r := 0; r < s.Replications; r++ {
				rs := fmt.Sprint(r)
				diff := func(p string) float64 {
					return m[[3]string{p, "on-device-cpu", rs}] - m[[3]string{p, "cloud-gpu", rs}]
				}
				d = append(d, diff(points[k])-diff(points[k-1]))
			}
			_, h = result.ConfidenceInterval(d, 0.95)
			hw[seeds] = append(hw[seeds], h)
		}
		t.Logf("%s: cloud-gpu latency at 1/5.3/50 Mbps: %s; CI half-width of Δ(on-device − cloud) between adjacent points: %.1f ms, %.1f ms",
			seeds, strings.Join(cloud, ", "), 1000*hw[seeds][0], 1000*hw[seeds][1])
	}
	for i := range hw["common"] {
		if !(hw["common"][i] < hw["independent"][i]) {
			t.Errorf("step %d: paired CI half-width %v with CRN is not below %v without", i, hw["common"][i], hw["independent"][i])
		}
	}
}
