package plots

import (
	"image/color"
	"math"

	"github.com/infersim/infersim/result"
)

// BreakdownOptions configures LatencyBreakdown.
type BreakdownOptions struct {
	// Title replaces the default title.
	Title string
	// Log draws each group's mean latency as a dot on a log axis, and its
	// phases in a second panel as 100 % stacked shares on a linear axis
	// (see LatencyBreakdown). Draw sets it when the means span more than
	// LogRatio.
	Log bool
	// Split draws one panel per mode family (on the phone, split, in the
	// cloud), each with its own linear axis, so that a 60 ms cloud request
	// and a 60 s cold on-device one are both readable and every segment
	// still reads off its axis. Ignored when Log is set.
	Split bool
}

// otherThreshold is the share of a group's mean latency left unexplained
// by its phases above which the chart shows an "other" segment: phases are
// means over the same requests, so they normally add up to the latency.
const otherThreshold = 0.01

// LatencyBreakdown draws where the time goes: one horizontal bar per model ×
// mode (× image, × point parameters when they vary), cold and warm starts
// apart (cold bars hatched), stacked by phase (load, preprocess, compute,
// gc, wake, upload, queue, server, download; only phases that occur), with
// the 95 % confidence interval of the mean end-to-end latency as an error
// bar and the mean written after the bar. Time the phases do not account for
// is an "other" segment.
//
// On a linear axis the phases stack end to end, so every edge reads off the
// axis. Stacking on a log axis is not honest — a segment's length there
// depends on where it starts, so the first phase would take most of the bar
// whatever its share — so with Log the chart answers its two questions in
// two panels on the same rows: the mean (with its CI) as a dot on a log
// axis, where only position carries meaning, and the phases as 100 %
// stacked shares on a linear axis, where every length is a share. Split is
// the alternative that keeps absolute linear axes, one per mode family.
// With more than one model, each model's rows sit under a heading naming
// it.
//
// A group with no successful request is a labelled empty row. It returns an
// error wrapping ErrEmpty for no summaries and a *NotFiniteError naming the
// field for a NaN or infinite mean.
func LatencyBreakdown(sums []result.Summary, opts BreakdownOptions) (*Figure, error) {
	if len(sums) == 0 {
		return nil, empty("latency breakdown: no summaries")
	}
	if err := checkBreakdown(sums); err != nil {
		return nil, err
	}
	groups, capNote := capGroups(selectGroups(sums), func(s *result.Summary) float64 { return s.Latency.Mean }, "slowest")
	lab := newGroupLabeller(groups)

	// Which phases occur, and is there unexplained time?
	var used []result.Phase
	for _, ph := range result.Phases() {
		for _, s := range groups {
			if s.OK() > 0 && statMean(s.Phases[ph]) > 0 {
				used = append(used, ph)
				break
			}
		}
	}
	other := false
	rows := make([]barRow, len(groups))
	for i, s := range groups {
		r := barRow{label: lab.label(s), ci: s.Latency.CI95, lo: math.NaN(), hatch: s.Start == result.Cold}
		if s.OK() == 0 {
			r.note = failureNote(s)
			rows[i] = r
			continue
		}
		sum := 0.0
		for _, ph := range used {
			v := statMean(s.Phases[ph])
			r.segs = append(r.segs, v)
			sum += v
		}
		rest := s.Latency.Mean - sum
		if rest > otherThreshold*s.Latency.Mean {
			other = true
		}
		r.segs = append(r.segs, max(0, rest))
		r.total = s.Latency.Mean
		r.value = fmtSeconds(r.total)
		rows[i] = r
	}
	colors := make([]color.Color, 0, len(used)+1)
	leg := newLegend()
	for _, ph := range used {
		colors = append(colors, PhaseColor(ph))
		leg.add(ph.String(), swatch{fill: PhaseColor(ph)})
	}
	colors = append(colors, LightGrey)
	if other {
		leg.add("other (not in a phase)", swatch{fill: LightGrey})
	} else {
		for i := range rows {
			if len(rows[i].segs) > 0 {
				rows[i].segs[len(rows[i].segs)-1] = 0
			}
		}
	}
	startLegend(leg, groups, opts.Log)
	leg.add("95 % CI of the mean", errThumb{})

	ax := barAxis{label: "mean end-to-end latency", unit: timeUnit, format: fmtSeconds}
	title := opts.Title
	if title == "" {
		title = "Where the time goes: mean end-to-end latency by phase"
	}
	if opts.Log {
		ps, heights, lw, stacked := logBarPanels(groups, rows, nil, colors, ax, "share of the time by phase", "")
		return barFigure(title+capNote, leg, ps, heights, []float64{3, 2}, lw, stacked), nil
	}
	ps, heights, lw := barPanels(groups, rows, nil, opts.Split, colors, false, ax, "")
	return barFigure(title+capNote, leg, ps, heights, []float64{1}, lw, nil), nil
}

// checkBreakdown rejects non-finite latency and phase means.
func checkBreakdown(sums []result.Summary) error {
	var f finite
	for i := range sums {
		s := &sums[i]
		if s.OK() == 0 {
			continue
		}
		f.check(s.Latency.Mean, func() string { return describe(i, s) + ": latency.mean" })
		f.checkCI(s.Latency.CI95, func() string { return describe(i, s) + ": latency.ci95" })
		for _, ph := range result.Phases() {
			f.check(statMean(s.Phases[ph]), func() string { return describe(i, s) + ": phases." + ph.String() + ".mean" })
		}
	}
	return f.err
}
