package conclude

import (
	"fmt"
	"math"
	"strings"
)

// paramNoun words a swept path for sentences.
func paramNoun(path string) string {
	switch path {
	case "network.uplink.bandwidth":
		return "uplink"
	case "network.downlink.bandwidth":
		return "downlink"
	case "phone.count":
		return "phones"
	case "phone.memory.background_pressure":
		return "background pressure"
	case "phone.gc.pause_scale":
		return "GC pause scale"
	case "phone.gc.alloc_scale":
		return "GC allocation scale"
	case "phone.lifecycle.background_every":
		return "switching interval"
	case "workload.arrivals.think":
		return "think time"
	case "cloud.batching.max_batch":
		return "max batch"
	case "network.preset":
		return "network"
	case "phone.device":
		return "phone"
	case "workload.upload":
		return "upload"
	case "llm.prompt.tokens":
		return "prompt tokens"
	case "llm.output.tokens":
		return "answer tokens"
	}
	segs := strings.Split(path, ".")
	return strings.ReplaceAll(segs[len(segs)-1], "_", " ")
}

// xAxis formats values of a swept numeric parameter in the unit its
// labels are written in ("3.9 Mbps"), fractions as percentages.
type xAxis struct {
	path    string
	unit    string
	scale   float64
	pct     bool
	log     bool
	noun    string // after a value: "3.9 Mbps uplink", "830 phones"
	subject string // "as the uplink goes ...", "as the number of phones goes ..."
}

func newXAxis(path string, cells []*cellView, fraction func(string) bool) *xAxis {
	ax := &xAxis{path: path, scale: 1, noun: paramNoun(path), subject: "the " + paramNoun(path)}
	if path == "phone.count" {
		ax.subject = "the number of phones"
	}
	ax.pct = fraction != nil && fraction(path)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, c := range cells {
		p, ok := c.param(path)
		if !ok || !p.IsNumeric() {
			continue
		}
		lo, hi = math.Min(lo, p.Number), math.Max(hi, p.Number)
		if ax.unit == "" && !ax.pct {
			t := strings.TrimSpace(p.Value)
			i := numberLen(t)
			if i > 0 {
				var v float64
				if _, err := fmt.Sscanf(t[:i], "%g", &v); err == nil && v != 0 && p.Number != 0 {
					ax.unit = strings.TrimSpace(t[i:])
					ax.scale = p.Number / v
				}
			}
		}
	}
	ax.log = lo > 0 && hi/lo >= 10
	return ax
}

// value prints x: "3.9 Mbps", "48 %", "830".
func (ax *xAxis) value(x float64) string {
	if ax.pct {
		return sigFig(x*100, 2) + " %"
	}
	v := sigFig(x/ax.scale, 2)
	if math.Abs(x/ax.scale) >= 100 {
		v = sigFig(x/ax.scale, 3)
	}
	if ax.unit != "" {
		return v + " " + ax.unit
	}
	return v
}

// with prints x followed by the parameter's noun: "3.9 Mbps uplink".
func (ax *xAxis) with(x float64) string { return ax.value(x) + " " + ax.noun }

// short prints x without its unit when the unit follows: "10" of
// "between 10 and 100 Mbps".
func (ax *xAxis) short(x float64) string {
	a := ax.value(x)
	if ax.unit != "" {
		return strings.TrimSuffix(a, " "+ax.unit)
	}
	return strings.TrimSuffix(a, " %")
}

// rangeText prints "0.25–100 Mbps uplink".
func (ax *xAxis) rangeText(lo, hi float64) string {
	a, b := ax.value(lo), ax.value(hi)
	if ax.unit != "" && strings.HasSuffix(a, " "+ax.unit) {
		a = strings.TrimSuffix(a, " "+ax.unit)
	} else if ax.pct {
		a = strings.TrimSuffix(a, " %")
	}
	return a + "–" + b + " " + ax.noun
}

// series is one group's metric along the swept parameter.
type series struct {
	xs, ys []float64
}

// group is one clause's cells.
type group struct {
	label string
	cells []*cellView
	order int
	dims  []string          // the dimensions that tell groups apart
	vals  map[string]string // the group's value of each of dims
}

// varyingDims returns the dimensions of dims that take more than one value
// among cells and are not fixed by the ones before them: the dimensions
// that tell groups apart.
func varyingDims(cells []*cellView, dims []string) []string {
	vary := []string{}
	for _, d := range dims {
		seen := map[string]bool{}
		for _, c := range cells {
			seen[c.dim(d)] = true
		}
		if len(seen) > 1 && !dependsOn(cells, vary, d) {
			vary = append(vary, d)
		}
	}
	return vary
}

// groupCells splits cells into groups by every dimension in dims that
// varies among them.
func groupCells(cells []*cellView, dims []string) []*group {
	vary := varyingDims(cells, dims)
	byKey := map[string]*group{}
	var out []*group
	for _, c := range cells {
		var cellParts, paramParts, key []string
		for _, d := range vary {
			v := c.dim(d)
			key = append(key, v)
			switch d {
			case "model", "mode", "image":
				cellParts = append(cellParts, v)
			default:
				paramParts = append(paramParts, dimPhrase(d, v))
			}
		}
		k := strings.Join(key, "\x00")
		g := byKey[k]
		if g == nil {
			label := strings.Join(cellParts, " ")
			if len(paramParts) > 0 {
				if label != "" {
					label += ", "
				}
				label += strings.Join(paramParts, ", ")
			}
			g = &group{label: label, order: c.order, dims: vary, vals: map[string]string{}}
			for _, d := range vary {
				g.vals[d] = c.dim(d)
			}
			byKey[k] = g
			out = append(out, g)
		}
		g.cells = append(g.cells, c)
	}
	return out
}

// dependsOn reports whether dimension d's value follows from one of dims'
// among the cells (a zipped sweep's companion: phone.cpu follows
// phone.device), so that it neither splits groups nor repeats in labels.
func dependsOn(cells []*cellView, dims []string, d string) bool {
	for _, a := range dims {
		f := map[string]string{}
		dep := true
		for _, c := range cells {
			va, vd := c.dim(a), c.dim(d)
			if old, ok := f[va]; ok && old != vd {
				dep = false
				break
			}
			f[va] = vd
		}
		if dep {
			return true
		}
	}
	return false
}

// allDims lists a run's dimensions: model, mode, image and the swept
// parameters, in that order.
func allDims(cells []*cellView) []string {
	d := []string{"model", "mode", "image"}
	seen := map[string]bool{}
	for _, c := range cells {
		for _, p := range c.params {
			if cellParam(p.Name) {
				continue // the cell's own model, mode or image
			}
			if !seen[p.Name] {
				seen[p.Name] = true
				d = append(d, p.Name)
			}
		}
	}
	return d
}

// cellParam reports whether a swept path sets what a cell already names:
// its model, mode or image (sweeping models or workload.modes).
func cellParam(path string) bool {
	for _, p := range []string{"models", "workload.modes", "workload.images"} {
		if path == p || strings.HasPrefix(path, p+"[") || strings.HasPrefix(path, p+".") {
			return true
		}
	}
	return false
}

// without returns dims minus the dimensions in drop.
func without(dims []string, drop ...string) []string {
	var out []string
	for _, d := range dims {
		keep := true
		for _, x := range drop {
			keep = keep && d != x
		}
		if keep {
			out = append(out, d)
		}
	}
	return out
}

// numberLen is the length of the number a label such as "3.9Mbps" starts
// with.
func numberLen(s string) int {
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.' || s[i] == '-' || s[i] == '+') {
		i++
	}
	return i
}
