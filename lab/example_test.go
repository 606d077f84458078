package lab_test

import (
	"fmt"
	"strings"

	"github.com/infersim/infersim/lab"
)

func ExampleParseQuery() {
	st, err := lab.ParseQuery("?s=bandwidth-sweep&rtt=100")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(st.Scenario, st.Set["rtt"], st.Full)
	fmt.Println(st.Query())
	// Output:
	// bandwidth-sweep 100 false
	// rtt=100&s=bandwidth-sweep
}

func ExamplePrepare() {
	p, err := lab.Prepare(lab.State{Scenario: "bandwidth-sweep", Set: map[string]string{"rtt": "100"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	// The uplink bandwidth is swept: no control sets it.
	for _, c := range p.Controls {
		fmt.Printf("%s: %s (%s)\n", c.ID, c.Value, strings.Join(c.Fields, ", "))
	}
	fmt.Print(strings.Join(strings.SplitAfter(string(p.YAML), "\n")[:2], ""))
	// Output:
	// model: all (models)
	// phone: nexus5 (phone.device, phone.cpu, phone.gpu)
	// net: campus-wifi (network.preset)
	// rtt: 100 (network.uplink.latency, network.downlink.latency)
	// mem: 25 (phone.memory.background_pressure)
	// gc: 1 (phone.gc.pause_scale)
	// bg: off (phone.lifecycle.background_every)
	// phones: 1 (phone.count)
	// batch: 1 (cloud.batching.max_batch)
	// modes: on-device-cpu,on-device-gpu,cloud-gpu (workload.modes)
	// split: none (workload.modes)
	// # From infersim lab: the built-in bandwidth-sweep with rtt=100.
	// # Run it with: infersim run FILE.yaml --quick
}
