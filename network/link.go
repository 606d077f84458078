package network

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/infersim/infersim/sim"
	"github.com/infersim/infersim/units"
)

// Direction says which channel of a link a transfer uses.
type Direction uint8

const (
	// Up is from the phone to the server.
	Up Direction = iota
	// Down is from the server to the phone.
	Down
)

func (d Direction) String() string {
	if d == Up {
		return "up"
	}
	return "down"
}

// LinkConfig describes a link: its transfer model, its two channels and
// its radio.
type LinkConfig struct {
	// Model is the transfer model; nil means Constant.
	Model Model
	// Up and Down are the two directions.
	Up, Down ChannelConfig
	// Radio is the phone's radio power state machine; nil for none (no
	// promotion, no power reports).
	Radio *RadioSpec
}

// Validate reports a parameter out of range, naming its field under the
// given prefix (e.g. "link").
func (c LinkConfig) Validate(field string) error {
	if c.Model != nil {
		if err := c.Model.Validate(); err != nil {
			return fmt.Errorf("%s.model: %w", field, err)
		}
	}
	if err := c.Up.Validate(field + ".up"); err != nil {
		return err
	}
	if err := c.Down.Validate(field + ".down"); err != nil {
		return err
	}
	if c.Radio != nil {
		return c.Radio.Validate(field + ".radio")
	}
	return nil
}

// Link is a phone's access link to the server: an Up and a Down channel,
// a transfer model, one connection (warm or cold) and optionally a radio.
// Its intent-level methods (Upload, Download and their Start* forms) run a
// whole transfer: wait for the radio's promotion, pay the handshake if the
// connection is cold, put the bytes on the channel as a max-min fair flow,
// and add the latency and jitter.
type Link struct {
	env   *sim.Env
	name  string
	Up    *Channel
	Down  *Channel
	model Model
	radio *Radio

	// The connection: warm while a transfer uses it and for KeepAlive
	// after the last one ended.
	used       bool
	inUse      int
	idleSince  float64
	connecting *sim.Event // a handshake in progress, nil if none
}

// handshake returns the name of the link's handshake events.
func (l *Link) handshake() string { return l.name + " handshake" }

// NewLink returns a link named name on env. Each channel draws its jitter
// from its own stream, streams.Stream(name + "/up/jitter") and
// streams.Stream(name + "/down/jitter"); streams may be nil when neither
// channel has jitter.
func NewLink(env *sim.Env, streams *sim.Streams, name string, cfg LinkConfig) (*Link, error) {
	if err := cfg.Validate(name); err != nil {
		return nil, err
	}
	return newLinkTemplate(cfg).NewLink(env, streams, name)
}

// LinkTemplate is a validated LinkConfig from which many links are made,
// one per phone of a crowd: they share its constants (the channels'
// capacities, latencies and jitter, the radio's spec) and hold only their
// own state. A template's links must run in one Env (they share the
// channels' scratch space).
type LinkTemplate struct {
	model    Model
	up, down *chanConst
	radio    *RadioSpec
}

// NewLinkTemplate validates cfg (its fields named under "link") and
// returns the template of its links.
func NewLinkTemplate(cfg LinkConfig) (*LinkTemplate, error) {
	if err := cfg.Validate("link"); err != nil {
		return nil, err
	}
	return newLinkTemplate(cfg), nil
}

func newLinkTemplate(cfg LinkConfig) *LinkTemplate {
	sc := &scratch{}
	t := &LinkTemplate{model: cfg.Model, up: newChanConst(cfg.Up, sc), down: newChanConst(cfg.Down, sc)}
	if t.model == nil {
		t.model = Constant{}
	}
	if cfg.Radio != nil {
		r := *cfg.Radio
		t.radio = &r
	}
	return t
}

