package lab

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/infersim/infersim/models"
	"github.com/infersim/infersim/network"
	"github.com/infersim/infersim/scenarios"
	"go.yaml.in/yaml/v3"
)

// Control is one control of the page, as the page draws it.
type Control struct {
	// ID is the control's key in the URL.
	ID    string `json:"id"`
	Label string `json:"label"`
	// Kind is "slider" (a value among Options, in their order), "select"
	// or "checks" (any non-empty subset of Options; Value lists them
	// comma-separated).
	Kind string `json:"kind"`
	// Fields are the scenario fields the control overrides.
	Fields []string `json:"fields"`
	// Help says what the control does, in one sentence.
	Help    string   `json:"help"`
	Options []Option `json:"options"`
	// Value is the control's value in the state, Default the scenario's
	// own value (the value a control takes when the state does not set it).
	Value   string `json:"value"`
	Default string `json:"default"`
}

// Option is one value a control can take.
type Option struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// use is what a control needs the scenario to run for it to apply.
type use int

const (
	always   use = iota
	netUse       // a mode that uses the network: cloud, split or auto
	phoneUse     // a mode that computes on the phone: on-device, split or auto
)

// spec defines a control: which fields it overrides, when it applies,
// its values and how a value patches the scenario's document.
type spec struct {
	id, label, kind, help string
	fields                []string
	needs                 use
	// options lists the values, the scenario's own value included; cur
	// is that value. Both read the scenario's first point.
	options func(b *base) []Option
	cur     func(b *base) string
	// apply patches doc with value v (checked against options first).
	apply func(doc *yaml.Node, v string, b *base)
	// scope: the scenarios the control is for (chat.go).
	scope scope
}

// base is what the controls read of a scenario: the scenario as written
// (validated, full size), its first point, its swept paths and the modes
// it runs (over every point).
type base struct {
	s      *scenarios.Scenario
	p0     *scenarios.Scenario
	swept  []string
	modes  []string // every mode of every point; nil when modes are swept and unknown
	models []string // the models the state asks for (after the model control)
	chat   bool     // a chat scenario (chat.go)
}

