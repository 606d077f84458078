// Package suggest finds the name a user probably meant: the one helper
// behind every "did you mean" in infersim (scenario fields and values,
// models, phones, processor profiles, network presets, traces, scenarios,
// metrics and charts). It imports nothing, so any package may use it.
package suggest
