package scenarios

import (
	"strings"
	"testing"

	"github.com/infersim/infersim/result"
)

// turnScenario is a cloud chat of three turns of fixed lengths; extra
// goes into the llm section.
func turnScenario(extra string) string {
	return `name: turns
seed: 5
phone: {device: pixel4}
network: {preset: lte}
llm:
  model: llama-3.2-1b
  modes: [cloud, on-device]
  prompt: {tokens: 300}
  output: {tokens: 40}
  turns: 3
` + extra + `workload:
  requests: 2
  start: warm
  warmup: 0
  arrivals: {type: closed, think: 1s}
outputs: {plots: false, requests: false}
`
}

// With the server's prefix cache a conversation's later turns prefill
// only their new tokens: the cloud's first token comes sooner; the phone
// is unaffected (its runtime keeps its own cache either way).
func TestChatPrefixCacheRun(t *testing.T) {
	off := runIn(t, mustParse(t, turnScenario("")), t.TempDir(), 1)
	on := runIn(t, mustParse(t, turnScenario("  server: {prefix_cache: true}\n")), t.TempDir(), 1)
	get := func(r *Result, mode string) float64 {
		return metricOf(pickAny(t, r.Run, "llama-3.2-1b", mode), "llm.ttft")
	}
	if !(get(on, "cloud") < get(off, "cloud")) {
		t.Errorf("cloud TTFT %v with the prefix cache, %v without", get(on, "cloud"), get(off, "cloud"))
	}
	if get(on, "on-device") != get(off, "on-device") {
		t.Errorf("on-device TTFT %v with the server's cache, %v without", get(on, "on-device"), get(off, "on-device"))
	}
}

// llm.timeout ends a turn that takes longer, counted in the success rate;
// the failed turn ends its conversation. Without it workload.timeout
// applies.
func TestChatTurnTimeoutRun(t *testing.T) {
	s := mustParse(t, turnScenario("  timeout: 1s\n"))
	if s.turnTimeout() != 1 {
		t.Fatalf("turn timeout %v", s.turnTimeout())
	}
	res := runIn(t, s, t.TempDir(), 1)
	// On the phone a turn's prefill of 300 tokens alone is over 1 s.
	sm := pickAny(t, res.Run, "llama-3.2-1b", "on-device")
	if sm.Outcomes[result.Timeout] != 2 || sm.Requests != 2 || sm.Success.Mean != 0 {
		t.Errorf("on-device: %d requests, outcomes %v, success %v; want 2 timeouts (one a conversation)", sm.Requests, sm.Outcomes, sm.Success.Mean)
	}
	if d := mustParse(t, turnScenario("")); d.turnTimeout() != d.Workload.Timeout {
		t.Errorf("default turn timeout %v, want workload.timeout %v", d.turnTimeout(), d.Workload.Timeout)
	}
	if _, err := Parse([]byte(turnScenario("  timeout: -1s\n")), "t.yaml", ""); err == nil || !strings.Contains(err.Error(), "llm.timeout") {
		t.Errorf("negative timeout: %v", err)
	}
}
