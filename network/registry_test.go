package network

import (
	"reflect"
	"strings"
	"testing"
)

// TestRadioRegistry checks the builtin radios are registered in the
// documented order, each with a description and sources, under the name
// its spec carries.
func TestRadioRegistry(t *testing.T) {
	var names []string
	for _, r := range RadioInfos() {
		names = append(names, r.Name)
		if r.Description == "" || strings.Contains(r.Description, "\n") {
			t.Errorf("%s: description %q is not one line", r.Name, r.Description)
		}
		if len(r.Sources()) == 0 {
			t.Errorf("%s: no sources", r.Name)
		}
		if got := r.Spec().Name; got != r.Name {
			t.Errorf("%s: spec named %q", r.Name, got)
		}
	}
	if want := []string{"wifi", "lte", "3g", "5g", "5g-mmwave"}; !reflect.DeepEqual(names, want) {
		t.Errorf("registered %v, want %v", names, want)
	}
	if want := []string{"3g", "5g", "5g-mmwave", "lte", "wifi"}; !reflect.DeepEqual(Radios(), want) {
		t.Errorf("Radios() = %v, want sorted %v", Radios(), want)
	}
}

func TestRegisterRadio(t *testing.T) {
	nr := func() RadioSpec {
		s := LTERadio()
		s.Name = "test-nr"
		return s
	}
	for _, tc := range []struct {
		info RadioInfo
		want string
	}{
		{RadioInfo{Name: "lte", Spec: nr}, `network: radio "lte" is already registered`},
		{RadioInfo{Name: "none", Spec: nr}, `network: radio name "none": want lower-case letters, digits and '-', not none`},
		{RadioInfo{Name: "5G NR", Spec: nr}, `network: radio name "5G NR": want lower-case letters, digits and '-', not none`},
		{RadioInfo{Name: "-x", Spec: nr}, `network: radio name "-x": want lower-case letters, digits and '-', not none`},
		{RadioInfo{Name: "test-nr"}, `network: radio "test-nr": no Spec`},
	} {
		if err := RegisterRadio(tc.info); err == nil || err.Error() != tc.want {
			t.Errorf("RegisterRadio(%q): got %v, want %s", tc.info.Name, err, tc.want)
		}
	}
	if err := RegisterRadio(RadioInfo{Name: "test-nr", Description: "a test radio", Spec: nr}); err != nil {
		t.Fatal(err)
	}
	defer UnregisterRadio("test-nr")
	s, err := LookupRadio("test-nr")
	if err != nil || s.Name != "test-nr" {
		t.Fatalf("LookupRadio: %+v, %v", s, err)
	}
	if got := RadioInfos(); got[len(got)-1].Name != "test-nr" {
		t.Errorf("not registered last: %v", got)
	}
	UnregisterRadio("test-nr")
	if _, err := LookupRadio("test-nr"); err == nil || err.Error() != `network: unknown radio "test-nr" (want one of 3g, 5g, 5g-mmwave, lte, wifi)` {
		t.Errorf("after UnregisterRadio: %v", err)
	}
	UnregisterRadio("no-such-radio") // does nothing
	if len(RadioInfos()) != 5 {
		t.Errorf("have %d radios", len(RadioInfos()))
	}
}
