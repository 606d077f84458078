package devices

// MaxPhoneSpecBytes is the largest phone spec ReadPhoneSpec reads: 1 MiB
// (a preset is about 3 KB). A larger input is refused with an error naming
// the limit (before, ReadPhoneSpec read any size). The processor-profile
// limit is engine.MaxProcessorProfileBytes.
const MaxPhoneSpecBytes = 1 << 20
