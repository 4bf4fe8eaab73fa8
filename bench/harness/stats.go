package harness

import (
	"compress/gzip"
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

// MS is d in milliseconds, the unit of every report.
func MS(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// GzipBytes is the size of data compressed by gzip -9, the size a file
// travels at when it is served compressed.
func GzipBytes(data []byte) int64 {
	var n countWriter
	zw, _ := gzip.NewWriterLevel(&n, gzip.BestCompression)
	zw.Write(data)
	zw.Close()
	return int64(n)
}

type countWriter int64

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }
