package sim

import (
	"math"
	"testing"

	"github.com/infersim/infersim/result"
)

// erlangC returns the probability that an arrival waits in an M/M/c queue
// with arrival rate lambda and service rate mu per server, and the mean
// waiting time Wq = C/(c·mu − lambda) (Erlang's C formula, e.g. Kleinrock,
// Queueing Systems vol. 1, §3.5).
func erlangC(c int, lambda, mu float64) (prob, wq float64) {
	a := lambda / mu
	rho := a / float64(c)
	sum, term := 0.0, 1.0 // term = a^k/k!
	for k := range c {
		if k > 0 {
			term *= a / float64(k)
		}
		sum += term
	}
	last := term * a / float64(c) / (1 - rho) // a^c/c! / (1-ρ)
	prob = last / (sum + last)
	return prob, prob / (float64(c)*mu - lambda)
}

func TestErlangCValues(t *testing.T) {
	// The values quoted in ../shared/bench/DES.md, and M/M/1's ρ/(μ−λ).
	c, wq := erlangC(4, 3.6, 1)
	if math.Abs(c-0.7878) > 5e-5 || math.Abs(wq-1.9694) > 5e-5 {
		t.Fatalf("Erlang C(4, 3.6) = %.5f, Wq = %.5f; want 0.7878, 1.9694", c, wq)
	}
	if _, wq := erlangC(1, 0.5, 1); math.Abs(wq-1) > 1e-12 {
		t.Fatalf("M/M/1 Wq = %v, want 1", wq)
	}
}

// mmcResult is what one M/M/c run measures.
type mmcResult struct {
	waits    result.Tally        // waiting time (arrival to grant) of customers granted after warm-up
	queue    result.TimeWeighted // number waiting, from the end of warm-up
	served   int                 // customers granted (all of them)
	lastTime float64
}

// runMMC simulates an M/M/c queue with one process per customer, as B2 in
// DES.md: a source creates n customers with Exponential(lambda)
// inter-arrival times; each requests one of c servers, holds it for an
// Exponential(mu) service time and releases it. Waits are recorded for
// customers arriving after warm (customers), the queue length from the
// warm-up's end.
func runMMC(seed uint64, c int, lambda, mu float64, n, warm int, opts ...Option) *mmcResult {
	env := NewEnv(opts...)
	defer env.Close()
	streams := NewStreams(seed)
	arrivals, service := streams.Stream("arrivals"), streams.Stream("service")
	res := NewResource(env, c)
	r := &mmcResult{}
	waiting := 0
	customer := func(p *Proc) error {
		arrived := p.Now()
		counted := r.queue.Started()
		waiting++
		if counted {
			r.queue.Update(arrived, float64(waiting))
		}
		req := res.Request()
		if _, err := p.Wait(req); err != nil {
			return err
		}
		waiting--
		if r.queue.Started() {
			r.queue.Update(p.Now(), float64(waiting))
		}
		if counted {
			r.waits.Add(p.Now() - arrived)
		}
		r.served++
		err := p.Sleep(service.ExpFloat64() / mu)
		req.Release()
		return err
	}
	env.Process("source", func(p *Proc) error {
		for i := range n {
			if err := p.Sleep(arrivals.ExpFloat64() / lambda); err != nil {
				return err
			}
			if i == warm {
				r.queue.Update(p.Now(), float64(waiting))
			}
			env.Process("customer", customer)
		}
		return nil
	})
	if err := env.Run(); err != nil {
		panic(err)
	}
	r.lastTime = env.Now()
	return r
}

func TestMMcAgainstErlangC(t *testing.T) {
	n, reps := 40_000, 20
	if testing.Short() {
		n = 10_000
	}
	for _, c := range []struct {
		name      string
		servers   int
		lambda    float64
		customers int
	}{
		{"M/M/1 rho=0.5", 1, 0.5, n / 2},
		{"M/M/4 rho=0.9", 4, 3.6, n},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, wq := erlangC(c.servers, c.lambda, 1)
			means := make([]float64, reps)
			for i := range reps {
				r := runMMC(DeriveSeed(2024, c.name, i), c.servers, c.lambda, 1, c.customers, c.customers/10)
				means[i] = r.waits.Mean()
			}
			mean, hw := result.ConfidenceInterval(means, 0.95)
			t.Logf("Wq: theory %.4f, simulated %.4f ± %.4f (95%%, %d replications)", wq, mean, hw, reps)
			if math.Abs(mean-wq) > hw {
				t.Fatalf("Erlang-C Wq %.4f outside the 95%% CI %.4f ± %.4f", wq, mean, hw)
			}
			if hw > 0.1*wq {
				t.Fatalf("CI half-width %.4f too wide to be a test", hw)
			}
		})
	}
}

func TestLittlesLaw(t *testing.T) {
	// L = λW for the queue: the time-averaged number waiting against the
	// arrival rate (theoretical, 3.6/s) times the mean wait, on one long run.
	const lambda = 3.6
	n := 400_000
	if testing.Short() {
		n = 100_000
	}
	r := runMMC(99, 4, lambda, 1, n, n/20)
	// Stop the window at the last arrival's time: approximate with the
	// end of the run, whose tail (queue emptying) adds little area.
	end := r.lastTime
	L := r.queue.Mean(end)
	W := r.waits.Mean()
	if rel := math.Abs(L-lambda*W) / (lambda * W); rel > 0.02 {
		t.Fatalf("Little's law: L = %.4f, λW = %.4f (%.2f%% apart)", L, lambda*W, 100*rel)
	}
	t.Logf("L = %.4f, λW = %.4f", L, lambda*W)
}
