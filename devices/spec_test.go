package devices

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/infersim/infersim/reference"
	"github.com/infersim/infersim/units"
	"go.yaml.in/yaml/v3"
)

func TestParseMode(t *testing.T) {
	for _, s := range []string{"on-device-cpu", "on-device-gpu", "cloud-cpu", "cloud-gpu", "split:0", "split:7", "auto"} {
		m, err := ParseMode(s)
		if err != nil {
			t.Fatalf("ParseMode(%q): %v", s, err)
		}
		if m.String() != s {
			t.Errorf("ParseMode(%q).String() = %q", s, m.String())
		}
		var u Mode
		b, _ := m.MarshalText()
		if err := u.UnmarshalText(b); err != nil || u != m {
			t.Errorf("text round trip of %q: %v, %v", s, u, err)
		}
	}
	if m, _ := ParseMode("split:7"); m != splitAt(7) || m.K != 7 {
		t.Errorf("split:7 = %+v", m)
	}
	for _, s := range []string{"", "split", "split:", "split:-1", "split:x", "cloud", "split:1.5", "on-device"} {
		if _, err := ParseMode(s); err == nil || !strings.HasPrefix(err.Error(), "devices: ") {
			t.Errorf("ParseMode(%q) error = %v, want a devices: error", s, err)
		}
	}
	for _, s := range []string{"resized", "original"} {
		u, err := ParseUploadKind(s)
		if err != nil || u.String() != s {
			t.Errorf("ParseUploadKind(%q) = %v, %v", s, u, err)
		}
	}
	if _, err := ParseUploadKind("jpeg"); err == nil {
		t.Error("ParseUploadKind(jpeg) succeeded")
	}
	if o, err := ParseObjective("energy"); err != nil || o != MinEnergy || o.String() != "energy" {
		t.Errorf("ParseObjective(energy) = %v, %v", o, err)
	}
}

