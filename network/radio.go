package network

import (
	"fmt"
	"math"
	"sort"
	"sync"

	"github.com/infersim/infersim/internal/suggest"
	"github.com/infersim/infersim/reference"
	"github.com/infersim/infersim/sim"
	"github.com/infersim/infersim/units"
)

// PowerObserver is told of every change of a radio's power draw, with the
// simulation time, the new power and the new state's name; the devices
// package's energy meter implements it and integrates power × time between
// changes. PowerObserver wraps the PowerChanged method.
type PowerObserver interface {
	PowerChanged(now float64, p units.Power, state string)
}

// PowerFunc adapts a function to a PowerObserver.
type PowerFunc func(now float64, p units.Power, state string)

// PowerChanged calls f.
func (f PowerFunc) PowerChanged(now float64, p units.Power, state string) { f(now, p, state) }

// Promotion is a delay a radio pays at a given power before it can carry
// data, e.g. LTE's RRC IDLE → CONNECTED.
type Promotion struct {
	State string         // the state's name while promoting, e.g. "promotion"
	Delay units.Duration // 0: no promotion
	Power units.Power
}

// TailState is one state a radio runs through after its last transfer,
// for Duration at Power, before the next one (the last one leads to Idle).
// A transfer that starts in it pays its Promotion first (none for LTE's
// DRX states, where data brings the radio straight back to CONNECTED).
type TailState struct {
	Name      string
	Duration  units.Duration
	Power     units.Power
	Promotion Promotion
}

// RadioSpec is a radio power state machine as a table: an idle state, a
// promotion out of it, an active state whose power grows with the
// throughput (Huang et al. 2012's linear model
// P = β + α_up·Mbps_up + α_down·Mbps_down), and the tail states it passes
// through after the last transfer. Durations and powers of periodic pulses
// (LTE DRX and paging) are averaged over their period, as ARO does for DRX.
type RadioSpec struct {
	Name      string
	Idle      string      // the idle state's name
	IdlePower units.Power // average over paging pulses
	Promotion Promotion   // out of Idle
	Active    string      // the active state's name
	Beta      units.Power // active power with no throughput
	AlphaUp   units.Power // extra power per Mbps of uplink throughput
	AlphaDown units.Power // extra power per Mbps of downlink throughput
	Tail      []TailState
	Sources   []string
}

// Validate reports a parameter out of range, naming its field under the
// given prefix (e.g. "radio").
func (s RadioSpec) Validate(field string) error {
	okP := func(p units.Power) bool { return p >= 0 && !math.IsInf(float64(p), 0) }
	okD := func(d units.Duration) bool { return d >= 0 && !math.IsInf(float64(d), 0) }
	names := map[string]string{}
	name := func(n, where string) error {
		if n == "" {
			return fmt.Errorf("network: %s.%s: a state needs a name", field, where)
		}
		if prev, dup := names[n]; dup && prev != where {
			return fmt.Errorf("network: %s.%s: state name %q is also %s", field, where, n, prev)
		}
		names[n] = where
		return nil
	}
	if err := name(s.Idle, "idle"); err != nil {
		return err
	}
	if err := name(s.Active, "active"); err != nil {
		return err
	}
	for _, p := range []struct {
		v    units.Power
		name string
	}{{s.IdlePower, "idle_power"}, {s.Beta, "beta"}, {s.AlphaUp, "alpha_up"}, {s.AlphaDown, "alpha_down"}} {
		if !okP(p.v) {
			return fmt.Errorf("network: %s.%s: %v must be finite and non-negative", field, p.name, p.v)
		}
	}
	check := func(p Promotion, where string) error {
		if !okD(p.Delay) || !okP(p.Power) {
			return fmt.Errorf("network: %s.%s: delay %v and power %v must be finite and non-negative", field, where, p.Delay, p.Power)
		}
		if p.Delay > 0 {
			return name(p.State, where)
		}
		return nil
	}
	if err := check(s.Promotion, "promotion"); err != nil {
		return err
	}
	for i, t := range s.Tail {
		where := fmt.Sprintf("tail[%d]", i)
		if err := name(t.Name, where); err != nil {
			return err
		}
		if !okD(t.Duration) || !okP(t.Power) {
			return fmt.Errorf("network: %s.%s: duration %v and power %v must be finite and non-negative", field, where, t.Duration, t.Power)
		}
		if err := check(t.Promotion, where+".promotion"); err != nil {
			return err
		}
	}
	return nil
}

