package scripttest

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const script = `# first case
cmd a
cmd b
----
out 1
out 2

cmd c
----

# last
cmd d
----
out 3
`

func TestParse(t *testing.T) {
	cases := Parse([]byte(script))
	want := []Case{
		{Lines: []string{"# first case", "cmd a", "cmd b"}, Line: 1, Want: "out 1\nout 2\n"},
		{Lines: []string{"cmd c"}, Line: 8, Want: ""},
		{Lines: []string{"# last", "cmd d"}, Line: 11, Want: "out 3\n"},
	}
	if !reflect.DeepEqual(cases, want) {
		t.Fatalf("got %+v\nwant %+v", cases, want)
	}
	if got := cases[0].Commands(); !reflect.DeepEqual(got, []string{"cmd a", "cmd b"}) {
		t.Errorf("Commands() = %q", got)
	}
}

// TestFormatRoundTrip: formatting the cases with their own transcripts
// gives the script back.
func TestFormatRoundTrip(t *testing.T) {
	cases := Parse([]byte(script))
	got := make([]string, len(cases))
	for i, c := range cases {
		got[i] = c.Want
	}
	if out := string(Format(cases, got)); out != script {
		t.Errorf("round trip:\n%s\nwant:\n%s", out, script)
	}
}

// TestRunRewrite: Run hands each case its commands, and with rewrite
// writes the transcripts it got.
func TestRunRewrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "s.txt")
	if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	var seen [][]string
	Run(t, filepath.Join(dir, "*.txt"), true, func(t *testing.T, cmds []string) string {
		seen = append(seen, cmds)
		return strings.ToUpper(strings.Join(cmds, ";")) + "\n"
	})
	if want := [][]string{{"cmd a", "cmd b"}, {"cmd c"}, {"cmd d"}}; !reflect.DeepEqual(seen, want) {
		t.Errorf("commands %q, want %q", seen, want)
	}
	b, _ := os.ReadFile(path)
	want := "# first case\ncmd a\ncmd b\n----\nCMD A;CMD B\n\ncmd c\n----\nCMD C\n\n# last\ncmd d\n----\nCMD D\n"
	if string(b) != want {
		t.Errorf("rewritten:\n%s\nwant:\n%s", b, want)
	}
}
