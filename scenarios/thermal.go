package scenarios

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/infersim/infersim/conclude"
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
	Enabled   bool           `yaml:"enabled"`
	Ambient   float64        `yaml:"ambient"`
	Enclosure string         `yaml:"enclosure"`
	Preset    string         `yaml:"preset"`
	HeldOut   ThermalHeldOut `yaml:"held_out"`
}

// ThermalHeldOut is a held-out check the run itself carries: one group's
// throttling, r = minute-1 latency / last-minute latency (the throughput
// it keeps), against a published band written in the scenario before the
// run. The band [Low − SE·se, High + SE·se] widens by SE standard errors
// of r across the replications (se = sd/√n, 0 with one). Fact "" means
// no check.
type ThermalHeldOut struct {
	Fact    string  `yaml:"fact"`
	Device  string  `yaml:"device"`
	Mode    string  `yaml:"mode"`
	Ambient float64 `yaml:"ambient"`
	Low     float64 `yaml:"low"`
	High    float64 `yaml:"high"`
	SE      float64 `yaml:"se"`
	Source  string  `yaml:"source"`
}

// thermalField registers the thermal section (fields.go).
func thermalField() *field {
	return obj("thermal", "Thermal", "Sustained load: the phone's heat, DVFS and thermal governor (devices/thermal). Off by default; a short scenario barely warms a phone, so leaving it off changes nothing that matters there.",
		fld("enabled", "Enabled", kBool, "Simulate the phone's temperatures, its governor's frequency cap, the compute slowdown and the power change; writes thermal.csv and thermal-summary.csv.", def("false")),
		fld("ambient", "Ambient", kFloat, "Ambient temperature, °C; the phone starts at it.", def("25"), checks(atLeast(-40), atMost(60)), example("35")),
		fld("enclosure", "Enclosure", kEnum, "Where the phone sits: free air, on a desk, in the hand, in a case, in a pocket (factor on the skin-to-ambient conductance: 1, 0.8, 1.2, 0.7, 0.35).",
			enum("free", "desk", "hand", "case", "pocket"), def("free")),
		fld("preset", "Preset", kText, "Thermal preset (RC network, operating points, governor) of devices/thermal/data/phones.yaml: nexus5 or pixel4; empty: the phone.device's.", example("nexus5")),
		optionalObj("held_out", "HeldOut", "A held-out check the run carries: the throughput one group keeps in the last minute as a share of minute 1 (minute-1 latency / last-minute latency, mean over replications) against a published band, written before the run; the verdict is a conclusion. Omitted: no check.",
			fld("fact", "Fact", kText, "The reference fact the band comes from (reference/facts.yaml), printed with the verdict.", noSweep(), example("T-s855-whatif")),
			fld("device", "Device", kText, "The group's phone.device.", noSweep(), example("pixel4")),
			fld("mode", "Mode", kText, "The group's mode.", noSweep(), example("on-device-cpu")),
			fld("ambient", "Ambient", kFloat, "The group's thermal.ambient, °C.", noSweep(), def("25")),
			fld("low", "Low", kFloat, "Low end of the band, read-off uncertainty included.", noSweep(), checks(atLeast(0)), example("0.375")),
			fld("high", "High", kFloat, "High end of the band, read-off uncertainty included.", noSweep(), checks(atLeast(0)), example("0.875")),
			fld("se", "SE", kFloat, "Standard errors of the ratio across replications added to each end (the run-to-run spread).", noSweep(), def("2"), checks(atLeast(0))),
			fld("source", "Source", kText, "The published curve, in a few words.", noSweep(), example("AnandTech 2019, S855 phones, 3DMark physics sustained/peak")),
		),
	)
}

// checkHeldOut checks thermal.held_out when any of it is given: it needs
// the thermal model on, a fact, a group (device and mode) and a band with
// low ≤ high.
func (s *Scenario) checkHeldOut(c *collector) {
	h := s.Thermal.HeldOut
	if h.Fact == "" && h.Device == "" && h.Mode == "" && h.Low == 0 && h.High == 0 {
		return
	}
	const at = "thermal.held_out"
	if !s.Thermal.Enabled {
		s.errAt(c, at, "a held-out check needs thermal.enabled: true (nothing throttles without the thermal model)")
	}
	for _, f := range []struct{ name, v string }{{"fact", h.Fact}, {"device", h.Device}, {"mode", h.Mode}} {
		if f.v == "" {
			s.errAt(c, at+"."+f.name, "required: the check names its fact and its group (device and mode)")
		}
	}
	if !(h.High > 0) || h.Low > h.High {
		s.errAt(c, at, "the band needs 0 ≤ low ≤ high and high > 0 (got low %g, high %g)", h.Low, h.High)
	}
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
	b = strconv.AppendFloat(b, s.Online, 'f', 2, 64)
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
	cells           []*thermalCell  // in task order of first appearance
	check           *ThermalHeldOut // the scenario's held-out check, nil: none
}

