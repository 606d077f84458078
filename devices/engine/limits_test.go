package engine

import (
	"strings"
	"testing"
)

// TestReaderLimits checks that ReadProcessorProfile refuses input over its
// limit with an error naming it instead of cutting it.
func TestReaderLimits(t *testing.T) {
	big := strings.NewReader("name: x\n" + strings.Repeat("#", MaxProcessorProfileBytes))
	if _, err := ReadProcessorProfile(big, "p.yaml"); err == nil || !strings.Contains(err.Error(), "larger than 8388608 bytes (the limit)") {
		t.Errorf("processor profile: err = %v", err)
	}
}
