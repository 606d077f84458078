package devices

import (
	"github.com/infersim/infersim/sim"
	"github.com/infersim/infersim/units"
)

// LoadAborts counts model load attempts that did not complete, by the
// cause that cut them short. A load that an allocation failure ends after
// a few seconds is an attempt, not a load: memory-pressure once counted
// these as reloads (issue 17, finding 1).
type LoadAborts struct {
	OOM     int // an allocation of the model's weights failed
	Killed  int // the low-memory killer ended the app
	Timeout int // the request timed out while loading
	Other   int // anything else (the phone stopped, a dropped request)
}

// Total returns the aborted attempts of every cause.
func (a LoadAborts) Total() int { return a.OOM + a.Killed + a.Timeout + a.Other }

// add counts one aborted attempt ended by err.
func (a *LoadAborts) add(err error) {
	switch causeOf(err) {
	case errOOM:
		a.OOM++
	case errKilled:
		a.Killed++
	case errTimeout:
		a.Timeout++
	default:
		a.Other++
	}
}

// countedLoad runs load and counts it as it happens: a completed load in
// PhoneStats.Loads, an aborted attempt in LoadAborts by its cause, and in
// both cases the time from the start of the attempt (the storage read's
// queue included) to its end in LoadTime.
func (r *request) countedLoad(p *sim.Proc) error {
	ph := r.ph
	if r.pm.loadErr != nil {
		return r.pm.loadErr // the model cannot be loaded at all: no attempt
	}
	start := p.Now()
	err := r.load(p)
	ph.stats.LoadTime += units.Duration(p.Now() - start)
	if err != nil {
		ph.stats.LoadAborts.add(err)
		return err
	}
	ph.stats.Loads++
	return nil
}
