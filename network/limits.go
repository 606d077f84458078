package network

// The bounds of the trace readers (ParsePlain, ParseMahimahi): input over
// them is refused with a *TraceError naming the limit, so that the memory
// a trace costs is bounded whatever the file.
const (
	// MaxTraceLineBytes is the longest line a trace may have: 64 KiB
	// (a line holds one or two numbers).
	MaxTraceLineBytes = 64 << 10
	// MaxTraceLines is the most lines a trace may have: 10 million. A
	// Mahimahi trace has a line per 1500-byte delivery opportunity, so this
	// is 1.7 hours of a 20 Mbps link (20e6 / (1500 × 8) ≈ 1,667 lines per
	// second), and 80 MB of timestamps.
	MaxTraceLines = 10_000_000
)
