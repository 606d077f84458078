package devices

import (
	"os"
	"testing"

	"github.com/infersim/infersim/devices/engine"
	"github.com/infersim/infersim/models"
	"github.com/infersim/infersim/network"
	"github.com/infersim/infersim/result"
	"github.com/infersim/infersim/sim"
)

// benchEngines returns the shipped Nexus 5 and K80 processors compiled
// against the test kernel profile, or stubs with AlexNet's 24 layers if
// that profile is missing.
func benchEngines(b *testing.B) (cpu, gpu, srv Engine) {
	if f, err := os.Open("testdata/processor-kernel-profile.yaml"); err == nil {
		defer f.Close()
		if kp, err := models.ReadProfile(f, "processor-kernel-profile.yaml"); err == nil {
			c, err1 := engine.LoadProcessor("nexus5-caffe-cpu", kp)
			g, err2 := engine.LoadProcessor("nexus5-cnndroid-gpu", kp)
			s, err3 := engine.LoadProcessor("cloud-gpu-k80", kp)
			if err1 == nil && err2 == nil && err3 == nil {
				return c, g, s
			}
		}
	}
	b.Log("using stub processors")
	c := stubCaffe()
	c.cv = 0.1
	return c, stubCNNdroid(), stubServer(engine.ServerGPU, 1e12)
}

// BenchmarkRequests measures the simulator's cost per request: a phone
// issuing requests one after another (AlexNet, 960×540, resident model)
// for on-device-cpu, cloud-gpu over campus WiFi, split after pool5, and
// auto (which estimates every cut before each request).
// It reports simulated requests per wall-clock second and allocations per
// request; -benchtime 1x is fast.
func BenchmarkRequests(b *testing.B) {
	cpu, gpu, srv := benchEngines(b)
	net, _ := models.Zoo("alexnet")
	pool5 := 0
	for _, s := range net.SplitPoints() {
		if s.Name == "pool5" {
			pool5 = s.AfterLayer + 1
		}
	}
	for _, c := range []struct {
		name string
		mode Mode
	}{
		{"on-device-cpu", Mode{Kind: OnDeviceCPU}},
		{"cloud-gpu", Mode{Kind: CloudGPU}},
		{"split", splitAt(pool5)},
		{"auto", Mode{Kind: Auto}},
	} {
		b.Run(c.name, func(b *testing.B) {
			spec, err := LookupPhone("nexus5")
			if err != nil {
				b.Fatal(err)
			}
			env := sim.NewEnv()
			defer env.Close()
			streams := sim.NewStreams(1)
			ph, err := NewPhone(env, streams, "phone[0]", spec, PhoneOptions{CPU: cpu, GPU: gpu})
			if err != nil {
				b.Fatal(err)
			}
			p, _ := network.LookupPreset("campus-wifi")
			link, err := network.NewLink(env, streams, "link[0]", p.Link)
			if err != nil {
				b.Fatal(err)
			}
			s, err := NewServer(env, streams, "server", ServerConfig{Engine: srv, Workers: 1, MaxBatch: 1}, nil)
			if err != nil {
				b.Fatal(err)
			}
			if err := ph.Connect(link, s); err != nil {
				b.Fatal(err)
			}
			n, ok := 0, 0
			ph.OnRecord(func(r *result.Record) {
				n++
				if r.Outcome == result.OK {
					ok++
				}
			})
			if _, err := ph.Preload("alexnet", engine.PhoneCPU); err != nil {
				b.Fatal(err)
			}
			if err := env.RunUntil(100); err != nil {
				b.Fatal(err)
			}
			rq := Request{Model: "alexnet", Mode: c.mode, Width: 960, Height: 540}
			// A warm-up request fills the pools.
			if err := ph.Submit(rq); err != nil {
				b.Fatal(err)
			}
			if err := env.RunUntil(120); err != nil {
				b.Fatal(err)
			}
			driver := func(p *sim.Proc) error {
				for range b.N {
					if err := ph.Submit(rq); err != nil {
						return err
					}
					if err := p.Sleep(10); err != nil {
						return err
					}
				}
				return nil
			}
			b.ReportAllocs()
			b.ResetTimer()
			env.Process("driver", driver)
			if err := env.Run(); err != nil {
				b.Fatal(err)
			}
			ph.Flush()
			b.StopTimer()
			if n != b.N+1 || ok != n {
				b.Fatalf("%d records, %d ok, want %d", n, ok, b.N+1)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "requests/s")
		})
	}
}