// TailEnergy returns the energy of the whole tail, from the last transfer
// back to idle: Σ duration × power over the tail states.
func (s RadioSpec) TailEnergy() units.Energy {
	var e units.Energy
	for _, t := range s.Tail {
		e += t.Power.Over(t.Duration)
	}
	return e
}

// TailDuration returns the length of the whole tail.
func (s RadioSpec) TailDuration() units.Duration {
	var d units.Duration
	for _, t := range s.Tail {
		d += t.Duration
	}
	return d
}

// ActivePower returns the active state's power at the given throughputs.
func (s RadioSpec) ActivePower(up, down units.BitRate) units.Power {
	return s.Beta + s.AlphaUp*units.Power(up/units.Mbps) + s.AlphaDown*units.Power(down/units.Mbps)
}

// pulseAverage is the mean power of a state that sits at base power and
// rises to on for `on` seconds every `period` seconds: ARO's DRX energy,
// (on·P_on + (period − on)·P_base)/period.
func pulseAverage(on, period units.Duration, pOn, pBase units.Power) units.Power {
	return (pOn*units.Power(on) + pBase*units.Power(period-on)) / units.Power(period)
}

// Timings of ARO's lte.conf that the reference facts state only in words
// (github.com/attdevsupport/ARO, ARODataAnalyzer/src/lte.conf): the DRX
// on-pulse T_DRX_PING and periods T_SHORT_DRX_PING_PERIOD and
// T_LONG_DRX_PING_PERIOD, and the idle paging pulse T_IDLE_PING every
// T_IDLE_PING_PERIOD.
const (
	lteDRXPing        = 2 * units.Millisecond
	lteShortDRXPeriod = 20 * units.Millisecond
	lteLongDRXPeriod  = 40 * units.Millisecond
	lteIdlePing       = 43 * units.Millisecond
	lteIdlePingPeriod = 1.28 * units.Second
)

func fact(id string) float64 { return reference.MustLookup(id).Value }

