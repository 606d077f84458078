package devices

import (
	"math"
	"math/rand/v2"
	"sync"

	"github.com/infersim/infersim/devices/engine"
	"github.com/infersim/infersim/units"
)

// Engine is what a phone or a server needs of a processor: its layer
// times, load costs and framework. *Processor implements it; tests and
// what-if studies may use their own (a fixed-time stub gives M/D/1 queues).
// The phone and the server call Layers, Load and Framework once per model
// and cache the results, so an Engine need not be fast.
type Engine interface {
	Name() string
	Target() engine.Target
	Framework() engine.Framework
	Supports(model string) error
	Layers(model string) ([]engine.LayerCost, error)
	SampleLayer(c *engine.LayerCost, rng *rand.Rand) float64
	Load(model string) (engine.LoadCost, error)
	Preprocess(width, height int) units.Duration
	BatchTime(model string, b int) (float64, error)
	ConvertTime(n units.Bytes) units.Duration
}

var _ Engine = (*engine.Processor)(nil)

// engineModel caches what an engine says about one model. It is
// immutable once built: for a *Processor it is built once and shared by
// every phone and server of every world (sharedEngines).
type engineModel struct {
	err      error // Supports' answer
	layers   []engine.LayerCost
	prefix   []float64 // prefix[i] = Σ Mean of layers [0, i)
	load     engine.LoadCost
	loadErr  error
	resident []bool // layer parameters resident after loading (budget)
	// reread[i] is the parameter bytes layer i re-reads from storage at
	// every inference (over the budget), 0 if resident; rereads lists
	// the layers with reread > 0, ascending.
	reread  []int64
	rereads []int
	batch1  float64
	// draws, when set, draws layer times without the Engine interface:
	// the log-normal parameters of Processor.SampleLayer precomputed
	// (see sample).
	draws []layerDraw
}

// layerDraw is one layer's time distribution as Processor.SampleLayer
// draws it: 0 when mean ≤ 0, mean when cv ≤ 0, else exp(mu + sigma·Z)
// with sigma² = ln(1 + cv²) and mu = ln(mean) − sigma²/2.
type layerDraw struct {
	kind      uint8 // drawZero, drawConst, drawLogNormal
	mean      float64
	mu, sigma float64
}

const (
	drawZero uint8 = iota
	drawConst
	drawLogNormal
)

func newLayerDraw(mean, cv float64) layerDraw {
	switch {
	case mean <= 0:
		return layerDraw{kind: drawZero}
	case cv <= 0:
		return layerDraw{kind: drawConst, mean: mean}
	}
	s2 := math.Log1p(cv * cv)
	return layerDraw{kind: drawLogNormal, mean: mean, mu: math.Log(mean) - s2/2, sigma: math.Sqrt(s2)}
}

// sample draws layer i's time: exactly what e.SampleLayer(&layers[i], rng)
// returns, with the same draws from rng (TestSampleMatchesProcessor), but
// for a *Processor without recomputing the distribution's parameters.
func (m *engineModel) sample(e Engine, i int, rng *rand.Rand) float64 {
	if m.draws == nil {
		return e.SampleLayer(&m.layers[i], rng)
	}
	d := &m.draws[i]
	switch d.kind {
	case drawZero:
		return 0
	case drawConst:
		return d.mean
	}
	return math.Exp(d.mu + d.sigma*rng.NormFloat64())
}

// sampleSum returns the time of layers [from, len(layers)) drawn one by
// one, t += sample(e, i, rng) in layer order: the same draws from rng and
// the same sum, bit for bit (TestSampleSumMatches). The log-normal
// layers' exponentials are computed together (expInto) in scratch, which
// keeps its storage between calls.
func (m *engineModel) sampleSum(e Engine, from int, rng *rand.Rand, scratch *[]float64) float64 {
	t := 0.0
	if m.draws == nil {
		for i := from; i < len(m.layers); i++ {
			t += e.SampleLayer(&m.layers[i], rng)
		}
		return t
	}
	if cap(*scratch) < len(m.draws)+3 {
		*scratch = make([]float64, 0, len(m.draws)+3) // + 3: expInto rounds up to vectors of 4
	}
	xs := (*scratch)[:0]
	for i := from; i < len(m.draws); i++ {
		if d := &m.draws[i]; d.kind == drawLogNormal {
			xs = append(xs, d.mu+d.sigma*rng.NormFloat64())
		}
	}
	expInto(xs)
	j := 0
	for i := from; i < len(m.draws); i++ {
		// A drawZero layer adds +0, which leaves t (never −0) unchanged.
		switch d := &m.draws[i]; d.kind {
		case drawConst:
			t += d.mean
		case drawLogNormal:
			t += xs[j]
			j++
		}
	}
	return t
}

