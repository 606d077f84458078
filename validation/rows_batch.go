package validation

import (
	"fmt"
	"math"

	"github.com/infersim/infersim/devices/engine"
)

// batchRows adds one held-out row per held-out point of every shipped
// profile's batch curve (engine.BatchCurveSpec; issue 17, finding 4): the
// published images per second at batch b against the simulated
// b / BatchTime(model, b) of the compiled processor. The simulated value
// carries the profile's own batch-1 time (its roofline fit), so a row
// checks the whole batch time the server uses, not only the curve's
// shape. The fitted points gate nothing here: the curve's fit is in the
// processor's fit report (batch_alpha, batch_gamma) and in
// devices/engine's TestK80BatchCurve.
func (c *collector) batchRows() {
	for _, name := range c.names {
		pp, err := engine.ShippedProcessorProfile(name)
		if err != nil || pp.Batch.Curve == nil {
			continue
		}
		spec := pp.Batch.Curve
		p, err := engine.LoadProcessor(name, c.kp)
		if err != nil {
			continue
		}
		for _, row := range spec.Rows {
			if row.Role != engine.RoleHeldOut || row.Batch == 1 {
				continue // a run's batch-1 row is its normaliser
			}
			id := fmt.Sprintf("%s-batch-%s-b%d", name, spec.Model, row.Batch)
			run := "the fitted run"
			if row.Run != "" {
				id += "-" + row.Run
				run = "run " + row.Run
			}
			sim := math.NaN()
			if t, err := p.BatchTime(spec.Model, row.Batch); err == nil && t > 0 {
				sim = float64(row.Batch) / t
			}
			r := Row{Role: HeldOut, From: "processor " + name, SourceKey: "mxnet-perf"}
			r.ValidationRow.ID = id
			r.What = fmt.Sprintf("%s images/s at batch %d on %s (%s)", spec.Model, row.Batch, name, run)
			r.Source = spec.Source
			r.Reference, r.Low, r.High, r.CI95 = row.Throughput, math.NaN(), math.NaN(), math.NaN()
			r.Simulated, r.Tolerance = sim, row.Tolerance
			r.Note = "batch.curve held-out point; b / BatchTime(" + spec.Model + ", b), tolerance stated in the profile before comparing"
			c.add(r)
		}
	}
}
