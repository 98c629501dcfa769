package main

import (
	"os"
	"runtime/debug"
)

// Garbage collector settings of the daemon: most of what it allocates
// lives for one mail, so collecting less often saves CPU while the heap
// stays small. The soft limit starts a collection anyway as the heap
// nears it, which bounds the memory a large backlog takes.
const (
	gcPercent     = 400      // like GOGC=400
	gcMemoryLimit = 48 << 20 // like GOMEMLIMIT=48MiB
)

// tuneGC applies the daemon's garbage collector settings, unless GOGC or
// GOMEMLIMIT in the environment say otherwise.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(gcMemoryLimit)
	}
}
