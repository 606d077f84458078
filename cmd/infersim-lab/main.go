//go:build js && wasm

// Command infersim-lab is the simulator of infersim lab as a WebAssembly
// program (GOOS=js GOARCH=wasm). It runs in the page's Web Worker
// (worker.js) and answers its messages through the function it installs
// on the worker's global object:
//
//	infersimLab.run(query) runs the state a URL query describes and
//	    posts {type: "result", page} (lab.Page) or {type: "error",
//	    error}, with {type: "progress", done, total} messages meanwhile.
//
// When it is ready it posts {type: "ready", scenarios} with the what-ifs'
// names.
//
// Files the runner writes go to memfs.js, the worker's in-memory file
// system. The work is lab.Run's: the code path of `infersim run`.
package main

import (
	"context"
	"encoding/json"
	"syscall/js"

	"github.com/infersim/infersim/lab"
)

func main() {
	api := js.Global().Get("Object").New()
	api.Set("run", js.FuncOf(func(this js.Value, args []js.Value) any {
		q := ""
		if len(args) > 0 {
			q = args[0].String()
		}
		// A goroutine: the caller returns at once, and the run's
		// goroutines are free to block on each other.
		go run(q)
		return nil
	}))
	js.Global().Set("infersimLab", api)
	names := lab.Scenarios()
	a := make([]any, len(names))
	for i, n := range names {
		a[i] = n
	}
	js.Global().Call("postMessage", map[string]any{"type": "ready", "scenarios": a})
	select {}
}

func run(q string) {
	post := js.Global().Get("postMessage")
	st, err := lab.ParseQuery(q)
	if err == nil {
		var pg *lab.Page
		pg, err = lab.Run(context.Background(), st, lab.Options{Dir: "/tmp", Workers: 1, Progress: func(done, total int) {
			post.Invoke(map[string]any{"type": "progress", "done": done, "total": total})
		}})
		if err == nil {
			var b []byte
			if b, err = json.Marshal(pg); err == nil {
				post.Invoke(map[string]any{"type": "result", "page": string(b)})
				return
			}
		}
	}
	post.Invoke(map[string]any{"type": "error", "error": err.Error()})
}
