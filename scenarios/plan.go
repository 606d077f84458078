package scenarios

import (
	"fmt"
	"io"
	"strings"
)

// MaxPlanPoints is the most points WritePlan lists one by one.
const MaxPlanPoints = 50

// WritePlan prints what Run would do, without running: the points with
// their parameters, the cells, the replications and the requests
// (`infersim run --dry-run`), and what it would cost on GOMAXPROCS
// workers (Scenario.Estimate).
func WritePlan(w io.Writer, s *Scenario) error {
	if s.plan == nil {
		if err := s.Validate(); err != nil {
			return err
		}
	}
	var b strings.Builder
	where := s.file
	if where == "" {
		where = "Go"
	}
	fmt.Fprintf(&b, "scenario %s (%s)\n", s.Name, where)
	if d := firstSentence(s.Description); d != "" {
		fmt.Fprintf(&b, "  %s\n", d)
	}
	totalWorlds, totalReq := 0, 0
	minCells, maxCells := -1, 0
	timed := false
	var lines []string
	for i := 0; i < s.Points(); i++ {
		pt, err := s.Point(i)
		if err != nil {
			return err
		}
		ps := pt.Scenario
		cells := ps.Cells()
		if minCells < 0 || len(cells) < minCells {
			minCells = len(cells)
		}
		maxCells = max(maxCells, len(cells))
		req := 0
		for _, c := range cells {
			req += c.Requests * ps.Phone.Count * s.Replications
			if c.Requests == 0 {
				timed = true
			}
		}
		totalWorlds += len(cells) * s.Replications
		totalReq += req
		if i < MaxPlanPoints || i == s.Points()-1 {
			var params []string
			for _, p := range pt.Params {
				params = append(params, p.Name+"="+p.Value)
			}
			desc := "no sweep"
			if len(params) > 0 {
				desc = strings.Join(params, ", ")
			}
			lines = append(lines, fmt.Sprintf("  point %d: %s — %d cells (%s), %s", i, desc, len(cells), cellsText(ps), requestsText(ps, req)))
		} else if i == MaxPlanPoints {
			lines = append(lines, fmt.Sprintf("  ... %d more points", s.Points()-MaxPlanPoints-1))
		}
	}
	reqText := fmt.Sprintf("%d requests", totalReq)
	if timed {
		reqText = fmt.Sprintf("requests for %v per world", s.Workload.Duration)
		if totalReq > 0 {
			reqText = fmt.Sprintf("%d requests plus those of the timed worlds", totalReq)
		}
	}
	cellText := fmt.Sprint(maxCells)
	if minCells != maxCells {
		cellText = fmt.Sprintf("%d–%d", minCells, maxCells)
	}
	fmt.Fprintf(&b, "  %d point(s) × %s cells × %d replication(s) = %d worlds, %s, %d phone(s) per world\n",
		s.Points(), cellText, s.Replications, totalWorlds, reqText, s.Phone.Count)
	if paths := s.SweepPaths(); len(paths) > 0 {
		fmt.Fprintf(&b, "  sweep (%s): %s\n", s.Sweep.Combine, strings.Join(paths, ", "))
	}
	if s.Sweep.Seeds == "independent" {
		fmt.Fprintf(&b, "  seeds: independent, sim.DeriveSeed(%d, point, replication)\n", s.Seed)
	} else {
		fmt.Fprintf(&b, "  seeds: common across points, sim.DeriveSeed(%d, 0, replication)\n", s.Seed)
	}
	for _, l := range lines {
		b.WriteString(l + "\n")
	}
	e, err := s.Estimate(0)
	if err != nil {
		return err
	}
	if err := e.Write(&b); err != nil {
		return err
	}
	if over := e.Over(); over != "" {
		fmt.Fprintf(&b, "  above the ceiling (%s): infersim run asks for --yes\n", over)
	}
	_, err = io.WriteString(w, b.String())
	return err
}

func cellsText(s *Scenario) string {
	var imgs []string
	for _, g := range s.Workload.Images {
		imgs = append(imgs, g.Size.String())
	}
	return fmt.Sprintf("models %s × modes %s × images %s", strings.Join(s.Models, ","), strings.Join(s.Workload.Modes, ","), strings.Join(imgs, ","))
}

func requestsText(s *Scenario, req int) string {
	if req == 0 {
		return fmt.Sprintf("requests for %v per world", s.Workload.Duration)
	}
	return fmt.Sprintf("%d requests", req)
}
