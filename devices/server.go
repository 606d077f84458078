package devices

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/infersim/infersim/devices/engine"
	"github.com/infersim/infersim/result"
	"github.com/infersim/infersim/sim"
	"github.com/infersim/infersim/units"
)

// ServerConfig describes a cloud inference server.
type ServerConfig struct {
	// Engine is the server's processor (target server-cpu or server-gpu),
	// e.g. LoadProcessor("cloud-gpu-k80", kp).
	Engine Engine
	// Workers is the number of batches computed at once (≥ 1).
	Workers int
	// QueueLimit bounds the jobs waiting for a worker; a job arriving at a
	// full queue is dropped (outcome dropped). 0 means unbounded.
	QueueLimit int
	// MaxBatch is the largest batch (≥ 1; 1 disables batching) and
	// MaxWait how long the oldest waiting job may wait for its batch to
	// fill once a worker is free (0: take what is there).
	MaxBatch int
	MaxWait  units.Duration
	// Cold makes each worker load a model (LoadCost: the file at
	// ReadRate, parse, convert) the first time it runs it; otherwise
	// models are resident.
	Cold     bool
	ReadRate units.ByteRate // the server's storage; required with Cold
}

// Validate names the first bad field under the given prefix.
func (c ServerConfig) Validate(field string) error {
	switch {
	case c.Engine == nil:
		return fmt.Errorf("devices: %s.engine: a server needs a processor", field)
	case c.Engine.Target() != engine.ServerCPU && c.Engine.Target() != engine.ServerGPU:
		return fmt.Errorf("devices: %s.engine: processor %s is a %s, want %s or %s", field, c.Engine.Name(), c.Engine.Target(), engine.ServerCPU, engine.ServerGPU)
	case c.Workers < 1:
		return fmt.Errorf("devices: %s.workers: %d must be at least 1", field, c.Workers)
	case c.QueueLimit < 0:
		return fmt.Errorf("devices: %s.queue_limit: %d must not be negative", field, c.QueueLimit)
	case c.MaxBatch < 1:
		return fmt.Errorf("devices: %s.max_batch: %d must be at least 1", field, c.MaxBatch)
	case !(c.MaxWait >= 0) || math.IsInf(float64(c.MaxWait), 0):
		return fmt.Errorf("devices: %s.max_wait: %v must be finite and non-negative", field, c.MaxWait)
	case c.Cold && !(c.ReadRate > 0):
		return fmt.Errorf("devices: %s.read_rate: %v must be positive when cold", field, c.ReadRate)
	}
	return nil
}

// Server is a cloud inference server shared by every phone connected to
// it: Workers workers, one FIFO queue (optionally bounded), dynamic
// batching and resident or cold-loaded models. It is driven by kernel
// callbacks, not processes: a job arriving, a batch timer and a batch
// ending each dispatch the queue.
//
// Dispatching: while a worker is free and the queue is not empty, the
// head job and the later queued jobs for the same model and cut (up to
// MaxBatch) form a batch; if the batch is not full and the head has waited
// less than MaxWait, the server waits until the head has waited MaxWait
// (or the batch fills). A batch of b jobs takes
//
//	t = Σ over the layers it runs of SampleLayer × BatchTime(b) / BatchTime(1)
//
// i.e. one noisy draw of the per-input time, scaled by the processor's
// batch-time model (t(b) = t(1)·(1 + (b − 1)·batch_slope) for a scaled
// profile), plus the model's load on a cold worker's first batch.
type Server struct {
	env     *sim.Env
	name    string
	cfg     ServerConfig
	eng     *engineCache
	rng     *rand.Rand
	queue   []*job
	workers []*worker
	free    []*job
	timerAt float64 // time of the pending batch timer, NaN if none
	onTimer func()
	sink    SpanSink
	queueLn string
	sp      result.Span
	stats   ServerStats
	busy    int
	draws   []float64 // sampleSum's scratch
}

// ServerStats counts what a server did.
type ServerStats struct {
	Served, Dropped, Cancelled, Batches int
	BusyTime                            units.Duration // summed over workers
	MaxQueue                            int
}

// meanBatch returns the mean batch size.
func (s ServerStats) meanBatch() float64 {
	if s.Batches == 0 {
		return 0
	}
	return float64(s.Served+s.Cancelled) / float64(s.Batches)
}

type worker struct {
	s      *Server
	idx    int
	busy   bool
	batch  []*job
	start  float64
	loaded map[string]bool
	lane   string
	doneFn func()
}

type jobState uint8

