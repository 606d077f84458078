package network

import (
	"fmt"
	"math"
	"sort"

	"github.com/infersim/infersim/internal/suggest"
	"github.com/infersim/infersim/reference"
	"github.com/infersim/infersim/sim"
	"github.com/infersim/infersim/units"
)

// The reference request the presets are fitted to. MDInference's simulator
// (facts N-home, N-campus, N-lte) draws one network transfer time per
// request from normal(mean, sd) but does not say what the request carries.
// We assume, and say so wherever the fit is reported, that it uploads the
// photo resized to the model's input (a 227×227 JPEG of about 25 kB) and
// downloads a small reply (the top-5 labels and HTTP headers, about 1 kB).
const (
	ReferenceUpload units.Bytes = 25 * units.Kilobyte // assumption: a 227×227 JPEG
	ReferenceReply  units.Bytes = 1 * units.Kilobyte  // assumption: top-5 labels + headers
)

// Preset is a named link configuration with its sources.
type Preset struct {
	Name        string
	Description string
	Link        LinkConfig
	Sources     []string
	// Fit, for the presets fitted to a reference transfer-time
	// distribution, says how; nil otherwise.
	Fit *Fit
}

// Fit records how a preset's latency and jitter were chosen so that the
// reference request's transfer time has the mean and standard deviation of
// a published distribution.
//
// The method: the transfer model is tcp with its defaults, the connection
// warm (HTTP keep-alive) and the radio already active (no promotion: the
// reference's spread could not come from a constant 0.26 s promotion
// anyway); both channels have the same one-way latency L and exponential
// jitter of mean μ, one draw per transfer. The request's time is then
// D(L) + J₁ + J₂ with D(L) the deterministic upload-then-reply time and J
// exponential, so its mean is D(L) + 2μ and its sd √2·μ. Matching the
// fact's sd gives μ = sd/√2; matching its mean gives D(L) = mean − √2·sd,
// solved for L by bisection (D grows with L). The bandwidths are fixed
// beforehand (from public medians for LTE, assumed for WiFi).
type Fit struct {
	Fact       string         // reference fact fitted to, e.g. "N-lte"
	TargetMean units.Duration // the fact's mean
	TargetSD   units.Duration // the fact's sd
	Upload     units.Bytes    // ReferenceUpload
	Reply      units.Bytes    // ReferenceReply
	Latency    units.Duration // fitted one-way latency L
	JitterMean units.Duration // fitted exponential jitter mean μ per transfer
	// Deterministic is D(L): the request's time without jitter.
	Deterministic units.Duration
	// Residual is |D(L) + 2μ − mean| + |√2·μ − sd|, the analytic fit's
	// error (bisection tolerance); the simulated error is reported by
	// TestPresetsReproduceReference.
	Residual units.Duration
}

// ReferenceRequests simulates n reference requests (ReferenceUpload up,
// then ReferenceReply down) on the preset's link, one a second, and returns
// each one's time in seconds, as the fit assumes them: a first request
// (cold connection, radio promotion) goes before them and is not counted,
// so that each runs on a warm connection with the radio inside its tail.
// The link's streams come from seed. TestPresetsReproduceReference and
// `infersim validate` compare the times' mean and sd with the preset's
// fact.
func ReferenceRequests(p Preset, seed uint64, n int) ([]float64, error) {
	env := sim.NewEnv()
	defer env.Close()
	l, err := NewLink(env, sim.NewStreams(seed), "link[0]", p.Link)
	if err != nil {
		return nil, err
	}
	xs := make([]float64, 0, n)
	env.Process("requests", func(pr *sim.Proc) error {
		for i := 0; i <= n; i++ {
			start := pr.Now()
			if _, err := l.Upload(pr, ReferenceUpload); err != nil {
				return err
			}
			if _, err := l.Download(pr, ReferenceReply); err != nil {
				return err
			}
			if i > 0 {
				xs = append(xs, pr.Now()-start)
			}
			if err := pr.Sleep(1); err != nil {
				return err
			}
		}
		return nil
	})
	if err := env.Run(); err != nil {
		return nil, err
	}
	return xs, nil
}

