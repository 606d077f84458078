// Package schema is the reflective engine behind scenario files: a
// registry of fields (YAML name, Go field, kind, description, default,
// checks), and everything that reads it — the YAML decoder that fills a
// Go value and reports every problem as file:line: field: message, the
// encoder that writes a value back, defaults, range checks, dot paths
// with list indices, the JSON Schema and the Markdown field reference,
// did-you-mean suggestions, and the document edits sweeps and overrides
// make.
//
// It knows nothing of phones, networks or models: a field's allowed names
// come from a function its registration gives (Names, EnumFunc), so a new
// radio or phone registered in its own package shows up in the decoder's
// checks, the suggestions and the JSON Schema without a change here.
// Package scenarios registers its fields in scenarios/fields.go.
//
// The package is internal to scenarios: its errors carry the prefix
// "scenarios: ", which is what a user of the scenario format sees.
package schema