// LTERadio returns the LTE RRC state machine with AT&T ARO's defaults
// (facts R-lte-*; Huang et al., MobiSys 2012):
//
//	state       duration               power
//	idle        until a transfer       0.594 W × 43 ms / 1.28 s = 19.96 mW (paging, averaged)
//	promotion   0.26 s                 1.21 W
//	connected   while transferring     1.2 W + 0.43839 W/Mbps·up + 0.05197 W/Mbps·down
//	inactivity  0.1 s                  1.2 W (continuous reception, no data; ARO's CR tail)
//	short-drx   0.02 s                 (2 ms × 1.68 W + 18 ms × 1.06 W)/20 ms = 1.122 W
//	long-drx    10 s                   (2 ms × 1.68 W + 38 ms × 1.06 W)/40 ms = 1.0910 W
//
// then idle again. A transfer in a tail state goes straight back to
// connected, with no promotion (the up-to-40 ms wait for the next DRX
// on-period is left out). The whole tail costs 0.12 + 0.02244 + 10.91 =
// 11.05244 J over 10.12 s (fact R-lte-tail).
func LTERadio() RadioSpec {
	tailP := units.Power(fact("R-lte-long-drx-power"))
	onP := units.Power(fact("R-lte-drx-on-power"))
	beta := units.Power(fact("R-lte-beta"))
	return RadioSpec{
		Name:      "lte",
		Idle:      "idle",
		IdlePower: pulseAverage(lteIdlePing, lteIdlePingPeriod, units.Power(fact("R-lte-idle-paging-power")), 0),
		Promotion: Promotion{State: "promotion",
			Delay: units.Duration(fact("R-lte-promotion-time")), Power: units.Power(fact("R-lte-promotion-power"))},
		Active:    "connected",
		Beta:      beta,
		AlphaUp:   units.Power(fact("R-lte-alpha-up")),
		AlphaDown: units.Power(fact("R-lte-alpha-down")),
		Tail: []TailState{
			{Name: "inactivity", Duration: units.Duration(fact("R-lte-inactivity")), Power: beta},
			{Name: "short-drx", Duration: units.Duration(fact("R-lte-short-drx")), Power: pulseAverage(lteDRXPing, lteShortDRXPeriod, onP, tailP)},
			{Name: "long-drx", Duration: units.Duration(fact("R-lte-long-drx")), Power: pulseAverage(lteDRXPing, lteLongDRXPeriod, onP, tailP)},
		},
		Sources: []string{
			"facts R-lte-promotion-time, R-lte-promotion-power, R-lte-beta, R-lte-alpha-up, R-lte-alpha-down, R-lte-inactivity, R-lte-short-drx, R-lte-long-drx, R-lte-long-drx-power, R-lte-drx-on-power, R-lte-idle-paging-power (AT&T ARO lte.conf; Huang et al., MobiSys 2012)",
			"DRX and paging pulse timings: ARO lte.conf T_DRX_PING, T_SHORT_DRX_PING_PERIOD, T_LONG_DRX_PING_PERIOD, T_IDLE_PING, T_IDLE_PING_PERIOD",
			"DRX averaging and CR-tail power β: ARO ProfileLTE.energy",
		},
	}
}

// WiFiRadio returns the WiFi power model of AT&T ARO's WiFi.conf (facts
// R-wifi-*): active and tail 0.403 W, tail 0.25 s, standby 0.02 W; no
// promotion (waking from power save is left out).
func WiFiRadio() RadioSpec {
	active := units.Power(fact("R-wifi-active"))
	return RadioSpec{
		Name:      "wifi",
		Idle:      "standby",
		IdlePower: units.Power(fact("R-wifi-standby")),
		Active:    "active",
		Beta:      active,
		Tail:      []TailState{{Name: "tail", Duration: units.Duration(fact("R-wifi-tail")), Power: active}},
		Sources:   []string{"facts R-wifi-active, R-wifi-standby, R-wifi-tail (AT&T ARO WiFi.conf)"},
	}
}

// UMTSRadio returns a 3G (UMTS) RRC state machine with the parameters of
// AT&T ARO's 3G device profile for the HTC Inspire on AT&T
// (github.com/attdevsupport/ARO, ARODataAnalyzer/src/inspire.conf; these
// are not yet reference facts):
//
//	state      duration           power
//	idle       until a transfer   0 W
//	idle-dch   2.0 s              0.30 W   (IDLE_DCH_PROMO_AVG, POWER_IDLE_DCH)
//	dch        while transferring 0.60 W   (POWER_DCH)
//	dch-tail   4 s                0.60 W   (DCH_FACH_TIMER)
//	fach       10 s               0.38 W   (FACH_IDLE_TIMER, POWER_FACH)
//
// A transfer during fach is promoted to dch in 1.5 s at 0.49 W
// (FACH_DCH_PROMO_AVG, POWER_FACH_DCH). Left out: ARO's RLC buffer
// thresholds that let small transfers stay in FACH, and the spread of the
// promotion delays (min 1.5 s, max 4 s from IDLE): the averages are used.
func UMTSRadio() RadioSpec {
	return RadioSpec{
		Name:      "3g",
		Idle:      "idle",
		IdlePower: 0,
		Promotion: Promotion{State: "idle-dch", Delay: 2.0, Power: 0.30},
		Active:    "dch",
		Beta:      0.60,
		Tail: []TailState{
			{Name: "dch-tail", Duration: 4, Power: 0.60},
			{Name: "fach", Duration: 10, Power: 0.38, Promotion: Promotion{State: "fach-dch", Delay: 1.5, Power: 0.49}},
		},
		Sources: []string{"AT&T ARO inspire.conf (HTC Inspire, AT&T 3G): DCH_FACH_TIMER, FACH_IDLE_TIMER, IDLE_DCH_PROMO_AVG, FACH_DCH_PROMO_AVG, POWER_*"},
	}
}

