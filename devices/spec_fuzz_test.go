package devices

import (
	"strings"
	"testing"
)

// FuzzReadPhoneSpec checks that ReadPhoneSpec never panics, fails only with
// the package prefix, and that what it accepts, whole or as an override of
// a preset, validates. A whole preset (6 KB) as a seed kept the fuzzer
// minimizing (8 executions in 30 s): the seeds are each top-level section
// of each preset, without comments, as an override of the Nexus 5, and
// small hand-written specs.
func FuzzReadPhoneSpec(f *testing.F) {
	for _, name := range Phones() {
		b, err := phonesFS.ReadFile("phones/" + name + ".yaml")
		if err != nil {
			f.Fatal(err)
		}
		var section strings.Builder
		flush := func() {
			if section.Len() > 0 && section.Len() <= 1024 {
				f.Add(section.String(), true)
			}
			section.Reset()
		}
		for _, line := range strings.Split(string(b), "\n") {
			line, _, _ = strings.Cut(line, " #")
			t := strings.TrimSpace(line)
			if t == "" || strings.HasPrefix(t, "#") {
				continue
			}
			if line[0] != ' ' && line[0] != '-' {
				flush()
			}
			section.WriteString(strings.TrimRight(line, " ") + "\n")
		}
		flush()
	}
	f.Add("name: p\ncpu: {name: c, cores: 4}\nmemory: {ram: 2GB, system_reserve: 700MB}\n", false)
	f.Add("memory: {ram: 1GB, background_pressure: 0.5}\n", true)
	f.Add("power: {cpu_idle: 10mW}\nheap: {large_heap: false}\n", true)
	f.Add("cpu: {cores: fact:M-nexus5-cores}\n", true)
	f.Add("battery: {capacity: -1mAh}\n", true)
	base, err := LookupPhone("nexus5")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string, override bool) {
		var b *PhoneSpec
		if override {
			b = &base
		}
		spec, err := ReadPhoneSpec(strings.NewReader(s), "fuzz.yaml", b)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "devices: ") {
				t.Fatalf("error without the package prefix: %v", err)
			}
			return
		}
		if err := spec.Validate(); err != nil {
			t.Fatalf("accepted spec does not validate: %v", err)
		}
	})
}
