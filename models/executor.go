package models

import (
	"fmt"
	"time"
)

// Executor runs a Net, one forward pass at a time. It owns the per-inference
// state: the activation arena laid out by the Net's memory plan, the
// per-thread scratch, and the thread pools (a GEMM pool and a pool for
// the other kernels, both persistent). An Executor is used by one goroutine;
// run several Executors over one shared Net for parallel inference. After
// the first call, Forward allocates nothing.
type Executor struct {
	net     *Net
	threads int
	ctx     *fwdCtx
	arena   []float32
	exec    []nodeExec
	in, out []float32
	hook    func(layer int, d time.Duration)
}

// NewExecutor returns an executor of net on threads threads (≤ 0 means 1).
// The net may be structure only, but then Forward returns ErrNoWeights.
// Call Close to stop its goroutines.
func NewExecutor(net *Net, threads int) *Executor {
	if threads < 1 {
		threads = 1
	}
	p := net.plan
	e := &Executor{net: net, threads: threads, arena: make([]float32, p.arena)}
	e.ctx = newFwdCtx(threads, p.tmpLen)
	view := func(v int) []float32 {
		o := p.offset[v]
		return e.arena[o : o+net.values[v].size : o+net.values[v].size]
	}
	e.exec = make([]nodeExec, len(net.nodes))
	for i, nd := range net.nodes {
		x := &e.exec[i]
		for _, v := range nd.in {
			x.in = append(x.in, view(v))
		}
		for _, v := range nd.out {
			x.out = append(x.out, view(v))
		}
		x.inPlace = p.inPlace[i]
	}
	e.in, e.out = view(net.input), view(net.output)
	return e
}

// Threads returns the number of threads the executor runs on.
func (e *Executor) Threads() int { return e.threads }

// Net returns the executor's net.
func (e *Executor) Net() *Net { return e.net }

// SetLayerHook installs f (nil removes it): after each layer, Forward calls
// f with the layer's index in Net.Layers and its wall time. Fused layers
// report 0. Timing adds two clock reads per layer.
func (e *Executor) SetLayerHook(f func(layer int, d time.Duration)) { e.hook = f }

// Forward runs the net on input (NCHW float32, Net.InputShape elements, e.g.
// from Preprocess) and returns the output blob. The returned slice is the
// executor's own memory: it is valid until the next Forward or Close.
func (e *Executor) Forward(input []float32) ([]float32, error) {
	if !e.net.weighted {
		return nil, ErrNoWeights
	}
	if len(input) != len(e.in) {
		return nil, fmt.Errorf("models: %s: input has %d values, want %d (shape %v)", e.net.name, len(input), len(e.in), e.net.InputShape())
	}
	copy(e.in, input)
	if e.hook == nil {
		for i, nd := range e.net.nodes {
			if nd.fusedInto < 0 && !(nd.alias && nd.kind == "Dropout") {
				nd.op.forward(e.ctx, &e.exec[i])
			}
		}
		return e.out, nil
	}
	for i, nd := range e.net.nodes {
		if nd.fusedInto >= 0 || (nd.alias && nd.kind == "Dropout") {
			e.hook(i, 0)
			continue
		}
		t0 := time.Now()
		nd.op.forward(e.ctx, &e.exec[i])
		e.hook(i, time.Since(t0))
	}
	return e.out, nil
}

// Close stops the executor's goroutines. It must not be used afterwards.
func (e *Executor) Close() { e.ctx.close() }

// referenceForward runs the net with the naive reference kernels, one
// freshly allocated buffer per value, no fusion and no memory planning: the
// executable definition the fast executor is tested against.
func referenceForward(n *Net, input []float32) []float32 {
	bufs := make([][]float32, len(n.values))
	for v := range n.values {
		bufs[v] = make([]float32, n.values[v].size)
	}
	copy(bufs[n.input], input)
	for _, nd := range n.nodes {
		var in, out [][]float32
		for _, v := range nd.in {
			in = append(in, bufs[v])
		}
		for _, v := range nd.out {
			out = append(out, bufs[v])
		}
		nd.op.reference(in, out)
	}
	return bufs[n.output]
}
