package lab

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/infersim/infersim/scenarios"
)

// TestChatControls: a chat scenario shows the chat's controls and none
// of the CNN's (they set fields a chat does not read), a CNN scenario
// the reverse; a swept field has no control (llm-chat sweeps the prompt
// and answer lengths and the network preset, llm-crowd the phones).
func TestChatControls(t *testing.T) {
	ids := func(name string) []string {
		p, err := Prepare(State{Scenario: name})
		if err != nil {
			t.Fatal(err)
		}
		var v []string
		for _, c := range p.Controls {
			v = append(v, c.ID)
		}
		return v
	}
	for _, tc := range []struct {
		name      string
		has, hasn []string
	}{
		{"llm-chat", []string{"llm", "chatmodes", "rtt", "mem", "bg", "phones"}, append([]string{"prompt", "output", "net", "bw"}, cnnControls...)},
		{"llm-crowd", []string{"llm", "chatmodes", "prompt", "output", "net", "bw", "rtt"}, append([]string{"phones"}, cnnControls...)},
		{"guo2018", []string{"model", "modes", "split", "net"}, []string{"llm", "chatmodes", "prompt", "output"}},
	} {
		got := ids(tc.name)
		for _, id := range tc.has {
			if !slices.Contains(got, id) {
				t.Errorf("%s: no %s control (controls %v)", tc.name, id, got)
			}
		}
		for _, id := range tc.hasn {
			if slices.Contains(got, id) {
				t.Errorf("%s: a %s control (controls %v)", tc.name, id, got)
			}
		}
	}
}

// TestChatControlsPatch: each chat control writes its field into the
// scenario the page runs and the file it offers (which loads with the
// command line's loader to the same scenario); a CNN control's value is
// dropped from a chat's state; bad values are errors naming the control.
func TestChatControlsPatch(t *testing.T) {
	st := State{Scenario: "llm-crowd", Set: map[string]string{"llm": "qwen2.5-0.5b", "chatmodes": "on-device,hybrid",
		"prompt": "64", "output": "32", "net": "5g", "model": "nin", "gc": "4"}}
	p, err := Prepare(st)
	if err != nil {
		t.Fatal(err)
	}
	l := p.Scenario.LLM
	if l.Model != "qwen2.5-0.5b" || strings.Join(l.Modes, ",") != "on-device,hybrid" || l.Prompt.Tokens != 64 || l.Output.Tokens != 32 || p.Scenario.Network.Preset != "5g" {
		t.Errorf("patched llm %+v, network %q", l, p.Scenario.Network.Preset)
	}
	for _, k := range []string{"model", "gc"} {
		if _, ok := p.State.Set[k]; ok {
			t.Errorf("the CNN control %s stays in a chat's state %v", k, p.State.Set)
		}
	}
	file := filepath.Join(t.TempDir(), "llm-crowd.yaml")
	if err := os.WriteFile(file, p.YAML, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := scenarios.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ApplyQuick(); err != nil {
		t.Fatal(err)
	}
	if string(s.YAML()) != string(p.Scenario.YAML()) {
		t.Error("the file loads to another scenario than the page runs")
	}
	for _, bad := range []map[string]string{{"llm": "gpt-5"}, {"chatmodes": "on-device,teleport"}, {"prompt": "7"}} {
		var id string
		for k := range bad {
			id = k
		}
		if _, err := Prepare(State{Scenario: "llm-chat", Set: bad}); err == nil || !strings.Contains(err.Error(), "lab: "+id) {
			t.Errorf("%v: error %v", bad, err)
		}
	}
}

// TestChatControlsRun: the language-model control changes the run as
// theory says: Qwen2.5 0.5B has fewer FLOPs a token than Llama 3.2 1B,
// so its on-device prefill, hence its time to first token, is shorter;
// the modes control leaves only the modes asked for (the page runs
// Prepare's scenario, as here).
func TestChatControlsRun(t *testing.T) {
	ttft := func(set map[string]string) (float64, []string) {
		p, err := Prepare(State{Scenario: "llm-chat", Set: set})
		if err != nil {
			t.Fatal(err)
		}
		res, err := scenarios.Run(context.Background(), p.Scenario, scenarios.Options{Out: t.TempDir(), Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		run := res.Run
		var modes []string
		sum, n := 0.0, 0
		for i := range run.Summaries {
			sm := &run.Summaries[i]
			if !slices.Contains(modes, sm.Mode) {
				modes = append(modes, sm.Mode)
			}
			if st, ok := sm.Metric("llm.ttft"); ok && sm.Mode == "on-device" {
				sum += st.Mean
				n++
			}
		}
		return sum / float64(n), modes
	}
	llama, _ := ttft(map[string]string{"chatmodes": "on-device"})
	qwen, modes := ttft(map[string]string{"chatmodes": "on-device", "llm": "qwen2.5-0.5b"})
	if !(qwen < llama) {
		t.Errorf("on-device TTFT %v s with qwen2.5-0.5b, %v s with llama-3.2-1b", qwen, llama)
	}
	if !slices.Equal(modes, []string{"on-device"}) {
		t.Errorf("modes %v, want [on-device]", modes)
	}
}
