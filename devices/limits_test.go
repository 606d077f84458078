package devices

import (
	"io"
	"strings"
	"testing"
)

// TestReaderLimits checks that the YAML readers refuse input over their
// limits with an error naming it, instead of cutting it (profiles) or
// reading any size (phone specs).
func TestReaderLimits(t *testing.T) {
	big := func(n int) io.Reader { return strings.NewReader("name: x\n" + strings.Repeat("#", n)) }
	if _, err := ReadProcessorProfile(big(MaxProcessorProfileBytes), "p.yaml"); err == nil || !strings.Contains(err.Error(), "larger than 8388608 bytes (the limit)") {
		t.Errorf("processor profile: err = %v", err)
	}
	if _, err := ReadPhoneSpec(big(MaxPhoneSpecBytes), "s.yaml", nil); err == nil || !strings.Contains(err.Error(), "larger than 1048576 bytes (the limit)") {
		t.Errorf("phone spec: err = %v", err)
	}
}
