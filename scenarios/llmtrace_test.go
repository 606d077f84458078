package scenarios

import (
	"strings"
	"testing"
)

func TestParseChatTrace(t *testing.T) {
	tr, err := parseChatTrace(strings.NewReader("# a trace\nprompt_tokens,output_tokens,think_s\n300,120,4.5\n\n 12 , 1 , 0\n"), "t.csv")
	if err != nil {
		t.Fatal(err)
	}
	if !tr.think || len(tr.rows) != 2 || tr.rows[0] != (chatTraceRow{300, 120, 4.5}) || tr.rows[1] != (chatTraceRow{12, 1, 0}) {
		t.Errorf("trace %+v", tr)
	}
	tr, err = parseChatTrace(strings.NewReader("prompt_tokens,output_tokens\r\n5,6\r\n"), "t.csv")
	if err != nil || tr.think || len(tr.rows) != 1 || tr.rows[0] != (chatTraceRow{5, 6, 0}) {
		t.Errorf("trace %+v, %v", tr, err)
	}
	for _, tc := range []struct{ in, want string }{
		{"", "t.csv: no header"},
		{"prompt_tokens,output_tokens\n", "t.csv: no turns"},
		{"prompt,output\n1,2\n", "t.csv:1: header column 1 is \"prompt\""},
		{"prompt_tokens\n1\n", "t.csv:1: header"},
		{"prompt_tokens,output_tokens\n1,2\n3\n", "t.csv:3: 1 fields, want 2"},
		{"prompt_tokens,output_tokens\n1,x\n", "t.csv:2: output_tokens: \"x\" is not a whole number"},
		{"prompt_tokens,output_tokens\n0,2\n", "t.csv:2: prompt_tokens: 0 tokens, want 1 to 131072"},
		{"prompt_tokens,output_tokens,think_s\n# c\n1,2,-1\n", "t.csv:3: think_s: -1 s, want ≥ 0"},
		{"prompt_tokens,output_tokens,think_s\n1,2,NaN\n", "t.csv:2: think_s: \"NaN\" is not a number"},
	} {
		_, err := parseChatTrace(strings.NewReader(tc.in), "t.csv")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want it to contain %q", tc.in, err, tc.want)
		}
	}
}

// The parser never panics, and what it accepts is within its bounds.
func FuzzParseChatTrace(f *testing.F) {
	for _, s := range []string{"prompt_tokens,output_tokens,think_s\n300,120,4.5\n", "prompt_tokens,output_tokens\n1,2\n", "#\n\n", "prompt_tokens,output_tokens\n1,99999999999999999999\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		tr, err := parseChatTrace(strings.NewReader(in), "f.csv")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "scenarios: f.csv") {
				t.Fatalf("error without the file: %v", err)
			}
			return
		}
		if len(tr.rows) == 0 {
			t.Fatal("accepted a trace of no turns")
		}
		for _, r := range tr.rows {
			if r.prompt < 1 || r.output < 1 || r.prompt > maxTraceTokens || r.output > maxTraceTokens || !(r.think >= 0) {
				t.Fatalf("row %+v out of bounds", r)
			}
		}
	})
}
