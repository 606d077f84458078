package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/infersim/infersim/plots"
	"github.com/infersim/infersim/scenarios"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// invalidScenario is a scenario that failed validation: exit status 2.
type invalidScenario struct{ err error }

func (e invalidScenario) Error() string { return e.err.Error() }
func (e invalidScenario) Unwrap() error { return e.err }
func (e invalidScenario) ExitCode() int { return 2 }

// interrupted is a run stopped by Ctrl-C, SIGTERM or SIGHUP: exit status
// 128 + the signal's number (130 for SIGINT), as a shell reports it.
type interrupted struct {
	err  error
	code int
}

func (e interrupted) Error() string { return e.err.Error() }
func (e interrupted) Unwrap() error { return e.err }
func (e interrupted) ExitCode() int {
	if e.code == 0 {
		return 130
	}
	return e.code
}

// loadScenario resolves a file or built-in name and applies the quick-run
// overrides (the scenario's quick section with quick, then the flags);
// validation errors exit with status 2.
func loadScenario(arg string, quick bool, replications, requests int) (*scenarios.Scenario, error) {
	s, err := scenarios.Resolve(arg)
	if err != nil {
		return nil, invalidScenario{err}
	}
	if quick {
		if err := s.ApplyQuick(); err != nil {
			return nil, invalidScenario{err}
		}
	}
	if replications > 0 || requests > 0 {
		if err := s.Override(replications, requests); err != nil {
			return nil, invalidScenario{err}
		}
	}
	return s, nil
}

