package plots

import (
	"fmt"
	"image/color"
	"math"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/infersim/infersim/result"
)

// TimelineOptions configures Timeline.
type TimelineOptions struct {
	// Title replaces the default title.
	Title string
	// From and To limit the chart to a window of simulated time, in
	// seconds; spans are clipped to it. To ≤ From means every span.
	From, To float64
}

// activity is what a span's colour says.
type activity struct {
	name  string
	color color.Color
}

// The activities a timeline colours (result.SpanActivity says which a
// span shows). Layer names (conv3, fc7, ...) on a phone's processor lanes
// are compute.
var (
	actLoad       = activity{"load model", PhaseColor(result.Load)}
	actPreprocess = activity{"preprocess", PhaseColor(result.Preprocess)}
	actCompute    = activity{"compute (layers)", PhaseColor(result.Compute)}
	actGC         = activity{"gc pause", PhaseColor(result.GC)}
	actWake       = activity{"radio promotion, handshake", PhaseColor(result.Wake)}
	actUpload     = activity{"upload, radio active", PhaseColor(result.Upload)}
	actTail       = activity{"radio tail", color.NRGBA{0xe6, 0x9f, 0x00, 0x70}}
	actQueue      = activity{"queued", PhaseColor(result.Queue)}
	actServer     = activity{"server compute", PhaseColor(result.Server)}
	actDownload   = activity{"download", PhaseColor(result.Download)}
	actHandling   = activity{"server request handling", PhaseColor(result.Handling)}
)

// activities colour and name result's span activities.
var activities = map[result.Activity]activity{
	result.ActivityLoad: actLoad, result.ActivityPreprocess: actPreprocess, result.ActivityCompute: actCompute,
	result.ActivityGC: actGC, result.ActivityWake: actWake, result.ActivityTransfer: actUpload, result.ActivityTail: actTail,
	result.ActivityQueue: actQueue, result.ActivityServer: actServer, result.ActivityDownload: actDownload,
	result.ActivityHandling: actHandling,
}

var spareColors = []color.Color{SkyBlue, ReddishPurple, Yellow, DarkGrey, Vermillion, BluishGreen}

// laneInfo is a lane (result.Lane) with its component's kind and index.
type laneInfo struct {
	name  string // as Span.Lane writes it
	lane  result.Lane
	kind  string // phone, link, server, or the component's name
	index int
}

func parseLane(name string) laneInfo {
	l := result.ParseLane(name)
	kind, index := l.OwnerKind()
	return laneInfo{name: name, lane: l, kind: kind, index: index}
}

// resource is the lane's resource with its slot: "worker[1]".
func (li laneInfo) resource() string {
	l := li.lane
	l.Owner = ""
	return strings.TrimPrefix(l.String(), "/")
}

func kindRank(k string) int {
	switch k {
	case result.OwnerPhone:
		return 0
	case result.OwnerLink:
		return 1
	case result.OwnerServer:
		return 3
	}
	return 2
}

func resourceRank(r result.Resource) int {
	for i, n := range result.LaneOrder {
		if r == n {
			return i
		}
	}
	return len(result.LaneOrder)
}

var resourceWords = map[result.Resource]string{result.LaneCPU: "CPU", result.LaneGPU: "GPU", result.LaneGC: "GC pauses", result.LaneRadio: "radio state",
	result.LaneUp: "uplink", result.LaneDown: "downlink", result.LaneQueue: "queue", result.LaneWorker: "worker"}

// label returns a readable lane label: "phone · CPU", "server · worker 1";
// the owner's index is shown when there are several of its kind.
func (li laneInfo) label(several bool) string {
	if li.lane.Resource == "" {
		return li.name
	}
	owner := li.kind
	if several {
		owner += " " + strconv.Itoa(li.index)
	}
	res := li.resource()
	if w, ok := resourceWords[li.lane.Resource]; ok {
		res = w
		if li.lane.Slot >= 0 {
			res += " " + strconv.Itoa(li.lane.Slot)
		}
	}
	return owner + " · " + res
}

