package engine

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/infersim/infersim/internal/suggest"
	"github.com/infersim/infersim/units"
)

// Target is the kind of processor a profile describes.
type Target string

// The targets a processor profile can describe.
const (
	PhoneCPU  Target = "phone-cpu"
	PhoneGPU  Target = "phone-gpu"
	ServerCPU Target = "server-cpu"
	ServerGPU Target = "server-gpu"
)

// IsPhone reports whether the target is on the phone.
func (t Target) IsPhone() bool { return t == PhoneCPU || t == PhoneGPU }

func (t Target) valid() bool {
	switch t {
	case PhoneCPU, PhoneGPU, ServerCPU, ServerGPU:
		return true
	}
	return false
}

// Framework is how the inference framework of a processor profile behaves
// beyond its layer times: what it keeps busy, where its memory lives, and
// what it cannot run. The phone and the server read it; the processor only
// reports it.
type Framework struct {
	Name string // e.g. "caffe-android-lib", "cnndroid", "tensorflow", "tflite"
	// CoresBusy is the number of CPU cores kept busy while computing (it
	// drives phone CPU power). A GPU framework keeps about one core busy
	// driving the GPU.
	CoresBusy float64
	UsesGPU   bool
	// JavaHeap is true when weights (within budget) and per-layer
	// activations are Java-heap objects and so put pressure on the garbage
	// collector (CNNdroid); false for native frameworks (Caffe Android Lib).
	JavaHeap bool
	// ParamBudget is the parameter-memory budget (CNNdroid's allocated_ram,
	// facts P4-*): walking the layers in net order, a layer whose
	// cumulative parameter bytes exceed the budget keeps no resident copy
	// and re-reads its parameters from storage at every inference. 0 means
	// unlimited. ParamBudgets overrides it per model (a CNNdroid budget is
	// part of each app's configuration); use BudgetFor.
	ParamBudget  units.Bytes
	ParamBudgets map[string]units.Bytes
	// Unsupported lists the Caffe layer kinds the framework cannot run,
	// e.g. ["Concat"] for CNNdroid (fact P5).
	Unsupported []string
}

// BudgetFor returns the parameter budget for a model: its entry in
// ParamBudgets if there is one, else ParamBudget (0 = unlimited). For
// CNNdroid, BudgetFor("alexnet") is 350 MB and BudgetFor("nin") 50 MB
// (facts P4-alexnet, P4-nin).
func (f Framework) BudgetFor(model string) units.Bytes {
	if b, ok := f.ParamBudgets[model]; ok {
		return b
	}
	return f.ParamBudget
}

// Resident reports, for each layer of layers (in net order), whether its
// parameters fit in the framework's budget for the model and so stay
// resident after loading: a layer is resident when the parameter bytes of
// all layers up to and including it do not exceed the budget. With no
// budget every layer is resident. For example, with a 350 MB budget all of
// AlexNet's 244 MB of parameters are resident; with a 200 MB budget fc6
// (cumulative 160 MB) is resident and fc7 (227 MB) and fc8 are not.
func (f Framework) Resident(model string, layers []LayerCost) []bool {
	budget := f.BudgetFor(model)
	out := make([]bool, len(layers))
	var sum int64
	for i, l := range layers {
		sum += l.ParamBytes
		out[i] = budget <= 0 || float64(sum) <= float64(budget)
	}
	return out
}

func (f Framework) clone() Framework {
	g := f
	g.ParamBudgets = maps.Clone(f.ParamBudgets)
	g.Unsupported = append([]string(nil), f.Unsupported...)
	return g
}

// LayerCost is one layer of a model on a processor: its mean time on the
// target and the spread a draw has around it. Fused layers (computed inside
// another layer's kernel) and layers that do no work (the input, dropout at
// inference) have Mean 0.
type LayerCost struct {
	Index      int
	Name, Kind string
	Class      string  // the op class whose factor applies: conv, depthwise, fc, pool, lrn, elementwise, or none
	Mean       float64 // seconds on the target
	CV         float64 // coefficient of variation of a draw (host CV × noise_scale)
	FLOPs      int64
	ParamBytes int64
	OutBytes   int64
	// MemBound is the share of Mean bound by memory bandwidth, which a
	// lower core clock does not stretch (the roofline split): 1 for a
	// class timed by a bandwidth or a roofline layer whose bytes
	// dominate, else 0 (devices' thermal model, thermal.Speed).
	MemBound float64
}

// LoadCost is what loading a model costs on a processor. The phone reads
// FileBytes from storage at its own storage rate, then spends Parse on the
// CPU and Convert on the GPU conversion/upload; ResidentBytes stay in memory
// afterwards.
type LoadCost struct {
	FileBytes     units.Bytes    // read from storage by the phone
	Parse         units.Duration // parse and materialise on the target's CPU
	Convert       units.Duration // GPU conversion/upload (CNNdroid); 0 otherwise
	ResidentBytes units.Bytes    // parameter memory held once loaded (within the budget)
}

