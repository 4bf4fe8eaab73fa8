package report

import (
	"math"
	"path/filepath"
	"testing"
)

func TestFitLog(t *testing.T) {
	// 80 % at 256 images and 2 points more for every doubling.
	ns := []int{256, 256, 512, 1024, 1024}
	acc := []float64{0.79, 0.81, 0.82, 0.83, 0.85}
	f, err := FitLog(ns, acc)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(f.PerDoubling-0.02) > 1e-12 || math.Abs(f.At(256)-0.80) > 1e-12 {
		t.Fatalf("fit %+v: %v at 256 images", f, f.At(256))
	}
	if n := f.ImagesFor(0.90); math.Abs(n-256*32) > 1e-6 {
		t.Fatalf("90 %% at %v images, want %d", n, 256*32)
	}
	if n := (LogFit{Intercept: 0.9}).ImagesFor(0.95); !math.IsInf(n, 1) {
		t.Fatalf("a flat curve reaches the target at %v images", n)
	}
	if _, err := FitLog([]int{300, 300}, []float64{0.9, 0.91}); err == nil {
		t.Fatal("one image count fitted")
	}
	if _, err := FitLog([]int{300, 600}, []float64{0.9, 91}); err == nil {
		t.Fatal("accuracy in percent accepted")
	}
}

func TestCurvePNG(t *testing.T) {
	path := filepath.Join(t.TempDir(), "curve.png")
	pts := []CurvePoint{
		{Name: "a", Images: 443, Validation: 0.90, Test: 0.89},
		{Name: "b", Images: 886, Validation: 0.92, Test: 0.915},
		{Name: "c", Images: 1771, Validation: 0.94, Test: 0.93},
	}
	ns, acc := []int{443, 886, 1771}, []float64{0.89, 0.915, 0.93}
	fit, err := FitLog(ns, acc)
	if err != nil {
		t.Fatal(err)
	}
	if err := CurvePNG(path, "learning curve", pts, fit, 0.955); err != nil {
		t.Fatal(err)
	}
	decodePNG(t, path, 820, 560)
	if err := CurvePNG(path, "x", []CurvePoint{{Name: "bad", Images: 10, Validation: 90, Test: 0.9}}, fit, 0.955); err == nil {
		t.Fatal("accuracy in percent accepted")
	}
	if err := CurvePNG(path, "x", nil, fit, 0.955); err == nil {
		t.Fatal("no points accepted")
	}
}
