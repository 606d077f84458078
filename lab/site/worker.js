// worker.js: runs the simulator (infersim-lab.wasm) off the page's main
// thread, so that a long run can be cancelled by ending the worker.
//
// Messages in:  {type: "init", module} (a compiled WebAssembly.Module),
//               {type: "run", query}.
// Messages out: {type: "ready", scenarios}, {type: "progress", done, total},
//               {type: "result", page} (lab.Page as JSON), {type: "error", error},
//               {type: "exit"} if the Go program stopped (a bug: see the console).
"use strict";
importScripts("memfs.js", "wasm_exec.js");

self.onmessage = async (e) => {
	const m = e.data;
	if (m.type === "init") {
		const go = new Go();
		const inst = await WebAssembly.instantiate(m.module, go.importObject);
		// main installs infersimLab and posts "ready"; it never returns
		// unless the program fails.
		go.run(inst).then(() => self.postMessage({ type: "exit" }));
	} else if (m.type === "run") {
		self.infersimLab.run(m.query);
	}
};
