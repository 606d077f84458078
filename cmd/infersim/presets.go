package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/infersim/infersim/devices"
	"github.com/infersim/infersim/devices/engine"
	"github.com/infersim/infersim/network"
	"github.com/spf13/cobra"
)

func newPresetsCmd() *cobra.Command {
	var sources bool
	cmd := &cobra.Command{
		Use:   "presets",
		Short: "List the names a scenario may use: phones, processor profiles, links, radios, transfer models, traces",
		Long: `List what a scenario file may name, read from the registries of the packages
that own them: the phone presets (phone.device), the processor profiles
(phone.cpu, phone.gpu, cloud.cpu, cloud.gpu; "infersim profiles" shows their
fits), the link presets (network.preset), the radios (network.radio) and the
transfer models (network.model) and the built-in bandwidth traces
(network.uplink.trace, network.downlink.trace), each with its one-line
description. With
--sources, the sources of the links', radios' and models' numbers follow each.`,
		Example: `  infersim presets
  infersim presets --sources`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return writePresets(cmd.OutOrStdout(), sources)
		},
	}
	cmd.Flags().BoolVar(&sources, "sources", false, "print the sources of each link, radio and transfer model")
	return cmd
}

// presetRow is one line of a section: a name, its description and, with
// --sources, where its numbers come from.
type presetRow struct {
	name, desc string
	sources    []string
}

// presetSection is one registry: a title naming the scenario field and
// its rows.
type presetSection struct {
	title string
	rows  []presetRow
}

// presetSections reads every registry a scenario names things from.
func presetSections() ([]presetSection, error) {
	phones, err := devices.PhoneInfos()
	if err != nil {
		return nil, err
	}
	var ph, pr, li, ra, mo []presetRow
	for _, p := range phones {
		ph = append(ph, presetRow{name: p.Name, desc: p.Description})
	}
	for _, p := range engine.Processors() {
		pr = append(pr, presetRow{name: p.Name, desc: string(p.Target) + ": " + p.Description})
	}
	for _, p := range network.Presets() {
		li = append(li, presetRow{name: p.Name, desc: p.Description, sources: p.Sources})
	}
	for _, r := range network.RadioInfos() {
		ra = append(ra, presetRow{name: r.Name, desc: r.Description, sources: r.Sources()})
	}
	for _, m := range network.Models() {
		mo = append(mo, presetRow{name: m.Name, desc: m.Description, sources: m.Sources})
	}
	var tr []presetRow
	for _, t := range network.BuiltinTraceInfos() {
		tr = append(tr, presetRow{name: t.Name, desc: t.Format + ": " + t.Description})
	}
	return []presetSection{
		{"phones (phone.device)", ph},
		{"processor profiles (phone.cpu, phone.gpu, cloud.cpu, cloud.gpu)", pr},
		{"links (network.preset)", li},
		{"radios (network.radio)", ra},
		{"transfer models (network.model)", mo},
		{"built-in traces (network.uplink.trace, network.downlink.trace; with or without the extension)", tr},
	}, nil
}

func writePresets(w io.Writer, withSources bool) error {
	sections, err := presetSections()
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for i, s := range sections {
		if i > 0 {
			fmt.Fprintln(tw)
		}
		fmt.Fprintln(tw, s.title)
		for _, r := range s.rows {
			fmt.Fprintf(tw, "  %s\t%s\n", r.name, r.desc)
			if withSources {
				for _, src := range r.sources {
					fmt.Fprintf(tw, "  \t  source: %s\n", strings.TrimSpace(src))
				}
			}
		}
	}
	return tw.Flush()
}