// NRRadio returns a 5G NSA (EN-DC) radio for a band, "low" or "mmwave",
// from Narayanan et al.'s SIGCOMM 2021 artifact (facts R-5g-*) on top of
// the LTE machine it is anchored to. Measured there: the promotion out
// of idle (0.32 s), the time to the NR leg (1.70 s) and the whole tail
// from the packet back to idle (12.32 s), in a 5G power trace whose band
// is not stated; the extra connected power of the band over LTE's on the
// same phone (Δβ: 246 mW low-band, 2568 mW mmWave) and its power per
// Mbps (α), from iPerf runs at set rates on a Galaxy S20 Ultra.
//
//	state     duration                 power
//	idle      until a transfer         LTE's (NSA idles on LTE)
//	promotion 0.32 s                   LTE's promotion power
//	connected while transferring       LTE's β + Δβ + α_up·Mbps + α_down·Mbps
//	lte-tail  1.70 s                   LTE's mean tail power (R-lte-tail-power)
//	nr-tail   10.62 s                  LTE's mean tail power + Δβ
//
// Assumptions (no published number read): the powers of idle, promotion
// and the LTE part of the tail are LTE's (ARO); the NR leg is charged Δβ
// for all of its tail, an upper bound where NR's DRX lets it sleep; the
// NR leg is taken as up from the first byte (in the trace it joins
// 1.70 s after LTE connects, so the first 1.7 s of a transfer actually
// run on LTE's rates), and the base's RRC_INACTIVE (SA only) is left out.
// The α of the whole-phone fits is the phone's, not only the modem's.
func NRRadio(band string) (RadioSpec, error) {
	var key, name string
	switch band {
	case "low":
		key, name = "low", "5g"
	case "mmwave":
		key, name = "mmw", "5g-mmwave"
	default:
		return RadioSpec{}, fmt.Errorf("network: unknown 5G band %q (want low or mmwave)", band)
	}
	lte := LTERadio()
	dbeta := units.Power(fact("R-5g-" + key + "-dbeta"))
	ltail := units.Power(fact("R-lte-tail-power"))
	nr := units.Duration(fact("R-5g-nr-addition"))
	return RadioSpec{
		Name:      name,
		Idle:      "idle",
		IdlePower: lte.IdlePower,
		Promotion: Promotion{State: "promotion", Delay: units.Duration(fact("R-5g-promotion-time")), Power: lte.Promotion.Power},
		Active:    "connected",
		Beta:      lte.Beta + dbeta,
		AlphaUp:   units.Power(fact("R-5g-" + key + "-alpha-up")),
		AlphaDown: units.Power(fact("R-5g-" + key + "-alpha-down")),
		Tail: []TailState{
			{Name: "lte-tail", Duration: nr, Power: ltail},
			{Name: "nr-tail", Duration: units.Duration(fact("R-5g-tail")) - nr, Power: ltail + dbeta},
		},
		Sources: []string{
			"timings: facts R-5g-promotion-time, R-5g-nr-addition, R-5g-tail (Narayanan et al., SIGCOMM 2021 artifact, RRC-Power/README.md)",
			fmt.Sprintf("powers: facts R-5g-%s-dbeta, R-5g-%s-alpha-up, R-5g-%s-alpha-down (the artifact's MN-Transfer data, fitted here) on LTE's R-lte-beta", key, key, key),
			"assumptions: idle, promotion and LTE-tail powers are LTE's (ARO lte.conf, facts R-lte-*); the NR tail is charged Δβ throughout; the NR leg is up from the first byte",
		},
	}, nil
}

