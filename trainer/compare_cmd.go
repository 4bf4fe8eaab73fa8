package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/trainer/atomicfile"
	"github.com/hiwl/hiwl/trainer/onnxexport"
	"github.com/hiwl/hiwl/trainer/report"
	"github.com/hiwl/hiwl/trainer/training"
)

// mflopBudget is the model issue's budget for networks A and B together.
const mflopBudget = 45

// runCompare scores candidate models on the validation split, the split
// models are chosen on, and plots accuracy against cost.
func runCompare(args []string) error {
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	fs.Usage = usageFor(fs, "compare", "score candidate models (NAME=FILE.onnx ..., or NAME=A.onnx+B.onnx for the ensemble of A and B: their probabilities averaged network by network) on the seeded validation split and plot accuracy against MFLOP per image",
		"trainer compare -data ../shared/data/gz-challenge-5class -out docs/accuracy-mflop.png residual=old.onnx mbconv=runs/mb/model.onnx")
	data := fs.String("data", realData, "labelled data the candidates were trained on")
	seed := fs.Int64("seed", training.DefaultConfig().Seed, "split seed")
	out := fs.String("out", "", "PNG to write (a .json beside it lists the numbers); default: print only")
	shipped := fs.String("shipped", "", "NAME of the candidate that is shipped, ringed on the plot")
	keep := fs.Bool("keep", false, "with -out: keep the candidates already listed in the .json beside it (scored by earlier runs), replacing any named again, so that the plot shows every candidate trained")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return fmt.Errorf("compare: name at least one candidate as NAME=FILE.onnx")
	}
	var cs []report.Candidate
	for _, arg := range fs.Args() {
		name, path, ok := strings.Cut(arg, "=")
		if !ok || name == "" || path == "" {
			return fmt.Errorf("compare: %q: want NAME=FILE.onnx", arg)
		}
		// NAME=A.onnx+B.onnx is the ensemble of those models: what more
		// capacity would give, at the sum of their costs.
		var clfs []*model.Classifier
		var mflop float64
		for _, p := range strings.Split(path, "+") {
			clf, cost, err := loadCandidate(p)
			if err != nil {
				return fmt.Errorf("compare: %w", err)
			}
			clfs = append(clfs, clf)
			mflop += cost
		}
		ev, err := evalSplit(clfs[0], *data, *seed, "validation", training.EvalOptions{Members: clfs[1:]}, os.Stderr)
		if err != nil {
			return err
		}
		att := ev.Metrics.Attention
		lowest, _ := att.Lowest()
		c := report.Candidate{Name: name, MFLOP: mflop, Accuracy: ev.Metrics.Accuracy, MacroF1: ev.Metrics.MacroF1,
			UnderHalf: att.UnderHalf, LowestMedian: lowest.Median}
		cs = append(cs, c)
		fmt.Printf("%-20s %6.1f MFLOP  validation accuracy %.2f%%  macro-F1 %.2f%%  cigar %d/%d  ECE %.3f  attention under half %d/%d, lowest median %.2f (%s)\n",
			name, mflop, 100*c.Accuracy, 100*c.MacroF1, ev.Metrics.Confusion[model.Cigar][model.Cigar], ev.Metrics.PerClass[model.Cigar].Support,
			ev.Metrics.Calibration.ECE, att.UnderHalf, att.Total, lowest.Median, lowest.Class)
	}
	if *out == "" {
		return nil
	}
	listed := strings.TrimSuffix(*out, ".png") + ".json"
	if *keep {
		var err error
		if cs, err = keepListed(listed, cs); err != nil {
			return err
		}
	}
	for i := range cs {
		cs[i].Shipped = cs[i].Name == *shipped
	}
	if err := report.CostPNG(*out, "candidates on the validation split", mflopBudget, cs); err != nil {
		return err
	}
	js, err := json.MarshalIndent(cs, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteBytes(listed, append(js, '\n'))
}

// loadCandidate reads a candidate model and its cost, refusing one that
// saw the validation split (compare and curve score on it).
func loadCandidate(path string) (*model.Classifier, float64, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, err
	}
	clf, err := model.Load(raw)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", path, err)
	}
	if nets := clf.Metadata().Props[training.PropValidationTrainedOn]; nets != "" {
		return nil, 0, fmt.Errorf("%s: network %s was trained on the validation split; score the run that held it out", path, nets)
	}
	mflop, err := mflopOf(raw)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", path, err)
	}
	return clf, mflop, nil
}

// keepListed puts the candidates listed in the file at path before the
// ones just scored, leaving out those scored again. A missing file lists
// none.
func keepListed(path string, scored []report.Candidate) ([]report.Candidate, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return scored, nil
	}
	if err != nil {
		return nil, err
	}
	var listed []report.Candidate
	if err := json.Unmarshal(raw, &listed); err != nil {
		return nil, fmt.Errorf("compare: -keep: %s: %w", path, err)
	}
	again := map[string]bool{}
	for _, c := range scored {
		again[c.Name] = true
	}
	var out []report.Candidate
	for _, c := range listed {
		if !again[c.Name] {
			out = append(out, c)
		}
	}
	return append(out, scored...), nil
}

// mflopOf is a model's cost: the metadata's, or for files from before it
// was written there, counted from the networks read back.
func mflopOf(raw []byte) (float64, error) {
	f, err := onnxexport.Read(raw)
	if err != nil {
		return 0, err
	}
	if v, err := strconv.ParseFloat(f.Metadata["hiwl.mflops"], 64); err == nil {
		return v, nil
	}
	archA, archB, _, _, err := f.Networks()
	if err != nil {
		return 0, err
	}
	return float64(archA.FLOPs(model.NumA)+archB.FLOPs(model.NumB)) / 1e6, nil
}