// requestTime returns D(L): the deterministic time of an upload of up
// bytes followed by a download of down bytes over tcp (warm, no loss) on
// channels of rates bu and bd with one-way latency L each way.
func requestTime(m TCP, up, down units.Bytes, bu, bd units.BitRate, L float64) float64 {
	rtt := units.Duration(2 * L)
	tUp := flowTime(float64(up)*8, float64(bu), m.Limit(rtt, 0, bu)) + L
	tDown := L + flowTime(float64(down)*8, float64(bd), m.Limit(rtt, 0, bd))
	return tUp + tDown
}

// fitPreset solves the Fit for a fact and fixed bandwidths; it returns an
// error if the fact's mean is too small for the bandwidths (D(0) > mean −
// √2·sd).
func fitPreset(factID string, bu, bd units.BitRate) (*Fit, error) {
	f := reference.MustLookup(factID)
	mean, sd := f.Value, f.SD
	if sd == 0 && f.High > f.Low {
		// A chart's error bar without a stated meaning (MODI's): read as
		// ±1 sd, half its width. An assumption, written in the preset's
		// sources.
		sd = (f.High - f.Low) / 2
	}
	m := DefaultTCP()
	mu := sd / math.Sqrt2
	target := mean - math.Sqrt2*sd
	lo, hi := 0.0, mean
	if requestTime(m, ReferenceUpload, ReferenceReply, bu, bd, lo) > target {
		return nil, fmt.Errorf("network: fit to %s: the bandwidths alone take longer than mean − √2·sd = %v", factID, units.Duration(target))
	}
	for i := 0; i < 200 && hi-lo > 1e-13; i++ {
		mid := (lo + hi) / 2
		if requestTime(m, ReferenceUpload, ReferenceReply, bu, bd, mid) < target {
			lo = mid
		} else {
			hi = mid
		}
	}
	L := (lo + hi) / 2
	D := requestTime(m, ReferenceUpload, ReferenceReply, bu, bd, L)
	return &Fit{
		Fact: factID, TargetMean: units.Duration(mean), TargetSD: units.Duration(sd),
		Upload: ReferenceUpload, Reply: ReferenceReply,
		Latency: units.Duration(L), JitterMean: units.Duration(mu), Deterministic: units.Duration(D),
		Residual: units.Duration(math.Abs(D+2*mu-mean) + math.Abs(math.Sqrt2*mu-sd)),
	}, nil
}

// fittedPreset builds a tcp preset whose latency and jitter come from a fit.
func fittedPreset(name, desc, factID string, bu, bd units.BitRate, radio RadioSpec, sources []string) Preset {
	fit, err := fitPreset(factID, bu, bd)
	if err != nil {
		// The facts and bandwidths are part of the program; TestPresets
		// keeps an infeasible combination from being shipped.
		panic(err)
	}
	j := Jitter{Dist: "exponential", Mean: fit.JitterMean}
	return Preset{
		Name: name, Description: desc, Fit: fit, Sources: sources,
		Link: LinkConfig{
			Model: DefaultTCP(),
			Up:    ChannelConfig{Bandwidth: bu, Latency: fit.Latency, Jitter: j},
			Down:  ChannelConfig{Bandwidth: bd, Latency: fit.Latency, Jitter: j},
			Radio: &radio,
		},
	}
}

// presets are the builtin link presets, fitted once when the program
// starts (about 35 µs): the fit reads only the reference facts, which are
// program data, so it is a table, not a cache, and Presets hands out
// copies. TestPresets keeps an infeasible fit from being shipped (the
// program would not start).
var presets = buildPresets()

