// Package training runs HIWL training end to end: it reads a Galaxy Zoo
// Challenge layout, splits it, trains networks A and B with the paper's
// augmentations, weighted sampling and label smoothing, keeps the best
// checkpoint by validation accuracy, stops early, evaluates the test split
// through the exported ONNX file, and writes metrics, plots and the model.
package training

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/trainer/fastblas"
	"github.com/hiwl/hiwl/trainer/gzdata"
	"github.com/hiwl/hiwl/trainer/hiwlnet"
	"github.com/hiwl/hiwl/trainer/onnxexport"
	"github.com/hiwl/hiwl/trainer/report"
	"gorgonia.org/tensor"
)

// Config holds a run's settings; defaults are the paper's where it has one.
type Config struct {
	DataDir string
	// ExtraData is a second labelled set (class folders or Challenge
	// layout) whose images join the training split only: the validation
	// and test splits stay those of DataDir alone, so runs with and without
	// it compare on the same images. Galaxies already in DataDir are left
	// out of it.
	ExtraData string
	OutDir    string
	Input     int    // network input side (multiple of 8)
	Widths    [3]int // backbone widths: network A's, and B's without WidthsB
	WidthsB   [3]int // network B's, which only tells two classes apart; zero (and old checkpoints) means Widths
	// Backbone is network A's backbone as a hiwlnet spec (an MBConv
	// backbone, say), and B's without BackboneB; it replaces Input and
	// Widths, and "" (and old checkpoints) means the residual CNN they
	// describe.
	Backbone    string
	BackboneB   string
	Epochs      int // maximum epochs (the cosine schedule's length)
	Patience    int // early stopping: epochs without validation gain
	Batch       int
	LR          float64
	Momentum    float64
	WeightDecay float64
	Smoothing   float64 // label smoothing epsilon
	Seed        int64   // the split's seed
	// InitSeed seeds the weights' initialisation and the augmentation draws;
	// 0 means Seed. It exists so that several runs on the same split can be
	// compared (and the best chosen on validation) without moving the test
	// split, which Seed would.
	InitSeed int64
	Augment  Augment
	// The two switches below exist for the paper's ablation: with Flat, one
	// 5-way network replaces the A/B hierarchy; without Weighted, network B
	// draws its samples uniformly instead of by 1/class count.
	Flat     bool
	Weighted bool
	// BLAS multiplies gorgonia's float32 matrices: "fast" is the inference
	// engine's GEMM (trainer/fastblas, 1.4-1.8x the training speed),
	// "gonum" gorgonia's default. Results differ in float rounding only.
	BLAS string
	// SelectB is how network B's best epoch is chosen on validation:
	// "accuracy" or "balanced" (mean recall over cigar and edge-on). Either
	// way an epoch whose B calls every validation image the same class is
	// never chosen: B's validation set is about 7 cigars and 40 edge-ons,
	// so that network scores 85 % accuracy, and a 20-40-80 run would have
	// shipped one (cigar 0/7) without this rule. Balanced accuracy
	// overshoots the other way (7/7 cigars, 17 images called cigar, 91.1 %
	// five-class validation accuracy against 92.2 %), so accuracy stays the
	// default. Network A is chosen by accuracy.
	SelectB string
	// InitBFromA starts network B from network A's trained weights
	// wherever B has a tensor of the same name and shape (the backbone
	// layers the two share), the rest from random ones. It needs
	// -reuse-a: A must be finished first. B sees only cigars and edge-ons,
	// 31 cigars in the training split; A has learnt its features on every
	// image, the merged cigar-or-edge-on class included, so B starts from
	// features of galaxies instead of noise (the paper starts both from
	// ImageNet weights, which cannot be fetched here).
	InitBFromA bool
	// InitFrom names an exported model (ONNX) whose networks A and B, of
	// the same widths, are this run's starting weights in place of random
	// ones: how a model trained on procedural galaxies is fine-tuned on
	// real ones. "" starts from random weights.
	InitFrom string
	// Unlabelled is a folder of images without labels, pseudo-labelled by
	// Teachers (comma-separated ONNX files; "default" is the embedded
	// model, probabilities averaged): those whose top probability reaches
	// PseudoConfidence join the training split with the teachers'
	// probabilities as targets. "" uses none. Without Teachers, the images
	// serve Consistency only.
	Unlabelled       string
	Teachers         string
	PseudoConfidence float64
	// Consistency weighs FixMatch's loss on the unlabelled images
	// (consistency.go) for network A and the flat network: each training
	// batch is joined by as many of them, and the network's own confident
	// answer on a weak view of an image becomes the target of a strong view
	// of it. ConsistencyConfidence is the top probability an answer needs.
	// 0 (and old checkpoints) means none.
	Consistency           float64
	ConsistencyConfidence float64
	// SWA averages each network's weights over the last SWA epochs
	// (swa.go); the average is one more candidate for the network's best,
	// chosen on validation. 0 (and old checkpoints) means none.
	SWA int
	// FitValidation adds the validation split to the training images, for
	// a last fit once a recipe has been chosen on validation: 382
	// validation images cannot tell 1-point differences apart, but as
	// training data they are a fifth more. Nothing is then chosen or
	// stopped by validation: each network trained keeps its last epoch.
	// The test split is the same as without it.
	FitValidation bool
	// TrainFraction keeps that share of each class of the labelled
	// training split (gzdata.Subsample, seeded by the init seed), before
	// ExtraData joins it, for a learning curve; validation and test stay
	// whole. 0 (and old checkpoints) and 1 keep all of it.
	TrainFraction float64
	// Attention weighs hiwlnet.AttentionPenalty in each network's loss:
	// the share of the target class's positive activation map that falls
	// off the central disc the attention measure counts as the galaxy
	// (AttentionRadius). Challenge cutouts centre their galaxy, and
	// rotations and zoom-outs keep it there, so evidence from the sky or
	// a neighbour is what it discourages. 0 leaves the loss the paper's.
	Attention float64
}

