package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/infersim/infersim/devices"
	"github.com/infersim/infersim/devices/engine"
	"github.com/infersim/infersim/network"
)

func TestPresetsListsEveryRegistry(t *testing.T) {
	out, _, err := execute(t, "presets")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, title := range []string{"phones (phone.device)", "processor profiles (phone.cpu", "links (network.preset)", "radios (network.radio)", "transfer models (network.model)", "built-in traces (network.uplink.trace"} {
		if !strings.Contains(out, title) {
			t.Errorf("presets lacks the section %q", title)
		}
	}
	want := append(devices.Phones(), engine.ProcessorNames()...)
	want = append(want, network.Radios()...)
	for _, m := range network.Models() {
		want = append(want, m.Name)
	}
	for _, p := range network.Presets() {
		want = append(want, p.Name)
	}
	want = append(want, network.BuiltinTraces()...)
	for _, w := range want {
		if !strings.Contains(out, "\n  "+w+" ") {
			t.Errorf("presets lacks %q:\n%s", w, out)
		}
	}
	if strings.Contains(out, "source:") {
		t.Error("sources without --sources")
	}
	out, _, err = execute(t, "presets", "--sources")
	if err != nil || !strings.Contains(out, "source: RFC 6928 (initial window of 10 segments)") {
		t.Errorf("--sources: %v\n%s", err, out)
	}
}

// TestPresetsShowsARegisteredRadio checks a radio registered in network
// is listed, with no change to the command.
func TestPresetsShowsARegisteredRadio(t *testing.T) {
	err := network.RegisterRadio(network.RadioInfo{Name: "test-nr", Description: "a made-up 5G NR radio", Spec: network.LTERadio})
	if err != nil {
		t.Fatal(err)
	}
	defer network.UnregisterRadio("test-nr")
	out, _, err := execute(t, "presets")
	// The name column is as wide as the longest radio name (5g-mmwave).
	if err != nil || !regexp.MustCompile(`(?m)^ +test-nr +a made-up 5G NR radio$`).MatchString(out) {
		t.Errorf("%v\n%s", err, out)
	}
}
