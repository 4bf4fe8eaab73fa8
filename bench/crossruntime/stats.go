package crossruntime

import "time"

// maxWarmup bounds the warm-up of a runtime whatever WarmupMS says.
const maxWarmup = 500

// warmUp runs f for the manifest's warm-up: at least m.Warmup times and,
// when anything is timed afterwards, for at least m.WarmupMS (the same rule
// as js/measure.mjs). It returns how many runs it made.
func warmUp(m Manifest, f func(i int) error) (int, error) {
	start := time.Now()
	n := 0
	for n < m.Warmup || (m.Runs > 0 && n < maxWarmup && time.Since(start) < time.Duration(m.WarmupMS)*time.Millisecond) {
		if err := f(n); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
