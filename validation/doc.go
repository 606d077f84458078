// Package validation compares the simulation with every reference fact it
// can check (package reference, facts.yaml) and says which comparisons
// calibrated the model and which test it. It is the engine of `infersim
// validate`; nothing else imports it.
//
// # Overview
//
// Validate runs what the facts need and builds one Row per comparison:
//
//   - the guo2018 scenario (the study's experiment, package scenarios),
//     read back request by request: G5-time and G5-energy (the largest
//     on-device over cloud ratio: a first-launch on-device request against
//     a cloud request for the same model and photo size, over models,
//     sizes, frameworks and cloud servers), G6 (the share of a cold
//     on-device request spent loading and computing, in the cell where it
//     is smallest), G7-load, G7-order, G8 per model and
//     G8-cloud-cpu-alexnet, G10-power (mean phone power of a warm request
//     at 960x540), G10-energy (a first launch), P1 and P6-openblas (warm
//     compute phases), P5 (CNNdroid × SqueezeNet ends unsupported);
//   - a small cloud run on MDInference's servers (cloud-cpu, cloud-gpu-k80)
//     for facts C-*: the mean of the server phase and its spread;
//   - the network presets' reference request (upload 25 kB, reply 1 kB)
//     for facts N-*: mean and sd; the same requests against MODI's
//     per-network transfer times (MODI-transfer-campus, -home, -lte: held
//     out, a study that fed no fit);
//   - an isolated request on the LTE and WiFi radios from idle: the LTE
//     promotion, the tail's length and mean power (R-lte-tail,
//     R-lte-tail-power) and WiFi's tail;
//   - the model zoo's weight-file sizes (Z-*);
//   - each share tie of a shipped profile (P9-tflite-dw-share-cpu): the
//     class's share of the model's compute time, an input;
//   - every other row of the shipped processors' fit reports (P2, P3,
//     P6-eigen, P7, P8, G8 against MDInference's server): the profile's
//     own prediction, without simulation noise.
//
// A row carries the reference with its source, the simulated value with
// the half-width of its 95 % confidence interval across replications
// (NaN for values computed without noise), the relative error, and a Role:
// Fit (a profile or preset was fitted to the fact, or to a DERIVED fact
// computed from it, according to the fit reports), Input (the model takes
// the fact as a parameter: the row checks the implementation), HeldOut
// (nothing was fitted to it) or ReportOnly (another phone, framework or
// format). Facts no row compares are listed with the reason
// (Report.NotCompared). Report.FitWarnings lists the shipped profiles'
// degenerate fits (engine.FitReport.Warnings): as many free parameters as
// fitted rows, or a parameter driven to its bound.
//
// With Options.Sensitivity, Report.Sensitivity is a one-at-a-time
// sensitivity analysis (see Sensitivity): each fitted parameter at ± its
// uncertainty, and how G5-time, G5-energy and each built-in what-if's
// first conclusion move. It costs about 140 small simulations (guo2018 at
// QuickReplications, the what-ifs at their quick sizes, each re-run only
// for the profiles it uses) on Options.Workers workers.
//
// # Usage
//
//	rep, err := validation.Validate(ctx, validation.Options{Quick: true, Out: "results/validation"})
//	if err != nil {
//		return err
//	}
//	rep.WriteTable(os.Stdout)      // or rep.WriteMarkdown
//	rep.WriteFiles("results/validation") // validation.csv, layers.csv
//	return rep.Err()               // *FailedError (exit code 1) when a fitted row is off
//
// `infersim validate` adds the calibration charts (plots.Validation,
// plots.LayerTimes, and with --sensitivity plots.Tornado) and an
// index.html; `infersim validate --sensitivity --markdown >
// docs/validation.md` regenerates the report README points to.
//
// # Invariants
//
//   - Only Fit and Input rows can fail the validation (Report.Err); a
//     held-out or report row is reported, never gating.
//   - Judge is the one rule: an order row passes when its ratio is below 1;
//     a row with a tolerance when |error| ≤ tolerance or the tolerance band
//     overlaps the 95 % CI of the simulated mean (the replications must
//     show the row off); a row with a published range when the CI overlaps
//     the range; a row with neither is not checked.
//   - Same build, kernel profile and options, same rows, byte for byte:
//     every run has a fixed seed and the outputs of package scenarios do
//     not depend on the number of workers. The Markdown holds no date or
//     path, so a test can tell when docs/validation.md is stale.
//   - Nothing is tuned here: the processor profiles and presets are fitted
//     when they are compiled (package devices, network); Validate only
//     reads their fit reports to label the rows.
package validation
