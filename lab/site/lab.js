// lab.js: the page. It draws what the simulator returns (lab.Page) and
// sends it the state as a URL query; all the work (patching the scenario,
// running it, the conclusions, the charts, the lessons) is the Go code's,
// in worker.js. A short run that is overtaken by a newer change finishes
// first and the newest change runs next; a long one (full size, or past a
// second) is cancelled by ending its worker, and so is any run whose
// Cancel button is pressed.
"use strict";

const $ = (id) => document.getElementById(id);
const loadStart = performance.now();
let module = null;  // the compiled WebAssembly.Module, shared by every worker
let worker = null;
let workerReady = null;
let running = null; // {query, started}
let pending = null; // the query to run when the running one ends
let controls = [];  // the controls of the page shown (lab.Control)

// labTiming is read by the browser test: milliseconds from the page's
// start to the first result, and of the last run (message to result).
const labTiming = { firstResult: null, lastRun: null, runs: 0, wasmBytes: null, go: null };
window.labTiming = labTiming;

function setStatus(state, text) {
	const s = $("status");
	s.dataset.state = state;
	s.dataset.runs = String(labTiming.runs);
	s.textContent = text;
}

async function compile() {
	const url = "infersim-lab.wasm";
	const resp = await fetch(url);
	if (!resp.ok) throw new Error(url + ": " + resp.status + " " + resp.statusText);
	const bytes = await resp.arrayBuffer();
	labTiming.wasmBytes = bytes.byteLength;
	return WebAssembly.compile(bytes);
}

function startWorker() {
	worker = new Worker("worker.js");
	workerReady = new Promise((resolve) => {
		worker.onmessage = (e) => {
			const m = e.data;
			if (m.type === "ready") {
				fillScenarios(m.scenarios);
				resolve();
			} else {
				onMessage(m);
			}
		};
	});
	worker.onerror = (e) => { endRun(); setStatus("error", "The simulator stopped: " + e.message); };
	worker.postMessage({ type: "init", module });
}

function isFull(query) { return new URLSearchParams(query).get("size") === "full"; }

async function run(query) {
	if (running) {
		// A short run finishes and the newest change runs next; a long
		// one (full size, or running for more than a second) is ended.
		if (isFull(running.query) || (running.started && performance.now() - running.started > 1000)) {
			cancel(false);
		} else {
			pending = query;
			return;
		}
	}
	const r = { query, started: 0 };
	running = r;
	await workerReady;
	if (running !== r) return; // cancelled while the worker started
	r.started = performance.now();
	setStatus("running", "Running…");
	$("bar").value = 0;
	$("progress").hidden = !isFull(query);
	// Any run still going after half a second shows its progress and
	// the Cancel button.
	setTimeout(() => { if (running === r) $("progress").hidden = false; }, 500);
	worker.postMessage({ type: "run", query });
}

function cancel(say) {
	worker.terminate();
	running = null;
	pending = null;
	$("progress").hidden = true;
	startWorker();
	if (say) setStatus("idle", "Cancelled; the results below are the last finished run's.");
}

function endRun() {
	if (running && running.started) {
		labTiming.lastRun = performance.now() - running.started;
		labTiming.runs++;
		if (labTiming.firstResult === null) labTiming.firstResult = performance.now() - loadStart;
	}
	running = null;
	$("progress").hidden = true;
}

function onMessage(m) {
	if (m.type === "progress") {
		$("bar").max = m.total;
		$("bar").value = m.done;
		return;
	}
	endRun();
	if (m.type === "exit") {
		setStatus("error", "The simulator stopped (the browser's console says why); it is restarted for the next change.");
		startWorker();
		return;
	}
	if (m.type === "result") {
		const pg = JSON.parse(m.page);
		labTiming.go = pg.millis;
		render(pg);
		setStatus("done", `${pg.scenario}: ${pg.points} points, ${pg.worlds} worlds, ${pg.requests} requests simulated in ${Math.round(labTiming.lastRun)} ms.`);
	} else {
		setStatus("error", m.error);
	}
	const g = labTiming.go;
	$("timing").textContent = `first result ${Math.round(labTiming.firstResult)} ms after load; last run ${Math.round(labTiming.lastRun)} ms` +
		(g ? ` (prepare ${Math.round(g.prepare)}, simulate ${Math.round(g.simulate)}, draw ${Math.round(g.draw)} ms)` : "");
	if (pending !== null) {
		const q = pending;
		pending = null;
		run(q);
	}
}

function fillScenarios(names) {
	const sel = $("scenario");
	if (sel.options.length > 0) return;
	for (const n of names) sel.add(new Option(n, n));
}

function text(id, s) { $(id).textContent = s; }