func TestNexus5Preset(t *testing.T) {
	s, err := LookupPhone("nexus5")
	if err != nil {
		t.Fatal(err)
	}
	fact := func(id string) float64 { return reference.MustLookup(id).Value }
	checks := []struct {
		name      string
		got, want float64
	}{
		{"cores", float64(s.CPU.Cores), fact("M-nexus5-cores")},
		{"ram", float64(s.Memory.RAM), fact("M-nexus5-ram")},
		{"battery", float64(s.Battery.Capacity), fact("M-nexus5-battery")},
		{"heap limit", float64(s.Heap.Limit), 192 * 1 << 20},
		{"large heap", float64(s.Heap.LargeLimit), fact("M-heap-large")},
		{"target utilization", s.Heap.TargetUtilization, 0.75},
		{"blocking pause", float64(s.GC.BlockingPause), 0.050},
		{"concurrent total", float64(s.GC.ConcurrentTotal), 0.712},
		{"reference live", float64(s.GC.ReferenceLive), 190e6},
		{"sticky pause", float64(s.GC.ConcurrentPause), 0.001},
		{"lmk cached", float64(s.LMK.Minfree[4]), 144e6},
		{"lmk foreground", float64(s.LMK.Minfree[0]), 72e6},
		// power_profile.xml currents × 3.8 V, by hand
		{"cpu idle", float64(s.Power.CPUIdle), 17.4e-3 * 3.8},
		{"one core (cpu.active)", float64(s.Power.CPUShared + s.Power.CPUPerCore), 386.2e-3 * 3.8},
		{"cpu per core (Krait rail, scaled)", float64(s.Power.CPUPerCore), 0.75 * 386.2 / 256.5},
		{"high per core (cpu.active)", float64(s.Power.High.CPUPerCore), 386.2e-3 * 3.8},
		{"low one core", float64(s.Power.Low.CPUShared + s.Power.Low.CPUPerCore), 386.2e-3 * 3.8},
		{"low per core", float64(s.Power.Low.CPUPerCore), 0.45 * 386.2 / 256.5},
		{"base", float64(s.Power.Base), (82.75e-3 + 0.5*201.16e-3) * 3.8},
		{"read rate", float64(s.Storage.ReadRate), 76.29e6},
		{"min free", float64(s.Heap.MinFree), 512 * 1024},
		{"max free", float64(s.Heap.MaxFree), 8 << 20},
	}
	for _, c := range checks {
		if !near(c.got, c.want, 1e-9) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	// 2300 mAh × 3.8 V = 8.28 kC × 3.8 = 31 464 J.
	if e := s.Battery.Energy(); !near(float64(e), 31464, 1e-9) {
		t.Errorf("battery energy = %v, want 31464 J", e)
	}
	if d := s.Battery.Drain(314.64); !near(d, 1, 1e-9) {
		t.Errorf("drain of 314.64 J = %v %%, want 1 %%", d)
	}
	if got := Phones(); len(got) == 0 || got[0] != "nexus5" {
		t.Errorf("Phones() = %v", got)
	}
}

// TestPresetsCiteEverything checks that every number of every shipped
// preset is a reference fact or has an entry in sources.
func TestPresetsCiteEverything(t *testing.T) {
	for _, name := range Phones() {
		b, err := phonesFS.ReadFile("phones/" + name + ".yaml")
		if err != nil {
			t.Fatal(err)
		}
		var root yaml.Node
		if err := yaml.Unmarshal(b, &root); err != nil {
			t.Fatal(err)
		}
		s, err := LookupPhone(name)
		if err != nil {
			t.Fatal(err)
		}
		var walk func(n *yaml.Node, path string)
		walk = func(n *yaml.Node, path string) {
			switch n.Kind {
			case yaml.DocumentNode:
				walk(n.Content[0], path)
			case yaml.MappingNode:
				for i := 0; i+1 < len(n.Content); i += 2 {
					k := n.Content[i].Value
					if path == "" && (k == "sources" || k == "name" || k == "description") {
						continue
					}
					p := k
					if path != "" {
						p = path + "." + k
					}
					walk(n.Content[i+1], p)
				}
			case yaml.ScalarNode:
				v := n.Value
				if strings.HasPrefix(v, "fact:") || strings.HasSuffix(path, ".name") || strings.HasSuffix(path, ".model") ||
					strings.HasSuffix(path, ".switch") || strings.HasSuffix(path, "_requests") {
					return
				}
				if _, ok := s.Sources[path]; !ok {
					t.Errorf("%s: %s = %s has no source", name, path, v)
				}
			}
		}
		walk(&root, "")
	}
}

func TestPhoneSpecValidate(t *testing.T) {
	base, err := LookupPhone("nexus5")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		field string
		edit  func(*PhoneSpec)
	}{
		{"cpu.cores", func(s *PhoneSpec) { s.CPU.Cores = 0 }},
		{"memory.ram", func(s *PhoneSpec) { s.Memory.RAM = 0 }},
		{"memory.system_reserve", func(s *PhoneSpec) { s.Memory.SystemReserve = s.Memory.RAM }},
		{"memory.background_pressure", func(s *PhoneSpec) { s.Memory.BackgroundPressure = 1 }},
		{"memory.fluctuation.model", func(s *PhoneSpec) { s.Memory.Fluctuation.Model = "brownian" }},
		{"memory.fluctuation.step", func(s *PhoneSpec) { s.Memory.Fluctuation.Model, s.Memory.Fluctuation.Step = "ou", 0 }},
		{"storage.read_rate", func(s *PhoneSpec) { s.Storage.ReadRate = -1 }},
		{"battery.voltage", func(s *PhoneSpec) { s.Battery.Voltage = 0 }},
		{"power.gpu_active", func(s *PhoneSpec) { s.Power.GPUActive = -1 }},
		{"heap.target_utilization", func(s *PhoneSpec) { s.Heap.TargetUtilization = 1.5 }},
		{"heap.min_free", func(s *PhoneSpec) { s.Heap.MinFree = 16 << 20 }},
		{"heap.large_limit", func(s *PhoneSpec) { s.Heap.LargeLimit = 1 << 20 }},
		{"gc.pause_scale", func(s *PhoneSpec) { s.GC.PauseScale = -1 }},
		{"gc.reference_live", func(s *PhoneSpec) { s.GC.ReferenceLive = 0 }},
		{"lmk.minfree", func(s *PhoneSpec) { s.LMK.Minfree = s.LMK.Minfree[:3] }},
		{"lmk.minfree[2]", func(s *PhoneSpec) { s.LMK.Minfree[2] = 1 }},
		{"lmk.background_state", func(s *PhoneSpec) { s.LMK.BackgroundState = "frozen" }},
		{"lifecycle.switch", func(s *PhoneSpec) { s.Lifecycle.Switch = "sometimes" }},
		{"lifecycle.every", func(s *PhoneSpec) { s.Lifecycle.Switch, s.Lifecycle.Every = "every", 0 }},
		{"lifecycle.mean_background", func(s *PhoneSpec) { s.Lifecycle.Switch, s.Lifecycle.MeanBackground = "exponential", 0 }},
		{"lifecycle.background_requests", func(s *PhoneSpec) { s.Lifecycle.BackgroundRequests = "queue" }},
	}
	for _, c := range cases {
		s := base.clone()
		c.edit(&s)
		err := s.Validate()
		if err == nil || !strings.Contains(err.Error(), c.field+":") || !strings.HasPrefix(err.Error(), "devices: ") {
			t.Errorf("%s: Validate() = %v, want an error naming the field", c.field, err)
		}
	}
	if err := base.Validate(); err != nil {
		t.Errorf("nexus5: %v", err)
	}
}

