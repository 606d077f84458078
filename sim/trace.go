package sim

import (
	"fmt"
	"math"
)

// SpanID identifies a span begun on a Tracer. The zero SpanID means "no
// span": Env.Begin returns it when no tracer is installed, and Env.End
// ignores it.
type SpanID uint64

// Attr is a key/value attribute of a span.
type Attr struct {
	Key   string
	Value any
}

// Tracer receives the spans that components open and close through
// Env.Begin and Env.End; install one with WithTracer. Times are simulation
// times. Recorder is the standard implementation.
type Tracer interface {
	// Begin opens a span of activity by entity at time t and returns its
	// non-zero ID. attrs must not be retained beyond the call unless copied.
	Begin(t float64, entity, activity string, attrs []Attr) SpanID
	// End closes the span id at time t, adding attrs to it.
	End(t float64, id SpanID, attrs []Attr)
}

// Tracing reports whether a tracer is installed. Callers that build
// attributes at some cost check it first, so that tracing costs nothing when
// off.
func (e *Env) Tracing() bool { return e.tracer != nil }

// Begin opens a span on the installed tracer at Now and returns its ID, or
// returns 0 and does nothing when no tracer is installed.
func (e *Env) Begin(entity, activity string, attrs ...Attr) SpanID {
	if e.tracer == nil {
		return 0
	}
	return e.tracer.Begin(e.now, entity, activity, attrs)
}

// End closes span id at Now. It does nothing when id is 0 or no tracer is
// installed.
func (e *Env) End(id SpanID, attrs ...Attr) {
	if e.tracer == nil || id == 0 {
		return
	}
	e.tracer.End(e.now, id, attrs)
}

// Span is one recorded activity of an entity over [Start, End]. End is NaN
// while the span is open.
type Span struct {
	Entity   string
	Activity string
	Start    float64
	End      float64
	Attrs    []Attr
}

// Recorder is a Tracer that keeps every span in memory, in the order they
// were begun. The zero value is ready to use.
type Recorder struct {
	spans []Span
}

// Begin implements Tracer.
func (r *Recorder) Begin(t float64, entity, activity string, attrs []Attr) SpanID {
	var a []Attr
	if len(attrs) > 0 {
		a = append(a, attrs...)
	}
	r.spans = append(r.spans, Span{Entity: entity, Activity: activity, Start: t, End: math.NaN(), Attrs: a})
	return SpanID(len(r.spans))
}

// End implements Tracer. It panics if id was not returned by r.Begin or the
// span is already closed.
func (r *Recorder) End(t float64, id SpanID, attrs []Attr) {
	if id == 0 || int(id) > len(r.spans) {
		panic(fmt.Sprintf("sim: Recorder.End of unknown span %d", id))
	}
	s := &r.spans[id-1]
	if !math.IsNaN(s.End) {
		panic(fmt.Sprintf("sim: Recorder.End of closed span %d (%s/%s)", id, s.Entity, s.Activity))
	}
	s.End = t
	s.Attrs = append(s.Attrs, attrs...)
}

// Spans returns the recorded spans, in the order they were begun. The slice
// is r's own: do not modify it.
func (r *Recorder) Spans() []Span { return r.spans }

// Reset forgets every span.
func (r *Recorder) Reset() { r.spans = r.spans[:0] }
