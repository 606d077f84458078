package devices

import (
	"math/rand/v2"

	"github.com/infersim/infersim/units"
)

// Engine is what a phone or a server needs of a processor: its layer
// times, load costs and framework. *Processor implements it; tests and
// what-if studies may use their own (a fixed-time stub gives M/D/1 queues).
// The phone and the server call Layers, Load and Framework once per model
// and cache the results, so an Engine need not be fast.
type Engine interface {
	Name() string
	Target() Target
	Framework() Framework
	Supports(model string) error
	Layers(model string) ([]LayerCost, error)
	SampleLayer(c *LayerCost, rng *rand.Rand) float64
	Load(model string) (LoadCost, error)
	Preprocess(width, height int) units.Duration
	BatchTime(model string, b int) (float64, error)
	ConvertTime(n units.Bytes) units.Duration
}

var _ Engine = (*Processor)(nil)

// engineModel caches what an engine says about one model.
type engineModel struct {
	err      error // Supports' answer
	layers   []LayerCost
	prefix   []float64 // prefix[i] = Σ Mean of layers [0, i)
	load     LoadCost
	loadErr  error
	resident []bool // layer parameters resident after loading (budget)
	// reread[i] is the parameter bytes layer i re-reads from storage at
	// every inference (over the budget), 0 if resident.
	reread []int64
	batch1 float64
}

// engineCache caches an engine's per-model answers and its framework.
type engineCache struct {
	e      Engine
	fw     Framework
	target Target
	models map[string]*engineModel
}

func newEngineCache(e Engine) *engineCache {
	return &engineCache{e: e, fw: e.Framework(), target: e.Target(), models: map[string]*engineModel{}}
}

func (c *engineCache) model(name string) *engineModel {
	if m, ok := c.models[name]; ok {
		return m
	}
	m := &engineModel{}
	c.models[name] = m
	if m.err = c.e.Supports(name); m.err != nil {
		return m
	}
	if m.layers, m.err = c.e.Layers(name); m.err != nil {
		return m
	}
	m.prefix = make([]float64, len(m.layers)+1)
	for i := range m.layers {
		m.prefix[i+1] = m.prefix[i] + m.layers[i].Mean
	}
	m.load, m.loadErr = c.e.Load(name)
	m.resident = c.fw.Resident(name, m.layers)
	m.reread = make([]int64, len(m.layers))
	for i, r := range m.resident {
		if !r {
			m.reread[i] = m.layers[i].ParamBytes
		}
	}
	m.batch1 = m.prefix[len(m.layers)]
	return m
}

// mean returns the mean time of layers [from, to).
func (m *engineModel) mean(from, to int) float64 { return m.prefix[to] - m.prefix[from] }