// UnsupportedError reports a model the processor's framework cannot run,
// naming the first layer whose kind it lacks.
type UnsupportedError struct {
	Processor, Framework, Model, Layer, Kind string
}

func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("devices: %s (%s) cannot run %s: layer %s is a %s layer", e.Processor, e.Framework, e.Model, e.Layer, e.Kind)
}

// Processor is a processor profile compiled against one kernel profile: the
// free parameters are fitted, and every model's per-layer target times are
// computed once. A Processor is immutable and safe to share between
// goroutines.
type Processor struct {
	name      string
	desc      string
	target    Target
	framework Framework
	model     string // "scaled" or "roofline"
	kernel    string // description of the kernel profile it was fitted against
	models    map[string]*procModel
	order     []string // model names in kernel-profile order
	preproc   []preprocPoint
	image     float64 // factor on host preprocess time
	batch     batchModel
	handling  *Handling // server request handling, nil if none
	report    FitReport
}

type procModel struct {
	layers  []LayerCost
	prefix  []float64 // prefix[i] = Σ Mean of layers [0, i)
	load    LoadCost
	unsupp  *UnsupportedError
	batchFn func(b int) float64 // nil: use the slope
}

// batchModel is the server batch time model.
type batchModel struct {
	slope   float64
	derived bool        // roofline: batch time from the roofline itself
	curve   *BatchCurve // fitted to a batch-throughput table: t(1)·r(b)
}

// preprocPoint is one host preprocessing measurement.
type preprocPoint struct {
	mpixel float64 // megapixels
	total  float64 // seconds
}

// Name returns the processor profile's name, e.g. "nexus5-caffe-cpu".
func (p *Processor) Name() string { return p.name }

// Description returns the profile's one-line description.
func (p *Processor) Description() string { return p.desc }

// Target returns what the processor is: phone-cpu, phone-gpu, server-cpu or
// server-gpu.
func (p *Processor) Target() Target { return p.target }

// Framework returns a copy of the framework description.
func (p *Processor) Framework() Framework { return p.framework.clone() }

// ModelKind returns the timing model: "scaled" or "roofline".
func (p *Processor) ModelKind() string { return p.model }

// Models returns the models the processor has times for, in kernel-profile
// order.
func (p *Processor) Models() []string { return append([]string(nil), p.order...) }

func (p *Processor) lookup(model string) (*procModel, error) {
	m, ok := p.models[model]
	if !ok {
		return nil, fmt.Errorf("devices: processor %s: no model %q in the kernel profile%s", p.name, model, suggest.DidYouMean(model, p.order))
	}
	return m, nil
}

// Supports returns nil if the processor's framework can run the model, an
// *UnsupportedError naming the first layer kind it lacks (CNNdroid has no
// Concat, fact P5, so it cannot run SqueezeNet), or an error if the kernel
// profile has no such model.
func (p *Processor) Supports(model string) error {
	m, err := p.lookup(model)
	if err != nil {
		return err
	}
	if m.unsupp != nil {
		return m.unsupp
	}
	return nil
}

// Layers returns every layer of the model in net order with its mean time
// and CV on this processor; fused layers have Mean 0. The slice is a copy.
// It returns an *UnsupportedError for a model the framework cannot run.
func (p *Processor) Layers(model string) ([]LayerCost, error) {
	m, err := p.lookup(model)
	if err != nil {
		return nil, err
	}
	if m.unsupp != nil {
		return nil, m.unsupp
	}
	return append([]LayerCost(nil), m.layers...), nil
}

// SampleLayer draws one time for a layer: log-normal with mean c.Mean and
// coefficient of variation c.CV, i.e. exp(μ + σZ) with σ² = ln(1 + CV²) and
// μ = ln(Mean) − σ²/2, Z standard normal from rng. A layer with Mean 0
// takes 0; with CV 0 it takes exactly Mean. For Mean 10 ms and CV 0.2,
// σ = 0.198 and μ = ln(0.01) − 0.0196, and draws average 10 ms with
// standard deviation 2 ms. Each call consumes one normal variate.
func (p *Processor) SampleLayer(c *LayerCost, rng *rand.Rand) float64 {
	return sampleLogNormal(c.Mean, c.CV, rng)
}

func sampleLogNormal(mean, cv float64, rng *rand.Rand) float64 {
	if mean <= 0 {
		return 0
	}
	if cv <= 0 {
		return mean
	}
	s2 := math.Log1p(cv * cv)
	return math.Exp(math.Log(mean) - s2/2 + math.Sqrt(s2)*rng.NormFloat64())
}

// ComputeTime returns the sum of the mean times of layers [from, to) of the
// model, in seconds: ComputeTime(m, 0, len(layers)) is the whole inference,
// ComputeTime(m, 0, k+1) the phone part of a split after layer k.
func (p *Processor) ComputeTime(model string, from, to int) (float64, error) {
	m, err := p.lookup(model)
	if err != nil {
		return 0, err
	}
	if m.unsupp != nil {
		return 0, m.unsupp
	}
	if from < 0 || to > len(m.layers) || from > to {
		return 0, fmt.Errorf("devices: processor %s: layer range [%d, %d) outside %s's %d layers", p.name, from, to, model, len(m.layers))
	}
	return m.prefix[to] - m.prefix[from], nil
}

