package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/hiwl/hiwl/trainer/atomicfile"
	"github.com/hiwl/hiwl/trainer/report"
	"github.com/hiwl/hiwl/trainer/training"
)

// curveTarget is the model issue's bar for test accuracy.
const curveTarget = 0.955

// runCurve scores the runs of a learning curve (make learning-curve) on
// the validation and test splits and fits accuracy against the number of
// labelled training images. It chooses nothing: every run is scored, and
// the fit says how fast accuracy grows with data.
func runCurve(args []string) error {
	fs := flag.NewFlagSet("curve", flag.ContinueOnError)
	fs.Usage = usageFor(fs, "curve", "score the runs of a learning curve (trainer train -train-fraction) on the validation and test splits, fit accuracy against log2(training images) and plot it",
		"trainer curve -out docs/learning-curve.png runs/curve/f0.25-s1 runs/curve/f0.5-s1 runs/curve/f1-s1")
	data := fs.String("data", realData, "labelled data the runs were trained on")
	seed := fs.Int64("seed", training.DefaultConfig().Seed, "split seed")
	out := fs.String("out", "", "PNG to write (a .json beside it lists the numbers and the fit); default: print only")
	target := fs.Float64("target", curveTarget, "the test accuracy to extrapolate to")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() < 2 {
		fs.Usage()
		return errors.New("curve: name at least two run directories")
	}
	var pts []report.CurvePoint
	var ns []int
	var val, test []float64
	for _, dir := range fs.Args() {
		n, err := trainedOn(dir)
		if err != nil {
			return err
		}
		clf, _, err := loadCandidate(filepath.Join(dir, training.ModelFile))
		if err != nil {
			return fmt.Errorf("curve: %w", err)
		}
		pt := report.CurvePoint{Name: filepath.Base(dir), Images: n}
		for _, split := range []string{"validation", "test"} {
			ev, err := evalSplit(clf, *data, *seed, split, training.EvalOptions{}, os.Stderr)
			if err != nil {
				return err
			}
			if split == "validation" {
				pt.Validation = ev.Metrics.Accuracy
			} else {
				pt.Test = ev.Metrics.Accuracy
			}
		}
		pts, ns = append(pts, pt), append(ns, n)
		val, test = append(val, pt.Validation), append(test, pt.Test)
		fmt.Printf("%-16s %5d training images  validation %.2f%%  test %.2f%%\n", pt.Name, n, 100*pt.Validation, 100*pt.Test)
	}
	fitVal, err := report.FitLog(ns, val)
	if err != nil {
		return err
	}
	fitTest, err := report.FitLog(ns, test)
	if err != nil {
		return err
	}
	need := fitTest.ImagesFor(*target)
	fmt.Printf("per doubling of the labelled images: validation %+.2f points, test %+.2f points\n", 100*fitVal.PerDoubling, 100*fitTest.PerDoubling)
	fmt.Printf("the test fit reaches %.1f%% at %s training images\n", 100**target, imagesText(need))
	if *out == "" {
		return nil
	}
	if err := report.CurvePNG(*out, "Learning curve: accuracy against labelled training images", pts, fitTest, *target); err != nil {
		return err
	}
	listed := strings.TrimSuffix(*out, ".png") + ".json"
	doc := struct {
		Points        []report.CurvePoint `json:"points"`
		FitValidation report.LogFit       `json:"fit_validation"`
		FitTest       report.LogFit       `json:"fit_test"`
		Target        float64             `json:"target_test_accuracy"`
		// ImagesForTarget is null when the fit never reaches the target.
		ImagesForTarget *float64 `json:"training_images_for_target"`
	}{Points: pts, FitValidation: fitVal, FitTest: fitTest, Target: *target}
	if !math.IsInf(need, 1) {
		doc.ImagesForTarget = &need
	}
	js, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.WriteBytes(listed, append(js, '\n')); err != nil {
		return err
	}
	fmt.Printf("wrote %s and %s\n", *out, listed)
	return nil
}

// trainedOn is the number of labelled training images of the run in dir,
// from its summary.json.
func trainedOn(dir string) (int, error) {
	raw, err := os.ReadFile(filepath.Join(dir, training.SummaryFile))
	if err != nil {
		return 0, fmt.Errorf("curve: %w (not a finished training run?)", err)
	}
	var s training.Summary
	if err := json.Unmarshal(raw, &s); err != nil {
		return 0, fmt.Errorf("curve: %s: %w", dir, err)
	}
	n := s.Split["train"]
	if n <= 0 {
		return 0, fmt.Errorf("curve: %s: its summary gives no training images", dir)
	}
	return n, nil
}

// imagesText is n rounded to a readable number, or "never" for +Inf.
func imagesText(n float64) string {
	if math.IsInf(n, 1) {
		return "never (no gain per doubling)"
	}
	return fmt.Sprintf("about %.0f", n)
}
