package plots

import (
	"bytes"
	"errors"
	"math"
	"testing"

	"github.com/infersim/infersim/result"
)

func TestThermalChart(t *testing.T) {
	th := &result.Thermal{Params: []string{"thermal.ambient"}, Nodes: []string{"soc", "board", "skin"}}
	for _, mode := range []string{"on-device-cpu", "cloud-gpu"} {
		for s := 1; s <= 180; s++ {
			lat := math.NaN()
			if s%2 == 0 {
				lat = 1 + float64(s)/180
			}
			th.Rows = append(th.Rows, result.ThermalRow{Params: []string{"25"}, Mode: mode, T: float64(s),
				Temps: []float64{25 + float64(s)/10, 25, 25 + float64(s)/50}, CPUMHz: 2265.6, Latency: lat})
		}
	}
	fig, err := ThermalChart(th)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := fig.Render(&b, SVG); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"on-device-cpu", "cloud-gpu", "ambient 25 °C", "mean latency", "thin: skin"} {
		if !bytes.Contains(b.Bytes(), []byte(want)) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	if bytes.Contains(b.Bytes(), []byte("phone ")) {
		t.Error("one phone: the SVG has a per-phone column title")
	}
	// Two phones (phone.device swept with its processors): a column per
	// phone, titled by it; phone.cpu is not a variant.
	two := &result.Thermal{Params: []string{"phone.device", "phone.cpu", "thermal.ambient"}, Nodes: th.Nodes}
	for _, r := range th.Rows {
		for pt, dev := range []string{"nexus5", "pixel4"} {
			r.Point, r.Params = pt, []string{dev, dev + "-cpu", "25"}
			if dev == "pixel4" {
				r.Latency = r.Latency / 40
			}
			two.Rows = append(two.Rows, r)
		}
	}
	fig, err = ThermalChart(two)
	if err != nil {
		t.Fatal(err)
	}
	b.Reset()
	if err := fig.Render(&b, SVG); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"phone nexus5", "phone pixel4", "ambient 25 °C"} {
		if !bytes.Contains(b.Bytes(), []byte(want)) {
			t.Errorf("two phones: SVG lacks %q", want)
		}
	}
	if bytes.Contains(b.Bytes(), []byte("nexus5-cpu")) {
		t.Error("two phones: phone.cpu shown as a variant")
	}
	if _, err := ThermalChart(&result.Thermal{Nodes: []string{"soc"}}); !errors.Is(err, ErrEmpty) {
		t.Errorf("no rows: %v, want ErrEmpty", err)
	}
	th.Nodes = []string{"die", "board", "skin"}
	if _, err := ThermalChart(th); err == nil {
		t.Error("no soc node: no error")
	}
}
