package network

import (
	"bufio"
	"embed"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/infersim/infersim/internal/suggest"
	"github.com/infersim/infersim/units"
)

// Trace is a bandwidth profile: a channel capacity that is piecewise
// constant in time, as SimGrid's (time, value) profiles are
// (include/simgrid/kernel/ProfileBuilder.hpp). Rates[i] holds from Times[i]
// until Times[i+1]; the last rate holds until Period, after which the trace
// repeats, or forever when Period is 0.
//
// Invariants (Validate checks them): Times[0] = 0; times strictly increase
// and are finite; rates are finite and ≥ 0; Period is 0 or greater than the
// last time; the trace delivers something (some rate > 0 within a period, or,
// without a period, a last rate > 0), so that every transfer ends.
type Trace struct {
	Name   string          // file or builtin name, for errors and reports
	Times  []float64       // seconds since the start of the trace
	Rates  []units.BitRate // capacity from Times[i] on
	Period units.Duration  // repeat period; 0 means not looped
}

// Validate reports whether t satisfies the invariants above, naming the
// first offending point.
func (t *Trace) Validate() error {
	if len(t.Times) == 0 || len(t.Times) != len(t.Rates) {
		return fmt.Errorf("network: trace %q: needs at least one point and as many rates as times (%d times, %d rates)", t.Name, len(t.Times), len(t.Rates))
	}
	if t.Times[0] != 0 {
		return fmt.Errorf("network: trace %q: the first point must be at time 0, not %g s", t.Name, t.Times[0])
	}
	positive := false
	for i, x := range t.Times {
		r := float64(t.Rates[i])
		if math.IsNaN(x) || math.IsInf(x, 0) || (i > 0 && !(x > t.Times[i-1])) {
			return fmt.Errorf("network: trace %q: point %d: time %g s does not follow %g s", t.Name, i, x, t.Times[max(i-1, 0)])
		}
		if !(r >= 0) || math.IsInf(r, 0) {
			return fmt.Errorf("network: trace %q: point %d: rate %g bps is not a finite non-negative number", t.Name, i, r)
		}
		positive = positive || r > 0
	}
	p := float64(t.Period)
	last := t.Times[len(t.Times)-1]
	switch {
	case math.IsNaN(p) || math.IsInf(p, 0) || p < 0:
		return fmt.Errorf("network: trace %q: period %g s is not a finite non-negative number", t.Name, p)
	case p > 0 && !(p > last):
		return fmt.Errorf("network: trace %q: period %g s must exceed the last point's time %g s", t.Name, p, last)
	case p > 0 && !positive:
		return fmt.Errorf("network: trace %q: every rate is 0: nothing could ever be delivered", t.Name)
	case p == 0 && t.Rates[len(t.Rates)-1] <= 0:
		return fmt.Errorf("network: trace %q: not looped and its last rate is 0: transfers after %g s would never end", t.Name, last)
	}
	return nil
}

// At returns the rate in effect at time x (seconds since the trace started)
// and the time of the next change, +Inf if there is none. It assumes a
// valid trace and x ≥ 0.
func (t *Trace) At(x float64) (units.BitRate, float64) {
	p := float64(t.Period)
	base := 0.0
	u := x
	if p > 0 {
		base = math.Floor(x/p) * p
		u = x - base
		if u >= p { // rounding at a period boundary
			base += p
			u = 0
		} else if u < 0 {
			u = 0
		}
	}
	// i is the last point with Times[i] ≤ u.
	i := sort.SearchFloat64s(t.Times, u)
	if i == len(t.Times) || t.Times[i] > u {
		i--
	}
	i = max(i, 0)
	switch {
	case i+1 < len(t.Times):
		return t.Rates[i], base + t.Times[i+1]
	case p > 0:
		return t.Rates[i], base + p
	default:
		return t.Rates[i], math.Inf(1)
	}
}

// Peak returns the largest rate of the trace.
func (t *Trace) Peak() units.BitRate {
	var m units.BitRate
	for _, r := range t.Rates {
		m = max(m, r)
	}
	return m
}

// Mean returns the time-weighted mean rate over one period, or over the
// points' span (the last point counting for nothing) when not looped. A
// single-point trace's mean is its rate.
func (t *Trace) Mean() units.BitRate {
	end := float64(t.Period)
	if end == 0 {
		end = t.Times[len(t.Times)-1]
	}
	if end == 0 {
		return t.Rates[0]
	}
	var sum float64
	for i, x := range t.Times {
		next := end
		if i+1 < len(t.Times) {
			next = t.Times[i+1]
		}
		sum += float64(t.Rates[i]) * (next - x)
	}
	return units.BitRate(sum / end)
}

// TraceError reports a malformed line of a trace file.
type TraceError struct {
	File string // the name given to the parser
	Line int    // 1-based; 0 for an error about the whole file
	Msg  string
}

