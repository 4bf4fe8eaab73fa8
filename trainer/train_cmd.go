package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/hiwl/hiwl/trainer/training"
)

func runTrain(ctx context.Context, args []string) error {
	cfg := training.DefaultConfig()
	var opt training.Options
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	fs.StringVar(&cfg.DataDir, "data", "", "Galaxy Zoo Challenge layout: training_solutions_rev1.csv + images_training_rev1/ (required)")
	fs.StringVar(&cfg.OutDir, "out", "runs/hiwl", "run directory: checkpoint, model.onnx, metrics, plots")
	fs.IntVar(&cfg.Input, "input", cfg.Input, "network input side in pixels (multiple of 8)")
	fs.Var(widthsFlag{&cfg.Widths}, "widths", "backbone widths, e.g. 12,24,48")
	fs.IntVar(&cfg.Epochs, "epochs", cfg.Epochs, "maximum epochs (length of the cosine schedule)")
	fs.IntVar(&cfg.Patience, "patience", cfg.Patience, "early stopping: epochs without validation improvement")
	fs.IntVar(&cfg.Batch, "batch", cfg.Batch, "batch size")
	fs.Float64Var(&cfg.LR, "lr", cfg.LR, "initial learning rate (SGD, cosine schedule)")
	fs.Float64Var(&cfg.Momentum, "momentum", cfg.Momentum, "SGD momentum")
	fs.Float64Var(&cfg.WeightDecay, "weight-decay", cfg.WeightDecay, "L2 weight decay")
	fs.Float64Var(&cfg.Smoothing, "smoothing", cfg.Smoothing, "label smoothing epsilon")
	fs.Int64Var(&cfg.Seed, "seed", cfg.Seed, "seed for the split, initialisation and augmentation")
	fs.BoolVar(&opt.Resume, "resume", false, "continue the run in -out from its last checkpoint")
	fs.IntVar(&opt.Workers, "workers", 0, "image decoding goroutines (0: one per CPU)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if cfg.DataDir == "" {
		fs.Usage()
		return fmt.Errorf("train: -data is required")
	}
	opt.Progress = os.Stderr
	res, err := training.Run(ctx, cfg, opt)
	if err != nil {
		return err
	}
	fmt.Printf("test accuracy %.2f%%, macro F1 %.2f%%, model %s (%s)\n",
		100*res.Metrics.Accuracy, 100*res.Metrics.MacroF1, res.ModelPath, res.Summary.ModelVersion)
	return nil
}
