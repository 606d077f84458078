package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/infersim/infersim/scenarios"
	"github.com/spf13/cobra"
)

// runShard runs `infersim run --shard`: one shard's worlds into its
// folder, no outputs of its own.
func runShard(cmd *cobra.Command, s *scenarios.Scenario, spec string, o scenarios.Options, quiet bool) error {
	sh, err := scenarios.ParseShard(spec, os.Getenv)
	if err != nil {
		return err
	}
	if o.Out == "" {
		o.Out = filepath.Join("results", s.Name+"-shards")
	}
	// Every shard in its own folder inside --out: one --out for all (a
	// shared volume), the folder merge is given.
	o.Out = filepath.Join(o.Out, fmt.Sprintf("%d-of-%d", sh.I, sh.N))
	stderr := cmd.ErrOrStderr()
	bar := newProgress(stderr, quiet)
	o.Progress = bar.update
	res, err := scenarios.RunShard(cmd.Context(), s, sh, o)
	bar.finish()
	if err != nil {
		return err
	}
	if !quiet {
		m := res.Manifest
		worlds := "no worlds (more shards than worlds)"
		if m.End > m.First {
			worlds = fmt.Sprintf("worlds %d–%d of %d", m.First, m.End-1, m.Worlds)
		}
		fmt.Fprintf(stderr, "shard %d/%d of %s: %s, %d requests, in %s (when every shard is done: infersim merge %s --out OUT)\n",
			m.Shard, m.Shards, m.Scenario, worlds, m.Records, res.Dir, filepath.Dir(res.Dir))
	}
	return nil
}

func newMergeCmd() *cobra.Command {
	var (
		o                     scenarios.Options
		quiet, noPlots, force bool
	)
	cmd := &cobra.Command{
		Use:   "merge SHARD_DIR... [--out OUT]",
		Short: "Merge the shards of a run (`infersim run --shard I/N`) into its results",
		Long: `Merge the shard folders written by "infersim run --shard I/N" into the
results a single run of the scenario writes: requests.csv, summary.csv,
summary.json, plots/, index.html and manifest.json, byte for byte the same
(the run id in manifest.json excepted). Each argument is a shard folder
(it holds shard.json and worlds.bin) or a folder of shard folders.

The shards are checked first: they must be of one scenario (the same
scenario hash, seed and kernel profile), written by this infersim, and
together hold every world once. A missing shard, a shard given twice and a
shard of another scenario are errors that name them; nothing is written.
Then the shards are read one after the other, front to back, and their
worlds merged in order as a run merges them: memory does not grow with the
number of shards or points. --out is written whole or not at all, as by
"infersim run".`,
		Example: `  infersim merge shards/* --out results/big
  infersim merge /data/shards --out /data/result   # a folder of shard folders`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			stderr := cmd.ErrOrStderr()
			shards, err := scenarios.OpenShards(args)
			if err != nil {
				return err
			}
			s := shards.Scenario()
			set, err := openResultSet(o.Out, s.Name, force, stderr, quiet)
			if err != nil {
				return err
			}
			defer set.Close()
			o.Out = set.Staging
			bar := newProgress(stderr, quiet)
			o.Progress = bar.update
			res, err := shards.Merge(cmd.Context(), o)
			bar.finish()
			return commitRun(cmd, set, s, res, err, quiet, noPlots)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Out, "out", "", "output directory (default results/NAME)")
	f.IntVarP(&o.Workers, "jobs", "j", 0, "worlds read back at once (default: the number of CPUs)")
	f.BoolVarP(&quiet, "quiet", "q", false, "print nothing but errors")
	f.BoolVar(&noPlots, "no-plots", false, "do not draw charts or index.html")
	f.BoolVar(&force, "force", false, "write into a non-empty --out that has no manifest.json (files infersim did not write are kept)")
	return cmd
}
