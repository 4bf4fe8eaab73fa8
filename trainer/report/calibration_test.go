package report

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCalibrateECE(t *testing.T) {
	// Two bins used: 0.95 confident and always right (gap 0.05), 0.55
	// confident and right half the time (gap 0.05) -> ECE 0.05.
	conf := []float64{0.95, 0.95, 0.55, 0.55}
	correct := []bool{true, true, true, false}
	c, err := Calibrate(conf, correct, 10)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(c.ECE-0.05) > 1e-12 || math.Abs(c.MaxGap-0.05) > 1e-12 {
		t.Fatalf("ECE %v, max gap %v", c.ECE, c.MaxGap)
	}
	if c.Bins[9].Count != 2 || c.Bins[5].Count != 2 || c.Bins[5].Accuracy != 0.5 {
		t.Fatalf("bins %+v", c.Bins)
	}
	// An overconfident model: 0.99 sure, right 60 % of the time.
	conf, correct = nil, nil
	for i := 0; i < 100; i++ {
		conf = append(conf, 0.99)
		correct = append(correct, i < 60)
	}
	if c, _ = Calibrate(conf, correct, 15); math.Abs(c.ECE-0.39) > 1e-9 {
		t.Fatalf("overconfident ECE %v", c.ECE)
	}
	// Confidence 1.0 goes in the last bin.
	if c, _ = Calibrate([]float64{1}, []bool{true}, 15); c.Bins[14].Count != 1 || c.ECE != 0 {
		t.Fatalf("p = 1: %+v", c)
	}
	for _, bad := range []struct {
		conf    []float64
		correct []bool
	}{{nil, nil}, {[]float64{0.5}, nil}, {[]float64{1.5}, []bool{true}}, {[]float64{math.NaN()}, []bool{true}}} {
		if _, err := Calibrate(bad.conf, bad.correct, 10); err == nil {
			t.Errorf("Calibrate(%v, %v) accepted", bad.conf, bad.correct)
		}
	}
}

func TestReliabilityPNG(t *testing.T) {
	c, err := Calibrate([]float64{0.95, 0.9, 0.55, 0.62, 0.3}, []bool{true, true, false, true, false}, 10)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "reliability.png")
	if err := ReliabilityPNG(path, "test split", c); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(path); err != nil || st.Size() < 2000 {
		t.Fatalf("png: %v", err)
	}
	var sb strings.Builder
	c.WriteText(&sb)
	if !strings.Contains(sb.String(), "expected calibration error") {
		t.Fatalf("text: %s", sb.String())
	}
}

func TestSummariseAttention(t *testing.T) {
	a, err := SummariseAttention([]string{"x", "y"}, "disc", []float64{0.9, 0.4, 0.8, 0.2, 0.6}, []int{0, 0, 0, 1, 1})
	if err != nil {
		t.Fatal(err)
	}
	if a.UnderHalf != 2 || a.PerClass[0].Median != 0.8 || a.PerClass[1].Median != 0.4 || a.PerClass[1].UnderHalf != 1 {
		t.Fatalf("%+v", a)
	}
	if _, err := SummariseAttention([]string{"x"}, "", []float64{1}, []int{3}); err == nil {
		t.Fatal("label out of range accepted")
	}
	// The lowest median among the classes predicted: z never is.
	b, err := SummariseAttention([]string{"z", "x", "y"}, "disc", []float64{0.9, 0.4, 0.8, 0.2, 0.6}, []int{1, 1, 1, 2, 2})
	if err != nil {
		t.Fatal(err)
	}
	if low, ok := b.Lowest(); !ok || low.Class != "y" || low.Median != 0.4 {
		t.Errorf("lowest %+v %v, want y at 0.4", low, ok)
	}
	if _, ok := (&Attention{PerClass: []AttentionClass{{Class: "z"}}}).Lowest(); ok {
		t.Error("a class never predicted counted as lowest")
	}
}

func TestCostPNG(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cost.png")
	cs := []Candidate{{Name: "residual CNN", MFLOP: 129, Accuracy: 0.9215}, {Name: "MBConv", MFLOP: 38.5, Accuracy: 0.93, Shipped: true}}
	if err := CostPNG(path, "validation split", 45, cs); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(path); err != nil || st.Size() < 2000 {
		t.Fatalf("png: %v", err)
	}
	if err := CostPNG(path, "x", 45, []Candidate{{Name: "bad", MFLOP: 1, Accuracy: 93}}); err == nil {
		t.Fatal("accuracy in percent accepted")
	}
}
