package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/trainer/atomicfile"
	"github.com/hiwl/hiwl/trainer/gzdata"
	"github.com/hiwl/hiwl/trainer/training"
)

// runCalibrate fits each network's temperature on the validation split and
// writes the model with the temperatures baked into its heads.
func runCalibrate(args []string) error {
	fs := flag.NewFlagSet("calibrate", flag.ContinueOnError)
	fs.Usage = usageFor(fs, "calibrate", "fit network A's and B's temperatures on the seeded validation split and write the calibrated model",
		"trainer calibrate -model runs/mb/model.onnx -data ../shared/data/gz-challenge-5class -out runs/mb/calibrated.onnx")
	in := fs.String("model", "", "ONNX model to calibrate (required)")
	data := fs.String("data", "", "labelled data the model was trained on (required)")
	seed := fs.Int64("seed", training.DefaultConfig().Seed, "split seed (the one the model was trained with)")
	out := fs.String("out", "", "calibrated ONNX file to write (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *in == "" || *data == "" || *out == "" {
		fs.Usage()
		return fmt.Errorf("calibrate: -model, -data and -out are required")
	}
	raw, err := os.ReadFile(*in)
	if err != nil {
		return err
	}
	clf, err := model.Load(raw)
	if err != nil {
		return err
	}
	if nets := clf.Metadata().Props[training.PropValidationTrainedOn]; nets != "" {
		return fmt.Errorf("calibrate: network %s of %s was trained on the validation split (-fit-validation), which cannot then fit its temperature", nets, *in)
	}
	ds, err := gzdata.Load(*data)
	if err != nil {
		return err
	}
	_, val, _ := gzdata.Split(ds.Samples, *seed)
	t, err := training.FitTemperatures(clf, val, os.Stderr)
	if err != nil {
		return err
	}
	fmt.Printf("network A: T = %.3f on %d validation images, NLL %.4f -> %.4f\n", t.A, t.N[0], t.NLLBefore[0], t.NLLAfter[0])
	fmt.Printf("network B: T = %.3f on %d validation images, NLL %.4f -> %.4f\n", t.B, t.N[1], t.NLLBefore[1], t.NLLAfter[1])
	cal, err := training.ApplyTemperatures(raw, t)
	if err != nil {
		return err
	}
	if err := atomicfile.WriteBytes(*out, cal); err != nil {
		return err
	}
	fmt.Printf("wrote %s\n", *out)
	return nil
}
