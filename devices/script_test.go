package devices

// Data-driven interaction scripts (testdata/*.txt, run by internal/scripttest),
// after etcd-io/raft's interaction tests: each case is a few commands, a
// line `----`, and the expected transcript with simulated timestamps; cases
// are separated by a blank line. Run
// `go test ./devices -run TestScripts -rewrite` to rewrite the transcripts
// after a deliberate change, and review the diff.
//
// Commands (times are the script's clock, which `wait` and `run` move):
//
//	phone PRESET [cpu=P] [gpu=P] [pressure=F] [large_heap=false] [sigma=S] [phones=N] [layers]
//	                               a new world with N phones (default 1); P is
//	                               stub-caffe, stub-cnndroid or a shipped processor profile
//	network PRESET [model=constant|tcp] [jitter=none] [up=RATE] [latency=D]
//	                               each phone's link (campus-wifi, home-wifi, lte, 3g)
//	server cpu|gpu [workers=N] [batch=N] [wait=D] [cold]
//	load MODEL cpu|gpu             preload a model now
//	infer MODEL MODE WxH [upload=original] [timeout=D] [objective=energy] [on=I]
//	background [D]                 the app goes to the background (for D)
//	foreground
//	pressure F                     other apps hold F of RAM
//	gc blocking|concurrent         a collection from another app thread
//	wait D                         run the simulation for D
//	run [D]                        run for D, or to the end; close open records
//	energy                         the meter's reading and the battery drain
//	memory                         the memory state
//
// The transcript lists every span the phones and the server trace, in the
// order they end: the time it is printed, the lane, the label and, for a
// span with a duration, [start → end]; and every record when it closes.
// Commands that act on a phone take on=I (default 0).

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/infersim/infersim/devices/engine"
	"github.com/infersim/infersim/internal/scripttest"
	"github.com/infersim/infersim/models"
	"github.com/infersim/infersim/network"
	"github.com/infersim/infersim/result"
	"github.com/infersim/infersim/sim"
	"github.com/infersim/infersim/units"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the transcripts of testdata/*.txt")

func TestScripts(t *testing.T) {
	scripttest.Run(t, "testdata/*.txt", *rewrite, func(t *testing.T, cmds []string) string {
		return (&scriptRun{t: t}).run(cmds)
	})
}

// scriptRun is one case's world.
type scriptRun struct {
	t       *testing.T
	env     *sim.Env
	streams *sim.Streams
	phones  []*Phone
	links   []*network.Link
	servers []*Server
	out     strings.Builder
	now     float64
	line    string
}

func (s *scriptRun) Span(sp *result.Span) {
	if sp.Start == sp.End {
		fmt.Fprintf(&s.out, "%11.6f  %-18s %s\n", s.env.Now(), sp.Lane, sp.Label)
	} else {
		fmt.Fprintf(&s.out, "%11.6f  %-18s %s  [%.6f → %.6f]\n", s.env.Now(), sp.Lane, sp.Label, sp.Start, sp.End)
	}
	if e := sp.Attrs["energy"]; e != "" {
		fmt.Fprintf(&s.out, "%11s  %-18s   energy: %s\n", "", "", e)
	}
}

func (s *scriptRun) record(r *result.Record) {
	fmt.Fprintf(&s.out, "%11.6f  record phone[%d] #%d: %s %s %s %s", s.env.Now(), r.Phone, r.Request, r.Model, r.Mode, r.Image, r.Outcome)
	if r.Cold {
		s.out.WriteString(" cold")
	}
	if r.Split >= 0 {
		fmt.Fprintf(&s.out, " split %d", r.Split)
	}
	fmt.Fprintf(&s.out, ", latency %.6f s\n%11s  ", r.Latency(), "")
	none := true
	for _, p := range result.Phases() {
		if ps := r.Phases[p]; ps.Occurred() {
			fmt.Fprintf(&s.out, " %s %.6f", p, ps.Duration)
			none = false
		}
	}
	if none {
		s.out.WriteString(" no phase")
	}
	fmt.Fprintf(&s.out, "\n%11s   energy %.6f J: cpu %.6f gpu %.6f radio %.6f base %.6f",
		"", r.TotalEnergy(), r.Energy[result.CPU], r.Energy[result.GPU], r.Energy[result.Radio], r.Energy[result.Base])
	if r.UpBytes > 0 {
		fmt.Fprintf(&s.out, "; up %v down %v", units.Bytes(r.UpBytes), units.Bytes(r.DownBytes))
	}
	if r.TailEnergy != 0 {
		fmt.Fprintf(&s.out, "; tail %.6f J", r.TailEnergy)
	}
	s.out.WriteString("\n")
}

func (s *scriptRun) fail(format string, args ...any) {
	s.t.Helper()
	s.t.Fatalf("%s: %s", s.line, fmt.Sprintf(format, args...))
}

func parseArgs(fields []string) (map[string]string, []string) {
	args := map[string]string{}
	var pos []string
	for _, a := range fields {
		if k, v, ok := strings.Cut(a, "="); ok {
			args[k] = v
		} else {
			pos = append(pos, a)
		}
	}
	return args, pos
}

func (s *scriptRun) engine(name string) Engine {
	switch name {
	case "":
		return nil
	case "stub-caffe":
		return stubCaffe()
	case "stub-cnndroid":
		return stubCNNdroid()
	}
	p, err := engine.LoadProcessor(name, models.DefaultProfile())
	if err != nil {
		s.fail("processor %s: %v", name, err)
	}
	return p
}

func (s *scriptRun) runFor(d float64) {
	until := s.now + d
	if err := s.env.RunUntil(until); err != nil {
		s.fail("run: %v", err)
	}
	s.now = until
}

func (s *scriptRun) run(cmds []string) string {
	for _, line := range cmds {
		s.line = line
		args, pos := parseArgs(strings.Fields(line))
		dur := func(v string) float64 {
			d, err := units.ParseDuration(v)
			if err != nil {
				s.fail("%s: %v", line, err)
			}
			return float64(d)
		}
		ph := func() *Phone {
			i := 0
			if v := args["on"]; v != "" {
				i, _ = strconv.Atoi(v)
			}
			if i >= len(s.phones) {
				s.fail("no phone %d", i)
			}
			return s.phones[i]
		}
		switch pos[0] {
		case "phone":
			spec, err := LookupPhone(pos[1])
			if err != nil {
				s.fail("%v", err)
			}
			spec.GC.PauseSigma = 0
			if v := args["sigma"]; v != "" {
				spec.GC.PauseSigma, _ = strconv.ParseFloat(v, 64)
			}
			if v := args["pressure"]; v != "" {
				spec.Memory.BackgroundPressure, _ = strconv.ParseFloat(v, 64)
			}
			if args["large_heap"] == "false" {
				spec.Heap.LargeHeap = false
			}
			s.env = sim.NewEnv()
			s.t.Cleanup(s.env.Close)
			s.streams = sim.NewStreams(1)
			s.now = 0
			n := 1
			if v := args["phones"]; v != "" {
				n, _ = strconv.Atoi(v)
			}
			for i := range n {
				opt := PhoneOptions{CPU: s.engine(args["cpu"]), GPU: s.engine(args["gpu"]), Sink: s, Index: i,
					TraceLayers: len(pos) > 2 && pos[2] == "layers"}
				ph, err := NewPhone(s.env, s.streams, fmt.Sprintf("phone[%d]", i), spec, opt)
				if err != nil {
					s.fail("%v", err)
				}
				ph.OnRecord(s.record)
				s.phones = append(s.phones, ph)
			}
		case "network":
			p, err := network.LookupPreset(pos[1])
			if err != nil {
				s.fail("%v", err)
			}
			cfg := p.Link
			if args["model"] == "constant" {
				cfg.Model = network.Constant{}
			}
			if args["jitter"] == "none" {
				cfg.Up.Jitter, cfg.Down.Jitter = network.Jitter{}, network.Jitter{}
			}
			if v := args["up"]; v != "" {
				r, err := units.ParseBitRate(v)
				if err != nil {
					s.fail("%v", err)
				}
				cfg.Up.Bandwidth = r
			}
			if v := args["latency"]; v != "" {
				cfg.Up.Latency, cfg.Down.Latency = units.Duration(dur(v)), units.Duration(dur(v))
			}
			for i, ph := range s.phones {
				link, err := network.NewLink(s.env, s.streams, fmt.Sprintf("link[%d]", i), cfg)
				if err != nil {
					s.fail("%v", err)
				}
				s.links = append(s.links, link)
				if err := ph.Connect(link, s.servers...); err != nil {
					s.fail("%v", err)
				}
			}
		case "server":
			target, rate := engine.ServerGPU, 2e12
			if pos[1] == "cpu" {
				target, rate = engine.ServerCPU, 2e11
			}
			cfg := ServerConfig{Engine: stubServer(target, rate), Workers: 1, MaxBatch: 1}
			if v := args["workers"]; v != "" {
				cfg.Workers, _ = strconv.Atoi(v)
			}
			if v := args["batch"]; v != "" {
				cfg.MaxBatch, _ = strconv.Atoi(v)
			}
			if v := args["wait"]; v != "" {
				cfg.MaxWait = units.Duration(dur(v))
			}
			if len(pos) > 2 && pos[2] == "cold" {
				cfg.Cold, cfg.ReadRate = true, 500e6
			}
			name := "server"
			if len(s.servers) > 0 {
				name = "server2"
			}
			srv, err := NewServer(s.env, s.streams, name, cfg, s)
			if err != nil {
				s.fail("%v", err)
			}
			s.servers = append(s.servers, srv)
			for i, ph := range s.phones {
				if err := ph.Connect(s.links[i], srv); err != nil {
					s.fail("%v", err)
				}
			}
		case "load":
			t := engine.PhoneCPU
			if pos[2] == "gpu" {
				t = engine.PhoneGPU
			}
			if _, err := ph().Preload(pos[1], t); err != nil {
				s.fail("%v", err)
			}
		case "infer":
			m, err := ParseMode(pos[2])
			if err != nil {
				s.fail("%v", err)
			}
			var w, h int
			if _, err := fmt.Sscanf(pos[3], "%dx%d", &w, &h); err != nil {
				s.fail("%s: %v", line, err)
			}
			rq := Request{Model: pos[1], Mode: m, Width: w, Height: h}
			if args["upload"] == "original" {
				rq.Upload = UploadOriginal
			}
			if v := args["timeout"]; v != "" {
				rq.Timeout = units.Duration(dur(v))
			}
			if args["objective"] == "energy" {
				rq.Objective = MinEnergy
			}
			if err := ph().Submit(rq); err != nil {
				fmt.Fprintf(&s.out, "%11.6f  error: %v\n", s.now, err)
			}
		case "background":
			d := 0.0
			if len(pos) > 1 {
				d = dur(pos[1])
			}
			ph().Background(units.Duration(d))
		case "foreground":
			ph().foreground()
		case "pressure":
			f, _ := strconv.ParseFloat(pos[1], 64)
			if err := ph().setPressure(f); err != nil {
				s.fail("%v", err)
			}
		case "gc":
			ph().triggerGC(pos[1] == "blocking")
		case "wait":
			s.runFor(dur(pos[1]))
		case "run":
			if len(pos) > 1 {
				s.runFor(dur(pos[1]))
			} else {
				if err := s.env.Run(); err != nil {
					s.fail("run: %v", err)
				}
				s.now = s.env.Now()
			}
			for _, ph := range s.phones {
				ph.Flush()
			}
		case "energy":
			r := ph().energyMeter().Read()
			fmt.Fprintf(&s.out, "%11.6f  energy %.6f J: cpu %.6f gpu %.6f radio %.6f base %.6f; battery %.4f %%\n", s.env.Now(),
				float64(r.Total()), float64(r.Energy[result.CPU]), float64(r.Energy[result.GPU]), float64(r.Energy[result.Radio]), float64(r.Energy[result.Base]),
				ph().batteryDrain())
		case "memory":
			m := ph().memory()
			fmt.Fprintf(&s.out, "%11.6f  memory: free %v, ours %v, others %v; heap live %v, allocated %v, footprint %v, growth limit %v\n", s.env.Now(),
				m.Free, m.Ours, m.Others, m.HeapLive, m.HeapAllocated, m.HeapFootprint, m.GrowthLimit)
		default:
			s.fail("unknown command %q", line)
		}
	}
	return s.out.String()
}
