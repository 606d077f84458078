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
