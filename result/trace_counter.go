package result

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Counter tracks (issue 20: a phone's temperatures and frequencies over
// time). A span on a counter lane (CounterLane) is one sample: its Label
// is the value as a decimal number and its Start the time the value took
// effect. WriteTrace writes it as a Chrome counter event ("ph": "C",
// args {"value": v}), which Perfetto draws as a counter track named
// "owner name"; ReadTrace skips counter events (they are no timeline
// spans).

// counterMark separates a counter lane's owner from the counter's name.
const counterMark = "/counter:"

// CounterLane returns the lane of owner's counter called name, e.g.
// CounterLane("phone[0]", "soc °C").
func CounterLane(owner, name string) string { return owner + counterMark + name }

// IsCounterLane reports whether lane is a counter lane.
func IsCounterLane(lane string) bool { return strings.Contains(lane, counterMark) }

// traceCounter is one Chrome counter event.
type traceCounter struct {
	Name string             `json:"name"`
	Ph   string             `json:"ph"`
	Ts   float64            `json:"ts"`
	Pid  int                `json:"pid"`
	Args map[string]float64 `json:"args"`
}

// counterEvent turns a counter span into its event.
func counterEvent(s Span) (traceCounter, error) {
	v, err := strconv.ParseFloat(s.Label, 64)
	if err != nil {
		return traceCounter{}, fmt.Errorf("counter %s: value %q is not a number", s.Lane, s.Label)
	}
	owner, name, _ := strings.Cut(s.Lane, counterMark)
	return traceCounter{Name: owner + " " + name, Ph: "C", Ts: s.Start * 1e6, Pid: 1, Args: map[string]float64{"value": v}}, nil
}

// decodeEvent decodes one trace event; a counter event's args (numbers)
// are dropped, any other event's args must be strings.
func decodeEvent(raw json.RawMessage) (traceEvent, error) {
	var head struct {
		Ph string `json:"ph"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return traceEvent{}, err
	}
	var e traceEvent
	if head.Ph == "C" {
		var c struct {
			Name string  `json:"name"`
			Ts   float64 `json:"ts"`
			Pid  int     `json:"pid"`
		}
		if err := json.Unmarshal(raw, &c); err != nil {
			return traceEvent{}, err
		}
		return traceEvent{Name: c.Name, Ph: "C", Ts: c.Ts, Pid: c.Pid}, nil
	}
	if err := json.Unmarshal(raw, &e); err != nil {
		return traceEvent{}, err
	}
	return e, nil
}