func nrLow() RadioSpec    { return mustNR("low") }
func nrMmWave() RadioSpec { return mustNR("mmwave") }

// mustNR builds a builtin 5G radio; its bands are program data, so an
// error is a programming error a test catches.
func mustNR(band string) RadioSpec {
	s, err := NRRadio(band)
	if err != nil {
		panic(err)
	}
	return s
}

// RadioInfo describes a registered radio for documentation and for the
// scenario schema: its name (a scenario's network.radio), a one-line
// description, and its state machine with published parameters.
type RadioInfo struct {
	Name        string
	Description string // one line
	// Spec returns the radio's state machine; each call returns a fresh
	// copy the caller may modify. Its Name is the registered name.
	Spec func() RadioSpec
}

// Sources returns where the radio's parameters come from (its spec's
// Sources).
func (r RadioInfo) Sources() []string { return r.Spec().Sources }

// The radio registry, in the order the scenario schema and the docs list
// the radios. A radio's spec is built on lookup (its facts are read then).
var (
	radiosMu sync.RWMutex
	radios   = []RadioInfo{
		{Name: "wifi", Description: "WiFi: active and tail at the same power, a short tail, standby between transfers (AT&T ARO WiFi.conf)", Spec: WiFiRadio},
		{Name: "lte", Description: "LTE RRC: a promotion from idle, then continuous reception, short and long DRX tails (AT&T ARO lte.conf; Huang et al., MobiSys 2012)", Spec: LTERadio},
		{Name: "3g", Description: "3G (UMTS) RRC: IDLE→DCH promotion, DCH and FACH tails, FACH→DCH promotion (AT&T ARO inspire.conf, HTC Inspire on AT&T)", Spec: UMTSRadio},
		{Name: "5g", Description: "5G NSA low-band on an LTE anchor: LTE's promotion, a connected state and a 12.3 s tail from Narayanan et al.'s SIGCOMM 2021 measurements", Spec: nrLow},
		{Name: "5g-mmwave", Description: "5G NSA mmWave on an LTE anchor: as 5g, with mmWave's 2.6 W more connected power and its lower power per Mbps (Narayanan et al., SIGCOMM 2021)", Spec: nrMmWave},
	}
)

// RadioInfos returns the registered radios in the order they were
// registered (the builtin wifi, lte, 3g, 5g and 5g-mmwave first).
func RadioInfos() []RadioInfo {
	radiosMu.RLock()
	defer radiosMu.RUnlock()
	return append([]RadioInfo(nil), radios...)
}

// Radios returns the names of the registered radios, sorted.
func Radios() []string {
	infos := RadioInfos()
	names := make([]string, len(infos))
	for i, r := range infos {
		names[i] = r.Name
	}
	sort.Strings(names)
	return names
}

// RegisterRadio adds a radio to the registry, after the others: from then
// on LookupRadio finds it and a scenario may name it in network.radio. The
// name must be new, lower-case letters, digits and '-', and not "none"
// (a scenario's word for no radio); Spec must be set. A program registers
// its radios before it loads scenarios (in an init function, say).
func RegisterRadio(r RadioInfo) error {
	if !validRadioName(r.Name) {
		return fmt.Errorf("network: radio name %q: want lower-case letters, digits and '-', not none", r.Name)
	}
	if r.Spec == nil {
		return fmt.Errorf("network: radio %q: no Spec", r.Name)
	}
	radiosMu.Lock()
	defer radiosMu.Unlock()
	for _, have := range radios {
		if have.Name == r.Name {
			return fmt.Errorf("network: radio %q is already registered", r.Name)
		}
	}
	radios = append(radios, r)
	return nil
}

