package result

import (
	"fmt"
	"math"
)

// Phase is one step a request goes through.
type Phase uint8

// The phases in the order a request meets them.
const (
	Load       Phase = iota // model read, parsed (and converted for a GPU) on the phone
	Preprocess              // photo decoded and resized to the model input on the phone
	Compute                 // layers run on the phone's CPU or GPU, GC pauses excluded
	GC                      // garbage-collection pauses that stopped the request
	Wake                    // radio promotion and connection set-up before an upload
	Upload                  // image or activation sent to the server
	Handling                // the server's request handling: accepting the upload, decoding it, framework dispatch and set-up, host↔GPU copies, the response (not batched)
	Queue                   // waiting for a server worker or for a batch to fill
	Server                  // layers run on the server
	Download                // result sent back
	NumPhases  = int(iota)
)

var phaseNames = [NumPhases]string{"load", "preprocess", "compute", "gc", "wake", "upload", "handling", "queue", "server", "download"}

// String returns the phase's column name, e.g. "preprocess".
func (p Phase) String() string {
	if int(p) < NumPhases {
		return phaseNames[p]
	}
	return fmt.Sprintf("phase(%d)", p)
}

// ParsePhase returns the phase with the given name.
func ParsePhase(s string) (Phase, error) {
	for i, n := range phaseNames {
		if n == s {
			return Phase(i), nil
		}
	}
	return 0, fmt.Errorf("result: unknown phase %q", s)
}

// Phases lists every phase in order.
func Phases() []Phase {
	ps := make([]Phase, NumPhases)
	for i := range ps {
		ps[i] = Phase(i)
	}
	return ps
}

// Component is a part of the phone that draws power.
type Component uint8

// The phone's energy components.
const (
	CPU           Component = iota // application processor cores
	GPU                            // mobile GPU
	Radio                          // WiFi or cellular radio, tails included
	Base                           // screen on and the platform's idle floor
	NumComponents = int(iota)
)

var componentNames = [NumComponents]string{"cpu", "gpu", "radio", "base"}

// String returns the component's column name, e.g. "radio".
func (c Component) String() string {
	if int(c) < NumComponents {
		return componentNames[c]
	}
	return fmt.Sprintf("component(%d)", c)
}

// ParseComponent returns the component with the given name.
func ParseComponent(s string) (Component, error) {
	for i, n := range componentNames {
		if n == s {
			return Component(i), nil
		}
	}
	return 0, fmt.Errorf("result: unknown component %q", s)
}

// Components lists every component in order.
func Components() []Component {
	cs := make([]Component, NumComponents)
	for i := range cs {
		cs[i] = Component(i)
	}
	return cs
}

// Outcome says how a request ended.
type Outcome uint8

// The outcomes.
const (
	OK          Outcome = iota // the result reached the app
	OOM                        // an allocation did not fit in the app's heap
	Killed                     // the app was killed while the request was in flight
	Timeout                    // the request took longer than the workload's timeout
	Unsupported                // the framework cannot run the model (e.g. CNNdroid has no concat)
	Dropped                    // the server's queue was full
	NumOutcomes = int(iota)
)

var outcomeNames = [NumOutcomes]string{"ok", "oom", "killed", "timeout", "unsupported", "dropped"}

// String returns the outcome's name, e.g. "oom".
func (o Outcome) String() string {
	if int(o) < NumOutcomes {
		return outcomeNames[o]
	}
	return fmt.Sprintf("outcome(%d)", o)
}

// ParseOutcome returns the outcome with the given name.
func ParseOutcome(s string) (Outcome, error) {
	for i, n := range outcomeNames {
		if n == s {
			return Outcome(i), nil
		}
	}
	return 0, fmt.Errorf("result: unknown outcome %q", s)
}

// PhaseSpan is where one phase sat in a request: the first start, the last
// end, and the summed duration of its pieces (a phase such as gc can occur
// several times). A phase that did not occur has NaN Start and End and zero
// Duration.
type PhaseSpan struct {
	Start, End, Duration float64
}

// Occurred reports whether the phase happened in the request.
func (s PhaseSpan) Occurred() bool { return !math.IsNaN(s.Start) }

// Record is one request from arrival to end.
type Record struct {
	Point       int    // sweep point index
	Replication int    // replication index within the point
	Phone       int    // which phone (0 unless the scenario has several)
	Request     int    // request index on that phone within the replication
	Model       string // zoo or file model name, e.g. "alexnet"
	Mode        string // inference mode, e.g. "on-device-gpu", "cloud-cpu", "split:7"
	Image       string // image size as WIDTHxHEIGHT, e.g. "3840x2160"
	Split       int    // layers run on the phone in a split request, -1 otherwise
	Cold        bool   // the model was not resident and had to be loaded
	Arrival     float64
	End         float64
	Outcome     Outcome
	Phases      [NumPhases]PhaseSpan
	Energy      [NumComponents]float64 // joules the phone spent on this request
	// TailEnergy is the part of Energy spent after End: the radio tail the
	// request caused, until the radio idles or the phone's next request
	// starts.
	TailEnergy float64
	UpBytes    float64
	DownBytes  float64
	// TTFT and Tokens are a language-model request's (a chat turn's):
	// the time from its arrival to the first output token reaching the
	// app, and the output tokens that reached it. Both are 0 for any
	// other request, and for a turn that failed before its first token.
	TTFT   float64
	Tokens int
}

// NewRecord returns a record with no phase occurred yet.
func NewRecord() Record {
	var r Record
	r.Reset()
	return r
}

// Reset clears r to a record with no phase occurred, reusing it.
func (r *Record) Reset() {
	*r = Record{Split: -1}
	for i := range r.Phases {
		r.Phases[i] = PhaseSpan{Start: math.NaN(), End: math.NaN()}
	}
}

// AddPhase records that phase p ran from start to end. Pieces of the same
// phase add up.
func (r *Record) AddPhase(p Phase, start, end float64) {
	s := &r.Phases[p]
	if !s.Occurred() {
		s.Start = start
	}
	s.End = end
	s.Duration += end - start
}

// Latency is the end-to-end time from arrival to end.
func (r *Record) Latency() float64 { return r.End - r.Arrival }

// TotalEnergy is the phone energy summed over components.
func (r *Record) TotalEnergy() float64 {
	t := 0.0
	for _, e := range r.Energy {
		t += e
	}
	return t
}
