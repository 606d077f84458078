package buildinfo

import (
	"strings"
	"testing"
)

func TestString(t *testing.T) {
	tests := []struct {
		name string
		info Info
		want string
	}{
		{"no vcs", Info{Release: "1.0", Go: "go1.26", OS: "linux", Arch: "amd64"}, "infersim 1.0 (go1.26 linux/amd64)"},
		{"short rev", Info{Release: "1.0", Revision: "abc", Go: "go1.26", OS: "linux", Arch: "amd64"}, "infersim 1.0 (rev abc, go1.26 linux/amd64)"},
		{"long dirty rev", Info{Release: "1.0", Revision: "0123456789abcdef", Modified: true, Go: "go1.26", OS: "linux", Arch: "arm64"}, "infersim 1.0 (rev 0123456789ab+dirty, go1.26 linux/arm64)"},
	}
	for _, tt := range tests {
		if got := tt.info.String(); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestReadNamesRelease(t *testing.T) {
	info := Read()
	if info.Release != Release || !strings.HasPrefix(info.Go, "go") {
		t.Fatalf("Read() = %+v", info)
	}
}