// specs are the controls in the order the page shows them and the order
// their patches apply (modes before split: split adds to the mode set).
var specs = []spec{
	{id: "model", label: "Model", kind: "select", fields: []string{"models"},
		help:    "The CNN to run; the scenario's conclusions and charts about other models are left out.",
		options: modelOptions, cur: func(b *base) string { return modelValue(b.p0.Models) },
		apply: func(doc *yaml.Node, v string, b *base) {
			if v == allModels {
				return
			}
			setPath(doc, "models", flowSeq(v))
			pruneByModel(doc, v)
		}},
	{id: "phone", label: "Phone", kind: "select", fields: []string{"phone.device", "phone.cpu", "phone.gpu"},
		help:    "The phone and its frameworks' processor profiles (CPU and, where the scenario uses one, GPU).",
		options: phoneOptions, cur: func(b *base) string { return b.p0.Phone.Device },
		apply: func(doc *yaml.Node, v string, b *base) {
			p := phones[v]
			setPath(doc, "phone.device", scalar(v))
			setPath(doc, "phone.cpu", scalar(p.cpu))
			if b.p0.Phone.GPU != "" {
				setPath(doc, "phone.gpu", scalar(p.gpu))
			}
		}},
	{id: "net", label: "Network preset", kind: "select", fields: []string{"network.preset"}, needs: netUse,
		help:    "The access link: bandwidth, latency, jitter and radio of a measured network.",
		options: netOptions, cur: func(b *base) string { return b.p0.Network.Preset },
		apply: func(doc *yaml.Node, v string, b *base) { setPath(doc, "network.preset", scalar(v)) }},
	{id: "bw", label: "Uplink bandwidth", kind: "slider", fields: []string{"network.uplink.bandwidth"}, needs: netUse,
		help: "The phone's upload capacity: the photo (or a split's activation) crosses it.",
		options: func(b *base) []Option {
			return numeric([]float64{0.1, 0.15, 0.25, 0.4, 0.6, 1, 1.5, 2.5, 4, 6, 10, 15, 25, 40, 60, 100}, mbps(b), " Mbps", true)
		},
		cur:   func(b *base) string { return num(mbps(b)) },
		apply: func(doc *yaml.Node, v string, b *base) { setPath(doc, "network.uplink.bandwidth", scalar(v+"Mbps")) }},
	{id: "rtt", label: "Round-trip time", kind: "slider", fields: []string{"network.uplink.latency", "network.downlink.latency"}, needs: netUse,
		help: "Propagation delay there and back, split evenly between the uplink and the downlink.",
		options: func(b *base) []Option {
			return numeric([]float64{2, 5, 10, 20, 30, 50, 75, 100, 150, 200, 300, 500}, rttMS(b), " ms", true)
		},
		cur: func(b *base) string { return num(rttMS(b)) },
		apply: func(doc *yaml.Node, v string, b *base) {
			ms, _ := strconv.ParseFloat(v, 64)
			half := num(ms/2) + "ms"
			setPath(doc, "network.uplink.latency", scalar(half))
			setPath(doc, "network.downlink.latency", scalar(half))
		}},
	{id: "mem", label: "Memory pressure", kind: "slider", fields: []string{"phone.memory.background_pressure"}, needs: phoneUse,
		help: "RAM other apps hold: less heap for the model, more GC, and low-memory kills of a backgrounded app.",
		options: func(b *base) []Option {
			var v []float64
			for p := 0; p <= 90; p += 5 {
				v = append(v, float64(p))
			}
			return numeric(v, 100*float64(b.p0.Phone.Memory.BackgroundPressure), " %", true)
		},
		cur: func(b *base) string { return num(100 * float64(b.p0.Phone.Memory.BackgroundPressure)) },
		apply: func(doc *yaml.Node, v string, b *base) {
			setPath(doc, "phone.memory.background_pressure", scalar(v+"%"))
		}},
	{id: "gc", label: "GC pause scale", kind: "slider", fields: []string{"phone.gc.pause_scale"}, needs: phoneUse,
		help: "Multiplies every garbage-collection pause (1 = the measured anchors).",
		options: func(b *base) []Option {
			return numeric([]float64{0.25, 0.5, 1, 2, 4, 8, 16}, b.p0.Phone.GC.PauseScale, "×", true)
		},
		cur:   func(b *base) string { return num(b.p0.Phone.GC.PauseScale) },
		apply: func(doc *yaml.Node, v string, b *base) { setPath(doc, "phone.gc.pause_scale", scalar(v)) }},
	{id: "bg", label: "Background every", kind: "slider", fields: []string{"phone.lifecycle.background_every"}, needs: phoneUse,
		help: "How often the user sends the app to the background (where it can be killed and must reload its model); off keeps it in front.",
		options: func(b *base) []Option {
			mins := []float64{1, 2, 5, 10, 20, 30, 60}
			if bgMin(b) == 0 { // the scenario keeps the app in front
				return append([]Option{{Value: "off", Label: "off (scenario)"}}, numeric(mins, mins[0], " min", false)...)
			}
			return append([]Option{{Value: "off", Label: "off"}}, numeric(mins, bgMin(b), " min", true)...)
		},
		cur: func(b *base) string {
			if m := bgMin(b); m > 0 {
				return num(m)
			}
			return "off"
		},
		apply: func(doc *yaml.Node, v string, b *base) {
			if v == "off" {
				deletePath(doc, "phone.lifecycle")
				return
			}
			setPath(doc, "phone.lifecycle.background_every", scalar(v+"min"))
			if getPath(doc, "phone.lifecycle.background_for") == nil {
				setPath(doc, "phone.lifecycle.background_for", scalar(defaultBackgroundFor))
			}
		}},
	{id: "phones", label: "Phones", kind: "slider", fields: []string{"phone.count"}, needs: netUse,
		help: "Phones sharing the one cloud server, each on its own link.",
		options: func(b *base) []Option {
			return numeric([]float64{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000}, float64(b.p0.Phone.Count), "", true)
		},
		cur:   func(b *base) string { return strconv.Itoa(b.p0.Phone.Count) },
		apply: func(doc *yaml.Node, v string, b *base) { setPath(doc, "phone.count", scalar(v)) }},
	{id: "batch", label: "Batching (max batch)", kind: "slider", fields: []string{"cloud.batching.max_batch"}, needs: netUse,
		help: "The largest batch a server worker takes from its queue (1 = no batching).",
		options: func(b *base) []Option {
			return numeric([]float64{1, 2, 4, 8, 16, 32, 64}, float64(b.p0.Cloud.Batching.MaxBatch), "", true)
		},
		cur:   func(b *base) string { return strconv.Itoa(b.p0.Cloud.Batching.MaxBatch) },
		apply: func(doc *yaml.Node, v string, b *base) { setPath(doc, "cloud.batching.max_batch", scalar(v)) }},
	{id: "modes", label: "Modes", kind: "checks", fields: []string{"workload.modes"},
		help:    "Where inference runs; each mode is its own cell of the results.",
		options: modeOptions, cur: func(b *base) string { return strings.Join(b.p0.Workload.Modes, ",") },
		apply: func(doc *yaml.Node, v string, b *base) {
			setPath(doc, "workload.modes", flowSeq(strings.Split(v, ",")...))
		}},
	{id: "split", label: "Split point", kind: "select", fields: []string{"workload.modes"}, needs: netUse,
		help:    "Adds split:K to the modes: the first K layers on the phone, the rest on the server.",
		options: splitOptions, cur: func(b *base) string { return "none" },
		apply: func(doc *yaml.Node, v string, b *base) {
			if v == "none" {
				return
			}
			m := getPath(doc, "workload.modes")
			if m == nil || m.Kind != yaml.SequenceNode {
				return
			}
			m.Content = append(m.Content, scalar("split:"+v))
		}},
}