func newRunCmd() *cobra.Command {
	var (
		o                        scenarios.Options
		quiet, dryRun, noPlots   bool
		quick, force, yes        bool
		cpuProfile, memProfile   string
		kernelProfile            string
		replications, requests   int
		tracePoint, traceRep, tc int
		shard, resume            string
	)
	cmd := &cobra.Command{
		Use:   "run [SCENARIO.yaml | BUILTIN]",
		Short: "Run a scenario: simulate, then write tables, CSV/JSON results and plots",
		Long: `Run a scenario file, or a built-in scenario by name (see "infersim
scenarios"). Without an argument it runs the built-in default, guo2018: the
study's experiment (three CNNs × four modes × three photo sizes on a Nexus 5
over campus WiFi, cold and warm).

The scenario is validated first: every problem is reported at once, as
file:line: field: message, and nothing is written. Then every sweep point ×
replication × cell (model × mode × image group) is simulated on -j workers;
the outputs are the same whatever -j. Results go to --out (default
results/NAME/): requests.csv (one row per request), summary.csv and
summary.json (per point, model, mode, image and cold/warm start: latency
mean, p50/p95/p99 and 95% CI across replications, phases, energy, battery),
plots/, index.html and manifest.json. A summary table is printed.

The result set is written whole or not at all: the run writes into a staging
folder beside --out (.NAME.staging-RUNID) and swaps it in at the end, with
manifest.json naming every file (size, SHA-256), the run id, the scenario's
hash, the infersim version and "complete". A run that fails leaves --out as
it was. While it runs, --out is locked (.NAME.lock beside it): a second run
into the same folder is refused at once. A folder that is not empty and has
no manifest.json (not written by infersim) is refused unless --force; files
infersim did not write are never removed or overwritten (one whose name a
result file takes is moved to NAME.kept-RUNID beside --out). Folders an
earlier run left when it was killed are removed by the next run.

Ctrl-C, SIGTERM and SIGHUP stop cleanly: the points finished are kept and
summary.json and manifest.json say "complete": false; but when --out holds
a complete result, that result is kept and the interrupted run discarded.
A second signal ends the process at once (--out is still never half-written).

--resume DIR finishes a run interrupted in DIR (stopped by a signal, or
killed): every world is journaled as it is merged, and the worlds already
done are kept after their scenario hash, seed and infersim version are
checked, the rest simulated; the outputs are those of a run never stopped.
Give the same scenario and flags (--quick, --replications, --requests).

--shard I/N runs only shard I of N (a contiguous block of the worlds) and
writes its worlds and shard.json into --out/I-of-N (--out defaults to
results/NAME-shards), for "infersim merge --out RESULT SHARDS"; --shard
auto/N takes I from JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or
SLURM_ARRAY_TASK_ID (Slurm job array).`,
		Example: `  infersim run                                  # the study's experiment
  infersim run --replications 2 --requests 3    # a quick look
  infersim run bandwidth-sweep --quick          # a what-if at its reduced size
  infersim run my-scenario.yaml --out results/mine -j 2
  infersim run --dry-run bandwidth.yaml         # validate and print the plan
  infersim run --trace trace.json               # open in ui.perfetto.dev
  infersim run big.yaml --resume results/big    # finish an interrupted run
  infersim run big.yaml --shard 3/16 --out shards/3   # then: infersim merge shards`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) (rerr error) {
			arg := ""
			if len(args) == 1 {
				arg = args[0]
			}
			stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
			s, err := loadScenario(arg, quick, replications, requests)
			if err != nil {
				return err
			}
			if quick && !s.HasQuick() && !quiet {
				fmt.Fprintf(stderr, "infersim: %s has no quick: section; --quick runs it at full size (add a quick: section, or use --replications and --requests)\n", s.Name)
			}
			if dryRun {
				return scenarios.WritePlan(stdout, s)
			}
			est, err := s.Estimate(o.Workers)
			if err != nil {
				return err
			}
			if over := est.Over(); over != "" && !yes {
				return fmt.Errorf("%s is estimated above the ceiling (%s): run it with --yes, or see --dry-run", s.Name, over)
			}
			stopProfiles, err := startProfiles(cpuProfile, memProfile)
			if err != nil {
				return err
			}
			defer func() {
				if err := stopProfiles(); err != nil && rerr == nil {
					rerr = err
				}
			}()
			kp, err := readKernelProfile(kernelProfile)
			if err != nil {
				return err
			}
			o.KernelProfile, o.KernelProfileName = kp, kernelProfile
			o.TraceTask = scenarios.TaskID{Point: tracePoint, Replication: traceRep, Cell: tc}
			if shard != "" {
				if resume != "" || o.Trace != "" {
					return errors.New("--shard runs worlds for `infersim merge`: it takes neither --resume nor --trace (merge writes the trace)")
				}
				return runShard(cmd, s, shard, o, quiet)
			}
			if resume != "" {
				if o.Out != "" && filepath.Clean(o.Out) != filepath.Clean(resume) {
					return fmt.Errorf("--resume %s and --out %s name two folders: --resume is the folder to finish", resume, o.Out)
				}
				o.Out = resume
			}
			set, err := openResultSetWith(o.Out, s.Name, scenarios.SetOptions{Force: force, Resume: resume != ""}, stderr, quiet)
			if err != nil {
				return err
			}
			defer set.Close()
			o.Out = set.Staging
			if o.Trace != "" {
				o.Trace = set.Staged(o.Trace)
			}
			// Every world is journaled as it is merged, so that an
			// interrupted run can be resumed; a complete result does not
			// keep it (commitRun).
			o.Worlds, o.Resume = filepath.Join(set.Staging, scenarios.WorldsFile), resume != ""
			bar := newProgress(stderr, quiet)
			o.Progress = bar.update
			o.Requests = bar.start(est.Requests)
			res, err := scenarios.Run(cmd.Context(), s, o)
			bar.finish()
			return commitRun(cmd, set, s, res, err, quiet, noPlots)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Out, "out", "", "output directory (default results/NAME)")
	f.IntVarP(&o.Workers, "jobs", "j", 0, "worlds simulated at once (default: the number of CPUs)")
	f.BoolVarP(&quiet, "quiet", "q", false, "print nothing but errors: no table, progress bar or messages (the results are in --out)")
	f.BoolVar(&dryRun, "dry-run", false, "validate and print the plan (points × cells × replications) and its estimated cost (worlds, events, time, memory, disk), run nothing")
	f.BoolVar(&yes, "yes", false, "run even when the estimated cost is above the ceiling (1 CPU-hour, 4 GiB of memory, 20 GiB of requests.csv)")
	f.StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the run to this file (go tool pprof)")
	f.StringVar(&memProfile, "memprofile", "", "write a memory (allocations and live heap) profile at the end of the run to this file (go tool pprof)")
	f.StringVar(&o.Trace, "trace", "", "write one world's spans to this file (Chrome/Perfetto trace-event JSON)")
	f.IntVar(&tracePoint, "trace-point", 0, "sweep point of the traced world")
	f.IntVar(&traceRep, "trace-replication", 0, "replication of the traced world")
	f.IntVar(&tc, "trace-cell", 0, "cell (model × mode × image, in that order) of the traced world")
	f.BoolVar(&noPlots, "no-plots", false, "do not draw charts or index.html")
	f.BoolVar(&force, "force", false, "write into a non-empty --out that has no manifest.json (files infersim did not write are kept)")
	f.StringVar(&kernelProfile, "kernel-profile", "", "kernel profile from \"infersim calibrate\" instead of the embedded default")
	f.BoolVar(&quick, "quick", false, "run the scenario's quick version (its quick: section: fewer replications, requests and sweep values)")
	f.IntVar(&replications, "replications", 0, "override the scenario's replications (quick runs)")
	f.IntVar(&requests, "requests", 0, "override the requests per phone per cell (quick runs)")
	f.StringVar(&shard, "shard", "", "run only shard I/N of the worlds into --out/I-of-N (--out default results/NAME-shards), for `infersim merge`; auto/N reads I from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID")
	f.StringVar(&resume, "resume", "", "finish the interrupted run in this folder (same scenario and flags): its finished worlds are kept, the rest run")
	return cmd
}