// totalCompute is the model's whole compute time (the sum of its layer
// means).
func (p *Processor) totalCompute(model string) (float64, error) {
	m, err := p.lookup(model)
	if err != nil {
		return 0, err
	}
	if m.unsupp != nil {
		return 0, m.unsupp
	}
	return m.prefix[len(m.layers)], nil
}

// Load returns what loading the model costs on this processor (see
// LoadCost). For a model the framework cannot run it returns an
// *UnsupportedError.
func (p *Processor) Load(model string) (LoadCost, error) {
	m, err := p.lookup(model)
	if err != nil {
		return LoadCost{}, err
	}
	if m.unsupp != nil {
		return LoadCost{}, m.unsupp
	}
	return m.load, nil
}

// Preprocess returns the time to decode a width×height JPEG photo and
// resize and crop it to a model input on this processor: the profile's
// image factor times the host time for that many megapixels. The host time
// interpolates linearly in megapixels between the kernel profile's measured
// sizes (the study's 3840×2160, 1920×1080 and 960×540) and, outside them,
// scales the nearest measured size's seconds per megapixel. For example,
// with host measurements of 8 ms at 0.52 MP and 33 ms at 2.07 MP, a
// 1280×720 photo (0.92 MP) takes 8 + (33 − 8)·(0.92 − 0.52)/(2.07 − 0.52)
// = 14.5 ms on the host, and 43.5 ms on a target with image factor 3.
func (p *Processor) Preprocess(width, height int) units.Duration {
	if width <= 0 || height <= 0 || len(p.preproc) == 0 {
		return 0
	}
	return units.Duration(p.image * hostPreprocess(p.preproc, float64(width)*float64(height)/1e6))
}

// hostPreprocess interpolates the host preprocessing time at mp megapixels
// (pts sorted by mpixel).
func hostPreprocess(pts []preprocPoint, mp float64) float64 {
	n := len(pts)
	switch {
	case n == 0:
		return 0
	case mp <= pts[0].mpixel:
		return mp * pts[0].total / pts[0].mpixel
	case mp >= pts[n-1].mpixel:
		return mp * pts[n-1].total / pts[n-1].mpixel
	}
	i := sort.Search(n, func(i int) bool { return pts[i].mpixel >= mp })
	a, b := pts[i-1], pts[i]
	return a.total + (b.total-a.total)*(mp-a.mpixel)/(b.mpixel-a.mpixel)
}

// BatchTime returns the mean time, in seconds, to run a batch of b inputs
// of the model (b ≥ 1). A scaled processor uses
//
//	t(b) = t(1) · (1 + (b − 1) · batch_slope)
//
// with the profile's batch_slope (1: batching saves nothing; 0: a batch
// costs as much as one input); e.g. t(1) = 40 ms and slope 0.9 give
// t(4) = 40 · 3.7 = 148 ms. A roofline processor (unless its profile fixes
// a slope) evaluates the roofline at batch b: compute and activation
// traffic grow b-fold while weights are read and kernels launched once per
// layer, t(b) = Σ max(b·work/(peak·eff), (b·(in+out) + params)/bandwidth)
// + overhead. A profile with a batch curve (BatchCurveSpec) uses
// t(b) = t(1) · r(b) with its fitted r; e.g. cloud-gpu-k80's AlexNet at
// batch 16 takes 4.4× its batch-1 time and so serves 3.6× the images.
func (p *Processor) BatchTime(model string, b int) (float64, error) {
	if b < 1 {
		return 0, fmt.Errorf("devices: processor %s: batch size %d is not positive", p.name, b)
	}
	m, err := p.lookup(model)
	if err != nil {
		return 0, err
	}
	if m.unsupp != nil {
		return 0, m.unsupp
	}
	t1 := m.prefix[len(m.layers)]
	if c := p.batch.curve; c != nil {
		return t1 * c.Ratio(b), nil
	}
	if m.batchFn != nil && p.batch.derived {
		return m.batchFn(b), nil
	}
	return t1 * (1 + float64(b-1)*p.batch.slope), nil
}

// ConvertTime returns the GPU conversion/upload time of n parameter bytes
// at the profile's conversion rate (0 for frameworks that convert
// nothing). The phone uses it for layers over the parameter budget, which
// CNNdroid converts again at every inference.
func (p *Processor) ConvertTime(n units.Bytes) units.Duration {
	r := p.report.param("convert")
	if r == nil || r.Value <= 0 {
		return 0
	}
	return units.Duration(float64(n) / r.Value)
}

// Fit returns the fit report: every parameter with its value and where it
// came from, and every reference row with its simulated value and error.
func (p *Processor) Fit() FitReport { return p.report.clone() }
