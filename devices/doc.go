// Package devices simulates the phone and the cloud server of mobile deep
// inference on the sim kernel: the phone's CPU cores and GPU, its storage,
// memory, ART heap and garbage collector, the app's life cycle and the
// low-memory killer, its energy meter, the cloud server's workers, queue
// and batching, and the inference request that runs through them.
//
// # Overview
//
// A world is one sim.Env with phones, their links (package network) and
// servers. A Phone runs the inference app: Submit starts a request as a
// process; the request's phases (package result: load, preprocess,
// compute, gc, wake, upload, queue, server, download) are recorded as
// spans, its phone energy by component (cpu, gpu, radio, base) is read
// from the phone's energy meter, and its Record is delivered through
// OnRecord when its accounting closes. A Server is shared by every phone
// connected to it.
//
// Each phone or server computes with an Engine: a compiled processor
// profile (*engine.Processor, see "Processor profiles") or any stand-in. The phone takes a
// CPU framework (Caffe Android Lib, phone-cpu) and a GPU framework
// (CNNdroid, phone-gpu); a server one server-cpu or server-gpu processor.
//
// Modes (Mode, ParseMode):
//
//	on-device-cpu, on-device-gpu  load (if not resident) → preprocess → compute every layer on the phone
//	cloud-cpu, cloud-gpu          preprocess → upload the JPEG → queue → server → download the result
//	split:K                       preprocess → compute layers [0, K) on the phone → upload the cut's
//	                              activation → queue → layers [K, N) on the server → download;
//	                              split:0 is the cloud, split:N on-device; K must end at a split point
//	auto                          the K with the lowest predicted latency or energy, per request (auto.go; predictor.go: the profiles' means with an error, regret in auto.regret)
//
// # Usage
//
// Building a world (the scenario runner's job):
//
//	env := sim.NewEnv()
//	defer env.Close()
//	streams := sim.NewStreams(sim.DeriveSeed(seed, 0, rep)) // the same at every sweep point
//	kp := models.DefaultProfile()
//	cpu, _ := engine.LoadProcessor("nexus5-caffe-cpu", kp)
//	gpu, _ := engine.LoadProcessor("nexus5-cnndroid-gpu", kp)
//	gpuSrv, _ := engine.LoadProcessor("cloud-gpu-k80", kp)
//
//	spec, _ := devices.LookupPhone("nexus5")                          // a preset
//	spec, err := devices.ReadPhoneSpec(userYAML, "scenario.yaml", &spec) // the scenario's overrides
//	phone, err := devices.NewPhone(env, streams, "phone[0]", spec,
//		devices.PhoneOptions{CPU: cpu, GPU: gpu, KernelProfile: kp, Index: 0})
//	server, err := devices.NewServer(env, streams, "server",
//		devices.ServerConfig{Engine: gpuSrv, Workers: 1, MaxBatch: 1}, nil)
//	preset, _ := network.LookupPreset("campus-wifi")
//	link, err := network.NewLink(env, streams, "link[0]", preset.Link)
//	err = phone.Connect(link, server) // also wires the radio to the meter
//
//	phone.OnRecord(func(r *result.Record) { r.Point, r.Replication = point, rep; w.Write(r) })
//	phone.OnEnd(func(r *result.Record) { /* a closed loop schedules its next arrival */ })
//	env.Process("workload", func(p *sim.Proc) error {
//		for ... {
//			p.Sleep(interArrival)
//			if err := phone.Submit(devices.Request{Model: "alexnet", Mode: mode,
//				Width: 3840, Height: 2160}); err != nil {
//				return err
//			}
//		}
//		return nil
//	})
//	err = env.RunUntil(horizon) // or env.Run() without life-cycle or pressure processes
//	phone.Flush()               // close the records still waiting for the radio
//
// Phone.Preload loads a model before the first request; Background
// sends the app to the background by hand; Stats reports. (The package's
// scripts, testdata/*.txt, also drive the foreground switch, memory
// pressure and GC by hand through unexported methods.)
//
// # Records
//
// A request's energy is what the phone spent, component by component
// (energy meter readings), from its arrival to its end, plus the radio's energy
// after its end until its accounting closes: the radio tail it caused
// (Record.TailEnergy, part of Energy). A request that used the radio
// closes when the radio is idle again, when the phone's next request
// starts (Submit), or at Flush (the end of the simulation), whichever
// comes first; a request that did not use the radio closes at its end.
// Only the radio is charged after the end: the screen, the idle CPU and
// GPU during a think time belong to no request. With requests back to
// back this attributes every joule of the radio once; requests that
// overlap each count the whole phone's energy while they overlap.
//
// OnEnd tells of a request's end at the time it ends (outcome, End and
// phases final, energy not yet); OnRecord delivers its record when its
// accounting closes, which over LTE can be a 10 s tail later: a closed
// loop times its next arrival from OnEnd. The record passed to either is
// reused afterwards. Waiting for the app's inference thread (the phone
// runs one request's phone part at a time, FIFO) and, in the background,
// for the foreground, count in the latency but in no phase.
//
// # The phone
//
// The CPU is an accounting of busy cores (framework CoresBusy while
// computing, one core for loading, preprocessing and each GC thread)
// reported to the meter at each change, not a queue: the OS time-shares
// cores, and the app's own threads are already serialised by its
// inference thread (a FIFO sim.Resource: one request's phone part at a
// time) and the mutator. The GPU is a sim.Resource of one
// queue, active while a GPU framework computes. Storage is a sim.Resource
// read at PhoneSpec.Storage.ReadRate. The app's managed code holds a
// sim.PreemptiveResource, the mutator, which GC pauses take with
// preemption.
//
// Model loading: read the weights file (LoadCost.FileBytes at the storage
// rate), parse (LoadCost.Parse, one core) and, for a GPU framework,
// convert and upload (LoadCost.Convert). Parameters within the
// framework's budget (Framework.BudgetFor, CNNdroid's allocated_ram, fact
// P4) stay resident: in the Java heap for a Java framework (allocated layer
// by layer during the parse), natively otherwise. A layer over the budget
// re-reads its parameters at every inference: its compute time grows by
// its parameter bytes at the storage rate plus Engine.ConvertTime, and a
// Java framework allocates them in the heap each time.
//
// Preprocessing decodes the photo into a bitmap of width × height × 4
// bytes in the Java heap (Android 5–7 keeps bitmap pixels there) for the
// processor's Preprocess time. Computing draws every layer's time
// (Engine.SampleLayer, into a reused buffer) and holds their sum as one
// period, cut only where an allocation needs the collector; a Java
// framework allocates each layer's output, which dies when the next layer
// has used it.
//
// # Garbage collection (ART concurrent mark-sweep, Android 5–6)
//
// The heap (gc.go, artHeap) tracks allocated, live, footprint and the
// concurrent-start threshold. An allocation of n bytes:
//
//	allocated + n ≤ concStart              allocate
//	concStart < allocated + n ≤ footprint  allocate, start a concurrent GC (unless one runs)
//	allocated + n > footprint              blocking GC first (aborting a concurrent one); then
//	                                       live + n ≤ growth limit: allocate (the footprint grows)
//	                                       else: oom (the request ends with outcome oom)
//
// After a collection: footprint = min(clamp(live / target_utilization,
// live + min_free, live + max_free), growth limit) and concStart =
// footprint − 128 KiB; the growth limit is min(heap limit, free RAM +
// committed heap − foreground minfree), so memory pressure shrinks the
// footprint and brings more collections.
//
//	collection  pauses (each preempts the mutator)                        background CPU
//	concurrent  initial mark + remark, each M-gc-sticky-pause (1 ms)      (M-gc-partial-total − pause) × live / M-gc-partial-heap on one core
//	blocking    one, M-gc-partial-pause (50 ms) × live / M-gc-partial-heap —
//
// Each pause and work time is multiplied by gc.pause_scale and a
// log-normal factor of mean 1 and log-sd gc.pause_sigma; every transient
// allocation (bitmaps, activations, re-read parameters) by gc.alloc_scale.
// A concurrent GC frees the garbage that existed when it started; a
// blocking one frees all of it. A pause preempts the running inference
// (sim.Preempted); the inference records the piece it had done, waits for
// the mutator (recorded as gc) and resumes with the work it had left,
// measured from Preempted.UsageSince.
//
// # Memory, life cycle and the low-memory killer
//
// free = RAM − system reserve − other apps − ours, with other apps =
// memory.background_pressure × RAM, constant or fluctuating
// (FluctuationSpec: an Ornstein–Uhlenbeck process or periodic redraws from
// the phone's stream), and ours = native + the heap's committed size.
//
//	state        event                          next          effect
//	foreground   switch (schedule or Background) background    requests wait, or are dropped (lifecycle.background_requests)
//	background   switch back                     foreground    waiting requests go on
//	background   free < minfree(lmk.background_state)  killed  model and heap lost; in-flight requests end "killed"
//	killed       switch back                     foreground    the app restarts empty; the next request loads again (Cold)
//
// The killer checks at every change of free memory. Minfree per state is
// fact M-lmk-minfree (foreground 72 MB … cached 144 MB, empty 180 MB); the
// foreground app is never killed (the killer takes other apps first, whose
// memory is an input here), its allocations fail instead.
//
// # Energy
//
// The energy meter (energy.go) integrates piecewise-constant power; its
// doc comment has the parameter table and a worked example
// (TestMeterWorkedExample). The Nexus 5 power table (phones/nexus5.yaml) comes from the phone's AOSP
// power_profile.xml at 3.8 V, except the GPU's active power, an
// assumption; G10 (CNNdroid draws less power than Caffe during compute)
// follows from Caffe keeping more cores busy than CNNdroid's driver thread
// plus the GPU. Battery drain is energy / (capacity × nominal voltage).
//
// # Sustained load (thermal_phone.go)
//
// With PhoneOptions.Thermal set, the phone carries a thermal model
// (package devices/thermal): the meter's powers heat an RC network,
// integrated exactly between their changes; a governor process per phone
// ticks at the kernel's period and sets the CPU and GPU frequency caps;
// busy power scales by the operating point's C·V²·f plus leakage at the
// junction's temperature, and layer times stretch by the clock for their
// compute-bound share. Without it nothing changes (the scenarios' default).
// Samples per second (ThermalOptions.OnSample) and, with a sink, counter
// spans (result.CounterLane) report the temperatures and frequencies.
//
// # The server
//
// Server: N workers, one FIFO queue (optional bound → dropped), dynamic
// batching (max_batch, max_wait; batch time from Engine.BatchTime),
// resident or cold-loaded models, per-batch noise from
// Engine.SampleLayer. See its doc comment.
//
// # Tracing
//
// With PhoneOptions.Sink (and the Server's sink) set, phases, layers
// (TraceLayers), GC pauses and work, radio states, transfers, server
// queue and workers, switches, kills and record closes are emitted as
// result.Span values on lanes such as phone[0]/cpu, phone[0]/gpu,
// phone[0]/gc, phone[0]/radio, link[0]/up, server/queue,
// server/worker[0]; phase spans carry their energy by component. Without
// a sink nothing is built.
//
// # Invariants
//
//   - Phases of a record never overlap except gc, which sits inside the
//     load, preprocess or compute it interrupted; a phase's duration sums
//     its pieces (result.Record.AddPhase).
//   - The meter's energy is the integral of the power every component
//     reported; a record's energy is a difference of two readings.
//   - Resources are released on every path: a timed-out or killed request
//     leaves no core busy, no GPU, no mutator, no server job.
//   - A request ends exactly once with one outcome: ok, oom, killed,
//     timeout, unsupported or dropped.
//
// # Determinism
//
// Every random draw comes from a named stream of the caller's
// sim.Streams: phone[i]/cpu and phone[i]/gpu (layer noise), phone[i]/gc
// (pauses), phone[i]/lifecycle, phone[i]/memory, and the server's
// name/noise. Nothing iterates over a map in a way that changes results,
// and the kernel runs one process at a time, so the same seed gives the
// same records at any GOMAXPROCS (TestDeterminism).
//
// # Performance
//
// A request costs a handful of kernel events and, once the pools are
// warm, only the kernel's allocations (its process and resource
// requests): one hold per compute phase whatever the number of layers,
// layer times drawn into a reused buffer from log-normal parameters
// computed once, records, request states and server jobs (with their
// events) pooled, labels and lanes cached, spans built only with a sink.
// What a processor says about a model (layers, prefix sums, budget
// re-reads) and a net's structure are built once and shared by every
// world (engine.go, Phone.net); auto computes what its estimates share
// once per decision. See BenchmarkRequests.
//
// # Processor profiles
//
// Package devices/engine owns them: engine.LoadProcessor and the shipped
// profiles (nexus5-caffe-cpu, nexus5-cnndroid-gpu, cloud-cpu,
// cloud-gpu-k80, ...) turn the host kernel profile into target layer
// times. This package uses only the Engine interface (engine.go), and
// treats a *engine.Processor specially only to share what it says about a
// model between worlds.
//
// # Chat with a language model (llmchat.go)
//
// EnableChat and Chat give a phone chat turns with a language model: on
// its CPU (devices/llmphone's prefill and decode times, its footprint
// against free memory, the busy cores' power), or on a shared
// devices/llmserve server with the prompt uploaded and every token
// streamed back over the link; ChatPolicy is the hybrid rule. A turn's
// record has TTFT and Tokens besides the usual phases and energy.
package devices
