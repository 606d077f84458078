package devices

// The phone registry a scenario reads names from, as a read-only listing
// built on Phones and LookupPhone.

// PhoneInfo describes a shipped phone preset for listings: its name (a
// scenario's phone.device) and its one-line description.
type PhoneInfo struct {
	Name        string
	Description string
}

// PhoneInfos returns the shipped phone presets, sorted by name. A preset
// added under devices/phones/ is listed here, and so is valid in a
// scenario's phone.device, without a change elsewhere. It reads every
// preset; an error names the one that does not read.
func PhoneInfos() ([]PhoneInfo, error) {
	var out []PhoneInfo
	for _, name := range Phones() {
		spec, err := LookupPhone(name)
		if err != nil {
			return nil, err
		}
		out = append(out, PhoneInfo{Name: name, Description: spec.Description})
	}
	return out, nil
}
