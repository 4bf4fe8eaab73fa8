package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/trainer/gzdata"
	"github.com/hiwl/hiwl/trainer/training"
)

func runEval(args []string) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	data := fs.String("data", "", "Galaxy Zoo Challenge layout (required)")
	modelPath := fs.String("model", "", "ONNX model (default: the embedded default model)")
	out := fs.String("out", "", "directory for metrics.json and confusion.png (default: print only)")
	seed := fs.Int64("seed", training.DefaultConfig().Seed, "split seed (the one the model was trained with)")
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
	ds, err := gzdata.Load(*data)
	if err != nil {
		return err
	}
	ds.Report(os.Stderr)
	_, _, test := gzdata.Split(ds.Samples, *seed)
	fmt.Fprintf(os.Stderr, "test split: %d images, model %s\n", len(test), clf.Version())
	ev, err := training.Evaluate(clf, test, os.Stderr)
	if err != nil {
		return err
	}
	if *out == "" {
		ev.Metrics.WriteText(os.Stdout)
		ev.Metrics.CompareWithPaper(os.Stdout)
		return nil
	}
	return ev.Write(*out, os.Stdout)
}

// runRealCheck classifies the real Galaxy Zoo images laid out as
// {train,validation}/{spirals,non_spirals}/*.jpg. They have no five-class
// labels, so the check is the one they allow: spirals should come out
// spiral (or edge-on, a spiral seen side-on), non-spirals not spiral.
func runRealCheck(args []string) error {
	fs := flag.NewFlagSet("realcheck", flag.ContinueOnError)
	dir := fs.String("dir", filepath.Join("..", "shared", "data", "gz-challenge-spiral"), "folder with {train,validation}/{spirals,non_spirals}")
	modelPath := fs.String("model", "", "ONNX model (default: the embedded default model)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	clf, err := model.Open(*modelPath)
	if err != nil {
		return err
	}
	for _, group := range []string{"spirals", "non_spirals"} {
		files, _ := filepath.Glob(filepath.Join(*dir, "*", group, "*.jpg"))
		if len(files) == 0 {
			return fmt.Errorf("realcheck: no images in %s/*/%s", *dir, group)
		}
		counts := map[string]int{}
		failed := 0
		for _, f := range files {
			p, err := clf.ClassifyFile(f)
			if err != nil {
				failed++
				fmt.Fprintf(os.Stderr, "%s: %v\n", f, err)
				continue
			}
			counts[p.Label.Slug()]++
		}
		n := len(files) - failed
		spiralish := counts[model.Spiral.Slug()] + counts[model.EdgeOn.Slug()]
		var parts []string
		for k, v := range counts {
			parts = append(parts, fmt.Sprintf("%s %d", k, v))
		}
		sort.Strings(parts)
		if group == "spirals" {
			fmt.Printf("real spirals: %d/%d (%.1f%%) classified spiral or edge-on [%s]\n", spiralish, n, 100*float64(spiralish)/float64(n), strings.Join(parts, ", "))
		} else {
			not := n - counts[model.Spiral.Slug()]
			fmt.Printf("real non-spirals: %d/%d (%.1f%%) classified not spiral [%s]\n", not, n, 100*float64(not)/float64(n), strings.Join(parts, ", "))
		}
	}
	return nil
}
