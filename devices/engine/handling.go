package engine

import (
	"fmt"
	"math"
	"strings"

	"github.com/infersim/infersim/models"
	"github.com/infersim/infersim/reference"
	"github.com/infersim/infersim/units"
)

// HandlingSpec is a server profile's request handling: what a serving
// stack adds to each request besides the model's layers. A request whose
// upload is imageBytes of JPEG (0 for an activation) and whose input
// tensor is tensorBytes costs
//
//	handling = fixed + setup + imageBytes / decode_rate + tensorBytes / copy_rate
//
// fixed: accepting the upload, framework dispatch and the response (an
// optimised stack's whole non-model time); setup: per-request framework
// set-up (a prototype that builds a session per request); decode_rate:
// the calibration host's measured JPEG decode-and-resize rate (bytes of
// JPEG per second, from the kernel profile's preprocess rows) times the
// decode factor; copy_rate: host↔GPU copies (server-gpu only). It is not
// batched: every request pays it. With fixed 2 ms, setup 170 ms, a 24 kB
// JPEG at 20 MB/s and a 1.07 MB tensor at 6.5 GB/s, a request costs
// 2 + 170 + 1.2 + 0.17 = 173.4 ms.
//
// The fit is closed-form: the one fitted parameter (setup, when free) is
// the fit row's reference time minus the model's time (another fact) minus
// the other terms for the fit row's upload; it is therefore one row, one
// parameter, exact. Setup may instead be tied to another server profile's
// fitted setup (tie: PROFILE, ratio: r).
//
//	handling:
//	  fixed:  {value: 2ms, reason: ...}
//	  setup:  {free: true, value: 100ms, reason: ...}   # or {tie: cloud-gpu-k80, ratio: 1, reason: ...}
//	  decode: {value: "1", reason: ...}                 # factor on the host's decode+resize time per byte
//	  copy:   {value: 6.5GB/s, reason: ...}             # server-gpu only
//	  fit:    {fact: MODI-infer, model_time: C-inception-gpu, image_bytes: 24kB, tensor_bytes: 1072812B, note: ...}
//	  note:   what the reference leaves open
type HandlingSpec struct {
	Fixed  ParamSpec        `yaml:"fixed"`
	Setup  ParamSpec        `yaml:"setup"`
	Decode ParamSpec        `yaml:"decode"`
	Copy   *ParamSpec       `yaml:"copy"`
	Fit    *HandlingFitSpec `yaml:"fit"`
	Note   string           `yaml:"note"`
}

// HandlingFitSpec is the reference row a free setup is fitted to.
type HandlingFitSpec struct {
	Fact        string `yaml:"fact"`         // the server-reported time, e.g. MODI-infer
	ModelTime   string `yaml:"model_time"`   // the fact giving the model's own time in it, e.g. C-inception-gpu
	ImageBytes  string `yaml:"image_bytes"`  // the fit row's upload
	TensorBytes string `yaml:"tensor_bytes"` // the fit row's input tensor
	Note        string `yaml:"note"`
}

// Handling is a compiled handling model.
type Handling struct {
	Fixed, Setup float64 // seconds
	DecodeRate   float64 // JPEG bytes per second
	CopyRate     float64 // bytes per second, 0: no copies
	// Fit is the fit row's check: the reference, the model time and the
	// fitted handling for its upload (seconds); empty when setup is not
	// fitted here.
	FitFact, ModelFact             string
	Reference, ModelTime, FitValue float64
	Params                         []FitParam
	Note                           string
}

// Time returns the handling time of one request, in seconds.
func (h *Handling) Time(imageBytes, tensorBytes float64) float64 {
	if h == nil {
		return 0
	}
	t := h.Fixed + h.Setup
	if imageBytes > 0 && h.DecodeRate > 0 {
		t += imageBytes / h.DecodeRate
	}
	if tensorBytes > 0 && h.CopyRate > 0 {
		t += tensorBytes / h.CopyRate
	}
	return t
}

// Handling returns the processor's request handling model, nil for a
// phone processor or a server profile without one.
func (p *Processor) Handling() *Handling { return p.handling }

// HandlingTime returns the handling time of one request whose upload is
// imageBytes of JPEG and whose input tensor is tensorBytes (0 without a
// handling model).
func (p *Processor) HandlingTime(imageBytes, tensorBytes float64) units.Duration {
	return units.Duration(p.handling.Time(imageBytes, tensorBytes))
}

// hostDecodeRate is the kernel profile's JPEG decode-and-resize rate:
// total JPEG bytes over total decode + resize time of its preprocess rows.
func hostDecodeRate(kp *models.Profile) float64 {
	var b, t float64
	for _, p := range kp.Preprocess {
		b += float64(p.JPEGBytes)
		t += p.TotalS
	}
	if t <= 0 {
		return 0
	}
	return b / t
}

func handlingParam(name string, k paramKind, p ParamSpec) (float64, error) {
	if p.Value == "" {
		return 0, profErr("handling."+name+".value", "required")
	}
	v, err := parseParamValue(k, p.Value)
	if err != nil {
		return 0, profErr("handling."+name+".value", "%v", err)
	}
	if !p.Free && strings.TrimSpace(p.Reason) == "" && strings.TrimSpace(p.Source) == "" {
		return 0, profErr("handling."+name+".reason", "a fixed or tied parameter states its reason or source")
	}
	return v, nil
}

