package scenarios

import (
	"github.com/infersim/infersim/units"
)

// A chat turn's life beside its work (issue 21; devices/llmturn.go): a
// per-turn timeout that cancels the turn's request at the server, and
// the server's prefix cache. Both are off by default, and then nothing
// changes.

// llmTurnFields are the llm section's fields on a turn's life.
func llmTurnFields() []*field {
	return []*field{
		fld("timeout", "Timeout", kDuration, "A turn not done this long after it starts ends with outcome timeout; a cloud turn is then cancelled at the server (vLLM's abort: it leaves the batch and its KV blocks are freed for the requests waiting). 0s: workload.timeout applies.", def("0s"), checks(nonNegative), example("30s")),
	}
}

// llmServerTurnFields are the llm.server fields on a request's life.
func llmServerTurnFields() []*field {
	return []*field{
		fld("prefix_cache", "PrefixCache", kBool, "Automatic prefix caching (vLLM enable_prefix_caching): the full KV blocks of a conversation's earlier turns stay cached after they end, so a later turn prefills only the tokens past the blocks still cached; cached blocks no request holds count as free and are evicted least recently used first, a turn's tail blocks before its head.", def("false")),
	}
}

// turnTimeout is a chat turn's timeout: llm.timeout, else
// workload.timeout.
func (s *Scenario) turnTimeout() units.Duration {
	if s.LLM.Timeout > 0 {
		return s.LLM.Timeout
	}
	return s.Workload.Timeout
}
