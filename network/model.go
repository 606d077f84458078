package network

import (
	"fmt"
	"math"
	"sort"

	"github.com/infersim/infersim/internal/suggest"
	"github.com/infersim/infersim/units"
)

// Model is a transfer model: what a transfer pays before its first byte
// when the link's connection is cold, and the rate limit its flow carries
// on the shared channel (on top of its max-min fair share). The models are
// registered by name (Models, LookupModel) so a scenario can pick one with
// `link.model: constant | tcp`.
type Model interface {
	// Name returns the name the model is registered under.
	Name() string
	// Setup returns the connection set-up a transfer waits before sending
	// when the link's connection is cold, given the round-trip time.
	Setup(rtt units.Duration) units.Duration
	// KeepAlive returns how long an idle connection stays warm; 0 means the
	// model has no connection (Setup is never paid).
	KeepAlive() units.Duration
	// Limit returns the rate limit of a new flow on a channel with the
	// given round-trip time, loss rate and peak capacity, or nil for none.
	Limit(rtt units.Duration, loss float64, peak units.BitRate) RateLimit
	// Validate reports a parameter out of range, naming its field.
	Validate() error
}

// RateLimit is a flow's own cap on its rate, piecewise constant in time:
// TCP's congestion window per round trip, or the loss-limited Mathis rate.
// RateLimit wraps the Next method.
type RateLimit interface {
	// Next returns the cap for the flow's next phase and how long that
	// phase lasts (+Inf for the last one). The first call gives the cap at
	// the flow's start. Durations must be positive.
	Next() (units.BitRate, units.Duration)
}

// Constant is the baseline model every simulator offers ("raw" in
// SimGrid's network_cm02.cpp, the CM02 model without its TCP factors): a
// transfer of S bytes alone on a channel of bandwidth B and one-way
// latency L takes
//
//	T = L + 8·S/B
//
// with no set-up and no cap of its own; concurrent flows share B max-min
// fairly. The channel's loss rate is ignored. Worked example (a test): a
// 1 MB upload at 6 Mbps with 20 ms latency takes 0.02 + 8e6/6e6 = 1.353 s.
type Constant struct{}

// Name returns "constant".
func (Constant) Name() string { return "constant" }

// Setup returns 0: the constant model has no connection.
func (Constant) Setup(units.Duration) units.Duration { return 0 }

// KeepAlive returns 0.
func (Constant) KeepAlive() units.Duration { return 0 }

// Limit returns nil: a constant-model flow takes its whole share.
func (Constant) Limit(units.Duration, float64, units.BitRate) RateLimit { return nil }

// Validate returns nil: the model has no parameters.
func (Constant) Validate() error { return nil }

// TCP is a flow-level model of one TCP connection per link, after the
// textbook latency model of short TCP transfers (Cardwell, Savage and
// Anderson, INFOCOM 2000) reduced to the fluid setting:
//
//   - Set-up: a cold connection pays the three-way handshake. SYN and
//     SYN-ACK cost one RTT before the client may send; the data then
//     travels with the ACK, so its first byte arrives 1.5 RTT after the
//     transfer started. A connection idle longer than IdleTimeout goes cold.
//   - Slow start: every transfer starts from an initial window of
//     InitialWindow segments of MSS bytes (RFC 6928: IW = 10) that doubles
//     every RTT; in round k the flow's rate is capped at
//     IW·MSS·2^k·8 / RTT bits/s, on top of its max-min share of the
//     channel, until that cap reaches the channel's peak capacity.
//   - Loss: the rate is capped at Mathis et al.'s bound (CCR 1997)
//     MSS·8/RTT · sqrt(3/2)/sqrt(p) bits/s for the channel's loss rate p
//     (no cap when p = 0).
//
// RTT is the sum of the link's up and down one-way latencies; jitter does
// not enter the round length.
//
// Left out, on purpose: retransmission timeouts and fast recovery (loss
// only lowers the rate through the Mathis cap), the receiver's window, the
// congestion window carried over between transfers (each transfer restarts
// slow start from IW, as RFC 5681 §4.1 requires after an idle period longer
// than the RTO), delayed ACKs, pacing, Nagle, TLS, and the request's own
// bytes in a download. The fluid rounds spread each window over its RTT; a
// real sender bursts the window at line rate and then waits, so a last,
// partial round ends earlier in reality than here.
//
// Worked example (a test): a 1 MB upload at 6 Mbps, 20 ms one-way latency
// each way (RTT 40 ms), cold connection, no loss: handshake 0.04 s; round 0
// sends 14600 B at 2.92 Mbps in 0.04 s, round 1 29200 B at 5.84 Mbps in
// 0.04 s; round 2's cap 11.68 Mbps exceeds the channel, so the remaining
// 956200 B go at 6 Mbps in 1.274933 s; the last byte arrives 0.02 s later:
// 0.04 + 0.04 + 0.04 + 1.274933 + 0.02 = 1.414933 s.
type TCP struct {
	MSS           units.Bytes    // maximum segment size; default 1460 B (Ethernet MTU 1500 − 40 B of headers)
	InitialWindow int            // initial congestion window in segments; default 10 (RFC 6928)
	IdleTimeout   units.Duration // an idle connection goes cold after this; default 5 min (OkHttp's ConnectionPool keep-alive)
}

