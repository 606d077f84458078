package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/infersim/infersim/scenarios"
	"github.com/spf13/cobra"
)

func newScenariosCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "scenarios",
		Short: "List the built-in scenarios",
		Long: `List the built-in scenarios: their name, size (sweep points × cells ×
replications) and what they show. Run one with "infersim run NAME"; print one
as YAML to start your own with "infersim scenarios show NAME".`,
		Example: `  infersim scenarios
  infersim scenarios show guo2018 > mine.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			list, err := scenarios.Builtins()
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintln(w, "name\tpoints × cells × replications\tdescription")
			for _, b := range list {
				def := ""
				if b.Name == scenarios.DefaultScenario {
					def = " (default)"
				}
				fmt.Fprintf(w, "%s%s\t%d × %d × %d\t%s\n", b.Name, def, b.Points, b.Cells, b.Replications, b.Description)
			}
			return w.Flush()
		},
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "show NAME",
		Short: "Print a built-in scenario as YAML, to start from",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			b, err := scenarios.BuiltinYAML(args[0])
			if err != nil {
				return err
			}
			_, err = cmd.OutOrStdout().Write(b)
			return err
		},
	})
	return cmd
}
