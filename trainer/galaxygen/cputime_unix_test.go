//go:build unix

package galaxygen

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time (user + system) this process has used so far;
// on a shared machine it measures the work better than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
