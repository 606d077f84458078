package sim_test

import (
	"errors"
	"fmt"

	"github.com/infersim/infersim/sim"
)

// Two processes tick at different rates; each prints the simulated time.
func Example_clock() {
	env := sim.NewEnv()
	defer env.Close()
	clock := func(period float64) func(p *sim.Proc) error {
		return func(p *sim.Proc) error {
			for {
				fmt.Printf("%s %.1f\n", p.Name(), p.Now())
				if err := p.Sleep(period); err != nil {
					return err
				}
			}
		}
	}
	env.Process("fast", clock(0.5))
	env.Process("slow", clock(1))
	if err := env.RunUntil(2); err != nil {
		fmt.Println(err)
	}
	// Output:
	// fast 0.0
	// slow 0.0
	// fast 0.5
	// slow 1.0
	// fast 1.0
	// fast 1.5
}

// Customers arrive at a bank with two tellers (a Resource) and wait their
// turn; each is served for a fixed time.
func Example_bank() {
	env := sim.NewEnv()
	defer env.Close()
	tellers := sim.NewResource(env, 2)
	customer := func(name string, arrive, service float64) {
		env.Process(name, func(p *sim.Proc) error {
			if err := p.Sleep(arrive); err != nil {
				return err
			}
			req := tellers.Request()
			defer req.Release()
			if _, err := p.Wait(req); err != nil {
				return err
			}
			fmt.Printf("%.0f: %s served after waiting %.0f\n", p.Now(), name, p.Now()-arrive)
			return p.Sleep(service)
		})
	}
	customer("ann", 0, 5)
	customer("bob", 1, 5)
	customer("cat", 2, 5)
	customer("dan", 3, 1)
	if err := env.Run(); err != nil {
		fmt.Println(err)
	}
	fmt.Printf("%.0f: bank empty\n", env.Now())
	// Output:
	// 0: ann served after waiting 0
	// 1: bob served after waiting 0
	// 5: cat served after waiting 3
	// 6: dan served after waiting 3
	// 10: bank empty
}

// A phone's inference is interrupted by the user leaving the app; it
// handles the interrupt and reports how far it got.
func Example_interrupt() {
	env := sim.NewEnv()
	defer env.Close()
	inference := env.Process("inference", func(p *sim.Proc) error {
		start := p.Now()
		err := p.Sleep(10)
		var intr *sim.Interrupt
		if errors.As(err, &intr) {
			fmt.Printf("%.0f: inference stopped (%v) after %.0f s\n", p.Now(), intr.Cause, p.Now()-start)
			return nil
		}
		fmt.Printf("%.0f: inference done\n", p.Now())
		return err
	})
	env.Process("user", func(p *sim.Proc) error {
		if err := p.Sleep(4); err != nil {
			return err
		}
		return inference.Interrupt("app sent to background")
	})
	if err := env.Run(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// 4: inference stopped (app sent to background) after 4 s
}

// Each component draws from its own named stream: adding a component does
// not change the others' draws.
func ExampleStreams() {
	a := sim.NewStreams(42)
	phone := a.Stream("phone")
	x := phone.Float64()

	b := sim.NewStreams(42)
	_ = b.Stream("cloud").Float64() // a new component, drawn first
	y := b.Stream("phone").Float64()
	fmt.Println(x == y)
	// Output: true
}
