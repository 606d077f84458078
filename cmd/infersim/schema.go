package main

import (
	"io"

	"github.com/infersim/infersim/scenarios"
	"github.com/spf13/cobra"
)

func newSchemaCmd() *cobra.Command {
	var fields bool
	cmd := &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of scenario files",
		Long: `Print the JSON Schema (draft 2020-12) of scenario files, generated from the
same field registry the loader checks: every field's type, description,
default, allowed values and bounds. Editors with a YAML language server use it
to complete and check scenarios: save it and put
  # yaml-language-server: $schema=infersim.schema.json
at the top of a scenario file. With --fields, print the field reference as a
Markdown table instead.`,
		Example: `  infersim schema > infersim.schema.json
  infersim schema --fields`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if fields {
				_, err := io.WriteString(cmd.OutOrStdout(), scenarios.FieldReference())
				return err
			}
			_, err := cmd.OutOrStdout().Write(scenarios.JSONSchema())
			return err
		},
	}
	cmd.Flags().BoolVar(&fields, "fields", false, "print the field reference as Markdown")
	return cmd
}
