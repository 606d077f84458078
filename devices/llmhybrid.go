package devices

import (
	"fmt"

	"github.com/infersim/infersim/units"
)

// The hybrid rule's network condition (ChatPolicy.Network): the rule of
// prompt and battery alone sends a short prompt to the phone however good
// the link, and a long one to the cloud however poor. With Network set, a
// turn the prompt-and-battery rule puts on the phone runs there only if
// its estimated time to first token on the phone is at most its
// estimated time to first token in the cloud, both estimated when the
// turn starts from what the phone can know:
//
//	phone  the prefill of the turn's new tokens after its context
//	       (chatPrefill, the runtime's roofline at the top clock), plus
//	       the weights' load from flash if they are not resident
//	cloud  the upload of the turn's request (network.Link's
//	       EstimateUpload: the radio's promotion or tail, a cold
//	       connection's handshake, the bytes at the share a new flow gets
//	       now, the latency and the jitter's mean), the server's prefill
//	       of the whole history at an idle server (llmserve's
//	       LonePrefill: no queue, no batch, no prefix cache), and one
//	       streamed chunk down (its bytes at the downlink's share, the
//	       latency and the jitter's mean; the radio is then awake)
//
// So a poor link (low bandwidth, long latency, a radio asleep on a slow
// promotion) keeps the turn on the phone, a good one sends it to the
// cloud. The estimate ignores the server's queue and the thermal cap;
// the regret against the best fixed choice (llmconclude.go) is what the
// rule costs for that.
//
// The load condition (ChatPolicy.Load) puts the queue back from what the
// phone itself saw: at a hybrid turn's first streamed token the phone
// keeps the delay beyond its estimate (the turn's time from its choice
// to that token less the cloud estimate it chose with, at least 0: the
// idle estimate has no queue or batch to take back), and when it was
// seen; a later turn's cloud estimate is the idle one plus that delay.
// A continuous-batching server's queue and batch slow-down are what the
// idle estimate leaves out, and a phone measures them without any help
// from the server: vLLM exposes its queue as the gauge
// vllm:num_requests_waiting on its Prometheus /metrics endpoint
// (docs.vllm.ai, "Production Metrics"), an operator's endpoint, and we
// did not verify that any server puts it in the streamed chunks a
// client reads. A phone the delay keeps
// on the phone hears nothing new from the server, so the delay is
// forgotten once Forget seconds old: the next turn then estimates the
// cloud as idle, and a turn sent there explores it again. A turn that
// ends before its first token (a timeout, a drop) leaves the last delay
// as it was.

// ttftEstimates returns the turn's estimated time to first token on the
// phone and in the cloud, s.
func (r *chatTurn) ttftEstimates() (phone, cloud float64, err error) {
	ph, cfg, t := r.ph, &r.ph.chat.cfg, r.t
	phone, err = chatPrefill(cfg, t.Context, t.Prompt)
	if err != nil {
		return 0, 0, fmt.Errorf("devices: chat: hybrid estimate: %w", err)
	}
	if !ph.chat.loaded {
		phone += cfg.LoadTime
	}
	l := ph.link
	up := cfg.RequestBytes + float64(t.Context+t.Prompt)*cfg.UpBytesPerToken
	ue, de := l.UploadEstimator(), l.DownloadEstimator()
	// The two estimators share the radio's wait and the handshake; the
	// chunk's own time is the download's estimate less them (an empty
	// upload's estimate less the uplink's latency and mean jitter).
	wait := float64(ue.Time(0) - l.Up.Latency() - l.Up.Jitter().Expected())
	down := float64(de.Time(units.Bytes(cfg.DownBytesPerToken))) - wait
	cloud = float64(ue.Time(units.Bytes(up))) + cfg.Server.LonePrefill(t.Context+t.Prompt) + down
	return phone, cloud, nil
}

// hybridOnPhone is the hybrid rule's choice for the turn: the prompt
// and battery rule, and with Network the estimates' comparison.
func (r *chatTurn) hybridOnPhone() (bool, error) {
	c := r.ph.chat
	pol := &c.cfg.Policy
	short := pol.OnPhone(r.t.Context+r.t.Prompt, r.ph.BatteryLevel())
	// The load rule estimates every turn, so that a turn the prompt or
	// the battery sends to the cloud measures the delay too.
	if !pol.Network || !short && !pol.Load {
		return short, nil
	}
	phone, cloud, err := r.ttftEstimates()
	if err != nil && !short {
		return false, nil // the phone cannot price what it will not run
	}
	if err != nil {
		return false, err
	}
	if pol.Load {
		now := r.ph.env.Now()
		r.decided, r.cloudEst, r.estimated = now, cloud, true
		cloud += c.seen.delay(now, pol.Forget)
	}
	return short && phone <= cloud, nil
}

// cloudSight is the delay beyond the estimate a phone last saw in a
// cloud turn of the load rule.
type cloudSight struct {
	excess, at float64 // s; the time it was seen
	ok         bool    // one was seen
}

// delay is the sight's delay at time now: 0 when none was seen or it is
// more than forget seconds old.
func (s cloudSight) delay(now, forget float64) float64 {
	if !s.ok || now-s.at > forget {
		return 0
	}
	return s.excess
}

// sawFirstToken keeps the delay a hybrid turn of the load rule saw
// beyond its estimate when its first token arrived at now.
func (r *chatTurn) sawFirstToken(now float64) {
	if !r.estimated {
		return
	}
	r.ph.chat.seen = cloudSight{excess: max(0, now-r.decided-r.cloudEst), at: now, ok: true}
}