// compileHandling compiles pp's handling section against kp (nil when
// it has none). depth guards ties between profiles.
func compileHandling(pp *ProcessorProfile, kp *models.Profile, depth int) (*Handling, error) {
	hs := pp.Handling
	if hs == nil {
		return nil, nil
	}
	if pp.Target != ServerCPU && pp.Target != ServerGPU {
		return nil, profErr("handling", "only a server profile handles requests (target is %s)", pp.Target)
	}
	if depth > 3 {
		return nil, profErr("handling.setup.tie", "ties between profiles form a loop")
	}
	h := &Handling{Note: strings.TrimSpace(hs.Note)}
	var err error
	if h.Fixed, err = handlingParam("fixed", kindDuration, hs.Fixed); err != nil {
		return nil, err
	}
	factor, err := handlingParam("decode", kindFactor, hs.Decode)
	if err != nil {
		return nil, err
	}
	if r := hostDecodeRate(kp); r > 0 {
		h.DecodeRate = r / factor
	}
	if hs.Copy != nil {
		if pp.Target != ServerGPU {
			return nil, profErr("handling.copy", "host↔GPU copies need a server-gpu target")
		}
		if h.CopyRate, err = handlingParam("copy", kindRate, *hs.Copy); err != nil {
			return nil, err
		}
	}
	h.Params = []FitParam{
		{Name: "handling.fixed", Status: "fixed", Value: h.Fixed, Text: units.Duration(h.Fixed).String(), Reason: hs.Fixed.Reason},
		{Name: "handling.decode", Status: "derived", Value: h.DecodeRate, Text: units.ByteRate(h.DecodeRate).String(),
			Reason: fmt.Sprintf("the kernel profile's JPEG decode-and-resize rate %s ÷ factor %g: %s", units.ByteRate(hostDecodeRate(kp)), factor, hs.Decode.Reason)},
	}
	if hs.Copy != nil {
		h.Params = append(h.Params, FitParam{Name: "handling.copy", Status: "fixed", Value: h.CopyRate, Text: units.ByteRate(h.CopyRate).String(), Reason: hs.Copy.Reason})
	}
	switch {
	case hs.Setup.Tie != "":
		other, err := ShippedProcessorProfile(hs.Setup.Tie)
		if err != nil {
			return nil, profErr("handling.setup.tie", "%v", err)
		}
		oh, err := compileHandling(other, kp, depth+1)
		if err != nil {
			return nil, fmt.Errorf("handling.setup.tie %s: %w", hs.Setup.Tie, err)
		}
		if oh == nil {
			return nil, profErr("handling.setup.tie", "profile %s has no handling section", hs.Setup.Tie)
		}
		ratio := hs.Setup.Ratio
		if ratio == 0 {
			ratio = 1
		}
		if strings.TrimSpace(hs.Setup.Reason) == "" {
			return nil, profErr("handling.setup.reason", "a tied parameter states its reason")
		}
		h.Setup = ratio * oh.Setup
		h.Params = append(h.Params, FitParam{Name: "handling.setup", Status: "tied", Value: h.Setup, Text: units.Duration(h.Setup).String(),
			Reason: fmt.Sprintf("%g × %s's fitted setup: %s", ratio, hs.Setup.Tie, hs.Setup.Reason), FittedTo: oh.fittedTo()})
	case hs.Setup.Free:
		f := hs.Fit
		if f == nil {
			return nil, profErr("handling.fit", "a free setup needs a fit row")
		}
		ref, ok := reference.Lookup(f.Fact)
		if !ok {
			return nil, profErr("handling.fit.fact", "unknown fact %q", f.Fact)
		}
		mt, ok := reference.Lookup(f.ModelTime)
		if !ok {
			return nil, profErr("handling.fit.model_time", "unknown fact %q", f.ModelTime)
		}
		img, err := units.ParseBytes(f.ImageBytes)
		if err != nil {
			return nil, profErr("handling.fit.image_bytes", "%v", err)
		}
		ten, err := units.ParseBytes(f.TensorBytes)
		if err != nil {
			return nil, profErr("handling.fit.tensor_bytes", "%v", err)
		}
		h.FitFact, h.ModelFact, h.Reference, h.ModelTime = f.Fact, f.ModelTime, ref.Value, mt.Value
		rest := (&Handling{Fixed: h.Fixed, DecodeRate: h.DecodeRate, CopyRate: h.CopyRate}).Time(float64(img), float64(ten))
		h.Setup = ref.Value - mt.Value - rest
		if !(h.Setup >= 0) || math.IsInf(h.Setup, 0) {
			return nil, profErr("handling.setup", "the fit gives a negative setup (%s − %s − %s): the model time exceeds the reference",
				units.Duration(ref.Value), units.Duration(mt.Value), units.Duration(rest))
		}
		h.FitValue = h.Setup + rest
		h.Params = append(h.Params, FitParam{Name: "handling.setup", Status: "free", Value: h.Setup, Text: units.Duration(h.Setup).String(),
			Reason:   fmt.Sprintf("%s − %s (model time) − the other terms for the fit row's upload (%s JPEG, %s tensor): one row, one parameter, exact; %s", f.Fact, f.ModelTime, img, ten, hs.Setup.Reason),
			FittedTo: []string{f.Fact},
			// setup = reference − rest: the reference's tolerance moves it by
			// tolerance × reference, relative to setup.
			Uncertainty: ref.Tolerance * ref.Value / h.Setup})
	default:
		if h.Setup, err = handlingParam("setup", kindDuration, hs.Setup); err != nil {
			return nil, err
		}
		h.Params = append(h.Params, FitParam{Name: "handling.setup", Status: "fixed", Value: h.Setup, Text: units.Duration(h.Setup).String(), Reason: hs.Setup.Reason})
	}
	return h, nil
}

func (h *Handling) fittedTo() []string {
	for _, p := range h.Params {
		if p.Name == "handling.setup" {
			return p.FittedTo
		}
	}
	return nil
}
