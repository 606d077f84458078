package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/infersim/infersim/lab"
)

// nodeRunner runs the site's simulator in Node.js as the page's worker
// does: memfs.js, then wasm_exec.js, then infersimLab.run(query); it
// prints the page (or ERROR and the message).
const nodeRunner = `
const nodefs = require("fs");
const [dir, query] = process.argv.slice(2);
(0, eval)(nodefs.readFileSync(dir + "/memfs.js", "utf8"));
(0, eval)(nodefs.readFileSync(dir + "/wasm_exec.js", "utf8"));
globalThis.postMessage = (m) => {
	if (m.type === "ready") globalThis.infersimLab.run(query);
	if (m.type === "result") { nodefs.writeSync(1, m.page); process.exit(0); }
	if (m.type === "error") { nodefs.writeSync(1, "ERROR " + m.error); process.exit(0); }
};
const go = new Go();
WebAssembly.instantiate(nodefs.readFileSync(dir + "/infersim-lab.wasm"), go.importObject).then(({ instance }) => go.run(instance));
`

// TestLabWasmMatchesNative runs the WebAssembly simulator, on the page's
// in-memory file system, in Node.js, and checks that its page is the one
// lab.Run returns natively (which TestLabMatchesCLI checks against the
// command line): the same conclusions, table, charts, lesson and YAML.
func TestLabWasmMatchesNative(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("no node on the PATH: the WebAssembly simulator is not run outside the browser")
	}
	if testing.Short() {
		t.Skip("-short: builds the WebAssembly simulator")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	site := t.TempDir()
	if _, err := lab.WriteSite(ctx, site, lab.BuildOptions{Source: "../.."}); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(t.TempDir(), "run.js")
	if err := os.WriteFile(script, []byte(nodeRunner), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"s=bandwidth-sweep&rtt=100", "s=guo2018&model=nin&split=7&bw=1"} {
		out, err := exec.CommandContext(ctx, node, script, site, q).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: node: %v\n%.2000s", q, err, out)
		}
		var got lab.Page
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("%s: %v\n%.2000s", q, err, out)
		}
		st, err := lab.ParseQuery(q)
		if err != nil {
			t.Fatal(err)
		}
		want, err := lab.Run(ctx, st, lab.Options{Dir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		// Through JSON, as the page gets it; the timings differ.
		b, _ := json.Marshal(want)
		var w lab.Page
		json.Unmarshal(b, &w)
		got.Millis = w.Millis
		if !reflect.DeepEqual(got, w) {
			gb, _ := json.MarshalIndent(got, "", " ")
			wb, _ := json.MarshalIndent(w, "", " ")
			t.Errorf("%s: the WebAssembly page differs from the native one:\nwasm %.1500s\nnative %.1500s", q, gb, wb)
		}
	}
}
