package devices

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/infersim/infersim/devices/engine"
	"github.com/infersim/infersim/result"
	"github.com/infersim/infersim/sim"
	"github.com/infersim/infersim/units"
)

// serviceStub is a server processor whose whole inference is one stage of
// mean s seconds: deterministic, or exponential with expo.
func serviceStub(s float64, expo bool) *stubEngine {
	return &stubEngine{name: "service", target: engine.ServerCPU, perLayer: s, only: true, expo: expo}
}

// queueWait runs a server with Poisson arrivals of rate lambda for n jobs
// and returns the mean wait in the queue.
func queueWait(t *testing.T, seed uint64, cfg ServerConfig, lambda float64, n int) float64 {
	t.Helper()
	env := sim.NewEnv()
	defer env.Close()
	streams := sim.NewStreams(seed)
	s, err := NewServer(env, streams, "server", cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	em := s.eng.model("squeezenet-v1.1")
	arr := streams.Stream("arrivals")
	var sum float64
	var done int
	env.Process("arrivals", func(p *sim.Proc) error {
		for range n {
			if err := p.Sleep(arr.ExpFloat64() / lambda); err != nil {
				return err
			}
			j := s.submit("squeezenet-v1.1", 0, em)
			j.done.AddCallback(func(*sim.Event) {
				sum += j.start - j.arrival
				done++
				s.putJob(j)
			})
		}
		return nil
	})
	if err := env.Run(); err != nil {
		t.Fatal(err)
	}
	if done != n {
		t.Fatalf("%d of %d jobs done", done, n)
	}
	return sum / float64(n)
}

// TestServerQueueTheory: one worker, Poisson arrivals at ρ = 0.7 of a
// 100 ms service: the mean wait matches Pollaczek–Khinchine for a
// deterministic service (M/D/1, Wq = ρS / 2(1 − ρ) = 116.7 ms) and for an
// exponential one (M/M/1, Wq = ρS / (1 − ρ) = 233.3 ms), within the 95 %
// confidence interval of 20 replications.
func TestServerQueueTheory(t *testing.T) {
	const (
		S    = 0.1
		rho  = 0.7
		reps = 20
		jobs = 10000
	)
	for _, c := range []struct {
		name   string
		expo   bool
		theory float64
	}{
		{"M/D/1", false, rho * S / (2 * (1 - rho))},
		{"M/M/1", true, rho * S / (1 - rho)},
	} {
		var xs []float64
		for rep := range reps {
			cfg := ServerConfig{Engine: serviceStub(S, c.expo), Workers: 1, MaxBatch: 1}
			xs = append(xs, queueWait(t, sim.DeriveSeed(42, c.name, rep), cfg, rho/S, jobs))
		}
		mean, hw := result.ConfidenceInterval(xs, 0.95)
		t.Logf("%s: Wq = %.4f ± %.4f s (theory %.4f)", c.name, mean, hw, c.theory)
		if math.Abs(mean-c.theory) > hw {
			t.Errorf("%s: mean wait %.4f ± %.4f s, theory %.4f s outside the 95 %% CI", c.name, mean, hw, c.theory)
		}
	}
}

// TestServerBatchingThroughput: a saturated server with 100 ms single
// inferences and batch slope 0.5 serves 1/0.1 = 10 jobs/s unbatched and,
// with batches of 4, 4 / (0.1 · (1 + 3 · 0.5)) = 16 jobs/s.
func TestServerBatchingThroughput(t *testing.T) {
	for _, c := range []struct {
		batch int
		want  float64 // jobs per second
	}{{1, 10}, {4, 16}, {8, 8 / (0.1 * (1 + 7*0.5))}} {
		env := sim.NewEnv()
		streams := sim.NewStreams(7)
		e := serviceStub(0.1, false)
		e.slope = 0.5
		s, err := NewServer(env, streams, "server", ServerConfig{Engine: e, Workers: 1, MaxBatch: c.batch}, nil)
		if err != nil {
			t.Fatal(err)
		}
		em := s.eng.model("squeezenet-v1.1")
		// 40 jobs/s, far beyond either capacity: the queue never empties.
		env.Process("arrivals", func(p *sim.Proc) error {
			for {
				s.submit("squeezenet-v1.1", 0, em)
				if err := p.Sleep(0.025); err != nil {
					return nil
				}
			}
		})
		if err := env.RunUntil(100); err != nil {
			t.Fatal(err)
		}
		got := float64(s.Stats().Served) / 100
		if math.Abs(got-c.want) > 0.1 {
			t.Errorf("batch %d: %.2f jobs/s, want %.2f", c.batch, got, c.want)
		}
		if c.batch > 1 && s.Stats().meanBatch() < float64(c.batch)-0.1 {
			t.Errorf("batch %d: mean batch %.2f", c.batch, s.Stats().meanBatch())
		}
		env.Close()
	}
}

// TestServerMaxWaitAndQueueLimit follows a few jobs by hand.
func TestServerMaxWaitAndQueueLimit(t *testing.T) {
	env := sim.NewEnv()
	defer env.Close()
	e := serviceStub(0.1, false)
	e.slope = 0.5
	var log []string
	sink := SpanFunc(func(sp *result.Span) {
		log = append(log, fmt.Sprintf("%s %s [%.3f, %.3f]", sp.Lane, sp.Label, sp.Start, sp.End))
	})
	s, err := NewServer(env, sim.NewStreams(1), "server", ServerConfig{Engine: e, Workers: 1, MaxBatch: 4, MaxWait: 0.05, QueueLimit: 3}, sink)
	if err != nil {
		t.Fatal(err)
	}
	em := s.eng.model("nin")
	ends := map[int]float64{}
	submit := func(at float64, i int) {
		env.Schedule(at, func() {
			j := s.submit("nin", 0, em)
			if j == nil {
				ends[i] = -1
				return
			}
			j.done.AddCallback(func(*sim.Event) { ends[i] = j.end })
		})
	}
	// Jobs 0–2 at 0, 10, 20 ms: the batch waits for job 0's 50 ms, then
	// runs 3 jobs in 0.1 · (1 + 2 · 0.5) = 0.2 s, ending at 0.25. Jobs 3–5
	// at 60, 70, 80 ms queue; job 6 at 90 ms finds the queue full (3) and
	// is dropped. At 0.25 the queue's head (job 3) has waited 190 ms: the
	// batch of 3 runs at once, ending at 0.45.
	for i, at := range []float64{0, 0.01, 0.02, 0.06, 0.07, 0.08, 0.09} {
		submit(at, i)
	}
	if err := env.Run(); err != nil {
		t.Fatal(err)
	}
	want := map[int]float64{0: 0.25, 1: 0.25, 2: 0.25, 3: 0.45, 4: 0.45, 5: 0.45, 6: -1}
	for i, w := range want {
		if !near(ends[i], w, 1e-9) {
			t.Errorf("job %d ended at %v, want %v", i, ends[i], w)
		}
	}
	if st := s.Stats(); st.Dropped != 1 || st.Served != 6 || st.Batches != 2 {
		t.Errorf("stats %+v", st)
	}
	joined := strings.Join(log, "\n")
	for _, want := range []string{"server/worker[0] nin ×3 [0.050, 0.250]", "server/queue dropped nin [0.090, 0.090]", "server/queue nin [0.060, 0.250]"} {
		if !strings.Contains(joined, want) {
			t.Errorf("trace lacks %q:\n%s", want, joined)
		}
	}
}

func TestServerConfigValidate(t *testing.T) {
	ok := ServerConfig{Engine: serviceStub(0.1, false), Workers: 1, MaxBatch: 1}
	for _, c := range []struct {
		field string
		edit  func(*ServerConfig)
	}{
		{"cloud.engine", func(c *ServerConfig) { c.Engine = nil }},
		{"cloud.engine", func(c *ServerConfig) { c.Engine = stubCaffe() }},
		{"cloud.workers", func(c *ServerConfig) { c.Workers = 0 }},
		{"cloud.queue_limit", func(c *ServerConfig) { c.QueueLimit = -1 }},
		{"cloud.max_batch", func(c *ServerConfig) { c.MaxBatch = 0 }},
		{"cloud.max_wait", func(c *ServerConfig) { c.MaxWait = units.Duration(math.NaN()) }},
		{"cloud.read_rate", func(c *ServerConfig) { c.Cold = true }},
	} {
		cfg := ok
		c.edit(&cfg)
		if err := cfg.Validate("cloud"); err == nil || !strings.Contains(err.Error(), c.field+":") {
			t.Errorf("%s: %v", c.field, err)
		}
	}
	if err := ok.Validate("cloud"); err != nil {
		t.Error(err)
	}
}
