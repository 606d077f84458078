package validation

import (
	"math"
	"strings"
	"testing"

	"github.com/infersim/infersim/conclude"
	"github.com/infersim/infersim/reference"
	"github.com/infersim/infersim/scenarios"
)

// G5 is the study's headline by conclude.HeadlineDefinition: rows
// G5-time and G5-energy hold exactly conclude.ComputeHeadline's ratios of
// the guo2018 run, the run's first conclusion is that headline, the rows
// are held out (no parameter is set from G5), and conclude's study range
// is fact G5's. G5-time must be inside the study's range. G5-energy is
// not asserted inside: at this commit it misses by about +20 %. The time
// ratio is 245×, and the on-device side draws 1.47× the cloud request's
// mean power: the 88 s CNNdroid load keeps one core busy at the
// power_profile's cpu.active 1.47 W on top of the screen, while the cloud
// request's phone mostly waits. Issue 11 checked those powers against
// published sources and found none that supports a change
// (reference/research-notes.md §7). So the test requires instead that
// the first conclusion says so, with the miss and its why: the split into
// time ratio × power ratio, and what each side would need. Once
// G5-energy lands in range that branch is not taken.
func TestG5Headline(t *testing.T) {
	rep := quick(t)
	for _, id := range []string{"G5-time", "G5-energy"} {
		f := reference.MustLookup(id)
		if f.Value != conclude.StudyHeadline || f.Low != conclude.StudyLow || f.High != conclude.StudyHigh {
			t.Errorf("%s: fact %v [%v, %v], conclude %v [%v, %v]", id, f.Value, f.Low, f.High, conclude.StudyHeadline, conclude.StudyLow, conclude.StudyHigh)
		}
	}
	h, ok := conclude.ComputeHeadline(rep.Run.Summaries)
	if !ok {
		t.Fatal("no headline in the guo2018 run")
	}
	if len(rep.Run.Conclusions) == 0 || !strings.HasPrefix(rep.Run.Conclusions[0], "study headline: ") {
		t.Fatalf("first conclusion %q", rep.Run.Conclusions)
	}
	first := rep.Run.Conclusions[0]
	want := map[string]float64{"G5-time": h.Time.Ratio, "G5-energy": h.Energy.Ratio}
	seen := 0
	for _, r := range rep.Rows {
		w, ok := want[r.ID]
		if !ok {
			continue
		}
		seen++
		if r.Role != HeldOut {
			t.Errorf("%s: role %s, want held-out", r.ID, r.Role)
		}
		if math.Abs(r.Simulated-w) > 1e-9*w {
			t.Errorf("%s: row %v, headline %v", r.ID, r.Simulated, w)
		}
		if r.ID == "G5-time" && !conclude.InStudyRange(w) {
			t.Errorf("G5-time = %.0f× is outside the study's range [%v×, %v×]", w, conclude.StudyLow, conclude.StudyHigh)
		}
		if !conclude.InStudyRange(w) {
			what := map[string]string{"G5-time": "time", "G5-energy": "energy"}[r.ID]
			if !strings.Contains(first, "OUTSIDE the study's range") || !strings.Contains(first, what+" +") && !strings.Contains(first, what+" -") {
				t.Errorf("%s = %.0f× is outside [%v×, %v×] and the first conclusion does not say by how much: %q", r.ID, w, conclude.StudyLow, conclude.StudyHigh, first)
			}
			t.Logf("%s = %.0f× misses the study's range [%v×, %v×] (reported in the first conclusion)", r.ID, w, conclude.StudyLow, conclude.StudyHigh)
		}
	}
	if seen != 2 {
		t.Errorf("%d G5 rows", seen)
	}
	// The first screen of the run's table says by how much and why a side
	// misses, before any row of the table.
	var b strings.Builder
	if err := scenarios.WriteTable(&b, rep.Run); err != nil {
		t.Fatal(err)
	}
	top := strings.SplitN(b.String(), "\npoint 0", 2)[0]
	for _, side := range []struct {
		name string
		r    float64
	}{{"time", h.Time.Ratio}, {"energy", h.Energy.Ratio}} {
		if !conclude.InStudyRange(side.r) && !strings.Contains(top, "why OUTSIDE, "+side.name+" ") {
			t.Errorf("%s misses the study's range but the first screen gives no why:\n%s", side.name, top)
		}
	}
	if !conclude.InStudyRange(h.Energy.Ratio) {
		flat := strings.Join(strings.Fields(top), " ")
		for _, w := range []string{"times its power ratio", "inside the range needs the on-device request", "or the cloud request"} {
			if !strings.Contains(flat, w) {
				t.Errorf("G5-energy misses the range but the first screen's why lacks %q:\n%s", w, top)
			}
		}
	}
	if !strings.Contains(rep.Headline(), "study headline:") {
		t.Errorf("report headline %q", rep.Headline())
	}
}
