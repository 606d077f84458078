package scenarios_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/infersim/infersim/scenarios"
)

// A tiny scenario: one model, two modes, one photo size, two replications.
const tiny = `name: tiny
seed: 42
replications: 2
models: [squeezenet-v1.0]
workload:
  modes: [on-device-cpu, cloud-gpu]
  images: [{size: 960x540}]
  requests: 3
`

func ExampleParse() {
	s, err := scenarios.Parse([]byte(tiny), "tiny.yaml", "")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Name, s.Points(), "point,", len(s.Cells()), "cells,", s.Replications, "replications")
	fmt.Println("network:", s.Network.Preset, s.Network.Model, s.Network.Radio, s.Network.Uplink.Bandwidth)
	for _, c := range s.Cells() {
		fmt.Println(c.Index, c.Model, c.Mode, c.Image, c.Requests)
	}
	// Output:
	// tiny 1 point, 2 cells, 2 replications
	// network: campus-wifi tcp wifi 50 Mbps
	// 0 squeezenet-v1.0 on-device-cpu 960x540 3
	// 1 squeezenet-v1.0 cloud-gpu 960x540 3
}

func ExampleParse_errors() {
	_, err := scenarios.Parse([]byte(`name: typo
models: [alexnet]
workload:
  modes: [cloud-gpu]
network:
  uplink: {bandwith: 25Mbps, latency: 20}
`), "typo.yaml", "")
	fmt.Println(err)
	// Output:
	// scenarios: typo.yaml:6: network.uplink.bandwith: unknown field (did you mean "bandwidth"?)
	// scenarios: typo.yaml:6: network.uplink.latency: "20": missing unit: a duration needs one, e.g. 20ms
}

func ExampleRun() {
	s, err := scenarios.Parse([]byte(tiny), "tiny.yaml", "")
	if err != nil {
		fmt.Println(err)
		return
	}
	dir, _ := os.MkdirTemp("", "tiny")
	defer os.RemoveAll(dir)
	res, err := scenarios.Run(context.Background(), s, scenarios.Options{Out: dir})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Records, "requests in", res.Tasks, "worlds; complete:", res.Run.Complete)
	for _, sm := range res.Run.Summaries {
		fmt.Printf("%s %s %s: %d requests, %d ok\n", sm.Model, sm.Mode, sm.Start, sm.Requests, sm.OK())
	}
	for _, f := range []string{"requests.csv", "summary.csv", "summary.json"} {
		_, err := os.Stat(filepath.Join(dir, f))
		fmt.Println(f, err == nil)
	}
	// Output:
	// 12 requests in 4 worlds; complete: true
	// squeezenet-v1.0 on-device-cpu cold: 2 requests, 2 ok
	// squeezenet-v1.0 on-device-cpu warm: 4 requests, 4 ok
	// squeezenet-v1.0 cloud-gpu warm: 4 requests, 4 ok
	// requests.csv true
	// summary.csv true
	// summary.json true
}
