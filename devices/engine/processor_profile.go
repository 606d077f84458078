package engine

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/infersim/infersim/internal/suggest"
	"github.com/infersim/infersim/models"
	"github.com/infersim/infersim/models/yamlpos"
	"github.com/infersim/infersim/reference"
	"github.com/infersim/infersim/units"
	"go.yaml.in/yaml/v3"
)

// ProcessorProfile is a processor profile as written in YAML: how to turn
// a host kernel profile into per-layer times on one target, which
// parameters are fitted to which reference rows, and where every fixed
// number comes from. Compile fits it against a kernel profile. The shipped
// profiles live in devices/engine/processors/*.yaml; LoadProcessor compiles them
// by name.
//
// Two timing models. scaled:
//
//	t_layer = s[class(layer)] · host_median(layer) + overhead
//
// with classes conv (Convolution), depthwise (Convolution with group =
// num_output > 1, a class of its own because the host's direct depthwise
// kernel and a target's differ in relative speed by an order of
// magnitude), fc (InnerProduct), pool, lrn and elementwise (ReLU not
// fused, Concat, Eltwise, Softmax, BatchNorm/Scale not folded, any other
// kind); the input and dropout take no time, and fused layers take 0 (their
// cost is in the layer that computes them). A class may instead be set by a
// target bandwidth, t = (in + out + param bytes) / bandwidth + overhead,
// for memory-bound layers (an inner product at batch 1). Example: a
// convolution the host runs in 29.16 ms, with s = 49.97 and a 1 ms
// overhead, takes 49.97 · 29.16 ms + 1 ms = 1.458 s on the target
// (ExampleProcessorProfile_Compile). roofline: see RooflineTime; it needs
// no host times, only FLOPs and bytes, so "what if the peak doubled" is a
// one-number change.
//
// Model loading costs read (FileBytes / the phone's storage rate) + parse
// (parse factor × the host's parse time) + convert (resident parameter
// bytes / convert rate, for GPU frameworks); preprocessing costs the image
// factor × the host's decode-and-resize time (see Processor.Preprocess).
//
// The schema, field by field:
//
//	name: nexus5-caffe-cpu          # [a-z0-9-]+
//	description: one line
//	target: phone-cpu               # phone-cpu | phone-gpu | server-cpu | server-gpu
//	framework: {name, cores_busy, uses_gpu, java_heap, param_budget (bytes),
//	            param_budget_models {model: bytes}, unsupported [kinds], source}
//	model: scaled                   # or roofline
//	scaled:                         # t = s[class] · host median + overhead
//	  factors: {conv: P, depthwise: P, fc: P, pool: P, lrn: P, elementwise: P}
//	  overhead: P                   # a duration
//	roofline:                       # t = max(work/(peak·eff), bytes/bandwidth) + overhead
//	  peak: 4.37TFLOP/s
//	  bandwidth: 240GB/s
//	  efficiency: P                 # a fraction in (0, 1]
//	  overhead: P                   # a duration
//	  unfused: false                # true: layers fused on the host run as their own kernels
//	image: P                        # factor on the host preprocessing time
//	load:
//	  parse: P                      # factor on the host parse time
//	  convert: P                    # a byte rate (GPU conversion), omitted if none
//	  storage_read_rate: 76.29MB/s  # assumed by load rows only
//	noise: {scale: P}               # CV = host CV × scale
//	batch: {slope: 0.9, reason: ...}
//	handling: {fixed, setup, decode, copy, fit, note}   # servers: see HandlingSpec
//	rows:                           # reference rows: fit, held-out or report
//	  - {fact: P6-openblas, model: alexnet, quantity: compute, role: fit}
//	unchecked:                      # facts this profile cannot check, and why
//	  - {fact: C-inception-cpu, reason: ...}
//
// A parameter P is one of
//
//	{free: true, value: 50}                 # fitted; value is the start
//	{value: 8, reason: why it is fixed}      # fixed
//	{tie: conv, ratio: 1, reason: why}       # class factors and parse: ratio × another factor
//	{tie: conv, share: {model: mobilenet-v1, fact: F}, reason: why}
//	                                         # class factors: the class takes fraction F of the model's time
//	{bandwidth: 6.4GB/s, reason: why}        # class factors: t = (in+out+param bytes)/bandwidth
//	{free: true, prior: {tie: conv, ratio: 0.3, reason: why}}
//	                                         # free class factor: the tie used if the fit drives it to its bound
//
// A fit is degenerate when it has as many free parameters as fitted rows
// (it reproduces them by construction) or drives a parameter to its bound;
// FitReport.Warnings says so, and a class factor driven to its bound is
// tied to its prior (by default conv's factor: the host's own ratio).
//
// Quantities carry units ("20us", "6.4GB/s"); factors and ratios are plain
// numbers. Every fixed or tied parameter states its reason; every row names
// a fact of package reference.
type ProcessorProfile struct {
	Name        string          `yaml:"name"`
	Description string          `yaml:"description"`
	Target      Target          `yaml:"target"`
	Framework   FrameworkSpec   `yaml:"framework"`
	Model       string          `yaml:"model"`
	Scaled      *ScaledSpec     `yaml:"scaled"`
	Roofline    *RooflineSpec   `yaml:"roofline"`
	Image       *ParamSpec      `yaml:"image"`
	Load        LoadSpec        `yaml:"load"`
	Noise       NoiseSpec       `yaml:"noise"`
	Batch       BatchSpec       `yaml:"batch"`
	Handling    *HandlingSpec   `yaml:"handling"` // server request handling (see HandlingSpec)
	Rows        []RowSpec       `yaml:"rows"`
	Unchecked   []UncheckedSpec `yaml:"unchecked"`

	file string
}

