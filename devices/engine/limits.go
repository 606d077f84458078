package engine

// MaxProcessorProfileBytes is the largest processor profile
// ReadProcessorProfile reads: 8 MiB (a shipped profile is 3–5 KB). A larger
// input is refused with an error naming the limit (before, the reader cut
// a larger file at 8 MiB without a word and parsed the rest).
const MaxProcessorProfileBytes = 8 << 20
