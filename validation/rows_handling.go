package validation

import (
	"fmt"

	"github.com/infersim/infersim/devices/engine"
	"github.com/infersim/infersim/network"
	"github.com/infersim/infersim/reference"
	"github.com/infersim/infersim/units"
)

// modiTotals are MODI's end-to-end rows held out against the server
// handling fitted to MODI-infer plus the network preset of the same kind of
// network. The presets are fitted to MDInference's networks (facts N-*),
// not to MODI's, so these rows check transfer as much as handling.
var modiTotals = []struct{ fact, preset string }{
	{"MODI-campus-total", "campus-wifi"},
	{"MODI-home-total", "home-wifi"},
	{"MODI-lte-total", "lte"},
}

// handlingRows compares the server request handling with MODI: the
// server-reported time (fact MODI-infer, the fit row of cloud-gpu-k80's
// handling: its handling for MODI's upload plus the model time it names)
// and, held out, the end-to-end totals on three networks (that time plus
// the preset's reference request: upload 25 kB, reply 1 kB, about MODI's
// 299x299 q90 JPEG).
func (c *collector) handlingRows(reps, n int) error {
	var fitProc string
	var h *engine.Handling
	for _, name := range c.names {
		p, err := engine.LoadProcessor(name, c.kp)
		if err != nil {
			return fmt.Errorf("validation: processor %s: %w", name, err)
		}
		if ph := p.Handling(); ph != nil && ph.FitFact == "MODI-infer" {
			fitProc, h = name, ph
			break
		}
	}
	if h == nil {
		c.skip("MODI-infer", "no server profile fits its request handling to MODI-infer")
		return nil
	}
	infer := h.FitValue + h.ModelTime
	r := c.newRow("MODI-infer")
	r.Simulated = infer
	r.Role, r.From = Fit, "processor "+fitProc
	r.Note = fmt.Sprintf("%s's request handling for MODI's upload (%s) + %s's model time (%s, inception_v3 is not in the zoo): one row, one parameter (handling.setup), exact by construction; %s",
		fitProc, units.Duration(h.FitValue), h.ModelFact, units.Duration(h.ModelTime), h.Note)
	c.add(r)
	for _, x := range modiTotals {
		p, err := network.LookupPreset(x.preset)
		if err != nil {
			c.skip(x.fact, "no preset "+x.preset)
			continue
		}
		var totals []float64
		for rep := 0; rep < reps; rep++ {
			xs, err := network.ReferenceRequests(p, uint64(2018+rep), n)
			if err != nil {
				return fmt.Errorf("validation: preset %s: %w", p.Name, err)
			}
			totals = append(totals, mean(xs)+infer)
		}
		r := c.newRow(x.fact)
		r.setSim(totals)
		r.Role, r.From = HeldOut, "network run + processor "+fitProc
		f := reference.MustLookup(x.fact)
		r.Note = fmt.Sprintf("preset %s's reference request (fitted to MDInference's network, not MODI's) + MODI-infer as simulated (%s); a test of transfer more than of handling: %s",
			x.preset, units.Duration(infer), f.Note)
		c.add(r)
	}
	return nil
}
