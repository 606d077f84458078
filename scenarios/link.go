package scenarios

import (
	"fmt"

	"github.com/infersim/infersim/network"
	"github.com/infersim/infersim/sim"
)

// newLink builds phone i's access link from the resolved configuration;
// its jitter streams are "link[i]/up/jitter" and "link[i]/down/jitter".
func newLink(env *sim.Env, streams *sim.Streams, i int, res *resolved) (*network.Link, error) {
	return network.NewLink(env, streams, fmt.Sprintf("link[%d]", i), res.link)
}