// DefaultConfig is the recipe of the default model: the paper's optimiser,
// sampling and smoothing on our backbone, with full-circle rotations and
// zoom-outs (see Augment), 45 epochs and a learning rate of 0.01. The paper
// uses 0.005 to fine-tune ImageNet weights; from scratch, batch 16, 0.01 is
// the usual SGD rate (0.1 at batch 128, scaled linearly).
func DefaultConfig() Config {
	a := hiwlnet.DefaultArch()
	return Config{
		Input: a.Input, Widths: widthsOf(a),
		Epochs: 45, Patience: 25, Batch: 16, LR: 0.01, Momentum: 0.9, WeightDecay: 1e-4,
		Smoothing: 0.05, Seed: 1, Weighted: true, BLAS: "fast", SelectB: "accuracy",
		Augment: Augment{Rotation: 180, ZoomOut: 2.2, ZoomOutProb: 0.3, Brightness: 0.2},
	}
}

// The MBConv backbones of the next default model (see the model card for
// how they were chosen): network B tells only cigar from edge-on and is
// smaller. Both end on a 10x10 map at 80x80 input, as the CAM grid needs.
const (
	MBConvArchA = "80:s16k3/2,m16e1k3q4,m24e4k3/2q6,m24e4k3q6,m40e4k5/2q10,m40e4k5q10,m64e4k3q16,t128"
	MBConvArchB = "80:s16k3/2,m16e1k3q4,m24e4k3/2q6,m40e4k5/2q10,m48e4k3q12,t96"
)

// initSeed is InitSeed, or Seed when that is unset (checkpoints from
// before InitSeed existed decode it as 0 and keep their draws).
func (c Config) initSeed() int64 {
	if c.InitSeed != 0 {
		return c.InitSeed
	}
	return c.Seed
}

// trainFraction is the share of the training split kept: TrainFraction,
// or all of it for 0 (old checkpoints).
func (c Config) trainFraction() float64 {
	if c.TrainFraction == 0 {
		return 1
	}
	return c.TrainFraction
}

// widthsB is network B's effective widths.
func (c Config) widthsB() [3]int {
	if c.WidthsB == ([3]int{}) {
		return c.Widths
	}
	return c.WidthsB
}

// ArchA is network A's backbone (the flat network's too). A spec that
// does not parse gives an empty Arch, which Validate refuses; Run reports
// the parse error first.
func (c Config) ArchA() hiwlnet.Arch {
	if c.Backbone != "" {
		a, _ := hiwlnet.ParseArch(c.Backbone)
		return a
	}
	return hiwlnet.NewArch(c.Input, c.Widths[0], c.Widths[1], c.Widths[2])
}

// ArchB is network B's backbone.
func (c Config) ArchB() hiwlnet.Arch {
	if spec := c.backboneB(); spec != "" {
		a, _ := hiwlnet.ParseArch(spec)
		return a
	}
	w := c.widthsB()
	return hiwlnet.NewArch(c.Input, w[0], w[1], w[2])
}

// backboneB is network B's spec: BackboneB, or A's.
func (c Config) backboneB() string {
	if c.BackboneB != "" {
		return c.BackboneB
	}
	return c.Backbone
}

// checkArchs reads the specs, and makes Input theirs.
func (c *Config) checkArchs() error {
	if c.BackboneB != "" && c.Backbone == "" {
		return errors.New("training: -arch-b needs -arch (network A's backbone)")
	}
	if c.Backbone == "" {
		return nil
	}
	if c.Flat && c.BackboneB != "" {
		return errors.New("training: -arch-b: a -flat run has no network B")
	}
	a, err := hiwlnet.ParseArch(c.Backbone)
	if err != nil {
		return fmt.Errorf("training: -arch: %w", err)
	}
	b, err := hiwlnet.ParseArch(c.backboneB())
	if err != nil {
		return fmt.Errorf("training: -arch-b: %w", err)
	}
	if a.Input != b.Input {
		return fmt.Errorf("training: -arch and -arch-b take %d and %d pixels; one model has one input", a.Input, b.Input)
	}
	// The runtimes draw both networks' attention maps on one grid and
	// refuse a model whose feature maps differ; found here, not after
	// hours of training at the export.
	if !c.Flat && a.FeatureSide() != b.FeatureSide() {
		return fmt.Errorf("training: -arch ends at %dx%d features and -arch-b at %dx%d; both networks must reach the same side (give B as many strides of 2 as A)",
			a.FeatureSide(), a.FeatureSide(), b.FeatureSide(), b.FeatureSide())
	}
	c.Input = a.Input
	return nil
}

// FLOPs is the run's per-image cost: A and B together, or the flat network.
func (c Config) FLOPs() int64 {
	if c.Flat {
		return c.ArchA().FLOPs(model.NumClasses)
	}
	return c.ArchA().FLOPs(model.NumA) + c.ArchB().FLOPs(model.NumB)
}

// widthsText names the widths as they always were, or both networks' when
// B's differ.
func (c Config) widthsText() string {
	if c.Backbone != "" {
		if c.backboneB() == c.Backbone {
			return c.Backbone
		}
		return fmt.Sprintf("A %s, B %s", c.Backbone, c.backboneB())
	}
	if c.widthsB() == c.Widths {
		return fmt.Sprint(c.Widths)
	}
	dash := func(w [3]int) string { return fmt.Sprintf("%d-%d-%d", w[0], w[1], w[2]) }
	return fmt.Sprintf("A %s, B %s", dash(c.Widths), dash(c.widthsB()))
}

// backboneText names the backbones: widths, or specs.
func (c Config) backboneText() string {
	if c.Backbone != "" {
		return "backbone " + c.widthsText()
	}
	return "residual CNN, widths " + c.widthsText()
}

// Files written in OutDir.
const (
	ModelFile     = "model.onnx"
	MetricsFile   = "metrics.json"
	ConfusionFile = "confusion.png"
	CurvesFile    = "curves.png"
	SummaryFile   = "summary.json"
)