// FrameworkSpec is the YAML form of Framework.
type FrameworkSpec struct {
	Name              string            `yaml:"name"`
	CoresBusy         float64           `yaml:"cores_busy"`
	UsesGPU           bool              `yaml:"uses_gpu"`
	JavaHeap          bool              `yaml:"java_heap"`
	ParamBudget       string            `yaml:"param_budget"`
	ParamBudgetModels map[string]string `yaml:"param_budget_models"`
	Unsupported       []string          `yaml:"unsupported"`
	Source            string            `yaml:"source"`
}

// ParamSpec is one parameter: free (fitted), fixed at a value, tied to
// another factor by a ratio, or (for a class factor) fixed by a target
// memory bandwidth. Value is a plain number for factors and fractions and a
// quantity with its unit for durations and rates.
type ParamSpec struct {
	Free      bool    `yaml:"free"`
	Value     string  `yaml:"value"`
	Tie       string  `yaml:"tie"`
	Ratio     float64 `yaml:"ratio"`
	Bandwidth string  `yaml:"bandwidth"`
	Reason    string  `yaml:"reason"`
	Source    string  `yaml:"source"`
	// Share (class factors, with tie and no ratio) ties the factor so that
	// its class takes the fact's fraction of one model's compute time on
	// this processor: the ratio to the tied factor follows from the host's
	// layer times. Used where published rows fix a split (the depthwise
	// share of MobileNet under TFLite) but not both factors.
	Share *ShareSpec `yaml:"share"`
	// Prior (free class factors) is the tie the fit falls back to when it
	// drives the factor to its bound (a non-positive value): a degenerate
	// fit. Without it the fallback is tie: conv, ratio: 1, i.e. the host
	// kernel profile's own ratio of this class's time to conv's.
	Prior *PriorSpec `yaml:"prior"`
}

// ShareSpec names the model and the fraction fact of a share tie.
type ShareSpec struct {
	Model string `yaml:"model"`
	Fact  string `yaml:"fact"`
}

// PriorSpec is a free class factor's fallback tie (see ParamSpec.Prior).
type PriorSpec struct {
	Tie    string  `yaml:"tie"`
	Ratio  float64 `yaml:"ratio"`
	Reason string  `yaml:"reason"`
}

// ScaledSpec holds the scaled model's class factors and per-layer overhead.
type ScaledSpec struct {
	Factors  map[string]ParamSpec `yaml:"factors"`
	Overhead ParamSpec            `yaml:"overhead"`
}

// RooflineSpec holds the roofline model's parameters.
type RooflineSpec struct {
	Peak            string    `yaml:"peak"`
	PeakSource      string    `yaml:"peak_source"`
	Bandwidth       string    `yaml:"bandwidth"`
	BandwidthSource string    `yaml:"bandwidth_source"`
	Efficiency      ParamSpec `yaml:"efficiency"`
	Overhead        ParamSpec `yaml:"overhead"`
	Unfused         bool      `yaml:"unfused"`
	UnfusedReason   string    `yaml:"unfused_reason"`
}

