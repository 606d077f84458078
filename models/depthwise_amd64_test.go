//go:build amd64 && !purego

package models

// dwLevels lists the row kernels this machine runs: the assembly (when the
// CPU has AVX2 and FMA) and pure Go.
func dwLevels() []dwLevelCase {
	force := func(v bool) func(func()) {
		return func(f func()) {
			old := hasDW3
			hasDW3 = v
			defer func() { hasDW3 = old }()
			f()
		}
	}
	levels := []dwLevelCase{{"purego", force(false)}}
	if hasDW3 {
		levels = append(levels, dwLevelCase{"avx2+fma", force(true)})
	}
	return levels
}