// The presets. Their fitted values (TestPresetFits re-derives them by hand):
//
//	preset       up / down          latency L   jitter μ (exp.)  D(L)       fact (mean / sd)
//	home-wifi    20 / 50 Mbps (a)   4.687 ms    34.224 ms        23.552 ms  N-home   92.0 / 48.4 ms
//	campus-wifi  50 / 50 Mbps (a)   2.958 ms    21.779 ms        14.342 ms  N-campus 57.9 / 30.8 ms
//	campus-wifi-modi 50 / 50 Mbps (a) 18.398 ms  38.891 ms     89.218 ms  MODI-transfer-campus 167 / 55 ms (d)
//	lte          6 / 13 Mbps (b)    25.454 ms   120.632 ms       123.435 ms N-lte    364.7 / 170.6 ms
//	3g           0.145 / 1 Mbps (c) 75 ms (a)   none             –          –
//
// (a) assumption, no published source: WiFi rates of a 2017 home
// broadband line and a campus network; the 3G one-way latency. The fit
// needs uplinks fast enough that the 25 kB upload alone fits in
// mean − √2·sd (over 15 Mbps for campus). (b) Huang et al. 2012's median
// LTE rates, facts R-lte-median-up and -down. (c) Computerworld's 2009–10
// 3G smartphone tests: downloads about 0.85–1 Mbps, uploads 100–200 kbps,
// 145 kbps on average. (d) MODI's chart gives an error bar (112–222 ms),
// not an sd: read as ±1 sd. Analytic residuals are below 1e-12 s; the simulated
// mean and sd of 4000 requests are within 3 % of the facts (their
// tolerance is 15 %).
func buildPresets() []Preset {
	bu, bd := units.BitRate(fact("R-lte-median-up")), units.BitRate(fact("R-lte-median-down"))
	umts := UMTSRadio()
	return []Preset{
		fittedPreset("home-wifi", "home WiFi to a cloud server, fitted to MDInference's home network (N-home)", "N-home",
			20*units.Mbps, 50*units.Mbps, WiFiRadio(), []string{
				"fact N-home (MDInference Shared.py): transfer time normal(92.0 ms, 48.4 ms)",
				"bandwidths 20 Mbps up / 50 Mbps down: assumption (no published source)",
				"radio: facts R-wifi-* (AT&T ARO WiFi.conf)",
			}),
		fittedPreset("campus-wifi", "campus WiFi to a nearby server, fitted to MDInference's campus network (N-campus)", "N-campus",
			50*units.Mbps, 50*units.Mbps, WiFiRadio(), []string{
				"fact N-campus (MDInference Shared.py): transfer time normal(57.9 ms, 30.8 ms)",
				"bandwidths 50 Mbps up and down: assumption (no published source)",
				"radio: facts R-wifi-* (AT&T ARO WiFi.conf)",
			}),
		// The same lab's campus WiFi a year earlier, measured with the
		// server whose request handling cloud-gpu-k80 is fitted to (MODI,
		// fact MODI-infer): a scenario that takes MODI's server takes the
		// network measured with it. 2.9× MDInference's campus transfer
		// (N-campus), which went to other servers in another year.
		fittedPreset("campus-wifi-modi", "campus WiFi to an EC2 server, fitted to MODI's campus transfer (MODI-transfer-campus, 2018)", "MODI-transfer-campus",
			50*units.Mbps, 50*units.Mbps, WiFiRadio(), []string{
				"fact MODI-transfer-campus (MODI, images/network_speeds.png): transfer time 167 ms, error bar 112–222 ms",
				"sd 55 ms: the error bar read as ±1 sd (assumption: the chart does not say whether its bars are sd or min/max)",
				"bandwidths 50 Mbps up and down: assumption (no published source), as campus-wifi",
				"radio: facts R-wifi-* (AT&T ARO WiFi.conf)",
			}),
		fittedPreset("lte", "LTE with Huang et al.'s median rates, fitted to MDInference's LTE network (N-lte)", "N-lte",
			bu, bd, LTERadio(), []string{
				"fact N-lte (MDInference Shared.py): transfer time normal(364.7 ms, 170.6 ms)",
				"bandwidths: facts R-lte-median-up (6 Mbps) and R-lte-median-down (13 Mbps), Huang et al., MobiSys 2012",
				"radio: facts R-lte-* (AT&T ARO lte.conf)",
			}),
		{
			Name:        "3g",
			Description: "a 2010 UMTS/HSPA phone link with ARO's 3G RRC machine; rates from 3G smartphone tests, latency assumed",
			Link: LinkConfig{
				Model: DefaultTCP(),
				Up:    ChannelConfig{Bandwidth: 145 * units.Kbps, Latency: 75 * units.Millisecond},
				Down:  ChannelConfig{Bandwidth: 1 * units.Mbps, Latency: 75 * units.Millisecond},
				Radio: &umts,
			},
			Sources: []string{
				"rates: Computerworld, \"AT&T roars back in 3G wireless performance test\" (2010), smartphone tests: downloads ≈ 0.85–1 Mbps, uploads 100–200 kbps (145 kbps average)",
				"latency 75 ms one-way: assumption (no published source)",
				"radio: AT&T ARO inspire.conf (HTC Inspire, AT&T 3G)",
			},
		},
		nrPreset("5g", "5G NSA low-band: median Speedtest rates and latency of Narayanan et al.'s SIGCOMM 2021 dataset, with its radio", "low", nrLow()),
		nrPreset("5g-mmwave", "5G NSA mmWave: median Speedtest rates and latency of Narayanan et al.'s SIGCOMM 2021 dataset, with its radio", "mmw", nrMmWave()),
	}
}

