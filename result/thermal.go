package result

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// The thermal files of a run whose scenario enables the thermal model
// (issue 20), written by package scenarios.
const (
	// ThermalFile holds one row per phone per simulated second:
	//
	//	point, <swept params…>, replication, model, mode, image, phone, t_s,
	//	<node>_c…, cpu_mhz, gpu_mhz, throttled, cpu_online, power_w, latency_s
	//
	// node temperatures at the end of the second (°C), the mean frequency
	// a busy CPU and GPU ran at (the governor's cap), the share of the
	// second the CPU was throttled, the mean CPU cores online (hotplug;
	// files written before it have no cpu_online column), the phone's
	// mean power, and the mean
	// latency of the requests whose records closed in that second (empty
	// if none).
	ThermalFile = "thermal.csv"
	// ThermalSummaryFile holds one row per world: the time from the first
	// arrival to the first throttle, minute-1 and last-minute mean latency
	// and energy per request, and the end temperatures.
	ThermalSummaryFile = "thermal-summary.csv"
)

// ThermalRow is one row of thermal.csv.
type ThermalRow struct {
	Point       int
	Params      []string // the swept parameters' values, in header order
	Replication int
	Model, Mode string
	Image       string
	Phone       int
	T           float64   // end of the second, s
	Temps       []float64 // °C, in the file's node order
	CPUMHz      float64
	GPUMHz      float64
	Throttled   float64
	Online      float64 // CPU cores online, NaN in a file without the column
	Power       float64 // W
	Latency     float64 // s, NaN when no record closed in the second
}

// Thermal is a parsed thermal.csv.
type Thermal struct {
	Params []string // swept parameter paths
	Nodes  []string // node names (the <node>_c columns)
	Rows   []ThermalRow
}

// ReadThermal reads a thermal.csv written by package scenarios.
func ReadThermal(r io.Reader, filename string) (*Thermal, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("result: %s: %w", filename, err)
	}
	th := &Thermal{}
	idx := map[string]int{}
	for i, h := range head {
		idx[h] = i
	}
	rep, ok1 := idx["replication"]
	ts, ok2 := idx["t_s"]
	cpu, ok3 := idx["cpu_mhz"]
	online := ok3 && len(head) == cpu+6 && head[cpu+3] == "cpu_online"
	extra := 0
	if online {
		extra = 1
	}
	if !ok1 || !ok2 || !ok3 || head[0] != "point" || ts != rep+5 || cpu <= ts || len(head) != cpu+5+extra {
		return nil, fmt.Errorf("result: %s: not a thermal.csv header: %v", filename, head)
	}
	th.Params = append([]string(nil), head[1:rep]...)
	for _, h := range head[ts+1 : cpu] {
		n, ok := strings.CutSuffix(h, "_c")
		if !ok {
			return nil, fmt.Errorf("result: %s: column %q between t_s and cpu_mhz is not a node temperature", filename, h)
		}
		th.Nodes = append(th.Nodes, n)
	}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return th, nil
		}
		if err != nil {
			return nil, fmt.Errorf("result: %s: %w", filename, err)
		}
		var bad error
		num := func(s string) float64 {
			if s == "" {
				return math.NaN()
			}
			v, err := strconv.ParseFloat(s, 64)
			if err != nil && bad == nil {
				bad = err
			}
			return v
		}
		integer := func(s string) int {
			v, err := strconv.Atoi(s)
			if err != nil && bad == nil {
				bad = err
			}
			return v
		}
		row := ThermalRow{Point: integer(rec[0]), Params: append([]string(nil), rec[1:rep]...), Replication: integer(rec[rep]),
			Model: rec[rep+1], Mode: rec[rep+2], Image: rec[rep+3], Phone: integer(rec[rep+4]), T: num(rec[ts]),
			CPUMHz: num(rec[cpu]), GPUMHz: num(rec[cpu+1]), Throttled: num(rec[cpu+2]), Online: math.NaN(),
			Power: num(rec[cpu+3+extra]), Latency: num(rec[cpu+4+extra])}
		if online {
			row.Online = num(rec[cpu+3])
		}
		for _, s := range rec[ts+1 : cpu] {
			row.Temps = append(row.Temps, num(s))
		}
		if bad != nil {
			return nil, fmt.Errorf("result: %s: line %d: %w", filename, line, bad)
		}
		th.Rows = append(th.Rows, row)
	}
}