// Timeline draws one replication's trace as a Gantt chart: one lane per
// resource (phone CPU, GPU, GC pauses, radio state, uplink, downlink,
// server queue, server workers, in that order; lanes named "phone[0]/cpu",
// "link[0]/up", "server/worker[1]", ...), each span a bar coloured by
// activity (load, preprocess, compute, gc, radio promotion, upload, radio
// active and tail, queued, server compute, download; other labels get
// spare colours), with the span's label written inside when it fits.
//
// It returns an error wrapping ErrEmpty when there is no span (in the
// window), and a *NotFiniteError for a NaN or infinite start or end.
func Timeline(spans []result.Span, opts TimelineOptions) (*Figure, error) {
	if len(spans) == 0 {
		return nil, empty("timeline: no spans")
	}
	use, err := windowSpans(spans, opts)
	if err != nil {
		return nil, err
	}
	order, several := orderLanes(use)
	laneY := map[string]float64{}
	ticks := make(plot.ConstantTicks, len(order))
	for i, li := range order {
		y := float64(len(order) - 1 - i)
		laneY[li.name] = y
		ticks[i] = plot.Tick{Value: y, Label: li.label(several[li.kind])}
	}
	bars, acts := timelineBars(use, laneY)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, b := range bars {
		lo, hi = min(lo, b.start), max(hi, b.end)
	}
	if opts.To > opts.From {
		lo, hi = opts.From, opts.To
	}
	if hi <= lo {
		hi = lo + 1
	}

	p := newPlot("", "simulated time (s)", "")
	p.X.Min, p.X.Max = lo, niceMax(lo, hi)
	if lo != 0 {
		p.X.Min = lo
	}
	p.X.Tick.Marker = linTicks{}
	p.Y.Tick.Marker = ticks
	p.Y.Tick.Length = 0
	p.Y.LineStyle.Width = 0
	p.Y.Padding = 0
	p.Y.Min, p.Y.Max = -0.5, float64(len(order))-0.5
	p.Add(laneBands{n: len(order)}, vgrid{}, &gantt{bars: bars})

	leg := newLegend()
	for _, a := range acts {
		leg.add(a.name, swatch{fill: a.color})
	}

	title := opts.Title
	if title == "" {
		title = "What each resource was doing: one replication's timeline"
	}
	return legendFigure(title, leg, func(c draw.Canvas) { fitDraw(p, c) }, vg.Length(len(order))*vg.Points(24), vg.Points(40)), nil
}

// windowSpans checks the spans and keeps those in the options' window,
// clipped to it.
func windowSpans(spans []result.Span, opts TimelineOptions) ([]result.Span, error) {
	window := opts.To > opts.From
	var use []result.Span
	for i, s := range spans {
		for _, v := range []struct {
			x    float64
			name string
		}{{s.Start, "start"}, {s.End, "end"}} {
			if math.IsNaN(v.x) || math.IsInf(v.x, 0) {
				return nil, &NotFiniteError{Field: fmt.Sprintf("span %d (%s %s): %s", i, s.Lane, s.Label, v.name), Value: v.x}
			}
		}
		if s.End < s.Start {
			return nil, fmt.Errorf("plots: timeline: span %d (%s %s) ends at %v before it starts at %v", i, s.Lane, s.Label, s.End, s.Start)
		}
		if window {
			if s.End < opts.From || s.Start > opts.To {
				continue
			}
			s.Start, s.End = max(s.Start, opts.From), min(s.End, opts.To)
		}
		use = append(use, s)
	}
	if len(use) == 0 {
		return nil, empty("timeline: no spans between %v s and %v s", opts.From, opts.To)
	}
	return use, nil
}

// orderLanes returns the spans' lanes in the timeline's order
// (each phone's resources, its link's, then the other components and the
// servers), and whether a kind of component has several members.
func orderLanes(use []result.Span) ([]laneInfo, map[string]bool) {
	lanes := map[string]laneInfo{}
	owners := map[string]map[int]bool{}
	for _, s := range use {
		if _, ok := lanes[s.Lane]; !ok {
			li := parseLane(s.Lane)
			lanes[s.Lane] = li
			if owners[li.kind] == nil {
				owners[li.kind] = map[int]bool{}
			}
			owners[li.kind][li.index] = true
		}
	}
	order := make([]laneInfo, 0, len(lanes))
	for _, li := range lanes {
		order = append(order, li)
	}
	sort.Slice(order, func(i, j int) bool { return laneBefore(order[i], order[j]) })
	several := map[string]bool{}
	for k, idx := range owners {
		several[k] = len(idx) > 1
	}
	return order, several
}