// LoadSpec describes model loading.
type LoadSpec struct {
	Parse                 *ParamSpec `yaml:"parse"`
	Convert               *ParamSpec `yaml:"convert"`
	StorageReadRate       string     `yaml:"storage_read_rate"`
	StorageReadRateSource string     `yaml:"storage_read_rate_source"`
}

// NoiseSpec sets the per-layer noise: CV = host CV × scale.
type NoiseSpec struct {
	Scale *ParamSpec `yaml:"scale"`
}

// BatchSpec sets the batch time model's slope (see Processor.BatchTime).
type BatchSpec struct {
	Slope  *float64 `yaml:"slope"`
	Reason string   `yaml:"reason"`
	// Curve, when given, replaces the slope and the roofline's own batch
	// time by a curve fitted to a published batch-throughput table
	// (batchcurve.go).
	Curve *BatchCurveSpec `yaml:"curve"`
}

// RowSpec names a reference fact and the simulated quantity it is compared
// with. Quantities: compute (whole-model mean compute time), compute-sd
// (its standard deviation; fits noise.scale), load (storage read + parse +
// convert), preprocess (width × height photo), batch-per-image (BatchTime
// at batch / batch), compute-ratio (compute over the versus profile's
// compute, same model) and load-order (an order fact: load time below the
// versus profile's). Roles: fit (the fit uses it), held-out (same target,
// not fitted) and report (another device or framework, for comparison).
type RowSpec struct {
	Fact      string  `yaml:"fact"`
	Model     string  `yaml:"model"`
	Quantity  string  `yaml:"quantity"`
	Role      string  `yaml:"role"`
	Width     int     `yaml:"width"`
	Height    int     `yaml:"height"`
	Batch     int     `yaml:"batch"`
	Versus    string  `yaml:"versus"`
	Tolerance float64 `yaml:"tolerance"`
	Note      string  `yaml:"note"`
}

// UncheckedSpec is a fact a profile could be compared with but cannot be,
// with the reason (e.g. a model not in the zoo).
type UncheckedSpec struct {
	Fact   string `yaml:"fact"`
	Reason string `yaml:"reason"`
}

// ProfileError is an error in a processor profile file, naming the file,
// line and field, e.g. "devices: my.yaml:12: scaled.overhead.value: 5: a
// duration needs a unit".
type ProfileError struct {
	File  string
	Line  int
	Field string
	Msg   string
}