// defaultBackgroundFor is how long the app stays in the background when
// the background control sends it there and the scenario does not say:
// the what-ifs' own choice (app-switching and memory-pressure use 30 s).
const defaultBackgroundFor = "30s"

const allModels = "all"

// phones maps a phone preset to the processor profiles of its CPU and GPU
// frameworks (`infersim presets` lists both).
var phones = map[string]struct{ cpu, gpu string }{
	"nexus5": {"nexus5-caffe-cpu", "nexus5-cnndroid-gpu"},
	"pixel4": {"pixel4-tflite-cpu", "pixel4-tflite-gpu"},
}

func modelValue(ms []string) string {
	if len(ms) == 1 {
		return ms[0]
	}
	return allModels
}

func modelOptions(b *base) []Option {
	var o []Option
	if len(b.p0.Models) > 1 {
		o = append(o, Option{Value: allModels, Label: "all: " + strings.Join(b.p0.Models, ", ")})
	}
	for _, m := range models.ZooNames() {
		o = append(o, Option{Value: m, Label: m})
	}
	return o
}

func phoneOptions(b *base) []Option {
	var o []Option
	for _, n := range []string{"nexus5", "pixel4"} {
		o = append(o, Option{Value: n, Label: n})
	}
	return o
}

func netOptions(b *base) []Option {
	var o []Option
	for _, p := range network.Presets() {
		o = append(o, Option{Value: p.Name, Label: p.Name})
	}
	return o
}

// modeOptions are the modes the scenario's processors can run.
func modeOptions(b *base) []Option {
	var o []Option
	for _, m := range []struct {
		mode string
		ok   bool
	}{
		{"on-device-cpu", b.p0.Phone.CPU != ""},
		{"on-device-gpu", b.p0.Phone.GPU != ""},
		{"cloud-cpu", b.p0.Cloud.CPU != ""},
		{"cloud-gpu", b.p0.Cloud.GPU != ""},
		{"auto", b.p0.Cloud.CPU != "" || b.p0.Cloud.GPU != ""},
	} {
		if m.ok || slices.Contains(b.p0.Workload.Modes, m.mode) {
			o = append(o, Option{Value: m.mode, Label: m.mode})
		}
	}
	for _, m := range b.p0.Workload.Modes {
		if !slices.ContainsFunc(o, func(x Option) bool { return x.Value == m }) {
			o = append(o, Option{Value: m, Label: m})
		}
	}
	return o
}

