package plots

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"path/filepath"
	"strconv"

	"github.com/infersim/infersim/result"
)

// ReportFile is the name of the report WriteReport writes.
const ReportFile = "index.html"

// WriteReport writes dir/index.html, the page a user opens first: the
// scenario's name and description, the conclusions, the infersim version
// and run facts, the summary table in readable units (ms or s, J or mJ, %),
// and every chart (the PNG shown, the SVG linked) with its caption. The
// page is self-contained (styles inline, no scripts, images by relative
// path) and written atomically.
func WriteReport(dir string, run *result.Run, charts []Chart) error {
	if run == nil {
		return fmt.Errorf("plots: report: no run")
	}
	page := buildReport(run, charts)
	return writeAtomic(filepath.Join(dir, ReportFile), func(w io.Writer) error {
		if err := reportTemplate.Execute(w, page); err != nil {
			return fmt.Errorf("plots: report: %w", err)
		}
		return nil
	})
}

type reportPage struct {
	Title, Description string
	Conclusions        []result.Conclusion
	Facts              []string
	Incomplete         bool
	Header             []string
	KeyCols            int // leading text columns, left-aligned
	Rows               [][]string
	Charts             []Chart
}

func buildReport(run *result.Run, charts []Chart) reportPage {
	p := reportPage{Title: run.Scenario, Description: run.Description, Conclusions: reportConclusions(run), Incomplete: !run.Complete, Charts: charts}
	if p.Title == "" {
		p.Title = "infersim run"
	}
	if run.Infersim.Release != "" {
		p.Facts = append(p.Facts, run.Infersim.String())
	} else {
		p.Facts = append(p.Facts, "infersim version not recorded")
	}
	p.Facts = append(p.Facts, fmt.Sprintf("seed %d", run.Seed))
	p.Facts = append(p.Facts, fmt.Sprintf("%d replications", run.Replications))
	p.Facts = append(p.Facts, fmt.Sprintf("%d points", len(run.Points)))
	if run.KernelProfile != "" {
		p.Facts = append(p.Facts, "kernel profile: "+run.KernelProfile)
	}

	groups := selectGroups(run.Summaries)
	lab := newGroupLabeller(groups)
	p.Header = append(p.Header, lab.params...)
	for i := range p.Header {
		p.Header[i] = shortParam(p.Header[i])
	}
	p.Header = append(p.Header, "model", "mode")
	if lab.image {
		p.Header = append(p.Header, "image")
	}
	p.KeyCols = len(p.Header) + 1
	p.Header = append(p.Header, "start", "requests", "ok", "latency mean ± 95 % CI", "p50", "p95 ± 95 % CI", "p99 ± 95 % CI",
		"energy per request ± 95 % CI", "battery", "throughput")
	for _, s := range groups {
		var row []string
		for _, n := range lab.params {
			v := ""
			for _, q := range s.Params {
				if q.Name == n {
					v = q.Value
				}
			}
			row = append(row, v)
		}
		row = append(row, s.Model, s.ModeLabel())
		if lab.image {
			row = append(row, s.Image)
		}
		ok := "–"
		if s.Requests > 0 {
			ok = fmtNum(100*float64(s.OK())/float64(s.Requests)) + " %"
		}
		row = append(row, string(s.Start), strconv.Itoa(s.Requests), ok,
			plusMinus(s.Latency.Mean, s.Latency.CI95, fmtSeconds),
			orDash(s.Latency.P50, fmtSeconds), plusMinus(s.Latency.P95, s.Latency.P95CI95, fmtSeconds), plusMinus(s.Latency.P99, s.Latency.P99CI95, fmtSeconds),
			plusMinus(s.EnergyTotal.Mean, s.EnergyTotal.CI95, fmtJoules),
			batteryCell(*s),
			orDash(s.Throughput, func(v float64) string { return fmtNum(v) + " /s" }))
		p.Rows = append(p.Rows, row)
	}
	return p
}

func orDash(x float64, f func(float64) string) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "–"
	}
	return f(x)
}

// plusMinus formats "1.46 s ± 37 ms"; a NaN CI (one replication) is left
// out.
func plusMinus(mean, ci float64, f func(float64) string) string {
	if math.IsNaN(mean) || math.IsInf(mean, 0) {
		return "–"
	}
	if math.IsNaN(ci) || math.IsInf(ci, 0) {
		return f(mean)
	}
	return f(mean) + " ± " + f(ci)
}

