package devices

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/infersim/infersim/devices/engine"
	"github.com/infersim/infersim/models"
	"github.com/infersim/infersim/network"
	"github.com/infersim/infersim/result"
	"github.com/infersim/infersim/sim"
	"github.com/infersim/infersim/units"
)

// stubEngine is a hand-checkable processor for tests: every layer of a zoo
// model takes FLOPs/rate + perLayer seconds (rate 0: perLayer only), with
// a log-normal spread cv (or exponential draws with expo), a fixed
// preprocess time, a load of the weights file at parse rate, and a linear
// batch model.
type stubEngine struct {
	name     string
	target   engine.Target
	fw       engine.Framework
	rate     float64 // FLOP/s
	perLayer float64 // seconds
	cv       float64
	expo     bool
	prep     units.Duration
	parse    units.ByteRate // parse rate of the weights file
	convert  units.ByteRate // GPU conversion rate (0: none)
	slope    float64        // batch slope
	// only, if set, makes every layer but the last take 0 (a one-stage
	// service for queueing tests).
	only bool
}

func (s *stubEngine) Name() string                { return s.name }
func (s *stubEngine) Target() engine.Target       { return s.target }
func (s *stubEngine) Framework() engine.Framework { return s.fw }

func (s *stubEngine) Supports(model string) error {
	net, err := models.Zoo(model)
	if err != nil {
		return err
	}
	for _, l := range net.Layers() {
		if slices.Contains(s.fw.Unsupported, l.Kind) {
			return &engine.UnsupportedError{Processor: s.name, Framework: s.fw.Name, Model: model, Layer: l.Name, Kind: l.Kind}
		}
	}
	return nil
}

func (s *stubEngine) Layers(model string) ([]engine.LayerCost, error) {
	if err := s.Supports(model); err != nil {
		return nil, err
	}
	net, _ := models.Zoo(model)
	ls := net.Layers()
	out := make([]engine.LayerCost, len(ls))
	for i, l := range ls {
		m := s.perLayer
		if s.rate > 0 {
			m += float64(l.FLOPs) / s.rate
		}
		if s.only && i != len(ls)-1 {
			m = 0
		}
		out[i] = engine.LayerCost{Index: i, Name: l.Name, Kind: l.Kind, Mean: m, CV: s.cv, FLOPs: l.FLOPs, ParamBytes: l.ParamBytes, OutBytes: l.OutBytes}
	}
	return out, nil
}

func (s *stubEngine) SampleLayer(c *engine.LayerCost, rng *rand.Rand) float64 {
	if c.Mean <= 0 {
		return 0
	}
	if s.expo {
		return c.Mean * rng.ExpFloat64()
	}
	if c.CV <= 0 {
		return c.Mean
	}
	s2 := math.Log1p(c.CV * c.CV)
	return math.Exp(math.Log(c.Mean) - s2/2 + math.Sqrt(s2)*rng.NormFloat64())
}

func (s *stubEngine) Load(model string) (engine.LoadCost, error) {
	if err := s.Supports(model); err != nil {
		return engine.LoadCost{}, err
	}
	net, _ := models.Zoo(model)
	layers, _ := s.Layers(model)
	file := units.Bytes(net.WeightFileBytes())
	var res int64
	for i, ok := range s.fw.Resident(model, layers) {
		if ok {
			res += layers[i].ParamBytes
		}
	}
	lc := engine.LoadCost{FileBytes: file, ResidentBytes: units.Bytes(res)}
	if s.parse > 0 {
		lc.Parse = s.parse.ReadTime(file)
	}
	if s.convert > 0 {
		lc.Convert = s.convert.ReadTime(units.Bytes(res))
	}
	return lc, nil
}

func (s *stubEngine) Preprocess(w, h int) units.Duration { return s.prep }

func (s *stubEngine) BatchTime(model string, b int) (float64, error) {
	layers, err := s.Layers(model)
	if err != nil {
		return 0, err
	}
	t := 0.0
	for _, l := range layers {
		t += l.Mean
	}
	return t * (1 + float64(b-1)*s.slope), nil
}

func (s *stubEngine) ConvertTime(n units.Bytes) units.Duration {
	if s.convert <= 0 {
		return 0
	}
	return s.convert.ReadTime(n)
}

// Stubs in the spirit of the study's frameworks, with round numbers.
func stubCaffe() *stubEngine {
	return &stubEngine{name: "stub-caffe-cpu", target: engine.PhoneCPU,
		fw:   engine.Framework{Name: "caffe", CoresBusy: 4},
		rate: 2e9, perLayer: 1e-3, prep: 0.1, parse: 100e6}
}

func stubCNNdroid() *stubEngine {
	return &stubEngine{name: "stub-cnndroid-gpu", target: engine.PhoneGPU,
		fw:   engine.Framework{Name: "cnndroid", CoresBusy: 1, UsesGPU: true, JavaHeap: true, Unsupported: []string{"Concat"}},
		rate: 4e9, perLayer: 2e-3, prep: 0.1, parse: 50e6, convert: 10e6}
}

func stubServer(t engine.Target, rate float64) *stubEngine {
	return &stubEngine{name: "stub-" + string(t), target: t, fw: engine.Framework{Name: "server"}, rate: rate, perLayer: 0, slope: 0.5}
}

// fixedPhone returns the Nexus 5 preset made deterministic: no GC pause
// spread.
func fixedSpec(t testing.TB) PhoneSpec {
	t.Helper()
	s, err := LookupPhone("nexus5")
	if err != nil {
		t.Fatal(err)
	}
	s.GC.PauseSigma = 0
	return s
}

// world is a test world: one phone, optionally a link and servers.
type world struct {
	env     *sim.Env
	streams *sim.Streams
	phone   *Phone
	link    *network.Link
	servers []*Server
	records []result.Record
}

func newWorld(t testing.TB, spec PhoneSpec, opt PhoneOptions) *world {
	t.Helper()
	w := &world{env: sim.NewEnv(), streams: sim.NewStreams(1)}
	t.Cleanup(w.env.Close)
	ph, err := NewPhone(w.env, w.streams, "phone[0]", spec, opt)
	if err != nil {
		t.Fatal(err)
	}
	ph.OnRecord(func(r *result.Record) { w.records = append(w.records, *r) })
	w.phone = ph
	return w
}

// connect adds a link from a preset (with cfg changed by edit) and servers.
func (w *world) connect(t testing.TB, preset string, edit func(*network.LinkConfig), servers ...ServerConfig) {
	t.Helper()
	p, err := network.LookupPreset(preset)
	if err != nil {
		t.Fatal(err)
	}
	cfg := p.Link
	if edit != nil {
		edit(&cfg)
	}
	w.link, err = network.NewLink(w.env, w.streams, "link[0]", cfg)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range servers {
		name := "server"
		if i > 0 {
			name = "server2"
		}
		s, err := NewServer(w.env, w.streams, name, c, nil)
		if err != nil {
			t.Fatal(err)
		}
		w.servers = append(w.servers, s)
	}
	if err := w.phone.Connect(w.link, w.servers...); err != nil {
		t.Fatal(err)
	}
}

func (w *world) submit(t testing.TB, rq Request) {
	t.Helper()
	if err := w.phone.Submit(rq); err != nil {
		t.Fatal(err)
	}
}

func (w *world) run(t testing.TB) {
	t.Helper()
	if err := w.env.Run(); err != nil {
		t.Fatal(err)
	}
	w.phone.Flush()
}

func near(a, b, tol float64) bool {
	return math.Abs(a-b) <= tol*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}
