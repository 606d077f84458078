package result

import (
	"math"
	"strings"
	"testing"
)

const thermalSample = `point,thermal.ambient,replication,model,mode,image,phone,t_s,soc_c,board_c,skin_c,cpu_mhz,gpu_mhz,throttled,power_w,latency_s
0,25,0,alexnet,on-device-cpu,960x540,0,1,25.032,25.000,25.019,2265.6,450.0,0.000,0.7828,
1,35,1,alexnet,cloud-gpu,960x540,2,60,42.400,40.600,40.100,2265.6,450.0,0.250,1.2500,0.2600
`

func TestReadThermal(t *testing.T) {
	th, err := ReadThermal(strings.NewReader(thermalSample), "thermal.csv")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(th.Params, ",") != "thermal.ambient" || strings.Join(th.Nodes, ",") != "soc,board,skin" || len(th.Rows) != 2 {
		t.Fatalf("params %v nodes %v rows %d", th.Params, th.Nodes, len(th.Rows))
	}
	r := th.Rows[1]
	if r.Point != 1 || r.Params[0] != "35" || r.Replication != 1 || r.Mode != "cloud-gpu" || r.Phone != 2 || r.T != 60 ||
		r.Temps[0] != 42.4 || r.CPUMHz != 2265.6 || r.Throttled != 0.25 || r.Power != 1.25 || r.Latency != 0.26 {
		t.Errorf("row 1 = %+v", r)
	}
	if !math.IsNaN(th.Rows[0].Latency) {
		t.Errorf("empty latency read as %v", th.Rows[0].Latency)
	}
	if !math.IsNaN(r.Online) {
		t.Errorf("file without cpu_online: Online = %v, want NaN", r.Online)
	}
	// With the hotplug column (cpu_online between throttled and power_w).
	withOnline := `point,replication,model,mode,image,phone,t_s,soc_c,cpu_mhz,gpu_mhz,throttled,cpu_online,power_w,latency_s
0,0,alexnet,on-device-cpu,960x540,0,5,81.000,300.0,0.0,1.000,2.75,2.5000,3.1000
`
	th, err = ReadThermal(strings.NewReader(withOnline), "thermal.csv")
	if err != nil {
		t.Fatal(err)
	}
	if r := th.Rows[0]; r.Online != 2.75 || r.Power != 2.5 || r.Latency != 3.1 || r.Throttled != 1 {
		t.Errorf("row with cpu_online = %+v", r)
	}
	for _, bad := range []string{"", "a,b\n", strings.Replace(thermalSample, "25.032", "hot", 1), strings.Replace(thermalSample, "soc_c", "soc", 1),
		strings.Replace(withOnline, "cpu_online", "cpu_cores", 1)} {
		if _, err := ReadThermal(strings.NewReader(bad), "thermal.csv"); err == nil {
			t.Errorf("no error for %q", bad)
		}
	}
}

func FuzzReadThermal(f *testing.F) {
	f.Add(thermalSample)
	f.Add("point,replication,model,mode,image,phone,t_s,cpu_mhz,gpu_mhz,throttled,power_w,latency_s\n")
	f.Add("point,replication,model,mode,image,phone,t_s,soc_c,cpu_mhz,gpu_mhz,throttled,cpu_online,power_w,latency_s\n0,0,alexnet,on-device-cpu,960x540,0,5,81.000,300.0,0.0,1.000,2.75,2.5000,3.1000\n")
	f.Fuzz(func(t *testing.T, s string) {
		th, err := ReadThermal(strings.NewReader(s), "thermal.csv")
		if err != nil {
			return
		}
		for _, r := range th.Rows {
			if len(r.Temps) != len(th.Nodes) || len(r.Params) != len(th.Params) {
				t.Fatalf("row %+v for nodes %v params %v", r, th.Nodes, th.Params)
			}
		}
	})
}
