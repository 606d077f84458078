// Package engine turns processor profiles into layer times: it reads a
// processor profile (ProcessorProfile, YAML; the shipped ones in
// processors/*.yaml, listed by ProcessorNames), fits its free parameters
// against a host kernel profile (models.Profile) and returns the compiled
// Processor, which answers what a phone or a server asks of its compute
// engine: per-layer mean times and spreads (Layers, SampleLayer), the cost
// of loading a model (Load), preprocessing (Preprocess), batches
// (BatchTime) and GPU conversion (ConvertTime), and the framework's
// behaviour beyond time (Framework: cores kept busy, Java heap, parameter
// budget, unsupported layer kinds).
//
// Package devices sees a Processor through its Engine interface and knows
// nothing of profiles or fits; this package knows nothing of phones,
// servers or the simulation kernel. Layers are priced by their cost class
// (models.CostClass, which each layer kind of package models reports), so
// a new layer kind needs no change here unless it needs a class of its
// own.
//
// Files: processor_profile.go (the YAML schema, reading and validating
// it), processor_compile.go (the fit: classes, fixed, tied and free
// parameters, least squares or Nelder–Mead, the reference rows),
// fit.go (the fit report), processor.go (the compiled Processor and the
// types the Engine interface carries), processor_shipped.go (the shipped
// profiles, compiled once per kernel profile).
//
// Error messages start with "devices:", as they did before this package
// was split out of devices: they name the user-facing subsystem, and
// goldens and scenario outputs quote them.
package engine
