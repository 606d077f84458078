package plots_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/infersim/infersim/result"
)

// The fixed result sets the examples and golden tests draw. The numbers are
// shaped after the study (Guo 2018; facts G7-load, P1, P6-openblas,
// C-*-cpu/gpu, N-campus in reference/facts.yaml) so that the charts look
// like a real run's, but they are written by hand, not simulated.

// stat returns a Stat with the given mean and a CI of ci; percentiles are
// spread around the mean.
func stat(n int, mean, ci float64) result.Stat {
	return result.Stat{N: n, Mean: mean, SD: ci * 2, CI95: ci, Min: mean * 0.8,
		P50: mean * 0.97, P95: mean * 1.25, P99: mean * 1.5, Max: mean * 1.7}
}

// group builds one summary from phase means (seconds) and component energies
// (joules).
func group(point int, model, mode string, start result.Start, phases map[result.Phase]float64, energy [result.NumComponents]float64, battery float64) result.Summary {
	const n = 200
	s := result.Summary{Key: result.Key{Point: point, Model: model, Mode: mode, Image: "3840x2160", Start: start}, Requests: n}
	s.Outcomes[result.OK] = n
	total := 0.0
	for _, p := range result.Phases() {
		v := phases[p]
		s.Phases[p] = stat(n, v, v*0.03)
		total += v
	}
	s.Latency = stat(n, total, total*0.025)
	et := 0.0
	for c, e := range energy {
		s.Energy[c] = stat(n, e, e*0.03)
		et += e
	}
	s.EnergyTotal = stat(n, et, et*0.03)
	s.BatteryPer1000 = battery
	s.Throughput = 1 / total
	return s
}

type ph = map[result.Phase]float64

// exampleSummaries is one point of the study's experiment: AlexNet and
// SqueezeNet, on the phone (Caffe CPU, CNNdroid GPU) and in the cloud (CPU,
// GPU), cold and warm starts on the phone.
func exampleSummaries() []result.Summary {
	const (
		L, P, C, G = result.Load, result.Preprocess, result.Compute, result.GC
		U, Q, S, D = result.Upload, result.Queue, result.Server, result.Download
	)
	type E = [result.NumComponents]float64
	sums := []result.Summary{
		group(0, "alexnet", "on-device-cpu", result.Cold, ph{L: 3.9, P: 0.31, C: 1.46, G: 0.21}, E{7.9, 0, 0, 1.9}, 0.53),
		group(0, "alexnet", "on-device-cpu", result.Warm, ph{P: 0.31, C: 1.46, G: 0.09}, E{2.6, 0, 0, 0.6}, 0.21),
		group(0, "alexnet", "on-device-gpu", result.Cold, ph{L: 88, P: 0.31, C: 0.85, G: 0.35}, E{96, 14, 0, 29}, 9.1),
		group(0, "alexnet", "on-device-gpu", result.Warm, ph{P: 0.31, C: 0.85, G: 0.04}, E{0.5, 1.7, 0, 0.4}, 0.18),
		group(0, "alexnet", "cloud-cpu", result.Warm, ph{P: 0.031, U: 0.052, Q: 0.004, S: 0.118, D: 0.006}, E{0.04, 0, 0.19, 0.07}, 0.02),
		group(0, "alexnet", "cloud-gpu", result.Warm, ph{P: 0.031, U: 0.052, Q: 0.001, S: 0.011, D: 0.006}, E{0.04, 0, 0.15, 0.03}, 0.014),
		group(0, "squeezenet", "on-device-cpu", result.Cold, ph{L: 0.42, P: 0.31, C: 0.61, G: 0.05}, E{2.2, 0, 0, 0.5}, 0.16),
		group(0, "squeezenet", "on-device-cpu", result.Warm, ph{P: 0.31, C: 0.61, G: 0.03}, E{1.5, 0, 0, 0.36}, 0.11),
		group(0, "squeezenet", "cloud-cpu", result.Warm, ph{P: 0.031, U: 0.052, Q: 0.002, S: 0.038, D: 0.006}, E{0.04, 0, 0.14, 0.05}, 0.014),
		group(0, "squeezenet", "cloud-gpu", result.Warm, ph{P: 0.031, U: 0.052, Q: 0.001, S: 0.005, D: 0.006}, E{0.04, 0, 0.13, 0.04}, 0.012),
	}
	// CNNdroid has no concat layer (fact P5): every SqueezeNet request fails.
	unsupported := result.Summary{Key: result.Key{Point: 0, Model: "squeezenet", Mode: "on-device-gpu", Image: "3840x2160", Start: result.Cold}, Requests: 200}
	unsupported.Outcomes[result.Unsupported] = 200
	unsupported.Latency = result.Stat{Mean: math.NaN(), SD: math.NaN(), CI95: math.NaN(), Min: math.NaN(), P50: math.NaN(), P95: math.NaN(), P99: math.NaN(), Max: math.NaN()}
	unsupported.EnergyTotal = result.Stat{Mean: math.NaN(), CI95: math.NaN()}
	for i := range unsupported.Phases {
		unsupported.Phases[i] = result.Stat{Mean: math.NaN()}
	}
	for i := range unsupported.Energy {
		unsupported.Energy[i] = result.Stat{Mean: math.NaN()}
	}
	unsupported.BatteryPer1000 = 0 // a plain float in summary.json: NaN would not marshal
	return append(sums[:8:8], append([]result.Summary{unsupported}, sums[8:]...)...)
}

