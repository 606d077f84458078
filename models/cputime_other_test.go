//go:build !unix

package models

import "time"

// processCPU is not measured here; TestIdleExecutorParks skips.
func processCPU() (time.Duration, bool) { return 0, false }
