// Package scripttest runs data-driven interaction scripts, after
// etcd-io/raft's interaction tests (interaction_test.go,
// rafttest/interaction_env_handler.go): a package's tests keep
// testdata/*.txt files of cases, each a few commands, a line `----` and the
// transcript the commands are expected to print; cases are separated by a
// blank line, and lines starting with # are comments. The package under
// test supplies what the commands mean (a Handler); this package parses
// the files, compares the transcripts and, with the package's -rewrite
// flag, writes the files back with the transcripts it got, for review as a
// diff.
//
// # File format
//
//	# LTE: one isolated 1 MB upload.
//	link radio=lte up=6Mbps
//	upload 1MB
//	run
//	----
//	  1.613333 s  upload#1 1 MB done: ...
//
//	# the next case
//	...
//
// A transcript may not hold a blank line (it would end the case).
//
// # Usage
//
//	var rewrite = flag.Bool("rewrite", false, "rewrite the transcripts of testdata/*.txt")
//
//	func TestScripts(t *testing.T) {
//		scripttest.Run(t, "testdata/*.txt", *rewrite, func(t *testing.T, cmds []string) string {
//			... run cmds, return the transcript ...
//		})
//	}
package scripttest

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Case is one case of a script.
type Case struct {
	// Lines are the case's lines before `----`: commands and comments,
	// as written.
	Lines []string
	// Line is the line number of the case's first line in its file.
	Line int
	// Want is the transcript written after `----`, each line ending in a
	// newline.
	Want string
}

// Commands returns the case's lines that are not comments.
func (c *Case) Commands() []string {
	var cmds []string
	for _, l := range c.Lines {
		if !strings.HasPrefix(l, "#") {
			cmds = append(cmds, l)
		}
	}
	return cmds
}

// Parse splits a script into its cases.
func Parse(data []byte) []Case {
	var cases []Case
	var cur *Case
	inOut := false
	var out strings.Builder
	flush := func() {
		if cur != nil {
			cur.Want = out.String()
			cases = append(cases, *cur)
		}
		cur, inOut = nil, false
		out.Reset()
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case strings.TrimSpace(line) == "":
			flush()
		case inOut:
			out.WriteString(line + "\n")
		case line == "----":
			inOut = true
		default:
			if cur == nil {
				cur = &Case{Line: n}
			}
			cur.Lines = append(cur.Lines, line)
		}
	}
	flush()
	return cases
}

// Format writes cases back as a script, each with the transcript got[i]
// in place of its Want. It panics if got and cases differ in length.
func Format(cases []Case, got []string) []byte {
	if len(got) != len(cases) {
		panic("scripttest: Format: got and cases differ in length")
	}
	var b bytes.Buffer
	for i, c := range cases {
		if i > 0 {
			b.WriteString("\n")
		}
		for _, l := range c.Lines {
			b.WriteString(l + "\n")
		}
		b.WriteString("----\n" + got[i])
	}
	return b.Bytes()
}

// Handler runs one case's commands (comments left out) and returns the
// transcript. It reports a bad command with t.Fatal.
type Handler func(t *testing.T, cmds []string) string

// Run runs every case of every file matching pattern, one subtest per
// file, and reports each case whose transcript differs from the file's.
// With rewrite, it writes each file back with the transcripts it got
// instead.
func Run(t *testing.T, pattern string, rewrite bool, h Handler) {
	t.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no scripts match %s", pattern)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			cases := Parse(data)
			got := make([]string, len(cases))
			for i := range cases {
				c := &cases[i]
				got[i] = h(t, c.Commands())
				if !rewrite && got[i] != c.Want {
					t.Errorf("%s:%d: case %d (%s):\n--- want\n%s--- got\n%s", path, c.Line, i+1, c.Lines[0], c.Want, got[i])
				}
			}
			if rewrite {
				if err := os.WriteFile(path, Format(cases, got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}
