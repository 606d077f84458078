package scenarios

import (
	"sort"
	"strings"

	"github.com/infersim/infersim/devices"
	"github.com/infersim/infersim/devices/engine"
	"github.com/infersim/infersim/models"
	"github.com/infersim/infersim/network"
)

// The names the registry checks against, read from the packages that own
// them every time they are needed: a radio registered in network, a phone
// preset or processor profile shipped in devices, a zoo model is valid in
// a scenario, suggested for a typo, and listed in the JSON Schema without
// a change here.

func zooNames() []string   { return models.ZooNames() }
func phoneNames() []string { return devices.Phones() }

// radioNames lists network's registered radios in registration order,
// then none.
func radioNames() []string {
	var n []string
	for _, r := range network.RadioInfos() {
		n = append(n, r.Name)
	}
	return append(n, "none")
}

// radiosText lists the radios for network.radio's description: "wifi,
// lte, 3g, or none".
func radiosText() string {
	n := radioNames()
	return strings.Join(n[:len(n)-1], ", ") + ", or none"
}

// transferModelNames lists network's registered transfer models.
func transferModelNames() []string {
	var n []string
	for _, m := range network.Models() {
		n = append(n, m.Name)
	}
	return n
}

// transferModelsText describes the transfer models for network.model's
// description: "constant (size/bandwidth + latency) or tcp (...)".
func transferModelsText() string {
	var parts []string
	for _, m := range network.Models() {
		parts = append(parts, m.Name+" ("+m.Brief+")")
	}
	if len(parts) < 2 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
}

func networkPresetNames() []string {
	var n []string
	for _, p := range network.Presets() {
		n = append(n, p.Name)
	}
	return append(n, "none")
}

// builtinTraceNames lists the builtin traces with and without extension.
func builtinTraceNames() []string {
	var n []string
	for _, t := range network.BuiltinTraces() {
		n = append(n, t)
		if i := strings.LastIndexByte(t, '.'); i > 0 {
			n = append(n, t[:i])
		}
	}
	sort.Strings(n)
	return n
}

// processorTarget returns a shipped processor profile's target ("" if
// there is no such profile).
func processorTarget(name string) engine.Target {
	p, _ := engine.LookupProcessor(name)
	return p.Target
}

// processorsFor lists the shipped profiles of a target.
func processorsFor(t engine.Target) []string {
	var n []string
	for _, p := range engine.Processors() {
		if p.Target == t {
			n = append(n, p.Name)
		}
	}
	return n
}

var modeList = []string{"on-device-cpu", "on-device-gpu", "cloud-cpu", "cloud-gpu", "split:K", "auto"}

// modePattern is the JSON Schema pattern of a mode.
const modePattern = `^(on-device-cpu|on-device-gpu|cloud-cpu|cloud-gpu|auto|split:[0-9]+)$`

// parseMode reads a mode with devices.ParseMode and words its error for a
// scenario file.
func parseMode(s string) (devices.Mode, error) {
	m, err := devices.ParseMode(s)
	if err != nil {
		if strings.HasPrefix(s, "split:") {
			return m, errorf("mode %q: the cut after \"split:\" must be an integer ≥ 0", s)
		}
		return m, errorf("unknown mode %q%s", s, didYouMean(s, modeList))
	}
	return m, nil
}

// checkMode is parseMode as the decoder's check of a mode field.
func checkMode(s string) error {
	_, err := parseMode(s)
	return err
}
