//go:build !amd64 || purego

package models

// dwLevels lists the row kernels of this build: pure Go only.
func dwLevels() []dwLevelCase {
	return []dwLevelCase{{"purego", func(f func()) { f() }}}
}
