package network

// Data-driven interaction scripts (testdata/*.txt, run by internal/scripttest),
// after etcd-io/raft's interaction tests: each case is a few commands, a
// line `----`, and the expected transcript with simulated timestamps; cases
// are separated by a blank line. Run
// `go test ./network -run TestScripts -rewrite` to rewrite the transcripts
// after a deliberate change, and review the diff.
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
	"flag"
	"fmt"
	"strings"
	"testing"

	"github.com/infersim/infersim/internal/scripttest"
	"github.com/infersim/infersim/sim"
	"github.com/infersim/infersim/units"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the transcripts of testdata/*.txt")

// runScript runs one case's commands and returns the transcript.
func runScript(t *testing.T, cmds []string) string {
	var env *sim.Env
	var link *Link
	var out strings.Builder
	now := 0.0
	n := 0
	for _, line := range cmds {
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
	scripttest.Run(t, "testdata/*.txt", *rewrite, runScript)
}
