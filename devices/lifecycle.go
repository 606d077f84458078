package devices

import (
	"math/rand/v2"

	"github.com/infersim/infersim/sim"
)

// lifecycle is the app's life-cycle state machine:
//
//	state                 event                          next state    effect
//	foreground            user switches away             background    requests wait (or drop); LMK threshold = minfree(background state)
//	background            user returns                   foreground    waiting requests go on; a killed app restarts (empty heap, no model)
//	background            free < minfree(background)     killed        model and heap lost, in-flight requests end "killed"
//	killed (background)   user returns                   foreground    restart: the next request loads its model again (Cold)
//
// The low-memory killer is checked whenever free memory changes: an
// allocation, a model load, a pressure change, a switch to the background.
// In the foreground the app is never killed (the killer takes other apps
// first; their memory is an input of the model), only its allocations fail.
type lifecycle struct {
	fg       bool
	fgEvent  *sim.Event // pending while in the background
	switches int
	kills    int
}

// switcher is the process that moves the app between foreground and
// background on the LifecycleSpec's schedule.
type switcher struct {
	spec LifecycleSpec
	rng  *rand.Rand
	ph   *Phone
}

func (s *switcher) run(p *sim.Proc) error {
	for {
		var fgFor, bgFor float64
		switch s.spec.Switch {
		case "every":
			fgFor, bgFor = float64(s.spec.Every), float64(s.spec.BackgroundFor)
		case "exponential":
			fgFor = s.rng.ExpFloat64() * float64(s.spec.MeanForeground)
			bgFor = s.rng.ExpFloat64() * float64(s.spec.MeanBackground)
		default:
			return nil
		}
		if p.Sleep(fgFor) != nil {
			return nil
		}
		s.ph.toBackground()
		if p.Sleep(bgFor) != nil {
			return nil
		}
		s.ph.toForeground()
	}
}
