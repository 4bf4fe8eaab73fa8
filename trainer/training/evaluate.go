package training

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/trainer/gzdata"
	"github.com/hiwl/hiwl/trainer/report"
)

// Evaluation is a model's result on a set of labelled samples.
type Evaluation struct {
	Metrics     *report.Metrics
	Samples     []gzdata.Sample     // the samples that were classified
	Predictions []*model.Prediction // one per sample
	Skipped     []error             // unreadable files, with their paths
}

// Evaluate classifies each sample's file with clf, through the same
// Classify call every runtime uses, and scores the five-class labels.
func Evaluate(clf *model.Classifier, samples []gzdata.Sample, log io.Writer) (*Evaluation, error) {
	if log == nil {
		log = io.Discard
	}
	ev := &Evaluation{}
	var truth, pred []int
	for i, s := range samples {
		p, err := clf.ClassifyFile(s.Path)
		if err != nil {
			ev.Skipped = append(ev.Skipped, fmt.Errorf("%s: %w", s.Path, err))
			continue
		}
		ev.Samples = append(ev.Samples, s)
		ev.Predictions = append(ev.Predictions, p)
		truth = append(truth, int(s.Class))
		pred = append(pred, int(p.Label))
		if i%100 == 99 || i == len(samples)-1 {
			fmt.Fprintf(log, "\rclassifying %d/%d", i+1, len(samples))
		}
	}
	fmt.Fprintln(log)
	for _, e := range ev.Skipped {
		fmt.Fprintf(log, "skipped unreadable image: %v\n", e)
	}
	names := make([]string, model.NumClasses)
	for i, c := range model.Classes {
		names[i] = c.String()
	}
	m, err := report.Compute(names, truth, pred)
	if err != nil {
		return nil, err
	}
	ev.Metrics = m
	return ev, nil
}

// Write stores metrics.json and confusion.png in dir and prints the table
// and the comparison with the paper.
func (ev *Evaluation) Write(dir string, log io.Writer) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := ev.Metrics.WriteJSON(filepath.Join(dir, MetricsFile)); err != nil {
		return err
	}
	if err := report.ConfusionPNG(filepath.Join(dir, ConfusionFile), ev.Metrics); err != nil {
		return err
	}
	if log != nil {
		ev.Metrics.WriteText(log)
		ev.Metrics.CompareWithPaper(log)
	}
	return nil
}
