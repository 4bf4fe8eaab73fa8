//go:build !unix

package galaxygen

import "time"

func cpuTime() time.Duration { return 0 }
