package engine

// The processor registry a scenario reads names from, as a read-only
// listing built on ProcessorNames and ShippedProcessorProfile.

// ProcessorInfo describes a shipped processor profile for listings and the
// scenario schema: its name, the target it models and its one-line
// description.
type ProcessorInfo struct {
	Name        string
	Target      Target
	Description string
}

// Processors returns the shipped processor profiles, sorted by name. A
// profile added under devices/engine/processors/ is listed here, and so is valid
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
