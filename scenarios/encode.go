package scenarios

import (
	"bytes"

	"go.yaml.in/yaml/v3"
)

// YAML returns the scenario as YAML. For a validated scenario every field
// is written with its value: defaults filled and presets expanded, so the
// text documents exactly what ran and loads back to the same scenario.
func (s *Scenario) YAML() []byte {
	s.init()
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(encode(s, true)); err != nil {
		// Encoding a node tree we built cannot fail.
		panic("scenarios: encoding the scenario: " + err.Error())
	}
	enc.Close()
	return b.Bytes()
}
