// Package plots draws charts from simulation results with gonum/plot, as
// PNG and SVG.
//
// # Overview
//
// plots reads only the result types of package result; it never runs a
// simulation.
package plots