// commitRun finishes a run or merge into set: the table, the charts and
// the commit, and what to say.
func commitRun(cmd *cobra.Command, set *scenarios.ResultSet, s *scenarios.Scenario, res *scenarios.Result, err error, quiet, noPlots bool) error {
	stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
	if res == nil {
		return fmt.Errorf("%w (%s is left as it was)", err, set.Out)
	}
	runErr := err
	if !quiet {
		if err := scenarios.WriteTable(stdout, res.Run); err != nil {
			return err
		}
	}
	prev := set.Previous()
	keepPrev := !res.Run.Complete && prev != nil && prev.Complete
	if s.Outputs.Plots && !noPlots && !keepPrev {
		if err := drawPlots(res); err != nil {
			// The data stands; charts half drawn do not.
			os.RemoveAll(filepath.Join(set.Staging, plots.PlotsDir))
			os.Remove(filepath.Join(set.Staging, plots.ReportFile))
			fmt.Fprintln(stderr, "infersim:", withPrefix("plots: ", err), "(the results are kept without charts)")
			if runErr == nil {
				runErr = err
			}
		}
	}
	if res.Run.Complete {
		// Safe now: a complete result has no journal.
		os.Remove(filepath.Join(set.Staging, scenarios.WorldsFile))
	}
	if err := set.Commit(res.Run); err != nil {
		if !errors.Is(err, scenarios.ErrKeptPrevious) {
			return fmt.Errorf("%w (%s is left as it was)", err, set.Out)
		}
		fmt.Fprintln(stderr, "infersim:", err)
	} else if !quiet {
		for _, n := range set.Notes {
			fmt.Fprintln(stderr, "infersim:", n)
		}
		fmt.Fprintf(stderr, "results in %s (%d requests, %d worlds)\n", set.Out, res.Records, res.Tasks)
		if res.Trace != "" {
			fmt.Fprintf(stderr, "trace in %s: open it in https://ui.perfetto.dev\n", set.Final(res.Trace))
		}
	}
	if errors.Is(runErr, scenarios.ErrInterrupted) {
		return interrupted{runErr, signalExitCode(cmd.Context())}
	}
	return runErr
}

// drawPlots writes the charts that fit the run and index.html.
func drawPlots(res *scenarios.Result) error {
	var recs plots.Records
	if res.Requests != "" {
		recs = plots.RecordsFile(res.Requests)
	}
	charts, err := plots.Draw(res.Dir, res.Run, recs, plots.Options{Spans: res.Spans})
	if err != nil {
		return err
	}
	return plots.WriteReport(res.Dir, res.Run, charts)
}

// openResultSet opens the result set of a run into out (default
// results/NAME) and prints what opening cleaned up.
func openResultSet(out, name string, force bool, stderr io.Writer, quiet bool) (*scenarios.ResultSet, error) {
	return openResultSetWith(out, name, scenarios.SetOptions{Force: force}, stderr, quiet)
}

// openResultSetWith is openResultSet with every option (--resume).
func openResultSetWith(out, name string, opts scenarios.SetOptions, stderr io.Writer, quiet bool) (*scenarios.ResultSet, error) {
	if out == "" {
		out = filepath.Join("results", name)
	}
	set, err := scenarios.OpenResultSet(out, opts)
	if err != nil {
		return nil, err
	}
	if !quiet {
		for _, n := range set.Notes {
			fmt.Fprintln(stderr, "infersim:", n)
		}
	}
	set.Notes = nil
	return set, nil
}

// progress is a progress bar on a terminal, nothing otherwise: the
// requests simulated against the estimated total, with the rate and the
// time left, and the worlds merged.
type progress struct {
	w        io.Writer
	on       bool
	bar      *progressbar.ProgressBar
	requests atomic.Int64
	stop     chan struct{}
	stopped  chan struct{}
}

func newProgress(stderr io.Writer, quiet bool) *progress {
	p := &progress{w: stderr}
	if f, ok := stderr.(*os.File); ok && !quiet && term.IsTerminal(int(f.Fd())) {
		p.on = true
	}
	return p
}

// start shows the bar, of about total requests, and returns the counter
// the run adds to (nil when there is no bar).
func (p *progress) start(total float64) *atomic.Int64 {
	if !p.on {
		return nil
	}
	max := int64(math.Max(1, math.Round(total)))
	p.bar = progressbar.NewOptions64(max, progressbar.OptionSetWriter(p.w), progressbar.OptionSetDescription("simulating"),
		progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetItsString("requests"),
		progressbar.OptionClearOnFinish(), progressbar.OptionSetWidth(30), progressbar.OptionThrottle(100e6))
	p.stop, p.stopped = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(p.stopped)
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-tick.C:
				n := p.requests.Load()
				if n > max { // a timed world's requests were estimated
					max = n
					p.bar.ChangeMax64(max)
				}
				p.bar.Set64(n)
			}
		}
	}()
	return &p.requests
}

// update shows the worlds merged.
func (p *progress) update(done, total int) {
	if p.bar != nil {
		p.bar.Describe(fmt.Sprintf("simulating (%d/%d worlds)", done, total))
	}
}

func (p *progress) finish() {
	if p.bar != nil {
		close(p.stop)
		<-p.stopped
		p.bar.Finish()
	}
}

// withPrefix is err's message starting with prefix, once.
func withPrefix(prefix string, err error) string {
	msg := err.Error()
	if strings.HasPrefix(msg, prefix) {
		return msg
	}
	return prefix + msg
}
