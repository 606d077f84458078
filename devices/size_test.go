package devices

import (
	"testing"
	"unsafe"
)

// TestStateSizes holds the per-phone structures to the size classes they
// were fitted into (issue 19: 10⁵ phones in 300 MB). The bounds come from
// the Go runtime, not from these types: the allocator's size classes
// (runtime/sizeclasses.go: … 144, 160, 176, …, 704, 768, 896, 1024) and
// the 8-byte header it puts before an object with pointers larger than
// 512 bytes (runtime/malloc.go, minSizeForMallocHeader), so such an
// object of s bytes takes the class of s + 8. A field added to one of
// these moves it to the next class for every phone; if that is meant,
// move the bound and say what it costs at 10⁵ phones.
func TestStateSizes(t *testing.T) {
	for _, c := range []struct {
		name             string
		size, max, class uintptr
	}{
		{"Phone", unsafe.Sizeof(Phone{}), 768 - 8, 768},
		{"request", unsafe.Sizeof(request{}), 896 - 8, 896},
		{"cbLoad", unsafe.Sizeof(cbLoad{}), 144, 144},
	} {
		if c.size > c.max {
			t.Errorf("%s is %d bytes, over %d: it no longer fits the %d-byte size class", c.name, c.size, c.max, c.class)
		}
	}
}
