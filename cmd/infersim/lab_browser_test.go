package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/infersim/infersim/lab"
)

// findBrowser returns a Chromium to drive: $INFERSIM_CHROME, else the
// first of chromium, chromium-browser, google-chrome on the PATH.
func findBrowser() string {
	if p := os.Getenv("INFERSIM_CHROME"); p != "" {
		return p
	}
	for _, n := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	return ""
}

// labTiming is the page's window.labTiming.
type labTiming struct {
	FirstResult float64 `json:"firstResult"`
	LastRun     float64 `json:"lastRun"`
	Runs        int     `json:"runs"`
	WasmBytes   int     `json:"wasmBytes"`
	Go          struct {
		Prepare  float64 `json:"prepare"`
		Simulate float64 `json:"simulate"`
		Draw     float64 `json:"draw"`
	} `json:"go"`
}

// TestLabInBrowser builds the site, opens it in headless Chromium, moves
// the uplink bandwidth control of lte-vs-wifi, waits for the redraw and
// checks the headline and the crossover the page shows against the
// command line's run of the same scenario; then it reloads the page's URL
// and checks the control came back (state → URL → state); it starts a
// full-size run, waits for its progress and cancels it. It logs the
// wasm size, the time to the first result and the redraw times, and
// saves a screenshot ($INFERSIM_LAB_SCREENSHOT, else in a temporary
// folder).
func TestLabInBrowser(t *testing.T) {
	browser := findBrowser()
	if browser == "" {
		t.Skip("no Chromium found (chromium, chromium-browser or google-chrome on the PATH, or $INFERSIM_CHROME): the lab's browser test is skipped; .ci/run installs Debian's chromium")
	}
	if testing.Short() {
		t.Skip("-short: the lab's browser test builds the WebAssembly simulator and starts a browser")
	}
	site := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	info, err := lab.WriteSite(ctx, site, lab.BuildOptions{Source: "../.."})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(site)))
	defer srv.Close()

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(browser), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true),
		chromedp.WindowSize(1200, 1250))
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()
	go func() { <-ctx.Done(); bcancel() }() // the test's time limit; not on the first Run's context

	waitRuns := func(n int) {
		t.Helper()
		_, err := chromedp.Run(bctx, chromedp.Poll[bool](fmt.Sprintf(`(() => { const s = document.getElementById("status");
			if (s.dataset.state === "error") throw new Error(s.textContent);
			return s.dataset.state === "done" && Number(s.dataset.runs) >= %d; })()`, n), chromedp.WithPollingTimeout(3*time.Minute)))
		if err != nil {
			t.Fatalf("waiting for run %d: %v", n, err)
		}
	}
	navigate := func(u string) {
		t.Helper()
		if err := chromedp.Do(bctx, chromedp.Navigate(u)); err != nil {
			t.Fatal(err)
		}
	}
	timing := func() labTiming { return evalJS[labTiming](t, bctx, `window.labTiming`) }

	navigate(srv.URL + "/?s=lte-vs-wifi")
	waitRuns(1)
	first := timing()
	// Move the uplink bandwidth control down, two positions at a time,
	// as a student dragging it would; each release redraws.
	var redraws []float64
	var split []string
	bwIndex := evalJS[int](t, bctx, `Number(document.getElementById("c-bw").value)`)
	for i := 1; i <= 3; i++ {
		evalJS[bool](t, bctx, fmt.Sprintf(`(() => { const r = document.getElementById("c-bw"); r.value = %d;
			r.dispatchEvent(new Event("input")); r.dispatchEvent(new Event("change")); return true; })()`, bwIndex-2*i))
		waitRuns(1 + i)
		tm := timing()
		redraws = append(redraws, tm.LastRun)
		split = append(split, fmt.Sprintf("%.0f+%.0f+%.0f", tm.Go.Prepare, tm.Go.Simulate, tm.Go.Draw))
	}
	headline := evalJS[string](t, bctx, `document.getElementById("headline").textContent`)
	crossover := evalJS[string](t, bctx, `document.getElementById("crossover").textContent`)
	search := evalJS[string](t, bctx, `location.search`)
	bwLabel := evalJS[string](t, bctx, `document.querySelector('[data-id="bw"] output').textContent`)
	shot, err := chromedp.Run(bctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	shotPath := os.Getenv("INFERSIM_LAB_SCREENSHOT")
	if shotPath == "" {
		shotPath = t.TempDir() + "/lab.png"
	}
	if err := os.WriteFile(shotPath, shot, 0o644); err != nil {
		t.Fatal(err)
	}

	// The command line's run of the page's state.
	st, err := lab.ParseQuery(search)
	if err != nil {
		t.Fatal(err)
	}
	if st.Set["bw"] == "" {
		t.Fatalf("the URL %q does not hold the bandwidth control", search)
	}
	p, err := lab.Prepare(st)
	if err != nil {
		t.Fatal(err)
	}
	_, run, _ := cliRun(t, p)
	wantHead, wantCross := run.Conclusions[0], ""
	for i, c := range p.Scenario.Conclusions {
		if c.Kind == "crossover" {
			wantCross = run.Conclusions[i]
			break
		}
	}
	if headline != wantHead {
		t.Errorf("headline in the page:\n%s\nthe CLI's:\n%s", headline, wantHead)
	}
	if crossover != wantCross || wantCross == "" {
		t.Errorf("crossover in the page:\n%s\nthe CLI's:\n%s", crossover, wantCross)
	}

	// URL → state: the page opened at its own URL shows the same state.
	navigate(srv.URL + "/" + search)
	waitRuns(1)
	bwLabel2 := evalJS[string](t, bctx, `document.querySelector('[data-id="bw"] output').textContent`)
	search2 := evalJS[string](t, bctx, `location.search`)
	if bwLabel2 != bwLabel || search2 != search {
		t.Errorf("reloading %s shows bandwidth %q at %s, not %q", search, bwLabel2, search2, bwLabel)
	}
	if q, _ := url.ParseQuery(strings.TrimPrefix(search2, "?")); q.Get("bw") != st.Set["bw"] {
		t.Errorf("URL %s lost bw=%s", search2, st.Set["bw"])
	}
	// A full-size run shows its progress and can be cancelled; the page
	// then runs again.
	evalJS[bool](t, bctx, `(() => { const s = document.getElementById("size"); s.value = "full"; s.dispatchEvent(new Event("change")); return true; })()`)
	if _, err := chromedp.Run(bctx, chromedp.Poll[bool](`!document.getElementById("progress").hidden && document.getElementById("bar").value > 0`,
		chromedp.WithPollingTimeout(2*time.Minute))); err != nil {
		t.Fatalf("no progress shown for the full-size run: %v", err)
	}
	evalJS[bool](t, bctx, `(() => { document.getElementById("cancel").click(); return true; })()`)
	if got := evalJS[string](t, bctx, `document.getElementById("status").textContent`); !strings.HasPrefix(got, "Cancelled") {
		t.Errorf("status after cancel: %q", got)
	}
	runs := evalJS[int](t, bctx, `window.labTiming.runs`)
	evalJS[bool](t, bctx, `(() => { const s = document.getElementById("size"); s.value = "quick"; s.dispatchEvent(new Event("change")); return true; })()`)
	waitRuns(runs + 1)

	t.Logf("wasm %d bytes (%.1f MB; gzip %.1f MB); first result %.0f ms after the page started; redraws after moving the bandwidth %s ms (prepare+simulate+draw in Go: %s ms); screenshot %s",
		info.WasmBytes, float64(info.WasmBytes)/1e6, float64(info.WasmGzipBytes)/1e6, first.FirstResult, msList(redraws), strings.Join(split, ", "), shotPath)
}

// evalJS evaluates a JavaScript expression in the page.
func evalJS[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

func msList(xs []float64) string {
	s := ""
	for i, x := range xs {
		if i > 0 {
			s += ", "
		}
		s += strconv.FormatFloat(x, 'f', 0, 64)
	}
	return s
}