// Presets returns the builtin link presets, sorted by name. Each call
// returns fresh copies that the caller may modify.
func Presets() []Preset {
	out := make([]Preset, len(presets))
	for i, p := range presets {
		out[i] = p.clone()
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// LookupPreset returns the preset with the given name.
func LookupPreset(name string) (Preset, error) {
	var names []string
	for _, p := range Presets() {
		if p.Name == name {
			return p, nil
		}
		names = append(names, p.Name)
	}
	return Preset{}, fmt.Errorf("network: unknown link preset %q%s", name, suggest.DidYouMean(name, names))
}

func (p Preset) clone() Preset {
	if p.Link.Radio != nil {
		r := *p.Link.Radio
		r.Tail = append([]TailState(nil), r.Tail...)
		p.Link.Radio = &r
	}
	if p.Fit != nil {
		f := *p.Fit
		p.Fit = &f
	}
	p.Sources = append([]string(nil), p.Sources...)
	return p
}

// nrPreset is a 5G link: the band's median Speedtest rates (facts
// R-5g-<key>-down, -up) and half its median round-trip latency each way
// (R-5g-<key>-rtt), no jitter (the dataset gives runs, not a transfer
// time distribution to fit one to).
func nrPreset(name, desc, key string, radio RadioSpec) Preset {
	lat := units.Duration(fact("R-5g-"+key+"-rtt")) / 2
	return Preset{
		Name: name, Description: desc,
		Link: LinkConfig{
			Model: DefaultTCP(),
			Up:    ChannelConfig{Bandwidth: units.BitRate(fact("R-5g-" + key + "-up")), Latency: lat},
			Down:  ChannelConfig{Bandwidth: units.BitRate(fact("R-5g-" + key + "-down")), Latency: lat},
			Radio: &radio,
		},
		Sources: []string{
			fmt.Sprintf("rates: facts R-5g-%s-down and R-5g-%s-up, latency: half of R-5g-%s-rtt one-way (Narayanan et al., SIGCOMM 2021 artifact: Ookla Speedtest medians, single connection, servers at a median 1500 km)", key, key, key),
			"jitter: none (assumption; Speedtest medians give no spread)",
			"radio: network.NRRadio (facts R-5g-*, R-lte-*)",
		},
	}
}
