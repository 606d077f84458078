package conclude

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/infersim/infersim/result"
)

// TestSentenceChoice: the most detailed candidate that fits is used, a
// candidate's details are left out before the next candidate is tried,
// and the shortest stands when none fits.
func TestSentenceChoice(t *testing.T) {
	f := &finding{}
	f.say("a long one"+detail(" with a detail"), "short")
	for _, tc := range []struct {
		budget int
		want   string
	}{{100, "a long one with a detail"}, {12, "a long one"}, {5, "short"}, {2, "short"}} {
		if got := f.sentence(tc.budget); got != tc.want {
			t.Errorf("budget %d: %q, want %q", tc.budget, got, tc.want)
		}
	}
	if v := variants("x" + detail("1") + "y" + detail("2")); v[0] != "x1y2" || v[1] != "xy" {
		t.Errorf("variants %q", v)
	}
}

// TestNaming: a class is named by the dimension value that picks exactly
// its groups, a mode family, its labels, or counted.
func TestNaming(t *testing.T) {
	mk := func(model, mode, phone string) *group {
		return &group{label: model + " " + mode + ", phone " + phone, dims: []string{"model", "mode", "phone.device"},
			vals: map[string]string{"model": model, "mode": mode, "phone.device": phone}}
	}
	var all []*group
	for _, ph := range []string{"nexus5", "pixel4"} {
		for _, m := range []string{"alexnet", "nin", "squeezenet"} {
			for _, mode := range []string{"on-device-cpu", "on-device-gpu", "cloud-gpu"} {
				all = append(all, mk(m, mode, ph))
			}
		}
	}
	n := naming{all}
	pick := func(f func(g *group) bool) []*group {
		var out []*group
		for _, g := range all {
			if f(g) {
				out = append(out, g)
			}
		}
		return out
	}
	for _, tc := range []struct {
		name    string
		members []*group
		want    string
	}{
		{"all", all, ""},
		{"a phone", pick(func(g *group) bool { return g.vals["phone.device"] == "pixel4" }), "for phone pixel4"},
		{"a family", pick(func(g *group) bool { return strings.HasPrefix(g.vals["mode"], "on-device") }), "for on-device"},
		{"two models", pick(func(g *group) bool { return g.vals["model"] != "nin" }), "for alexnet and squeezenet"},
		{"one group", all[:1], "for alexnet on-device-cpu, phone nexus5"},
		{"scattered", []*group{all[0], all[4], all[8]}, "in 3 of 18 groups"},
	} {
		if got := n.of(tc.members); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestDefaults: a sweep gets the best mode along the swept number and the
// on-device vs cloud crossovers; a single point the best modes and
// on-device vs cloud compared; a run without cloud or on-device modes the
// best modes alone.
func TestDefaults(t *testing.T) {
	bw := func(v string, x float64) result.Param {
		return result.Param{Name: "network.uplink.bandwidth", Value: v, Number: x}
	}
	var sweep, point, cloudOnly []result.Summary
	for i, b := range []result.Param{bw("1Mbps", 1e6), bw("10Mbps", 1e7)} {
		sweep = append(sweep, sum(i, "alexnet", "on-device-cpu", result.Cold, 5, 10, b), sum(i, "alexnet", "on-device-cpu", result.Warm, 2, 10, b),
			sum(i, "alexnet", "cloud-gpu", result.Warm, 3-float64(i)*2.5, 5, b))
	}
	point = append(point, sum(0, "alexnet", "on-device-cpu", result.Warm, 2, 10), sum(0, "alexnet", "cloud-gpu", result.Warm, 1, 5))
	cloudOnly = append(cloudOnly, sum(0, "alexnet", "cloud-cpu", result.Warm, 2, 10), sum(0, "alexnet", "cloud-gpu", result.Warm, 1, 5))
	kinds := func(sums []result.Summary) string {
		in := NewInput(Context{Replications: 1}, sums)
		var ks []string
		for _, cn := range in.Defaults() {
			c, err := in.Conclusion(&cn, MaxSentence)
			if err != nil {
				t.Fatalf("%+v: %v", cn, err)
			}
			if utf8.RuneCountInString(c.Sentence) > MaxSentence || len(c.Rows) == 0 {
				t.Errorf("%q: too long or no table", c.Sentence)
			}
			ks = append(ks, cn.Kind+":"+cn.Param+":"+cn.Where.Start)
		}
		return strings.Join(ks, " ")
	}
	p := "network.uplink.bandwidth"
	for _, tc := range []struct {
		name string
		sums []result.Summary
		want string
	}{
		{"sweep", sweep, "best:" + p + ": best:" + p + ": crossover:" + p + ":warm crossover:" + p + ":cold crossover:" + p + ":warm"},
		{"point", point, "best:: best:: compare::warm compare::warm"},
		{"cloud only", cloudOnly, "best:: best::"},
	} {
		if got := kinds(tc.sums); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
	}
	in := NewInput(Context{Replications: 1}, sweep)
	c, _ := in.Conclusion(&in.Defaults()[2], MaxSentence)
	if c.Sentence != "mean latency (warm): on-device beats cloud below 2.5 Mbps uplink (no CI)" {
		t.Errorf("crossover: %q", c.Sentence)
	}
}

// TestText: the printed conclusion is the sentence, the table aligned
// under it, and notes wrapped within MaxLine.
func TestText(t *testing.T) {
	c := result.Conclusion{Sentence: "s", Columns: []string{"group", "value"}, Rows: [][]string{{"alexnet", "1 s"}, {"nin", "20 s"}},
		Notes: []string{strings.Repeat("word ", 80)}}
	got := Text(c)
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	if lines[0] != "  - s" || lines[1] != "      group    value" || lines[2] != "      alexnet  1 s" || lines[3] != "      nin      20 s" {
		t.Errorf("text:\n%s", got)
	}
	if len(lines) < 6 {
		t.Errorf("note not wrapped:\n%s", got)
	}
	for _, l := range lines {
		if utf8.RuneCountInString(l) > MaxLine {
			t.Errorf("line of %d: %q", utf8.RuneCountInString(l), l)
		}
	}
}
