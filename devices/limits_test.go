package devices

import (
	"io"
	"strings"
	"testing"
)

// TestReaderLimits checks that ReadPhoneSpec refuses input over its limit
// with an error naming it instead of reading any size.
func TestReaderLimits(t *testing.T) {
	big := func(n int) io.Reader { return strings.NewReader("name: x\n" + strings.Repeat("#", n)) }
	if _, err := ReadPhoneSpec(big(MaxPhoneSpecBytes), "s.yaml", nil); err == nil || !strings.Contains(err.Error(), "larger than 1048576 bytes (the limit)") {
		t.Errorf("phone spec: err = %v", err)
	}
}