// reportConclusions pairs each conclusion's sentence with its table and
// notes (result.Run.ConclusionDetails); a sentence without details (an
// older summary.json, or conclusions another command wrote) stands alone.
func reportConclusions(run *result.Run) []result.Conclusion {
	var out []result.Conclusion
	for i, s := range run.Conclusions {
		if i < len(run.ConclusionDetails) && run.ConclusionDetails[i].Sentence == s {
			out = append(out, run.ConclusionDetails[i])
			continue
		}
		out = append(out, result.Conclusion{Sentence: s})
	}
	return out
}

var reportTemplate = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} — infersim</title>
<style>
body { font-family: "Liberation Sans", Arial, Helvetica, sans-serif; color: #222; max-width: 1100px; margin: 2em auto; padding: 0 1em; line-height: 1.45; }
h1 { margin-bottom: 0.2em; }
.facts { color: #555; font-size: 0.9em; }
.warning { background: #fbe9e0; border-left: 4px solid #d55e00; padding: 0.6em 1em; }
.conclusions { background: #eef6f2; border-left: 4px solid #009e73; padding: 0.6em 1em 0.6em 2em; }
.conclusions li { margin: 0.5em 0; }
.conclusions .detail { margin: 0.3em 0 0.6em; font-size: 0.8em; }
.conclusions .detail th { position: static; background: none; border-bottom: 1px solid #bcd; }
.conclusions .detail th, .conclusions .detail td { text-align: left; padding: 0.15em 0.8em 0.15em 0; border-bottom: none; }
.conclusions .note { color: #444; font-size: 0.85em; margin: 0.2em 0; }
.table { overflow: auto; max-height: 32em; border: 1px solid #ddd; }
table { border-collapse: collapse; font-size: 0.85em; white-space: nowrap; }
th, td { padding: 0.3em 0.7em; border-bottom: 1px solid #eee; text-align: right; }
th { position: sticky; top: 0; background: #f4f4f4; }
td:nth-child(-n+{{.KeyCols}}), th:nth-child(-n+{{.KeyCols}}) { text-align: left; }
figure { margin: 2em 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #333; font-size: 0.95em; margin-top: 0.4em; }
nav a { margin-right: 1em; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
{{with .Description}}<p>{{.}}</p>{{end}}
<p class="facts">{{range $i, $f := .Facts}}{{if $i}} · {{end}}{{$f}}{{end}}</p>
{{if .Incomplete}}<p class="warning">This run was interrupted: the results cover only the points that finished.</p>{{end}}
{{with .Conclusions}}<h2>Conclusions</h2>
<ul class="conclusions">{{range .}}<li>{{.Sentence}}
{{- if .Rows}}<table class="detail"><thead><tr>{{range .Columns}}<th>{{.}}</th>{{end}}</tr></thead>
<tbody>{{range .Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>{{end}}</tbody></table>{{end}}
{{- range .Notes}}<p class="note">{{.}}</p>{{end}}</li>
{{end}}</ul>{{end}}
{{with .Charts}}<nav>Charts: {{range .}}<a href="#{{.Name}}">{{.Name}}</a> {{end}}</nav>{{end}}
<h2>Summary</h2>
<p class="facts">One row per group of requests. Latency and energy are per successful request; the ± is the 95 % confidence interval across replications; a latency percentile is the mean of the replications' percentiles.</p>
<div class="table"><table>
<thead><tr>{{range .Header}}<th>{{.}}</th>{{end}}</tr></thead>
<tbody>{{range .Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</tbody>
</table></div>
{{range .Charts}}<figure id="{{.Name}}">
<h2>{{.Title}}</h2>
{{if .PNG}}<img src="{{.PNG}}" alt="{{.Title}}">{{else if .SVG}}<img src="{{.SVG}}" alt="{{.Title}}">{{end}}
<figcaption>{{.Caption}}{{if .SVG}} <a href="{{.SVG}}">SVG</a>{{end}}{{if .PNG}} · <a href="{{.PNG}}">PNG</a>{{end}}</figcaption>
</figure>
{{end}}
</body>
</html>
`))

// batteryCell is the share of the battery a group drains, with its unit
// as the run's table prints it: per cold start on a cold row (one launch
// happens once a session, so a per-1,000 figure would read 628 %), per
// 1,000 requests on the others.
func batteryCell(s result.Summary) string {
	switch {
	case math.IsNaN(s.BatteryPer1000):
		return "–"
	case s.Start == result.Cold:
		return fmtNum(s.BatteryPer1000/1000) + " % per start"
	}
	return fmtNum(s.BatteryPer1000) + " % per 1,000"
}