// thermalCell averages one cell of one point over its replications, for
// the conclusions.
type thermalCell struct {
	point              int
	where              string // the point's params, "thermal.ambient 25"
	device             string // the point's phone.device
	ambient            float64
	model, mode, image string
	first              []float64 // per replication that throttled
	reps               int
	l1, lN, e1, eN     float64   // sums over replications
	kept               []float64 // per replication: minute-1 / last-minute latency
}

// add appends a world's rows (tasks arrive in order: the files do not
// depend on the number of workers).
func (o *thermalOut) add(pd *pointData, rep int, cell Cell, l *thermalLog) {
	if l == nil {
		return
	}
	if h := pd.s.Thermal.HeldOut; o.check == nil && h.Fact != "" {
		o.check = &h
	}
	if o.nodes == nil {
		o.nodes = l.nodes
	}
	prefix := strconv.Itoa(pd.index)
	for _, p := range pd.params {
		prefix += "," + csvField(p.Value)
	}
	prefix += "," + strconv.Itoa(rep) + "," + csvField(cell.Model) + "," + csvField(cell.Mode) + "," + cellImage(pd, cell) + ","
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
	o.cell(pd, cell).addRep(first, l1, lN, e1, eN)
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
	series := head + "phone,t_s" + nodes + ",cpu_mhz,gpu_mhz,throttled,cpu_online,power_w,latency_s\n"
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

// cell returns the conclusions' accumulator of a point's cell.
func (o *thermalOut) cell(pd *pointData, c Cell) *thermalCell {
	for _, tc := range o.cells {
		if tc.point == pd.index && tc.model == c.Model && tc.mode == c.Mode && tc.image == cellImage(pd, c) {
			return tc
		}
	}
	var w []string
	device := false
	for _, p := range pd.params {
		device = device || p.Name == "phone.device"
	}
	for _, p := range pd.params {
		// phone.cpu and phone.gpu follow the swept device (a zip sweep):
		// the device names the group. The device, the ambient and the
		// enclosure read by their values alone ("pixel4, 35 °C, pocket").
		switch {
		case device && (p.Name == "phone.cpu" || p.Name == "phone.gpu"):
		case p.Name == "phone.device" || p.Name == "thermal.enclosure":
			w = append(w, p.Value)
		case p.Name == "thermal.ambient":
			w = append(w, p.Value+" °C")
		default:
			w = append(w, p.Name+" "+p.Value)
		}
	}
	tc := &thermalCell{point: pd.index, where: strings.Join(w, ", "), device: pd.s.Phone.Device, ambient: pd.s.Thermal.Ambient,
		model: c.Model, mode: c.Mode, image: cellImage(pd, c)}
	o.cells = append(o.cells, tc)
	return tc
}

func (tc *thermalCell) addRep(first, l1, lN, e1, eN float64) {
	tc.reps++
	if !math.IsNaN(first) {
		tc.first = append(tc.first, first)
	}
	tc.l1 += l1
	tc.lN += lN
	tc.e1 += e1
	tc.eN += eN
	tc.kept = append(tc.kept, l1/lN)
}

// conclusions returns the sustained-load conclusions, each a short
// sentence with its table (the form of conclude's), a row per point and a
// column per cell (mode, with model and image when they vary): when the
// CPU's thermal cap first falls, then minute 1 against the last minute in
// mean latency and in energy per request (means over replications), then
// whether the modes' latency and energy rankings flip between the two.
// A point with more than four cells gets a row per cell instead, so that
// the tables stay narrow enough for a terminal.
func (o *thermalOut) conclusions() []result.Conclusion {
	if len(o.cells) == 0 {
		return nil
	}
	byPoint := map[int][]*thermalCell{}
	var points []int
	var names []string // cell names, in order of first appearance
	seen := map[string]bool{}
	for _, tc := range o.cells {
		if _, ok := byPoint[tc.point]; !ok {
			points = append(points, tc.point)
		}
		byPoint[tc.point] = append(byPoint[tc.point], tc)
		if n := tc.name(o.cells); !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	wide := len(names) <= 4
	// the three tables: first throttle, latency, energy per request
	cols := []string{"group"}
	if wide {
		cols = append([]string{"point"}, names...)
	}
	first := result.Conclusion{Kind: "sustained", Columns: cols}
	lat := result.Conclusion{Kind: "sustained", Columns: cols}
	en := result.Conclusion{Kind: "sustained", Columns: cols}
	if !wide {
		first.Columns = append(cols, "CPU cap first falls")
		lat.Columns = append(cols, "mean latency, minute 1 → last")
		en.Columns = append(cols, "energy per request, minute 1 → last")
	}
	var latR, enR, starts []float64
	never := 0
	for _, p := range points {
		cs := byPoint[p]
		where := cs[0].where
		if where == "" {
			where = "–"
		}
		fr, lr, er := []string{where}, []string{where}, []string{where}
		if wide {
			for range names {
				fr, lr, er = append(fr, "–"), append(lr, "–"), append(er, "–")
			}
		}
		for _, tc := range cs {
			n := float64(tc.reps)
			start := "never"
			if len(tc.first) > 0 {
				m := 0.0
				for _, x := range tc.first {
					m += x
				}
				m /= float64(len(tc.first))
				starts = append(starts, m)
				start = "after " + strconv.FormatFloat(m, 'f', 0, 64) + " s"
				if len(tc.first) < tc.reps {
					start += fmt.Sprintf(" (%d of %d runs)", len(tc.first), tc.reps)
				}
			} else {
				never++
			}
			latR, enR = append(latR, tc.lN/tc.l1), append(enR, tc.eN/tc.e1)
			l := span(result.UnitSeconds, tc.l1/n, tc.lN/n) + " " + change(tc.lN/tc.l1)
			e := span(result.UnitJoules, tc.e1/n, tc.eN/n) + " " + change(tc.eN/tc.e1)
			if !wide {
				g := tc.name(o.cells) + " at " + where
				first.Rows = append(first.Rows, []string{g, start})
				lat.Rows = append(lat.Rows, []string{g, l})
				en.Rows = append(en.Rows, []string{g, e})
				continue
			}
			k := 1
			for k < len(names) && names[k-1] != tc.name(o.cells) {
				k++
			}
			fr[k], lr[k], er[k] = start, l, e
		}
		if wide {
			first.Rows, lat.Rows, en.Rows = append(first.Rows, fr), append(lat.Rows, lr), append(en.Rows, er)
		}
	}
	switch {
	case len(starts) == 0:
		first.Sentence = "sustained load: the CPU's thermal cap never falls"
	default:
		lo, hi := minMax(starts)
		t := strconv.FormatFloat(lo, 'f', 0, 64)
		if hi > lo {
			t += "–" + strconv.FormatFloat(hi, 'f', 0, 64)
		}
		first.Sentence = "sustained load: the CPU's thermal cap first falls after " + t + " s"
		if never > 0 {
			first.Sentence += fmt.Sprintf(" (never in %d of %d groups)", never, len(o.cells))
		}
	}
	lat.Sentence = "sustained load, mean latency, minute 1 → last: " + changeRange(latR)
	en.Sentence = "sustained load, energy per request, minute 1 → last: " + changeRange(enR)
	rk := result.Conclusion{Kind: "sustained", Columns: []string{"point", "latency, minute 1 (→ last)", "energy per request, minute 1 (→ last)"}}
	flips, compared := 0, 0
	for _, p := range points {
		cs := byPoint[p]
		if len(cs) < 2 {
			continue
		}
		where := cs[0].where
		if where == "" {
			where = "–"
		}
		row := []string{where}
		for _, m := range []struct{ first, last func(*thermalCell) float64 }{
			{func(c *thermalCell) float64 { return c.l1 }, func(c *thermalCell) float64 { return c.lN }},
			{func(c *thermalCell) float64 { return c.e1 }, func(c *thermalCell) float64 { return c.eN }},
		} {
			a, b := rankModes(cs, m.first), rankModes(cs, m.last)
			compared++
			if a != b {
				flips++
				a += " → " + b
			}
			row = append(row, a)
		}
		rk.Rows = append(rk.Rows, row)
	}
	out := []result.Conclusion{first, lat, en}
	if compared > 0 {
		if flips == 0 {
			rk.Sentence = "sustained load: no ranking of the modes flips between minute 1 and the last minute"
		} else {
			rk.Sentence = fmt.Sprintf("sustained load: the ranking of the modes flips in %d of %d comparisons between minute 1 and the last minute", flips, compared)
		}
		out = append(out, rk)
	}
	if o.check != nil {
		out = append(out, o.heldOut())
	}
	return out
}

// heldOut is the verdict of the scenario's held-out check: the kept
// throughput r of the group it names (mean over replications) against
// its band widened by SE standard errors of r.
func (o *thermalOut) heldOut() result.Conclusion {
	h := o.check
	c := result.Conclusion{Kind: "sustained", Columns: []string{"group", "latency, minute 1 → last", "kept (r)", "tolerance", "published", "verdict"}}
	var tc *thermalCell
	for _, x := range o.cells {
		if x.device == h.Device && x.mode == h.Mode && x.ambient == h.Ambient {
			tc = x
			break
		}
	}
	at := fmt.Sprintf("%s %s at %s °C", h.Device, h.Mode, strconv.FormatFloat(h.Ambient, 'f', -1, 64))
	if tc == nil {
		c.Sentence = fmt.Sprintf("sustained load, held-out %s: no group is %s, nothing compared", h.Fact, at)
		return c
	}
	r, se := meanSE(tc.kept)
	lo, hi := h.Low-h.SE*se, h.High+h.SE*se
	verdict := "inside: pass"
	if math.IsNaN(r) || r < lo || r > hi {
		verdict = "outside: miss"
	}
	band := fmt.Sprintf("[%.3f, %.3f]", lo, hi)
	n := float64(tc.reps)
	c.Sentence = fmt.Sprintf("sustained load, held-out %s: %s keeps %.3f of its minute-1 throughput; tolerance %s, %s",
		h.Fact, at, r, band, verdict)
	tol := band
	if se > 0 {
		tol += fmt.Sprintf(" (± %g SE of %.3f)", h.SE, se)
	}
	c.Rows = [][]string{{at, span(result.UnitSeconds, tc.l1/n, tc.lN/n), fmt.Sprintf("%.3f", r), tol, h.Source, verdict}}
	return c
}

// meanSE returns the mean of xs and its standard error sd/√n (0 for one
// value).
func meanSE(xs []float64) (mean, se float64) {
	if len(xs) == 0 {
		return math.NaN(), 0
	}
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	if len(xs) < 2 {
		return mean, 0
	}
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss/float64(len(xs)-1)) / math.Sqrt(float64(len(xs)))
}

// changeRange writes ratios as a signed percentage or a range of them.
func changeRange(rs []float64) string {
	lo, hi := minMax(rs)
	if change(lo) == change(hi) {
		return change(lo)
	}
	return strings.TrimSuffix(change(lo), " %") + " to " + change(hi)
}

// minMax returns the smallest and largest of xs (NaNs skipped).
func minMax(xs []float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, x := range xs {
		if !math.IsNaN(x) {
			lo, hi = math.Min(lo, x), math.Max(hi, x)
		}
	}
	return lo, hi
}

// change writes a ratio as a signed percentage.
func change(r float64) string {
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return "n/a"
	}
	if math.Abs(r-1) < 0.005 {
		return "+0 %" // not "-0 %"
	}
	return fmt.Sprintf("%+.0f %%", (r-1)*100)
}

