package scenarios

import (
	"sort"
	"strings"

	"github.com/infersim/infersim/devices"
	"github.com/infersim/infersim/devices/engine"
	"github.com/infersim/infersim/models"
	"github.com/infersim/infersim/network"
)

// The names the registry checks against, from the packages that own them.

func zooNames() []string       { return models.ZooNames() }
func phoneNames() []string     { return devices.Phones() }
func processorNames() []string { return engine.ProcessorNames() }

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
	pp, err := engine.ShippedProcessorProfile(name)
	if err != nil {
		return ""
	}
	return pp.Target
}

// processorsFor lists the shipped profiles of a target.
func processorsFor(t engine.Target) []string {
	var n []string
	for _, p := range engine.ProcessorNames() {
		if processorTarget(p) == t {
			n = append(n, p)
		}
	}
	return n
}

var modeList = []string{"on-device-cpu", "on-device-gpu", "cloud-cpu", "cloud-gpu", "split:K", "auto"}

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
