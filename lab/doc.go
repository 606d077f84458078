// Package lab is infersim lab: the built-in what-ifs as an interactive page
// that runs the simulator in the browser (WebAssembly), without a server.
//
// The page's state is a State: a built-in scenario, its size (quick or
// full) and the values of the controls the user moved. A control
// (Controls) overrides one or a few fields of the scenario (Control.Fields);
// only the controls that apply to the scenario are offered (a swept field
// is the sweep's, a network control needs a mode that uses the network).
// State.YAML patches the built-in scenario's text with the controls'
// values, so the file the page offers for download is what `infersim run`
// loads, and Run runs it through scenarios.Run and plots.Draw, the code
// path of `infersim run`: for a scenario and seed, the page shows what the
// command line prints (in cmd/infersim, TestLabMatchesCLI checks it
// natively, TestLabWasmMatchesNative checks the WebAssembly program run in
// Node.js gives the same page, and TestLabInBrowser drives the page in
// headless Chromium).
//
// A State is a URL query (State.Query, ParseQuery), so a teacher can share
// "this exact what-if". Each built-in what-if has a Lesson whose text is a
// template filled from the run: no number in a lesson is written by hand.
//
// The files of the static site (index.html, lab.css, lab.js, worker.js,
// memfs.js) are embedded (Site); cmd/infersim-lab is the WebAssembly
// program, and `infersim lab` builds it and writes or serves the site
// (build.go, not part of the WebAssembly program).
package lab