// Options are a run's non-persistent knobs.
type Options struct {
	Resume bool // continue from OutDir's checkpoint
	// ReuseA names another run's checkpoint whose finished network A this
	// run takes as it is, training only B. A never sees B's settings, so the
	// weighted-sampling ablation, or a narrower B, need not train A again.
	// The other run's settings must equal this one's but for B's (Weighted,
	// SelectB, WidthsB) and for what only drew or rounded differently
	// (InitSeed, BLAS).
	ReuseA string
	// ReuseB is the same for network B (A's Widths may differ, B's
	// effective widths may not). With both, nothing trains: the run
	// exports and evaluates networks chosen from several runs on the same
	// split, each by its own validation accuracy, which is how a run
	// chooses each network's epoch too.
	ReuseB string
	// ModelVersion is written as the exported file's ONNX model_version.
	ModelVersion int64
	Workers      int       // image decoding goroutines (0: all CPUs)
	Progress     io.Writer // progress lines; nil for none
}

// Result is what a finished run measured.
type Result struct {
	Metrics      *report.Metrics
	Summary      Summary
	ModelPath    string
	ParityMaxAbs float64 // largest |gorgonia - onnx-go| probability difference
}

// Run trains, evaluates and exports. Cancelling ctx stops after the
// current batch; the last completed epoch's checkpoint stays on disk.
func Run(ctx context.Context, cfg Config, opt Options) (*Result, error) {
	log := opt.Progress
	if log == nil {
		log = io.Discard
	}
	if cfg.Flat && cfg.WidthsB != ([3]int{}) {
		return nil, errors.New("training: -widths-b: a -flat run has no network B; set its widths with -widths")
	}
	if cfg.Flat && cfg.FitValidation {
		return nil, errors.New("training: -fit-validation: the -flat network is the ablation's, compared on the split as it is")
	}
	if err := cfg.checkArchs(); err != nil {
		return nil, err
	}
	if !cfg.Flat {
		cfg.WidthsB = cfg.widthsB() // summary.json and the checkpoint say B's widths outright
		if cfg.Backbone != "" {
			cfg.BackboneB = cfg.backboneB()
		}
	}
	archA, archB := cfg.ArchA(), cfg.ArchB()
	for _, a := range []hiwlnet.Arch{archA, archB} {
		if err := a.Validate(); err != nil {
			return nil, err
		}
	}
	if cfg.Batch < 2 || cfg.Epochs < 1 || cfg.Smoothing < 0 || cfg.Smoothing >= 1 || !(cfg.Attention >= 0 && cfg.Attention < math.Inf(1)) {
		return nil, fmt.Errorf("training: need batch >= 2, epochs >= 1, 0 <= smoothing < 1, 0 <= attention < inf")
	}
	if cfg.SWA < 0 || cfg.SWA > cfg.Epochs || (cfg.SWA > 0 && cfg.FitValidation) {
		return nil, fmt.Errorf("training: -swa %d: want 0 to -epochs (%d), and not with -fit-validation (the average is chosen on validation)", cfg.SWA, cfg.Epochs)
	}
	if !(cfg.TrainFraction >= 0 && cfg.TrainFraction <= 1) {
		return nil, fmt.Errorf("training: -train-fraction %g: want a share in (0, 1]", cfg.TrainFraction)
	}
	if cfg.SelectB != "balanced" && cfg.SelectB != "accuracy" {
		return nil, fmt.Errorf("training: -select-b %q: want balanced or accuracy", cfg.SelectB)
	}
	switch cfg.BLAS {
	case "fast":
		fastblas.Use()
	case "gonum":
		fastblas.UseGonum()
	default:
		return nil, fmt.Errorf("training: -blas %q: want fast or gonum", cfg.BLAS)
	}
	if err := os.MkdirAll(cfg.OutDir, 0o755); err != nil {
		return nil, err
	}
	ckpt := filepath.Join(cfg.OutDir, CheckpointFile)
	st, err := startState(ckpt, cfg, opt.Resume)
	if err != nil {
		return nil, err
	}
	if st.Epoch > 0 {
		fmt.Fprintf(log, "resuming from epoch %d of %d (%s)\n", st.Epoch, cfg.Epochs, ckpt)
	}
	if st.Epoch == 0 {
		for _, r := range []struct{ path, net string }{{opt.ReuseA, "A"}, {opt.ReuseB, "B"}} {
			if r.path == "" {
				continue
			}
			if err := reuse(st, r.path, r.net); err != nil {
				return nil, err
			}
		}
		if cfg.InitBFromA {
			if err := initBFromA(st, log); err != nil {
				return nil, err
			}
		}
		if st.From != nil {
			// the run directory holds what it exports, trained here or not
			if err := writeCheckpoint(ckpt, st); err != nil {
				return nil, err
			}
		}
	}

	ds, err := gzdata.Load(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	ds.Report(log)
	trainS, valS, testS := gzdata.Split(ds.Samples, cfg.Seed)
	fmt.Fprintf(log, "split (seed %d): %d train, %d validation, %d test\n", cfg.Seed, len(trainS), len(valS), len(testS))
	if f := cfg.trainFraction(); f < 1 {
		all := len(trainS)
		trainS = gzdata.Subsample(trainS, f, cfg.initSeed())
		fmt.Fprintf(log, "-train-fraction %g: training on %d of the %d labelled training images (each class kept in proportion)\n", f, len(trainS), all)
	}
	if cfg.ExtraData != "" {
		extra, err := extraSamples(cfg.ExtraData, ds.Samples)
		if err != nil {
			return nil, err
		}
		trainS = append(trainS, extra...)
		fmt.Fprintf(log, "-extra-data %s: %d more training images\n", cfg.ExtraData, len(extra))
	}
	bar := func(what string) func(int, int) {
		return func(done, total int) { fmt.Fprintf(log, "\rdecoding %s images %d/%d", what, done, total) }
	}
	train, bad := loadImages(trainS, cfg.Input, opt.Workers, prepareTrain(cfg.Input), bar("training"))
	var val []evalImage
	var bad2 []error
	nTrain, nVal := len(train), 0
	if cfg.FitValidation {
		var fit []trainImage
		fit, bad2 = loadImages(valS, cfg.Input, opt.Workers, prepareTrain(cfg.Input), bar("validation (trained on)"))
		train, nVal = append(train, fit...), len(fit)
	} else {
		val, bad2 = loadImages(valS, cfg.Input, opt.Workers, prepareEval(cfg.Input), bar("validation"))
		nVal = len(val)
	}
	fmt.Fprintln(log)
	for _, e := range append(bad, bad2...) {
		fmt.Fprintf(log, "skipped unreadable image: %v\n", e)
	}
	if nTrain == 0 || nVal == 0 {
		return nil, errors.New("training: no readable training or validation images")
	}
	var unlabelled []trainImage
	if cfg.Unlabelled != "" {
		if cfg.Teachers == "" && cfg.Consistency == 0 {
			return nil, errors.New("training: -unlabelled needs -teacher (pseudo-labels) or -consistency")
		}
		if cfg.Teachers != "" && !(cfg.PseudoConfidence > 0 && cfg.PseudoConfidence <= 1) {
			return nil, errors.New("training: -teacher needs a -pseudo-confidence in (0, 1]")
		}
		votes, err := loadUnlabelled(cfg, opt.Workers, log)
		if err != nil {
			return nil, err
		}
		if cfg.Teachers != "" {
			pseudo, err := pseudoLabel(votes, cfg, log)
			if err != nil {
				return nil, err
			}
			train = append(train, pseudo...)
		}
		if cfg.Consistency > 0 {
			for _, v := range votes {
				unlabelled = append(unlabelled, v.img)
			}
		}
	}
	if cfg.Consistency != 0 {
		if cfg.Unlabelled == "" || !(cfg.Consistency > 0 && cfg.Consistency < math.Inf(1)) || !(cfg.ConsistencyConfidence > 0 && cfg.ConsistencyConfidence <= 1) {
			return nil, errors.New("training: -consistency needs -unlabelled, a weight > 0 and a -consistency-confidence in (0, 1]")
		}
		fmt.Fprintf(log, "-consistency %g: each batch of network %s is joined by %d of the %d unlabelled images, trained on where the network's answer on a weak view reaches %g\n",
			cfg.Consistency, map[bool]string{true: "flat", false: "A"}[cfg.Flat], cfg.Batch, len(unlabelled), cfg.ConsistencyConfidence)
	}
	if cfg.FitValidation {
		fmt.Fprintf(log, "-fit-validation: training on %d training and %d validation images; each network keeps its last epoch\n", nTrain, nVal)
	}

	nets := "A+B"
	if cfg.Flat {
		nets = "flat"
	}
	fmt.Fprintf(log, "device: %s; %dx%d input, %s, %.1f MFLOPs per image (%s)\n",
		hiwlnet.Device, cfg.Input, cfg.Input, cfg.backboneText(), float64(cfg.FLOPs())/1e6, nets)
	t := &trainer{cfg: cfg, log: log, train: train, val: val, nTrain: nTrain, nVal: nVal, modelVersion: opt.ModelVersion, unlabelled: unlabelled}
	if cfg.Augment.Squeeze > 0 || cfg.Augment.SqueezeB > 0 {
		t.squeeze = fitSqueezeBounds(train)
		fmt.Fprintf(log, "-squeeze %g, -squeeze-b %g: smooth galaxies squeezed and relabelled by axis ratio; boundaries fitted on the training images: round/in-between %.3f, in-between/cigar %.3f\n",
			cfg.Augment.Squeeze, cfg.Augment.SqueezeB, t.squeeze.roundIn, t.squeeze.inCigar)
	}
	if err := t.build(st); err != nil {
		return nil, err
	}
	curves := func() error {
		return report.CurvesPNG(filepath.Join(cfg.OutDir, CurvesFile), "HIWL training", st.History)
	}
	start, resumedAt := time.Now(), st.Epoch
	for epoch := st.Epoch + 1; epoch <= cfg.Epochs && !(st.A.Stopped && st.B.Stopped); epoch++ {
		if err := t.epoch(ctx, st, epoch); err != nil {
			return nil, err
		}
		st.Epoch = epoch
		if err := writeCheckpoint(ckpt, st); err != nil {
			return nil, err
		}
		if err := curves(); err != nil {
			return nil, err
		}
		fmt.Fprintf(log, "checkpoint: epoch %d saved to %s (%s elapsed)\n", epoch, ckpt, time.Since(start).Round(time.Second))
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// A finished run resumed, or a pair exported, trained no epoch here
	// to draw them; the run directory still holds all its outputs.
	if st.Epoch == resumedAt && len(st.History) > 0 {
		if err := curves(); err != nil {
			return nil, err
		}
	}
	if cfg.Flat {
		return t.finishFlat(st, testS)
	}
	return t.finish(st, ds, testS)
}

// extraSamples loads the extra labelled set, leaving out galaxies (by ID)
// that the main set has, so that none of them can reach training from a
// second copy while it sits in the validation or test split.
func extraSamples(dir string, main []gzdata.Sample) ([]gzdata.Sample, error) {
	ds, err := gzdata.Load(dir)
	if err != nil {
		return nil, fmt.Errorf("training: -extra-data: %w", err)
	}
	have := make(map[int64]bool, len(main))
	for _, s := range main {
		have[s.ID] = true
	}
	var out []gzdata.Sample
	for _, s := range ds.Samples {
		if s.ID == 0 || !have[s.ID] { // 0: a file name without a GalaxyID
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("training: -extra-data %s: no images that the main set does not have", dir)
	}
	return out, nil
}

func startState(ckpt string, cfg Config, resume bool) (*state, error) {
	_, statErr := os.Stat(ckpt)
	switch {
	case resume && statErr == nil:
		st, err := readCheckpoint(ckpt)
		if err != nil {
			return nil, err
		}
		if err := resumeConfig(st, cfg); err != nil {
			return nil, err
		}
		return st, nil
	case resume:
		return nil, fmt.Errorf("training: -resume given but there is no checkpoint at %s", ckpt)
	case statErr == nil:
		return nil, fmt.Errorf("training: %s exists; pass -resume to continue it or choose another output directory", ckpt)
	}
	classesA := model.NumA
	if cfg.Flat {
		classesA = model.NumClasses
	}
	var a, b hiwlnet.Params
	if cfg.InitFrom != "" {
		var err error
		if a, b, err = initialWeights(cfg); err != nil {
			return nil, err
		}
		if cfg.Flat {
			a = flatFrom(a, cfg.ArchA(), cfg.initSeed())
		}
	} else {
		a = hiwlnet.NewParams(cfg.ArchA(), classesA, cfg.initSeed())
		b = hiwlnet.NewParams(cfg.ArchB(), model.NumB, cfg.initSeed()+1)
	}
	return &state{
		Config: cfg,
		A:      netState{Params: save(a), Best: save(a), Velocity: map[string][]float32{}, BestAcc: -1},
		// A flat network has no B; it counts as stopped from the start.
		B: netState{Params: save(b), Best: save(b), Velocity: map[string][]float32{}, BestAcc: -1, Stopped: cfg.Flat},
	}, nil
}

// reuse takes network net ("A" or "B") of the finished run whose
// checkpoint is at path into st, as finished.
func reuse(st *state, path, net string) error {
	flag := "-reuse-" + strings.ToLower(net)
	other, err := readCheckpoint(path)
	if err != nil {
		return err
	}
	// What only drew or rounded differently does not matter, nor B's
	// settings when A is taken, nor A's widths when B is; the rest must be
	// equal.
	// Nor -fit-validation: the network says itself whether it saw the
	// validation split (netState.FitValidation), and the export says so.
	// Nor what only adds or alters training images (-extra-data,
	// -unlabelled and its teachers, -squeeze, -consistency), nor the
	// schedule (-epochs, -patience, -lr), nor where the weights started
	// (-init-from, as -init-seed): the split stays the same, so a network
	// trained here with more data or epochs (B alone trains in minutes) can
	// be paired with one trained without, and the file's doc names the run
	// each came from.
	ignore := map[string]bool{"-init-seed": true, "-blas": true, "-select-b": true, "-fit-validation": true,
		"-extra-data": true, "-unlabelled": true, "-teacher": true, "-pseudo-confidence": true, "-squeeze": true, "-squeeze-b": true,
		"-consistency": true, "-consistency-confidence": true, "-swa": true,
		"-epochs": true, "-patience": true, "-lr": true, "-init-from": true,
		"-no-weighted": net == "A", "-widths-b": net == "A", "-init-b-from-a": net == "A", "-widths": net == "B", "-arch-b": net == "A", "-arch": net == "B"}
	var diff []string
	for _, set := range settings {
		if !ignore[set.flag] && fmt.Sprint(set.get(st.Config)) != fmt.Sprint(set.get(other.Config)) {
			diff = append(diff, fmt.Sprintf("%s %v (there %v)", set.flag, set.get(st.Config), set.get(other.Config)))
		}
	}
	if st.Config.DataDir != other.Config.DataDir {
		diff = append(diff, fmt.Sprintf("-data %s (there %s)", st.Config.DataDir, other.Config.DataDir))
	}
	if st.Config.Flat {
		return fmt.Errorf("training: %s: a -flat run has no networks A and B to take", flag)
	}
	if len(diff) > 0 {
		return fmt.Errorf("training: %s %s: that run's settings differ from this one's where they shape network %s: %s",
			flag, path, net, strings.Join(diff, ", "))
	}
	theirs, ours := &other.A, &st.A
	if net == "B" {
		theirs, ours = &other.B, &st.B
	}
	if !theirs.Stopped && other.Epoch < other.Config.Epochs {
		return fmt.Errorf("training: %s %s: its network %s has not finished (epoch %d of %d)", flag, path, net, other.Epoch, other.Config.Epochs)
	}
	arch, classes, widthsFlag, widths := st.Config.ArchA(), model.NumA, "-widths", st.Config.Widths
	if net == "B" {
		arch, classes, widthsFlag, widths = st.Config.ArchB(), model.NumB, "-widths-b", st.Config.widthsB()
	}
	for _, p := range []savedParams{theirs.Params, theirs.Best} {
		if err := p.fits(arch, classes); err != nil {
			return fmt.Errorf("training: %s %s: its network %s does not fit this run's (%s %s): %v", flag, path, net, widthsFlag, widthsArg(widths), err)
		}
	}
	*ours = *theirs
	ours.Stopped = true
	if st.From == nil {
		st.From = map[string]string{}
	}
	st.From[net] = path
	for _, h := range other.History {
		if h.Network == net {
			st.History = append(st.History, h)
		}
	}
	return nil
}

// initBFromA copies network A's chosen weights into network B's starting
// ones (Params and Best) wherever a tensor has the same name and shape in
// both; it runs once, before B's first epoch.
func initBFromA(st *state, log io.Writer) error {
	if st.From["A"] == "" {
		return errors.New("training: -init-b-from-a needs -reuse-a: network A must be finished before B starts from it")
	}
	if st.From["B"] != "" {
		return errors.New("training: -init-b-from-a and -reuse-b: network B is either taken as it is or trained from A's weights")
	}
	b := st.B.Params.params()
	copied, total := copySameShape(b, st.A.Best.params())
	if copied == 0 {
		return errors.New("training: -init-b-from-a: networks A and B share no layer of the same name and shape (-arch-b must repeat the first blocks of -arch)")
	}
	st.B.Params, st.B.Best = save(b), save(b)
	fmt.Fprintf(log, "-init-b-from-a: network B starts from network A's weights for %d of its %d parameters\n", copied, total)
	return nil
}

// initialWeights reads networks A and B from cfg.InitFrom. Their widths
// must be cfg's; the input side may differ, since the backbone is
// convolutional and its head follows a global average pool.
func initialWeights(cfg Config) (a, b hiwlnet.Params, err error) {
	data, err := os.ReadFile(cfg.InitFrom)
	if err != nil {
		return nil, nil, fmt.Errorf("training: -init-from: %w", err)
	}
	f, err := onnxexport.Read(data)
	if err != nil {
		return nil, nil, fmt.Errorf("training: -init-from %s: %w", cfg.InitFrom, err)
	}
	archA, archB, a, b, err := f.Networks()
	if err != nil {
		return nil, nil, fmt.Errorf("training: -init-from %s: %w", cfg.InitFrom, err)
	}
	for _, n := range []struct {
		name, flag string
		got, want  hiwlnet.Arch
	}{{"A", "-widths", archA, cfg.ArchA()}, {"B", "-widths-b", archB, cfg.ArchB()}} {
		if n.name == "B" && cfg.Flat {
			continue // a flat run has no B
		}
		if slices.Equal(n.got.Layers, n.want.Layers) && n.got.Act == n.want.Act {
			continue
		}
		if !n.got.IsResidualCNN() || !n.want.IsResidualCNN() {
			return nil, nil, fmt.Errorf("training: -init-from %s: its network %s is %s, this run's %s (the layers must match; the input side may differ)",
				cfg.InitFrom, n.name, n.got, n.want)
		}
		return nil, nil, fmt.Errorf("training: -init-from %s: its network %s has widths %s, this run's %s %s",
			cfg.InitFrom, n.name, widthsArg(widthsOf(n.got)), n.flag, widthsArg(widthsOf(n.want)))
	}
	return a, b, nil
}

// flatFrom is a flat network (one 5-way head) that starts from a
// hierarchical network A's backbone: every tensor of the same name and shape
// is copied, and the head, whose shape differs, keeps its random start.
// This is what the ablation's flat run needs to share the others' start.
func flatFrom(a hiwlnet.Params, arch hiwlnet.Arch, seed int64) hiwlnet.Params {
	flat := hiwlnet.NewParams(arch, model.NumClasses, seed)
	copySameShape(flat, a)
	return flat
}

// copySameShape sets each tensor of dst that src has by the same name and
// shape to a copy of src's, and counts the numbers copied and dst's in all.
func copySameShape(dst, src hiwlnet.Params) (copied, total int) {
	for name, t := range dst {
		total += t.Shape().TotalSize()
		if from, ok := src[name]; ok && slices.Equal(from.Shape(), t.Shape()) {
			dst[name] = from.Clone().(*tensor.Dense)
			copied += t.Shape().TotalSize()
		}
	}
	return copied, total
}

// widthsOf is the three widths of a backbone NewArch built.
func widthsOf(a hiwlnet.Arch) [3]int {
	return [3]int{a.Layers[0].Out, a.Layers[2].Out, a.Layers[5].Out}
}

// widthsArg writes widths the way -widths takes them.
func widthsArg(w [3]int) string { return fmt.Sprintf("%d,%d,%d", w[0], w[1], w[2]) }

// network is one of HIWL's two networks during training.
type network struct {
	name     string
	classes  int
	params   hiwlnet.Params
	opt      *hiwlnet.SGD
	trainNet *hiwlnet.Net
	evalNet  *hiwlnet.Net
	target   func(model.Class) (int, bool) // the network's label, if it sees the class
	weighted bool                          // draw with 1/class-count weights
	train    []int                         // indices into trainer.train
	val      []int                         // indices into trainer.val
	st       *netState
	// cigarSources are the in-between training images that network B's
	// draws may squeeze into cigars (-squeeze-b).
	cigarSources []int
	// attnOff and attnTotal are the attention penalty's cell weights,
	// nil without -attention.
	attnOff, attnTotal []float32
	// consistent networks train on batches twice cfg.Batch: the labelled
	// draws, then as many unlabelled ones (Consistency).
	consistent bool
}

type trainer struct {
	cfg   Config
	log   io.Writer
	train []trainImage
	val   []evalImage // empty with FitValidation
	nets  []*network
	// nTrain and nVal count the two splits' readable images: with
	// FitValidation both are in train.
	nTrain, nVal int

	modelVersion int64
	squeeze      squeezeBounds // fitted on the training images when Augment.Squeeze > 0
	// unlabelled are the images of Consistency's loss; nil without it.
	unlabelled []trainImage
}

// evalBatch is the batch size of the evaluation graphs.
const evalBatch = 16

func (t *trainer) build(st *state) error {
	aTarget := func(c model.Class) (int, bool) { return model.AIndex(c), true }
	type spec struct {
		name     string
		arch     hiwlnet.Arch
		classes  int
		st       *netState
		target   func(model.Class) (int, bool)
		weighted bool
	}
	specs := []spec{
		{"A", t.cfg.ArchA(), model.NumA, &st.A, aTarget, false},
		{"B", t.cfg.ArchB(), model.NumB, &st.B, model.BIndex, t.cfg.Weighted},
	}
	if t.cfg.Flat {
		flat := func(c model.Class) (int, bool) { return int(c), true }
		specs = []spec{{"flat", t.cfg.ArchA(), model.NumClasses, &st.A, flat, false}}
	}
	t.nets = make([]*network, len(specs))
	for i, s := range specs {
		n := &network{name: s.name, classes: s.classes, st: s.st, target: s.target, weighted: s.weighted}
		// Network B tells cigar from edge-on, which most unlabelled images
		// are neither: it has no consistency loss.
		n.consistent = t.unlabelled != nil && s.name != "B"
		batch, attention := t.cfg.Batch, t.cfg.Attention
		if n.consistent {
			// The loss is a mean over the whole batch; doubling the
			// penalty's weight keeps it per labelled image what it is
			// without (the targets are doubled for the same reason).
			batch, attention = 2*batch, 2*attention
		}
		var opts []hiwlnet.Option
		if t.cfg.Attention > 0 {
			n.attnOff, n.attnTotal = attentionCells(s.arch.FeatureSide())
			opts = append(opts, hiwlnet.WithAttentionPenalty(attention, n.attnOff, n.attnTotal))
		}
		n.params = s.st.Params.params()
		n.opt = hiwlnet.NewSGD(t.cfg.LR, t.cfg.Momentum, t.cfg.WeightDecay)
		n.opt.Velocity = s.st.Velocity
		var err error
		if n.trainNet, err = hiwlnet.Build(s.arch, s.classes, batch, n.params, true, opts...); err != nil {
			return err
		}
		if n.evalNet, err = hiwlnet.Build(s.arch, s.classes, evalBatch, n.params, false); err != nil {
			return err
		}
		for j, im := range t.train {
			if _, ok := s.target(im.class); ok {
				n.train = append(n.train, j)
			}
			if s.name == "B" && t.cfg.Augment.SqueezeB > 0 && im.class == model.InBetween && im.softA == nil {
				n.cigarSources = append(n.cigarSources, j)
			}
		}
		for j, im := range t.val {
			if _, ok := s.target(im.class); ok {
				n.val = append(n.val, j)
			}
		}
		if len(n.train) < t.cfg.Batch || (len(n.val) == 0 && !t.cfg.FitValidation) {
			return fmt.Errorf("training: network %s has %d training and %d validation images; need at least a batch (%d) and one", s.name, len(n.train), len(n.val), t.cfg.Batch)
		}
		t.nets[i] = n
	}
	return nil
}

// lr is the cosine schedule over the configured epochs.
func (t *trainer) lr(epoch int) float64 {
	return 0.5 * t.cfg.LR * (1 + math.Cos(math.Pi*float64(epoch-1)/float64(t.cfg.Epochs)))
}

func (t *trainer) epoch(ctx context.Context, st *state, epoch int) error {
	for i, n := range t.nets {
		if n.st.Stopped {
			continue
		}
		rng := rand.New(rand.NewSource(t.cfg.initSeed()*1_000_003 + int64(epoch)*31 + int64(i)))
		n.opt.LR = t.lr(epoch)
		h, err := t.trainEpoch(ctx, rng, n, epoch)
		if err != nil {
			return err
		}
		n.trainNet.SaveStats(n.params)
		if err := n.evalNet.LoadStats(n.params); err != nil {
			return err
		}
		n.st.Params = save(n.params)
		n.st.Velocity = n.opt.Velocity
		if t.cfg.FitValidation {
			h.ValLoss, h.ValAcc = math.NaN(), math.NaN() // left out of the curves
			n.st.Best, n.st.BestEpoch, n.st.FitValidation = n.st.Params, epoch, true
			fmt.Fprintf(t.log, "\repoch %d/%d network %s: train loss %.4f acc %.2f%% | no validation: the split is trained on, the last epoch is kept | lr %.5f | %.1f img/s\n",
				epoch, t.cfg.Epochs, n.name, h.TrainLoss, 100*h.TrainAcc, h.LR, n.st.ImagesPerSec)
			st.History = append(st.History, h)
			continue
		}
		var balanced, off float64
		h.ValLoss, h.ValAcc, balanced, off, err = t.validate(n)
		if err != nil {
			return err
		}
		score, eligible := t.selectionScore(n, h.ValAcc, balanced)
		scoreNote, offNote := "", ""
		if !math.IsNaN(off) {
			offNote = fmt.Sprintf(" off-galaxy %.3f", off)
		}
		if n.name == "B" {
			scoreNote = fmt.Sprintf(" (balanced %.2f%%)", 100*balanced)
		}
		mark := ""
		if eligible && n.st.improves(score, off) {
			n.st.Best, n.st.BestAcc, n.st.BestEpoch, n.st.SinceBest = n.st.Params, score, epoch, 0
			n.st.BestOff = off
			mark = " (best so far)"
		} else if n.st.SinceBest++; n.st.SinceBest >= t.cfg.Patience {
			n.st.Stopped = true
			mark = fmt.Sprintf(" (no gain for %d epochs: early stop)", n.st.SinceBest)
		}
		fmt.Fprintf(t.log, "\repoch %d/%d network %s: train loss %.4f acc %.2f%% | val loss %.4f acc %.2f%%%s%s | lr %.5f | %.1f img/s%s\n",
			epoch, t.cfg.Epochs, n.name, h.TrainLoss, 100*h.TrainAcc, h.ValLoss, 100*h.ValAcc, scoreNote, offNote, h.LR, n.st.ImagesPerSec, mark)
		st.History = append(st.History, h)
		if t.cfg.swaWindow(epoch) {
			n.st.accumulate(n.st.Params)
		}
		if n.st.SWAEpochs > 1 && (epoch == t.cfg.Epochs || n.st.Stopped) {
			if err := t.averageCandidate(ctx, n, epoch); err != nil {
				return err
			}
		}
	}
	return nil
}

func (t *trainer) trainEpoch(ctx context.Context, rng *rand.Rand, n *network, epoch int) (report.Epoch, error) {
	return t.trainBatches(ctx, rng, n, epoch, 0, true)
}

// trainBatches runs an epoch's batches, at most maxBatches of them (0: all).
// Without update it only runs them, silently: the training net's
// batch-norm statistics follow the network's weights, nothing else
// changes.
func (t *trainer) trainBatches(ctx context.Context, rng *rand.Rand, n *network, epoch, maxBatches int, update bool) (report.Epoch, error) {
	log := t.log
	if !update {
		log = io.Discard
	}
	order := make([]int, len(n.train))
	if n.weighted {
		classes := make([]int, len(n.train))
		for i, j := range n.train {
			classes[i], _ = n.target(t.train[j].class)
		}
		for i, k := range weightedDraw(rng, classes, len(n.train)) {
			order[i] = n.train[k]
		}
	} else {
		copy(order, n.train)
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	}
	b, s, k := t.cfg.Batch, t.cfg.Input, n.classes
	batches := len(order) / b
	if maxBatches > 0 {
		batches = min(batches, maxBatches)
	}
	rows := b
	if n.consistent {
		rows = 2 * b
	}
	x := make([]float32, rows*3*s*s)
	y := make([]float32, rows*k)
	scratch := image.NewRGBA(image.Rect(0, 0, s, s))
	var unl consistencyStats
	var lossSum, offSum float64
	correct := 0
	start := time.Now()
	for bi := 0; bi < batches; bi++ {
		if err := ctx.Err(); err != nil {
			return report.Epoch{}, err
		}
		labels := make([]int, b)
		for i := 0; i < b; i++ {
			im := t.train[order[bi*b+i]]
			sq, class := squeeze{S: 1}, im.class
			if f, phi, c, ok := drawSqueeze(rng, im, t.squeeze, t.cfg.Augment.Squeeze); ok {
				sq, class = squeeze{S: f, Phi: phi}, c
			}
			if len(n.cigarSources) > 0 && rng.Float64() < t.cfg.Augment.SqueezeB {
				src := t.train[n.cigarSources[rng.Intn(len(n.cigarSources))]]
				if f, phi, ok := drawCigar(rng, src, t.squeeze); ok {
					im, sq, class = src, squeeze{S: f, Phi: phi}, model.Cigar
				}
			}
			copy(x[i*3*s*s:], augment(rng, im, s, t.cfg.Augment, sq, scratch))
			labels[i], _ = n.target(class)
			if sq.S != 1 || !im.softTarget(y[i*k:(i+1)*k], k) {
				smoothed(y[i*k:(i+1)*k], labels[i], k, t.cfg.Smoothing)
			}
		}
		if n.consistent {
			for i := range y[:b*k] {
				y[i] *= 2 // see fillConsistency
			}
			// The weak views are answered by the evaluation net, whose
			// batch-norm statistics follow the training net's this often.
			if bi%10 == 0 {
				n.trainNet.SaveStats(n.params)
				if err := n.evalNet.LoadStats(n.params); err != nil {
					return report.Epoch{}, err
				}
			}
			if err := t.fillConsistency(rng, n, x[b*3*s*s:], y[b*k:], scratch, &unl); err != nil {
				return report.Epoch{}, err
			}
		}
		loss, logits, grads, err := n.trainNet.Step(x, y)
		if err != nil {
			return report.Epoch{}, err
		}
		if math.IsNaN(float64(loss)) || math.IsInf(float64(loss), 0) {
			return report.Epoch{}, fmt.Errorf("training: network %s diverged at epoch %d batch %d (loss %v)", n.name, epoch, bi+1, loss)
		}
		if update {
			n.opt.Update(n.params, grads)
		}
		lossSum += float64(loss)
		offSum += float64(n.trainNet.AttentionOff())
		for i := 0; i < b; i++ {
			if model.Argmax(logits[i*k:(i+1)*k]) == labels[i] {
				correct++
			}
		}
		if !update {
			continue
		}
		elapsed := time.Since(start)
		n.st.ImagesPerSec = float64((bi+1)*b) / elapsed.Seconds()
		if bi%5 == 4 || bi == batches-1 {
			eta := time.Duration(float64(elapsed) / float64(bi+1) * float64(batches-bi-1))
			off := ""
			if t.cfg.Attention > 0 {
				off = fmt.Sprintf(" off-galaxy %.3f", offSum/float64(bi+1))
			}
			if n.consistent {
				off += fmt.Sprintf(" unlabelled kept %.0f%%", 100*float64(unl.kept)/float64(max(unl.seen, 1)))
			}
			fmt.Fprintf(log, "\repoch %d/%d network %s: batch %d/%d loss %.4f%s acc %.1f%% %.1f img/s ETA %s   ",
				epoch, t.cfg.Epochs, n.name, bi+1, batches, lossSum/float64(bi+1), off, 100*float64(correct)/float64((bi+1)*b),
				n.st.ImagesPerSec, eta.Round(time.Second))
		}
	}
	if n.consistent {
		fmt.Fprintf(log, "\repoch %d/%d network %s: %s\n", epoch, t.cfg.Epochs, n.name, unl)
	}
	return report.Epoch{
		Epoch: epoch, Network: n.name, LR: n.opt.LR,
		TrainLoss: lossSum / float64(batches), TrainAcc: float64(correct) / float64(batches*b),
	}, nil
}

// validate returns the network's cross-entropy (against hard labels),
// accuracy and balanced accuracy (mean recall over the classes present) on
// its validation images, and with -attention their mean off-galaxy share
// (the penalty's, of the true class's map; NaN without).
func (t *trainer) validate(n *network) (loss, acc, balanced, off float64, err error) {
	off = math.NaN()
	var maps []func(int, []float32)
	if n.attnOff != nil {
		off = 0
		head := n.params["head.w"].Float32s() // [C,K]
		maps = append(maps, func(i int, feat []float32) {
			label, _ := n.target(t.val[n.val[i]].class)
			off += float64(hiwlnet.OffShare(feat, head, label, n.attnOff, n.attnTotal))
		})
	}
	probs, err := forwardAll(n.evalNet, t.val, n.val, t.cfg.Input, maps...)
	if err != nil {
		return 0, 0, 0, 0, err
	}
	if n.attnOff != nil {
		off /= float64(len(n.val))
	}
	correct := 0
	seen, right := make([]int, n.classes), make([]int, n.classes)
	for i, j := range n.val {
		label, _ := n.target(t.val[j].class)
		p := probs[i*n.classes : (i+1)*n.classes]
		loss -= math.Log(math.Max(float64(p[label]), 1e-12))
		seen[label]++
		if model.Argmax(p) == label {
			correct++
			right[label]++
		}
	}
	return loss / float64(len(n.val)), float64(correct) / float64(len(n.val)), balancedAccuracy(seen, right), off, nil
}

// selectionScore is what chooses network n's best epoch from its
// validation accuracy and balanced accuracy: accuracy, or for B with
// -select-b balanced the balanced one; and whether the epoch may be chosen
// at all: a B no better than calling everything one class never is.
func (t *trainer) selectionScore(n *network, acc, balanced float64) (score float64, eligible bool) {
	if n.name != "B" {
		return acc, true
	}
	score = acc
	if t.cfg.SelectB == "balanced" {
		score = balanced
	}
	return score, balanced > 1/float64(n.classes)
}

// balancedAccuracy is the mean recall right[c]/seen[c] over the classes
// with examples.
func balancedAccuracy(seen, right []int) float64 {
	var sum float64
	present := 0
	for c := range seen {
		if seen[c] > 0 {
			sum += float64(right[c]) / float64(seen[c])
			present++
		}
	}
	if present == 0 {
		return 0
	}
	return sum / float64(present)
}

// forwardAll runs an evaluation net over images[idx...] in padded batches
// and returns the probabilities, K per image.
//
// Each function in maps is given every image's last feature maps, with the
// image's position in idx.
func forwardAll(net *hiwlnet.Net, images []evalImage, idx []int, input int, maps ...func(i int, feat []float32)) ([]float32, error) {
	per := 3 * input * input
	x := make([]float32, evalBatch*per)
	var out []float32
	for start := 0; start < len(idx); start += evalBatch {
		n := min(evalBatch, len(idx)-start)
		clear(x)
		for i := 0; i < n; i++ {
			copy(x[i*per:], images[idx[start+i]].x)
		}
		probs, feat, err := net.Forward(x)
		if err != nil {
			return nil, err
		}
		out = append(out, probs[:n*net.Classes]...)
		for _, f := range maps {
			per := len(feat) / evalBatch
			for i := 0; i < n; i++ {
				f(start+i, feat[i*per:(i+1)*per])
			}
		}
	}
	return out, nil
}