func (e *ProfileError) Error() string {
	var b strings.Builder
	b.WriteString("devices: ")
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Op classes the compiler names: conv (the factor every untied class
// defaults to), pool and none (no work at inference). The set of classes
// and which layer kinds each covers is models.CostClass's.
var (
	classConv = models.CostConv.String()
	classPool = models.CostPool.String()
	classNone = models.CostNone.String()
)

// classNames are the classes a scaled profile may give a factor, in the
// order the fit reports them: models' priced classes.
var classNames = func() []string {
	var names []string
	for _, c := range models.PricedClasses() {
		names = append(names, c.String())
	}
	return names
}()

func isClass(s string) bool {
	for _, c := range classNames {
		if c == s {
			return true
		}
	}
	return false
}

// The row quantities and roles.
const (
	QCompute       = "compute"
	QComputeSD     = "compute-sd"
	QLoad          = "load"
	QPreprocess    = "preprocess"
	QBatchPerImage = "batch-per-image"
	QComputeRatio  = "compute-ratio"
	QLoadOrder     = "load-order"

	RoleFit     = "fit"
	RoleHeldOut = "held-out"
	RoleReport  = "report"
)

// ReadProcessorProfile reads and checks a processor profile from YAML.
// filename is used in errors, which are *ProfileError values naming the
// file, line and field. Unknown fields, bare numbers where a unit is
// needed, unknown fact IDs or classes, negative factors and parameters
// fixed without a reason are errors. It never panics on bad input.
func ReadProcessorProfile(r io.Reader, filename string) (*ProcessorProfile, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxProcessorProfileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("devices: reading %s: %w", filename, err)
	}
	if len(data) > MaxProcessorProfileBytes {
		return nil, &ProfileError{File: filename, Msg: fmt.Sprintf("larger than %d bytes (the limit)", MaxProcessorProfileBytes)}
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, &ProfileError{File: filename, Line: yamlpos.ErrorLine(err), Msg: yamlMsg(err)}
	}
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return nil, &ProfileError{File: filename, Line: 1, Msg: "not a YAML mapping"}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var pp ProcessorProfile
	if err := dec.Decode(&pp); err != nil {
		return nil, &ProfileError{File: filename, Line: yamlpos.ErrorLine(err), Msg: yamlMsg(err)}
	}
	pp.file = filename
	if err := pp.validate(); err != nil {
		var pe *ProfileError
		if errors.As(err, &pe) {
			pe.File = filename
			pe.Line = yamlpos.FieldLine(root.Content[0], pe.Field)
		}
		return nil, err
	}
	return &pp, nil
}

// yamlMsg is a YAML error's message on one line: the first of several
// unmarshal errors.
func yamlMsg(err error) string {
	msg, _, _ := strings.Cut(yamlpos.ErrorMessage(err), "\n")
	return strings.TrimSpace(msg)
}

func profErr(field, format string, args ...any) error {
	return &ProfileError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// paramKind is what a parameter's value means and how it parses.
type paramKind int

const (
	kindFactor   paramKind = iota // plain positive number
	kindFraction                  // plain number in (0, 1]
	kindDuration                  // duration ≥ 0
	kindRate                      // byte rate > 0
)

// parseParamValue parses a parameter value of kind k (in SI units).
func parseParamValue(k paramKind, s string) (float64, error) {
	switch k {
	case kindDuration:
		d, err := units.ParseDuration(s)
		if err != nil {
			return 0, err
		}
		if d < 0 {
			return 0, fmt.Errorf("negative duration %s", s)
		}
		return float64(d), nil
	case kindRate:
		r, err := units.ParseByteRate(s)
		if err != nil {
			return 0, err
		}
		if r <= 0 {
			return 0, fmt.Errorf("rate %s must be positive", s)
		}
		return float64(r), nil
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a plain number", s)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 {
		return 0, fmt.Errorf("%s must be positive and finite", s)
	}
	if k == kindFraction && v > 1 {
		return 0, fmt.Errorf("%s is a fraction and must not exceed 1", s)
	}
	return v, nil
}

// checkParam validates one parameter. classTie allows tie/bandwidth.
func checkParam(field string, p ParamSpec, k paramKind, tieable, bandwidthOK bool) error {
	modes := 0
	if p.Free {
		modes++
	}
	if p.Tie != "" {
		modes++
	}
	if p.Bandwidth != "" {
		modes++
	}
	if modes > 1 {
		return profErr(field, "choose one of free, tie and bandwidth")
	}
	switch {
	case p.Tie != "":
		if !tieable {
			return profErr(field+".tie", "this parameter cannot be tied")
		}
		if !isClass(p.Tie) {
			return profErr(field+".tie", "unknown class %q%s", p.Tie, suggest.DidYouMean(p.Tie, classNames))
		}
		if p.Share != nil {
			if err := checkShare(field+".share", p); err != nil {
				return err
			}
		} else if !(p.Ratio > 0) || math.IsInf(p.Ratio, 0) {
			return profErr(field+".ratio", "a tie needs a positive ratio, have %v", p.Ratio)
		}
		if p.Value != "" {
			return profErr(field+".value", "a tied parameter takes its value from %s", p.Tie)
		}
	case p.Bandwidth != "":
		if !bandwidthOK {
			return profErr(field+".bandwidth", "only class factors can be set by a bandwidth")
		}
		if _, err := parseParamValue(kindRate, p.Bandwidth); err != nil {
			return profErr(field+".bandwidth", "%v", err)
		}
	default:
		if p.Value == "" && !p.Free {
			return profErr(field+".value", "required (or free: true)")
		}
		if p.Value != "" {
			if _, err := parseParamValue(k, p.Value); err != nil {
				return profErr(field+".value", "%v", err)
			}
		}
		if p.Ratio != 0 {
			return profErr(field+".ratio", "ratio goes with tie")
		}
	}
	if p.Share != nil && p.Tie == "" {
		return profErr(field+".share", "share goes with tie")
	}
	if p.Prior != nil {
		if !p.Free || !bandwidthOK || !tieable {
			return profErr(field+".prior", "only a free class factor other than conv has a prior (conv anchors the ties)")
		}
		if !isClass(p.Prior.Tie) {
			return profErr(field+".prior.tie", "unknown class %q%s", p.Prior.Tie, suggest.DidYouMean(p.Prior.Tie, classNames))
		}
		if !(p.Prior.Ratio > 0) || math.IsInf(p.Prior.Ratio, 0) {
			return profErr(field+".prior.ratio", "a prior needs a positive ratio, have %v", p.Prior.Ratio)
		}
		if strings.TrimSpace(p.Prior.Reason) == "" {
			return profErr(field+".prior.reason", "a prior states its reason")
		}
	}
	if !p.Free && strings.TrimSpace(p.Reason) == "" && strings.TrimSpace(p.Source) == "" {
		return profErr(field+".reason", "a fixed or tied parameter states its reason or source")
	}
	return nil
}

// checkShare checks a share tie: a model, and a fraction fact in (0, 1).
func checkShare(field string, p ParamSpec) error {
	if p.Ratio != 0 {
		return profErr(field, "a share tie takes no ratio")
	}
	if p.Share.Model == "" {
		return profErr(field+".model", "required")
	}
	f, ok := reference.Lookup(p.Share.Fact)
	if !ok {
		return profErr(field+".fact", "unknown fact %q", p.Share.Fact)
	}
	if f.Kind != reference.Fraction || !(f.Value > 0 && f.Value < 1) {
		return profErr(field+".fact", "%s is not a fraction in (0, 1)", p.Share.Fact)
	}
	return nil
}

func (pp *ProcessorProfile) validate() error {
	for _, section := range []func() error{
		pp.validateIdentity, pp.validateFramework, pp.validateModel,
		pp.validateOptional, pp.validateRows, pp.validateUnchecked,
	} {
		if err := section(); err != nil {
			return err
		}
	}
	return nil
}

// validateIdentity checks name and target.
func (pp *ProcessorProfile) validateIdentity() error {
	if pp.Name == "" {
		return profErr("name", "required")
	}
	for _, c := range pp.Name {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_') {
			return profErr("name", "%q: use lower-case letters, digits, '-', '.' and '_'", pp.Name)
		}
	}
	if !pp.Target.valid() {
		return profErr("target", "%q is not phone-cpu, phone-gpu, server-cpu or server-gpu", pp.Target)
	}
	return nil
}

// validateFramework checks the framework section.
func (pp *ProcessorProfile) validateFramework() error {
	fw := pp.Framework
	if fw.Name == "" {
		return profErr("framework.name", "required")
	}
	if fw.CoresBusy < 0 || math.IsNaN(fw.CoresBusy) || math.IsInf(fw.CoresBusy, 0) {
		return profErr("framework.cores_busy", "must not be negative")
	}
	if fw.ParamBudget != "" {
		if err := checkBudget("framework.param_budget", fw.ParamBudget); err != nil {
			return err
		}
	}
	for _, m := range procSortedKeys(fw.ParamBudgetModels) {
		if err := checkBudget("framework.param_budget_models."+m, fw.ParamBudgetModels[m]); err != nil {
			return err
		}
	}
	return nil
}

// checkBudget checks a parameter budget: a byte size, not negative.
func checkBudget(field, s string) error {
	if b, err := units.ParseBytes(s); err != nil {
		return profErr(field, "%v", err)
	} else if b < 0 {
		return profErr(field, "must not be negative")
	}
	return nil
}

// validateModel checks the timing model and its section.
func (pp *ProcessorProfile) validateModel() error {
	switch pp.Model {
	case "scaled":
		return pp.validateScaled()
	case "roofline":
		return pp.validateRoofline()
	case "":
		return profErr("model", "required: scaled or roofline")
	}
	return profErr("model", "%q is not scaled or roofline", pp.Model)
}

// validateScaled checks the scaled section: a conv factor, known classes,
// ties to free or fixed factors, the overhead.
func (pp *ProcessorProfile) validateScaled() error {
	if pp.Scaled == nil {
		return profErr("scaled", "required for model: scaled")
	}
	if pp.Roofline != nil {
		return profErr("roofline", "given for model: scaled")
	}
	if _, ok := pp.Scaled.Factors[classConv]; !ok {
		return profErr("scaled.factors.conv", "required")
	}
	for _, c := range procSortedKeys(pp.Scaled.Factors) {
		if err := pp.Scaled.checkFactor(c); err != nil {
			return err
		}
	}
	return checkParam("scaled.overhead", pp.Scaled.Overhead, kindDuration, false, false)
}

// checkFactor checks class c's factor.
func (sc *ScaledSpec) checkFactor(c string) error {
	f := "scaled.factors." + c
	if !isClass(c) {
		return profErr(f, "unknown class %q (have %s)", c, strings.Join(classNames, ", "))
	}
	p := sc.Factors[c]
	if err := checkParam(f, p, kindFactor, c != classConv, true); err != nil {
		return err
	}
	if p.Prior != nil {
		t, ok := sc.Factors[p.Prior.Tie]
		switch {
		case p.Prior.Tie == c:
			return profErr(f+".prior.tie", "a factor cannot be tied to itself")
		case ok && (t.Tie != "" || t.Bandwidth != ""):
			return profErr(f+".prior.tie", "%s is itself tied or set by a bandwidth; tie to a free or fixed factor", p.Prior.Tie)
		case !ok && p.Prior.Tie != classConv:
			return profErr(f+".prior.tie", "class %s has no factor in this profile", p.Prior.Tie)
		}
	}
	if p.Tie == "" {
		return nil
	}
	t, ok := sc.Factors[p.Tie]
	switch {
	case p.Tie == c:
		return profErr(f+".tie", "a factor cannot be tied to itself")
	case ok && (t.Tie != "" || t.Bandwidth != ""):
		return profErr(f+".tie", "%s is itself tied or set by a bandwidth; tie to a free or fixed factor", p.Tie)
	case !ok && p.Tie != classConv:
		return profErr(f+".tie", "class %s has no factor in this profile", p.Tie)
	}
	return nil
}

// validateRoofline checks the roofline section.
func (pp *ProcessorProfile) validateRoofline() error {
	rf := pp.Roofline
	if rf == nil {
		return profErr("roofline", "required for model: roofline")
	}
	if pp.Scaled != nil {
		return profErr("scaled", "given for model: roofline")
	}
	if v, err := units.ParseFLOPRate(rf.Peak); err != nil {
		return profErr("roofline.peak", "%v", err)
	} else if v <= 0 {
		return profErr("roofline.peak", "must be positive")
	}
	if v, err := units.ParseByteRate(rf.Bandwidth); err != nil {
		return profErr("roofline.bandwidth", "%v", err)
	} else if v <= 0 {
		return profErr("roofline.bandwidth", "must be positive")
	}
	if rf.PeakSource == "" || rf.BandwidthSource == "" {
		return profErr("roofline.peak_source", "peak and bandwidth state their sources (peak_source, bandwidth_source)")
	}
	if err := checkParam("roofline.efficiency", rf.Efficiency, kindFraction, false, false); err != nil {
		return err
	}
	return checkParam("roofline.overhead", rf.Overhead, kindDuration, false, false)
}

// validateOptional checks the optional parameters outside the model:
// image, load, noise and batch, in that order.
func (pp *ProcessorProfile) validateOptional() error {
	for _, o := range []struct {
		field   string
		p       *ParamSpec
		kind    paramKind
		tieable bool
	}{
		{"image", pp.Image, kindFactor, true},
		{"load.parse", pp.Load.Parse, kindFactor, true},
		{"load.convert", pp.Load.Convert, kindRate, false},
	} {
		if o.p == nil {
			continue
		}
		if err := checkParam(o.field, *o.p, o.kind, o.tieable, false); err != nil {
			return err
		}
	}
	if pp.Load.StorageReadRate != "" {
		if _, err := parseParamValue(kindRate, pp.Load.StorageReadRate); err != nil {
			return profErr("load.storage_read_rate", "%v", err)
		}
	}
	if pp.Noise.Scale != nil {
		if err := checkParam("noise.scale", *pp.Noise.Scale, kindFactor, false, false); err != nil {
			return err
		}
	}
	if s := pp.Batch.Slope; s != nil && (*s < 0 || math.IsNaN(*s) || math.IsInf(*s, 0)) {
		return profErr("batch.slope", "must be a non-negative number, is %v", *s)
	}
	if pp.Batch.Slope != nil && pp.Batch.Reason == "" {
		return profErr("batch.reason", "state where the batch slope comes from")
	}
	return nil
}

// validateRows checks every reference row, then that load rows come with
// the storage read rate they assume.
func (pp *ProcessorProfile) validateRows() error {
	hasLoadRow := false
	for i, r := range pp.Rows {
		if err := r.validate(fmt.Sprintf("rows[%d]", i)); err != nil {
			return err
		}
		hasLoadRow = hasLoadRow || r.Quantity == QLoad
	}
	if hasLoadRow && pp.Load.StorageReadRate == "" {
		return profErr("load.storage_read_rate", "load rows need the storage read rate they assume")
	}
	return nil
}

// validate checks one reference row, at field f.
func (r *RowSpec) validate(f string) error {
	fact, ok := reference.Lookup(r.Fact)
	if r.Fact == "" {
		return profErr(f+".fact", "required")
	}
	if !ok {
		return profErr(f+".fact", "unknown fact %q", r.Fact)
	}
	switch r.Role {
	case RoleFit, RoleHeldOut, RoleReport:
	default:
		return profErr(f+".role", "%q is not fit, held-out or report", r.Role)
	}
	if r.Tolerance < 0 || r.Tolerance >= 1 || math.IsNaN(r.Tolerance) {
		return profErr(f+".tolerance", "%v is not in [0, 1)", r.Tolerance)
	}
	wantKind, err := r.factKind(f, fact)
	if err != nil {
		return err
	}
	if fact.Kind != wantKind {
		return profErr(f+".fact", "fact %s is a %s fact; quantity %s needs a %s fact", r.Fact, fact.Kind, r.Quantity, wantKind)
	}
	return r.validateShape(f, fact)
}

// factKind checks the row's quantity and returns the kind of fact it
// compares with.
func (r *RowSpec) factKind(f string, fact reference.Fact) (reference.Kind, error) {
	switch r.Quantity {
	case QCompute, QLoad, QBatchPerImage:
	case QComputeSD:
		if fact.SD <= 0 {
			return "", profErr(f+".quantity", "fact %s gives no standard deviation", r.Fact)
		}
	case QPreprocess:
		if r.Width <= 0 || r.Height <= 0 {
			return "", profErr(f+".width", "a preprocess row needs width and height")
		}
	case QComputeRatio:
		return reference.Ratio, nil
	case QLoadOrder:
		return reference.Order, nil
	default:
		return "", profErr(f+".quantity", "%q is not compute, compute-sd, load, preprocess, batch-per-image, compute-ratio or load-order", r.Quantity)
	}
	return reference.Time, nil
}

// validateShape checks the fields a row's quantity and role need: a
// model, a batch, a profile to compare with, a tolerance to fit within.
func (r *RowSpec) validateShape(f string, fact reference.Fact) error {
	compares := r.Quantity == QComputeRatio || r.Quantity == QLoadOrder
	switch {
	case r.Quantity != QPreprocess && r.Model == "":
		return profErr(f+".model", "required")
	case r.Quantity == QBatchPerImage && r.Batch < 1:
		return profErr(f+".batch", "a batch-per-image row needs batch ≥ 1")
	case compares != (r.Versus != ""):
		return profErr(f+".versus", "compute-ratio and load-order rows, and only they, name the profile they compare with")
	case compares && r.Role == RoleFit:
		return profErr(f+".role", "a %s row cannot be fitted (it depends on another profile)", r.Quantity)
	case r.Role == RoleFit && r.Quantity != QComputeSD && r.Tolerance == 0 && fact.Tolerance == 0:
		return profErr(f+".tolerance", "a fitted row needs a tolerance (fact %s states none)", r.Fact)
	}
	return nil
}

// validateUnchecked checks the facts the profile lists as not checked.
func (pp *ProcessorProfile) validateUnchecked() error {
	for i, u := range pp.Unchecked {
		f := fmt.Sprintf("unchecked[%d]", i)
		if _, ok := reference.Lookup(u.Fact); !ok {
			return profErr(f+".fact", "unknown fact %q", u.Fact)
		}
		if u.Reason == "" {
			return profErr(f+".reason", "required")
		}
	}
	return nil
}

func procSortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
