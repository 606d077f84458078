package plots

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/infersim/infersim/result"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// KindThermal is the sustained-load chart (ThermalChart), drawn when the
// run wrote thermal.csv.
const KindThermal Kind = "thermal"

// ThermalChart draws a sustained-load run (thermal.csv) over minutes, one
// column per phone when phone.device is swept (else one column): the
// junction (soc) temperature thick and the skin thin on top, the mean
// latency of the requests that closed in each minute below, each column
// on its own latency scale (a 2019 phone's milliseconds next to a 2013
// phone's seconds). Colour by mode, dash by the other swept parameters
// (the ambient); replication 0 and phone 0 only.
func ThermalChart(th *result.Thermal) (*Figure, error) {
	if th == nil || len(th.Rows) == 0 {
		return nil, empty("thermal: no rows")
	}
	soc, skin := -1, -1
	for i, n := range th.Nodes {
		switch n {
		case "soc":
			soc = i
		case "skin":
			skin = i
		}
	}
	if soc < 0 {
		return nil, errors.New("plots: thermal: no soc node")
	}
	// The column is the phone (phone.device); phone.cpu and phone.gpu go
	// with it. The variant (dash) is every other swept parameter.
	device := -1
	for i, p := range th.Params {
		if p == "phone.device" {
			device = i
		}
	}
	phoneParam := func(i int) bool {
		return device >= 0 && i < len(th.Params) && strings.HasPrefix(th.Params[i], "phone.")
	}
	type key struct {
		point int
		mode  string
	}
	type acc struct {
		column, variant string
		temp, skin      map[int]float64 // minute → last sample's °C
		latSum          map[int]float64
		latN            map[int]int
		lastMin         int
	}
	series := map[key]*acc{}
	var keys []key
	var columns, variants []string
	index := func(xs *[]string, x string) int {
		for i, y := range *xs {
			if y == x {
				return i
			}
		}
		*xs = append(*xs, x)
		return len(*xs) - 1
	}
	for _, r := range th.Rows {
		if r.Replication != 0 || r.Phone != 0 {
			continue
		}
		k := key{r.Point, r.Mode}
		a := series[k]
		if a == nil {
			a = &acc{temp: map[int]float64{}, skin: map[int]float64{}, latSum: map[int]float64{}, latN: map[int]int{}}
			if device >= 0 && device < len(r.Params) {
				a.column = "phone " + r.Params[device]
			}
			var vs []string
			for i, v := range r.Params {
				if phoneParam(i) || i >= len(th.Params) {
					continue
				}
				l := shortParam(th.Params[i]) + " " + v
				if th.Params[i] == "thermal.ambient" {
					l += " °C"
				}
				vs = append(vs, l)
			}
			a.variant = strings.Join(vs, ", ")
			index(&columns, a.column)
			index(&variants, a.variant)
			series[k] = a
			keys = append(keys, k)
		}
		m := int(math.Ceil(r.T/60 - 1e-9))
		a.temp[m] = r.Temps[soc]
		if skin >= 0 {
			a.skin[m] = r.Temps[skin]
		}
		if !math.IsNaN(r.Latency) {
			a.latSum[m] += r.Latency
			a.latN[m]++
		}
		a.lastMin = max(a.lastMin, m)
	}
	if len(keys) == 0 {
		return nil, empty("thermal: no rows of replication 0")
	}
	sort.SliceStable(keys, func(i, j int) bool {
		if keys[i].point != keys[j].point {
			return keys[i].point < keys[j].point
		}
		return modeLess(keys[i].mode, keys[j].mode)
	})
	whole := plot.TickerFunc(func(lo, hi float64) []plot.Tick {
		ts := plot.DefaultTicks{}.Ticks(lo, hi)
		for i := range ts {
			if ts[i].Label != "" {
				ts[i].Label = fmtNum(ts[i].Value)
			}
		}
		return ts
	})
	tops := make([]*plot.Plot, len(columns))
	bots := make([]*plot.Plot, len(columns))
	for i, c := range columns {
		ylab := func(s string) string {
			if i == 0 {
				return s
			}
			return ""
		}
		tops[i] = newPlot(c, "", ylab("temperature (°C)"))
		bots[i] = newPlot("", "minutes under load", ylab("mean latency (s)"))
		bots[i].Y.Min = 0
		tops[i].Y.Tick.Marker, bots[i].Y.Tick.Marker = whole, whole
		tops[i].Add(hgrid{})
		bots[i].Add(hgrid{})
	}
	leg := newLegend()
	var modes []string
	for _, k := range keys {
		a := series[k]
		col := ModeColor(k.mode)
		dash := dashes[index(&variants, a.variant)%len(dashes)]
		ci := index(&columns, a.column)
		var tp, sp, lp plotter.XYs
		for m := 1; m <= a.lastMin; m++ {
			if t, ok := a.temp[m]; ok {
				tp = append(tp, plotter.XY{X: float64(m), Y: t})
			}
			if t, ok := a.skin[m]; ok {
				sp = append(sp, plotter.XY{X: float64(m), Y: t})
			}
			if n := a.latN[m]; n > 0 {
				lp = append(lp, plotter.XY{X: float64(m), Y: a.latSum[m] / float64(n)})
			}
		}
		style := draw.LineStyle{Color: col, Width: vg.Points(1.5), Dashes: dash}
		for _, l := range []struct {
			p   *plot.Plot
			xys plotter.XYs
			w   vg.Length
		}{{tops[ci], tp, 1.5}, {tops[ci], sp, 0.6}, {bots[ci], lp, 1.5}} {
			if len(l.xys) == 0 {
				continue
			}
			line, err := plotter.NewLine(l.xys)
			if err != nil {
				return nil, fmt.Errorf("plots: thermal: %w", err)
			}
			line.LineStyle = style
			line.LineStyle.Width = vg.Points(float64(l.w))
			l.p.Add(line)
		}
		if !slices.Contains(modes, k.mode) {
			modes = append(modes, k.mode)
		}
	}
	// One temperature scale for every column, so the phones compare.
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range tops {
		lo, hi = math.Min(lo, p.Y.Min), math.Max(hi, p.Y.Max)
	}
	for _, p := range tops {
		p.Y.Min, p.Y.Max = lo, hi
	}
	for _, m := range modes {
		leg.add(m, lineThumb{line: draw.LineStyle{Color: ModeColor(m), Width: vg.Points(1.5)}})
	}
	if len(variants) > 1 || variants[0] != "" {
		for i, v := range variants {
			leg.add(v, lineThumb{line: draw.LineStyle{Color: Grey, Width: vg.Points(1.5), Dashes: dashes[i%len(dashes)]}})
		}
	}
	leg.add("thick: junction (soc); thin: skin", lineThumb{line: draw.LineStyle{Color: Grey, Width: vg.Points(0.6)}})
	body := func(c draw.Canvas) {
		weights := make([]float64, len(columns))
		for i := range weights {
			weights[i] = 1
		}
		cols := splitWidths(c, weights)
		var tc, bc []draw.Canvas
		for i := range columns {
			cs := splitHeights(cols[i], []float64{1, 1})
			fitLabel(bots[i], cs[1])
			alignX([]*plot.Plot{tops[i], bots[i]}, cs)
			tc, bc = append(tc, cs[0]), append(bc, cs[1])
		}
		alignY(tops, tc)
		alignY(bots, bc)
		for i := range columns {
			for _, x := range []struct {
				p *plot.Plot
				c draw.Canvas
			}{{tops[i], tc[i]}, {bots[i], bc[i]}} {
				fitTicks(x.p, x.p.DataCanvas(x.c).Max.X-x.p.DataCanvas(x.c).Min.X)
				drawPlot(x.p, x.c)
			}
		}
	}
	return legendFigure("Sustained load: temperature (top) and latency (bottom) by minute", leg, body, 5*vg.Inch), nil
}

// planThermal draws ThermalChart when the run's directory holds
// thermal.csv (a scenario with thermal enabled). It is a planner of Draw,
// appended to the others; with explicit kinds it is drawn only if asked
// for (`infersim plot --kind thermal`).
func planThermal(p *plan) error {
	if p.explicit && !p.want[KindThermal] {
		return nil
	}
	f, err := os.Open(filepath.Join(p.d.dir, result.ThermalFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("plots: %w", err)
	}
	defer f.Close()
	th, err := result.ReadThermal(f, result.ThermalFile)
	if err != nil {
		return err
	}
	fig, err := ThermalChart(th)
	if err != nil {
		if errors.Is(err, ErrEmpty) {
			return nil
		}
		return err
	}
	return p.d.write(KindThermal, "thermal", fig, "where the junction settles at its trip and how far each mode's latency moves from minute 1 to the last")
}

func init() { planners = append(planners, planThermal) }