// NewLink returns a link of the template named name on env: NewLink's
// link for the template's configuration.
func (t *LinkTemplate) NewLink(env *sim.Env, streams *sim.Streams, name string) (*Link, error) {
	l := &Link{env: env, name: name, model: t.model}
	for _, d := range []struct {
		dir Direction
		cc  *chanConst
		dst **Channel
	}{{Up, t.up, &l.Up}, {Down, t.down, &l.Down}} {
		cname := name + "/" + d.dir.String()
		var rng *rand.Rand
		if d.cc.jitter.drawn() {
			// Made only for a jitter that draws: a stream is derived
			// from its name alone, so leaving it out changes no draw.
			if streams == nil {
				return nil, fmt.Errorf("network: %s: a jitter distribution needs a random stream", cname)
			}
			rng = streams.Stream(cname + "/jitter")
		}
		*d.dst = newChannel(env, cname, d.cc, rng)
	}
	if t.radio != nil {
		l.radio = newRadio(env, t.radio)
		l.Up.observe = l.ratesChanged
		l.Down.observe = l.ratesChanged
	}
	return l, nil
}

// Name returns the link's name.
func (l *Link) Name() string { return l.name }

// Model returns the link's transfer model.
func (l *Link) Model() Model { return l.model }

// Radio returns the link's radio, nil if it has none.
func (l *Link) Radio() *Radio { return l.radio }

// RTT returns the round-trip time: the two channels' latencies, without
// jitter.
func (l *Link) RTT() units.Duration { return l.Up.latency + l.Down.latency }

func (l *Link) ratesChanged() {
	l.radio.setRates(float64(l.Up.Rate()), float64(l.Down.Rate()))
}

// Transfer is what one upload or download went through. Times are
// simulation times in seconds. The `wake` phase of a request is
// [Start, Connected] (radio promotion and handshake), the upload or
// download phase [Connected, End].
type Transfer struct {
	Dir       Direction
	Size      units.Bytes
	Start     float64        // when the transfer was asked for
	Awake     float64        // when the radio could carry data (Start if no promotion)
	Connected float64        // when the connection was ready (Awake if warm)
	FirstByte float64        // when the first byte reached the receiver
	End       float64        // when the last byte reached the receiver
	Cold      bool           // whether this transfer paid the handshake
	Jitter    units.Duration // the extra delay drawn for it
}

// Duration returns End − Start.
func (t Transfer) Duration() units.Duration { return units.Duration(t.End - t.Start) }

// Wake returns the time spent waiting for the radio and the handshake.
func (t Transfer) Wake() units.Duration { return units.Duration(t.Connected - t.Start) }

// Upload sends size bytes from the phone over the Up channel, blocking the
// calling process until the last byte has reached the server. It returns
// the error of an interrupted wait (the transfer is then abandoned: its
// flow leaves the channel and the radio is released).
func (l *Link) Upload(p *sim.Proc, size units.Bytes) (Transfer, error) {
	return l.transfer(p, Up, size)
}

// Download receives size bytes over the Down channel, blocking the calling
// process until the last byte has reached the phone.
func (l *Link) Download(p *sim.Proc, size units.Bytes) (Transfer, error) {
	return l.transfer(p, Down, size)
}

// StartUpload starts an upload in a process of its own and returns that
// process: wait on it, and its value is the Transfer.
func (l *Link) StartUpload(size units.Bytes) *sim.Process { return l.start(Up, size) }

// StartDownload is StartUpload for the Down channel.
func (l *Link) StartDownload(size units.Bytes) *sim.Process { return l.start(Down, size) }

func (l *Link) start(dir Direction, size units.Bytes) *sim.Process {
	return l.env.Process(l.name+"/"+dir.String(), func(p *sim.Proc) error {
		t, err := l.transfer(p, dir, size)
		p.SetResult(t)
		return err
	})
}

// cold reports whether a transfer starting now must pay the handshake,
// given how many other transfers use the connection.
func (l *Link) cold(others int) bool {
	if l.model.KeepAlive() <= 0 {
		return false
	}
	if !l.used {
		return true
	}
	return others == 0 && l.env.Now()-l.idleSince > float64(l.model.KeepAlive())
}

