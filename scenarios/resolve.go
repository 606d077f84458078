package scenarios

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/infersim/infersim/devices"
	"github.com/infersim/infersim/network"
)

// resolved is what Validate derives from a valid scenario for the runner:
// the devices and network configurations, the parsed modes and the cells.
type resolved struct {
	phone     devices.PhoneSpec
	link      network.LinkConfig
	modes     []devices.Mode
	upload    devices.UploadKind
	objective devices.Objective
	cells     []Cell
}

// Cell is one world of a point: one model, one mode and one image group,
// simulated afresh (a new app launch) in every replication.
type Cell struct {
	Index    int
	Model    string
	Mode     string
	Image    ImageSize
	Requests int // per phone; 0 when the workload runs for a duration
}

// loaded is what a scenario and its points read from files and presets,
// loaded once per scenario rather than once per point: the traces, by
// resolved name, and the phone presets, by name (devices.LookupPhone
// parses the preset's YAML and its facts every call). It is a value the
// scenario holds and hands to its points (decodeOwnDoc, Override), not a
// process-wide memo: a scenario loaded again reads the files again.
type loaded struct {
	mu     sync.Mutex
	traces map[string]*network.Trace
	phones map[string]devices.PhoneSpec // read-only: NewPhone copies what it changes
}

func newLoaded() *loaded {
	return &loaded{traces: map[string]*network.Trace{}, phones: map[string]devices.PhoneSpec{}}
}

// phone returns the phone preset name.
func (sh *loaded) phone(name string) (devices.PhoneSpec, error) {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if spec, ok := sh.phones[name]; ok {
		return spec, nil
	}
	spec, err := devices.LookupPhone(name)
	if err != nil {
		return spec, err
	}
	sh.phones[name] = spec
	return spec, nil
}

// MaxTraceSize is the largest trace file a scenario may name.
const MaxTraceSize = 64 << 20

// trace loads a channel's trace: a builtin (with or without its
// extension) or a file relative to the scenario's directory.
func (s *Scenario) trace(ch *Channel) (*network.Trace, error) {
	name := ch.Trace
	key := name + "\x00" + ch.TraceFormat + "\x00" + s.dir
	s.shared.mu.Lock()
	defer s.shared.mu.Unlock()
	if t, ok := s.shared.traces[key]; ok {
		return t, nil
	}
	var t *network.Trace
	var err error
	builtins := network.BuiltinTraces()
	for _, b := range builtins {
		if b == name || strings.TrimSuffix(b, filepath.Ext(b)) == name {
			t, err = network.BuiltinTrace(b)
			if err != nil {
				return nil, err
			}
			s.shared.traces[key] = t
			return t, nil
		}
	}
	path := name
	if !filepath.IsAbs(path) && s.dir != "" {
		path = filepath.Join(s.dir, path)
	}
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("no builtin trace %q%s and no file %s", name, didYouMean(name, builtinTraceNames()), path)
		}
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > MaxTraceSize {
		return nil, fmt.Errorf("%s is %d bytes, more than the %d a trace may have", path, st.Size(), MaxTraceSize)
	}
	format := ch.TraceFormat
	if format == "" {
		switch filepath.Ext(path) {
		case ".mahi", ".up", ".down":
			format = "mahimahi"
		default:
			format = "plain"
		}
	}
	if format == "mahimahi" {
		t, err = network.ParseMahimahi(f, path, 0)
	} else {
		t, err = network.ParsePlain(f, path)
	}
	if err != nil {
		return nil, errors.New(strings.TrimPrefix(err.Error(), "network: "))
	}
	s.shared.traces[key] = t
	return t, nil
}

// Cells returns the cells of a validated scenario without a sweep, or of
// a point's scenario, in order: models, then modes, then image groups.
func (s *Scenario) Cells() []Cell {
	if s.res == nil {
		return nil
	}
	return append([]Cell(nil), s.res.cells...)
}

// resolve builds the devices and network configurations and the cells.
func (s *Scenario) resolve(c *collector) {
	r := &resolved{}
	var ok bool
	if r.phone, ok = s.resolvePhone(c); !ok {
		return
	}
	if r.link, ok = s.resolveLink(c); !ok {
		return
	}
	w := s.Workload
	for _, ms := range w.Modes {
		m, _ := parseMode(ms)
		r.modes = append(r.modes, m)
	}
	r.upload, _ = devices.ParseUploadKind(w.Upload)
	r.objective, _ = devices.ParseObjective(w.Objective)
	r.cells = s.cells()
	if s.isLLM() {
		r.cells = s.llmCells()
	}
	s.res = r
}