// UnregisterRadio removes a radio registered with RegisterRadio (a test's
// or a plug-in's, when it is done with it). Removing an unknown name does
// nothing.
func UnregisterRadio(name string) {
	radiosMu.Lock()
	defer radiosMu.Unlock()
	for i, have := range radios {
		if have.Name == name {
			radios = append(radios[:i:i], radios[i+1:]...)
			return
		}
	}
}

func validRadioName(s string) bool {
	if s == "" || s == "none" || len(s) > 64 {
		return false
	}
	for i, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' && i > 0) {
			return false
		}
	}
	return true
}

// LookupRadio returns the registered radio spec with the given name
// ("lte", "wifi", "3g", or one added with RegisterRadio).
func LookupRadio(name string) (RadioSpec, error) {
	for _, r := range RadioInfos() {
		if r.Name == name {
			return r.Spec(), nil
		}
	}
	return RadioSpec{}, fmt.Errorf("network: unknown radio %q%s", name, suggest.DidYouMean(name, Radios()))
}

type radioMode uint8

const (
	modeIdle radioMode = iota
	modePromotion
	modeActive
	modeTail
)

// Radio is a running radio power state machine, driven by the link's
// transfers through kernel timers (no goroutine of its own): a transfer
// acquires the radio (waiting for a promotion if one is needed), the
// radio is active while at least one transfer holds it, and when the last
// one releases it the radio runs through its tail states, each a
// cancellable timer, back to idle. A transfer arriving during the tail
// cancels the tail: transfers inside one tail share it.
type Radio struct {
	env   *sim.Env
	spec  *RadioSpec // shared with the other links of its template
	mode  radioMode
	tail  int // index of the tail state when mode == modeTail
	users int

	promoDone *sim.Event // succeeds when the running promotion ends
	spare     *sim.Event // the last promotion's event, reused once processed
	names     map[string]string
	promoEnd  float64
	timer     *sim.Timer // the promotion's end or the tail state's

	up, down float64 // throughput, bits/s
	state    string
	power    units.Power
	since    float64
	energy   float64
	obs      PowerObserver
	changes  int
}

// NewRadio returns a radio in its idle state. It returns an error if the
// spec is invalid.
func NewRadio(env *sim.Env, spec RadioSpec) (*Radio, error) {
	if err := spec.Validate("radio"); err != nil {
		return nil, err
	}
	return newRadio(env, &spec), nil
}

// newRadio is NewRadio for a validated spec, which the radio shares (it
// never changes it).
func newRadio(env *sim.Env, spec *RadioSpec) *Radio {
	r := &Radio{env: env, spec: spec, state: spec.Idle, power: spec.IdlePower, since: env.Now()}
	r.timer = env.NewTimer(r.onTimer)
	return r
}

// Spec returns the radio's spec.
func (r *Radio) Spec() RadioSpec { return *r.spec }

// State returns the current state's name.
func (r *Radio) State() string { return r.state }

// Power returns the current power draw.
func (r *Radio) Power() units.Power { return r.power }

// Energy returns the energy spent since the radio was made, up to now.
func (r *Radio) Energy() units.Energy {
	return units.Energy(r.energy + float64(r.power)*(r.env.Now()-r.since))
}

// OnPower installs o as the radio's observer, replacing any other, and
// tells it the current state at once; nil removes it.
func (r *Radio) OnPower(o PowerObserver) {
	r.obs = o
	if o != nil {
		o.PowerChanged(r.env.Now(), r.power, r.state)
	}
}

// set moves to state at power p, integrating the energy so far and
// telling the observer if anything changed.
func (r *Radio) set(state string, p units.Power) {
	if state == r.state && p == r.power {
		return
	}
	now := r.env.Now()
	r.energy += float64(r.power) * (now - r.since)
	r.since = now
	r.state, r.power = state, p
	r.changes++
	if r.obs != nil {
		r.obs.PowerChanged(now, p, state)
	}
}

