package thermal

import "testing"

// FuzzParseTables: the OPP table parser never panics, and whatever it
// accepts is valid (ascending, positive frequencies, cited).
func FuzzParseTables(f *testing.F) {
	b, _ := dataFS.ReadFile("data/opp.yaml")
	f.Add(b)
	f.Add([]byte("tables: [{name: x, sources: [{repo: r}], opps: [{khz: 1}, {khz: 1}]}]"))
	f.Add([]byte("tables: [{name: x, opps: [{khz: -5, uv: .nan}]}]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseTables(data)
		if err != nil {
			return
		}
		for name, tb := range m {
			if err := tb.validate(); err != nil {
				t.Fatalf("accepted invalid table %s: %v", name, err)
			}
		}
	})
}

// FuzzParsePhones: the preset parser never panics, and Build never panics
// on what it accepts (it returns errors for bad physics).
func FuzzParsePhones(f *testing.F) {
	b, _ := dataFS.ReadFile("data/phones.yaml")
	f.Add(b)
	f.Add([]byte("phones: [{name: p, nodes: [{name: a, capacity: 1}], links: [{a: 0, b: -1, conductance: 1}]}]"))
	f.Add([]byte("phones: [{name: p, nodes: [{name: a, capacity: 0}], links: [{a: 5, b: -7, conductance: .inf}]}]"))
	tables, err := Tables()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		specs, err := ParsePhones(data)
		if err != nil {
			return
		}
		for _, s := range specs {
			if ph, err := Build(s, tables); err == nil {
				for _, d := range ph.Domains {
					d.SetLoad(ph, 1, 1)
				}
				ph.RunUntil(2)
			}
		}
	})
}
