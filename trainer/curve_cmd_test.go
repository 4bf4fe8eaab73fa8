package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/trainer/training"
)

// curve reads each run's training images from its summary, scores its
// model on both splits as eval does, and writes the points and the fit.
func TestCurve(t *testing.T) {
	data := fiveClassSet(t)
	var runs []string
	for _, n := range []int{100, 400} {
		dir := filepath.Join(t.TempDir(), fmt.Sprintf("f%d", n))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, training.ModelFile), model.DefaultONNX(), 0o644); err != nil {
			t.Fatal(err)
		}
		raw, _ := json.Marshal(training.Summary{Split: map[string]int{"train": n, "validation": 9, "test": 9}})
		if err := os.WriteFile(filepath.Join(dir, training.SummaryFile), raw, 0o644); err != nil {
			t.Fatal(err)
		}
		runs = append(runs, dir)
	}
	out := filepath.Join(t.TempDir(), "curve.png")
	if err := runCurve(append([]string{"-data", data, "-out", out}, runs...)); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Points []struct {
			Images     int     `json:"training_images"`
			Validation float64 `json:"validation_accuracy"`
			Test       float64 `json:"test_accuracy"`
		} `json:"points"`
		FitTest struct {
			PerDoubling float64 `json:"per_doubling"`
		} `json:"fit_test"`
		ImagesForTarget *float64 `json:"training_images_for_target"`
	}
	raw, err := os.ReadFile(filepath.Join(filepath.Dir(out), "curve.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	clf, err := model.Default()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{}
	for _, split := range []string{"validation", "test"} {
		ev, err := evalSplit(clf, data, training.DefaultConfig().Seed, split, training.EvalOptions{}, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		want[split] = ev.Metrics.Accuracy
	}
	if len(doc.Points) != 2 || doc.Points[0].Images != 100 || doc.Points[1].Images != 400 {
		t.Fatalf("points %+v", doc.Points)
	}
	for _, p := range doc.Points {
		if p.Validation != want["validation"] || p.Test != want["test"] {
			t.Fatalf("point %+v, eval gives %v", p, want)
		}
	}
	// The same model at both sizes: no gain per doubling, so no size
	// reaches the target.
	if doc.FitTest.PerDoubling != 0 || doc.ImagesForTarget != nil {
		t.Fatalf("fit %+v, images for the target %v", doc.FitTest, doc.ImagesForTarget)
	}
	if st, err := os.Stat(out); err != nil || st.Size() == 0 {
		t.Fatalf("plot not written: %v", err)
	}
	if err := runCurve([]string{"-data", data, runs[0], t.TempDir()}); err == nil {
		t.Fatal("a directory without a summary accepted")
	}
}
