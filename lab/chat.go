package lab

import (
	"slices"
	"strconv"
	"strings"

	"github.com/infersim/infersim/devices"
	"github.com/infersim/infersim/models/llm"
	"go.yaml.in/yaml/v3"
)

// The controls of a chat scenario (one with an llm section, issue 21):
// the language model, the chat modes and the turns' lengths, besides the
// network and phone controls that act on a chat (network preset,
// bandwidth, RTT, phones, memory pressure, background). The CNN
// controls (model, phone, GC, batching, modes, split) set fields a chat
// does not read, so a chat scenario does not show them, and a CNN
// scenario does not show these.

// scope says which scenarios a control is for.
type scope int

const (
	anyScenario scope = iota
	cnnOnly           // a scenario of photos (no llm section)
	chatOnly          // a chat (an llm section)
)

// chatSpecs are the chat's own controls, shown after the model control.
var chatSpecs = []spec{
	{id: "llm", label: "Language model", kind: "select", fields: []string{"llm.model"}, scope: chatOnly,
		help:    "The language model the phone and the server run (its config from the zoo; on the phone in llm.format's weights).",
		options: llmModelOptions, cur: func(b *base) string { return b.p0.LLM.Model },
		apply: func(doc *yaml.Node, v string, b *base) { setPath(doc, "llm.model", scalar(v)) }},
	{id: "chatmodes", label: "Chat modes", kind: "checks", fields: []string{"llm.modes"}, scope: chatOnly,
		help:    "Where turns run: on the phone, streamed from the cloud, or per turn by the hybrid rule; each its own cell of the results.",
		options: chatModeOptions, cur: func(b *base) string { return strings.Join(b.p0.LLM.Modes, ",") },
		apply: func(doc *yaml.Node, v string, b *base) {
			setPath(doc, "llm.modes", flowSeq(strings.Split(v, ",")...))
		}},
	{id: "prompt", label: "Prompt tokens", kind: "slider", fields: []string{"llm.prompt.tokens"}, scope: chatOnly,
		help: "The mean length of the user's new prompt in each turn: the phone prefills it, the cloud receives it over the uplink.",
		options: func(b *base) []Option {
			return numeric([]float64{16, 32, 64, 128, 256, 512, 1024, 1536}, float64(b.p0.LLM.Prompt.Tokens), "", true)
		},
		cur:   func(b *base) string { return strconv.Itoa(b.p0.LLM.Prompt.Tokens) },
		apply: func(doc *yaml.Node, v string, b *base) { setPath(doc, "llm.prompt.tokens", scalar(v)) }},
	{id: "output", label: "Answer tokens", kind: "slider", fields: []string{"llm.output.tokens"}, scope: chatOnly,
		help: "The mean length of the answer: decode steps on the phone, streamed chunks from the cloud.",
		options: func(b *base) []Option {
			return numeric([]float64{8, 16, 32, 64, 128, 256, 512}, float64(b.p0.LLM.Output.Tokens), "", true)
		},
		cur:   func(b *base) string { return strconv.Itoa(b.p0.LLM.Output.Tokens) },
		apply: func(doc *yaml.Node, v string, b *base) { setPath(doc, "llm.output.tokens", scalar(v)) }},
}

// cnnControls are the controls that set fields only a scenario of photos
// reads.
var cnnControls = []string{"model", "phone", "gc", "batch", "modes", "split"}

func init() {
	for i := range specs {
		if slices.Contains(cnnControls, specs[i].id) {
			specs[i].scope = cnnOnly
		}
	}
	at := slices.IndexFunc(specs, func(sp spec) bool { return sp.id == "model" }) + 1
	specs = slices.Insert(specs, at, chatSpecs...)
}

func llmModelOptions(b *base) []Option {
	var o []Option
	for _, m := range llm.ZooNames() {
		o = append(o, Option{Value: m, Label: m})
	}
	return o
}

func chatModeOptions(b *base) []Option {
	var o []Option
	for _, m := range devices.ChatModes() {
		o = append(o, Option{Value: m, Label: m})
	}
	return o
}

// inScope reports whether a control is for the scenario's kind.
func (sp *spec) inScope(b *base) bool {
	switch sp.scope {
	case cnnOnly:
		return !b.chat
	case chatOnly:
		return b.chat
	}
	return true
}