function render(pg) {
	history.replaceState(null, "", "?" + pg.query);
	$("scenario").value = pg.state.scenario;
	$("size").value = pg.state.full ? "full" : "quick";
	text("description", pg.description);
	text("note", pg.note || "");
	text("headline", pg.headline || "This run has no conclusions.");
	text("ratio", pg.ratio
		? `Study headline ratio (on-device cold request over cloud warm request, largest group): time ${pg.ratio.time.toPrecision(3)}×, energy ${pg.ratio.energy.toPrecision(3)}×.`
		: "");
	text("crossover", pg.crossover || "This what-if has no crossover conclusion.");
	const ul = $("conclusions");
	ul.replaceChildren(...(pg.conclusions || []).map((c) => { const li = document.createElement("li"); li.textContent = c; return li; }));
	const l = pg.lesson;
	$("lesson").hidden = !l;
	if (l) { text("l-question", l.question); text("l-try", l.try); text("l-look", l.look); text("l-ask", l.ask); }
	// The sweep charts first: they show the crossovers.
	const charts = (pg.charts || []).slice().sort((a, b) => (b.kind === "sweep") - (a.kind === "sweep"));
	$("charts").replaceChildren(...charts.map((c) => {
		const f = document.createElement("figure");
		f.dataset.kind = c.kind;
		f.dataset.name = c.name;
		f.innerHTML = c.svg.replace(/^<\?xml[^>]*>\s*/, "");
		const cap = document.createElement("figcaption");
		cap.textContent = c.caption ? `${c.title}: ${c.caption}` : c.title;
		f.append(cap);
		return f;
	}));
	text("table", pg.table);
	const a = $("download");
	if (a.href.startsWith("blob:")) URL.revokeObjectURL(a.href);
	a.href = URL.createObjectURL(new Blob([pg.yaml], { type: "application/yaml" }));
	a.download = pg.scenario + ".yaml";
	text("runwith", `Run it on your machine: infersim run ${pg.scenario}.yaml${pg.state.full ? "" : " --quick"}`);
	text("swept", pg.swept && pg.swept.length ? "Swept by the scenario (the sweep sets them, no control does): " + pg.swept.join(", ") + "." : "");
	renderControls(pg.controls || []);
}

function renderControls(cs) {
	controls = cs;
	const box = $("controls");
	box.replaceChildren(...cs.map((c) => {
		const row = document.createElement("label");
		row.className = "row";
		row.dataset.id = c.id;
		row.title = c.help;
		row.append(c.label);
		if (c.kind === "slider") {
			const out = document.createElement("output");
			const r = document.createElement("input");
			r.type = "range";
			r.id = "c-" + c.id;
			r.min = 0;
			r.max = c.options.length - 1;
			r.step = 1;
			r.value = Math.max(0, c.options.findIndex((o) => o.value === c.value));
			out.textContent = c.options[r.value].label;
			r.oninput = () => { out.textContent = c.options[r.value].label; };
			r.onchange = changed;
			row.append(out, r);
		} else if (c.kind === "select") {
			const s = document.createElement("select");
			s.id = "c-" + c.id;
			for (const o of c.options) s.add(new Option(o.label, o.value));
			s.value = c.value;
			s.onchange = changed;
			row.append(s);
		} else {
			const div = document.createElement("div");
			div.className = "checks";
			div.id = "c-" + c.id;
			const on = new Set(c.value.split(","));
			for (const o of c.options) {
				const l = document.createElement("label");
				const b = document.createElement("input");
				b.type = "checkbox";
				b.value = o.value;
				b.checked = on.has(o.value);
				b.onchange = () => {
					if (!div.querySelector("input:checked")) b.checked = true; // at least one mode
					changed();
				};
				l.append(b, " " + o.label);
				div.append(l);
			}
			row.append(div);
		}
		const f = document.createElement("span");
		f.className = "fields";
		f.textContent = "sets " + c.fields.join(", ");
		row.append(f);
		return row;
	}));
}

// valueOf reads a control's value from the page.
function valueOf(c) {
	const el = $("c-" + c.id);
	if (c.kind === "slider") return c.options[el.value].value;
	if (c.kind === "select") return el.value;
	return c.options.filter((o) => el.querySelector(`input[value="${CSS.escape(o.value)}"]`).checked).map((o) => o.value).join(",");
}

// query is the page's state as a URL query: the what-if, its size and
// the controls moved away from the scenario's values.
function query(withControls) {
	const q = new URLSearchParams();
	q.set("s", $("scenario").value);
	if ($("size").value === "full") q.set("size", "full");
	if (withControls) {
		for (const c of controls) {
			const v = valueOf(c);
			if (v !== c.default) q.set(c.id, v);
		}
	}
	return q.toString();
}

function changed() { run(query(true)); }

window.addEventListener("DOMContentLoaded", async () => {
	$("scenario").onchange = () => run(query(false));
	$("size").onchange = changed;
	$("reset").onclick = () => run(query(false));
	$("cancel").onclick = () => cancel(true);
	try {
		module = await compile();
	} catch (e) {
		setStatus("error", "Could not load the simulator: " + e.message);
		return;
	}
	startWorker();
	run(location.search.replace(/^\?/, ""));
});
