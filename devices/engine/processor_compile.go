package engine

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/infersim/infersim/models"
	"github.com/infersim/infersim/reference"
	"github.com/infersim/infersim/units"
	"gonum.org/v1/gonum/mat"
)

// Compile fits the profile against a kernel profile (nil: the embedded
// default, models.DefaultProfile) and returns the compiled Processor.
//
// The fit, in four steps:
//
//  1. Each layer of each kernel-profile model gets a class (conv,
//     depthwise, fc, pool, lrn, elementwise, or none for the input and
//     for dropout, which do no work at inference).
//  2. Fixed and tied parameters take their values; the free ones are
//     unknowns. Every fitted row's simulated value — a whole-model compute
//     time Σ_layers t_layer, a load time FileBytes/storage_read_rate +
//     parse·host_load + ResidentBytes/convert_rate, a preprocess time
//     image·host_preprocess — is linear in the scaled model's free
//     parameters (class factors, overhead, image, parse, 1/convert_rate),
//     so they are found by weighted linear least squares (gonum mat),
//     minimising Σ ((simulated − reference)/reference)². A fit that would
//     make a parameter non-positive, and a roofline fit with a free
//     efficiency (which sits inside a max), minimise the same sum by
//     Nelder–Mead on the parameters' logarithms (gonum optimize).
//  3. A free noise.scale is fitted to the compute-sd rows: the simulated
//     SD of a whole-model time, sqrt(Σ (CV_layer·mean_layer)²) for
//     independent layers, is proportional to the scale, and ln(scale) is
//     the mean of ln(SD_reference / SD_at_scale_1).
//  4. Every row is evaluated with the fitted parameters and reported.
//
// Because the fit runs at every compile, target times stay anchored to the
// reference rows whatever machine measured the kernel profile: a host
// twice as slow halves the fitted factors and leaves the fitted rows'
// errors unchanged. Compile errors name the profile and the problem
// (a fitted row's model missing from the kernel profile, an
// under-determined fit).
func (pp *ProcessorProfile) Compile(kp *models.Profile) (*Processor, error) {
	if kp == nil {
		kp = defaultKernelProfile()
	}
	return compileProfile(pp, kp, false)
}

// defaultKernelProfile returns one shared copy of the embedded default
// kernel profile, parsed once per process: compiled processors never
// modify it, and one pointer lets LoadProcessor(name, nil) and
// LoadProcessor(name, defaultKernelProfile()) share a compiled processor.
var defaultKernelProfile = sync.OnceValue(models.DefaultProfile)

// hostLayer is one kernel-profile layer with its class.
type hostLayer struct {
	l        *models.ProfileLayer
	class    string
	fused    bool
	executed bool // scaled: takes time (and overhead) on the target
	kernel   bool // roofline: a kernel of its own on the target
}

type hostModel struct {
	pm     *models.ProfileModel
	layers []hostLayer
	unsupp *UnsupportedError
}

// coeffs are the parameter values a prediction uses.
type coeffs struct {
	s        map[string]float64 // class factors (scaled)
	bw       map[string]float64 // class → bandwidth (B/s) when a class is set by bandwidth
	overhead float64            // seconds per executed layer
	eff      float64            // roofline efficiency
	peak     float64            // roofline FLOP/s
	rbw      float64            // roofline bytes/s
	image    float64
	parse    float64
	convertK float64 // seconds per resident parameter byte
	noise    float64
}

// freeParam is one unknown of the fit, in the coordinates in which the
// predictions are linear (convert: seconds per byte).
type freeParam struct {
	name string
	init float64
	set  func(c *coeffs, x float64)
}

type compiler struct {
	pp      *ProcessorProfile
	curve   *BatchCurve // the fitted batch curve, if the profile has one
	kp      *models.Profile
	nested  bool
	fw      Framework
	models  map[string]*hostModel
	order   []string
	preproc []preprocPoint
	read    float64 // storage read rate, B/s (load rows)
	base    coeffs
	ties    []func(c *coeffs)
	free    []freeParam
	notes   []string
	params  []FitParam
	// late ties (share ties) run after every other tie: they read the
	// other classes' factors.
	late []func(c *coeffs)
	// warnings are the degenerate-fit findings (FitReport.Warnings).
	warnings []string
	// priors are the free class factors' fallback ties, by class.
	priors map[string]PriorSpec
	// x and unc are the fitted free parameters and their relative
	// uncertainties (FitParam.Uncertainty).
	x, unc []float64
	// perturb scales one free parameter after the fit (Perturbed).
	perturb      string
	perturbScale float64
	noiseUnc     float64
	// shareUnc are the share-tied classes' uncertainties: their facts'
	// tolerances.
	shareUnc map[string]float64
	// shareFact are the share-tied classes' facts.
	shareFact map[string]string
}

func compileProfile(pp *ProcessorProfile, kp *models.Profile, nested bool) (*Processor, error) {
	c := &compiler{pp: pp, kp: kp, nested: nested, models: map[string]*hostModel{}}
	if err := c.setup(); err != nil {
		return nil, fmt.Errorf("devices: profile %s: %w", pp.Name, err)
	}
	co, err := c.fit()
	if err != nil {
		return nil, fmt.Errorf("devices: profile %s: fitting against the kernel profile (%s): %w", pp.Name, kernelText(kp), err)
	}
	p := c.build(co)
	if err := c.attachHandling(p); err != nil {
		return nil, err
	}
	return p, nil
}

// attachHandling compiles the profile's request handling onto p, scaling
// its setup when the compiler perturbs "handling.setup" (Perturbed). Both
// the shipped and the perturbed paths go through here, so a perturbed
// server keeps its handling.
func (c *compiler) attachHandling(p *Processor) error {
	h, err := compileHandling(c.pp, c.kp, 0)
	if err != nil {
		return fmt.Errorf("devices: profile %s: %w", c.pp.Name, err)
	}
	p.handling = h
	if h == nil {
		return nil
	}
	if c.perturb == "handling.setup" {
		h.Setup *= c.perturbScale
	}
	p.report.Params = append(p.report.Params, h.Params...)
	for _, prm := range h.Params {
		if prm.Status == "free" {
			p.report.Warnings = append(p.report.Warnings, fmt.Sprintf("%s exactly determined: 1 free parameter, 1 fitted row (%s): the fit reproduces its row by construction; only held-out rows test it", prm.Name, strings.Join(prm.FittedTo, ", ")))
		}
	}
	return nil
}

