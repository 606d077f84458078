//go:build !js

package lab

import (
	"bytes"
	"compress/gzip"
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// The page's static files. Not part of the WebAssembly program (this
// file is built for every target but js).
//
//go:embed site
var siteFS embed.FS

// The site's two generated files: the simulator and Go's JavaScript
// support for it.
const (
	WasmFile     = "infersim-lab.wasm"
	WasmExecFile = "wasm_exec.js"
)

// modulePath is the module cmd/infersim-lab is built from.
const modulePath = "github.com/infersim/infersim"

// BuildOptions configure WriteSite.
type BuildOptions struct {
	// Source is the module's root directory; "" looks for it from the
	// working directory up.
	Source string
	// Go is the go command; "" is "go" on the PATH.
	Go string
}

// SiteInfo describes a site WriteSite wrote.
type SiteInfo struct {
	Dir string
	// WasmBytes is the simulator's size, WasmGzipBytes its size
	// gzip-compressed (best compression), as a static host serves it.
	WasmBytes, WasmGzipBytes int
	Files                    []string
}

// WriteSite builds the simulator for GOOS=js GOARCH=wasm from the source
// tree with the go command, and writes the site into dir: index.html,
// lab.css, lab.js, worker.js, memfs.js, infersim-lab.wasm and Go's
// wasm_exec.js (from $(go env GOROOT)/lib/wasm, or misc/wasm before Go
// 1.24). Any static host serves the folder as it is.
func WriteSite(ctx context.Context, dir string, o BuildOptions) (*SiteInfo, error) {
	goCmd := o.Go
	if goCmd == "" {
		goCmd = "go"
	}
	root := o.Source
	if root == "" {
		var err error
		if root, err = findModule(); err != nil {
			return nil, err
		}
	}
	tmp, err := os.MkdirTemp("", "infersim-lab-build-")
	if err != nil {
		return nil, fmt.Errorf("lab: %w", err)
	}
	defer os.RemoveAll(tmp)
	wasm := filepath.Join(tmp, WasmFile)
	cmd := exec.CommandContext(ctx, goCmd, wasmBuildArgs(wasm)...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("lab: building the WebAssembly simulator (GOOS=js GOARCH=wasm go %s in %s): %w\n%s", strings.Join(wasmBuildArgs(wasm), " "), root, err, out)
	}
	wasmBytes, err := os.ReadFile(wasm)
	if err != nil {
		return nil, fmt.Errorf("lab: %w", err)
	}
	execJS, err := wasmExecJS(ctx, goCmd, root)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("lab: %w", err)
	}
	info := &SiteInfo{Dir: dir, WasmBytes: len(wasmBytes), WasmGzipBytes: gzipSize(wasmBytes)}
	files := map[string][]byte{WasmFile: wasmBytes, WasmExecFile: execJS}
	ents, err := fs.ReadDir(siteFS, "site")
	if err != nil {
		return nil, fmt.Errorf("lab: %w", err)
	}
	for _, e := range ents {
		b, err := siteFS.ReadFile("site/" + e.Name())
		if err != nil {
			return nil, fmt.Errorf("lab: %w", err)
		}
		files[e.Name()] = b
	}
	for name, b := range files {
		if err := writeFile(filepath.Join(dir, name), b); err != nil {
			return nil, err
		}
		info.Files = append(info.Files, name)
	}
	return info, nil
}

// writeFile writes a file through a temporary file renamed into place.
func writeFile(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("lab: %w", err)
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("lab: writing %s: %w", path, err)
	}
	return nil
}

// findModule finds the root of the infersim module from the working
// directory up.
func findModule() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("lab: %w", err)
	}
	for d := wd; ; d = filepath.Dir(d) {
		if b, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil && moduleOf(b) == modulePath {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("lab: the lab builds its WebAssembly simulator from the source: run it inside a clone of %s (no go.mod of that module in %s or above)", modulePath, wd)
		}
	}
}

// moduleOf returns the module path a go.mod declares.
func moduleOf(gomod []byte) string {
	for _, l := range strings.Split(string(gomod), "\n") {
		if f := strings.Fields(l); len(f) == 2 && f[0] == "module" {
			return strings.Trim(f[1], `"`)
		}
	}
	return ""
}

// wasmBuildArgs are the go command's arguments that build the simulator
// into out. The page draws SVG only, so two build tags keep unused
// back-ends out of the binary (25.0 MB without them, 22.9 MB with): minimal
// is gonum/plot's own tag that drops its registry of every vg format (PDF
// with its font subsetter, EPS, TeX; plot.Save is not used, plots draws
// through explicit canvases), and svgonly drops plots' PNG back-end (vgimg,
// gg, freetype, TIFF). Neither changes an SVG. -trimpath -s -w leave out
// paths, the symbol table and DWARF (0.5 MB more).
func wasmBuildArgs(out string) []string {
	return []string{"build", "-trimpath", "-tags=minimal,svgonly", "-ldflags=-s -w", "-o", out, "./cmd/infersim-lab"}
}

// wasmExecJS reads Go's wasm_exec.js from the toolchain that built the
// simulator (the two must match).
func wasmExecJS(ctx context.Context, goCmd, root string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, goCmd, "env", "GOROOT")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("lab: go env GOROOT: %w", err)
	}
	goroot := strings.TrimSpace(string(out))
	for _, p := range []string{"lib/wasm/wasm_exec.js", "misc/wasm/wasm_exec.js"} {
		b, err := os.ReadFile(filepath.Join(goroot, filepath.FromSlash(p)))
		if err == nil {
			return b, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("lab: %w", err)
		}
	}
	return nil, fmt.Errorf("lab: no wasm_exec.js in %s (lib/wasm or misc/wasm)", goroot)
}

func gzipSize(b []byte) int {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(b)
	zw.Close()
	return buf.Len()
}

// SiteFile returns one of the page's static files (index.html, lab.js,
// ...), for tests and for a look without building.
func SiteFile(name string) ([]byte, error) {
	b, err := siteFS.ReadFile("site/" + name)
	if err != nil {
		return nil, fmt.Errorf("lab: no site file %q", name)
	}
	return b, nil
}