// splitOptions are the cuts valid for every model the state runs.
func splitOptions(b *base) []Option {
	o := []Option{{Value: "none", Label: "none"}}
	var cuts []int
	for i, name := range b.models {
		net, err := models.Zoo(name)
		if err != nil {
			return o
		}
		var c []int
		for _, sp := range net.SplitPoints() {
			if k := sp.AfterLayer + 1; k < len(net.Layers()) {
				c = append(c, k)
			}
		}
		if i == 0 {
			cuts = c
		} else {
			cuts = slices.DeleteFunc(cuts, func(k int) bool { return !slices.Contains(c, k) })
		}
	}
	for _, k := range cuts {
		o = append(o, Option{Value: strconv.Itoa(k), Label: fmt.Sprintf("split:%d", k)})
	}
	return o
}

func mbps(b *base) float64 { return float64(b.p0.Network.Uplink.Bandwidth) / 1e6 }

func rttMS(b *base) float64 {
	return 1000 * float64(b.p0.Network.Uplink.Latency+b.p0.Network.Downlink.Latency)
}

func bgMin(b *base) float64 { return float64(b.p0.Phone.Lifecycle.BackgroundEvery) / 60 }

// num writes a control's number: at most four significant digits, no
// exponent for the ranges the controls have.
func num(x float64) string { return strconv.FormatFloat(x, 'g', 4, 64) }

// numeric is a slider's options: the values, with the scenario's own value
// cur in its place among them (marked as the scenario's when mark).
func numeric(vals []float64, cur float64, unit string, mark bool) []Option {
	if !slices.ContainsFunc(vals, func(v float64) bool { return num(v) == num(cur) }) {
		vals = append(slices.Clone(vals), cur)
		slices.Sort(vals)
	}
	o := make([]Option, len(vals))
	for i, v := range vals {
		o[i] = Option{Value: num(v), Label: num(v) + unit}
		if mark && num(v) == num(cur) {
			o[i].Label += " (scenario)"
		}
	}
	return o
}

// applies reports whether a control applies to the scenario: it is for
// the scenario's kind (a chat or photos), none of its fields is swept,
// and the scenario runs a mode that needs it.
func (sp *spec) applies(b *base, modes []string) bool {
	if !sp.inScope(b) {
		return false
	}
	for _, f := range sp.fields {
		for _, p := range b.swept {
			if p == f || strings.HasPrefix(f, p+".") || strings.HasPrefix(p, f+".") || strings.HasPrefix(p, f+"[") {
				return false
			}
		}
	}
	if sp.id == "split" && slices.Contains(b.swept, "models") {
		return false
	}
	if modes == nil { // swept modes: any may be there
		return true
	}
	return slices.ContainsFunc(modes, func(m string) bool {
		switch sp.needs {
		case netUse:
			return !strings.HasPrefix(m, "on-device")
		case phoneUse:
			return !strings.HasPrefix(m, "cloud")
		}
		return true
	})
}

func lookupSpec(id string) *spec {
	for i := range specs {
		if specs[i].id == id {
			return &specs[i]
		}
	}
	return nil
}

// check reports whether v is a value of control sp for the scenario.
func (sp *spec) check(b *base, v string) error {
	opts := sp.options(b)
	has := func(x string) bool {
		return slices.ContainsFunc(opts, func(o Option) bool { return o.Value == x })
	}
	if sp.kind == "checks" {
		parts := strings.Split(v, ",")
		for _, p := range parts {
			if !has(p) {
				return fmt.Errorf("lab: %s: %q is not one of %s", sp.id, p, optionList(opts))
			}
		}
		return nil
	}
	if !has(v) {
		return fmt.Errorf("lab: %s: %q is not one of %s", sp.id, v, optionList(opts))
	}
	return nil
}

func optionList(opts []Option) string {
	v := make([]string, len(opts))
	for i, o := range opts {
		v[i] = o.Value
	}
	return strings.Join(v, ", ")
}
