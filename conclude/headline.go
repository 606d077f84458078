package conclude

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/infersim/infersim/result"
)

// The study's headline (Guo, IC2E 2018, fact G5 in reference/facts.yaml):
// on-device inference costs "up to two orders of magnitude" the response
// time and the energy of cloud-based inference. StudyHeadline is its value,
// StudyLow and StudyHigh the range `infersim validate` accepts (the same
// order of magnitude); validation's tests check them against the facts.
const (
	StudyHeadline = 100.0
	StudyLow      = 30.0
	StudyHigh     = 300.0
)

// HeadlineDefinition says in one place which ratio the headline is. The
// validation report and README quote it; Headline computes it.
const HeadlineDefinition = "per request, not per session of 15 photos: for each model and photo size, the mean end-to-end " +
	"time (and, separately, the mean phone energy) of an on-device mode's cold requests (the first request after a fresh " +
	"app launch, model load included; the study's bottleneck finding G6 is about this request) over the same mean for a " +
	"cloud mode's warm requests (a cloud request loads nothing on the phone and the server keeps its models resident, " +
	"so cloud has no cold start); the headline is the largest ratio over models, photo sizes, on-device modes (CPU, GPU) " +
	"and cloud modes (CPU, GPU) (\"up to\"), time and energy each at its own largest group"

// HeadlineRatio is one side of the headline: the largest ratio and the
// group it comes from.
type HeadlineRatio struct {
	Ratio                    float64
	Model, Image             string
	OnDevice, Cloud          string  // the modes, e.g. "on-device-gpu", "cloud-gpu"
	Point                    int     // the point of both groups
	Num, Den                 float64 // the on-device and the cloud mean (seconds or joules)
	OnDeviceLoad             float64 // the on-device cold requests' mean load time, seconds
	CloudHandling, CloudWire float64 // the cloud requests' mean handling and network time, seconds
	// OnDeviceTime and CloudTime are the two groups' mean end-to-end
	// times, seconds (for the time side, Num and Den again): the energy
	// side's ratio is their ratio times the ratio of the groups' mean
	// powers (MissWhy).
	OnDeviceTime, CloudTime float64
	// OnDeviceEnergy and CloudEnergy are the two groups' mean joules per
	// request by component (result.CPU, GPU, Radio, Base).
	OnDeviceEnergy, CloudEnergy [result.NumComponents]float64
}

// Headline is the study's headline computed by HeadlineDefinition.
type Headline struct {
	Time, Energy HeadlineRatio
}

// ComputeHeadline computes the headline from a run's summaries; ok is
// false when the run has no on-device cold group and cloud warm group of
// the same model, photo size and point with successful requests.
func ComputeHeadline(sums []result.Summary) (h Headline, ok bool) {
	type key struct {
		point        int
		model, image string
	}
	onDev := map[key][]*result.Summary{}
	cloud := map[key][]*result.Summary{}
	var keys []key
	for i := range sums {
		s := &sums[i]
		k := key{s.Point, s.Model, s.Image}
		switch {
		case strings.HasPrefix(s.Mode, "on-device") && s.Start == result.Cold && s.Latency.N > 0:
			if onDev[k] == nil && cloud[k] == nil {
				keys = append(keys, k)
			}
			onDev[k] = append(onDev[k], s)
		case strings.HasPrefix(s.Mode, "cloud") && s.Start == result.Warm && s.Latency.N > 0:
			if onDev[k] == nil && cloud[k] == nil {
				keys = append(keys, k)
			}
			cloud[k] = append(cloud[k], s)
		}
	}
	h.Time.Ratio, h.Energy.Ratio = math.Inf(-1), math.Inf(-1)
	for _, k := range keys {
		for _, a := range onDev[k] {
			for _, b := range cloud[k] {
				for _, side := range []struct {
					r        *HeadlineRatio
					num, den float64
				}{{&h.Time, a.Latency.Mean, b.Latency.Mean}, {&h.Energy, a.EnergyTotal.Mean, b.EnergyTotal.Mean}} {
					if !(side.den > 0) {
						continue
					}
					if r := side.num / side.den; r > side.r.Ratio {
						*side.r = HeadlineRatio{Ratio: r, Model: k.model, Image: k.image, OnDevice: a.Mode, Cloud: b.Mode, Point: k.point,
							Num: side.num, Den: side.den, OnDeviceLoad: a.Phases[result.Load].Mean, CloudHandling: b.Phases[result.Handling].Mean,
							CloudWire:    b.Phases[result.Wake].Mean + b.Phases[result.Upload].Mean + b.Phases[result.Download].Mean,
							OnDeviceTime: a.Latency.Mean, CloudTime: b.Latency.Mean}
						for c := range result.NumComponents {
							side.r.OnDeviceEnergy[c], side.r.CloudEnergy[c] = a.Energy[c].Mean, b.Energy[c].Mean
						}
						ok = true
					}
				}
			}
		}
	}
	return h, ok && h.Energy.Ratio > math.Inf(-1)
}