// DefaultTCP returns the TCP model with its default parameters.
func DefaultTCP() TCP { return TCP{MSS: 1460, InitialWindow: 10, IdleTimeout: 5 * units.Minute} }

// Name returns "tcp".
func (TCP) Name() string { return "tcp" }

// Setup returns one RTT: SYN and SYN-ACK before the client may send.
func (TCP) Setup(rtt units.Duration) units.Duration { return rtt }

// KeepAlive returns IdleTimeout.
func (m TCP) KeepAlive() units.Duration { return m.IdleTimeout }

// Validate reports a parameter out of range, naming its field.
func (m TCP) Validate() error {
	switch {
	case !(m.MSS >= 1) || math.IsInf(float64(m.MSS), 0):
		return fmt.Errorf("network: tcp.mss: %v must be at least 1 B", m.MSS)
	case m.InitialWindow < 1 || m.InitialWindow > 1<<20:
		return fmt.Errorf("network: tcp.initial_window: %d segments is not in [1, 2^20]", m.InitialWindow)
	case !(m.IdleTimeout > 0) || math.IsInf(float64(m.IdleTimeout), 0):
		return fmt.Errorf("network: tcp.idle_timeout: %v must be a positive, finite duration", m.IdleTimeout)
	}
	return nil
}

// MathisRate returns Mathis et al.'s steady-state bound on a TCP flow's
// rate, MSS·8/RTT · sqrt(3/2)/sqrt(p) bits/s, +Inf when p or rtt is 0.
// Example: MSS 1460 B, RTT 40 ms, p = 1 %: 292 kbps·1.2247/0.1 = 3.576 Mbps.
func MathisRate(mss units.Bytes, rtt units.Duration, p float64) units.BitRate {
	if p <= 0 || rtt <= 0 {
		return units.BitRate(math.Inf(1))
	}
	return units.BitRate(float64(mss) * 8 / float64(rtt) * math.Sqrt(1.5) / math.Sqrt(p))
}

// Limit returns the slow-start and Mathis cap of a new flow; nil when the
// RTT is 0 (the window never binds) and there is no loss.
func (m TCP) Limit(rtt units.Duration, loss float64, peak units.BitRate) RateLimit {
	l, ok := m.limit(rtt, loss, peak)
	if !ok {
		return nil
	}
	return &l
}

// limit is Limit as a value (no allocation): ok is false when the flow
// has no cap.
func (m TCP) limit(rtt units.Duration, loss float64, peak units.BitRate) (tcpLimit, bool) {
	mathis := float64(MathisRate(m.MSS, rtt, loss))
	if rtt <= 0 {
		if math.IsInf(mathis, 1) {
			return tcpLimit{}, false
		}
		return tcpLimit{done: true, mathis: mathis}, true
	}
	return tcpLimit{
		window: float64(m.InitialWindow) * float64(m.MSS) * 8,
		rtt:    float64(rtt),
		mathis: mathis,
		peak:   float64(peak),
	}, true
}