func (l *Link) transfer(p *sim.Proc, dir Direction, size units.Bytes) (t Transfer, err error) {
	if !(size >= 0) || math.IsInf(float64(size), 0) {
		return Transfer{}, fmt.Errorf("network: %s: %s of %v: size must be finite and non-negative", l.name, dir, size)
	}
	ch := l.Up
	if dir == Down {
		ch = l.Down
	}
	t = Transfer{Dir: dir, Size: size, Start: p.Now(), Jitter: ch.drawJitter()}
	fail := func(err error, what string) (Transfer, error) {
		return t, fmt.Errorf("network: %s: %s %s: %w", l.name, dir, what, err)
	}

	// Radio: wait for a promotion if one is needed, and hold the radio
	// until the last byte is on the air.
	hold := radioHold{l: l}
	defer hold.release()
	if err := hold.acquire(p); err != nil {
		return fail(err, "waiting for the radio")
	}
	t.Awake = p.Now()

	// Connection: pay the handshake when cold, or wait for the one under
	// way; keep the connection in use until the end.
	l.inUse++
	defer l.doneUsing()
	cold, what, err := l.connect(p)
	t.Cold = cold
	if err != nil {
		return fail(err, what)
	}
	l.used = true
	t.Connected = p.Now()

	if what, err := l.moveData(p, ch, &t, hold.release); err != nil {
		return fail(err, what)
	}
	t.End = p.Now()
	return t, nil
}

// radioHold is a transfer's hold on the link's radio (none when the link
// has no radio model), released once.
type radioHold struct {
	l    *Link
	held bool
}

// acquire takes the radio, waiting for its promotion if one is needed.
func (h *radioHold) acquire(p *sim.Proc) error {
	if h.l.radio == nil {
		return nil
	}
	h.held = true
	if ev := h.l.radio.acquire(); ev != nil {
		if _, err := p.Wait(ev); err != nil {
			return err
		}
	}
	return nil
}

// release gives the radio back, at most once.
func (h *radioHold) release() {
	if h.held {
		h.held = false
		h.l.radio.release()
	}
}

// doneUsing ends a transfer's use of the connection; the last one out
// starts the idle time after which the connection goes cold.
func (l *Link) doneUsing() {
	l.inUse--
	if l.inUse == 0 {
		l.idleSince = l.env.Now()
	}
}

// connect waits for the connection: it pays the handshake when the
// connection is cold, or waits for the one under way (and tries again if
// that was interrupted). It reports whether this transfer paid the
// handshake, and on error what it was waiting for.
func (l *Link) connect(p *sim.Proc) (cold bool, what string, err error) {
	for {
		if ev := l.connecting; ev != nil {
			v, err := p.Wait(ev)
			if err != nil {
				return false, "waiting for the handshake", err
			}
			if v == true {
				return false, "", nil
			}
			continue // the handshaking transfer was interrupted: try again
		}
		if !l.cold(l.inUse - 1) { // inUse counts this transfer
			return false, "", nil
		}
		ev := l.env.NewNamedEvent(l.handshake())
		l.connecting = ev
		err := p.Sleep(float64(l.model.Setup(l.RTT())))
		l.connecting = nil
		ev.Succeed(err == nil)
		if err != nil {
			return true, "handshake", err
		}
		return true, "", nil
	}
}

// moveData moves the bytes: a download's first byte needs the latency
// (and jitter) to arrive; an upload's last byte needs it after the flow
// ends. The radio is released (releaseRadio) as soon as the last byte is
// on the air. On error it says what it was waiting for.
func (l *Link) moveData(p *sim.Proc, ch *Channel, t *Transfer, releaseRadio func()) (string, error) {
	delay := float64(ch.latency + t.Jitter)
	if t.Dir == Down {
		if err := p.Sleep(delay); err != nil {
			return "latency", err
		}
	}
	f := ch.startPooled(t.Size, l.model, l.RTT())
	t.FirstByte = p.Now()
	if t.Dir == Up {
		t.FirstByte += delay
	}
	if _, err := p.Wait(f.Done()); err != nil {
		f.Cancel()
		ch.putFlow(f)
		return "flow", err
	}
	ch.putFlow(f)
	releaseRadio()
	if t.Dir == Up {
		if err := p.Sleep(delay); err != nil {
			return "latency", err
		}
	}
	return "", nil
}

