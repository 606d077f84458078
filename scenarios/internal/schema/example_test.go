package schema_test

import (
	"fmt"
	"reflect"

	"github.com/infersim/infersim/scenarios/internal/schema"
	"github.com/infersim/infersim/units"
)

// A registry of two fields, a document with a typo and a bad unit: every
// problem comes out at once, with its line and field.
func ExampleDecoder() {
	type link struct {
		Bandwidth units.BitRate  `yaml:"bandwidth"`
		Latency   units.Duration `yaml:"latency"`
	}
	reg := schema.Root(schema.Obj("", "", "A link.",
		schema.Fld("bandwidth", "Bandwidth", schema.KindBitRate, "Capacity.", schema.Checks(schema.Positive)),
		schema.Fld("latency", "Latency", schema.KindDuration, "One-way delay.", schema.Def("20ms")),
	))
	root, err := schema.ParseDocument([]byte("bandwidth: 25\nlatncy: 5ms\n"), "link.yaml", "a link needs a bandwidth")
	if err != nil {
		fmt.Println(err)
		return
	}
	c := &schema.Collector{File: "link.yaml"}
	var l link
	d := schema.NewDecoder(c)
	d.Decode(reg, root, reflect.ValueOf(&l).Elem(), "", 0)
	st := schema.State{Set: d.Set, Filled: map[string]bool{}, Lines: d.Lines, Bad: d.Bad}
	st.FillDefaults(reg, reflect.ValueOf(&l).Elem(), "")
	fmt.Println(c.Err())
	fmt.Println("latency:", schema.DurationText(l.Latency))
	// Output:
	// scenarios: link.yaml:1: bandwidth: "25": missing unit: a bit rate needs one, e.g. 25Mbps
	// scenarios: link.yaml:2: latncy: unknown field (did you mean "latency"?)
	// latency: 20ms
}
