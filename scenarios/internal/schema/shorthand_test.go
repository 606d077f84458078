package schema

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

type lamp struct {
	Light struct {
		Kind  string  `yaml:"kind"`
		Watts float64 `yaml:"watts"`
	} `yaml:"light"`
}

func lampRegistry() *Field {
	light := Obj("light", "Light", "The light.",
		Fld("kind", "Kind", KindEnum, "Bulb.", Enum("off", "led", "halogen")),
		Fld("watts", "Watts", KindFloat, "Power."))
	Shorthand(map[string]string{"off": "{kind: off}"})(light)
	return Root(Obj("", "", "A lamp.", light))
}

// TestMappingShorthand checks a scalar standing for a whole mapping
// ("jitter: none"): decoded as its mapping, at its line; another scalar
// refused naming the shorthand; the JSON Schema allows the mapping or the
// word, and the reference says so.
func TestMappingShorthand(t *testing.T) {
	reg := lampRegistry()
	decode := func(text string) (*lamp, *Decoder, error) {
		root, err := ParseDocument([]byte(text), "lamp.yaml", "a lamp")
		if err != nil {
			return nil, nil, err
		}
		c := &Collector{File: "lamp.yaml"}
		var l lamp
		d := NewDecoder(c)
		d.Decode(reg, root, reflect.ValueOf(&l).Elem(), "", 0)
		return &l, d, c.Err()
	}
	l, d, err := decode("\nlight: off\n")
	if err != nil || l.Light.Kind != "off" || !d.Set["light.kind"] || d.Lines["light.kind"] != 2 {
		t.Errorf("light: off: %+v, set %v, lines %v, %v", l, d.Set, d.Lines, err)
	}
	_, _, err = decode("light: dim\n")
	if want := `lamp.yaml:1: light: expected a mapping with fields kind, watts, got "dim" (or the shorthand off)`; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("light: dim: %v, want %q", err, want)
	}
	var js map[string]any
	if err := json.Unmarshal(JSONSchema(reg, nil), &js); err != nil {
		t.Fatal(err)
	}
	alts := js["properties"].(map[string]any)["light"].(map[string]any)["anyOf"].([]any)
	if len(alts) != 2 || alts[0].(map[string]any)["type"] != "object" || alts[1].(map[string]any)["const"] != "off" {
		t.Errorf("JSON Schema of light: %v", alts)
	}
	if ref := Reference(reg); !strings.Contains(ref, "| `light` | mapping or `off` |") {
		t.Errorf("reference:\n%s", ref)
	}
	ref := ReferenceWith(Root(Obj("", "", "A lamp.", Fld("watts", "Watts", KindFloat, "Power.", FromPreset("model")))), func(p string) string { return "a 1, b 2" })
	if !strings.Contains(ref, "| from `model`: a 1, b 2 |") {
		t.Errorf("ReferenceWith:\n%s", ref)
	}
}