func TestReadPhoneSpecOverrides(t *testing.T) {
	base, err := LookupPhone("nexus5")
	if err != nil {
		t.Fatal(err)
	}
	s, err := ReadPhoneSpec(strings.NewReader("memory:\n  background_pressure: 0.6\nheap:\n  large_heap: false\ngc:\n  pause_scale: 2\n  blocking_pause: fact:M-gc-slow-total\n"), "override.yaml", &base)
	if err != nil {
		t.Fatal(err)
	}
	if s.Memory.BackgroundPressure != 0.6 || s.Heap.LargeHeap || s.GC.PauseScale != 2 || s.GC.BlockingPause != 0.1 {
		t.Errorf("overrides not applied: %+v %+v %+v", s.Memory, s.Heap, s.GC)
	}
	if s.Memory.RAM != base.Memory.RAM || s.Heap.Max() != 192<<20 || len(s.LMK.Minfree) != 6 {
		t.Errorf("untouched fields changed: ram %v heap %v lmk %v", s.Memory.RAM, s.Heap.Max(), s.LMK.Minfree)
	}
	for _, bad := range []struct{ yaml, want string }{
		{"gc:\n  pause_scal: 2\n", "pause_scal"},
		{"heap:\n  limit: 192\n", "heap"},
		{"gc:\n  blocking_pause: fact:NO-SUCH\n", "gc.blocking_pause: no reference fact"},
		{"gc:\n  pause_scale: -1\n", "gc.pause_scale"},
	} {
		_, err := ReadPhoneSpec(strings.NewReader(bad.yaml), "bad.yaml", &base)
		if err == nil || !strings.Contains(err.Error(), bad.want) || !strings.Contains(err.Error(), "bad.yaml") {
			t.Errorf("%q: error %v, want one naming %q and the file", bad.yaml, err, bad.want)
		}
	}
	if _, err := LookupPhone("iphone"); err == nil {
		t.Error("LookupPhone(iphone) succeeded")
	}
	// A whole preset read back from its own text gives the same spec.
	b, _ := phonesFS.ReadFile("phones/nexus5.yaml")
	again, err := ReadPhoneSpec(bytes.NewReader(b), "nexus5.yaml", nil)
	if err != nil || again.Heap != base.Heap || again.GC != base.GC || !reflect.DeepEqual(again.Power, base.Power) {
		t.Errorf("reread differs: %v", err)
	}
	_ = units.Bytes(0)
}
