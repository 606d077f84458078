package result

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
)

// A trace is a list of spans written in the Chrome trace-event format, the
// JSON that ui.perfetto.dev and chrome://tracing open: each lane is a thread
// (named by a "thread_name" metadata event), each span a complete event
// ("ph": "X") with its start and duration in microseconds and its attributes
// as args. ReadTrace reads the same file back into spans, so one trace.json
// serves both Perfetto and `infersim plot`.

// traceEvent is one Chrome trace event.
type traceEvent struct {
	Name string            `json:"name"`
	Ph   string            `json:"ph"`
	Ts   float64           `json:"ts"`
	Dur  float64           `json:"dur,omitempty"`
	Pid  int               `json:"pid"`
	Tid  int               `json:"tid"`
	Args map[string]string `json:"args,omitempty"`
}

// traceFile is a trace as ReadTrace decodes it: the events raw, then
// decoded one by one (a counter event's numeric args are skipped).
type traceFile struct {
	Raw             []json.RawMessage `json:"traceEvents"`
	DisplayTimeUnit string            `json:"displayTimeUnit"`
	TraceEvents     []traceEvent      `json:"-"`
}

// traceOut is a trace as WriteTrace encodes it: traceEvent and
// traceCounter values.
type traceOut struct {
	TraceEvents     []any  `json:"traceEvents"`
	DisplayTimeUnit string `json:"displayTimeUnit"`
}

// WriteTrace writes spans as a Chrome trace-event JSON document. Lanes
// become threads numbered in sorted lane order, so the output does not
// depend on the order spans were recorded in beyond their own order.
func WriteTrace(w io.Writer, spans []Span) error {
	lanes := map[string]int{}
	for _, s := range spans {
		if !IsCounterLane(s.Lane) {
			lanes[s.Lane] = 0
		}
	}
	names := make([]string, 0, len(lanes))
	for l := range lanes {
		names = append(names, l)
	}
	sort.Strings(names)
	f := traceOut{DisplayTimeUnit: "ms", TraceEvents: make([]any, 0, len(names)+len(spans))}
	for i, l := range names {
		lanes[l] = i + 1
		f.TraceEvents = append(f.TraceEvents, traceEvent{Name: "thread_name", Ph: "M", Pid: 1, Tid: i + 1,
			Args: map[string]string{"name": l}})
	}
	for i, s := range spans {
		if math.IsNaN(s.Start) || math.IsNaN(s.End) || s.End < s.Start {
			return fmt.Errorf("result: trace span %d (%s %q): bad interval [%v, %v]", i, s.Lane, s.Label, s.Start, s.End)
		}
		if IsCounterLane(s.Lane) {
			c, err := counterEvent(s)
			if err != nil {
				return fmt.Errorf("result: trace span %d: %w", i, err)
			}
			f.TraceEvents = append(f.TraceEvents, c)
			continue
		}
		f.TraceEvents = append(f.TraceEvents, traceEvent{Name: s.Label, Ph: "X", Ts: s.Start * 1e6,
			Dur: (s.End - s.Start) * 1e6, Pid: 1, Tid: lanes[s.Lane], Args: s.Attrs})
	}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	if err := enc.Encode(f); err != nil {
		return err
	}
	return bw.Flush()
}

// ReadTrace reads a Chrome trace-event JSON document written by WriteTrace
// (or any trace whose threads are named by thread_name metadata) back into
// spans, in file order. Events other than complete events are skipped.
func ReadTrace(r io.Reader, filename string) ([]Span, error) {
	var f traceFile
	if err := json.NewDecoder(jsonInput(r)).Decode(&f); err != nil {
		return nil, fmt.Errorf("result: %s: %w", filename, err)
	}
	f.TraceEvents = f.TraceEvents[:0]
	for i, raw := range f.Raw {
		e, err := decodeEvent(raw)
		if err != nil {
			return nil, fmt.Errorf("result: %s: event %d: %w", filename, i, err)
		}
		f.TraceEvents = append(f.TraceEvents, e)
	}
	type thread struct{ pid, tid int }
	names := map[thread]string{}
	for _, e := range f.TraceEvents {
		if e.Ph == "M" && e.Name == "thread_name" {
			names[thread{e.Pid, e.Tid}] = e.Args["name"]
		}
	}
	var spans []Span
	for i, e := range f.TraceEvents {
		if e.Ph != "X" {
			continue
		}
		if e.Dur < 0 || math.IsNaN(e.Ts) || math.IsNaN(e.Dur) {
			return nil, fmt.Errorf("result: %s: event %d (%q): negative or undefined duration", filename, i, e.Name)
		}
		lane, ok := names[thread{e.Pid, e.Tid}]
		if !ok {
			lane = fmt.Sprintf("pid%d/tid%d", e.Pid, e.Tid)
		}
		spans = append(spans, Span{Lane: lane, Label: e.Name, Start: e.Ts / 1e6, End: (e.Ts + e.Dur) / 1e6, Attrs: e.Args})
	}
	return spans, nil
}