func (e *TraceError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("network: %s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("network: %s:%d: %s", e.File, e.Line, e.Msg)
}

// lines calls fn for every line of r with its 1-based number, stopping at
// the first error. A line longer than MaxTraceLineBytes, or more than
// MaxTraceLines lines, is an error.
func lines(r io.Reader, name string, fn func(n int, line string) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), MaxTraceLineBytes)
	n := 0
	for sc.Scan() {
		n++
		if n > MaxTraceLines {
			return &TraceError{name, n, fmt.Sprintf("more than %d lines (the limit)", MaxTraceLines)}
		}
		if err := fn(n, sc.Text()); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return &TraceError{name, n + 1, fmt.Sprintf("a line longer than %d bytes (the limit)", MaxTraceLineBytes)}
		}
		return &TraceError{name, n + 1, fmt.Sprintf("reading: %v", err)}
	}
	return nil
}

// ParsePlain reads a bandwidth trace in the plain format: one `time value`
// pair per line, the time in seconds from the start of the trace and the
// capacity in Mbps that holds from then on, separated by spaces or tabs.
// `#` starts a comment; blank lines are skipped. An optional line
// `period S` makes the trace repeat every S seconds (S greater than the last
// time). The first point must be at time 0 and times must strictly
// increase. name is used in errors, which have the form
// "network: name:line: message".
//
//	# steady 20 Mbps with a dip, repeating every 10 s
//	0    20
//	4.5  5
//	5    20
//	period 10
func ParsePlain(r io.Reader, name string) (*Trace, error) {
	t := &Trace{Name: name}
	periodLine := 0
	err := lines(r, name, func(n int, line string) error {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) == 0 {
			return nil
		}
		if f[0] == "period" {
			if periodLine != 0 {
				return &TraceError{name, n, fmt.Sprintf("a second period line (the first is line %d)", periodLine)}
			}
			if len(f) != 2 {
				return &TraceError{name, n, "want `period SECONDS`"}
			}
			p, err := parseNumber(f[1])
			if err != nil || p <= 0 {
				return &TraceError{name, n, fmt.Sprintf("period %q is not a positive number of seconds", f[1])}
			}
			periodLine = n
			t.Period = units.Duration(p)
			return nil
		}
		if len(f) != 2 {
			return &TraceError{name, n, fmt.Sprintf("want `SECONDS MBPS`, got %d fields", len(f))}
		}
		x, err := parseNumber(f[0])
		if err != nil || x < 0 {
			return &TraceError{name, n, fmt.Sprintf("time %q is not a non-negative number of seconds", f[0])}
		}
		v, err := parseNumber(f[1])
		if err != nil || v < 0 {
			return &TraceError{name, n, fmt.Sprintf("rate %q is not a non-negative number of Mbps", f[1])}
		}
		if len(t.Times) == 0 && x != 0 {
			return &TraceError{name, n, fmt.Sprintf("the first point must be at time 0, not %s", f[0])}
		}
		if k := len(t.Times); k > 0 && !(x > t.Times[k-1]) {
			return &TraceError{name, n, fmt.Sprintf("time %s s does not follow the previous point's %g s", f[0], t.Times[k-1])}
		}
		t.Times = append(t.Times, x)
		t.Rates = append(t.Rates, units.BitRate(v)*units.Mbps)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(t.Times) == 0 {
		return nil, &TraceError{name, 0, "no points"}
	}
	line := periodLine
	if err := t.Validate(); err != nil {
		return nil, &TraceError{name, line, strings.TrimPrefix(err.Error(), fmt.Sprintf("network: trace %q: ", name))}
	}
	return t, nil
}

// parseNumber parses a finite decimal number.
func parseNumber(s string) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("not a finite number")
	}
	return v, nil
}

// MahimahiPacket is the size of one delivery opportunity in a Mahimahi
// trace: one MTU-sized packet (mahimahi traces/README).
const MahimahiPacket units.Bytes = 1500

// DefaultMahimahiWindow is the window ParseMahimahi averages delivery
// opportunities over when given 0.
const DefaultMahimahiWindow = 100 * units.Millisecond