const (
	jobQueued jobState = iota
	jobRunning
	jobCancelled
	jobDone
)

// job is one request's server part.
type job struct {
	model   string
	from    int
	em      *engineModel
	state   jobState
	arrival float64 // when it joined the queue
	start   float64 // when its batch started
	load    float64 // cold load time before its batch computed
	end     float64
	done    *sim.Event
}

// NewServer returns a server named name (e.g. "server") on env; its
// noise comes from streams.Stream(name + "/noise"). sink may be nil.
func NewServer(env *sim.Env, streams *sim.Streams, name string, cfg ServerConfig, sink SpanSink) (*Server, error) {
	if err := cfg.Validate(name); err != nil {
		return nil, err
	}
	if streams == nil {
		return nil, fmt.Errorf("devices: server %s: streams must not be nil", name)
	}
	s := &Server{env: env, name: name, cfg: cfg, eng: newEngineCache(cfg.Engine),
		rng: streams.Stream(name + "/noise"), timerAt: math.NaN(), sink: sink, queueLn: result.NewLane(name, result.LaneQueue).String()}
	s.onTimer = func() { s.timerAt = math.NaN(); s.dispatch() }
	for i := range cfg.Workers {
		w := &worker{s: s, idx: i, loaded: map[string]bool{}, lane: result.NewLane(name, result.LaneWorker).At(i).String()}
		w.doneFn = w.finish
		s.workers = append(s.workers, w)
	}
	return s, nil
}

// Name returns the server's name.
func (s *Server) Name() string { return s.name }

// Target returns the server's processor target.
func (s *Server) Target() engine.Target { return s.eng.target }

// queueLen returns the number of jobs waiting for a worker.
func (s *Server) queueLen() int { return len(s.queue) }

// busyWorkers returns the number of busy workers.
func (s *Server) busyWorkers() int { return s.busy }

// Stats returns the server's counters.
func (s *Server) Stats() ServerStats { return s.stats }

// expectedWait estimates how long a job arriving now would wait for a
// worker: the queued jobs' mean service time shared by the workers, plus
// half a mean service time when every worker is busy (the mean residual
// of a deterministic service). Mean service is the model's whole-model
// mean time on the server's processor.
func (s *Server) expectedWait(model string) float64 {
	m := s.eng.model(model)
	if m.err != nil {
		return math.Inf(1)
	}
	w := float64(len(s.queue)) * m.batch1 / float64(len(s.workers))
	if s.busy == len(s.workers) {
		w += m.batch1 / 2
	}
	return w
}

// handler is an Engine that knows a serving stack's per-request handling
// (*engine.Processor does; a stub need not).
type handler interface {
	HandlingTime(imageBytes, tensorBytes float64) units.Duration
}

// handlingTime returns the request handling a job pays before it queues:
// accepting the upload, decoding imageBytes of JPEG, framework dispatch
// and set-up, copying tensorBytes to the processor, the response. It is
// done by the server's front end, not by a worker, and is not batched; 0
// if the engine has no handling model.
func (s *Server) handlingTime(imageBytes, tensorBytes float64) float64 {
	if h, ok := s.cfg.Engine.(handler); ok {
		return float64(h.HandlingTime(imageBytes, tensorBytes))
	}
	return 0
}

// submit queues a job for model's layers [from, end); it returns nil if
// the queue is full (the job is dropped).
func (s *Server) submit(model string, from int, em *engineModel) *job {
	if s.cfg.QueueLimit > 0 && len(s.queue) >= s.cfg.QueueLimit {
		s.stats.Dropped++
		if s.sink != nil {
			now := s.env.Now()
			s.span(s.queueLn, "dropped "+model, now, now)
		}
		return nil
	}
	var j *job
	var done *sim.Event
	if n := len(s.free); n > 0 {
		j = s.free[n-1]
		s.free = s.free[:n-1]
		if done = j.done; done != nil {
			done.Reset() // processed (the request read it) or never triggered
		}
	} else {
		j = &job{}
	}
	if done == nil {
		done = s.env.NewEvent()
	}
	*j = job{model: model, from: from, em: em, arrival: s.env.Now(), done: done}
	s.queue = append(s.queue, j)
	s.stats.MaxQueue = max(s.stats.MaxQueue, len(s.queue))
	s.dispatch()
	return j
}

// putJob returns a finished job to the pool (the request has read it);
// its done event is reused unless it may still be scheduled.
func (s *Server) putJob(j *job) {
	if j.done != nil && j.done.Triggered() && !j.done.Processed() {
		j.done = nil
	}
	s.free = append(s.free, j)
}