// InStudyRange reports whether a headline ratio is inside the study's range.
func InStudyRange(r float64) bool { return r >= StudyLow && r <= StudyHigh }

// missText says by how much a ratio misses the study's range, "" if it
// does not.
func missText(r float64) string {
	switch m := missPct(r); {
	case r > StudyHigh:
		return fmt.Sprintf("%s above the study's %s×", m, sigFig(StudyHigh, 3))
	case r < StudyLow:
		return fmt.Sprintf("%s below the study's %s×", m, sigFig(StudyLow, 3))
	}
	return ""
}

func signedPct(x float64) string { return fmt.Sprintf("%+.0f %%", 100*x) }

// headline is the headline kind's evaluation: ComputeHeadline over the
// cells where keeps (the metric is not used: the headline is always time
// and energy). The sentence gives both ratios against the study's and says
// whether they miss its range; the table gives each ratio's group and
// means, the notes the definition and, when a ratio misses, why.
func (e *evaluator) headline(_ string, cells []*cellView) (*finding, error) {
	var sums []result.Summary
	for _, c := range cells {
		for _, g := range c.groups {
			sums = append(sums, *g)
		}
	}
	f := &finding{}
	h, ok := ComputeHeadline(sums)
	if !ok {
		f.say("study headline: no on-device cold and cloud warm requests of the same model and photo size to compare")
		return f, nil
	}
	t, en := h.Time, h.Energy
	head := fmt.Sprintf("study headline: on-device costs %s the time and %s the energy of cloud", ratioText(t.Ratio), ratioText(en.Ratio))
	rng := fmt.Sprintf("%s–%s×, the study's ≈%s×", sigFig(StudyLow, 3), sigFig(StudyHigh, 3), sigFig(StudyHeadline, 3))
	var miss []string
	if m := missPct(t.Ratio); m != "" {
		miss = append(miss, "time "+m)
	}
	if m := missPct(en.Ratio); m != "" {
		miss = append(miss, "energy "+m)
	}
	if len(miss) > 0 {
		f.say(head+"; OUTSIDE the study's range ("+rng+"): "+strings.Join(miss, ", "),
			head+"; OUTSIDE the study's range: "+strings.Join(miss, ", "))
	} else {
		f.say(head+", inside the study's range ("+rng+")", head+", inside the study's range")
	}
	f.cols = []string{"ratio", "largest group", "on-device (cold)", "cloud (warm)", "vs the study"}
	vs := func(r float64) string {
		if m := missText(r); m != "" {
			return m
		}
		return "inside " + sigFig(StudyLow, 3) + "–" + sigFig(StudyHigh, 3) + "×"
	}
	f.row("time "+ratioText(t.Ratio), fmt.Sprintf("%s %s vs %s at %s", t.Model, t.OnDevice, t.Cloud, t.Image),
		format(result.UnitSeconds, t.Num), format(result.UnitSeconds, t.Den), vs(t.Ratio))
	f.row("energy "+ratioText(en.Ratio), fmt.Sprintf("%s %s vs %s at %s", en.Model, en.OnDevice, en.Cloud, en.Image),
		format(result.UnitJoules, en.Num), format(result.UnitJoules, en.Den), vs(en.Ratio))
	f.notes = append(f.notes, "definition: "+HeadlineDefinition)
	for _, w := range h.missWhys() {
		f.notes = append(f.notes, WhyOutside+w)
	}
	return f, nil
}

// missPct says by how much a ratio misses the study's range, short:
// "+13 %" (above its top), "-20 %" (below its bottom); "" if it does not.
func missPct(r float64) string {
	switch {
	case r > StudyHigh:
		return signedPct(r/StudyHigh - 1)
	case r < StudyLow:
		return signedPct(r/StudyLow - 1)
	}
	return ""
}

