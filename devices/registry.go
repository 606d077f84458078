package devices

// The registries a scenario reads names from, as read-only listings. They
// use only the exported API of the shipped profiles and presets
// (ProcessorNames, ShippedProcessorProfile, Phones, LookupPhone), so they
// follow those wherever they live.

// ProcessorInfo describes a shipped processor profile for listings and the
// scenario schema: its name, the target it models and its one-line
// description.
type ProcessorInfo struct {
	Name        string
	Target      Target
	Description string
}

// Processors returns the shipped processor profiles, sorted by name. A
// profile added under devices/processors/ is listed here, and so is valid
// in a scenario's phone.cpu, phone.gpu, cloud.cpu or cloud.gpu (by its
// target), without a change elsewhere.
func Processors() []ProcessorInfo {
	var out []ProcessorInfo
	for _, name := range ProcessorNames() {
		pp, err := ShippedProcessorProfile(name)
		if err != nil {
			continue // a broken shipped profile; TestShippedProfilesRead fails on it
		}
		out = append(out, ProcessorInfo{Name: pp.Name, Target: pp.Target, Description: pp.Description})
	}
	return out
}

// LookupProcessor returns the shipped processor profile of that name, and
// whether there is one.
func LookupProcessor(name string) (ProcessorInfo, bool) {
	pp, err := ShippedProcessorProfile(name)
	if err != nil {
		return ProcessorInfo{}, false
	}
	return ProcessorInfo{Name: pp.Name, Target: pp.Target, Description: pp.Description}, true
}

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