// tcpLimit is one flow's slow start: window bits per RTT, doubling.
type tcpLimit struct {
	window, rtt, mathis, peak float64
	done                      bool
}

// Next implements RateLimit.
func (l *tcpLimit) Next() (units.BitRate, units.Duration) {
	inf := math.Inf(1)
	if !l.done {
		r := l.window / l.rtt
		if r < l.peak && r < l.mathis {
			l.window *= 2
			return units.BitRate(r), units.Duration(l.rtt)
		}
		l.done = true
	}
	return units.BitRate(l.mathis), units.Duration(inf)
}

// ModelInfo describes a registered transfer model for documentation and
// for the YAML schema.
type ModelInfo struct {
	Name        string
	Description string // one line
	Brief       string // a few words, for the scenario field's description
	Equation    string
	Defaults    string // the default parameters, as YAML would spell them
	Sources     []string
	// Default is the model with its default parameters.
	Default Model
}

var models = []ModelInfo{
	{
		Name:        "constant",
		Brief:       "size/bandwidth + latency",
		Description: "size/bandwidth + latency, flows sharing the channel max-min fairly (the baseline; SimGrid's \"raw\")",
		Equation:    "T = L + 8·S/B",
		Defaults:    "(no parameters)",
		Sources:     []string{"SimGrid src/kernel/resource/models/network_cm02.cpp (the CM02 model without TCP factors)"},
		Default:     Constant{},
	},
	{
		Name:        "tcp",
		Brief:       "handshake, slow start, Mathis loss bound",
		Description: "handshake when cold, slow start from IW = 10 segments doubling per RTT, rate capped by the channel share and by Mathis' loss bound",
		Equation:    "cold: +1 RTT; round k cap = IW·MSS·2^k·8/RTT; cap ≤ MSS·8/RTT·sqrt(3/2)/sqrt(p)",
		Defaults:    "mss: 1460B, initial_window: 10, idle_timeout: 5min",
		Sources: []string{
			"RFC 6928 (initial window of 10 segments)",
			"RFC 5681 §4.1 (slow start restarts after idle)",
			"M. Mathis, J. Semke, J. Mahdavi, T. Ott, \"The Macroscopic Behavior of the TCP Congestion Avoidance Algorithm\", ACM CCR 27(3), 1997",
			"N. Cardwell, S. Savage, T. Anderson, \"Modeling TCP Latency\", IEEE INFOCOM 2000",
			"OkHttp ConnectionPool: idle connections kept 5 minutes (square.github.io/okhttp)",
		},
		Default: DefaultTCP(),
	},
}

// Models returns the registered transfer models, sorted by name.
func Models() []ModelInfo {
	out := append([]ModelInfo(nil), models...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// LookupModel returns the registered model with the given name.
func LookupModel(name string) (ModelInfo, error) {
	for _, m := range models {
		if m.Name == name {
			return m, nil
		}
	}
	names := make([]string, len(models))
	for i, m := range models {
		names[i] = m.Name
	}
	sort.Strings(names)
	return ModelInfo{}, fmt.Errorf("network: unknown transfer model %q%s", name, suggest.DidYouMean(name, names))
}

// flowTime is the package's flowTime for this limit, without an
// allocation: l is a copy, its rounds consumed here. It gives the same
// result, operation for operation.
//
// A copy of flowTime's loop, kept for speed: passed as a RateLimit the
// limit escapes to the heap, one allocation per estimate, and the auto
// mode's estimators must not allocate (TestEstimatorMatches).
// TestTCPFlowTimeValue checks that the two agree; change them together.
func (l tcpLimit) flowTime(bits, share float64) float64 {
	t := 0.0
	for bits > 0 {
		c, d := l.Next()
		capv, dur := float64(c), float64(d)
		r := math.Min(capv, share)
		if r <= 0 {
			if math.IsInf(dur, 1) {
				return math.Inf(1)
			}
			t += dur
			continue
		}
		if need := bits / r; need <= dur {
			return t + need
		}
		bits -= r * dur
		t += dur
	}
	return t
}
