package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/trainer/gzdata"
	"github.com/hiwl/hiwl/trainer/training"
)

// realData is the real labelled set beside the repository.
var realData = filepath.Join("..", "shared", "data", "gz-challenge-5class")

func runEval(args []string) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.Usage = usageFor(fs, "eval", "classify a labelled set's seeded test split with an ONNX model and score it",
		"trainer eval -data ../shared/data/gz-challenge-5class -out runs/eval")
	data := fs.String("data", "", "labelled data (required): Challenge layout or class folders")
	modelPath := fs.String("model", "", "ONNX model (default: the embedded default model)")
	out := fs.String("out", "", "directory for metrics.json, confusion.png, reliability.png, embedding.png and mistakes.png, the misclassified images (default: print only)")
	seed := fs.Int64("seed", training.DefaultConfig().Seed, "split seed (the one the model was trained with)")
	scale := fs.Float64("scale", 1, "show each image at this scale, padded with its own sky (0.5: galaxies at half size)")
	tta := fs.Bool("tta", false, "average each network over the 8 flips and quarter turns of the input (8x the cost)")
	split := fs.String("split", "test", "which seeded split to score: test, or validation (for choosing between models without touching the test split)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *data == "" {
		fs.Usage()
		return fmt.Errorf("eval: -data is required")
	}
	clf, err := model.Open(*modelPath)
	if err != nil {
		return err
	}
	if *split != "test" && *split != "validation" {
		return fmt.Errorf("eval: -split %q: want test or validation", *split)
	}
	if nets := clf.Metadata().Props[training.PropValidationTrainedOn]; *split == "validation" && nets != "" {
		return fmt.Errorf("eval: -split validation: network %s of %s was trained on that split (-fit-validation); score it on test", nets, clf.Version())
	}
	ev, err := evalSplit(clf, *data, *seed, *split, training.EvalOptions{Scale: *scale, TTA: *tta}, os.Stderr)
	if err != nil {
		return err
	}
	if *out == "" {
		ev.WriteText(os.Stdout)
		return nil
	}
	return ev.Write(*out, os.Stdout)
}

// evalSplit scores clf on the seeded test or validation split of the data
// in dir.
func evalSplit(clf *model.Classifier, dir string, seed int64, split string, o training.EvalOptions, log io.Writer) (*training.Evaluation, error) {
	ds, err := gzdata.Load(dir)
	if err != nil {
		return nil, err
	}
	ds.Report(log)
	_, val, test := gzdata.Split(ds.Samples, seed)
	samples := test
	if split == "validation" {
		samples = val
	}
	scale := o.Scale
	if scale == 0 {
		scale = 1
	}
	fmt.Fprintf(log, "%s split (seed %d): %d images at scale %g (TTA %v), model %s\n", split, seed, len(samples), scale, o.TTA, clf.Version())
	return training.EvaluateWith(clf, samples, o, log)
}

// runRealCheck is what a new user would try first: the model on real
// Galaxy Zoo images it never saw, the seeded test split of the shared
// five-class set, as the files are and at half scale (galaxies framed the
// way many other SDSS cutout tools frame them).
func runRealCheck(args []string) error {
	fs := flag.NewFlagSet("realcheck", flag.ContinueOnError)
	fs.Usage = usageFor(fs, "realcheck", "score a model on the real five-class test split, at full and at half scale",
		"trainer realcheck -model runs/default/model.onnx")
	dir := fs.String("dir", realData, "real labelled class folders")
	modelPath := fs.String("model", "", "ONNX model (default: the embedded default model)")
	seed := fs.Int64("seed", training.DefaultConfig().Seed, "split seed (the one the model was trained with)")
	out := fs.String("out", "", "directory for metrics.json, confusion.png, reliability.png, embedding.png and mistakes.png of both scales (default: print only)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	clf, err := model.Open(*modelPath)
	if err != nil {
		return err
	}
	for _, scale := range []float64{1, 0.5} {
		ev, err := evalSplit(clf, *dir, *seed, "test", training.EvalOptions{Scale: scale}, os.Stderr)
		if err != nil {
			return err
		}
		m := ev.Metrics
		fmt.Printf("real test split at scale %g: accuracy %.2f%% (95%% CI %.2f-%.2f%%), macro F1 %.2f%%, cigar %d/%d, ECE %.3f, attention under half %d/%d\n",
			scale, 100*m.Accuracy, 100*m.AccuracyCI95[0], 100*m.AccuracyCI95[1], 100*m.MacroF1,
			m.Confusion[model.Cigar][model.Cigar], m.PerClass[model.Cigar].Support,
			m.Calibration.ECE, m.Attention.UnderHalf, m.Attention.Total)
		if *out == "" {
			m.WriteText(os.Stdout)
			continue
		}
		if err := ev.Write(filepath.Join(*out, fmt.Sprintf("scale-%g", scale)), os.Stdout); err != nil {
			return err
		}
	}
	return nil
}
