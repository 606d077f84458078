// Package result defines what a simulation produces and how it is stored:
// one Record per request, one Summary per group of requests, trace Spans, and
// the validation table. Package scenarios writes these; package plots and
// `infersim plot` read them back, so a chart never needs to re-run a
// simulation.
//
// # Overview
//
// A request passes through phases (load, preprocess, compute, gc, wake,
// upload, queue, server, download; see Phase) and spends phone energy in four
// components (cpu, gpu, radio, base; see Component). A Record keeps, per
// phase, the first start, the last end and the summed duration (GC pauses
// come in several pieces), and per component the joules.
//
// A Summary aggregates the records of one group — one sweep point, model,
// mode, image size and start (cold or warm) — into statistics: mean, median,
// tail percentiles and a 95 % confidence interval across replications.
//
// Crossings finds where two sampled curves cross (a − b changing sign
// along a sweep): the one rule behind both the crossover markers of
// plots' sweep charts and the crossover sentences of a scenario's
// conclusions.
//
// Tally (moments, exact or streaming quantiles), TimeWeighted and
// ConfidenceInterval are the statistics aggregation uses; they live here,
// beside the summaries they fill, rather than in the kernel.
//
// # Files
//
//	requests.csv   one row per request (RecordWriter, ReadRecords)
//	summary.csv    one row per group (WriteSummaryCSV)
//	summary.json   the Run: scenario, parameters, seeds, version, summaries (WriteRunJSON, ReadRunJSON)
//	manifest.json  the result set: every file with size and SHA-256, run id, scenario hash,
//	               version, complete (Manifest, SealDir, ReadManifestDir, Manifest.Verify)
//
// A results folder is a result set: readers use only the files its
// manifest names and refuse a folder whose files disagree with it
// (MismatchError); package scenarios' ResultSet writes it whole or not
// at all.
//
// Column names are stable: plots and users' own scripts read them. Times are
// seconds and energies joules in every file.
//
// # Invariants
//
// Phase and Component values are dense from 0, so arrays indexed by them are
// the storage; their names never change once released (they are column
// names).
package result