// WhyOutside starts the headline's notes that say why a side misses the
// study's range; the run's first screen prints those notes.
const WhyOutside = "why OUTSIDE, "

// MissWhy says, for each side of the headline outside the study's range,
// by how much it misses and what the two requests are made of, so that a
// reader sees which measured number carries the miss; "" when both sides
// are in range.
func (h Headline) MissWhy() string { return strings.Join(h.missWhys(), "; ") }

// missWhys is MissWhy, one text per side outside the range.
func (h Headline) missWhys() []string {
	var out []string
	if t := h.Time; missText(t.Ratio) != "" {
		out = append(out, fmt.Sprintf("time %s: the on-device side is %s of model load in %s of the first request, "+
			"against a cloud request of %s (of which %s server request handling and %s network); the study's ≈100× would need a cloud request of about %s",
			missText(t.Ratio), format(result.UnitSeconds, t.OnDeviceLoad), format(result.UnitSeconds, t.Num),
			format(result.UnitSeconds, t.Den), format(result.UnitSeconds, t.CloudHandling), format(result.UnitSeconds, t.CloudWire),
			format(result.UnitSeconds, t.Num/StudyHeadline)))
	}
	if e := h.Energy; missText(e.Ratio) != "" {
		out = append(out, "energy "+missText(e.Ratio)+": "+e.energyWhy())
	}
	return out
}

// energyWhy explains an energy ratio: a request's energy is its mean power
// times its time, so the ratio is the two groups' time ratio times their
// mean-power ratio. It gives each group's mean power by component (each
// component's energy over the request's end-to-end time; the radio's
// includes the tail the request leaves) and what the nearer end of the
// study's range would need of either group alone, the other kept.
func (e HeadlineRatio) energyWhy() string {
	if !(e.OnDeviceTime > 0 && e.CloudTime > 0) {
		return "no time to split the ratio by"
	}
	bound, onNeed, clNeed := StudyHigh, "at most", "at least"
	if e.Ratio < StudyLow {
		bound, onNeed, clNeed = StudyLow, "at least", "at most"
	}
	pOn, pCl := e.Num/e.OnDeviceTime, e.Den/e.CloudTime
	load := ""
	if e.OnDeviceLoad > 0 {
		load = "; " + format(result.UnitSeconds, e.OnDeviceLoad) + " of it model load"
	}
	return fmt.Sprintf("this group's time ratio %s times its power ratio %s; the on-device first request draws %s for %s (%s%s), "+
		"the cloud request %s for %s (%s); inside the range needs the on-device request %s %s (%s) or the cloud request %s %s",
		ratioText(e.OnDeviceTime/e.CloudTime), ratioText(pOn/pCl),
		watts(pOn), format(result.UnitSeconds, e.OnDeviceTime), componentPowers(e.OnDeviceEnergy, e.OnDeviceTime), load,
		watts(pCl), format(result.UnitSeconds, e.CloudTime), componentPowers(e.CloudEnergy, e.CloudTime),
		onNeed, format(result.UnitJoules, bound*e.Den), watts(bound*e.Den/e.OnDeviceTime),
		clNeed, format(result.UnitJoules, e.Num/bound))
}

// componentNames label componentPowers' terms.
var componentNames = [result.NumComponents]string{result.CPU: "CPU", result.GPU: "GPU", result.Radio: "radio with its tail", result.Base: "screen and base"}

// componentPowers lists a request's mean power by component, largest
// first, leaving out those under 2 % of the total.
func componentPowers(en [result.NumComponents]float64, t float64) string {
	var total float64
	for _, x := range en {
		total += x
	}
	idx := make([]int, 0, len(en))
	for c, x := range en {
		if x > 0.02*total {
			idx = append(idx, c)
		}
	}
	sort.SliceStable(idx, func(i, j int) bool { return en[idx[i]] > en[idx[j]] })
	parts := make([]string, len(idx))
	for i, c := range idx {
		parts[i] = componentNames[c] + " " + watts(en[c]/t)
	}
	return strings.Join(parts, ", ")
}

// watts prints a power with three significant digits: "2.21 W", "697 mW".
func watts(p float64) string {
	if math.IsNaN(p) || math.IsInf(p, 0) {
		return "n/a"
	}
	if math.Abs(p) < 1 && p != 0 {
		return sigFig(p*1000, 3) + " mW"
	}
	return sigFig(p, 3) + " W"
}