// ParseMahimahi reads a trace in Mahimahi's packet-delivery format
// (K. Winstein et al., NSDI 2013; mahimahi's mm-link): each line is a
// timestamp in whole milliseconds from the start of the trace at which one
// 1500-byte packet may cross the link; a timestamp repeated k times means k
// packets in that millisecond; timestamps never decrease. The trace repeats
// with a period equal to its last timestamp, as mm-link replays it.
//
// The capacity follows by counting opportunities over windows of the given
// length (DefaultMahimahiWindow if 0; a whole number of milliseconds): the
// window (k·w, (k+1)·w] ms with n opportunities has rate n·1500·8/w bits/s,
// the last window being cut at the period. Adjacent windows with the same
// rate merge into one point. A file holding just "1" is 12 Mbps.
func ParseMahimahi(r io.Reader, name string, window units.Duration) (*Trace, error) {
	if window == 0 {
		window = DefaultMahimahiWindow
	}
	wms := math.Round(float64(window) * 1000)
	if !(wms >= 1) || math.Abs(wms-float64(window)*1000) > 1e-6 || wms > 1e9 {
		return nil, fmt.Errorf("network: %s: window %v is not a whole number of milliseconds ≥ 1 ms", name, window)
	}
	w := int64(wms)
	var stamps []int64
	err := lines(r, name, func(n int, line string) error {
		s := strings.TrimSpace(line)
		if s == "" {
			return nil
		}
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil || v < 0 || v > 1e12 {
			return &TraceError{name, n, fmt.Sprintf("%q is not a timestamp in whole milliseconds (0 to 1e12)", s)}
		}
		if k := len(stamps); k > 0 && v < stamps[k-1] {
			return &TraceError{name, n, fmt.Sprintf("timestamp %d ms is before the previous one, %d ms", v, stamps[k-1])}
		}
		stamps = append(stamps, v)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(stamps) == 0 {
		return nil, &TraceError{name, 0, "no delivery opportunities"}
	}
	end := stamps[len(stamps)-1]
	if end == 0 {
		return nil, &TraceError{name, 0, "the last timestamp is 0 ms: the trace has no duration"}
	}
	// Windows are visited in order; empty stretches between stamps become
	// one zero-rate point, so memory grows with the stamps, not the span.
	t := &Trace{Name: name, Period: units.Duration(float64(end) / 1000)}
	bits := float64(MahimahiPacket) * 8
	add := func(k, count int64) {
		length := min(w, end-k*w)
		rate := units.BitRate(float64(count) * bits / (float64(length) / 1000))
		if n := len(t.Rates); n > 0 && t.Rates[n-1] == rate {
			return
		}
		t.Times = append(t.Times, float64(k*w)/1000)
		t.Rates = append(t.Rates, rate)
	}
	windowOf := func(s int64) int64 {
		if s == 0 {
			return 0
		}
		return (s+w-1)/w - 1
	}
	next := int64(0) // first window not yet emitted
	for i := 0; i < len(stamps); {
		k := windowOf(stamps[i])
		if k > next {
			add(next, 0)
		}
		j := i
		for j < len(stamps) && windowOf(stamps[j]) == k {
			j++
		}
		add(k, int64(j-i))
		next = k + 1
		i = j
	}
	return t, nil
}

//go:embed traces/*.txt traces/*.mahi
var builtinTraces embed.FS

// builtinWindow is the averaging window of the builtin Mahimahi trace.
const builtinWindow = DefaultMahimahiWindow

// BuiltinTraces returns the names of the traces shipped with the package,
// sorted. They are ours, made by traces_gen_test.go (see doc.go, "Traces").
func BuiltinTraces() []string {
	entries, _ := builtinTraces.ReadDir("traces")
	var names []string
	for _, e := range entries {
		n := e.Name()
		if strings.HasSuffix(n, ".txt") || strings.HasSuffix(n, ".mahi") {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// TraceInfo describes a builtin trace for listings ("infersim presets").
type TraceInfo struct {
	Name        string // file name, e.g. "lte-drive.txt"
	Format      string // "plain" or "mahimahi"
	Description string // one line: what it is, its loop, where it comes from
}

// builtinTraceText is each builtin trace's one-line description; the
// traces are ours (traces_gen_test.go makes them, see doc.go).
var builtinTraceText = map[string]string{
	"wifi-steady.txt":   "steady WiFi: 20 Mbps ± 2 Mbps (uniform), 0.5 s steps, loops every 60 s; made by infersim (traces_gen_test.go)",
	"lte-drive.txt":     "an LTE drive: log-rate random walk around 6 Mbps in [0.3, 20] Mbps, a 1 s outage every 30 s, 0.5 s steps, loops every 120 s; made by infersim (traces_gen_test.go)",
	"lte-drive-up.mahi": "lte-drive's first 20 s as Mahimahi packet deliveries (one line = one 1500-byte packet at that ms), loops every 20 s; made by infersim (traces_gen_test.go)",
}

// BuiltinTraceInfos describes the builtin traces, sorted by name.
func BuiltinTraceInfos() []TraceInfo {
	var out []TraceInfo
	for _, n := range BuiltinTraces() {
		format := "plain"
		if strings.HasSuffix(n, ".mahi") {
			format = "mahimahi"
		}
		out = append(out, TraceInfo{Name: n, Format: format, Description: builtinTraceText[n]})
	}
	return out
}

// BuiltinTrace parses the shipped trace with the given file name, e.g.
// "wifi-steady.txt" (plain format) or "lte-drive-up.mahi" (Mahimahi format,
// averaged over 100 ms windows).
func BuiltinTrace(name string) (*Trace, error) {
	f, err := builtinTraces.Open("traces/" + name)
	if err != nil {
		return nil, fmt.Errorf("network: no builtin trace %q%s", name, suggest.DidYouMean(name, BuiltinTraces()))
	}
	defer f.Close()
	if strings.HasSuffix(name, ".mahi") {
		return ParseMahimahi(f, name, builtinWindow)
	}
	return ParsePlain(f, name)
}
