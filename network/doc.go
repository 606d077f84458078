// Package network simulates a phone's access link to a server: channels
// whose capacity concurrent transfers share, transfer models, bandwidth
// traces, jitter and loss, and the radio power state machines (WiFi, LTE,
// 3G, 5G NSA) whose promotions delay transfers and whose states the energy meter
// integrates. It runs on the sim kernel and knows nothing of phones or
// models.
//
// # Overview
//
// A Link has an Up and a Down Channel, a transfer Model, one connection
// (cold or warm) and optionally a Radio. A transfer (Link.Upload,
// Link.Download) goes through:
//
//  1. wake: the radio's promotion if it is idle (LTE 0.26 s, 3G 2 s), shared
//     by every transfer that arrives during it; then the model's set-up if
//     the connection is cold (tcp: one RTT for SYN and SYN-ACK);
//  2. data: a Flow of the transfer's bytes on the channel, sharing its
//     capacity max-min fairly with the other flows and capped by the
//     model's own limit (tcp: the slow-start window, the Mathis loss bound);
//  3. delivery: the one-way latency plus a jitter draw, after the last byte
//     for an upload, before the first byte for a download.
//
// The Transfer it returns carries the times of each step, so the caller
// can record `wake` ([Start, Connected]) and `upload` ([Connected, End])
// spans.
//
// Transfer models are registered by name (Models, LookupModel):
//
//	constant  T = L + 8·S/B                  the baseline (SimGrid's "raw")
//	tcp       cold: +1 RTT handshake; slow start from 10 segments of
//	          1460 B doubling per RTT; rate ≤ MSS·8/RTT·sqrt(3/2)/sqrt(p)
//
// Their doc comments (Constant, TCP) give the equations, the defaults with
// their sources, what the tcp model leaves out, and worked examples that
// are also tests: a 1 MB upload at 6 Mbps with 20 ms latency takes
// 0.02 + 8e6/6e6 = 1.353 s over constant and 1.414933 s over a cold tcp
// connection (RTT 40 ms).
//
// # Usage
//
//	env := sim.NewEnv()
//	defer env.Close()
//	streams := sim.NewStreams(seed)
//	p, _ := network.LookupPreset("lte")
//	link, err := network.NewLink(env, streams, "link[0]", p.Link)
//	if err != nil { ... }
//	link.Radio().OnPower(meter) // a network.PowerObserver
//	env.Process("request", func(pr *sim.Proc) error {
//		up, err := link.Upload(pr, 25*units.Kilobyte)
//		if err != nil {
//			return err
//		}
//		// up.Wake() is the promotion and handshake; up.End the arrival.
//		_, err = link.Download(pr, units.Kilobyte)
//		return err
//	})
//	_ = env.Run()
//
// StartUpload and StartDownload run a transfer in its own process and
// return it to wait on; EstimateUpload and EstimateDownload predict a
// transfer's time under current conditions (radio state, connection,
// sharing, capacity) without side effects, for the `auto` mode;
// UploadEstimator and DownloadEstimator capture those conditions once to
// predict many sizes without allocating.
//
// # Sharing
//
// A Channel is a fluid resource shared max-min fairly (water-filling over
// the flows' caps), as SimGrid's flow-level models do. It answers two
// questions, when the next flow completes and advance all flows by Δ, and
// one loop drives it: whenever a flow starts or ends, a flow's cap changes
// (a tcp round ends) or the trace steps, the channel advances every flow to
// now, recomputes the rates and reschedules its single timer, cancelling
// the stale one. A transfer's end is never fixed at its start.
//
// # Traces
//
// A Trace is a piecewise-constant capacity; a channel's trace time 0 is
// the moment the channel is made. ParsePlain reads the plain format (one
// `seconds Mbps` pair per line, `#` comments, an optional `period S` line
// to loop; without one the last rate holds for ever); ParseMahimahi reads
// Mahimahi's packet-delivery format (one line per 1500-byte delivery
// opportunity at that millisecond, a millisecond written k times being k
// packets; always looped, with its last timestamp as the period) and
// averages it over windows of 100 ms by default, so n lines in a window
// are n × 120 kbps. Both report errors as "network: file:line: message".
// BuiltinTraceInfos describes the shipped traces for listings.
//
// Three small traces made by us ship embedded (BuiltinTraces, BuiltinTrace);
// traces_gen_test.go generates them deterministically and a test checks the
// committed files against it:
//
//	wifi-steady.txt     20 ± 2 Mbps, 0.5 s steps, 60 s loop
//	lte-drive.txt       a log-rate random walk around 6 Mbps in [0.3, 20] Mbps
//	                    with a 1 s outage every 30 s, 0.5 s steps, 120 s loop
//	lte-drive-up.mahi   the drive's first 20 s in Mahimahi format
//
// Public traces work as they are. Mahimahi's repository (traces/) has the
// cellular drive traces recorded by Winstein et al. (NSDI 2013):
// ATT-LTE-driving.up/.down, ATT-LTE-driving-2016.up/.down,
// TMobile-LTE-driving.up/.down, TMobile-LTE-short.up/.down,
// TMobile-UMTS-driving.up/.down, Verizon-LTE-driving.up/.down,
// Verizon-LTE-short.up/.down and Verizon-EVDO-driving.up/.down. Download
// one and parse it:
//
//	f, _ := os.Open("Verizon-LTE-driving.up")
//	tr, err := network.ParseMahimahi(f, "Verizon-LTE-driving.up", 0)
//	cfg.Up = network.ChannelConfig{Trace: tr, Latency: 25 * units.Millisecond}
//
// They are not included here: they are not ours.
//
// # Radios
//
// A Radio runs a RadioSpec table: idle (paging pulses averaged into one
// power), a promotion out of idle, an active state whose power is
// β + α_up·Mbps_up + α_down·Mbps_down at the link's current throughput, and
// tail states run after the last transfer. LTERadio, WiFiRadio and
// UMTSRadio give AT&T ARO's defaults (the LTE and WiFi numbers come from the
// reference facts R-lte-* and R-wifi-*); NRRadio gives 5G NSA low-band and
// mmWave on LTE's machine, with the timings and power deltas of Narayanan
// et al.'s SIGCOMM 2021 data (facts R-5g-*; what is assumed is listed in
// its doc). The radio reports every change of
// state or power to the PowerObserver installed with OnPower. Transfers
// inside one tail share it: the second pays no promotion and restarts the
// tail once.
//
// # Presets
//
// Presets (Presets, LookupPreset) are link configurations with sources:
// home-wifi, campus-wifi and lte are fitted so that the reference request
// (a 25 kB upload then a 1 kB reply, an assumption: MDInference does not
// state its payload) has the mean and sd of facts N-home, N-campus and
// N-lte; 3g uses ARO's 3G machine; 5g and 5g-mmwave take Narayanan et
// al.'s median Speedtest rates and half the median RTT each way, unfitted
// (facts R-5g-*). Preset.Fit keeps the method, the fitted
// numbers and the residual; the table is in buildPresets' comment.
//
// # Performance
//
// A link's transfers reuse their flows (with their Done events and tcp
// caps), the channel's next-event timer and the radio's state timer are
// sim.Timers: once warm, a transfer allocates nothing (TestTransferAllocs).
// See BenchmarkChannel and BenchmarkLinkRequest.
//
// # Invariants
//
//   - A channel's flows' rates are max-min fair for their caps and sum to at
//     most its capacity; they are recomputed at every start, end, cap change
//     and trace step, and at nothing else.
//   - Channel events closer than 1 ns are merged (timeEps).
//   - A radio is active exactly while some transfer holds it (from the end
//     of its promotion to the last byte on the air); its tail starts when
//     the last one lets go and restarts in full after the next.
//   - The observer sees every state and power change, at the simulated time
//     it happens; power is constant between two reports.
//   - Bad input (trace files, parameters) gets an error naming the file and
//     line or the field, prefixed "network: "; nothing panics on it.
//     Panics are kept for programmer errors, each documented: a negative
//     flow size given to Channel.Start, a RateLimit with a non-positive
//     phase, a radio released more often than acquired, an infeasible
//     builtin preset fit (which a test rules out).
//
// # Determinism
//
// Each channel draws its jitter from its own stream, named
// "<link>/up/jitter" and "<link>/down/jitter", one draw per transfer at its
// start. Simultaneous completions fire in flow start order. So the same
// seed gives the same transfer times, whatever other components draw
// (TestDeterminism).
package network
