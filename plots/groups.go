package plots

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/infersim/infersim/result"
)

// Mode families: the breakdown and energy charts can give each its own
// panel, and the sweep chart compares the best of one with the best of the
// other.
const (
	familyPhone = iota
	familySplit
	familyCloud
	familyOther
)

var familyTitles = []string{"On the phone", "Split between phone and cloud", "In the cloud", "Other modes"}

func family(mode string) int {
	switch {
	case strings.HasPrefix(mode, "on-device"):
		return familyPhone
	case strings.HasPrefix(mode, "split"):
		return familySplit
	case strings.HasPrefix(mode, "cloud"):
		return familyCloud
	}
	return familyOther
}

// startRank orders cold before warm before all.
func startRank(s result.Start) int {
	switch s {
	case result.Cold:
		return 0
	case result.Warm:
		return 1
	}
	return 2
}

// selectGroups returns the summaries a bar chart shows, in display order:
// by point, model (first appearance), mode (phone, split, cloud), image
// (first appearance), then cold, warm, all. When a group has cold or warm
// summaries its "all" summary is left out: the chart shows the two starts
// apart.
func selectGroups(sums []result.Summary) []*result.Summary {
	type gk struct {
		point              int
		model, mode, image string
	}
	split := map[gk]bool{}
	modelOrder, imageOrder := map[string]int{}, map[string]int{}
	for i := range sums {
		s := &sums[i]
		if s.Start != result.All {
			split[gk{s.Point, s.Model, s.Mode, s.Image}] = true
		}
		if _, ok := modelOrder[s.Model]; !ok {
			modelOrder[s.Model] = len(modelOrder)
		}
		if _, ok := imageOrder[s.Image]; !ok {
			imageOrder[s.Image] = len(imageOrder)
		}
	}
	var out []*result.Summary
	for i := range sums {
		s := &sums[i]
		if s.Start == result.All && split[gk{s.Point, s.Model, s.Mode, s.Image}] {
			continue
		}
		out = append(out, s)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		switch {
		case a.Point != b.Point:
			return a.Point < b.Point
		case a.Model != b.Model:
			return modelOrder[a.Model] < modelOrder[b.Model]
		case a.Mode != b.Mode:
			return modeLess(a.Mode, b.Mode)
		case a.Image != b.Image:
			return imageOrder[a.Image] < imageOrder[b.Image]
		}
		return startRank(a.Start) < startRank(b.Start)
	})
	return out
}

// groupLabeller builds row labels from the parts of the key that vary
// between the rows, e.g. "alexnet · on-device-gpu · cold". The mode is
// always shown, the model unless the chart gives each model a heading row
// (more than one model).
type groupLabeller struct {
	image, start bool
	noModel      bool     // the chart names the model in a heading row
	params       []string // swept parameters whose values vary
}

func newGroupLabeller(rows []*result.Summary) groupLabeller {
	var l groupLabeller
	images := map[string]bool{}
	values := map[string]map[string]bool{}
	var names []string
	for _, s := range rows {
		images[s.Image] = true
		if s.Start != result.All {
			l.start = true
		}
		for _, p := range s.Params {
			if values[p.Name] == nil {
				values[p.Name] = map[string]bool{}
				names = append(names, p.Name)
			}
			values[p.Name][p.Value] = true
		}
	}
	l.image = len(images) > 1
	l.noModel = headed(rows)
	for _, n := range names {
		if len(values[n]) > 1 && n != "workload.mode" && n != "workload.model" {
			l.params = append(l.params, n)
		}
	}
	return l
}

func (l groupLabeller) label(s *result.Summary) string {
	parts := []string{s.Model, s.ModeLabel()}
	if l.noModel {
		parts = parts[1:]
	}
	if l.image {
		parts = append(parts, s.Image)
	}
	for _, n := range l.params {
		for _, p := range s.Params {
			if p.Name == n {
				parts = append(parts, shortParam(n)+" "+p.Value)
			}
		}
	}
	if l.start {
		parts = append(parts, string(s.Start))
	}
	return strings.Join(parts, " · ")
}

// modeNames names each mode as legends show it: its label
// (result.ModeLabel) when every group of that mode agrees on it (split:24
// is "all on the phone" only if each model it cuts has 24 layers), else
// the mode itself.
type modeNames map[string]string

// add records one group of mode, of a model with layers layers
// (result.Summary.SplitLayers).
func (m modeNames) add(mode string, layers int) {
	l := result.ModeLabel(mode, layers)
	if old, ok := m[mode]; ok && old != l {
		l = mode
	}
	m[mode] = l
}

// name returns mode's label; a mode never added is its own name.
func (m modeNames) name(mode string) string {
	if l, ok := m[mode]; ok {
		return l
	}
	return mode
}

// summaryModeNames is the modeNames of summaries.
func summaryModeNames(sums []result.Summary) modeNames {
	m := modeNames{}
	for i := range sums {
		m.add(sums[i].Mode, sums[i].SplitLayers)
	}
	return m
}

// shortParam returns the last element of a dotted parameter name:
// "network.uplink.bandwidth" → "bandwidth".
func shortParam(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[i+1:]
	}
	return name
}

// describe names a summary in error messages.
func describe(i int, s *result.Summary) string {
	return fmt.Sprintf("summary %d (point %d, %s %s %s %s)", i, s.Point, s.Model, s.Mode, s.Image, s.Start)
}

// statMean returns a statistic's mean, treating a NaN mean over no samples
// (a phase that never occurred) as zero.
func statMean(st result.Stat) float64 {
	if st.N == 0 && math.IsNaN(st.Mean) {
		return 0
	}
	return st.Mean
}

// failureNote says why a group has no successful request, naming its most
// frequent outcome: "no successful request (unsupported)".
func failureNote(s *result.Summary) string {
	best, n := result.OK, 0
	for o, c := range s.Outcomes {
		if result.Outcome(o) != result.OK && c > n {
			best, n = result.Outcome(o), c
		}
	}
	if n == 0 {
		return "no requests"
	}
	return "no successful request (" + best.String() + ")"
}
