package harness

import (
	"bytes"
	"compress/gzip"
	"math"
	"testing"
	"time"
)

func TestQuantile(t *testing.T) {
	xs := []float64{5, 1, 4, 2, 3}
	for _, c := range []struct{ q, want float64 }{{0, 1}, {0.5, 3}, {0.9, 4.6}, {1, 5}} {
		if got := Quantile(xs, c.q); got < c.want-1e-12 || got > c.want+1e-12 {
			t.Errorf("Quantile(%v) = %v, want %v", c.q, got, c.want)
		}
	}
	if xs[0] != 5 {
		t.Fatal("Quantile sorted its argument")
	}
	if got := Median([]float64{4, 1, 3, 2}); got != 2.5 {
		t.Errorf("Median of 1..4 = %v, want 2.5", got)
	}
	if !math.IsNaN(Median(nil)) {
		t.Error("Median of no samples is not NaN")
	}
	if got := MS(1500 * time.Microsecond); got != 1.5 {
		t.Errorf("MS(1.5ms) = %v", got)
	}
}

func TestGzipBytes(t *testing.T) {
	data := bytes.Repeat([]byte("galaxy "), 1000)
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	zw.Write(data)
	zw.Close()
	if got := GzipBytes(data); got != int64(b.Len()) || got >= int64(len(data)) {
		t.Fatalf("GzipBytes = %d, gzip -9 writes %d of %d", got, b.Len(), len(data))
	}
}