// EstimateUpload returns how long an upload of size bytes would take if it
// started now and conditions stayed as they are: the radio's remaining or
// needed promotion, the handshake if the connection is cold, the bytes at
// the max-min share a new flow would get now (under the model's slow start)
// plus the latency and the jitter's mean. It changes nothing and draws no
// random number, so the devices package's `auto` mode can call it freely.
// To estimate many sizes at once, use UploadEstimator.
func (l *Link) EstimateUpload(size units.Bytes) units.Duration {
	e := l.UploadEstimator()
	return e.Time(size)
}

// EstimateDownload is EstimateUpload for the Down channel.
func (l *Link) EstimateDownload(size units.Bytes) units.Duration {
	e := l.DownloadEstimator()
	return e.Time(size)
}

// UploadEstimator returns the conditions of an upload starting now (the
// radio's wait, the handshake, a new flow's share and cap, the latency
// and mean jitter), computed once, to estimate the time of uploads of
// many sizes: Time(size) is EstimateUpload(size) at this instant, without
// an allocation for the constant and tcp models.
func (l *Link) UploadEstimator() Estimator { return l.estimator(l.Up) }

// DownloadEstimator is UploadEstimator for the Down channel.
func (l *Link) DownloadEstimator() Estimator { return l.estimator(l.Down) }

// Estimator predicts transfers on one direction of a link under the
// conditions of the moment it was made (Link.UploadEstimator). The zero
// value is not usable.
type Estimator struct {
	wake    units.Duration // the radio's wait plus the handshake
	latency units.Duration
	jitter  units.Duration // its mean
	share   float64        // bits/s a new flow would get now
	kind    uint8          // estNone, estTCP, estModel
	tcp     tcpLimit       // estTCP: the cap's rounds from the start
	model   Model          // estModel: asked for a fresh limit per size
	rtt     units.Duration
	loss    float64
	peak    units.BitRate
}

const (
	estNone  uint8 = iota // no cap of the flow's own
	estTCP                // the tcp model's slow start and Mathis cap
	estModel              // another model's Limit
)

func (l *Link) estimator(ch *Channel) Estimator {
	var d units.Duration
	if l.radio != nil {
		d += l.radio.wakeDelay()
	}
	if l.connecting != nil || l.cold(l.inUse) {
		d += l.model.Setup(l.RTT())
	}
	e := Estimator{wake: d, latency: ch.latency, jitter: ch.jitter.Expected(), share: ch.waterLevel(math.Inf(1)),
		rtt: l.RTT(), loss: ch.loss, peak: ch.Peak()}
	switch m := l.model.(type) {
	case Constant:
	case TCP:
		if lim, ok := m.limit(e.rtt, e.loss, e.peak); ok {
			e.kind, e.tcp = estTCP, lim
		}
	default:
		e.kind, e.model = estModel, m
	}
	return e
}

// Time returns the estimated time of a transfer of size bytes: the wait
// and handshake, the bytes at the share under the cap, the latency and
// the jitter's mean.
func (e *Estimator) Time(size units.Bytes) units.Duration {
	bits := float64(size) * 8
	var ft float64
	switch e.kind {
	case estNone:
		ft = flowTime(bits, e.share, nil)
	case estTCP:
		ft = e.tcp.flowTime(bits, e.share)
	default:
		ft = flowTime(bits, e.share, e.model.Limit(e.rtt, e.loss, e.peak))
	}
	d := e.wake + units.Duration(ft)
	return d + e.latency + e.jitter
}

// flowTime returns how long bits take at rate share under limit's phases,
// +Inf if they never finish.
func flowTime(bits, share float64, lim RateLimit) float64 {
	t := 0.0
	for bits > 0 {
		capv, dur := math.Inf(1), math.Inf(1)
		if lim != nil {
			c, d := lim.Next()
			capv, dur = float64(c), float64(d)
		}
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
