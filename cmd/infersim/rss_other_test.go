//go:build !unix

package main

import (
	"os"
	"time"
)

// maxRSS is not measured here.
func maxRSS(*os.ProcessState) int64 { return 0 }

// processCPU is not measured here.
func processCPU() time.Duration { return 0 }
