package lab

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/infersim/infersim/scenarios"
)

// TestQueryRoundTrip: state → URL → state gives the state back, and the
// same state is always the same URL.
func TestQueryRoundTrip(t *testing.T) {
	for _, st := range []State{
		{Scenario: "guo2018"},
		{Scenario: "bandwidth-sweep", Full: true, Set: map[string]string{"rtt": "100", "model": "nin"}},
		{Scenario: "lte-vs-wifi", Set: map[string]string{"bw": "2.5", "modes": "cloud-gpu,on-device-cpu", "split": "none"}},
		{Scenario: "crowded-cloud", Set: map[string]string{"net": "lte", "phone": "pixel4", "mem": "30", "gc": "4", "bg": "off"}},
	} {
		q := st.Query()
		got, err := ParseQuery("?" + q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if !reflect.DeepEqual(got, st) {
			t.Errorf("%s: got %+v, want %+v", q, got, st)
		}
		if q2 := got.Query(); q2 != q {
			t.Errorf("query %q, then %q", q, q2)
		}
	}
}

func TestParseQueryErrors(t *testing.T) {
	for _, tc := range []struct{ q, want string }{
		{"s=guo2018&colour=red", `unknown key "colour"`},
		{"s=guo2018&size=huge", "neither quick nor full"},
		{"s=guo2018&bw=1&bw=2", "given 2 times"},
		{"s=%zz", "query"},
	} {
		if _, err := ParseQuery(tc.q); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one saying %q", tc.q, err, tc.want)
		}
	}
	if st, err := ParseQuery(""); err != nil || st.Scenario != scenarios.DefaultScenario {
		t.Errorf("empty query: %+v, %v", st, err)
	}
}

func FuzzParseQuery(f *testing.F) {
	for _, q := range []string{"", "s=guo2018", "s=lte-vs-wifi&bw=2.5&size=full", "bw=%41", "s=&&=&"} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		st, err := ParseQuery(q)
		if err != nil {
			return
		}
		back, err := ParseQuery(st.Query())
		if err != nil {
			t.Fatalf("%q parses to %+v whose query %q does not parse: %v", q, st, st.Query(), err)
		}
		if !reflect.DeepEqual(back, st) {
			t.Fatalf("%q: %+v, then %+v", q, st, back)
		}
	})
}

// TestPrepareValues: values equal to the scenario's are dropped, values
// of controls that do not apply are dropped, bad values are errors.
func TestPrepareValues(t *testing.T) {
	p, err := Prepare(State{Scenario: "bandwidth-sweep", Set: map[string]string{"phone": "nexus5", "rtt": "100"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"rtt": "100"}; !reflect.DeepEqual(p.State.Set, want) {
		t.Errorf("set %v, want %v (nexus5 is the scenario's phone)", p.State.Set, want)
	}
	for _, c := range p.Controls {
		if c.ID == "bw" {
			t.Error("bandwidth-sweep sweeps the uplink bandwidth: no bandwidth control")
		}
	}
	// No mode left uses the network: the RTT no longer applies.
	p, err = Prepare(State{Scenario: "lte-vs-wifi", Set: map[string]string{"rtt": "100", "modes": "on-device-cpu"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"modes": "on-device-cpu"}; !reflect.DeepEqual(p.State.Set, want) {
		t.Errorf("set %v, want %v", p.State.Set, want)
	}
	for _, st := range []State{
		{Scenario: "nope"},
		{Scenario: "guo2018", Set: map[string]string{"bw": "7.77"}},
		{Scenario: "guo2018", Set: map[string]string{"modes": "on-device-cpu,teleport"}},
		{Scenario: "guo2018", Set: map[string]string{"split": "999"}},
	} {
		if _, err := Prepare(st); err == nil {
			t.Errorf("%+v: no error", st)
		}
	}
}

// TestDownloadLoadsWithCLI: the scenario file the page offers loads with
// the command line's loader (scenarios.Load, what `infersim run FILE`
// calls) to the scenario the page runs, at either size.
func TestDownloadLoadsWithCLI(t *testing.T) {
	for _, st := range []State{
		{Scenario: "guo2018", Set: map[string]string{"model": "nin", "bw": "1", "split": "7"}},
		{Scenario: "bandwidth-sweep", Full: true, Set: map[string]string{"model": "nin", "rtt": "100"}},
		{Scenario: "memory-pressure", Set: map[string]string{"bg": "off", "gc": "4"}},
		{Scenario: "crowded-cloud", Set: map[string]string{"bw": "1", "rtt": "200", "modes": "on-device-gpu,cloud-gpu"}},
		{Scenario: "split-inference", Set: map[string]string{"phone": "pixel4"}},
	} {
		p, err := Prepare(st)
		if err != nil {
			t.Fatalf("%+v: %v", st, err)
		}
		file := filepath.Join(t.TempDir(), st.Scenario+".yaml")
		if err := os.WriteFile(file, p.YAML, 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := scenarios.Load(file)
		if err != nil {
			t.Fatalf("%+v: the downloaded file does not load: %v\n%s", st, err, p.YAML)
		}
		if !st.Full {
			if err := s.ApplyQuick(); err != nil {
				t.Fatal(err)
			}
		}
		if got, want := s.YAML(), p.Scenario.YAML(); !bytes.Equal(got, want) {
			t.Errorf("%+v: the file loads to another scenario than the page runs", st)
		}
		if !bytes.Contains(p.YAML, []byte("infersim run")) {
			t.Errorf("%+v: the file does not say how to run it", st)
		}
	}
}

// TestLessonsHaveNoNumbers: every number a lesson shows comes from the
// run, so a lesson's template holds no digit outside its actions.
var action = regexp.MustCompile(`{{[^}]*}}`)

func TestLessonsHaveNoNumbers(t *testing.T) {
	for _, name := range Scenarios() {
		lt, ok := lessons[name]
		if !ok {
			t.Errorf("%s has no lesson", name)
			continue
		}
		for _, s := range []string{lt.question, lt.try, lt.look, lt.ask} {
			if strings.IndexFunc(action.ReplaceAllString(s, ""), unicode.IsDigit) >= 0 {
				t.Errorf("%s: the lesson writes a number: %q", name, s)
			}
		}
	}
}

// TestEveryControlValue: every value a control offers loads and
// validates (a control must not offer a value its scenario refuses).
func TestEveryControlValue(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: prepares every option of every control of every what-if")
	}
	for _, name := range Scenarios() {
		p, err := Prepare(State{Scenario: name})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range p.Controls {
			for _, o := range c.Options {
				// A mode set is tried one mode at a time.
				st := State{Scenario: name, Set: map[string]string{c.ID: o.Value}}
				if _, err := Prepare(st); err != nil {
					t.Errorf("%s %s=%s: %v", name, c.ID, o.Value, err)
				}
			}
		}
	}
}
