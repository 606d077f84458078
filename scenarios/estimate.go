package scenarios

import (
	"fmt"
	"io"
	"math"
	"runtime"
	"strings"
	"time"

	"github.com/infersim/infersim/result"
)

// The cost model of Estimate, measured on the project's machine (2-vCPU
// AMD EPYC Zen 4, shared with other sessions; Go 1.26) on 2026-12-07 (phones: 2026-12-08) with
// `infersim run FILE -j 1 --no-plots -q` under /usr/bin/time: one phone
// asking 10⁵ and 10⁶ times for SqueezeNet in the cloud GPU and on the
// phone's CPU (closed loop, think 1 s; scenarios/testdata/bench-req1e6*),
// the CPU time (user + sys) less a 10⁴-request run's, over the kernel's
// events (sim.events in summary.json: 18.0 per cloud request, 10.0 per
// on-device one); requests.csv's bytes over its rows (484 B at 10⁶ s of
// simulated time, shorter earlier); a phone's memory and CPU time from
// bench-phones1e5 re-measured on 2026-12-08 (10⁵ phones: 629 MiB peak
// RSS and 16.8 s of CPU at load 5–10, of which ≈ 4 s are its requests'
// events, so ≈ 6.4 KB and ≈ 130 µs a phone). They are planning figures, within a factor of two on
// this machine; a faster or busier one scales them.
const (
	// EventCost is the CPU time per kernel event, everything of a run
	// included (devices, network, statistics, requests.csv).
	EventCost = 380 * time.Nanosecond
	// EventsPerNetworkRequest and EventsPerPhoneRequest are the kernel
	// events of a request that crosses the network (cloud, split, auto)
	// and of one computed on the phone.
	EventsPerNetworkRequest = 18
	EventsPerPhoneRequest   = 10
	// PhoneCost and PhoneBytes are a phone's set-up time and memory in a
	// world being simulated.
	PhoneCost  = 130 * time.Microsecond
	PhoneBytes = 6400
	// RunCost is a run's CPU time besides its worlds (loading,
	// compiling the processors, writing the summaries; charts not
	// included).
	RunCost = 150 * time.Millisecond
	// RunBytes is a run's memory besides its worlds' phones (the
	// processors, the merge's buffers, the runtime).
	RunBytes = 40 << 20
	// RowBytes is the size of a requests.csv row (times to the
	// microsecond, numbers of a cloud request; on-device rows and early
	// times are shorter).
	RowBytes = 480
	// ParquetRowBytes is the size of a requests.parquet row, zstd and
	// all: 26.0 MB for the 2·10⁵ cloud requests of bench-req1e6-csv.yaml
	// cut to that count (its requests.csv: 95.0 MB, 475 B a row).
	ParquetRowBytes = 130
)

// Ceilings of a run that `infersim run` asks --yes for: an estimated CPU
// time, memory or requests.csv size above them.
const (
	CeilingCPU    = time.Hour
	CeilingMemory = 4 << 30
	CeilingDisk   = 20 << 30
)

// Estimate is what a run is expected to cost (Scenario.Estimate).
type Estimate struct {
	Worlds int
	// Requests and Events are expected totals; Timed says that some
	// worlds run for a duration, whose requests are estimated from the
	// arrival process (closed loop: one per think time, an upper bound).
	Requests, Events float64
	Timed            bool
	// CPU is the CPU time; Wall the time on Workers workers.
	CPU, Wall time.Duration
	Workers   int
	// Memory is the peak memory; Disk the requests file's size (0 when it
	// is not written).
	Memory, Disk float64
	// DiskFile names the requests file: requests.csv, or requests.parquet
	// with outputs.format: parquet.
	DiskFile string
}