// sweepBandwidths are the uplink bandwidths of the example sweep, bit/s.
var sweepBandwidths = []float64{0.25e6, 0.5e6, 1e6, 2e6, 5e6, 10e6, 25e6}

// sweepSummaries is a sweep over the uplink bandwidth: AlexNet on the
// phone's CPU (flat), and in the cloud (an image of 150 kB to upload, so
// latency falls as the link gets faster). Warm starts only, start "all".
func sweepSummaries() []result.Summary {
	const imageBits = 150e3 * 8
	var sums []result.Summary
	for i, bw := range sweepBandwidths {
		params := []result.Param{{Name: "network.uplink.bandwidth", Value: fmt.Sprintf("%gMbps", bw/1e6), Number: bw}}
		up := imageBits / bw
		add := func(mode string, lat, energy float64) {
			n := 400
			s := result.Summary{Key: result.Key{Point: i, Model: "alexnet", Mode: mode, Image: "3840x2160", Start: result.All}, Params: params, Requests: n}
			s.Outcomes[result.OK] = n
			s.Latency = result.Stat{N: n, Mean: lat, CI95: lat * 0.04, SD: lat * 0.3, P50: lat * 0.95, P95: lat * 1.4, P99: lat * 1.8}
			s.EnergyTotal = stat(n, energy, energy*0.05)
			sums = append(sums, s)
		}
		add("on-device-cpu", 1.86, 3.2)
		add("on-device-gpu", 1.22+0.02*float64(i%2), 2.6)
		add("cloud-cpu", 0.03+up+0.004+0.118+0.006, 0.25+1.6*up)
		add("cloud-gpu", 0.03+up+0.001+0.011+0.006, 0.2+1.6*up)
	}
	return sums
}

