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
	fs.Usage = usageFor(fs, "train", "train HIWL networks A and B, evaluate the test split through the exported ONNX file, export it",
		"trainer train -data ../shared/data/gz-challenge-5class -out runs/default   (add -resume to continue a run)")
	fs.StringVar(&cfg.DataDir, "data", "", "labelled data (required): Challenge layout (training_solutions_rev1.csv + images_training_rev1/) or class folders (round/, in-between/, cigar/, edge-on/, spiral/)")
	fs.StringVar(&cfg.ExtraData, "extra-data", "", "more labelled data (same layouts) for the training split only, e.g. ../shared/data/gz-challenge-5class-extra; validation and test stay -data's")
	fs.StringVar(&cfg.OutDir, "out", "runs/hiwl", "run directory: checkpoint, model.onnx, metrics, plots")
	fs.IntVar(&cfg.Input, "input", cfg.Input, "network input side in pixels (multiple of 8)")
	fs.Var(widthsFlag{&cfg.Widths}, "widths", "backbone widths, e.g. 12,24,48 (network A's, and B's without -widths-b)")
	fs.Var(widthsFlag{&cfg.WidthsB}, "widths-b", "network B's backbone widths, e.g. 8,16,32 (default: -widths); not with -flat")
	fs.StringVar(&cfg.Backbone, "arch", "", "network A's backbone as a spec (and B's without -arch-b), replacing -input and -widths: e.g. the MBConv default "+training.MBConvArchA+" (see hiwlnet.ParseArch)")
	fs.StringVar(&cfg.BackboneB, "arch-b", "", "network B's backbone as a spec (default: -arch), e.g. "+training.MBConvArchB)
	fs.IntVar(&cfg.Epochs, "epochs", cfg.Epochs, "maximum epochs (length of the cosine schedule)")
	fs.IntVar(&cfg.Patience, "patience", cfg.Patience, "early stopping: epochs without validation improvement")
	fs.IntVar(&cfg.Batch, "batch", cfg.Batch, "batch size")
	fs.Float64Var(&cfg.LR, "lr", cfg.LR, "initial learning rate (SGD, cosine schedule)")
	fs.Float64Var(&cfg.Momentum, "momentum", cfg.Momentum, "SGD momentum")
	fs.Float64Var(&cfg.WeightDecay, "weight-decay", cfg.WeightDecay, "L2 weight decay")
	fs.Float64Var(&cfg.Smoothing, "smoothing", cfg.Smoothing, "label smoothing epsilon")
	fs.Int64Var(&cfg.Seed, "seed", cfg.Seed, "seed for the split (and, without -init-seed, initialisation and augmentation)")
	fs.Int64Var(&cfg.InitSeed, "init-seed", 0, "seed for initialisation and augmentation only, to compare runs on one split (0: -seed)")
	fs.Float64Var(&cfg.Augment.Rotation, "rotation", cfg.Augment.Rotation, "augmentation: largest rotation in degrees (180: full circle; the paper: 25)")
	fs.Float64Var(&cfg.Augment.ZoomOut, "zoom-out", cfg.Augment.ZoomOut, "augmentation: largest zoom-out factor (1: none; 2: galaxy at half size)")
	fs.Float64Var(&cfg.Augment.ZoomOutProb, "zoom-out-prob", cfg.Augment.ZoomOutProb, "augmentation: share of draws that zoom out beyond 1.1")
	fs.Float64Var(&cfg.Augment.Brightness, "brightness", cfg.Augment.Brightness, "augmentation: brightness scaled by up to 1+x either way (0: none)")
	fs.Float64Var(&cfg.Augment.Squeeze, "squeeze", 0, "augmentation: share of smooth galaxies squeezed along a random direction (factor 0.5-1) and relabelled round/in-between/cigar by their new axis ratio (0: none)")
	fs.Float64Var(&cfg.Augment.SqueezeB, "squeeze-b", 0, "augmentation: share of network B's draws replaced by an in-between training galaxy squeezed into a cigar along its minor axis (0: none)")
	fs.BoolVar(&cfg.Flat, "flat", false, "ablation: one flat 5-way network instead of the A/B hierarchy (no ONNX export)")
	fs.StringVar(&cfg.BLAS, "blas", cfg.BLAS, "float32 matrix multiply: fast (the inference engine's SIMD GEMM) or gonum (gorgonia's default). The shipped model (make default-model) took network B from a -blas gonum run and network A from a -blas fast one")
	fs.BoolVar(&cfg.InitBFromA, "init-b-from-a", false, "with -reuse-a: start network B from network A's trained weights wherever B has a layer of the same name and shape (give -arch-b the first blocks of -arch), the rest from random ones")
	fs.StringVar(&cfg.SelectB, "select-b", cfg.SelectB, "how network B's best epoch is chosen on validation: accuracy, or balanced (mean recall of cigar and edge-on); an epoch that calls every image one class is never chosen")
	fs.StringVar(&cfg.InitFrom, "init-from", "", "start networks A and B from this exported model's weights (same widths), e.g. one trained on procedural galaxies, instead of random ones")
	fs.Float64Var(&cfg.Attention, "attention", 0, "weight of the attention penalty in the loss: the share of the target class's positive activation map outside the central disc that eval counts as the galaxy (0: none)")
	fs.Float64Var(&cfg.TrainFraction, "train-fraction", 1, "keep this share of each class of the labelled training split (nested subsets for one -init-seed), for a learning curve; validation and test stay whole, and -extra-data is added in full")
	fs.BoolVar(&cfg.FitValidation, "fit-validation", false, "also train on the validation split, once a recipe is chosen; each network trained keeps its last epoch (nothing is chosen on validation), and the test split stays the same")
	fs.StringVar(&cfg.Unlabelled, "unlabelled", "", "folder of unlabelled images (e.g. ../shared/data/gz-challenge-unlabelled): pseudo-labelled by -teacher, the confident ones join the training split with the teachers' probabilities as targets; and/or the images of -consistency")
	fs.StringVar(&cfg.Teachers, "teacher", "", "with -unlabelled: comma-separated ONNX models whose averaged probabilities label the images (\"default\": the embedded model)")
	fs.Float64Var(&cfg.PseudoConfidence, "pseudo-confidence", 0.9, "with -unlabelled: the averaged top probability an image needs to be kept")
	fs.Float64Var(&cfg.Consistency, "consistency", 0, "with -unlabelled: weight of FixMatch's consistency loss for network A (and -flat): each batch is joined by as many unlabelled images, whose strong view (any rotation, zoom-out, brightness, noise) is trained towards the network's own confident answer on a weak view (flips, small shift); 0: none")
	fs.Float64Var(&cfg.ConsistencyConfidence, "consistency-confidence", 0.95, "with -consistency: the top probability the network's weak-view answer needs to become a target")
	fs.IntVar(&cfg.SWA, "swa", 0, "average each network's weights over the last N epochs (stochastic weight averaging); the average, with batch-norm statistics measured again, is one more candidate chosen on validation (0: none)")
	noWeighted := fs.Bool("no-weighted", false, "ablation: network B draws uniformly instead of by 1/class count")
	fs.BoolVar(&opt.Resume, "resume", false, "continue the run in -out from its last checkpoint")
	fs.StringVar(&opt.ReuseA, "reuse-a", "", "take network A as finished from this checkpoint (same settings but B's -no-weighted, -select-b and -widths-b, -init-seed, -blas and -fit-validation) and train only B")
	fs.StringVar(&opt.ReuseB, "reuse-b", "", "take network B as finished from this checkpoint (same settings but A's -widths, -init-seed, -blas, -select-b and -fit-validation; B's widths must match); with -reuse-a nothing trains: the run exports and evaluates the pair")
	fs.Int64Var(&opt.ModelVersion, "model-version", 1, "release number written as the ONNX model_version")
	fs.IntVar(&opt.Workers, "workers", 0, "image decoding goroutines (0: one per CPU)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if cfg.DataDir == "" {
		fs.Usage()
		return fmt.Errorf("train: -data is required")
	}
	if !(cfg.TrainFraction > 0) { // Config reads 0 as all, for old checkpoints
		return fmt.Errorf("train: -train-fraction %g: want a share in (0, 1]", cfg.TrainFraction)
	}
	cfg.Weighted = !*noWeighted
	opt.Progress = os.Stderr
	res, err := training.Run(ctx, cfg, opt)
	if err != nil {
		return err
	}
	fmt.Printf("test accuracy %.2f%%, macro F1 %.2f%%, model %s (%s)\n",
		100*res.Metrics.Accuracy, 100*res.Metrics.MacroF1, res.ModelPath, res.Summary.ModelVersion)
	return nil
}
