// Package thermal models a phone's heat: a lumped RC thermal network,
// the DVFS operating points of its processors with their power, and a
// governor that picks operating points by load and by thermal limits.
// It is the foundation of issue 20; see the package documentation's
// sections below for the equations, parameters and what is integrated.
package thermal