// cancel withdraws a job whose request gave up (timeout, kill): a queued
// job leaves the queue; a running one finishes with its batch unseen.
func (s *Server) cancel(j *job) {
	switch j.state {
	case jobQueued:
		for i, x := range s.queue {
			if x == j {
				s.queue = append(s.queue[:i], s.queue[i+1:]...)
				break
			}
		}
		s.stats.Cancelled++
		j.state = jobCancelled
		s.putJob(j)
	case jobRunning:
		j.state = jobCancelled
	}
}

func compatible(a, b *job) bool { return a.model == b.model && a.from == b.from }

// all reports whether every job of js satisfies f.
func all(js []*job, f func(*job) bool) bool {
	for _, j := range js {
		if !f(j) {
			return false
		}
	}
	return true
}

// dispatch starts batches while a worker is free and a batch is ready.
func (s *Server) dispatch() {
	now := s.env.Now()
	for len(s.queue) > 0 && s.busy < len(s.workers) {
		head := s.queue[0]
		n := 0
		for _, j := range s.queue {
			if compatible(head, j) {
				n++
				if n == s.cfg.MaxBatch {
					break
				}
			}
		}
		if n < s.cfg.MaxBatch && s.cfg.MaxWait > 0 {
			if due := head.arrival + float64(s.cfg.MaxWait); now < due {
				if s.timerAt != due {
					s.timerAt = due
					s.env.Schedule(due-now, s.onTimer)
				}
				return
			}
		}
		var w *worker
		for _, x := range s.workers {
			if !x.busy {
				w = x
				break
			}
		}
		w.batch = w.batch[:0]
		if prefix := s.queue[:n]; all(prefix, func(j *job) bool { return compatible(head, j) }) {
			// The batch is the queue's first n jobs (one model, the usual
			// case): drop them without moving the rest, which a long
			// queue (10⁵ phones) would pay at every batch.
			w.batch = append(w.batch, prefix...)
			clear(prefix)
			s.queue = s.queue[n:]
		} else {
			q := s.queue[:0]
			for _, j := range s.queue {
				if len(w.batch) < n && compatible(head, j) {
					w.batch = append(w.batch, j)
				} else {
					q = append(q, j)
				}
			}
			clear(s.queue[len(q):])
			s.queue = q
		}
		s.run(w)
	}
}

// run starts w's batch now.
func (s *Server) run(w *worker) {
	now := s.env.Now()
	head := w.batch[0]
	em := head.em
	load := 0.0
	if s.cfg.Cold && !w.loaded[head.model] {
		w.loaded[head.model] = true
		lc := em.load
		load = float64(lc.FileBytes)/float64(s.cfg.ReadRate) + float64(lc.Parse) + float64(lc.Convert)
	}
	t1 := em.sampleSum(s.eng.e, head.from, s.rng, &s.draws)
	b := len(w.batch)
	t := t1
	if b > 1 && em.batch1 > 0 {
		tb, err := s.eng.e.BatchTime(head.model, b)
		if err == nil {
			t = t1 * tb / em.batch1
		}
	}
	for _, j := range w.batch {
		j.state, j.start, j.load = jobRunning, now, load
		if s.sink != nil {
			s.span(s.queueLn, j.model, j.arrival, now)
		}
	}
	w.busy, w.start = true, now
	s.busy++
	s.stats.Batches++
	s.env.Schedule(load+t, w.doneFn)
}

// finish ends w's batch: its jobs' requests resume.
func (w *worker) finish() {
	s := w.s
	now := s.env.Now()
	s.stats.BusyTime += units.Duration(now - w.start)
	if s.sink != nil {
		label := w.batch[0].model
		if len(w.batch) > 1 {
			label += " ×" + strconv.Itoa(len(w.batch))
		}
		if w.batch[0].load > 0 {
			label += " (cold load " + units.Duration(w.batch[0].load).String() + ")"
		}
		s.span(w.lane, label, w.start, now)
	}
	for _, j := range w.batch {
		if j.state == jobCancelled {
			s.stats.Cancelled++
			s.putJob(j)
			continue
		}
		j.state, j.end = jobDone, now
		s.stats.Served++
		j.done.Succeed(nil)
	}
	clear(w.batch)
	w.batch = w.batch[:0]
	w.busy = false
	s.busy--
	s.dispatch()
}

func (s *Server) span(lane, label string, start, end float64) {
	s.sp = result.Span{Lane: lane, Label: label, Start: start, End: end}
	s.sink.Span(&s.sp)
}
