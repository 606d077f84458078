package validation

import (
	"fmt"
	"strings"

	"github.com/infersim/infersim/devices/engine"
)

// FitWarning is one degenerate-fit warning of a shipped processor profile
// (engine.FitReport.Warnings).
type FitWarning struct {
	Profile, Text string
}

// fitWarnings collects every shipped profile's degenerate-fit warnings.
func (c *collector) fitWarnings() []FitWarning {
	var out []FitWarning
	for _, n := range c.names {
		for _, w := range c.reports[n].Warnings {
			out = append(out, FitWarning{Profile: n, Text: w})
		}
	}
	return out
}

// modiNetworks maps MODI's networks to the network presets that
// correspond: the preset's reference request (a 25 kB upload, a 1 kB
// reply, warm connection) against MODI's transfer time (the phone's round
// trip minus the server-reported time, one 299×299 JPEG up). MODI's public
// WiFi and LTE hotspot have no preset.
var modiNetworks = []struct{ fact, preset string }{
	{"MODI-transfer-campus", "campus-wifi"},
	{"MODI-transfer-home", "home-wifi"},
	{"MODI-transfer-lte", "lte"},
}

// modiRows compares MODI's per-network transfer times, which fed no fit,
// with the presets' reference requests (means: per-replication means by
// preset, from networkRows). Held out: the presets were fitted to
// MDInference's N-* facts, another experiment of the same authors.
func (c *collector) modiRows(means map[string][]float64) {
	for _, x := range modiNetworks {
		xs, ok := means[x.preset]
		if !ok {
			c.skip(x.fact, "no network preset "+x.preset)
			continue
		}
		r := c.newRow(x.fact)
		r.setSim(xs)
		r.Role, r.From = HeldOut, "network run"
		r.Note = fmt.Sprintf("preset %s's reference request (upload 25 kB, reply 1 kB, warm connection), against MODI's round trip minus the server's time; "+
			"the 25 kB stands for MODI's 299×299 JPEG at quality 90 (its size is not published); the preset is fitted to MDInference's %s, a later experiment with other servers",
			x.preset, presetFact(x.preset))
		c.add(r)
	}
}

// presetFact is the fact a network preset is fitted to.
func presetFact(preset string) string {
	switch preset {
	case "campus-wifi":
		return "N-campus"
	case "home-wifi":
		return "N-home"
	case "lte":
		return "N-lte"
	}
	return "its fact"
}

// shareRows checks the share ties of the shipped profiles: the class's
// simulated share of the model's compute time against the fact the tie
// takes (an input: equal by construction when the tie works).
func (c *collector) shareRows() error {
	for _, name := range c.names {
		pp, err := engine.ShippedProcessorProfile(name)
		if err != nil || pp.Scaled == nil {
			continue
		}
		for _, cls := range sortedKeys(pp.Scaled.Factors) {
			sh := pp.Scaled.Factors[cls].Share
			if sh == nil {
				continue
			}
			p, err := engine.LoadProcessor(name, c.kp)
			if err != nil {
				return fmt.Errorf("validation: processor %s: %w", name, err)
			}
			layers, err := p.Layers(sh.Model)
			if err != nil {
				return fmt.Errorf("validation: processor %s: %w", name, err)
			}
			var part, total float64
			for _, l := range layers {
				total += l.Mean
				if l.Class == cls {
					part += l.Mean
				}
			}
			r := c.newRow(sh.Fact)
			r.Simulated = part / total
			r.Role, r.From = Input, "processor "+name
			r.Note = fmt.Sprintf("%s layers' share of %s's compute time on %s, whose %s factor is tied to this fact", cls, sh.Model, name, cls)
			c.add(r)
		}
	}
	return nil
}

// independentReason says why a fact added for the second, independent
// check (issue 11) has no row, or "" for other facts.
func independentReason(id string) string {
	switch {
	case strings.HasPrefix(id, "MODI-nexus5-"), strings.HasPrefix(id, "MODI-pixel2-"):
		return "MODI's phones ran Inception v3 at 299×299 under TensorFlow Mobile: the zoo has no Inception v3 and no profile models TensorFlow Mobile, and no Pixel 2 is modelled, " +
			"so no row compares directly; a ratio would need the same model on both sides (MODI's Nexus 5 / Pixel 2 inference ratio, 2.34×, has no simulated counterpart without a Pixel 2)"
	case id == "MODI-transfer-public-wifi", id == "MODI-transfer-lte-hotspot":
		return "no network preset corresponds to MODI's public WiFi or LTE hotspot"
	case strings.HasPrefix(id, "P9-pixel3-mnv1-") && strings.HasSuffix(id, "-cpu"):
		return "fitted into P9-tflite-dw-share-cpu (the depthwise share of MobileNet under TFLite), which ties pixel4-tflite-cpu's depthwise factor; the zoo has MobileNet at 1.0/224 only, so the other cells cannot be simulated"
	case strings.HasPrefix(id, "P9-pixel3-mnv1-"):
		return "the Pixel 3 GPU grid does not separate depthwise from pointwise work (a fit a·α·ρ² + b·α²·ρ² + c gives a negative depthwise term); kept as the reason pixel4-tflite-gpu has no share tie"
	case strings.HasPrefix(id, "P8-pixel4-nasnet"), strings.HasPrefix(id, "P8-pixel4-inception"):
		return "a held-out target for the Pixel 4 profiles, but the model zoo has no NASNet or Inception network to simulate"
	case id == "P2-batch16":
		return "another phone (HTC One M9), batched: no phone preset for it and phone-side batching is not modelled"
	}
	return ""
}
