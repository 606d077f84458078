// worker.js: runs the simulator (infersim-lab.wasm) off the page's main
// thread, so that a long run can be cancelled by ending the worker.
//
// Messages in:  {type: "init", module} (a compiled WebAssembly.Module),
//               {type: "run", query}.
// Messages out: {type: "ready", scenarios}, {type: "progress", done, total},
//               {type: "result", page} (lab.Page as JSON), {type: "error", error}.
"use strict";
importScripts("memfs.js", "wasm_exec.js");

self.onmessage = async (e) => {
	const m = e.data;
	if (m.type === "init") {
		const go = new Go();
		const inst = await WebAssembly.instantiate(m.module, go.importObject);
		go.run(inst); // main installs infersimLab and posts "ready"
	} else if (m.type === "run") {
		self.infersimLab.run(m.query);
	}
};