// resolvePhone returns the phone preset with the scenario's overrides.
func (s *Scenario) resolvePhone(c *collector) (devices.PhoneSpec, bool) {
	spec, err := s.shared.phone(s.Phone.Device)
	if err != nil {
		s.errAt(c, "phone.device", "%s", trimPrefix(err, ""))
		return spec, false
	}
	if spec, err = spec.WithPower(s.Phone.Power); err != nil {
		s.errAt(c, "phone.power", "%s", trimPrefix(err, ""))
		return spec, false
	}
	m := s.Phone.Memory
	spec.Memory.RAM = m.RAM
	spec.Heap.Limit = m.HeapLimit
	spec.Heap.LargeLimit = m.LargeHeapLimit
	spec.Heap.LargeHeap = m.LargeHeap
	spec.Memory.BackgroundPressure = float64(m.BackgroundPressure)
	spec.Memory.Fluctuation.SD = float64(m.PressureFluctuation)
	spec.Memory.Fluctuation.Timescale = m.FluctuationTimescale
	if m.PressureFluctuation > 0 {
		if spec.Memory.Fluctuation.Model == "none" || spec.Memory.Fluctuation.Model == "" {
			spec.Memory.Fluctuation.Model = "ou"
		}
	} else {
		spec.Memory.Fluctuation.Model = "none"
	}
	spec.GC.PauseScale = s.Phone.GC.PauseScale
	spec.GC.AllocScale = s.Phone.GC.AllocScale
	spec.Battery.Capacity = s.Phone.Battery
	spec.Lifecycle.Switch = "none"
	if l := s.Phone.Lifecycle; s.written("phone.lifecycle") {
		if l.Random {
			spec.Lifecycle.Switch = "exponential"
			spec.Lifecycle.MeanForeground, spec.Lifecycle.MeanBackground = l.BackgroundEvery, l.BackgroundFor
		} else {
			spec.Lifecycle.Switch = "every"
			spec.Lifecycle.Every, spec.Lifecycle.BackgroundFor = l.BackgroundEvery, l.BackgroundFor
		}
		spec.Lifecycle.BackgroundRequests = l.BackgroundRequests
	}
	if err := spec.Validate(); err != nil {
		s.errAt(c, "phone", "the phone preset with these overrides is not valid: %s", trimPrefix(err, ""))
		return spec, false
	}
	return spec, true
}

// resolveLink returns the link: the transfer model and radio from
// network's registries, and the two channels.
func (s *Scenario) resolveLink(c *collector) (network.LinkConfig, bool) {
	var link network.LinkConfig
	n := s.Network
	mi, err := network.LookupModel(n.Model)
	if err != nil {
		s.errAt(c, "network.model", "%s", trimPrefix(err, ""))
		return link, false
	}
	link.Model = mi.Default
	if n.Radio != "none" && n.Radio != "" {
		rs, err := network.LookupRadio(n.Radio)
		if err != nil {
			s.errAt(c, "network.radio", "%s", trimPrefix(err, ""))
			return link, false
		}
		link.Radio = &rs
	}
	for _, dir := range []string{"uplink", "downlink"} {
		ch, dst := &n.Uplink, &link.Up
		if dir == "downlink" {
			ch, dst = &n.Downlink, &link.Down
		}
		*dst = network.ChannelConfig{Bandwidth: ch.Bandwidth, Latency: ch.Latency, Loss: float64(ch.Loss),
			Jitter: network.Jitter{Dist: ch.Jitter.Dist, Mean: ch.Jitter.Mean, SD: ch.Jitter.SD}}
		if dst.Jitter.Dist == "none" {
			dst.Jitter.Dist = ""
		}
		if ch.Trace != "" {
			t, err := s.trace(ch)
			if err != nil {
				return link, false // reported by crossCheck
			}
			dst.Trace = t
		}
	}
	if err := link.Validate("network"); err != nil {
		msg := strings.NewReplacer("network.up.", "network.uplink.", "network.down.", "network.downlink.").Replace(trimPrefix(err, ""))
		s.errAt(c, "network", "%s", msg)
		return link, false
	}
	return link, true
}

// cells lists the cells: models, then modes, then image groups.
func (s *Scenario) cells() []Cell {
	w := s.Workload
	var cells []Cell
	for _, model := range s.Models {
		for _, mode := range w.Modes {
			for _, g := range w.Images {
				n := w.Requests
				switch {
				case w.Arrivals.Type == "times":
					n = len(w.Arrivals.At)
				case s.written("workload.duration"):
					n = 0
				case n == 0:
					n = g.Count
				}
				cells = append(cells, Cell{Index: len(cells), Model: model, Mode: mode, Image: g.Size, Requests: n})
			}
		}
	}
	return cells
}