// laneBefore orders lanes: by the phone (or link) index they belong to,
// the servers and unknown components last; then by kind, component and
// resource.
func laneBefore(a, b laneInfo) bool {
	ga, gb := a.index, b.index
	if a.kind == result.OwnerServer || kindRank(a.kind) == 2 {
		ga = math.MaxInt32
	}
	if b.kind == result.OwnerServer || kindRank(b.kind) == 2 {
		gb = math.MaxInt32
	}
	switch {
	case ga != gb:
		return ga < gb
	case kindRank(a.kind) != kindRank(b.kind):
		return kindRank(a.kind) < kindRank(b.kind)
	case a.kind != b.kind:
		return a.kind < b.kind
	case a.index != b.index:
		return a.index < b.index
	case resourceRank(a.lane.Resource) != resourceRank(b.lane.Resource):
		return resourceRank(a.lane.Resource) < resourceRank(b.lane.Resource)
	}
	return a.resource() < b.resource()
}

// timelineBars makes a bar of each span, coloured by its activity, and
// lists the activities in order of first appearance (labels no activity
// knows get spare colours, one per label).
func timelineBars(use []result.Span, laneY map[string]float64) ([]ganttBar, []activity) {
	var acts []activity
	seen := map[string]bool{}
	spare := 0
	unknown := map[string]activity{}
	bars := make([]ganttBar, len(use))
	for i, s := range use {
		a := classify(&s)
		if a.color == nil {
			if u, ok := unknown[a.name]; ok {
				a = u
			} else {
				a.color = spareColors[spare%len(spareColors)]
				spare++
				unknown[a.name] = a
			}
		}
		if !seen[a.name] {
			seen[a.name] = true
			acts = append(acts, a)
		}
		bars[i] = ganttBar{y: laneY[s.Lane], start: s.Start, end: s.End, color: a.color, label: s.Label}
	}
	return bars, acts
}

// classify returns the activity of a span (result.SpanActivity); a span
// of no known activity is named after its label without trailing digits
// and has no colour yet.
func classify(s *result.Span) activity {
	if a, ok := activities[result.SpanActivity(s)]; ok {
		return a
	}
	return activity{name: strings.TrimRight(s.Label, "0123456789_ ")}
}

type ganttBar struct {
	y, start, end float64
	color         color.Color
	label         string
}

// gantt draws the bars of a timeline.
type gantt struct{ bars []ganttBar }

// Plot implements plot.Plotter.
func (g *gantt) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	half := (trY(0.62) - trY(0)) / 2
	sty := textStyle(sans, smallSize, color.White)
	sty.XAlign, sty.YAlign = draw.XCenter, draw.YCenter
	for _, b := range g.bars {
		x0, x1, y := trX(b.start), trX(b.end), trY(b.y)
		if x1-x0 < vg.Points(0.6) { // keep instants visible
			x1 = x0 + vg.Points(0.6)
		}
		r := vg.Rectangle{Min: vg.Point{X: x0, Y: y - half}, Max: vg.Point{X: x1, Y: y + half}}
		pts := c.ClipPolygonXY(rectPoints(r))
		c.FillPolygon(b.color, pts)
		if x1-x0 > vg.Points(2) { // separate back-to-back spans (layers)
			c.StrokeLines(draw.LineStyle{Color: color.White, Width: vg.Points(0.5)}, append(pts, pts[0]))
		}
		if b.label != "" && sty.Width(b.label)+vg.Points(4) < x1-x0 {
			s := sty
			if light(b.color) {
				s.Color = Black
			}
			c.FillText(s, vg.Point{X: (x0 + x1) / 2, Y: y}, b.label)
		}
	}
}

// light reports whether black text reads better than white on c.
func light(c color.Color) bool {
	r, g, b, a := c.RGBA()
	if a < 0x8000 {
		return true
	}
	// Relative luminance (ITU-R BT.709 weights) of the un-premultiplied colour.
	l := (0.2126*float64(r) + 0.7152*float64(g) + 0.0722*float64(b)) / float64(a)
	return l > 0.55
}

// laneBands shades every other lane for readability.
type laneBands struct{ n int }

// Plot implements plot.Plotter.
func (l laneBands) Plot(c draw.Canvas, p *plot.Plot) {
	_, trY := p.Transforms(&c)
	for i := 0; i < l.n; i += 2 {
		y := float64(l.n - 1 - i)
		r := vg.Rectangle{Min: vg.Point{X: c.Min.X, Y: trY(y - 0.5)}, Max: vg.Point{X: c.Max.X, Y: trY(y + 0.5)}}
		c.FillPolygon(color.NRGBA{0xf2, 0xf2, 0xf2, 0xff}, rectPoints(r))
	}
}
