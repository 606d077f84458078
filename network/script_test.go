package network

// Data-driven interaction scripts (testdata/*.txt), after etcd-io/raft's
// interaction tests: each case is a few commands, a line `----`, and the
// expected transcript with simulated timestamps; cases are separated by a
// blank line. Run `go test ./network -run TestScripts -rewrite` to rewrite
// the transcripts after a deliberate change, and review the diff.
//
// Commands:
//
//	link [model=constant|tcp] [up=6Mbps] [down=13Mbps] [latency=20ms] [radio=lte|wifi|3g|none]
//	preset NAME [seed=N]      a link from a preset
//	upload SIZE               start an upload at the script's current time
//	download SIZE             start a download at the script's current time
//	wait DURATION             move the script's current time forward
//	run                       run the simulation to the end and print
//
// The transcript lists every radio state change (time, state, power, the
// radio's energy so far) and every transfer's end, in time order.

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/infersim/infersim/sim"
	"github.com/infersim/infersim/units"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the transcripts of testdata/*.txt")

type scriptCase struct {
	cmds []string // commands, and comment lines starting with #
	want string
	got  string
}

func readScript(t *testing.T, path string) []scriptCase {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cases []scriptCase
	var cur *scriptCase
	inOut := false
	var out strings.Builder
	flush := func() {
		if cur != nil {
			cur.want = out.String()
			cases = append(cases, *cur)
		}
		cur, inOut = nil, false
		out.Reset()
	}
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	for sc.Scan() {
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
				cur = &scriptCase{}
			}
			cur.cmds = append(cur.cmds, line)
		}
	}
	flush()
	return cases
}

func writeScript(t *testing.T, path string, cases []scriptCase) {
	var b strings.Builder
	for i, c := range cases {
		if i > 0 {
			b.WriteString("\n")
		}
		for _, cmd := range c.cmds {
			b.WriteString(cmd + "\n")
		}
		b.WriteString("----\n" + c.got)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// run runs the case's commands and returns the transcript.
func (c *scriptCase) run(t *testing.T) string {
	var env *sim.Env
	var link *Link
	var out strings.Builder
	now := 0.0
	n := 0
	for _, line := range c.cmds {
		if strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		args := map[string]string{}
		for _, a := range f[1:] {
			if k, v, ok := strings.Cut(a, "="); ok {
				args[k] = v
			}
		}
		switch f[0] {
		case "link", "preset":
			env = sim.NewEnv()
			t.Cleanup(env.Close)
			now = 0
			var cfg LinkConfig
			seed := uint64(1)
			if f[0] == "preset" {
				p, err := LookupPreset(f[1])
				if err != nil {
					t.Fatal(err)
				}
				cfg = p.Link
				if s, ok := args["seed"]; ok {
					fmt.Sscan(s, &seed)
				}
			} else {
				get := func(k, def string) string {
					if v, ok := args[k]; ok {
						return v
					}
					return def
				}
				upBW, err1 := units.ParseBitRate(get("up", "6Mbps"))
				downBW, err2 := units.ParseBitRate(get("down", "13Mbps"))
				lat, err3 := units.ParseDuration(get("latency", "20ms"))
				m, err4 := LookupModel(get("model", "constant"))
				for _, err := range []error{err1, err2, err3, err4} {
					if err != nil {
						t.Fatalf("%s: %v", line, err)
					}
				}
				cfg = LinkConfig{Model: m.Default, Up: ChannelConfig{Bandwidth: upBW, Latency: lat},
					Down: ChannelConfig{Bandwidth: downBW, Latency: lat}}
				if r := get("radio", "none"); r != "none" {
					spec, err := LookupRadio(r)
					if err != nil {
						t.Fatal(err)
					}
					cfg.Radio = &spec
				}
			}
			var err error
			link, err = NewLink(env, sim.NewStreams(seed), "link[0]", cfg)
			if err != nil {
				t.Fatal(err)
			}
			if r := link.Radio(); r != nil {
				r.OnPower(PowerFunc(func(tm float64, p units.Power, state string) {
					fmt.Fprintf(&out, "%10.6f s  radio %-11s %8.4f W  %9.6f J\n", tm, state, float64(p), float64(r.Energy()))
				}))
			}
		case "upload", "download":
			size, err := units.ParseBytes(f[1])
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			n++
			id, at, dir := n, now, f[0]
			env.Process(dir, func(p *sim.Proc) error {
				if err := p.Sleep(at - p.Now()); err != nil {
					return err
				}
				var tr Transfer
				if dir == "upload" {
					tr, err = link.Upload(p, size)
				} else {
					tr, err = link.Download(p, size)
				}
				if err != nil {
					return err
				}
				fmt.Fprintf(&out, "%10.6f s  %s#%d %v done: wake %.6f s, first byte %.6f s, took %.6f s%s\n",
					p.Now(), dir, id, size, float64(tr.Wake()), tr.FirstByte, float64(tr.Duration()), map[bool]string{true: " (cold)"}[tr.Cold])
				return nil
			})
		case "wait":
			d, err := units.ParseDuration(f[1])
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			now += float64(d)
		case "run":
			if err := env.Run(); err != nil {
				t.Fatal(err)
			}
			if r := link.Radio(); r != nil {
				fmt.Fprintf(&out, "%10.6f s  end: radio %s, %.6f J\n", env.Now(), r.State(), float64(r.Energy()))
			}
		default:
			t.Fatalf("unknown command %q", line)
		}
	}
	return out.String()
}

func TestScripts(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.txt")
	if len(files) == 0 {
		t.Fatal("no scripts in testdata")
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			cases := readScript(t, path)
			for i := range cases {
				cases[i].got = cases[i].run(t)
				if !*rewrite && cases[i].got != cases[i].want {
					t.Errorf("%s case %d (%s):\n got:\n%s\nwant:\n%s", path, i+1, cases[i].cmds[0], cases[i].got, cases[i].want)
				}
			}
			if *rewrite {
				writeScript(t, path, cases)
			}
		})
	}
}
