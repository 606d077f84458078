package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/infersim/infersim/lab"
	"github.com/infersim/infersim/result"
)

// cliRun runs `infersim run FILE --quick` (or full) on a lab state's
// scenario file, as a user who downloaded it would, and returns its
// results folder and printed table.
func cliRun(t *testing.T, p *lab.Prepared) (dir string, res *result.Run, table string) {
	t.Helper()
	tmp := t.TempDir()
	file := filepath.Join(tmp, p.State.Scenario+".yaml")
	if err := os.WriteFile(file, p.YAML, 0o644); err != nil {
		t.Fatal(err)
	}
	dir = filepath.Join(tmp, "out")
	args := []string{"run", file, "--out", dir}
	if !p.State.Full {
		args = append(args, "--quick")
	}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), args, &stdout, &stderr); code != 0 {
		t.Fatalf("infersim %v: exit %d: %s", args, code, stderr.String())
	}
	f, err := os.Open(filepath.Join(dir, result.SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if res, err = result.ReadRunJSON(f, result.SummaryFile); err != nil {
		t.Fatal(err)
	}
	return dir, res, stdout.String()
}

// TestLabMatchesCLI checks that the page's results (lab.Run, the code the
// WebAssembly program runs) are the command line's for the scenario file
// the page offers for download: the same conclusions, the same table and
// byte-identical charts.
func TestLabMatchesCLI(t *testing.T) {
	for _, q := range []string{"s=bandwidth-sweep&rtt=100", "s=lte-vs-wifi&bw=2.5&model=nin"} {
		t.Run(q, func(t *testing.T) {
			st, err := lab.ParseQuery(q)
			if err != nil {
				t.Fatal(err)
			}
			p, err := lab.Prepare(st)
			if err != nil {
				t.Fatal(err)
			}
			pg, err := p.Run(context.Background(), lab.Options{Dir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			dir, run, table := cliRun(t, p)
			if i := slices.Index(run.Conclusions, pg.Headline); i < 0 {
				t.Errorf("headline %q is not among the CLI's conclusions %q", pg.Headline, run.Conclusions)
			} else if rest := slices.Delete(slices.Clone(run.Conclusions), i, i+1); !slices.Equal(rest, pg.Conclusions) {
				t.Errorf("conclusions:\npage %q\n cli %q", pg.Conclusions, rest)
			}
			if pg.Crossover == "" || !slices.Contains(run.Conclusions, pg.Crossover) {
				t.Errorf("crossover %q is not among the CLI's conclusions", pg.Crossover)
			}
			if !bytes.Contains([]byte(table), []byte(pg.Table)) {
				t.Errorf("the page's table is not the one the CLI printed:\npage:\n%s\ncli:\n%s", pg.Table, table)
			}
			if len(pg.Charts) == 0 {
				t.Fatal("no charts")
			}
			for _, c := range pg.Charts {
				b, err := os.ReadFile(filepath.Join(dir, "plots", c.Name+".svg"))
				if err != nil {
					t.Errorf("chart %s: %v", c.Name, err)
					continue
				}
				if string(b) != c.SVG {
					t.Errorf("chart %s differs from the CLI's plots/%s.svg", c.Name, c.Name)
				}
			}
		})
	}
}

// TestServeSite: --serve serves the folder until the context ends.
func TestServeSite(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte("<p>lab</p>"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	urls := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- serveSite(ctx, dir, "127.0.0.1:0", func(u string) { urls <- u }) }()
	u := <-urls
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "<p>lab</p>" {
		t.Errorf("GET %s: %q", u, b)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve: %v", err)
	}
}
