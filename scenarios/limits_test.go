package scenarios

import (
	"strings"
	"testing"
)

// TestOutOfRangeSaysRange is issue 18 finding 12: "out of range" errors
// did not say the range.
func TestOutOfRangeSaysRange(t *testing.T) {
	src := strings.Replace(minimal, "requests: 2", "requests: 99999999999", 1)
	_, err := Parse([]byte(src), "t.yaml", t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "99999999999 is out of range [-2147483648, 2147483647]") {
		t.Errorf("err = %v", err)
	}
}
