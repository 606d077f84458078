package lab

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/infersim/infersim/result"
)

// Lesson is a built-in what-if's lesson, filled from its run: the
// question the what-if answers, what to try, what to look for in the
// results, and a question for the student.
type Lesson struct {
	Question string `json:"question"`
	Try      string `json:"try"`
	Look     string `json:"look"`
	Ask      string `json:"ask"`
}

// lessonText is a lesson's template. The templates hold no numbers
// (TestLessonsHaveNoNumbers): every number a lesson shows comes from the
// run, through these actions:
//
//	{{line I}}      the run's conclusion I (in the scenario's order)
//	{{value ID}}    the control's value, as the page labels it
//	{{headline}}    the headline conclusion
//	{{crossover}}   the first crossover conclusion
//	{{ratio}}       the study's headline time ratio, on-device over cloud
//	{{fastest}}     the run's fastest group: model, mode, start and mean
//
// (Not text/template: a program that can call methods by name keeps
// every exported method of every type, which costs the WebAssembly
// simulator megabytes.)
type lessonText struct{ question, try, look, ask string }

var lessons = map[string]lessonText{
	"guo2018": {
		question: "Is it faster to run a CNN on the phone itself or to send the photo to a cloud server, as the study asked?",
		try:      "Lower the uplink bandwidth (now {{value bw}}), raise the round-trip time (now {{value rtt}}), or pick the newer phone.",
		look:     "{{headline}}. The time ratio is now {{ratio}}; the fastest group is {{fastest}}.",
		ask:      "The first on-device request loads the model. Which part of it, load or compute, would have to vanish for the phone to win? Check the breakdown chart.",
	},
	"bandwidth-sweep": {
		question: "Below which uplink bandwidth does running the network on the phone beat sending the photo to the cloud?",
		try:      "Change the round-trip time (now {{value rtt}}), the model or the phone, and watch where the lines of the sweep chart cross.",
		look:     "Warm: {{crossover}}. A cold start moves it: {{line 1}}.",
		ask:      "With the photo resized before upload, {{line 2}}. Why does a smaller upload move the crossover so far?",
	},
	"app-switching": {
		question: "What does a user who keeps switching apps cost a model that runs on the phone?",
		try:      "Raise the memory pressure (now {{value mem}}) or change the phone; compare the GPU framework with the CPU one.",
		look:     "{{line 0}}. {{line 2}}.",
		ask:      "Why does the cloud mode hardly notice the app going to the background?",
	},
	"crowded-cloud": {
		question: "How many phones can share one cloud GPU before each phone is better off with its own GPU?",
		try:      "Move the uplink bandwidth (now {{value bw}}) and the round-trip time (now {{value rtt}}).",
		look:     "{{crossover}}. The server's queue: {{line 1}}.",
		ask:      "The sweep runs the server with and without batching. Why does batching move the crossover?",
	},
	"gc-storm": {
		question: "How do garbage-collection pauses hurt the latency tail of on-device inference?",
		try:      "Raise the memory pressure (now {{value mem}}) or change the model.",
		look:     "{{line 0}}. {{line 1}}.",
		ask:      "Why does the latency tail grow faster than the mean as the pauses grow?",
	},
	"lte-vs-wifi": {
		question: "What does the cellular radio cost the battery, for the same cloud work?",
		try:      "Lower the uplink bandwidth (now {{value bw}}) or change the model.",
		look:     "{{line 0}}. {{crossover}}.",
		ask:      "Why does LTE cost more energy per request when requests are far apart? Think of the radio's tail.",
	},
	"llm-chat": {
		question: "Should a chat with a small language model run on the phone, or stream its tokens from a cloud GPU?",
		try:      "Pick another language model (now {{value llm}}), raise the round-trip time (now {{value rtt}}) or the memory pressure (now {{value mem}}).",
		look:     "{{line 0}}. {{line 1}}. {{line 4}}.",
		ask:      "Why does the phone's first token come later as the prompt grows, while the cloud's hardly moves? Think of prefill and the radio's wake-up.",
	},
	"llm-crowd": {
		question: "How many phones can one cloud GPU serve a chat model before answering on the phone is faster?",
		try:      "Raise the round-trip time (now {{value rtt}}), lower the uplink bandwidth (now {{value bw}}) or lengthen the prompt (now {{value prompt}} tokens).",
		look:     "{{line 0}}. {{line 1}}. {{line 2}}.",
		ask:      "Continuous batching shares each step's read of the weights: why does the server still saturate, and what sets where?",
	},
	"memory-pressure": {
		question: "What does a memory-starved phone do to on-device inference?",
		try:      "Change how often the app goes to the background (now {{value bg}}) and the GC pause scale (now {{value gc}}).",
		look:     "{{line 0}}. {{line 1}}.",
		ask:      "Above which pressure would you send inference to the cloud instead, and why?",
	},
	"modern-phone": {
		question: "Does the cloud still win on a newer phone?",
		try:      "Lower the uplink bandwidth (now {{value bw}}), raise the round-trip time (now {{value rtt}}), or pick a smaller model.",
		look:     "{{line 0}}. {{line 2}}. The fastest group is {{fastest}}.",
		ask:      "On the newer phone, which dominates the first request: loading the model or computing?",
	},
	"sustained-load": {
		question: "Does a phone keep its speed through half an hour of back-to-back inference, or does it heat up and slow down?",
		try:      "Change the model, or the memory pressure (now {{value mem}}), and watch when the CPU starts to throttle.",
		look:     "{{line 4}}. {{line 5}}.",
		ask:      "Which mode would you pick for a long session on a hot day, and does a ranking made in the first minute still hold at the end?",
	},
	"split-inference": {
		question: "Where should a network be cut between the phone and the server?",
		try:      "Raise the round-trip time (now {{value rtt}}) or change the phone.",
		look:     "{{line 0}}. {{line 2}}.",
		ask:      "Why is the best cut on a slow uplink late in the network, where the activations are small?",
	},
}

