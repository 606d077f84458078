package plots

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
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

// ThermalChart draws a sustained-load run (thermal.csv) over minutes: the
// junction (soc) temperature, dashed the skin, on top; the mean latency
// of the requests that closed in each minute below. One line per mode and point (colour by mode, dash by
// point), replication 0 and phone 0 only.
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
	type key struct {
		point int
		mode  string
	}
	type acc struct {
		params       []string
		temp, skin   map[int]float64 // minute → last sample's °C
		latSum       map[int]float64
		latN         map[int]int
		lastMin      int
		modelsImages string
	}
	series := map[key]*acc{}
	var keys []key
	for _, r := range th.Rows {
		if r.Replication != 0 || r.Phone != 0 {
			continue
		}
		k := key{r.Point, r.Mode}
		a := series[k]
		if a == nil {
			a = &acc{params: r.Params, temp: map[int]float64{}, skin: map[int]float64{}, latSum: map[int]float64{}, latN: map[int]int{}}
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
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].point != keys[j].point {
			return keys[i].point < keys[j].point
		}
		return modeLess(keys[i].mode, keys[j].mode)
	})
	top := newPlot("", "", "temperature (°C)")
	bot := newPlot("", "minutes since the phone started (a warm start's model load first)", "mean latency (s)")
	bot.Y.Min = 0
	whole := plot.TickerFunc(func(lo, hi float64) []plot.Tick {
		ts := plot.DefaultTicks{}.Ticks(lo, hi)
		for i := range ts {
			if ts[i].Label != "" {
				ts[i].Label = fmtNum(ts[i].Value)
			}
		}
		return ts
	})
	top.Y.Tick.Marker, bot.Y.Tick.Marker = whole, whole
	top.Add(hgrid{})
	bot.Add(hgrid{})
	leg := newLegend()
	points := map[int]int{}
	for _, k := range keys {
		if _, ok := points[k.point]; !ok {
			points[k.point] = len(points)
		}
	}
	seenMode := map[string]bool{}
	for _, k := range keys {
		a := series[k]
		col := ModeColor(k.mode)
		dash := dashes[points[k.point]%len(dashes)]
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
		}{{top, tp, 1.5}, {top, sp, 0.75}, {bot, lp, 1.5}} {
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
		label := k.mode
		if len(a.params) > 0 {
			var ps []string
			for i, v := range a.params {
				name := ""
				if i < len(th.Params) {
					name = th.Params[i]
					if j := strings.LastIndex(name, "."); j >= 0 {
						name = name[j+1:]
					}
				}
				ps = append(ps, name+" "+v)
			}
			label += ", " + strings.Join(ps, ", ")
		}
		if !seenMode[label] {
			seenMode[label] = true
			leg.add(label, lineThumb{line: style})
		}
	}
	leg.add("thin: skin temperature", lineThumb{line: draw.LineStyle{Color: Grey, Width: vg.Points(0.75)}})
	body := func(c draw.Canvas) {
		ps := []*plot.Plot{top, bot}
		cs := splitHeights(c, []float64{1, 1})
		for i, p := range ps {
			fitLabel(p, cs[i]) // at column width the x label wraps instead of running off
		}
		alignX(ps, cs)
		for i, p := range ps {
			fitTicks(p, p.DataCanvas(cs[i]).Max.X-p.DataCanvas(cs[i]).Min.X)
			drawPlot(p, cs[i])
		}
	}
	return legendFigure("Sustained load: junction temperature and latency by minute", leg, body, 5*vg.Inch), nil
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