func (r *Radio) stopTimer() {
	r.timer.Stop()
}

// acquire registers a transfer that needs the radio. It returns the event
// to wait on before sending when a promotion runs, nil when the radio can
// carry data now.
func (r *Radio) acquire() *sim.Event {
	r.users++
	switch r.mode {
	case modePromotion:
		return r.promoDone
	case modeActive:
		return nil
	case modeIdle:
		return r.promote(r.spec.Promotion)
	default: // modeTail
		r.stopTimer()
		return r.promote(r.spec.Tail[r.tail].Promotion)
	}
}

// promote starts promotion p, or goes active at once if p has no delay.
func (r *Radio) promote(p Promotion) *sim.Event {
	if p.Delay <= 0 {
		r.goActive()
		return nil
	}
	r.mode = modePromotion
	r.promoDone = r.promoEvent(p.State)
	r.promoEnd = r.env.Now() + float64(p.Delay)
	r.set(p.State, p.Power)
	r.timer.Reset(float64(p.Delay))
	return r.promoDone
}

// promoEvent returns a pending event named after the radio and a
// promotion state, reusing the last promotion's event once processed.
func (r *Radio) promoEvent(state string) *sim.Event {
	name, ok := r.names[state]
	if !ok {
		if r.names == nil {
			r.names = map[string]string{}
		}
		name = r.spec.Name + " " + state
		r.names[state] = name
	}
	if ev := r.spare; ev != nil && ev.Processed() && ev.Name() == name {
		ev.Reset()
		return ev
	}
	ev := r.env.NewNamedEvent(name)
	r.spare = ev
	return ev
}

// onTimer ends the promotion or the tail state the timer was set for.
func (r *Radio) onTimer() {
	switch r.mode {
	case modePromotion:
		r.endPromotion()
	case modeTail:
		r.enterTail(r.tail + 1)
	}
}

func (r *Radio) endPromotion() {
	ev := r.promoDone
	r.promoDone = nil
	if r.users > 0 {
		r.goActive()
	} else {
		r.enterTail(0)
	}
	ev.Succeed(nil)
}

func (r *Radio) goActive() {
	r.mode = modeActive
	r.set(r.spec.Active, r.spec.ActivePower(units.BitRate(r.up), units.BitRate(r.down)))
}

// release ends one transfer's hold; the last one starts the tail.
func (r *Radio) release() {
	if r.users <= 0 {
		panic("network: radio released more often than acquired")
	}
	r.users--
	if r.users == 0 && r.mode == modeActive {
		r.enterTail(0)
	}
}

// enterTail moves to tail state i, or to idle after the last one.
func (r *Radio) enterTail(i int) {
	if i >= len(r.spec.Tail) {
		r.mode = modeIdle
		r.set(r.spec.Idle, r.spec.IdlePower)
		return
	}
	t := r.spec.Tail[i]
	r.mode, r.tail = modeTail, i
	r.set(t.Name, t.Power)
	r.timer.Reset(float64(t.Duration))
}

// setRates records the link's current throughputs; in the active state
// the power follows them.
func (r *Radio) setRates(up, down float64) {
	if up == r.up && down == r.down {
		return
	}
	r.up, r.down = up, down
	if r.mode == modeActive {
		r.set(r.spec.Active, r.spec.ActivePower(units.BitRate(up), units.BitRate(down)))
	}
}

// wakeDelay returns how long a transfer starting now would wait for the
// radio, without changing anything.
func (r *Radio) wakeDelay() units.Duration {
	switch r.mode {
	case modePromotion:
		return units.Duration(r.promoEnd - r.env.Now())
	case modeIdle:
		return r.spec.Promotion.Delay
	case modeTail:
		return r.spec.Tail[r.tail].Promotion.Delay
	}
	return 0
}
