package scenarios

import (
	"strings"
	"testing"

	"github.com/infersim/infersim/network"
)

// TestRegisteredRadioIsValid registers a radio in network's registry and
// checks a scenario may name it with no other change: it loads, the link
// gets its state machine, the JSON Schema lists it, and a typo is
// answered with it. Unregistered, it is unknown again.
func TestRegisteredRadioIsValid(t *testing.T) {
	const name = "test-5g-nr"
	nr := func() network.RadioSpec {
		s := network.LTERadio() // a stand-in state machine; only the name matters here
		s.Name = name
		return s
	}
	if err := network.RegisterRadio(network.RadioInfo{Name: name, Description: "a made-up 5G NR radio", Spec: nr}); err != nil {
		t.Fatal(err)
	}
	defer network.UnregisterRadio(name)

	src := "name: nr\nmodels: [alexnet]\nworkload: {modes: [cloud-gpu], requests: 1}\nnetwork: {preset: lte, radio: " + name + "}\n"
	s, err := Parse([]byte(src), "nr.yaml", "")
	if err != nil {
		t.Fatalf("a registered radio is refused: %v", err)
	}
	if r := s.res.link.Radio; r == nil || r.Name != name {
		t.Errorf("the link's radio is %+v", r)
	}
	if !strings.Contains(string(JSONSchema()), `"`+name+`"`) {
		t.Error("the JSON Schema does not list the radio")
	}
	_, err = Parse([]byte(strings.Replace(src, "radio: "+name, "radio: test-5g-mr", 1)), "nr.yaml", "")
	if want := `scenarios: nr.yaml:4: network.radio: unknown value "test-5g-mr" (did you mean "` + name + `"?)`; err == nil || err.Error() != want {
		t.Errorf("typo: got %v, want %s", err, want)
	}
	// A sweep may vary it like a builtin radio.
	sw := src + "sweep: {params: [{path: network.radio, values: [lte, " + name + "]}]}\n"
	if _, err := Parse([]byte(sw), "nr.yaml", ""); err != nil {
		t.Errorf("sweeping the radio: %v", err)
	}

	network.UnregisterRadio(name)
	if _, err := Parse([]byte(src), "nr.yaml", ""); err == nil || !strings.Contains(err.Error(), `unknown value "`+name+`"`) {
		t.Errorf("after UnregisterRadio: %v", err)
	}
}
