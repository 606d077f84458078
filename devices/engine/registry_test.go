package engine

import (
	"reflect"
	"strings"
	"testing"
)

func TestProcessorRegistry(t *testing.T) {
	var names []string
	for _, p := range Processors() {
		names = append(names, p.Name)
		if p.Target == "" || p.Description == "" || strings.Contains(p.Description, "\n") {
			t.Errorf("%s: target %q, description %q", p.Name, p.Target, p.Description)
		}
		if got, ok := LookupProcessor(p.Name); !ok || got != p {
			t.Errorf("LookupProcessor(%s) = %+v, %v", p.Name, got, ok)
		}
	}
	if !reflect.DeepEqual(names, ProcessorNames()) {
		t.Errorf("Processors() names %v, ProcessorNames() %v", names, ProcessorNames())
	}
	if _, ok := LookupProcessor("no-such-profile"); ok {
		t.Error("an unknown profile is found")
	}
}
