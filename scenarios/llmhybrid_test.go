package scenarios

import (
	"strings"
	"testing"
)

// hybridScenario is a hybrid chat of short prompts over the network
// given and the network rule as given.
func hybridScenario(network, rule string) string {
	return `name: hybrid-net
seed: 9
phone: {device: oneplus12}
network: ` + network + `
llm:
  modes: [on-device, cloud, hybrid]
  prompt: {tokens: 64}
  output: {tokens: 16}
  hybrid: {max_prompt: 512, network: ` + rule + `}
workload:
  requests: 3
  start: warm
  warmup: 0
  arrivals: {type: closed, think: 2s}
outputs: {plots: false, requests: false}
`
}

// With llm.hybrid.network ttft, a poor link (LTE at 0.05 Mbps up, 1 s
// each way: the cloud's first token is seconds away, the phone's prefill
// of 64 tokens a quarter of a second) keeps every short prompt on the
// phone, and a good one (home WiFi: a 4.7 ms link, a radio that wakes in
// milliseconds) sends it to the cloud; in each the share on the phone is
// 1 where the phone's measured TTFT is the lower, 0 where the cloud's
// is. Off, every turn goes to the phone (64 tokens ≤ max_prompt). The
// regret sentence states the rule.
func TestChatHybridNetworkRun(t *testing.T) {
	for _, link := range []struct{ name, network string }{
		{"poor", "{preset: lte, uplink: {bandwidth: 0.05Mbps, latency: 1s}, downlink: {latency: 1s}}"},
		{"good", "{preset: home-wifi}"},
	} {
		for _, network := range []string{"off", "ttft"} {
			res := runIn(t, mustParse(t, hybridScenario(link.network, network)), t.TempDir(), 1)
			get := func(mode, metric string) float64 {
				return metricOf(pickAny(t, res.Run, "llama-3.2-1b", mode), metric)
			}
			share := get("hybrid", "llm.on_phone")
			phoneFirst := get("on-device", "llm.ttft") <= get("cloud", "llm.ttft")
			t.Logf("%s link, network %s: on the phone %.2f; TTFT on-device %.3f s, cloud %.3f s, hybrid %.3f s",
				link.name, network, share, get("on-device", "llm.ttft"), get("cloud", "llm.ttft"), get("hybrid", "llm.ttft"))
			want := 1.0
			if network == "ttft" && !phoneFirst {
				want = 0
			}
			if share != want {
				t.Errorf("%s link, network %s: share on the phone %v, want %v", link.name, network, share, want)
			}
			if phoneFirst != (link.name == "poor") {
				t.Fatalf("%s link: the phone first %v; pick another link", link.name, phoneFirst)
			}
			var sentence string
			for _, c := range res.Run.Conclusions {
				if strings.HasPrefix(c, "hybrid (") {
					sentence = c
				}
			}
			if has := strings.Contains(sentence, "TTFT est."); has != (network == "ttft") || sentence == "" {
				t.Errorf("network %s: regret sentence %q", network, sentence)
			}
		}
	}
	if _, err := Parse([]byte(hybridScenario("{preset: lte}", "fast")), "t.yaml", ""); err == nil || !strings.Contains(err.Error(), "t.yaml:9: llm.hybrid.network") {
		t.Errorf("unknown rule: %v", err)
	}
}

// crowdedHybrid is 40 phones chatting over home WiFi (the idle cloud's
// first token a fraction of the phone's) with a server of two running
// sequences, so that a turn queues behind many others; hybrid's rule as
// given.
func crowdedHybrid(hybrid string) string {
	return `name: hybrid-crowd
seed: 5
phone: {device: oneplus12, count: 40}
network: {preset: home-wifi}
llm:
  modes: [hybrid]
  server: {max_seqs: 2}
  prompt: {tokens: 64}
  output: {tokens: 64}
  hybrid: ` + hybrid + `
workload:
  requests: 3
  start: warm
  warmup: 0
  arrivals: {type: closed, think: 2s}
outputs: {plots: false, requests: false}
`
}

// At a crowded server the network rule alone sends every turn to the
// cloud (its idle estimate beats the phone's prefill); the load rule
// sends the first turn there (nothing seen yet) and, having seen the
// queue, some later ones to the phone. With a memory shorter than any
// gap between turns it forgets every delay and chooses as the network
// rule: the same cell, metric for metric.
func TestChatHybridLoadRun(t *testing.T) {
	run := func(hybrid string) *Result {
		return runIn(t, mustParse(t, crowdedHybrid(hybrid)), t.TempDir(), 1)
	}
	get := func(res *Result, metric string) float64 {
		return metricOf(pickAny(t, res.Run, "llama-3.2-1b", "hybrid"), metric)
	}
	ttft := run("{network: ttft}")
	load := run("{network: ttft-load}")
	forgot := run("{network: ttft-load, forget: 1ms}")
	if s := get(ttft, "llm.on_phone"); s != 0 {
		t.Errorf("network ttft: share on the phone %v, want 0", s)
	}
	// Three turns per phone, the first always in the cloud: at most 2/3.
	if s := get(load, "llm.on_phone"); !(s > 0 && s <= 2.0/3) {
		t.Errorf("network ttft-load: share on the phone %v, want in (0, 2/3]", s)
	}
	for _, m := range []string{"llm.on_phone", "llm.ttft", "latency.mean", "llm.energy_per_conversation"} {
		if a, b := get(ttft, m), get(forgot, m); a != b {
			t.Errorf("%s: ttft %v, ttft-load forgetting at once %v", m, a, b)
		}
	}
	t.Logf("TTFT: ttft %.3f s, ttft-load %.3f s (on the phone %.2f)", get(ttft, "llm.ttft"), get(load, "llm.ttft"), get(load, "llm.on_phone"))
	if _, err := Parse([]byte(crowdedHybrid("{network: ttft-load, forget: 0s}")), "t.yaml", ""); err == nil || !strings.Contains(err.Error(), "llm.hybrid.forget") {
		t.Errorf("forget 0: %v", err)
	}
}