func kernelText(kp *models.Profile) string {
	h := kp.Host
	if h.CPU == "" {
		return fmt.Sprintf("%d models, no host recorded", len(kp.Models))
	}
	return fmt.Sprintf("%s, %d cores, %s, gemm %s, %s", h.CPU, h.Cores, h.Go, h.Gemm, h.Date)
}

// setup classifies the kernel profile's layers and sets the fixed,
// tied and free parameters.
func (c *compiler) setup() error {
	c.fw = frameworkOf(c.pp.Framework)
	c.classify()
	c.setupPreprocess()
	if c.pp.Load.StorageReadRate != "" {
		c.read, _ = parseParamValue(kindRate, c.pp.Load.StorageReadRate)
	}
	c.base = coeffs{s: map[string]float64{}, bw: map[string]float64{}, noise: 1, image: 1}
	for _, step := range []func() error{c.setupModelParams, c.setupImageLoad, c.setupNoiseBatch, c.checkFitRows} {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// frameworkOf turns the profile's framework section (validated) into the
// Framework the phone and server read.
func frameworkOf(spec FrameworkSpec) Framework {
	fw := Framework{Name: spec.Name, CoresBusy: spec.CoresBusy, UsesGPU: spec.UsesGPU,
		JavaHeap: spec.JavaHeap, Unsupported: append([]string(nil), spec.Unsupported...)}
	if spec.ParamBudget != "" {
		b, _ := units.ParseBytes(spec.ParamBudget)
		fw.ParamBudget = b
	}
	for m, s := range spec.ParamBudgetModels {
		b, _ := units.ParseBytes(s)
		if fw.ParamBudgets == nil {
			fw.ParamBudgets = map[string]units.Bytes{}
		}
		fw.ParamBudgets[m] = b
	}
	return fw
}

// classify gives every kernel-profile layer its class and notes the first
// layer of each model the framework cannot run.
func (c *compiler) classify() {
	unfused := c.pp.Roofline != nil && c.pp.Roofline.Unfused
	for i := range c.kp.Models {
		pm := &c.kp.Models[i]
		zoo := zooClasses(pm.Name)
		hm := &hostModel{pm: pm}
		for j := range pm.Layers {
			l := &pm.Layers[j]
			cls := classOf(l, zoo)
			hl := hostLayer{l: l, class: cls, fused: l.FusedInto != ""}
			hl.executed = !hl.fused && cls != classNone && l.MedianS > 0
			hl.kernel = cls != classNone && (!hl.fused || unfused)
			hm.layers = append(hm.layers, hl)
			if hm.unsupp == nil && slices.Contains(c.fw.Unsupported, l.Kind) {
				hm.unsupp = &UnsupportedError{Processor: c.pp.Name, Framework: c.fw.Name, Model: pm.Name, Layer: l.Name, Kind: l.Kind}
			}
		}
		c.models[pm.Name] = hm
		c.order = append(c.order, pm.Name)
	}
}

// setupPreprocess takes the host's preprocessing timings (a phone target
// borrows the default kernel profile's when its own has none).
func (c *compiler) setupPreprocess() {
	phone := c.pp.Target.IsPhone()
	pre := c.kp.Preprocess
	if len(pre) == 0 && phone && c.kp != defaultKernelProfile() {
		pre = defaultKernelProfile().Preprocess
		if len(pre) > 0 {
			c.notes = append(c.notes, "the kernel profile has no preprocessing timings; using the default kernel profile's")
		}
	}
	for _, p := range pre {
		c.preproc = append(c.preproc, preprocPoint{mpixel: float64(p.Width) * float64(p.Height) / 1e6, total: p.TotalS})
	}
	sort.Slice(c.preproc, func(i, j int) bool { return c.preproc[i].mpixel < c.preproc[j].mpixel })
	if len(c.preproc) == 0 && phone {
		c.notes = append(c.notes, "no preprocessing timings in the kernel profile: Preprocess returns 0")
	}
}

// setupModelParams sets the timing model's parameters: the class factors
// and overhead (scaled) or peak, bandwidth, efficiency and overhead
// (roofline).
func (c *compiler) setupModelParams() error {
	pp := c.pp
	switch pp.Model {
	case "scaled":
		conv := pp.Scaled.Factors[classConv]
		for _, cls := range classNames {
			p, ok := pp.Scaled.Factors[cls]
			if !ok {
				p = ParamSpec{Tie: classConv, Ratio: 1, Reason: "not given in the profile: same as conv"}
			}
			if err := c.classParam(cls, p, conv); err != nil {
				return err
			}
		}
		c.scalarParam("overhead", pp.Scaled.Overhead, kindDuration, func(co *coeffs, x float64) { co.overhead = x })
	case "roofline":
		rf := pp.Roofline
		peak, _ := units.ParseFLOPRate(rf.Peak)
		bw, _ := units.ParseByteRate(rf.Bandwidth)
		c.base.peak, c.base.rbw = float64(peak), float64(bw)
		c.params = append(c.params,
			FitParam{Name: "peak", Status: "fixed", Value: float64(peak), Text: peak.String(), Reason: rf.PeakSource},
			FitParam{Name: "bandwidth", Status: "fixed", Value: float64(bw), Text: bw.String(), Reason: rf.BandwidthSource})
		c.scalarParam("efficiency", rf.Efficiency, kindFraction, func(co *coeffs, x float64) { co.eff = x })
		c.scalarParam("overhead", rf.Overhead, kindDuration, func(co *coeffs, x float64) { co.overhead = x })
		if rf.Unfused {
			c.params = append(c.params, FitParam{Name: "unfused", Status: "fixed", Value: 1, Text: "true", Reason: rf.UnfusedReason})
		}
	}
	return nil
}

// setupImageLoad sets the image and parse factors, the conversion rate
// and the storage read rate of the load rows.
func (c *compiler) setupImageLoad() error {
	pp := c.pp
	image := ParamSpec{Value: "1", Reason: "not given: the host's preprocessing speed"}
	if pp.Image != nil {
		image = *pp.Image
	}
	if err := c.tieableParam("image", image, func(co *coeffs, x float64) { co.image = x }); err != nil {
		return err
	}
	parse := ParamSpec{Value: "1", Reason: "not given: the host's parse speed"}
	if pp.Load.Parse != nil {
		parse = *pp.Load.Parse
	}
	if err := c.tieableParam("parse", parse, func(co *coeffs, x float64) { co.parse = x }); err != nil {
		return err
	}
	if cv := pp.Load.Convert; cv != nil {
		c.convertParam(cv)
	}
	if c.read > 0 {
		c.params = append(c.params, FitParam{Name: "storage_read_rate", Status: "fixed", Value: c.read, Text: units.ByteRate(c.read).String(),
			Reason: joinReason("used by load rows only (the phone preset has its own)", pp.Load.StorageReadRateSource)})
	}
	return nil
}

// convertParam sets the GPU conversion rate, free or fixed; the fit's
// coordinate is seconds per byte.
func (c *compiler) convertParam(cv *ParamSpec) {
	if cv.Free {
		init := 1e-8 // 100 MB/s
		if cv.Value != "" {
			r, _ := parseParamValue(kindRate, cv.Value)
			init = 1 / r
		}
		c.free = append(c.free, freeParam{name: "convert", init: init, set: func(co *coeffs, x float64) { co.convertK = x }})
		c.params = append(c.params, FitParam{Name: "convert", Status: "free", Reason: cv.Reason + cv.Source})
		return
	}
	r, _ := parseParamValue(kindRate, cv.Value)
	c.base.convertK = 1 / r
	c.params = append(c.params, FitParam{Name: "convert", Status: "fixed", Value: r, Text: units.ByteRate(r).String(), Reason: joinReason(cv.Reason, cv.Source)})
}

// setupNoiseBatch sets the noise scale and the batch slope.
func (c *compiler) setupNoiseBatch() error {
	pp := c.pp
	noise := ParamSpec{Value: "1", Reason: "not given: the host's spread"}
	if pp.Noise.Scale != nil {
		noise = *pp.Noise.Scale
	}
	if noise.Free {
		c.params = append(c.params, FitParam{Name: "noise_scale", Status: "free", Reason: joinReason(noise.Reason, noise.Source)})
	} else {
		v, _ := parseParamValue(kindFactor, noise.Value)
		c.base.noise = v
		c.params = append(c.params, FitParam{Name: "noise_scale", Status: "fixed", Value: v, Text: fmtFactor(v), Reason: joinReason(noise.Reason, noise.Source)})
	}
	switch {
	case pp.Batch.Curve != nil:
		bc, err := FitBatchCurve(*pp.Batch.Curve)
		if err != nil {
			return fmt.Errorf("%s: batch.curve: %w", pp.Name, err)
		}
		c.curve = &bc
		why := "fitted to " + pp.Batch.Curve.Model + " batch throughput, " + pp.Batch.Curve.Source
		c.params = append(c.params,
			FitParam{Name: "batch_alpha", Status: "derived", Value: bc.Alpha, Text: fmtFactor(bc.Alpha), Reason: why},
			FitParam{Name: "batch_gamma", Status: "derived", Value: bc.Gamma, Text: fmtFactor(bc.Gamma), Reason: "r(b) = alpha·b + (1 − alpha)·b^gamma"})
	case pp.Batch.Slope != nil:
		c.params = append(c.params, FitParam{Name: "batch_slope", Status: "fixed", Value: *pp.Batch.Slope, Text: fmtFactor(*pp.Batch.Slope), Reason: pp.Batch.Reason})
	case pp.Model == "roofline":
		c.params = append(c.params, FitParam{Name: "batch_slope", Status: "derived", Value: math.NaN(), Text: "roofline", Reason: "batch time from the roofline at batch b (see BatchTime)"})
	default:
		c.params = append(c.params, FitParam{Name: "batch_slope", Status: "fixed", Value: 1, Text: "1", Reason: "not given: batching saves nothing"})
	}
	return nil
}

// checkFitRows checks that the kernel profile has what every fitted row
// needs: its model, runnable, with load timings for a load row.
func (c *compiler) checkFitRows() error {
	for _, r := range c.pp.Rows {
		if r.Role != RoleFit || r.Quantity == QPreprocess {
			continue
		}
		hm, ok := c.models[r.Model]
		if !ok {
			return fmt.Errorf("fitted row %s needs model %s, which the kernel profile (%s) lacks", r.Fact, r.Model, kernelText(c.kp))
		}
		if hm.unsupp != nil {
			return fmt.Errorf("fitted row %s: %w", r.Fact, hm.unsupp)
		}
		if r.Quantity == QLoad && hostLoadSeconds(c.kp, hm.pm) <= 0 {
			return fmt.Errorf("fitted row %s needs model load timings, which the kernel profile (%s) lacks", r.Fact, kernelText(c.kp))
		}
	}
	return nil
}

func joinReason(a, b string) string {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " (source: " + b + ")"
}

func fmtFactor(v float64) string { return fmt.Sprintf("%.4g", v) }

// classParam sets a class factor of the scaled model.
func (c *compiler) classParam(cls string, p, conv ParamSpec) error {
	set := func(co *coeffs, x float64) { co.s[cls] = x }
	switch {
	case p.Bandwidth != "":
		bw, _ := parseParamValue(kindRate, p.Bandwidth)
		c.base.bw[cls] = bw
		c.params = append(c.params, FitParam{Name: cls, Status: "bandwidth", Value: bw, Text: "(in+out+param bytes) / " + units.ByteRate(bw).String(), Reason: joinReason(p.Reason, p.Source)})
	case p.Tie != "" && p.Share != nil:
		return c.shareParam(cls, p)
	case p.Tie != "":
		tie, ratio := p.Tie, p.Ratio
		c.ties = append(c.ties, func(co *coeffs) { co.s[cls] = ratio * co.s[tie] })
		c.params = append(c.params, FitParam{Name: cls, Status: "tied", Text: fmt.Sprintf("%s × %s", fmtFactor(ratio), tie), Reason: joinReason(p.Reason, p.Source)})
	default:
		if p.Free {
			prior := PriorSpec{Tie: classConv, Ratio: 1, Reason: "no prior given: the host kernel profile's own ratio of " + cls + " time to conv time"}
			if p.Prior != nil {
				prior = *p.Prior
			}
			if cls != classConv {
				if c.priors == nil {
					c.priors = map[string]PriorSpec{}
				}
				c.priors[cls] = prior
			}
		}
		c.scalarParam(cls, p, kindFactor, set)
	}
	return nil
}

// shareParam ties class cls so that its layers take the fraction f (a
// fact) of one model's compute time: s_cls·D + n·overhead = f/(1−f)·rest,
// where D is the host time of the model's executed cls layers, n their
// count and rest the time of the model's other layers. rest is linear in
// the other parameters, so the fit stays linear.
func (c *compiler) shareParam(cls string, p ParamSpec) error {
	hm := c.models[p.Share.Model]
	if hm == nil || hm.unsupp != nil {
		return fmt.Errorf("scaled.factors.%s.share: model %s is not in the kernel profile (%s) or cannot run", cls, p.Share.Model, kernelText(c.kp))
	}
	var d float64
	n := 0
	for _, hl := range hm.layers {
		if hl.executed && hl.class == cls {
			d += hl.l.MedianS
			n++
		}
	}
	if !(d > 0) {
		return fmt.Errorf("scaled.factors.%s.share: model %s has no %s layer with a host time", cls, p.Share.Model, cls)
	}
	fact := reference.MustLookup(p.Share.Fact)
	f := fact.Value
	if c.shareUnc == nil {
		c.shareUnc = map[string]float64{}
	}
	c.shareUnc[cls] = fact.Tolerance
	if c.shareFact == nil {
		c.shareFact = map[string]string{}
	}
	c.shareFact[cls] = fact.ID
	c.late = append(c.late, func(co *coeffs) {
		co.s[cls] = 0
		rest := c.computeTime(hm, co) - float64(n)*co.overhead
		co.s[cls] = (f/(1-f)*rest - float64(n)*co.overhead) / d
	})
	c.params = append(c.params, FitParam{Name: cls, Status: "tied",
		Text:   fmt.Sprintf("share %.3g of %s", f, p.Share.Model),
		Reason: joinReason(p.Reason, p.Source) + fmt.Sprintf(" (tied so that %s layers take fact %s = %.3g of %s's compute time)", cls, p.Share.Fact, f, p.Share.Model)})
	return nil
}

// scalarParam sets a free or fixed parameter that cannot be tied.
func (c *compiler) scalarParam(name string, p ParamSpec, k paramKind, set func(*coeffs, float64)) {
	if p.Free {
		init := 1.0
		if k == kindDuration {
			init = 1e-5
		}
		if k == kindFraction {
			init = 0.3
		}
		if p.Value != "" {
			init, _ = parseParamValue(k, p.Value)
		}
		if k == kindDuration && init == 0 {
			init = 1e-5
		}
		c.free = append(c.free, freeParam{name: name, init: init, set: set})
		c.params = append(c.params, FitParam{Name: name, Status: "free", Reason: joinReason(p.Reason, p.Source)})
		return
	}
	v, _ := parseParamValue(k, p.Value)
	set(&c.base, v)
	text := fmtFactor(v)
	if k == kindDuration {
		text = units.Duration(v).String()
	}
	c.params = append(c.params, FitParam{Name: name, Status: "fixed", Value: v, Text: text, Reason: joinReason(p.Reason, p.Source)})
}

// tieableParam sets image or parse: free, fixed, or tied to a class factor
// (scaled only).
func (c *compiler) tieableParam(name string, p ParamSpec, set func(*coeffs, float64)) error {
	if p.Tie == "" {
		c.scalarParam(name, p, kindFactor, set)
		return nil
	}
	if c.pp.Model != "scaled" {
		return fmt.Errorf("%s: only a scaled profile can tie %s to a class factor", name, name)
	}
	if _, ok := c.pp.Scaled.Factors[p.Tie]; !ok && p.Tie != classConv {
		return fmt.Errorf("%s: tied to class %s, which has no factor in this profile", name, p.Tie)
	}
	if f := c.pp.Scaled.Factors[p.Tie]; f.Bandwidth != "" || f.Tie != "" {
		return fmt.Errorf("%s: tied to %s, which is itself tied or set by a bandwidth", name, p.Tie)
	}
	tie, ratio := p.Tie, p.Ratio
	c.ties = append(c.ties, func(co *coeffs) { set(co, ratio*co.s[tie]) })
	c.params = append(c.params, FitParam{Name: name, Status: "tied", Text: fmt.Sprintf("%s × %s", fmtFactor(ratio), tie), Reason: joinReason(p.Reason, p.Source)})
	return nil
}

// classOf returns a kernel-profile layer's op class: the class models
// gives its kind, and depthwise for a convolution that the zoo model of
// the same name builds as depthwise (zoo holds those classes by layer name;
// nil for models outside the zoo).
func classOf(l *models.ProfileLayer, zoo map[string]models.CostClass) string {
	cls := models.KindCostClass(l.Kind)
	if cls == models.CostConv && zoo[l.Name] == models.CostDepthwise {
		cls = models.CostDepthwise
	}
	return cls.String()
}

// zooClasses returns the cost class of each layer of a zoo model, by layer
// name, or nil for a model not in the zoo.
func zooClasses(model string) map[string]models.CostClass {
	net, err := models.Zoo(model)
	if err != nil {
		return nil
	}
	m := map[string]models.CostClass{}
	for _, li := range net.Layers() {
		m[li.Name] = li.Class
	}
	return m
}

// hostLoadSeconds is the host's time to read and parse the model's weights
// file; a profile without it (calibrate --no-load) borrows the aggregate
// MB/s of the models that have it, or returns 0.
func hostLoadSeconds(kp *models.Profile, pm *models.ProfileModel) float64 {
	if pm.Load.Seconds > 0 {
		return pm.Load.Seconds
	}
	var b, s float64
	for _, m := range kp.Models {
		if m.Load.Seconds > 0 {
			b += float64(m.Load.Bytes)
			s += m.Load.Seconds
		}
	}
	if s == 0 || b == 0 {
		return 0
	}
	return float64(fileBytes(pm)) * s / b
}

func fileBytes(pm *models.ProfileModel) int64 {
	if pm.WeightFileBytes > 0 {
		return pm.WeightFileBytes
	}
	var n int64
	for _, l := range pm.Layers {
		n += l.ParamBytes
	}
	return n
}

// RooflineTime returns a layer's time under the roofline model:
//
//	t = max(work / (peak · efficiency), bytes / bandwidth) + overhead
//
// where work is the layer's arithmetic (FLOPs plus other operations) and
// bytes the memory it moves (inputs + outputs + parameters). For a 1 GFLOP
// convolution moving 10 MB on a 1 TFLOP/s GPU at efficiency 0.5 with
// 100 GB/s and 20 µs overhead: compute 1e9/(0.5·1e12) = 2 ms, memory
// 1e7/1e11 = 0.1 ms, so t = 2 ms + 20 µs = 2.02 ms. Doubling peak (a
// "2× faster" GPU) gives 1.02 ms.
func RooflineTime(work units.FLOPs, bytes units.Bytes, peak units.FLOPRate, efficiency float64, bandwidth units.ByteRate, overhead units.Duration) units.Duration {
	compute := float64(work) / (float64(peak) * efficiency)
	memory := float64(bytes) / float64(bandwidth)
	return units.Duration(math.Max(compute, memory) + float64(overhead))
}

// layerMean is a layer's mean target time under co.
func (c *compiler) layerMean(hl *hostLayer, co *coeffs, batch int) float64 {
	l := hl.l
	b := float64(batch)
	if c.pp.Model == "roofline" {
		if !hl.kernel {
			return 0
		}
		work := b * float64(l.FLOPs+l.Ops)
		by := b*float64(l.InBytes+l.OutBytes) + float64(l.ParamBytes)
		return math.Max(work/(co.peak*co.eff), by/co.rbw) + co.overhead
	}
	if !hl.executed {
		return 0
	}
	if bw, ok := co.bw[hl.class]; ok {
		return float64(l.InBytes+l.OutBytes+l.ParamBytes)/bw + co.overhead
	}
	return co.s[hl.class]*l.MedianS + co.overhead
}

// memBound is a layer's memory-bound share under co: 1 when its time is
// a bandwidth's (a scaled class with a bandwidth, a roofline layer whose
// bytes take longer than its arithmetic), else 0.
func (c *compiler) memBound(hl *hostLayer, co *coeffs) float64 {
	l := hl.l
	if c.pp.Model == "roofline" {
		work := float64(l.FLOPs + l.Ops)
		by := float64(l.InBytes+l.OutBytes) + float64(l.ParamBytes)
		if hl.kernel && by/co.rbw > work/(co.peak*co.eff) {
			return 1
		}
		return 0
	}
	if _, ok := co.bw[hl.class]; ok {
		return 1
	}
	return 0
}

func (c *compiler) computeTime(hm *hostModel, co *coeffs) float64 {
	t := 0.0
	for i := range hm.layers {
		t += c.layerMean(&hm.layers[i], co, 1)
	}
	return t
}

// computeSD is the SD of a whole-model time with independent layers.
func (c *compiler) computeSD(hm *hostModel, co *coeffs) float64 {
	v := 0.0
	for i := range hm.layers {
		m := c.layerMean(&hm.layers[i], co, 1)
		cv := hm.layers[i].l.CV * co.noise
		v += (m * cv) * (m * cv)
	}
	return math.Sqrt(v)
}

func (c *compiler) residentBytes(hm *hostModel) int64 {
	budget := c.fw.BudgetFor(hm.pm.Name)
	var sum, res int64
	for _, hl := range hm.layers {
		sum += hl.l.ParamBytes
		if budget <= 0 || float64(sum) <= float64(budget) {
			res += hl.l.ParamBytes
		}
	}
	return res
}

func (c *compiler) loadCost(hm *hostModel, co *coeffs) LoadCost {
	res := c.residentBytes(hm)
	return LoadCost{
		FileBytes:     units.Bytes(fileBytes(hm.pm)),
		Parse:         units.Duration(co.parse * hostLoadSeconds(c.kp, hm.pm)),
		Convert:       units.Duration(co.convertK * float64(res)),
		ResidentBytes: units.Bytes(res),
	}
}

// loadTime is a load row's simulated value: read + parse + convert.
func (c *compiler) loadTime(hm *hostModel, co *coeffs) float64 {
	lc := c.loadCost(hm, co)
	t := float64(lc.Parse + lc.Convert)
	if c.read > 0 {
		t += float64(lc.FileBytes) / c.read
	}
	return t
}

func (c *compiler) batchTime(hm *hostModel, co *coeffs, b int) float64 {
	if c.curve != nil {
		return c.computeTime(hm, co) * c.curve.Ratio(b)
	}
	if c.pp.Model == "roofline" && c.pp.Batch.Slope == nil {
		t := 0.0
		for i := range hm.layers {
			t += c.layerMean(&hm.layers[i], co, b)
		}
		return t
	}
	slope := 1.0
	if c.pp.Batch.Slope != nil {
		slope = *c.pp.Batch.Slope
	}
	return c.computeTime(hm, co) * (1 + float64(b-1)*slope)
}

// predict is a mean row's simulated value (compute, load, preprocess,
// batch-per-image).
func (c *compiler) predict(r *RowSpec, co *coeffs) float64 {
	if r.Quantity == QPreprocess {
		return co.image * hostPreprocess(c.preproc, float64(r.Width)*float64(r.Height)/1e6)
	}
	hm := c.models[r.Model]
	if hm == nil {
		return math.NaN()
	}
	switch r.Quantity {
	case QCompute:
		return c.computeTime(hm, co)
	case QLoad:
		return c.loadTime(hm, co)
	case QBatchPerImage:
		return c.batchTime(hm, co, r.Batch) / float64(r.Batch)
	}
	return math.NaN()
}

// coeffsAt returns the coefficients with the free parameters at x.
func (c *compiler) coeffsAt(x []float64) *coeffs {
	co := c.base
	co.s = maps.Clone(c.base.s)
	co.bw = c.base.bw
	for i, f := range c.free {
		f.set(&co, x[i])
	}
	for _, t := range c.ties {
		t(&co)
	}
	for _, t := range c.late {
		t(&co)
	}
	return &co
}

func isMeanQuantity(q string) bool {
	return q == QCompute || q == QLoad || q == QPreprocess || q == QBatchPerImage
}

// fit solves for the free parameters and returns the fitted coefficients.
func (c *compiler) fit() (*coeffs, error) {
	var rows []*RowSpec
	var ref []float64
	for i := range c.pp.Rows {
		r := &c.pp.Rows[i]
		if r.Role == RoleFit && isMeanQuantity(r.Quantity) {
			rows = append(rows, r)
			ref = append(ref, reference.MustLookup(r.Fact).Value)
		}
	}
	x := make([]float64, len(c.free))
	if len(c.free) > 0 {
		var err error
		if x, err = c.fitFree(rows, ref); err != nil {
			return nil, err
		}
		c.degenerate(rows, x)
		c.unc = c.uncertainty(rows, ref, x)
	}
	c.x = x
	if c.perturb != "" {
		x = slices.Clone(x)
		for i, f := range c.free {
			if f.name == c.perturb {
				x[i] *= c.perturbScale
			}
		}
	}
	co := c.coeffsAt(x)
	if _, ok := c.shareUnc[c.perturb]; ok {
		co.s[c.perturb] *= c.perturbScale
	}
	if c.pp.Model == "roofline" && co.eff > 1 {
		c.warnings = append(c.warnings, fmt.Sprintf("efficiency driven past its bound: the fitted efficiency %.3g exceeds 1, the rows are faster than the stated peak", co.eff))
	}
	if p := c.pp.Noise.Scale; p != nil && p.Free {
		if err := c.fitNoise(co); err != nil {
			return nil, err
		}
		if c.perturb == "noise_scale" {
			co.noise *= c.perturbScale
		}
	}
	return co, nil
}

// degenerate records the degenerate-fit warnings: as many free parameters
// as fitted mean rows (the fit reproduces its rows by construction and
// checks nothing), and a parameter the positive refit drove to its bound.
func (c *compiler) degenerate(rows []*RowSpec, x []float64) {
	names := make([]string, len(c.free))
	for i, f := range c.free {
		names[i] = f.name
	}
	if len(rows) == len(c.free) {
		c.warnings = append(c.warnings, fmt.Sprintf("exactly determined: %s, %s: the fit reproduces its rows by construction; only held-out rows test it",
			plural(len(c.free), "free parameter")+" ("+strings.Join(names, ", ")+")", plural(len(rows), "fitted row")))
	}
	for i, f := range c.free {
		if x[i] < 1e-6*f.init {
			c.warnings = append(c.warnings, fmt.Sprintf("%s driven to its bound: fitted %.4g (start %.4g); the rows cannot fix it", f.name, x[i], f.init))
		}
	}
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// uncertainty returns each free parameter's relative uncertainty: the
// largest tolerance of the fitted rows it depends on (how far the
// reference itself may be off), or 1.96 standard errors of the weighted
// least-squares estimate when the fit has rows to spare and that is
// larger. The standard error is s·sqrt((JᵀJ)⁻¹_jj) with J the weighted
// design matrix and s² = Σ relative residual² / (rows − parameters).
func (c *compiler) uncertainty(rows []*RowSpec, ref []float64, x []float64) []float64 {
	out := make([]float64, len(c.free))
	for j, f := range c.free {
		for _, r := range rows {
			if !c.dependsOn(r, f.name) {
				continue
			}
			tol := r.Tolerance
			if tol == 0 {
				tol = reference.MustLookup(r.Fact).Tolerance
			}
			out[j] = math.Max(out[j], tol)
		}
	}
	m, n := len(rows), len(c.free)
	if m <= n {
		return out
	}
	co := c.coeffsAt(x)
	var rss float64
	for i, r := range rows {
		e := (c.predict(r, co) - ref[i]) / ref[i]
		rss += e * e
	}
	s2 := rss / float64(m-n)
	// Numerical Jacobian of the relative residuals at x (exact for the
	// linear models).
	J := mat.NewDense(m, n, nil)
	for j := range c.free {
		h := 1e-6 * math.Max(math.Abs(x[j]), 1e-12)
		xp := slices.Clone(x)
		xp[j] += h
		cp := c.coeffsAt(xp)
		for i, r := range rows {
			J.Set(i, j, (c.predict(r, cp)-c.predict(r, co))/(h*ref[i]))
		}
	}
	var jtj, inv mat.Dense
	jtj.Mul(J.T(), J)
	if err := inv.Inverse(&jtj); err != nil {
		return out
	}
	for j := range c.free {
		if v := inv.At(j, j); v > 0 && x[j] > 0 {
			out[j] = math.Max(out[j], 1.96*math.Sqrt(s2*v)/x[j])
		}
	}
	return out
}

// fitFree finds the free parameters that minimise the fitted rows'
// squared relative errors (ref: the rows' reference values): by weighted
// linear least squares when the predictions are linear in them, and by
// Nelder–Mead alone for a roofline with a free efficiency. When the linear
// fit makes a class factor non-positive, the fit is degenerate: the factor
// is tied to its prior (ParamSpec.Prior, else the host's ratio to conv),
// a warning says so, and the rest are refitted. Any other non-positive
// parameter is refitted by Nelder–Mead on the logarithms, kept positive,
// and warned of when it ends at its bound.
func (c *compiler) fitFree(rows []*RowSpec, ref []float64) ([]float64, error) {
	if len(rows) < len(c.free) {
		names := make([]string, len(c.free))
		for i, f := range c.free {
			names[i] = f.name
		}
		return nil, fmt.Errorf("%d free parameters (%s) but %d fitted rows", len(c.free), strings.Join(names, ", "), len(rows))
	}
	resid := func(x []float64) []float64 {
		co := c.coeffsAt(x)
		out := make([]float64, len(rows))
		for i, r := range rows {
			out[i] = (c.predict(r, co) - ref[i]) / ref[i]
		}
		return out
	}
	init := make([]float64, len(c.free))
	for i, f := range c.free {
		init[i] = f.init
	}
	if linear := c.pp.Model == "scaled" || !c.pp.Roofline.Efficiency.Free; !linear {
		return minimizePositive(resid, init)
	}
	x, err := c.fitLinear(rows, ref)
	if err != nil {
		return nil, c.freeErr(err)
	}
	if !slices.ContainsFunc(x, func(v float64) bool { return !(v > 0) }) {
		return x, nil
	}
	if i := c.boundedClass(x); i >= 0 {
		c.tiePrior(i, x)
		if len(c.free) == 0 {
			return nil, nil
		}
		return c.fitFree(rows, ref)
	}
	c.notes = append(c.notes, fmt.Sprintf("the linear fit gave a non-positive parameter (%s); refitted with all parameters kept positive", c.freeText(x)))
	for i := range init {
		if x[i] > 0 {
			init[i] = x[i]
		}
	}
	return minimizePositive(resid, init)
}

// boundedClass returns the index of the first free class factor with a
// prior that x makes non-positive, or −1.
func (c *compiler) boundedClass(x []float64) int {
	for i, f := range c.free {
		if _, ok := c.priors[f.name]; ok && !(x[i] > 0) {
			return i
		}
	}
	return -1
}

// tiePrior turns free class factor i into a tie to its prior and records
// the warning.
func (c *compiler) tiePrior(i int, x []float64) {
	f := c.free[i]
	pr := c.priors[f.name]
	c.warnings = append(c.warnings, fmt.Sprintf("%s driven to its bound: the linear fit gave %s; tied to its prior, %s × %s (%s)",
		f.name, c.freeText(x), fmtFactor(pr.Ratio), pr.Tie, pr.Reason))
	c.free = slices.Delete(c.free, i, i+1)
	cls, tie, ratio := f.name, pr.Tie, pr.Ratio
	// First, so a factor tied to this one reads its new value.
	c.ties = append([]func(*coeffs){func(co *coeffs) { co.s[cls] = ratio * co.s[tie] }}, c.ties...)
	for j := range c.params {
		if c.params[j].Name == cls {
			c.params[j].Status = "tied"
			c.params[j].Text = fmt.Sprintf("%s × %s (prior)", fmtFactor(ratio), tie)
			c.params[j].Reason = "prior, the free fit being degenerate: " + pr.Reason
		}
	}
}

// fitLinear solves the weighted linear least-squares fit. A roofline with
// a fixed efficiency is linear in the overhead; the design matrix is
// evaluated at a valid efficiency.
func (c *compiler) fitLinear(rows []*RowSpec, ref []float64) ([]float64, error) {
	zero := make([]float64, len(c.free))
	c0 := c.coeffsAt(zero)
	a := make([][]float64, len(rows))
	b := make([]float64, len(rows))
	w := make([]float64, len(rows))
	for i, r := range rows {
		p0 := c.predict(r, c0)
		a[i] = make([]float64, len(c.free))
		for j := range c.free {
			e := make([]float64, len(c.free))
			e[j] = 1
			a[i][j] = c.predict(r, c.coeffsAt(e)) - p0
		}
		b[i] = ref[i] - p0
		w[i] = 1 / ref[i]
	}
	return leastSquares(a, b, w)
}

// fitNoise sets co.noise from the fitted compute-sd rows: the geometric
// mean of SD_reference / SD_at_scale_1 (1 when no row can fit it).
func (c *compiler) fitNoise(co *coeffs) error {
	var sum float64
	n := 0
	co1 := *co
	co1.noise = 1
	for i := range c.pp.Rows {
		r := &c.pp.Rows[i]
		if r.Role != RoleFit || r.Quantity != QComputeSD {
			continue
		}
		hm := c.models[r.Model]
		if hm == nil || hm.unsupp != nil {
			return fmt.Errorf("fitted row %s needs model %s", r.Fact, r.Model)
		}
		sd0 := c.computeSD(hm, &co1)
		if !(sd0 > 0) {
			c.notes = append(c.notes, fmt.Sprintf("row %s: the kernel profile records no spread for %s; noise_scale stays 1", r.Fact, r.Model))
			continue
		}
		sum += math.Log(reference.MustLookup(r.Fact).SD / sd0)
		n++
		c.noiseUnc = math.Max(c.noiseUnc, r.Tolerance)
	}
	co.noise = 1
	if n > 0 {
		co.noise = math.Exp(sum / float64(n))
	} else {
		c.notes = append(c.notes, "noise.scale is free but no compute-sd row could fit it; it stays 1")
	}
	return nil
}

func (c *compiler) freeText(x []float64) string {
	parts := make([]string, len(c.free))
	for i, f := range c.free {
		parts[i] = fmt.Sprintf("%s = %.4g", f.name, x[i])
	}
	return strings.Join(parts, ", ")
}

func (c *compiler) freeErr(err error) error {
	names := make([]string, len(c.free))
	for i, f := range c.free {
		names[i] = f.name
	}
	return fmt.Errorf("free parameters %s: %w", strings.Join(names, ", "), err)
}

// build assembles the Processor and its fit report from the fitted
// coefficients.
func (c *compiler) build(co *coeffs) *Processor {
	pp := c.pp
	p := &Processor{
		name: pp.Name, desc: pp.Description, target: pp.Target, framework: c.fw, model: pp.Model,
		kernel: kernelText(c.kp), models: map[string]*procModel{}, order: c.order,
		preproc: c.preproc, image: co.image,
	}
	switch {
	case c.curve != nil:
		p.batch.curve = c.curve
	case pp.Batch.Slope != nil:
		p.batch.slope = *pp.Batch.Slope
	case pp.Model == "roofline":
		p.batch.derived = true
	default:
		p.batch.slope = 1
	}
	for _, name := range c.order {
		hm := c.models[name]
		m := &procModel{unsupp: hm.unsupp}
		m.layers = make([]LayerCost, len(hm.layers))
		m.prefix = make([]float64, len(hm.layers)+1)
		for i := range hm.layers {
			hl := &hm.layers[i]
			mean := c.layerMean(hl, co, 1)
			cv := 0.0
			if mean > 0 {
				cv = hl.l.CV * co.noise
			}
			m.layers[i] = LayerCost{Index: i, Name: hl.l.Name, Kind: hl.l.Kind, Class: hl.class, Mean: mean, CV: cv,
				FLOPs: hl.l.FLOPs, ParamBytes: hl.l.ParamBytes, OutBytes: hl.l.OutBytes, MemBound: c.memBound(hl, co)}
			m.prefix[i+1] = m.prefix[i] + mean
		}
		m.load = c.loadCost(hm, co)
		if p.batch.derived {
			cc, hmm := *co, hm
			m.batchFn = func(b int) float64 { return c.batchTime(hmm, &cc, b) }
		}
		p.models[name] = m
	}
	p.report = c.report(co)
	return p
}

// report evaluates every row and fills in the parameters' values.
func (c *compiler) report(co *coeffs) FitReport {
	pp := c.pp
	rep := FitReport{Profile: pp.Name, Description: pp.Description, Model: pp.Model, Kernel: kernelText(c.kp),
		Unchecked: append([]UncheckedSpec(nil), pp.Unchecked...), Notes: c.notes, Warnings: c.warnings}
	fitted := map[string][]string{}
	for _, r := range pp.Rows {
		if r.Role != RoleFit {
			continue
		}
		if r.Quantity == QComputeSD {
			fitted["noise_scale"] = append(fitted["noise_scale"], r.Fact)
			continue
		}
		for _, f := range c.free {
			if !slices.Contains(fitted[f.name], r.Fact) && c.dependsOn(&r, f.name) {
				fitted[f.name] = append(fitted[f.name], r.Fact)
			}
		}
	}
	for _, prm := range c.params {
		if isClass(prm.Name) {
			if prm.Status == "free" || prm.Status == "tied" {
				prm.Value = co.s[prm.Name]
				if prm.Status == "free" {
					prm.Text = fmtFactor(prm.Value)
				} else {
					prm.Text += " = " + fmtFactor(prm.Value)
				}
			}
		}
		switch prm.Name {
		case "overhead":
			prm.Value, prm.Text = co.overhead, units.Duration(co.overhead).String()
		case "efficiency":
			prm.Value, prm.Text = co.eff, fmtFactor(co.eff)
		case "image", "parse":
			v := co.image
			if prm.Name == "parse" {
				v = co.parse
			}
			if prm.Status == "tied" {
				prm.Text += " = " + fmtFactor(v)
			} else {
				prm.Text = fmtFactor(v)
			}
			prm.Value = v
		case "convert":
			if co.convertK > 0 {
				prm.Value = 1 / co.convertK
				prm.Text = units.ByteRate(prm.Value).String()
			}
		case "noise_scale":
			prm.Value, prm.Text = co.noise, fmtFactor(co.noise)
		}
		prm.FittedTo = fitted[prm.Name]
		for i, f := range c.free {
			if f.name == prm.Name && i < len(c.unc) {
				prm.Uncertainty = c.unc[i]
			}
		}
		if prm.Name == "noise_scale" && prm.Status == "free" {
			prm.Uncertainty = c.noiseUnc
		}
		if u, ok := c.shareUnc[prm.Name]; ok {
			prm.Uncertainty = u
			prm.FittedTo = []string{c.shareFact[prm.Name]}
		}
		rep.Params = append(rep.Params, prm)
	}
	for i := range pp.Rows {
		rep.Rows = append(rep.Rows, c.evalRow(&pp.Rows[i], co))
	}
	return rep
}

// dependsOn reports whether a mean row's prediction changes with the free
// parameter name.
func (c *compiler) dependsOn(r *RowSpec, name string) bool {
	if !isMeanQuantity(r.Quantity) {
		return false
	}
	x := make([]float64, len(c.free))
	for i, f := range c.free {
		x[i] = f.init
	}
	p0 := c.predict(r, c.coeffsAt(x))
	for i, f := range c.free {
		if f.name == name {
			x[i] *= 2
		}
	}
	return c.predict(r, c.coeffsAt(x)) != p0
}

func (c *compiler) evalRow(r *RowSpec, co *coeffs) FitRow {
	f := reference.MustLookup(r.Fact)
	row := FitRow{Fact: r.Fact, What: f.What, Model: r.Model, Quantity: r.Quantity, Role: r.Role,
		Reference: f.Value, Low: f.Low, High: f.High, Simulated: math.NaN(), Error: math.NaN(),
		Tolerance: r.Tolerance, Note: r.Note, Unit: "s"}
	if row.Tolerance == 0 {
		row.Tolerance = f.Tolerance
	}
	if r.Quantity == QComputeSD {
		row.Reference, row.Low, row.High = f.SD, 0, 0
		row.Tolerance = r.Tolerance // a mean's tolerance says nothing of its spread
	}
	skip := func(why string) FitRow {
		row.Status = "skipped"
		row.Note = strings.TrimSpace(why + "; " + row.Note)
		row.Note = strings.TrimSuffix(row.Note, ";")
		return row
	}
	var hm *hostModel
	if r.Quantity != QPreprocess {
		hm = c.models[r.Model]
		if hm == nil {
			return skip(fmt.Sprintf("model %s not in the kernel profile", r.Model))
		}
		if hm.unsupp != nil {
			return skip(fmt.Sprintf("%s cannot run %s (%s layer %s)", c.fw.Name, r.Model, hm.unsupp.Kind, hm.unsupp.Layer))
		}
	}
	switch r.Quantity {
	case QCompute, QLoad, QPreprocess, QBatchPerImage:
		if r.Quantity == QLoad && hostLoadSeconds(c.kp, hm.pm) <= 0 {
			return skip("no load timings in the kernel profile")
		}
		row.Simulated = c.predict(r, co)
	case QComputeSD:
		row.Simulated = c.computeSD(hm, co)
	case QComputeRatio, QLoadOrder:
		row.Unit = ""
		if c.nested {
			return skip("not evaluated inside another profile's fit")
		}
		ratio, err := c.versus(r, hm, co)
		if err != nil {
			return skip(fmt.Sprintf("versus %s: %v", r.Versus, err))
		}
		row.Simulated = ratio
		if r.Quantity == QLoadOrder {
			row.Reference = 1
			if row.Simulated < 1 {
				row.Status = "holds"
			} else {
				row.Status = "fails"
			}
			return row
		}
	}
	if row.Reference != 0 && !math.IsNaN(row.Simulated) {
		row.Error = (row.Simulated - row.Reference) / row.Reference
	}
	row.Status = row.status()
	return row
}

// status judges an evaluated row: within its tolerance, or else within
// its reference range.
func (row *FitRow) status() string {
	switch {
	case math.IsNaN(row.Error):
		return "skipped"
	case row.Tolerance > 0 && math.Abs(row.Error) <= row.Tolerance:
		return "ok"
	case row.Tolerance > 0:
		return "off"
	case row.High > 0 && row.Simulated >= row.Low && row.Simulated <= row.High:
		return "in range"
	case row.High > 0:
		return "out of range"
	}
	return "—"
}

// versus compares a compute-ratio or load-order row's model with the
// shipped profile it names: this profile's time over theirs (compute, or
// load: read + parse + convert). The error says why there is no ratio.
func (c *compiler) versus(r *RowSpec, hm *hostModel, co *coeffs) (float64, error) {
	other, err := compileShipped(r.Versus, c.kp, true)
	if err != nil {
		return 0, err
	}
	var mine, theirs float64
	if r.Quantity == QComputeRatio {
		mine = c.computeTime(hm, co)
		theirs, err = other.totalCompute(r.Model)
	} else {
		mine = c.loadTime(hm, co)
		var lc LoadCost
		lc, err = other.Load(r.Model)
		theirs = float64(lc.Parse + lc.Convert)
		if rr := other.report.param("storage_read_rate"); rr != nil && rr.Value > 0 {
			theirs += float64(lc.FileBytes) / rr.Value
		}
	}
	if err != nil || !(theirs > 0) {
		return 0, fmt.Errorf("%v", err)
	}
	return mine / theirs, nil
}