// engineCache is one phone's or server's view of its engine: the
// framework and target, and the per-model answers. For a *Processor the
// answers come from sharedEngines, so a world costs no copy of a model's
// layers; for any other Engine they are asked for once per cache.
type engineCache struct {
	e      Engine
	fw     engine.Framework
	target engine.Target
	shared *sharedEngine // nil: not a *Processor
	models []namedModel  // this cache's models, few: a linear search
}

type namedModel struct {
	name string
	m    *engineModel
}

// sharedEngine holds what a *Processor says, built once per processor
// and model, shared between worlds and goroutines (read-only once built).
type sharedEngine struct {
	fw     engine.Framework
	target engine.Target
	models sync.Map // model name → *sharedModel
}

type sharedModel struct {
	once sync.Once
	m    *engineModel
}

// sharedEngines maps a *engine.Processor to its sharedEngine, for the
// life of the process. A cache rather than a value passed in: a sweep
// builds thousands of worlds, each with phones and servers on the same few
// processors (engine.LoadProcessor returns one immutable *Processor per
// profile and kernel profile, itself cached), and sharing what a processor
// says about a model keeps a world from copying every model's layer
// tables. It grows with the processors compiled, which are few.
var sharedEngines sync.Map

func newEngineCache(e Engine) *engineCache {
	if p, ok := e.(*engine.Processor); ok && p != nil {
		v, ok := sharedEngines.Load(p)
		if !ok {
			v, _ = sharedEngines.LoadOrStore(p, &sharedEngine{fw: p.Framework(), target: p.Target()})
		}
		se := v.(*sharedEngine)
		return &engineCache{e: e, fw: se.fw, target: se.target, shared: se}
	}
	return &engineCache{e: e, fw: e.Framework(), target: e.Target()}
}

func (c *engineCache) model(name string) *engineModel {
	for i := range c.models {
		if c.models[i].name == name {
			return c.models[i].m
		}
	}
	var m *engineModel
	if c.shared != nil {
		v, ok := c.shared.models.Load(name)
		if !ok {
			v, _ = c.shared.models.LoadOrStore(name, &sharedModel{})
		}
		sm := v.(*sharedModel)
		sm.once.Do(func() { sm.m = buildEngineModel(c.e, c.fw, name, true) })
		m = sm.m
	} else {
		m = buildEngineModel(c.e, c.fw, name, false)
	}
	c.models = append(c.models, namedModel{name, m})
	return m
}

// buildEngineModel asks e everything about a model once; with draws set
// (e is a *Processor) it precomputes the layers' time distributions.
func buildEngineModel(e Engine, fw engine.Framework, name string, draws bool) *engineModel {
	m := &engineModel{}
	if m.err = e.Supports(name); m.err != nil {
		return m
	}
	if m.layers, m.err = e.Layers(name); m.err != nil {
		return m
	}
	m.prefix = make([]float64, len(m.layers)+1)
	for i := range m.layers {
		m.prefix[i+1] = m.prefix[i] + m.layers[i].Mean
	}
	m.load, m.loadErr = e.Load(name)
	m.resident = fw.Resident(name, m.layers)
	m.reread = make([]int64, len(m.layers))
	for i, r := range m.resident {
		if !r {
			m.reread[i] = m.layers[i].ParamBytes
			if m.reread[i] > 0 {
				m.rereads = append(m.rereads, i)
			}
		}
	}
	m.batch1 = m.prefix[len(m.layers)]
	if draws {
		m.draws = make([]layerDraw, len(m.layers))
		for i := range m.layers {
			m.draws[i] = newLayerDraw(m.layers[i].Mean, m.layers[i].CV)
		}
	}
	return m
}

// mean returns the mean time of layers [from, to).
func (m *engineModel) mean(from, to int) float64 { return m.prefix[to] - m.prefix[from] }
