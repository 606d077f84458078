// Package sim is infersim's discrete-event simulation kernel: a clock, a
// queue of events, processes written as straight-line Go code, resources,
// random streams, statistics and tracing. It has no I/O, no logging, no
// wall clock and no package-level state, and knows nothing of phones.
//
// # Overview
//
// An Env holds the simulated time (float64 seconds) and the events scheduled
// for the future. Step pops the next event and processes it; Run repeats
// until no event is left; RunUntil(t) stops before t; Processed counts the
// events processed so far (for an events-per-second figure). The semantics
// follow SimPy 4 (src/simpy/core.py, events.py, resources/), with Go idioms:
//
//   - Event: pending → triggered (Succeed, Fail, or born triggered by
//     Timeout) → processed (callbacks called and waiting processes resumed,
//     in the order they were added). A triggered event can be retracted with
//     Cancel (a stale flow-completion timer, say).
//   - Process: Env.Process(name, fn) runs fn in its own coroutine. Inside,
//     Proc.Wait(ev) blocks until ev is processed and returns its value or
//     error, Proc.Sleep(d) is the allocation-free "hold". A *Process is
//     itself an Awaitable whose value is the body's result. Interrupt reaches
//     a waiting process as an *Interrupt error.
//   - Conditions: AllOf and AnyOf.
//   - Callbacks: Schedule(d, fn) calls fn at Now+d, the cheapest way to
//     drive a model without processes. A Timer (NewTimer(fn), Reset(d),
//     Stop) is a reusable, cancellable callback for a deadline that moves,
//     such as a link's next flow completion: neither Reset nor Stop
//     allocates, where Timeout, AddCallback and Cancel allocate an event per
//     deadline.
//   - Resources from one template (base.go): Resource (FIFO),
//     PriorityResource, PreemptiveResource (the evicted user gets an
//     Interrupt whose Cause is a *Preempted), Container (a continuous level)
//     and Store[T] (FIFO items). Every request or put/get is an Awaitable and
//     cancellable.
//   - Streams: named, seeded random streams for components and for gonum's
//     stat/distuv distributions; DeriveSeed for (seed, point, replication).
//   - Statistics live in package result (Tally, TimeWeighted,
//     ConfidenceInterval), beside the aggregation that uses them: sim is the
//     kernel only.
//   - Tracing: Begin/End spans on an optional Tracer; Recorder keeps them.
//
// # Usage
//
//	env := sim.NewEnv()
//	defer env.Close() // ends processes still waiting
//	cpu := sim.NewPreemptiveResource(env, 1)
//	env.Process("inference", func(p *sim.Proc) error {
//		req := cpu.Request(1, false)
//		defer req.Release()
//		if _, err := p.Wait(req); err != nil {
//			return err
//		}
//		return p.Sleep(0.120) // compute for 120 ms; a *Preempted interrupt may cut it short
//	})
//	if err := env.Run(); err != nil {
//		return err // an unhandled failure or a panic in a process
//	}
//
// Errors come back as values: a process that returns an error fails its
// event; a failed event that nobody waits on and nobody defused stops Run
// with an *UnhandledError naming it; a panic in a process stops Run with a
// *PanicError naming the process. Panics are for programmer errors only, and
// each is documented ("panics if ..."): negative, NaN or infinite delays,
// triggering an event twice, waiting from outside a process body.
//
// # Invariants
//
//   - Events are processed in the order of the key (time, priority,
//     sequence): earlier time first; at equal times Urgent before Normal;
//     at equal time and priority, in the order they were scheduled (FIFO, by
//     a sequence number incremented at each scheduling). Process starts and
//     interrupts are Urgent, everything else Normal.
//   - Now never decreases. RunUntil(t) processes exactly the events with
//     time < t and then sets Now to t; events at t stay scheduled.
//   - Exactly one process runs at a time, and only the kernel chooses which:
//     a process runs only when the kernel resumes it for an event it waited
//     on, and gives control back only by waiting or returning. Triggering an
//     event never runs a process directly; it schedules the event.
//   - A failure never vanishes: it is returned to a waiting process, defused
//     explicitly, or stops the run.
//   - In steady state Sleep, Schedule and Timer.Reset allocate nothing (see
//     BenchmarkSleep, BenchmarkSchedule and BenchmarkTimer), nor do the
//     queues of resources and stores: a request's only allocation is its
//     *Request.
//
// # Determinism
//
// Given the same model and seeds, a run produces the same sequence of events,
// values and times on every platform, at any GOMAXPROCS and with or without
// -race (TestDeterminismGOMAXPROCS): the order of events is a pure function of
// the key above; processes are iter.Pull coroutines, which hand control to
// each other without the Go scheduler choosing (a process that parks may run
// the kernel loop itself, see Performance, in the same order: TestDeterminism
// compares with Step-driven and goroutine runs); randomness comes only from
// Streams, derived from (seed, name) with integer hashing (DeriveSeed) and PCG
// generators. Components never share a stream, so adding one never changes
// another's draws. Each Env is confined to one goroutine; run independent
// replications in parallel on separate Envs.
//
// # Performance
//
// BENCHMARKS.md has the figures, how they were measured and the evidence for
// the limits below; bench_test.go defines the benchmarks of
// ../shared/bench/DES.md next to reference kernels measured in the same run.
//
// Queue. A 4-ary min-heap of 16-byte entries: the time's IEEE-754 bits, then
// priority, sequence number and slot packed in one word, compared as one
// 128-bit integer; the least of four children is found by a branch-free
// tournament, and the root is offset so that four siblings share a cache
// line. The slot table holds what an entry schedules as one interface value
// (an *Event, a *Timer, a Schedule callback, a process to start, or the
// resume function of a process in Sleep). Cancel, Timer.Stop and
// Timer.Reset empty a slot in O(1); the stale entry is dropped when it
// reaches the top, or in bulk when more than half the heap is stale. While
// an event is processed its entry stays at the root, and the first event
// scheduled meanwhile takes its place (one sift instead of a pop and a push:
// the "hold" pattern). The 31-bit sequence is renumbered in queue order when
// it would wrap.
//
// Processes. Resuming an iter.Pull coroutine costs two switches, there and
// back. During Run and RunUntil a process that parks runs the kernel loop
// itself before switching back (Env.serve): if the next event only wakes it
// (its own Sleep, an event only it waits on, such as a request granted at
// once or a partner's reply) it goes on without any switch; if it was
// resumed by Run itself (the host), it also resumes, from its own coroutine,
// the processes that the next events wake, so a hand-off between two
// processes costs two switches instead of four (B3). Callbacks are left to
// Run, so that a panic in one reaches the caller of Run, and Step never
// serves: it processes one event. A sleeping process's slot holds its
// coroutine's resume function, so the kernel switches to it without reading
// the process first. Beside the slot, a sleeping process leaves a hint:
// where its Process and its stack are. When the kernel wakes a process with
// many entries pending, it guesses the next entry (the least child of the
// root being processed, right unless the woken process schedules an earlier
// one) and prefetches that process's resume closure, Process and top stack
// lines, so that their cache misses overlap with the current process's run
// instead of stalling the next resume (prefetch_amd64.s; a no-op on other
// architectures). A Process is 192 bytes, 64-byte aligned
// by its size class, with its hot fields in the first cache line. A finished
// process hands its coroutine to the next process started, and a process's
// event that nobody waits on is processed at once. Event.Reset lets a
// hand-off loop reuse its events.
//
// Resources. Queues are ring buffers, so requests and releases allocate
// nothing but the *Request (144 bytes). Release does not recycle it: a
// *Request, and the *Event inside it, are handles that a model keeps, and
// `defer req.Release()` after an explicit Release is idiomatic, so a
// recycled request would turn a stale handle into a silent error in another
// process's request; pooling them in a trial gave no measurable gain on B2.
// Request.Recycle is the opt-in for code that owns its handles (a callback
// model that clears its pointer at once): at 10⁵ phones the devices
// package's callback paths made 1.8 M requests, 256 MB of the run's 912 MB
// allocated, and recycling them lowered the peak RSS by a fifth.
//
// Limits. With P processes parked, resuming one touches its coroutine's
// state (closures, runtime coroutine, goroutine descriptor, stack) in a cold
// cache. BenchmarkBreakdown measures a resume and its yield at about 70 ns
// when hot, 420 ns at P = 10,000 and 1.4 µs at P = 100,000 on the 2-vCPU
// EPYC this was tuned on: at P = 10,000 that alone exceeds the 400 ns per
// event of 2.5 M events/s. The wake-up prefetch (Processes, above) hides
// part of it: this kernel runs B1 at P = 10,000 at about 2× the previous
// one and 1.8× the minimal iter.Pull kernel (2.4 M events/s on the quiet
// machine); what stays serial is the state only the runtime knows
// (iter.Pull's, the runtime coroutine, the goroutine descriptor) and the
// model's own data. The cost per
// event grows with P as cache misses do (BenchmarkBreakdown/miss: 1 ns,
// 21 ns, 200 ns per cold line at P = 100, 10,000, 100,000), not as log P;
// the bare heap grows the same way, less steeply. Models with many pending
// activities that need speed should use callbacks or Timers (stackless:
// several times faster at P = 10,000).
//
// Memory per parked process: about 1 KB of heap (the Process, the
// coroutine's closures and runtime state, the goroutine descriptor) plus its
// stack, Go's initial goroutine stack: 2 KiB, or 4 KiB in a program whose
// goroutines use more than about 1.1 KiB of stack on average, because the
// runtime adapts the initial size at each garbage collection
// (GODEBUG=adaptivestackstart=0 pins 2 KiB: a choice for the whole program,
// which the kernel leaves to its user, like GOGC, which trades memory for
// fewer collections in allocation-heavy models such as B2).
//
// Coroutines (iter.Pull) were measured against goroutines with channel
// hand-off and kept as the faster (3–7× on B1, B2 and B3); the goroutine
// mechanism survives, unexported, for the comparison benchmarks and for the
// tests that check both give the same traces.
package sim
