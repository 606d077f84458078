package scenarios_test

import (
	"fmt"

	"github.com/infersim/infersim/scenarios"
)

// A shard of a Kubernetes Indexed Job: its index comes from
// JOB_COMPLETION_INDEX, and it holds a contiguous block of the worlds.
func ExampleParseShard() {
	env := map[string]string{"JOB_COMPLETION_INDEX": "2"}
	sh, err := scenarios.ParseShard("auto/7", func(k string) string { return env[k] })
	if err != nil {
		panic(err)
	}
	lo, hi := sh.Range(936) // bandwidth-sweep: 26 points × 9 cells × 4 replications
	fmt.Printf("shard %s holds worlds %d–%d\n", sh, lo, hi-1)
	// Output: shard 2/7 holds worlds 267–400
}