// lesson fills the lesson of a prepared state's scenario from its run
// (nil for a scenario without one).
func lesson(p *Prepared, run *result.Run, pg *Page) (*Lesson, error) {
	lt, ok := lessons[p.State.Scenario]
	if !ok {
		return nil, nil
	}
	value := func(id string) string {
		for _, c := range p.Controls {
			if c.ID != id {
				continue
			}
			for _, o := range c.Options {
				if o.Value == c.Value {
					return o.Label
				}
			}
			return c.Value
		}
		return "fixed by the scenario"
	}
	cross := strings.TrimSuffix(pg.Crossover, ".")
	if cross == "" {
		cross = "(this run has no crossover)"
	}
	expand := func(action []string) (string, error) {
		switch {
		case len(action) == 2 && action[0] == "line":
			i, err := strconv.Atoi(action[1])
			if err != nil {
				return "", err
			}
			if i < 0 || i >= len(run.Conclusions) {
				return "(this run has no such conclusion)", nil
			}
			return strings.TrimSuffix(run.Conclusions[i], "."), nil
		case len(action) == 2 && action[0] == "value":
			return value(action[1]), nil
		case len(action) == 1 && action[0] == "headline":
			return strings.TrimSuffix(pg.Headline, "."), nil
		case len(action) == 1 && action[0] == "crossover":
			return cross, nil
		case len(action) == 1 && action[0] == "ratio":
			if pg.Ratio == nil {
				return "not defined (no on-device cold and cloud warm requests to compare)", nil
			}
			return fmt.Sprintf("%.3g×", pg.Ratio.Time), nil
		case len(action) == 1 && action[0] == "fastest":
			return fastest(run.Summaries), nil
		}
		return "", fmt.Errorf("unknown action {{%s}}", strings.Join(action, " "))
	}
	var l Lesson
	for _, f := range []struct {
		dst  *string
		text string
	}{{&l.Question, lt.question}, {&l.Try, lt.try}, {&l.Look, lt.look}, {&l.Ask, lt.ask}} {
		var err error
		*f.dst = actionRE.ReplaceAllStringFunc(f.text, func(a string) string {
			v, e := expand(strings.Fields(a[2 : len(a)-2]))
			if e != nil && err == nil {
				err = e
			}
			return v
		})
		if err != nil {
			return nil, fmt.Errorf("lab: lesson %s: %w", p.State.Scenario, err)
		}
	}
	return &l, nil
}

// actionRE matches a lesson template's action.
var actionRE = regexp.MustCompile(`{{[^{}]*}}`)

// fastest names the group with the lowest mean latency.
func fastest(sums []result.Summary) string {
	best := -1
	for i := range sums {
		s := &sums[i]
		if s.Latency.N == 0 {
			continue
		}
		if best < 0 || s.Latency.Mean < sums[best].Latency.Mean {
			best = i
		}
	}
	if best < 0 {
		return "none (no request succeeded)"
	}
	s := &sums[best]
	return fmt.Sprintf("%s %s (%s start, point %d) at %s mean", s.Model, s.Mode, s.Start, s.Point, seconds(s.Latency.Mean))
}

// seconds writes a time in ms below a second, else in s, three digits.
func seconds(x float64) string {
	if x < 1 {
		return fmt.Sprintf("%.3g ms", 1000*x)
	}
	return fmt.Sprintf("%.3g s", x)
}
