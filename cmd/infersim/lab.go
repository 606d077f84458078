package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/infersim/infersim/lab"
	"github.com/spf13/cobra"
)

func newLabCmd() *cobra.Command {
	var out, serve string
	cmd := &cobra.Command{
		Use:   "lab [--out DIR] [--serve ADDR]",
		Short: "Write (or serve) infersim lab: the what-ifs as an interactive page, run in the browser",
		Long: `infersim lab is the built-in what-ifs as a web page: choose one, move its
controls (model, phone, network, bandwidth, RTT, memory pressure, GC,
backgrounding, phones, batching, modes, split point) and the simulator runs
again in the browser, compiled to WebAssembly: no server does any work. The
page shows the headline, the conclusions, the charts (drawn by the same code
as "infersim run") and a lesson for each what-if; its URL holds the whole
state, and it offers the scenario as a YAML file "infersim run" accepts.

The command builds the simulator (GOOS=js GOARCH=wasm go build
./cmd/infersim-lab), so it runs inside a clone of the source with the Go
toolchain on the PATH, and writes the site to --out (default results/lab):
a folder any static host (GitHub Pages) serves as it is. With --serve it
also serves it at ADDR (without --out, from a temporary folder) until
Ctrl-C.`,
		Example: `  infersim lab --serve :8080          # then open http://localhost:8080/
  infersim lab --out public/lab        # a static site to publish`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			stderr := cmd.ErrOrStderr()
			dir := out
			if dir == "" && serve != "" {
				tmp, err := os.MkdirTemp("", "infersim-lab-")
				if err != nil {
					return err
				}
				defer os.RemoveAll(tmp)
				dir = tmp
			} else if dir == "" {
				dir = filepath.Join("results", "lab")
			}
			fmt.Fprintln(stderr, "building the WebAssembly simulator…")
			info, err := lab.WriteSite(cmd.Context(), dir, lab.BuildOptions{})
			if err != nil {
				return err
			}
			fmt.Fprintf(stderr, "site in %s (%s: %.1f MB, %.1f MB gzip)\n", info.Dir, lab.WasmFile, float64(info.WasmBytes)/1e6, float64(info.WasmGzipBytes)/1e6)
			if serve == "" {
				return nil
			}
			return serveSite(cmd.Context(), dir, serve, func(url string) {
				fmt.Fprintf(stderr, "serving infersim lab at %s (Ctrl-C stops)\n", url)
			})
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "directory to write the site into (default results/lab; a temporary one with --serve)")
	cmd.Flags().StringVar(&serve, "serve", "", "serve the site at this address, e.g. :8080")
	return cmd
}

// serveSite serves dir at addr until ctx ends; started is told the URL.
func serveSite(ctx context.Context, dir, addr string, started func(url string)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: http.FileServer(http.Dir(dir)), ReadHeaderTimeout: 10 * time.Second}
	host := ln.Addr().(*net.TCPAddr)
	url := fmt.Sprintf("http://localhost:%d/", host.Port)
	if !host.IP.IsUnspecified() && !host.IP.IsLoopback() {
		url = "http://" + ln.Addr().String() + "/"
	}
	started(url)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
		return nil
	case err := <-done:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	}
}
