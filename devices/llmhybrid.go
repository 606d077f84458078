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
	if !c.cfg.Policy.OnPhone(r.t.Context+r.t.Prompt, r.ph.BatteryLevel()) {
		return false, nil
	}
	if !c.cfg.Policy.Network {
		return true, nil
	}
	phone, cloud, err := r.ttftEstimates()
	if err != nil {
		return false, err
	}
	return phone <= cloud, nil
}
