package scenarios

import (
	"math"
	"os"
	"path/filepath"
	"sort"
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

// readChatRecords runs s in dir and returns its records.
func readChatRecords(t *testing.T, s *Scenario, dir string) (*Result, []result.Record) {
	t.Helper()
	res := runIn(t, s, dir, 1)
	f, err := os.Open(filepath.Join(dir, result.RequestsFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var recs []result.Record
	if err := result.ReadRecords(f, "requests.csv", func(r *result.Record) error { recs = append(recs, *r); return nil }); err != nil {
		t.Fatal(err)
	}
	return res, recs
}

// Poisson conversations: n per phone, their first turns at exponential
// gaps of mean 1/rate independent of completions (so several overlap on
// one phone), each of llm.turns turns llm.think apart; every turn counted
// and each conversation once in the energy per conversation.
func TestChatPoissonConversations(t *testing.T) {
	const n, turns = 300, 2
	s := mustParse(t, `name: open
seed: 11
phone: {device: pixel4}
network: {preset: lte}
llm:
  modes: [on-device]
  prompt: {tokens: 16}
  output: {tokens: 8}
  turns: 2
  think: 0.5s
workload:
  requests: 300
  start: warm
  warmup: 0
  arrivals: {type: poisson, rate: 4/s}
`)
	res, recs := readChatRecords(t, s, t.TempDir())
	if len(recs) != n*turns {
		t.Fatalf("%d records, want %d", len(recs), n*turns)
	}
	// A turn is about 0.2 s on the phone, a conversation 0.9 s: at 4/s
	// they overlap (and queue for the phone's worker). A second turn
	// arrives 0.5 s after some turn's end; the first turns are the rest.
	var firsts []float64
	ends := map[float64]bool{}
	for _, r := range recs {
		ends[r.End] = true
	}
	for _, r := range recs {
		if !nearAny(ends, r.Arrival-0.5) {
			firsts = append(firsts, r.Arrival)
		}
	}
	if len(firsts) != n {
		t.Fatalf("%d first turns, want %d", len(firsts), n)
	}
	sort.Float64s(firsts)
	// Mean gap: (last − first)/(n − 1) estimates 1/rate = 0.25 s with a
	// standard error of 0.25/√299 = 0.0145 s; 4 standard errors.
	if gap := (firsts[n-1] - firsts[0]) / (n - 1); math.Abs(gap-0.25) > 4*0.0145 {
		t.Errorf("mean gap between conversations %v s, want 0.25 s", gap)
	}
	overlap := 0
	for i := 1; i < n; i++ {
		if firsts[i]-firsts[i-1] < 0.9 {
			overlap++
		}
	}
	if overlap == 0 {
		t.Error("no conversations overlapped")
	}
	sm := pickAny(t, res.Run, "llama-3.2-1b", "on-device")
	if sm.Outcomes[result.OK] != n*turns {
		t.Errorf("outcomes %v", sm.Outcomes)
	}
	if e, pc := sm.EnergyTotal.Mean*float64(sm.Requests), metricOf(sm, "llm.energy_per_conversation"); math.Abs(e/n/pc-1) > 1e-9 {
		t.Errorf("energy per conversation %v, want %v (each conversation counted once)", pc, e/n)
	}
}

func nearAny(set map[float64]bool, x float64) bool {
	for y := range set {
		if math.Abs(x-y) < 1e-9 {
			return true
		}
	}
	return false
}

// A trace's rows are the turns' lengths, in order, each phone from its
// own row, think_s the pause after each.
func TestChatTraceRun(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "turns.csv"), []byte("prompt_tokens,output_tokens,think_s\n10,3,1\n20,4,2\n30,5,0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	src := `name: traced
seed: 1
phone: {device: pixel4, count: 2}
network: {preset: lte}
llm:
  modes: [on-device]
  turns: 2
  trace: turns.csv
workload:
  requests: 2
  start: warm
  warmup: 0
`
	s, err := Parse([]byte(src), filepath.Join(dir, "traced.yaml"), dir)
	if err != nil {
		t.Fatal(err)
	}
	_, recs := readChatRecords(t, s, t.TempDir())
	if len(recs) != 2*2*2 {
		t.Fatalf("%d records", len(recs))
	}
	byPhone := map[int][]result.Record{}
	for _, r := range recs {
		byPhone[r.Phone] = append(byPhone[r.Phone], r)
	}
	rows := []int{3, 4, 5} // output tokens by row
	thinks := []float64{1, 2, 0}
	for p, rs := range byPhone {
		sort.Slice(rs, func(i, j int) bool { return rs[i].Arrival < rs[j].Arrival })
		for k, r := range rs {
			row := (p + k) % 3
			if r.Tokens != rows[row] {
				t.Errorf("phone %d turn %d: %d tokens, want row %d's %d", p, k, r.Tokens, row, rows[row])
			}
			if k > 0 {
				if gap := r.Arrival - rs[k-1].End; math.Abs(gap-thinks[(p+k-1)%3]) > 1e-9 {
					t.Errorf("phone %d turn %d: %v s after the previous, want its think_s %v", p, k, gap, thinks[(p+k-1)%3])
				}
			}
		}
	}
	s.LLM.Trace = "missing.csv"
	if _, err := prepareLLM(s); err == nil || !strings.Contains(err.Error(), "llm.trace") {
		t.Errorf("missing trace: %v", err)
	}
}

// The server's counters reach the summaries. llm.server.prefix_hit is
// the share of prompt positions the prefix cache spared: three turns of
// 300 new prompt tokens and 40 output tokens need 300 + 640 + 980 = 1,920
// positions; the cache holds the earlier turns' 340 and 680 positions of
// history in whole KV blocks of 16, 336 and 672, so the share is
// 1,008/1,920 = 0.525; 0 without the cache. llm.server.cancelled counts the
// cloud turns a timeout withdrew from the server: none without a timeout;
// with llm.timeout 0.4 s at least one turn is on the server when its time
// runs out (at 0.2–0.3 s they are still uploading, from 0.45 s their last
// token has left the server: nothing to withdraw), and never more than the
// cloud's timeouts.
func TestChatServerCounters(t *testing.T) {
	off := runIn(t, mustParse(t, turnScenario("")), t.TempDir(), 1)
	on := runIn(t, mustParse(t, turnScenario("  server: {prefix_cache: true}\n")), t.TempDir(), 1)
	hit := func(r *Result) float64 {
		return metricOf(pickAny(t, r.Run, "llama-3.2-1b", "cloud"), "llm.server.prefix_hit")
	}
	if h := hit(on); math.Abs(h-1008.0/1920) > 1e-12 {
		t.Errorf("prefix-cache hit share %v, want 1008/1920 = %v", h, 1008.0/1920)
	}
	if h := hit(off); h != 0 {
		t.Errorf("hit share %v without the prefix cache, want 0", h)
	}
	if c := metricOf(pickAny(t, off.Run, "llama-3.2-1b", "cloud"), "llm.server.cancelled"); c != 0 {
		t.Errorf("%v cancellations without a timeout", c)
	}
	ss := mustParse(t, turnScenario("  timeout: 0.4s\n"))
	short := runIn(t, ss, t.TempDir(), 1)
	sm := pickAny(t, short.Run, "llama-3.2-1b", "cloud")
	timeouts := float64(sm.Outcomes[result.Timeout]) / float64(ss.Replications)
	if c := metricOf(sm, "llm.server.cancelled"); !(c >= 1 && c <= timeouts) {
		t.Errorf("%v cancellations per run, want 1..%v (the cloud's timeouts per run; outcomes %v)", c, timeouts, sm.Outcomes)
	}
}

// Times arrivals start each phone's conversations at the listed times,
// independently of completions (the first two overlap: a turn of 16
// prompt tokens is about 0.2 s on the phone), each of llm.turns turns
// llm.think after the previous one's end; the cells count one
// conversation per time; the quick override keeps the first times.
func TestChatTimesConversations(t *testing.T) {
	src := `name: times
seed: 3
phone: {device: pixel4, count: 2}
network: {preset: lte}
llm:
  modes: [on-device, cloud]
  prompt: {tokens: 16}
  output: {tokens: 8}
  turns: 2
  think: 0.5s
workload:
  start: warm
  warmup: 0
  arrivals: {type: times, at: [0s, 0.1s, 7s]}
`
	s := mustParse(t, src)
	for _, c := range s.llmCells() {
		if c.Requests != 3 {
			t.Fatalf("cell %s: %d conversations, want 3 (one per time)", c.Mode, c.Requests)
		}
	}
	_, recs := readChatRecords(t, s, t.TempDir())
	at := []float64{0, 0.1, 7}
	for _, mode := range []string{"on-device", "cloud"} {
		for phone := 0; phone < 2; phone++ {
			var mine []result.Record
			for _, r := range recs {
				if r.Mode == mode && r.Phone == phone {
					mine = append(mine, r)
				}
			}
			if len(mine) != len(at)*2 {
				t.Fatalf("%s phone %d: %d records, want %d", mode, phone, len(mine), len(at)*2)
			}
			ends := map[float64]bool{}
			for _, r := range mine {
				if r.Outcome != result.OK {
					t.Errorf("%s phone %d: turn %d %v", mode, phone, r.Request, r.Outcome)
				}
				ends[r.End] = true
			}
			var firsts []float64
			for _, r := range mine {
				if !nearAny(ends, r.Arrival-0.5) {
					firsts = append(firsts, r.Arrival)
				}
			}
			sort.Float64s(firsts)
			if len(firsts) != len(at) {
				t.Fatalf("%s phone %d: first turns at %v, want %v", mode, phone, firsts, at)
			}
			for i := range at {
				if math.Abs(firsts[i]-at[i]) > 1e-12 {
					t.Errorf("%s phone %d: conversation %d starts at %v s, want %v s", mode, phone, i, firsts[i], at[i])
				}
			}
		}
	}
	if err := s.Override(0, 2); err != nil {
		t.Fatal(err)
	}
	if cs := s.llmCells(); cs[0].Requests != 2 {
		t.Errorf("override to 2 requests: %d conversations", cs[0].Requests)
	}
}
