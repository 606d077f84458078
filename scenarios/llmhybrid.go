package scenarios

import "github.com/infersim/infersim/devices"

// The hybrid rule's network condition (devices/llmhybrid.go):
// llm.hybrid.network: ttft keeps a turn on the phone only when its
// estimated time to first token there is at most the cloud's over the
// link as it is when the turn starts; ttft-load adds to the cloud's
// estimate the delay beyond it the phone saw at its last cloud turn's
// first token, forgotten after llm.hybrid.forget (the server's queue, as
// a phone measures it). Off by default, and then nothing changes.

// llmHybridFields are the llm.hybrid fields on the link.
func llmHybridFields() []*field {
	return []*field{
		fld("network", "Network", kEnum, "off: the rule of prompt and battery alone. ttft: besides, a turn runs on the phone only if its estimated time to first token there (the prefill of its new tokens, plus the weights' load when not resident) is at most its estimated time to first token in the cloud (the upload over the link as it is when the turn starts: the radio's promotion, a cold connection's handshake, the bytes at a new flow's share, the latency; the server's prefill of the whole history as if idle; one streamed chunk down), so a poor link keeps a short prompt on the phone and a good one sends it to the cloud. The server's queue and the thermal cap are not estimated. ttft-load: ttft, and the cloud's estimate adds the delay beyond it the phone saw at its last cloud turn's first token (the time from the turn's choice to that token less its estimate, at least 0: the server's queue and batch as the phone measures them, with no signal from the server), unless that delay is older than forget; none seen: the idle estimate.", enum("off", "ttft", "ttft-load"), def("off")),
		fld("forget", "Forget", kDuration, "network: ttft-load: the age past which the phone forgets the delay it saw, so that a phone the delay keeps on the phone, which hears nothing more from the server, estimates the cloud as idle again and its next turn explores it (assumption: a minute).", def("60s"), checks(positive)),
	}
}

// chatPolicy is the scenario's hybrid rule.
func (s *Scenario) chatPolicy() devices.ChatPolicy {
	h := s.LLM.Hybrid
	return devices.ChatPolicy{MaxPrompt: h.MaxPrompt, MinBattery: float64(h.MinBattery),
		Network: h.Network == "ttft" || h.Network == "ttft-load", Load: h.Network == "ttft-load", Forget: float64(h.Forget)}
}
