// Package buildinfo reports which infersim produced a result: the release
// number, the VCS revision when the binary was built from a checkout, and the
// Go toolchain. Result files record it so that they explain themselves.
package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Release is the infersim release this source tree belongs to.
const Release = "0.1.0-dev"

// Info describes the running binary.
type Info struct {
	Release  string `json:"release"`
	Revision string `json:"revision,omitempty"`
	Modified bool   `json:"modified,omitempty"`
	Go       string `json:"go"`
	OS       string `json:"os"`
	Arch     string `json:"arch"`
}

// Read returns the build information of the running binary. Revision is empty
// when the binary was built without VCS stamping (go run, go test, or
// -buildvcs=false).
func Read() Info {
	info := Info{Release: Release, Go: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				info.Revision = s.Value
			case "vcs.modified":
				info.Modified = s.Value == "true"
			}
		}
	}
	return info
}

// String formats the information on one line, e.g.
// "infersim 0.1.0-dev (rev 1a2b3c4d, go1.26.8 linux/amd64)".
func (i Info) String() string {
	rev := ""
	if i.Revision != "" {
		r := i.Revision
		if len(r) > 12 {
			r = r[:12]
		}
		if i.Modified {
			r += "+dirty"
		}
		rev = "rev " + r + ", "
	}
	return fmt.Sprintf("infersim %s (%s%s %s/%s)", i.Release, rev, i.Go, i.OS, i.Arch)
}