// rankModes orders a point's cells by v, lowest first, as "a < b < c"
// (each cell named by its mode, and its model and image when they vary).
func rankModes(cs []*thermalCell, v func(*thermalCell) float64) string {
	s := append([]*thermalCell(nil), cs...)
	sort.SliceStable(s, func(i, j int) bool { return v(s[i]) < v(s[j]) })
	var parts []string
	for _, c := range s {
		parts = append(parts, c.name(cs))
	}
	return strings.Join(parts, " < ")
}

// name is the cell's name among all: its mode, with its model and image
// when any cell's differ.
func (tc *thermalCell) name(all []*thermalCell) string {
	if anyDiffer(all) {
		return tc.model + " " + tc.image + " " + tc.mode
	}
	return tc.mode
}

// span writes a → b in unit u, the unit once when both ends share it
// ("1.82 → 2.79 s", "950 ms → 1.02 s").
func span(u result.Unit, a, b float64) string {
	fa, fb := conclude.Format(u, a), conclude.Format(u, b)
	if i, j := strings.LastIndexByte(fa, ' '), strings.LastIndexByte(fb, ' '); i > 0 && j > 0 && fa[i:] == fb[j:] {
		fa = fa[:i]
	}
	return fa + " → " + fb
}

// anyDiffer reports whether the cells differ in model or image.
func anyDiffer(cs []*thermalCell) bool {
	for _, c := range cs {
		if c.model != cs[0].model || c.image != cs[0].image {
			return true
		}
	}
	return false
}
