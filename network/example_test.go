package network_test

import (
	"fmt"

	"github.com/infersim/infersim/network"
	"github.com/infersim/infersim/sim"
	"github.com/infersim/infersim/units"
)

// A 1 MB upload at 6 Mbps with 20 ms latency: 0.02 + 8e6/6e6 = 1.353 s over
// constant; over a cold tcp connection (RTT 40 ms) the handshake and two
// window-limited rounds make it 1.414933 s; with an idle LTE radio the
// 0.26 s promotion comes first.
func Example() {
	for _, c := range []struct {
		model string
		radio bool
	}{{"constant", false}, {"tcp", false}, {"tcp", true}} {
		env := sim.NewEnv()
		m, _ := network.LookupModel(c.model)
		cfg := network.LinkConfig{
			Model: m.Default,
			Up:    network.ChannelConfig{Bandwidth: 6 * units.Mbps, Latency: 20 * units.Millisecond},
			Down:  network.ChannelConfig{Bandwidth: 13 * units.Mbps, Latency: 20 * units.Millisecond},
		}
		if c.radio {
			lte := network.LTERadio()
			cfg.Radio = &lte
		}
		link, err := network.NewLink(env, sim.NewStreams(1), "link[0]", cfg)
		if err != nil {
			fmt.Println(err)
			return
		}
		env.Process("app", func(p *sim.Proc) error {
			t, err := link.Upload(p, units.Megabyte)
			fmt.Printf("%-8s radio=%-5v wake %.3f s, took %.6f s\n", c.model, c.radio, float64(t.Wake()), float64(t.Duration()))
			return err
		})
		if err := env.Run(); err != nil {
			fmt.Println(err)
		}
		env.Close()
	}
	// Output:
	// constant radio=false wake 0.000 s, took 1.353333 s
	// tcp      radio=false wake 0.040 s, took 1.414933 s
	// tcp      radio=true  wake 0.300 s, took 1.674933 s
}

// An energy meter plugs into the radio as a PowerObserver.
func ExampleRadio_OnPower() {
	env := sim.NewEnv()
	defer env.Close()
	wifi := network.WiFiRadio()
	link, _ := network.NewLink(env, nil, "link[0]", network.LinkConfig{
		Up:    network.ChannelConfig{Bandwidth: 20 * units.Mbps},
		Down:  network.ChannelConfig{Bandwidth: 50 * units.Mbps},
		Radio: &wifi,
	})
	link.Radio().OnPower(network.PowerFunc(func(now float64, p units.Power, state string) {
		fmt.Printf("%.2f s %-7s %v\n", now, state, p)
	}))
	env.Process("app", func(p *sim.Proc) error {
		_, err := link.Upload(p, units.Megabyte) // 0.4 s at 20 Mbps
		return err
	})
	_ = env.Run()
	fmt.Printf("%.4f J\n", float64(link.Radio().Energy())) // 0.65 s × 0.403 W
	// Output:
	// 0.00 s standby 20 mW
	// 0.00 s active  403 mW
	// 0.40 s tail    403 mW
	// 0.65 s standby 20 mW
	// 0.2620 J
}
