package scenarios

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"

	"github.com/infersim/infersim/devices"
	"github.com/infersim/infersim/result"
)

// Sustained load (issue 20): the scenario's thermal section, the per-world
// thermal series and summary, and the files they go to. With thermal
// disabled (the default) none of it runs: no phone gets a thermal model,
// no file is written, and every output is byte-identical to a run before
// the section existed.

// Thermal files, written into the output directory only when the
// scenario's thermal section is enabled.
// (formats: result.ThermalFile, result.ThermalSummaryFile).
const (
	ThermalFile        = result.ThermalFile
	ThermalSummaryFile = result.ThermalSummaryFile
)

// Thermal is the scenario's thermal section.
type Thermal struct {
	Enabled   bool    `yaml:"enabled"`
	Ambient   float64 `yaml:"ambient"`
	Enclosure string  `yaml:"enclosure"`
	Preset    string  `yaml:"preset"`
}

// thermalField registers the thermal section (fields.go).
func thermalField() *field {
	return obj("thermal", "Thermal", "Sustained load: the phone's heat, DVFS and thermal governor (devices/thermal). Off by default; a short scenario barely warms a phone, so leaving it off changes nothing that matters there.",
		fld("enabled", "Enabled", kBool, "Simulate the phone's temperatures, its governor's frequency cap, the compute slowdown and the power change; writes thermal.csv and thermal-summary.csv.", def("false")),
		fld("ambient", "Ambient", kFloat, "Ambient temperature, °C; the phone starts at it.", def("25"), checks(atLeast(-40), atMost(60)), example("35")),
		fld("enclosure", "Enclosure", kEnum, "Where the phone sits: free air, on a desk, in the hand, in a case, in a pocket (factor on the skin-to-ambient conductance: 1, 0.8, 1.2, 0.7, 0.35).",
			enum("free", "desk", "hand", "case", "pocket"), def("free")),
		fld("preset", "Preset", kText, "Thermal preset (RC network, operating points, governor) of devices/thermal/data/phones.yaml: nexus5 or pixel4; empty: the phone.device's.", example("nexus5")),
	)
}

// thermalOptions returns phone i's thermal options, nil when disabled; the
// samples go to the world's log.
func (w *world) thermalOptions(i int) *devices.ThermalOptions {
	th := w.pd.s.Thermal
	if !th.Enabled {
		return nil
	}
	if w.thermal == nil {
		w.thermal = &thermalLog{first: math.NaN(), start: math.NaN()}
	}
	log := w.thermal
	return &devices.ThermalOptions{Preset: th.Preset, Ambient: th.Ambient, Enclosure: th.Enclosure,
		OnSample: func(s *devices.ThermalSample) { log.sample(w, i, s) }}
}

// thermalLog is one world's thermal series (formatted rows) and the
// numbers of its summary row.
type thermalLog struct {
	rows  []byte
	nodes []string
	first float64 // first throttle over the world's phones, s (NaN: none)
	start float64 // first arrival, s
	// records by arrival time, for the minute-1 and last-minute means
	arr, lat, energy []float64
	lastFreq         []float64 // CPU MHz per second, phone 0
	lastTemps        []float64 // at the last sample, phone 0
	// latencies of the records closed since each phone's last sample
	latSum []float64
	latN   []int
}

func (l *thermalLog) sample(w *world, phone int, s *devices.ThermalSample) {
	if l.nodes == nil {
		l.nodes = w.phones[phone].ThermalNodes()
	}
	b := l.rows
	b = strconv.AppendInt(b, int64(phone), 10)
	b = append(b, ',')
	b = strconv.AppendFloat(b, s.T, 'f', 0, 64)
	for _, t := range s.Temps {
		b = append(b, ',')
		b = strconv.AppendFloat(b, t, 'f', 3, 64)
	}
	b = append(b, ',')
	b = strconv.AppendFloat(b, s.CPUFreq/1e6, 'f', 1, 64)
	b = append(b, ',')
	b = strconv.AppendFloat(b, s.GPUFreq/1e6, 'f', 1, 64)
	b = append(b, ',')
	b = strconv.AppendFloat(b, s.Throttled, 'f', 3, 64)
	b = append(b, ',')
	b = strconv.AppendFloat(b, s.Power, 'f', 4, 64)
	b = append(b, ',')
	if phone < len(l.latN) && l.latN[phone] > 0 {
		b = strconv.AppendFloat(b, l.latSum[phone]/float64(l.latN[phone]), 'f', 4, 64)
		l.latSum[phone], l.latN[phone] = 0, 0
	}
	b = append(b, '\n')
	l.rows = b
	if phone == 0 {
		l.lastFreq = append(l.lastFreq, s.CPUFreq/1e6)
		l.lastTemps = append(l.lastTemps[:0], s.Temps...)
	}
}