// exampleRecords draws request records for the CDF: AlexNet in four
// modes, 600 requests each, and SqueezeNet in two modes at two image sizes,
// 300 each; log-normal latencies around the example means, a few cold
// starts on the phone. Seeded, so the same records every time.
func exampleRecords() []result.Record {
	rng := rand.New(rand.NewPCG(1, 2))
	type m struct {
		mode        string
		median, cv  float64
		cold        float64 // cold-start latency
		coldEvery   int
		failedEvery int
	}
	modes := []m{
		{"on-device-cpu", 1.8, 0.08, 5.8, 50, 0},
		{"on-device-gpu", 1.2, 0.06, 89, 100, 0},
		{"cloud-cpu", 0.21, 0.25, 0, 0, 0},
		{"cloud-gpu", 0.10, 0.35, 0, 0, 120},
	}
	var recs []result.Record
	for _, md := range modes {
		t := 0.0
		for i := 0; i < 600; i++ {
			r := result.NewRecord()
			r.Model, r.Mode, r.Image, r.Request = "alexnet", md.mode, "3840x2160", i
			lat := md.median * math.Exp(md.cv*rng.NormFloat64())
			if md.coldEvery > 0 && i%md.coldEvery == 0 {
				lat, r.Cold = md.cold*(1+0.02*rng.NormFloat64()), true
			}
			r.Arrival, r.End = t, t+lat
			if md.failedEvery > 0 && i%md.failedEvery == 7 {
				r.Outcome = result.Timeout
			}
			t = r.End + 1
			recs = append(recs, r)
		}
	}
	// SqueezeNet at two image sizes: the small photo preprocesses and
	// uploads faster.
	for _, img := range []struct {
		name  string
		scale float64
	}{{"3840x2160", 1}, {"960x540", 0.7}} {
		for _, md := range []m{{"on-device-cpu", 0.95, 0.08, 1.4, 50, 0}, {"cloud-gpu", 0.09, 0.35, 0, 0, 0}} {
			t := 0.0
			for i := 0; i < 300; i++ {
				r := result.NewRecord()
				r.Model, r.Mode, r.Image, r.Request = "squeezenet", md.mode, img.name, i
				lat := md.median * img.scale * math.Exp(md.cv*rng.NormFloat64())
				if md.coldEvery > 0 && i%md.coldEvery == 0 {
					lat, r.Cold = md.cold*(1+0.02*rng.NormFloat64()), true
				}
				r.Arrival, r.End = t, t+lat
				t = r.End + 1
				recs = append(recs, r)
			}
		}
	}
	return recs
}

// exampleSpans is one replication's timeline: a phone that loads AlexNet
// cold on its CPU and infers twice, then sends one image to the cloud over
// LTE.
func exampleSpans() []result.Span {
	var sp []result.Span
	add := func(lane, label string, a, b float64) {
		sp = append(sp, result.Span{Lane: lane, Label: label, Start: a, End: b})
	}
	// request 0: cold on-device
	add("phone[0]/cpu", "load", 0, 3.9)
	add("phone[0]/cpu", "preprocess", 3.9, 4.21)
	t := 4.21
	layers := []struct {
		name string
		d    float64
	}{{"conv1", 0.31}, {"conv2", 0.36}, {"conv3", 0.22}, {"conv4", 0.19}, {"conv5", 0.13}, {"fc6", 0.16}, {"fc7", 0.07}, {"fc8", 0.02}}
	for _, l := range layers {
		if l.name == "conv3" {
			add("phone[0]/gc", "gc pause", t, t+0.12)
			t += 0.12
		}
		add("phone[0]/cpu", l.name, t, t+l.d)
		t += l.d
	}
	// request 1: warm on-device
	t += 0.5
	add("phone[0]/cpu", "preprocess", t, t+0.31)
	t += 0.31
	for _, l := range layers {
		add("phone[0]/cpu", l.name, t, t+l.d)
		t += l.d
	}
	// request 2: cloud over LTE
	t += 0.5
	add("phone[0]/cpu", "preprocess", t, t+0.03)
	t += 0.03
	add("phone[0]/radio", "promotion", t, t+0.26)
	add("link[0]/up", "handshake", t+0.26, t+0.36)
	add("link[0]/up", "upload", t+0.36, t+0.61)
	add("server/queue", "queued", t+0.61, t+0.64)
	add("server/worker[0]", "alexnet", t+0.64, t+0.76)
	add("link[0]/down", "download", t+0.76, t+0.83)
	add("phone[0]/radio", "active", t+0.26, t+0.83)
	add("phone[0]/radio", "tail", t+0.83, t+0.83+2.5)
	return sp
}

