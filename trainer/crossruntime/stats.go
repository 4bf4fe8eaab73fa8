package crossruntime

import (
	"math"
	"slices"
	"time"
)

// Quantile is the q-quantile of xs with linear interpolation between
// order statistics (NaN for no samples).
func Quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	i := float64(len(s)-1) * q
	lo := int(math.Floor(i))
	hi := min(lo+1, len(s)-1)
	return s[lo] + (s[hi]-s[lo])*(i-float64(lo))
}

// Median is Quantile(xs, 0.5).
func Median(xs []float64) float64 { return Quantile(xs, 0.5) }

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
