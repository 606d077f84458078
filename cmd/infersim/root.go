package main

import (
	"io"

	"github.com/spf13/cobra"
)

const rootLong = `infersim is a discrete-event simulator of mobile deep inference. It answers
one question and every "what if" around it: should a phone run a convolutional
network itself, or send the image to a cloud server?

It simulates a phone (CPU, GPU, memory, garbage collection, app life cycle,
battery), a radio link (WiFi, LTE) and a cloud server (workers, queue,
batching), with compute times calibrated from real CNN kernels timed on this
machine. Scenarios are YAML files; results are tables, CSV/JSON files and plots.`

// newRootCmd builds the command tree. Commands write to stdout and stderr
// rather than the process streams so that tests can capture them.
func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:           "infersim",
		Short:         "Simulate mobile deep inference: on the phone, or in the cloud?",
		Long:          rootLong,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(
		newVersionCmd(),
		newModelsCmd(),
		newClassifyCmd(),
		newCalibrateCmd(),
		newPlotCmd(),
		newPresetsCmd(),
		newProfilesCmd(),
		newRunCmd(),
		newMergeCmd(),
		newScenariosCmd(),
		newSchemaCmd(),
		newValidateCmd(),
		newLabCmd(),
	)
	return root
}

// exitCoder wraps the ExitCode method: an error that asks for a particular
// process exit status (for example "validation failed" exits with 2).
type exitCoder interface {
	error
	ExitCode() int
}