// exampleLayers is AlexNet's per-layer host timing (a calibration profile).
func exampleLayers() []result.LayerTiming {
	rows := []struct {
		name, kind string
		ms, gf     float64
	}{
		{"conv1", "Convolution", 9.1, 23}, {"relu1", "ReLU", 0.42, 0}, {"norm1", "LRN", 1.9, 0}, {"pool1", "Pooling", 0.61, 0},
		{"conv2", "Convolution", 17.5, 51}, {"relu2", "ReLU", 0.27, 0}, {"norm2", "LRN", 1.2, 0}, {"pool2", "Pooling", 0.38, 0},
		{"conv3", "Convolution", 11.8, 51}, {"relu3", "ReLU", 0.09, 0},
		{"conv4", "Convolution", 9.2, 49}, {"relu4", "ReLU", 0.09, 0},
		{"conv5", "Convolution", 6.3, 47}, {"relu5", "ReLU", 0.06, 0}, {"pool5", "Pooling", 0.08, 0},
		{"fc6", "InnerProduct", 14.9, 5.1}, {"relu6", "ReLU", 0.01, 0}, {"fc7", "InnerProduct", 6.7, 5.0},
		{"relu7", "ReLU", 0.01, 0}, {"fc8", "InnerProduct", 1.7, 4.8}, {"prob", "Softmax", 0.02, 0},
	}
	out := make([]result.LayerTiming, len(rows))
	for i, r := range rows {
		s := r.ms / 1e3
		out[i] = result.LayerTiming{Model: "alexnet", Layer: r.name, Kind: r.kind, Median: s, P10: s * 0.93, P90: s * 1.12, GFLOPs: r.gf}
	}
	return out
}

// exampleValidation compares a few reference facts with a simulated run:
// fitted rows (the processor profiles were fitted to them) and held-out
// rows.
func exampleValidation() []result.ValidationRow {
	row := func(id, what, unit string, ref, sim, ci, tol float64, fitted bool) result.ValidationRow {
		e := (sim - ref) / ref
		return result.ValidationRow{ID: id, What: what, Source: "Guo 2018", Reference: ref, Simulated: sim, CI95: ci,
			Error: e, Unit: unit, Fitted: fitted, Tolerance: tol, Pass: math.Abs(e) <= tol, Low: math.NaN(), High: math.NaN()}
	}
	rows := []result.ValidationRow{
		row("P6-openblas", "Caffe CPU prediction, CaffeNet", "s", 1.458, 1.49, 0.02, 0.1, true),
		row("P1", "CNNdroid compute, CaffeNet", "s", 0.85, 0.83, 0.015, 0.1, true),
		row("G7-load", "CNNdroid model load, AlexNet", "s", 88, 84.1, 1.2, 0.25, true),
		row("C-squeezenet-cpu", "cloud CPU inference, SqueezeNet", "s", 0.038086, 0.0392, 0.0008, 0.15, false),
		row("C-squeezenet-gpu", "cloud GPU inference, SqueezeNet", "s", 0.004908, 0.0061, 0.0002, 0.15, false),
		row("N-campus", "network transfer, campus WiFi", "s", 0.0579, 0.0561, 0.002, 0.2, false),
		row("G5-time", "on-device over cloud latency, largest ratio", "×", 100, 71, 4, 0.5, false),
	}
	rows[2].Low, rows[2].High = 80, 95
	return rows
}

// versusSummaries is exampleSummaries at two image sizes: the small photo
// (960x540) preprocesses and uploads faster, so its cloud requests are a
// fifth shorter and its phone requests a little.
func versusSummaries() []result.Summary {
	sums := exampleSummaries()
	n := len(sums)
	for i := 0; i < n; i++ {
		s := sums[i]
		s.Image = "960x540"
		f := 0.97
		if strings.HasPrefix(s.Mode, "cloud") {
			f = 0.8
		}
		s.Latency.Mean *= f
		s.Latency.CI95 *= f
		s.EnergyTotal.Mean *= f
		s.EnergyTotal.CI95 *= f
		sums = append(sums, s)
	}
	return sums
}
