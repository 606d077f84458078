package scenarios

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// TestEightMistakesOnePass loads testdata/eight-mistakes.yaml, a file with
// eight mistakes of different kinds in different sections, and checks that
// one load reports all eight and nothing else, each with its file, line
// and field: the base value a sweep replaces included (issue 12).
func TestEightMistakesOnePass(t *testing.T) {
	const file = "testdata/eight-mistakes.yaml"
	want := []struct {
		line  int
		field string
		msg   string // a substring of the message
	}{
		{6, "replications", `expected an integer, got "three"`},
		{8, "phone.device", `unknown phone preset "nexus55" (did you mean "nexus5"?)`},
		{10, "phone.memroy", `unknown field (did you mean "memory"?)`},
		{15, "network.uplink.bandwidth", `-5Mbps must be > 0 (the sweep replaces this value, but it is checked as written)`},
		{17, "network.downlink.latency", `unknown duration unit "mbps"`},
		{18, "models[0]", `unknown zoo model "mobilnet" (did you mean "mobilenet-v1"?)`},
		{20, "workload.modes[1]", `on-device-gpu needs a GPU framework: set phone.gpu`},
		{25, "workload.duration", `give requests or duration, not both`},
	}
	_, err := Load(file)
	if err == nil {
		t.Fatal("no error")
	}
	var l ErrorList
	if !errors.As(err, &l) {
		t.Fatalf("error is %T, want ErrorList: %v", err, err)
	}
	if len(l) != len(want) {
		t.Errorf("got %d errors, want %d:\n%v", len(l), len(want), err)
	}
	for i, w := range want {
		if i >= len(l) {
			break
		}
		e := l[i]
		if e.File != file || e.Line != w.line || e.Field != w.field || !strings.Contains(e.Msg, w.msg) {
			t.Errorf("error %d = %q\nwant %s:%d: %s: ...%s...", i, e.Error(), file, w.line, w.field, w.msg)
		}
	}
	// Without the sweep, the same eight mistakes (the bandwidth now
	// plainly wrong): the sweep neither hides nor adds any.
	data, rerr := os.ReadFile(file)
	if rerr != nil {
		t.Fatal(rerr)
	}
	src, _, _ := strings.Cut(string(data), "sweep:")
	_, err = Parse([]byte(src), file, "")
	if !errors.As(err, &l) || len(l) != len(want) {
		t.Fatalf("without the sweep: want %d errors, got:\n%v", len(want), err)
	}
	for i, w := range want {
		if l[i].Line != w.line || l[i].Field != w.field {
			t.Errorf("without the sweep, error %d = %q, want line %d, field %s", i, l[i].Error(), w.line, w.field)
		}
	}
}