// record notes a finished request (ok outcomes only).
func (l *thermalLog) record(r *result.Record) {
	if r.Outcome != result.OK {
		return
	}
	if math.IsNaN(l.start) || r.Arrival < l.start {
		l.start = r.Arrival
	}
	for len(l.latN) <= r.Phone {
		l.latSum, l.latN = append(l.latSum, 0), append(l.latN, 0)
	}
	l.latSum[r.Phone] += r.Latency()
	l.latN[r.Phone]++
	l.arr = append(l.arr, r.Arrival)
	l.lat = append(l.lat, r.Latency())
	l.energy = append(l.energy, r.TotalEnergy())
}

// finish takes the phones' first throttle.
func (l *thermalLog) finish(phones []*devices.Phone) {
	for _, ph := range phones {
		if ft := ph.FirstThrottle(); !math.IsNaN(ft) && (math.IsNaN(l.first) || ft < l.first) {
			l.first = ft
		}
	}
}

// window returns the mean latency and energy of the requests arriving in
// [from, to) and their count.
func (l *thermalLog) window(from, to float64) (lat, en float64, n int) {
	for i, a := range l.arr {
		if a >= from && a < to {
			lat += l.lat[i]
			en += l.energy[i]
			n++
		}
	}
	if n == 0 {
		return math.NaN(), math.NaN(), 0
	}
	return lat / float64(n), en / float64(n), n
}

// thermalOut collects the worlds' thermal logs in task order and writes
// the two files at the end of the run.
type thermalOut struct {
	series, summary []byte
	nodes           []string
	params          []string
}

// add appends a world's rows (tasks arrive in order: the files do not
// depend on the number of workers).
func (o *thermalOut) add(pd *pointData, rep int, cell Cell, l *thermalLog) {
	if l == nil {
		return
	}
	if o.nodes == nil {
		o.nodes = l.nodes
	}
	prefix := strconv.Itoa(pd.index)
	for _, p := range pd.params {
		prefix += "," + csvField(p.Value)
	}
	prefix += "," + strconv.Itoa(rep) + "," + csvField(cell.Model) + "," + csvField(cell.Mode) + "," + cell.Image.String() + ","
	rows := l.rows
	for len(rows) > 0 {
		i := 0
		for i < len(rows) && rows[i] != '\n' {
			i++
		}
		o.series = append(o.series, prefix...)
		o.series = append(o.series, rows[:min(i+1, len(rows))]...)
		rows = rows[min(i+1, len(rows)):]
	}
	f := func(x float64, prec int) string {
		if math.IsNaN(x) {
			return ""
		}
		return strconv.FormatFloat(x, 'f', prec, 64)
	}
	first := math.NaN()
	if !math.IsNaN(l.first) && !math.IsNaN(l.start) {
		first = math.Max(0, l.first-l.start)
	}
	end := math.Inf(-1)
	for _, a := range l.arr {
		end = math.Max(end, a)
	}
	l1, e1, n1 := l.window(l.start, l.start+60)
	lN, eN, nN := l.window(end-60, math.Inf(1))
	freq := math.NaN()
	if k := len(l.lastFreq); k > 0 {
		from := max(0, k-60)
		freq = 0
		for _, x := range l.lastFreq[from:] {
			freq += x
		}
		freq /= float64(k - from)
	}
	row := prefix + f(first, 2) + "," + f(l1, 4) + "," + f(lN, 4) + "," + f(e1, 4) + "," + f(eN, 4) + "," +
		strconv.Itoa(n1) + "," + strconv.Itoa(nN) + "," + f(freq, 1)
	for i := range o.nodes {
		t := math.NaN()
		if i < len(l.lastTemps) {
			t = l.lastTemps[i]
		}
		row += "," + f(t, 2)
	}
	o.summary = append(o.summary, row+"\n"...)
}

func csvField(s string) string {
	for _, c := range s {
		if c == ',' || c == '"' || c == '\n' {
			return strconv.Quote(s)
		}
	}
	return s
}

// write writes thermal.csv and thermal-summary.csv into dir.
func (o *thermalOut) write(dir string) error {
	head := "point"
	for _, p := range o.params {
		head += "," + csvField(p)
	}
	head += ",replication,model,mode,image,"
	var nodes, ends string
	for _, n := range o.nodes {
		nodes += "," + n + "_c"
		ends += "," + n + "_c_end"
	}
	series := head + "phone,t_s" + nodes + ",cpu_mhz,gpu_mhz,throttled,power_w,latency_s\n"
	summary := head + "first_throttle_s,min1_latency_s,last_min_latency_s,min1_energy_j,last_min_energy_j,min1_requests,last_min_requests,last_min_cpu_mhz" + ends + "\n"
	for _, f := range []struct {
		name, head string
		body       []byte
	}{{ThermalFile, series, o.series}, {ThermalSummaryFile, summary, o.summary}} {
		err := writeAtomic(filepath.Join(dir, f.name), func(w io.Writer) error {
			if _, err := io.WriteString(w, f.head); err != nil {
				return err
			}
			_, err := w.Write(f.body)
			return err
		})
		if err != nil {
			return fmt.Errorf("scenarios: writing %s: %w", f.name, err)
		}
	}
	return nil
}