// Estimate returns the expected cost of running s (validated) on workers
// workers (0: GOMAXPROCS), from the cost model above.
func (s *Scenario) Estimate(workers int) (Estimate, error) {
	if s.plan == nil {
		if err := s.Validate(); err != nil {
			return Estimate{}, err
		}
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	e := Estimate{Workers: workers, DiskFile: result.RequestsFile}
	rowBytes := float64(RowBytes)
	if s.Outputs.Format == formatParquet {
		e.DiskFile, rowBytes = result.RequestsParquetFile, ParquetRowBytes
	}
	var cpu float64 // seconds
	maxPhones := 0
	for i := 0; i < s.Points(); i++ {
		pt, err := s.Point(i)
		if err != nil {
			return Estimate{}, err
		}
		ps := pt.Scenario
		phones := ps.Phone.Count
		maxPhones = max(maxPhones, phones)
		for _, c := range ps.Cells() {
			n := float64(c.Requests)
			if c.Requests == 0 {
				e.Timed = true
				n = timedRequests(ps)
			}
			req := n * float64(phones*s.Replications)
			perReq := EventsPerNetworkRequest
			if strings.HasPrefix(c.Mode, "on-device") {
				perReq = EventsPerPhoneRequest
			}
			ev := req * float64(perReq)
			e.Requests += req
			e.Events += ev
			e.Worlds += s.Replications
			cpu += ev*EventCost.Seconds() + float64(phones*s.Replications)*PhoneCost.Seconds()
		}
	}
	e.CPU = durationOf(RunCost.Seconds() + cpu)
	e.Wall = durationOf(RunCost.Seconds() + cpu/float64(max(1, min(e.Workers, e.Worlds))))
	e.Memory = RunBytes + float64(min(e.Workers, max(e.Worlds, 1))*maxPhones*PhoneBytes)
	if s.Outputs.Requests {
		e.Disk = e.Requests * rowBytes
	}
	return e, nil
}

// timedRequests estimates one phone's requests in a world that runs for
// workload.duration.
func timedRequests(s *Scenario) float64 {
	d := float64(s.Workload.Duration)
	a := s.Workload.Arrivals
	switch a.Type {
	case "poisson":
		return d * float64(a.Rate)
	case "times":
		return float64(len(a.At))
	}
	if t := float64(a.Think); t > 0 {
		return d / t
	}
	return d // a closed loop without think time: one a second, a guess
}

func durationOf(s float64) time.Duration {
	if s > float64(math.MaxInt64)/1e9 {
		return time.Duration(math.MaxInt64)
	}
	return time.Duration(s * 1e9)
}

// Over returns the ceilings the estimate passes, as sentences ("" if
// none).
func (e Estimate) Over() string {
	var over []string
	if e.CPU > CeilingCPU {
		over = append(over, fmt.Sprintf("CPU time %s > %s", roundDuration(e.CPU), CeilingCPU))
	}
	if e.Memory > CeilingMemory {
		over = append(over, fmt.Sprintf("memory %s > %s", bytesText(e.Memory), bytesText(CeilingMemory)))
	}
	if e.Disk > CeilingDisk {
		over = append(over, fmt.Sprintf("%s %s > %s", e.DiskFile, bytesText(e.Disk), bytesText(CeilingDisk)))
	}
	return strings.Join(over, ", ")
}

// Write prints the estimate, one line.
func (e Estimate) Write(w io.Writer) error {
	approx := ""
	if e.Timed {
		approx = "≈"
	}
	disk := e.DiskFile + " off"
	if e.Disk > 0 {
		disk = e.DiskFile + " " + approx + bytesText(e.Disk)
	}
	_, err := fmt.Fprintf(w, "  estimate: %d worlds, %s%s requests, %s%s events; %s CPU, %s on %d worker(s); memory %s; %s (model of %s)\n",
		e.Worlds, approx, countText(e.Requests), approx, countText(e.Events), roundDuration(e.CPU), roundDuration(e.Wall), e.Workers,
		bytesText(e.Memory), disk, "2026-12-08")
	return err
}

func roundDuration(d time.Duration) time.Duration {
	switch {
	case d >= time.Hour:
		return d.Round(time.Minute)
	case d >= time.Minute:
		return d.Round(time.Second)
	case d >= time.Second:
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Millisecond)
}

func countText(x float64) string {
	switch {
	case x >= 1e9:
		return fmt.Sprintf("%.3gG", x/1e9)
	case x >= 1e6:
		return fmt.Sprintf("%.3gM", x/1e6)
	case x >= 1e4:
		return fmt.Sprintf("%.3gk", x/1e3)
	}
	return fmt.Sprintf("%.0f", x)
}

func bytesText(b float64) string {
	switch {
	case b >= 1<<30:
		return fmt.Sprintf("%.3g GiB", b/(1<<30))
	case b >= 1<<20:
		return fmt.Sprintf("%.3g MiB", b/(1<<20))
	case b >= 1<<10:
		return fmt.Sprintf("%.3g KiB", b/(1<<10))
	}
	return fmt.Sprintf("%.0f B", b)
}
