package devices

// Input bounds of the YAML readers: a larger input is refused with an error
// naming the limit (before, ReadProcessorProfile cut a larger file at 8 MiB
// without a word and parsed the rest, and ReadPhoneSpec read any size).
const (
	// MaxProcessorProfileBytes is the largest processor profile
	// ReadProcessorProfile reads: 8 MiB (a shipped profile is 3–5 KB).
	MaxProcessorProfileBytes = 8 << 20
	// MaxPhoneSpecBytes is the largest phone spec ReadPhoneSpec reads:
	// 1 MiB (a preset is about 3 KB).
	MaxPhoneSpecBytes = 1 << 20
)
